"""Granting and revoking roles: the service rules, the audit trail and the functional administrator's pages."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent, RoleAssignment
from plein.core.selectors import user_roles
from plein.core.services import roles as role_services
from plein.core.services.audit import verify_chain
from plein.core.services.roles import grant_role, revoke_role
from plein.core.tests.factories import OrganisationFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(R.FUNCTIONAL_ADMIN)


@pytest.fixture
def person(make_user):
    return make_user()


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- the service ------------------------------------------------------------------------------------------------


def test_grant_creates_an_audited_assignment(admin, person, organisation):
    assert R.HR not in user_roles(person)  # fills the per-object cache that the grant must clear
    assignment = grant_role(actor=admin, user=person, role=R.HR, organisation=organisation)
    assert assignment.granted_by == admin
    assert assignment.revoked_at is None
    assert R.HR in user_roles(person)
    [event] = events("role.grant")
    assert event.actor == admin
    assert event.role == R.FUNCTIONAL_ADMIN
    assert (event.target_type, event.target_id) == ("core.user", str(person.pk))
    assert event.data["role"] == R.HR
    assert event.data["unit"] is None
    assert verify_chain().ok


def test_grant_manager_for_a_unit(admin, person, organisation):
    unit = OrgUnitFactory(organisation=organisation, name="Team Water")
    grant_role(actor=admin, user=person, role=R.MANAGER, unit=unit, organisation=organisation)
    [event] = events("role.grant")
    assert event.data == {"role": R.MANAGER, "unit": unit.pk, "assignment": RoleAssignment.objects.get(user=person).pk}


@pytest.mark.parametrize(
    ("role", "with_unit", "field", "code"),
    [
        ("superhero", False, "role", "unknown_role"),
        (R.EMPLOYEE, False, "role", "implicit_role"),
        (R.MANAGER, False, "unit", "unit_required"),
        (R.HR, True, "unit", "unit_not_allowed"),
    ],
)
def test_grant_validation(admin, person, organisation, role, with_unit, field, code):
    unit = OrgUnitFactory(organisation=organisation) if with_unit else None
    with pytest.raises(ValidationError) as info:
        grant_role(actor=admin, user=person, role=role, unit=unit, organisation=organisation)
    assert field in info.value.error_dict
    assert info.value.error_dict[field][0].code == code
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert not events("role.grant")


def test_grant_refuses_a_unit_of_another_organisation(admin, person, organisation):
    other = OrgUnitFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
    with pytest.raises(ValidationError) as info:
        grant_role(actor=admin, user=person, role=R.MANAGER, unit=other, organisation=organisation)
    assert info.value.error_dict["unit"][0].code == "foreign_unit"


def test_grant_refuses_a_duplicate_active_assignment(admin, person, organisation):
    grant_role(actor=admin, user=person, role=R.AUDITOR, organisation=organisation)
    with pytest.raises(ValidationError) as info:
        grant_role(actor=admin, user=person, role=R.AUDITOR, organisation=organisation)
    assert info.value.code == "duplicate"
    assert RoleAssignment.objects.filter(user=person, role=R.AUDITOR).count() == 1
    assert len(events("role.grant")) == 1


def test_nobody_changes_their_own_roles(admin, organisation):
    with pytest.raises(ValidationError) as info:
        grant_role(actor=admin, user=admin, role=R.HR, organisation=organisation)
    assert info.value.code == "own_roles"
    own = RoleAssignment.objects.get(user=admin, role=R.FUNCTIONAL_ADMIN)
    with pytest.raises(ValidationError):
        revoke_role(actor=admin, assignment=own)
    own.refresh_from_db()
    assert own.revoked_at is None


def test_grant_is_atomic_with_its_audit_event(admin, person, organisation, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(role_services, "record_event", broken)
    with pytest.raises(RuntimeError):
        grant_role(actor=admin, user=person, role=R.HR, organisation=organisation)
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_revoke_keeps_history_and_is_audited(admin, person, organisation):
    assignment = grant_role(actor=admin, user=person, role=R.EDITOR, organisation=organisation)
    assert R.EDITOR in user_roles(person)
    revoke_role(actor=admin, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert assignment.revoked_by == admin
    person.refresh_from_db()
    assert R.EDITOR not in user_roles(person)
    [event] = events("role.revoke")
    assert event.data["role"] == R.EDITOR
    assert event.target_id == str(person.pk)
    # The role may be granted again; both assignments stay in the history.
    grant_role(actor=admin, user=person, role=R.EDITOR, organisation=organisation)
    assert RoleAssignment.objects.filter(user=person, role=R.EDITOR).count() == 2
    assert verify_chain().ok


def test_cannot_revoke_twice(admin, person, organisation):
    assignment = grant_role(actor=admin, user=person, role=R.EDITOR, organisation=organisation)
    stale = RoleAssignment.objects.get(pk=assignment.pk)
    revoke_role(actor=admin, assignment=assignment)
    with pytest.raises(ValidationError) as info:
        revoke_role(actor=admin, assignment=stale)  # an old copy, as from a second browser tab
    assert info.value.code == "already_revoked"
    assert len(events("role.revoke")) == 1


# --- the pages ----------------------------------------------------------------------------------------------------


def test_role_list_shows_people_and_their_roles_with_search(client, admin, make_user, organisation):
    unit = OrgUnitFactory(organisation=organisation, name="Team Water")
    manager = make_user(R.MANAGER, unit=unit, first_name="Mirjam", last_name="Manager")
    make_user(first_name="Karel", last_name="Zonderrol")
    client.force_login(admin)
    body = client.get(reverse("core:role_list")).content.decode()
    assert "Mirjam Manager" in body
    assert manager.email in body
    assert "Team Water" in body
    assert "Karel Zonderrol" in body

    body = client.get(reverse("core:role_list"), {"q": "mirjam"}).content.decode()
    assert "Mirjam Manager" in body
    assert "Karel Zonderrol" not in body

    body = client.get(reverse("core:role_list"), {"role": R.MANAGER}).content.decode()
    assert "Mirjam Manager" in body
    assert "Karel Zonderrol" not in body
    assert events("roles.list")


def test_grant_through_the_page_shows_on_the_persons_start_page(admin, person, organisation):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": person.pk})
    page = browser.get(url)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = browser.post(url, {"role": R.AUDITOR, "unit": "", "csrfmiddlewaretoken": token}, follow=True)
    assert response.status_code == 200
    assert "heeft nu de rol Auditor" in response.content.decode()
    assert RoleAssignment.objects.filter(user=person, role=R.AUDITOR, granted_by=admin).exists()

    own = Client()
    own.force_login(person)
    start = own.get(reverse("core:start")).content.decode()
    assert str(R.ROLES[R.AUDITOR].purpose) in start


def test_forged_csrf_changes_nothing(admin, person):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": person.pk})
    response = browser.post(url, {"role": R.HR})
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, admin, person):
    client.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": person.pk})
    response = client.post(url, {"role": R.MANAGER, "unit": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kies het organisatieonderdeel voor deze rol" in body
    assert "De rol is niet toegekend" in body
    assert not RoleAssignment.objects.filter(user=person).exists()

    response = client.post(url, {"role": R.EMPLOYEE})
    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_duplicate_grant_through_the_page_is_refused(client, admin, person, organisation):
    grant_role(actor=admin, user=person, role=R.HR, organisation=organisation)
    client.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": person.pk})
    response = client.post(url, {"role": R.HR})
    assert response.status_code == 400
    assert "heeft deze rol al" in response.content.decode()


def test_revoke_through_the_page_and_history(client, admin, person, organisation):
    assignment = grant_role(actor=admin, user=person, role=R.FACILITATOR, organisation=organisation)
    client.force_login(admin)
    revoke_url = reverse("core:role_revoke", kwargs={"user_id": person.pk, "assignment_id": assignment.pk})
    assert client.get(revoke_url).status_code == 405  # revoking is a POST only
    response = client.post(revoke_url, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "is ingetrokken" in body
    assignment.refresh_from_db()
    assert assignment.revoked_by == admin
    # The history still shows the revoked assignment, with who granted and revoked it.
    assert "Procesbegeleider" in body
    assert body.count(admin.email) >= 2

    again = client.post(revoke_url, follow=True)
    assert "al ingetrokken" in again.content.decode()
    assert len(events("role.revoke")) == 1


def test_revoke_needs_the_matching_account(client, admin, person, make_user, organisation):
    assignment = grant_role(actor=admin, user=person, role=R.FACILITATOR, organisation=organisation)
    someone_else = make_user()
    client.force_login(admin)
    url = reverse("core:role_revoke", kwargs={"user_id": someone_else.pk, "assignment_id": assignment.pk})
    assert client.post(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_own_account_page_offers_no_changes(client, admin):
    client.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": admin.pk})
    body = client.get(url).content.decode()
    assert "Je kunt ze niet zelf wijzigen" in body
    assert 'name="role"' not in body
    response = client.post(url, {"role": R.HR})
    assert response.status_code == 400
    assert "Je kunt je eigen rollen niet wijzigen" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=admin, role=R.HR).exists()


def test_account_without_employee_record_can_get_a_role(client, admin, organisation):
    outside_auditor = UserFactory(email="rekenkamer@example.org")
    client.force_login(admin)
    url = reverse("core:role_account", kwargs={"user_id": outside_auditor.pk})
    client.post(url, {"role": R.AUDITOR})
    assert R.AUDITOR in user_roles(outside_auditor)


@pytest.mark.parametrize("role", [R.INTEGRITY_COORDINATOR, R.HR, R.AUDITOR, R.MANAGER, None])
def test_only_the_functional_administrator_manages_roles(client, make_user, person, role):
    user = make_user(role) if role else make_user()
    client.force_login(user)
    assert client.get(reverse("core:role_list")).status_code == 403
    url = reverse("core:role_account", kwargs={"user_id": person.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"role": R.HR}).status_code == 403
    assert not RoleAssignment.objects.filter(user=person).exists()


# --- in the browser (axe-core checks every page the test opens) -------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_grant_and_revoke_in_the_browser(page, make_user, organisation):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    admin = make_user(R.FUNCTIONAL_ADMIN)
    unit = OrgUnitFactory(organisation=organisation, name="Team Water")
    person = make_user(first_name="Bram", last_name="Browser")
    login(page, admin)
    visit(page, reverse("core:role_list"))
    page.get_by_role("link", name="Bram Browser").click()
    grant = page.locator("form.plein-form")

    # A manager without a unit: the error is explained and linked to the field.
    grant.locator("#id_role").select_option(R.MANAGER)
    grant.locator("button[type=submit]").click()
    expect(page.locator("#id_unit")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_unit_errors")).to_contain_text("Kies het organisatieonderdeel voor deze rol")

    page.locator("form.plein-form #id_role").select_option(R.MANAGER)
    page.locator("form.plein-form #id_unit").select_option(str(unit.pk))
    page.locator("form.plein-form button[type=submit]").click()
    expect(page.get_by_role("status").first).to_contain_text("heeft nu de rol Leidinggevende voor Team Water")
    assert RoleAssignment.objects.filter(user=person, role=R.MANAGER, unit=unit, revoked_at__isnull=True).exists()

    page.get_by_role("button", name="Leidinggevende intrekken").click()
    expect(page.get_by_role("status").first).to_contain_text("is ingetrokken")
    assert RoleAssignment.objects.get(user=person, role=R.MANAGER).revoked_by == admin


def test_roles_and_employee_records_of_another_organisation_give_no_rights_here(organisation):
    """One database may hold several organisations; the installation's organisation is the only one that counts."""
    from plein.core.selectors import employee_for
    from plein.core.tests.factories import EmployeeFactory

    other = OrganisationFactory(slug="andere-provincie")
    person = UserFactory()
    RoleAssignment.objects.create(organisation=other, user=person, role=R.INTEGRITY_COORDINATOR)
    EmployeeFactory(organisation=other, unit=OrgUnitFactory(organisation=other), user=person)
    assert user_roles(person) == set()
    assert employee_for(person) is None
    fresh = type(person).objects.get(pk=person.pk)
    RoleAssignment.objects.create(organisation=organisation, user=fresh, role=R.HR)
    assert user_roles(fresh) == {R.HR}
