"""Need-to-know (issue 3, item 4): each role sees what its work needs, and nothing more."""

import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_units(organisation):
    own = OrgUnitFactory(organisation=organisation, name="Ruimte")
    other = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    mine = EmployeeFactory(organisation=organisation, unit=own, last_name="Inmijnteam", personnel_number="500001")
    theirs = EmployeeFactory(organisation=organisation, unit=other, last_name="Elders", personnel_number="500002")
    return {"own": own, "other": other, "mine": mine, "theirs": theirs}


# --- the manager ---------------------------------------------------------------------------------------------------


def test_manager_cannot_reach_another_unit_through_the_filters(client, make_user, two_units):
    """IDOR: choosing the other unit's id or typing a personnel number from it reveals nobody."""
    manager = make_user(R.MANAGER, unit=two_units["own"])
    client.force_login(manager)
    people = reverse("core:people")
    for params in (
        {"unit": two_units["other"].pk},
        {"q": two_units["theirs"].personnel_number},
        {"q": "Elders"},
        {"q": "Elders", "unit": two_units["other"].pk, "page": 1},
    ):
        response = client.get(people, params)
        assert response.status_code == 200, params
        assert two_units["theirs"] not in response.context["page"].object_list, params
        # (The search terms themselves come back in the page, in the language switch's return address.)
        assert '<td class="utrecht-table__cell">Elders' not in response.content.decode(), params
    # The filter itself works within their own unit.
    response = client.get(people, {"q": two_units["mine"].personnel_number})
    assert list(response.context["page"].object_list) == [two_units["mine"]]


def test_manager_object_permission_is_limited_to_their_units(make_user, two_units, organisation):
    manager = make_user(R.MANAGER, unit=two_units["own"])
    below = OrgUnitFactory(organisation=organisation, name="Team Water", parent=two_units["own"])
    below_person = EmployeeFactory(organisation=organisation, unit=below)
    assert manager.has_perm("core.view_employee", two_units["mine"])
    assert manager.has_perm("core.view_employee", below_person)
    assert not manager.has_perm("core.view_employee", two_units["theirs"])
    assert not manager.has_perm("core.view_employee", None)


def test_manager_manages_no_roles_and_reads_no_audit_log(client, make_user, two_units):
    client.force_login(make_user(R.MANAGER, unit=two_units["own"]))
    assert client.get(reverse("core:role_list")).status_code == 403
    assert client.get(reverse("core:audit_log")).status_code == 403


# --- the functional administrator ----------------------------------------------------------------------------------


@pytest.fixture
def functional_admin(make_user):
    return make_user(R.FUNCTIONAL_ADMIN)


def test_functional_admin_cannot_list_people(client, functional_admin, two_units):
    client.force_login(functional_admin)
    assert client.get(reverse("core:people")).status_code == 403
    assert not functional_admin.has_perm("core.view_people")
    assert not functional_admin.has_perm("core.view_employee", two_units["mine"])
    assert not functional_admin.has_perm("core.import_people")
    assert client.get(reverse("core:audit_log")).status_code == 403


def test_role_pages_show_name_email_unit_and_roles_only(client, functional_admin, make_user, organisation):
    unit = OrgUnitFactory(organisation=organisation, name="Team Natuur")
    position = PositionFactory(organisation=organisation, title="Vergunningverlener Natuur", code="VN-77")
    person = make_user(
        R.HR,
        employee_unit=unit,
        first_name="Petra",
        last_name="Persoonlijk",
        personnel_number="770077",
        position=position,
        employment_type="inhuur",
    )
    client.force_login(functional_admin)
    pages = [
        client.get(reverse("core:role_list")),
        client.get(reverse("core:role_list"), {"q": "Petra"}),
        client.get(reverse("core:role_account", kwargs={"user_id": person.pk})),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        # What the role administration needs:
        assert "Petra Persoonlijk" in body
        assert person.email in body
        assert "Team Natuur" in body
        assert "HR" in body
        # and nothing from the personal record:
        assert "770077" not in body
        assert "Vergunningverlener Natuur" not in body
        assert "VN-77" not in body
        assert "Hired" not in body
        assert person.employee.start_date.strftime("%Y-%m-%d") not in body


def test_role_pages_hand_templates_only_the_allowed_fields(client, functional_admin, make_user):
    person = make_user()
    client.force_login(functional_admin)
    response = client.get(reverse("core:role_account", kwargs={"user_id": person.pk}))
    account = response.context["account"]
    assert set(vars(account)) == {"pk", "name", "email", "unit", "roles"}
    for row in client.get(reverse("core:role_list")).context["rows"]:
        assert set(vars(row)) == {"pk", "name", "email", "unit", "roles"}


def test_functional_admin_navigation(client, functional_admin):
    client.force_login(functional_admin)
    body = client.get(reverse("core:start")).content.decode()
    assert f'href="{reverse("core:role_list")}"' in body
    assert f'href="{reverse("core:people")}"' not in body
    assert f'href="{reverse("core:audit_log")}"' not in body


# --- the auditor ---------------------------------------------------------------------------------------------------


def test_auditor_sees_the_audit_log_but_no_people(client, make_user, two_units):
    auditor = make_user(R.AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse("core:audit_log")).status_code == 200
    assert client.get(reverse("core:people")).status_code == 403
    assert client.get(reverse("core:role_list")).status_code == 403
    assert not auditor.has_perm("core.view_employee", two_units["mine"])
    body = client.get(reverse("core:start")).content.decode()
    assert f'href="{reverse("core:people")}"' not in body
    assert f'href="{reverse("core:audit_log")}"' in body


@pytest.mark.parametrize(
    "role", [R.EDITOR, R.FACILITATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY]
)
def test_roles_without_a_people_register_see_no_people(client, make_user, two_units, role):
    user = make_user(role)
    client.force_login(user)
    assert client.get(reverse("core:people")).status_code == 403
    assert not user.has_perm("core.view_employee", two_units["mine"])
