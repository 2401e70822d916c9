"""Browser tests of the declarations: every page opened is checked with axe (WCAG 2.1 AA), for CSP and console errors
and for requests to other origins (plein.core.tests.browser). Forms are filled in with the keyboard only."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plein.core import roles as R
from plein.core.tests.browser import login, visit
from plein.core.tests.factories import OrgUnitFactory
from plein.declarations import services
from plein.declarations.models import Gift, OutsideActivity, Participant
from plein.declarations.tests.helpers import decided, declare, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


@pytest.fixture
def team(organisation, unit):
    return OrgUnitFactory(organisation=organisation, parent=unit, name="Team Water")


@pytest.fixture
def me(make_user, team):
    return make_user(employee_unit=team, start_date=dt.date(2015, 1, 1))


@pytest.fixture
def boss(make_user, team):
    return make_user(R.MANAGER, unit=team, employee_unit=team, start_date=dt.date(2015, 1, 1))


def type_into(page, selector, text):
    page.focus(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, selector):
    """Select a radio button with the keyboard: focus it and press Space."""
    page.focus(selector)
    page.keyboard.press("Space")
    expect(page.locator(selector)).to_be_checked()


def test_employee_declares_with_the_keyboard_only(page, me):
    login(page, me)
    visit(page, reverse("declarations:mine"))
    visit(page, reverse("declarations:activity_create"))
    type_into(page, "#id_external_organisation", "Stichting Het Veen")
    type_into(page, "#id_role", "Penningmeester")
    choose(page, "#id_paid_1")
    type_into(page, "#id_hours_per_month", "800")  # too many: the form says so
    type_into(page, "#id_start_date", "01012025")
    for name in ("conflict_of_interest", "uses_information", "time_burden", "reputation_risk"):
        choose(page, f"#id_{name}_1")
    page.focus("form.decl-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#id_hours_per_month_errors")).to_be_visible()
    assert not OutsideActivity.objects.exists()
    type_into(page, "#id_hours_per_month", "8")
    page.focus("form.decl-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nevenfuncties/\d+/$"))
    item = OutsideActivity.objects.get()
    assert item.role == "Penningmeester" and item.hours_per_month == 8 and item.start_date == dt.date(2025, 1, 1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Penningmeester")


def test_manager_decides_with_the_keyboard(page, me, boss):
    item = declare(me.employee, today=TODAY)
    login(page, boss)
    visit(page, reverse("declarations:activity_list"))
    visit(page, reverse("declarations:activity_detail", args=[item.pk]))
    visit(page, reverse("declarations:activity_decide", args=[item.pk]))
    choose(page, "#id_decision_1")
    type_into(page, "#id_reasons", "Geen raakvlak met het werk.")
    type_into(page, "#id_conditions", "Niet tijdens werktijd.")
    page.focus("form.decl-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/nevenfuncties/{item.pk}/$"))
    item.refresh_from_db()
    assert item.decision == "toegestaan_onder_voorwaarden"


def test_employee_pages_gift_and_confirmation(page, me, make_user, organisation):
    decided(me.employee, today=TODAY)
    ic = make_user(R.INTEGRITY_COORDINATOR, start_date=dt.date(2015, 1, 1))
    services.start_campaign(
        actor=ic,
        organisation=organisation,
        year=TODAY.year,
        scope="iedereen",
        deadline=TODAY + dt.timedelta(days=30),
        today=TODAY,
    )
    login(page, me)
    visit(page, reverse("declarations:gift_create"))
    choose(page, "#id_kind_0")
    choose(page, "#id_direction_0")
    type_into(page, "#id_counterparty", "Aannemer Bouwman")
    type_into(page, "#id_description", "Kerstpakket")
    type_into(page, "#id_occasion", "Kerst")
    type_into(page, "#id_estimated_value", "35")
    page.focus("form.decl-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/geschenken/\d+/$"))
    assert Gift.objects.get().decision == "automatisch_geaccepteerd"
    visit(page, reverse("declarations:confirm"))
    choose(page, "#id_response_0")
    page.focus("form.decl-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/verklaringen/$"))
    assert Participant.objects.get(employee=me.employee).confirmed_at is not None


def test_coordinator_pages(page, make_user, organisation, team, me):
    ic = make_user(R.INTEGRITY_COORDINATOR, start_date=dt.date(2015, 1, 1))
    holder = person(organisation, team, financial=True, publish=True)
    decided(holder, today=TODAY)
    declare(me.employee, today=TODAY, conflict_of_interest=True, risk_explanation="Raakvlak.")
    interest = services.declare_financial_interest(
        actor=None, employee=holder, kind="belang", description="Aandelen", institution="Heijmans NV", today=TODAY
    )
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=TODAY.year, scope="iedereen", deadline=TODAY, today=TODAY
    )
    candidate = services.create_candidate(
        actor=ic,
        organisation=organisation,
        first_name="Jorien",
        last_name="Bakker",
        interview_on=TODAY,
        start_date=TODAY,
    )
    login(page, ic)
    for url in (
        reverse("declarations:activity_list"),
        reverse("declarations:activity_list") + "?status=advies",
        reverse("declarations:gift_list"),
        reverse("declarations:interest_list"),
        reverse("declarations:interest_detail", args=[interest.pk]),
        reverse("declarations:candidate_list"),
        reverse("declarations:candidate_detail", args=[candidate.pk]),
        reverse("declarations:candidate_create"),
        reverse("declarations:candidate_activity_create", args=[candidate.pk]),
        reverse("declarations:campaign_list"),
        reverse("declarations:campaign_detail", args=[campaign.pk]),
        reverse("declarations:figures"),
    ):
        visit(page, url)


def test_public_register_works_without_login_and_without_javascript(new_page, organisation, team):
    holder = person(organisation, team, publish=True, first_name="Petra", last_name="Publiek")
    decided(holder, today=TODAY, role="Voorzitter")
    page = new_page(java_script_enabled=False)
    visit(page, reverse("declarations:public_register"))
    expect(page.get_by_role("table")).to_contain_text("Petra Publiek")
    page.fill("#id_q", "Onbekend")
    page.press("#id_q", "Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_have_count(0)
