import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import OrgUnitFactory
from plein.positions import services
from plein.positions.models import (
    OutsideActivitiesTalk,
    PositionProfile,
    ReviewItem,
    ReviewRound,
    VogScreening,
)
from plein.positions.tests.helpers import designated, make_person, make_position, make_profile, make_vog

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 14)
IC, HR, MANAGER, AUDITOR, ADMIN = R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER, R.AUDITOR, R.FUNCTIONAL_ADMIN


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 14, 10, 0), tick=False):
        yield


@pytest.fixture
def login(client, make_user):
    def do(*roles, **kwargs):
        user = make_user(*roles, **kwargs)
        client.force_login(user)
        return user

    return do


@pytest.fixture
def water(organisation):
    return OrgUnitFactory(organisation=organisation, name="Water")


@pytest.fixture
def vog_position(organisation, water):
    position = make_position(organisation, water, code="W01", title="Vergunningverlener")
    services.save_profile(actor=None, position=position, values=designated(dt.date(2024, 5, 1)))
    return position


LIST_URLS = ["inventory", "lapsed", "coverage", "export", "rounds", "screening", "new_hires", "mine", "round_start"]


@pytest.mark.parametrize("name", LIST_URLS)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(f"positions:{name}"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- inventory ---------------------------------------------------------------------------------------------------


def test_inventory_for_ic_lists_every_position_with_state(client, login, organisation, vog_position):
    make_position(organisation, code="X01", title="Bode")
    login(IC)
    response = client.get(reverse("positions:inventory"))
    body = response.content.decode()
    assert "Vergunningverlener" in body and "Bode" in body
    states = {row.position.code: row.state for row in response.context["rows"]}
    assert states["X01"] == "not_inventoried" and states["W01"] == "current"
    assert 'class="positions-status positions-status--not_inventoried"' in body


def test_inventory_for_manager_shows_only_own_units(client, login, organisation, water, vog_position):
    make_position(organisation, OrgUnitFactory(organisation=organisation), title="Elders")
    login(MANAGER, unit=water)
    body = client.get(reverse("positions:inventory")).content.decode()
    assert "Vergunningverlener" in body
    assert "Elders" not in body


@pytest.mark.parametrize("role", [AUDITOR, ADMIN, R.EDITOR, R.CONFIDENTIAL_ADVISER, None])
def test_inventory_refused_for_others(client, login, role):
    login(*([role] if role else []))
    assert client.get(reverse("positions:inventory")).status_code == 403


def test_inventory_filter_and_empty_state(client, login, vog_position):
    login(HR)
    response = client.get(reverse("positions:inventory"), {"q": "bestaat-niet"})
    assert response.status_code == 200
    assert "Vergunningverlener" not in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_detail_and_history(client, login, organisation, water, vog_position):
    login(IC)
    response = client.get(reverse("positions:detail", args=[vog_position.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Keurt betalingen goed." in body
    assert response.context["history"].paginator.count == 1


def test_detail_refused_for_manager_of_another_unit(client, login, organisation, vog_position):
    login(MANAGER, unit=OrgUnitFactory(organisation=organisation))
    assert client.get(reverse("positions:detail", args=[vog_position.pk])).status_code == 403


def test_detail_of_unknown_position_is_404(client, login):
    login(IC)
    assert client.get(reverse("positions:detail", args=[999999])).status_code == 404


def _inventory_post(**overrides):
    data = {
        "area_geld": "on",
        "rationale_geld": "Keurt betalingen goed tot € 50.000.",
        "risk_level": "hoog",
        "vog_required": "on",
        "vog_screening_areas": ["geld"],
        "financial_interests": "on",
        "mark_reviewed": "on",
        "reviewed_on": "2025-03-10",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_saves_inventory_with_reviewer(client, login, organisation):
    position = make_position(organisation)
    user = login(HR)
    response = client.post(reverse("positions:edit", args=[position.pk]), _inventory_post())
    assert response.status_code == 302
    profile = PositionProfile.objects.get(position=position)
    assert profile.vulnerable_areas == {"geld": "Keurt betalingen goed tot € 50.000."}
    assert profile.vog_required and profile.financial_interests
    assert profile.reviewed_by == user and profile.reviewed_on == dt.date(2025, 3, 10)
    assert profile.next_review_due == dt.date(2028, 3, 10)
    assert AuditEvent.objects.get(action="positions.profile_saved").role == HR


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rationale_geld": ""}, "rationale_geld"),
        ({"area_geld": None}, "area_geld"),
        ({"vog_screening_areas": None}, "vog_screening_areas"),
        ({"mark_reviewed": None}, "mark_reviewed"),
        ({"reviewed_on": "2025-04-01"}, "mark_reviewed"),
        ({"risk_level": "extreem"}, "risk_level"),
    ],
)
def test_edit_with_bad_input_saves_nothing(client, login, organisation, overrides, field):
    position = make_position(organisation)
    login(IC)
    response = client.post(reverse("positions:edit", args=[position.pk]), _inventory_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PositionProfile.objects.exists()


def test_edit_keeps_existing_review_when_not_marked(client, login, organisation, vog_position):
    login(IC)
    response = client.post(
        reverse("positions:edit", args=[vog_position.pk]),
        _inventory_post(mark_reviewed=None, cybersecurity_relevant="on"),
    )
    assert response.status_code == 302
    profile = PositionProfile.objects.get(position=vog_position)
    assert profile.cybersecurity_relevant
    assert profile.reviewed_on == dt.date(2024, 5, 1)
    assert profile.version == 2


def test_edit_refused_for_manager(client, login, water, vog_position):
    login(MANAGER, unit=water)
    assert client.get(reverse("positions:edit", args=[vog_position.pk])).status_code == 403
    assert client.post(reverse("positions:edit", args=[vog_position.pk]), _inventory_post()).status_code == 403


# --- overviews ---------------------------------------------------------------------------------------------------


def test_lapsed_lists_only_lapsed_positions(client, login, organisation, vog_position):
    old = make_position(organisation, title="Oude functie")
    make_profile(old, reviewed_on=dt.date(2019, 1, 1))
    login(IC)
    body = client.get(reverse("positions:lapsed")).content.decode()
    assert "Oude functie" in body
    assert "Vergunningverlener" not in body


def test_lapsed_empty_state(client, login):
    login(IC)
    response = client.get(reverse("positions:lapsed"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_coverage_for_auditor_shows_aggregates_only(client, login, organisation, vog_position):
    make_person(organisation, vog_position, last_name="Persoonsnaam")
    login(AUDITOR)
    response = client.get(reverse("positions:coverage"))
    body = response.content.decode()
    assert response.status_code == 200
    assert not response.context["people_per_unit"]
    assert "Persoonsnaam" not in body
    assert "Water" in body


def test_coverage_for_hr_shows_people_per_unit(client, login, vog_position):
    login(HR)
    assert client.get(reverse("positions:coverage")).context["people_per_unit"]


@pytest.mark.parametrize("role", [ADMIN, MANAGER, None])
def test_coverage_refused(client, login, role, unit):
    login(*([role] if role else []), unit=unit)
    assert client.get(reverse("positions:coverage")).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_downloads_neutralised_file_and_is_audited(client, login, organisation, water, fmt):
    position = make_position(organisation, water, code="=X1", title="+Inkoper")
    make_profile(
        position,
        vulnerable_areas={"zakelijke_transacties": "Aanbestedingen"},
        ondermijning_relevant=True,
        reviewed_on=TODAY,
    )
    login(IC)
    response = client.get(reverse("positions:export"), {"focus": "ondermijning", "format": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("functiecode;functienaam;organisatieonderdeel;kwetsbare_gebieden")
        assert "'=X1;'+Inkoper;Water;zakelijke_transacties" in text
    else:
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][:3] == ("'=X1", "'+Inkoper", "Water")
    event = AuditEvent.objects.get(action="positions.exported")
    assert event.data == {"focus": "ondermijning", "format": fmt, "rows": 1}


def test_export_page_and_bad_input(client, login):
    login(HR)
    assert client.get(reverse("positions:export")).status_code == 200
    response = client.get(reverse("positions:export"), {"focus": "alles", "format": "pdf"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AuditEvent.objects.filter(action="positions.exported").exists()


@pytest.mark.parametrize("role", [MANAGER, AUDITOR, ADMIN])
def test_export_refused(client, login, role, unit):
    login(role, unit=unit)
    assert client.get(reverse("positions:export"), {"focus": "all", "format": "csv"}).status_code == 403


# --- review rounds -----------------------------------------------------------------------------------------------


def test_full_round_through_the_pages(client, make_user, organisation, water, vog_position):
    other = make_position(organisation, water, code="W02", title="Toezichthouder")
    ic = make_user(IC)
    manager = make_user(MANAGER, unit=water)

    client.force_login(ic)
    response = client.post(reverse("positions:round_start"), {"title": "Inventarisatie 2025", "unit": water.pk})
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("positions:round", args=[review_round.pk])
    assert review_round.items.count() == 2  # the two positions of Water

    client.force_login(manager)
    body = client.get(reverse("positions:round", args=[review_round.pk])).content.decode()
    item = review_round.items.get(position=other)
    assert reverse("positions:item_review", args=[item.pk]) in body
    assert client.get(reverse("positions:item_review", args=[item.pk])).status_code == 200
    data = _inventory_post(
        mark_reviewed=None, reviewed_on=None, comment="Toezicht op bedrijven.", ondermijning_relevant="on"
    )
    data["area_diensten"] = "on"
    data["rationale_diensten"] = "Controleert vergunningen."
    response = client.post(reverse("positions:item_review", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.SUBMITTED and item.comment == "Toezicht op bedrijven."
    # Approving is the IC's work.
    assert client.post(reverse("positions:item_approve", args=[item.pk])).status_code == 403

    client.force_login(ic)
    response = client.get(reverse("positions:round", args=[review_round.pk]))
    assert response.context["awaiting"] == 1
    response = client.post(reverse("positions:item_return", args=[item.pk]), {"comment": ""})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(reverse("positions:item_return", args=[item.pk]), {"comment": "Welke vergunningen?"})
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.RETURNED

    client.force_login(manager)
    client.post(reverse("positions:item_review", args=[item.pk]), data)
    client.force_login(ic)
    response = client.post(reverse("positions:round_approve", args=[review_round.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.APPROVED
    profile = PositionProfile.objects.get(position=other)
    assert profile.reviewed_by == manager and profile.reviewed_on == TODAY
    assert profile.vulnerable_areas == {
        "diensten": "Controleert vergunningen.",
        "geld": "Keurt betalingen goed tot € 50.000.",
    }


def test_manager_cannot_review_position_of_another_unit(client, make_user, organisation, water, vog_position):
    ic = make_user(IC)
    review_round = services.start_round(actor=ic, organisation=organisation, title="R", unit=water)
    item = review_round.items.get(position=vog_position)
    client.force_login(make_user(MANAGER, unit=OrgUnitFactory(organisation=organisation)))
    assert client.get(reverse("positions:item_review", args=[item.pk])).status_code == 403
    assert client.post(reverse("positions:item_review", args=[item.pk]), _inventory_post()).status_code == 403
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.PENDING


def test_review_of_a_reviewed_item_redirects_with_message(client, make_user, organisation, water, vog_position):
    ic = make_user(IC)
    manager = make_user(MANAGER, unit=water)
    review_round = services.start_round(actor=ic, organisation=organisation, title="R", unit=water)
    item = review_round.items.get(position=vog_position)
    services.submit_review(actor=manager, item=item, values=services.profile_values(vog_position.profile))
    client.force_login(manager)
    response = client.get(reverse("positions:item_review", args=[item.pk]))
    assert response.status_code == 302


def test_start_round_bad_input_starts_nothing(client, login, organisation):
    login(IC)
    response = client.post(reverse("positions:round_start"), {"title": "", "due_date": "gisteren"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "due_date"}
    empty = OrgUnitFactory(organisation=organisation, name="Leeg")
    response = client.post(reverse("positions:round_start"), {"title": "Leeg", "unit": empty.pk})  # no positions
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ReviewRound.objects.exists()


@pytest.mark.parametrize("role", [HR, AUDITOR, ADMIN, None])
def test_rounds_refused(client, login, role):
    login(*([role] if role else []))
    assert client.get(reverse("positions:rounds")).status_code == 403


def test_round_start_refused_for_manager(client, login, water):
    login(MANAGER, unit=water)
    assert client.get(reverse("positions:round_start")).status_code == 403


def test_post_only_endpoints_refuse_get(client, make_user, organisation, water, vog_position):
    ic = make_user(IC)
    review_round = services.start_round(actor=ic, organisation=organisation, title="R", unit=water)
    client.force_login(ic)
    assert client.get(reverse("positions:round_approve", args=[review_round.pk])).status_code == 405
    assert client.get(reverse("positions:item_approve", args=[review_round.items.first().pk])).status_code == 405


def test_approve_with_nothing_reviewed_says_so(client, make_user, organisation, water, vog_position):
    ic = make_user(IC)
    review_round = services.start_round(actor=ic, organisation=organisation, title="R", unit=water)
    client.force_login(ic)
    response = client.post(reverse("positions:round_approve", args=[review_round.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not review_round.items.exclude(status=ReviewItem.Status.PENDING).exists()


# --- screening ---------------------------------------------------------------------------------------------------


def test_screening_overview_for_hr_is_audited(client, login, organisation, vog_position):
    make_person(organisation, vog_position, last_name="Zondervog")
    login(HR)
    response = client.get(reverse("positions:screening"), {"missing": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zondervog" in body
    event = AuditEvent.objects.get(action="positions.screening_list_viewed")
    assert event.role == HR and event.data == {"count": 1, "page": 1}


@pytest.mark.parametrize("role", [IC, MANAGER, AUDITOR, ADMIN, None])
def test_screening_refused_for_everyone_but_hr(client, login, organisation, water, vog_position, role):
    person = make_person(organisation, vog_position)
    login(*([role] if role else []), unit=water)
    for url in (
        reverse("positions:screening"),
        reverse("positions:new_hires"),
        reverse("positions:person", args=[person.pk]),
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("positions:vog_add", args=[person.pk]), {"requested_on": "2025-03-01"}).status_code == 403
    )
    assert not VogScreening.objects.exists()


def test_person_page_records_vog_and_talk(client, login, organisation, vog_position):
    person = make_person(organisation, vog_position, start_date=dt.date(2025, 3, 1))
    login(HR)
    response = client.get(reverse("positions:person", args=[person.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="positions.screening_viewed", target_id=str(person.pk)).exists()
    response = client.post(
        reverse("positions:vog_add", args=[person.pk]),
        {"requested_on": "2025-02-01", "received_on": "2025-02-20", "valid_from": "2025-02-18"},
    )
    assert response.status_code == 302
    vog = VogScreening.objects.get()
    assert vog.rescreening_due == dt.date(2030, 2, 18)
    response = client.post(reverse("positions:talk", args=[person.pk]), {"held_on": "2025-02-10"})
    assert response.status_code == 302
    assert OutsideActivitiesTalk.objects.get().held_on == dt.date(2025, 2, 10)
    body = client.get(reverse("positions:person", args=[person.pk])).content.decode()
    assert "18 februari 2025" in body or "18 February 2025" in body


def test_person_page_bad_vog_input_saves_nothing(client, login, organisation, vog_position):
    person = make_person(organisation, vog_position)
    login(HR)
    response = client.post(
        reverse("positions:vog_add", args=[person.pk]), {"requested_on": "2025-03-01", "received_on": "2025-02-01"}
    )
    assert response.status_code == 400
    assert "received_on" in response.context["vog_form"].errors
    response = client.post(reverse("positions:vog_add", args=[person.pk]), {"requested_on": ""})
    assert response.status_code == 400
    response = client.post(reverse("positions:talk", args=[person.pk]), {"held_on": "2026-01-01"})
    assert response.status_code == 400 and response.context["talk_form"].errors
    assert not VogScreening.objects.exists() and not OutsideActivitiesTalk.objects.exists()


def test_vog_edit(client, login, organisation, vog_position):
    person = make_person(organisation, vog_position)
    vog = make_vog(person, requested_on=dt.date(2025, 2, 1))
    login(HR)
    url = reverse("positions:vog_edit", args=[vog.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"requested_on": "2025-02-01", "received_on": "2025-01-01"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"requested_on": "2025-02-01", "received_on": "2025-03-01", "valid_from": "2025-02-27"})
    assert response.status_code == 302
    vog.refresh_from_db()
    assert vog.valid_from == dt.date(2025, 2, 27)


def test_new_hires_page(client, login, organisation, vog_position):
    make_person(organisation, vog_position, last_name="Nieuwkomer", start_date=dt.date(2025, 3, 1))
    login(HR)
    response = client.get(reverse("positions:new_hires"))
    body = response.content.decode()
    assert "Nieuwkomer" in body
    assert AuditEvent.objects.get(action="positions.new_hires_viewed").data == {"count": 1, "page": 1}


def test_new_hires_empty_state(client, login):
    login(HR)
    response = client.get(reverse("positions:new_hires"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_my_screening(client, login, vog_position):
    login(position=vog_position)
    response = client.get(reverse("positions:mine"))
    assert response.status_code == 200
    assert response.context["person"].vog_missing


def test_my_screening_without_designation(client, login):
    login()
    response = client.get(reverse("positions:mine"))
    assert response.status_code == 200 and response.context["person"] is None


# --- navigation and start page -----------------------------------------------------------------------------------


def test_navigation_per_role(client, login, unit):
    login(AUDITOR)
    nav = {str(i.title): i.url for i in client.get(reverse("core:start")).context["main_navigation"]}
    assert nav.get("Functies", nav.get("Positions")) == reverse("positions:coverage")
    login(HR)
    nav = {str(i.title): i.url for i in client.get(reverse("core:start")).context["main_navigation"]}
    assert nav.get("Functies", nav.get("Positions")) == reverse("positions:inventory")
    login(ADMIN)
    urls = [i.url for i in client.get(reverse("core:start")).context["main_navigation"]]
    assert not any(u.startswith("/functies/") for u in urls)


def test_start_page_todos(client, make_user, organisation, water, vog_position):
    ic = make_user(IC)
    manager = make_user(MANAGER, unit=water)
    services.start_round(actor=ic, organisation=organisation, title="R", unit=water)
    employee = make_user(position=vog_position, start_date=dt.date(2025, 1, 1))
    client.force_login(manager)
    todos = client.get(reverse("core:start")).context["todos"]
    assert any(t.url == reverse("positions:rounds") for t in todos)
    client.force_login(employee)
    todos = client.get(reverse("core:start")).context["todos"]
    vog = next(t for t in todos if t.url == reverse("positions:mine"))
    assert vog.overdue
    hr = make_user(HR)
    client.force_login(hr)
    todos = client.get(reverse("core:start")).context["todos"]
    assert any(t.url == reverse("positions:new_hires") for t in todos)
    item = ReviewItem.objects.get(position=vog_position)
    services.submit_review(actor=manager, item=item, values=services.profile_values(vog_position.profile))
    client.force_login(ic)
    todos = client.get(reverse("core:start")).context["todos"]
    assert any(t.url == reverse("positions:rounds") for t in todos)


# --- constant query counts ---------------------------------------------------------------------------------------


def _grow(organisation, water, n):
    """n more positions, each inventoried, with two people holding it, one with a VOG."""
    for i in range(n):
        unit = OrgUnitFactory(organisation=organisation, parent=water, name=f"Team {organisation.pk}-{i}-{n}")
        position = make_position(organisation, unit)
        services.save_profile(
            actor=None,
            position=position,
            values=designated(dt.date(2019 + i % 6, 1, 1), ondermijning_relevant=bool(i % 2)),
        )
        first = make_person(organisation, position, start_date=dt.date(2025, 1, 1 + i % 28))
        make_vog(first, requested_on=dt.date(2024, 12, 1), received_on=dt.date(2024, 12, 20))
        make_person(organisation, position, start_date=dt.date(2025, 2, 1))


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "name", "params"),
    [
        (IC, "inventory", {}),
        (IC, "inventory", {"show": "designated"}),
        (MANAGER, "inventory", {}),
        (IC, "lapsed", {}),
        (AUDITOR, "coverage", {}),
        (HR, "coverage", {}),
        (HR, "screening", {}),
        (HR, "screening", {"missing": "on"}),
        (HR, "new_hires", {}),
    ],
)
def test_list_pages_keep_a_constant_query_count(client, make_user, organisation, water, role, name, params):
    user = make_user(role, unit=water)
    client.force_login(user)
    _grow(organisation, water, 2)
    url = reverse(f"positions:{name}")
    small = _count(client, url, params)
    _grow(organisation, water, 12)
    assert _count(client, url, params) == small


def test_round_pages_keep_a_constant_query_count(client, make_user, organisation, water):
    ic = make_user(IC)
    manager = make_user(MANAGER, unit=water)
    _grow(organisation, water, 2)
    first = services.start_round(actor=ic, organisation=organisation, title="Klein")
    _grow(organisation, water, 12)
    second = services.start_round(actor=ic, organisation=organisation, title="Groot")
    for user in (ic, manager):
        client.force_login(user)
        small = _count(client, reverse("positions:round", args=[first.pk]))
        assert _count(client, reverse("positions:round", args=[second.pk])) == small
        assert _count(client, reverse("positions:rounds")) > 0
    assert second.items.count() >= first.items.count() * 3


def test_detail_page_query_count_does_not_grow_with_history(client, login, organisation, vog_position):
    login(IC)
    url = reverse("positions:detail", args=[vog_position.pk])
    small = _count(client, url)
    for i in range(8):
        make_profile(vog_position, vulnerable_areas={"geld": f"versie {i}"})
    assert _count(client, url) == small
