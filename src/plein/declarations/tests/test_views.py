import csv
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
from plein.declarations import services
from plein.declarations.models import ActivityEvent, Campaign, FinancialInterest, Gift, OutsideActivity, Participant
from plein.declarations.tests.helpers import TODAY, decided, declare, form_post, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0), tick=False):
        yield


@pytest.fixture
def team(organisation, unit):
    return OrgUnitFactory(organisation=organisation, parent=unit, name="Team Water")


@pytest.fixture
def me(make_user, team):
    return make_user(employee_unit=team, start_date=dt.date(2015, 1, 1))


@pytest.fixture
def boss(make_user, team):
    return make_user(R.MANAGER, unit=team, employee_unit=team, start_date=dt.date(2015, 1, 1))


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR, start_date=dt.date(2015, 1, 1))


def login(client, user):
    client.force_login(user)
    return client


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


# --- the employee ---------------------------------------------------------------------------------------------------


def test_employee_declares_through_the_form(client, me):
    login(client, me)
    assert client.get(reverse("declarations:activity_create")).status_code == 200
    response = client.post(reverse("declarations:activity_create"), form_post())
    item = OutsideActivity.objects.get()
    assert response.status_code == 302 and response.url == reverse("declarations:activity_detail", args=[item.pk])
    assert item.employee == me.employee
    page = client.get(reverse("declarations:mine"))
    assert "Penningmeester" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours_per_month": "800"}, "hours_per_month"),
        ({"hours_per_month": "-3"}, "hours_per_month"),
        ({"end_date": "2024-12-01"}, "end_date"),
        ({"paid": ""}, "paid"),
        ({"conflict_of_interest": "ja"}, "risk_explanation"),
        ({"start_date": "31-31-2025"}, "start_date"),
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(client, me, overrides, field):
    login(client, me)
    response = client.post(reverse("declarations:activity_create"), form_post(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (
        "Not everything is filled in correctly" in response.content.decode()
        or "Niet alles" in response.content.decode()
    )
    assert not OutsideActivity.objects.exists()


def test_employee_sees_decision_objects_changes_and_ends(client, me, boss):
    item = decided(me.employee, "geweigerd", decider=boss)
    login(client, me)
    page = client.get(reverse("declarations:activity_detail", args=[item.pk])).content.decode()
    assert "Geen bezwaar." in page  # the reasons
    response = client.post(reverse("declarations:activity_object", args=[item.pk]), {"reasons": "Geen raakvlak."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == OutsideActivity.Status.AWAITING_DECISION
    response = client.post(reverse("declarations:activity_change", args=[item.pk]), form_post(hours_per_month="12"))
    assert response.status_code == 302
    response = client.post(reverse("declarations:activity_end", args=[item.pk]), {"end_date": "2025-05-31"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.end_date == dt.date(2025, 5, 31) and item.version == 2
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == ["gemeld", "besloten", "bezwaar", "gewijzigd", "beeindigd"]


def test_employee_cannot_see_or_change_someone_elses(client, me, organisation, team):
    other = declare(person(organisation, team), actor=None)
    login(client, me)
    for name in ("activity_detail", "activity_change", "activity_object", "activity_end", "activity_decide"):
        assert client.get(reverse(f"declarations:{name}", args=[other.pk])).status_code == 403, name
    assert client.post(reverse("declarations:activity_decide", args=[other.pk]), {}).status_code == 403
    for name in ("activity_list", "gift_list", "interest_list", "candidate_list", "campaign_list", "figures"):
        assert client.get(reverse(f"declarations:{name}")).status_code == 403, name


def test_unknown_record_is_404(client, ic):
    login(client, ic)
    assert client.get(reverse("declarations:activity_detail", args=[999])).status_code == 404
    assert client.get(reverse("declarations:gift_detail", args=[999])).status_code == 404


# --- the manager and the IC -----------------------------------------------------------------------------------------


def test_manager_decides_and_the_read_is_audited(client, me, boss):
    item = declare(me.employee)
    login(client, boss)
    detail = client.get(reverse("declarations:activity_detail", args=[item.pk]))
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(action="declarations.activity_viewed", actor=boss, target_id=str(item.pk)).exists()
    response = client.post(
        reverse("declarations:activity_decide", args=[item.pk]),
        {"decision": "toegestaan_onder_voorwaarden", "reasons": "Prima.", "conditions": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["conditions"]
    response = client.post(
        reverse("declarations:activity_decide", args=[item.pk]),
        {"decision": "toegestaan_onder_voorwaarden", "reasons": "Prima.", "conditions": "Buiten werktijd."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "toegestaan_onder_voorwaarden"
    # A second decision is refused with a clear message.
    response = client.post(
        reverse("declarations:activity_decide", args=[item.pk]), {"decision": "geweigerd", "reasons": "Toch niet."}
    )
    assert response.status_code == 200
    assert "decided already" in response.content.decode() or "al een besluit" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == "toegestaan_onder_voorwaarden"


def test_manager_of_another_unit_is_refused(client, me, make_user, organisation):
    elsewhere = OrgUnitFactory(organisation=organisation, name="Elders")
    stranger = make_user(R.MANAGER, unit=elsewhere, employee_unit=elsewhere)
    item = declare(me.employee)
    login(client, stranger)
    assert client.get(reverse("declarations:activity_detail", args=[item.pk])).status_code == 403
    assert client.get(reverse("declarations:activity_decide", args=[item.pk])).status_code == 403
    page = client.get(reverse("declarations:activity_list"))
    assert page.status_code == 200 and not page.context["page"].object_list


def test_ic_advises_then_manager_decides(client, me, boss, ic):
    item = declare(me.employee, reputation_risk=True, risk_explanation="Media.")
    login(client, boss)
    response = client.post(
        reverse("declarations:activity_decide", args=[item.pk]), {"decision": "toegestaan", "reasons": "Ok"}
    )
    assert response.status_code == 200 and OutsideActivity.objects.get(pk=item.pk).decision == "in_behandeling"
    login(client, ic)
    assert (
        client.post(reverse("declarations:activity_advise", args=[item.pk]), {"advice": "Toestaan."}).status_code == 302
    )
    login(client, boss)
    response = client.post(
        reverse("declarations:activity_decide", args=[item.pk]), {"decision": "toegestaan", "reasons": "Ok"}
    )
    assert response.status_code == 302
    # The employee does not see the advice text in their own view.
    login(client, me)
    assert "Toestaan." not in client.get(reverse("declarations:activity_detail", args=[item.pk])).content.decode()


def test_manager_asks_for_advice(client, me, boss):
    item = declare(me.employee)
    login(client, boss)
    response = client.post(
        reverse("declarations:activity_request_advice", args=[item.pk]), {"question": "Wat vind jij?"}
    )
    assert response.status_code == 302
    assert OutsideActivity.objects.get(pk=item.pk).status == OutsideActivity.Status.AWAITING_ADVICE


def test_activity_export_for_the_ic_only(client, me, boss, ic):
    decided(me.employee, role="=HYPERLINK(1)")
    login(client, boss)
    assert client.get(reverse("declarations:activity_export", args=["csv"])).status_code == 403
    login(client, ic)
    rows = csv_rows(client.get(reverse("declarations:activity_export", args=["csv"])))
    assert rows[0][0] == "personeelsnummer" and rows[0][10] == "besluit"
    assert rows[1][5] == "'=HYPERLINK(1)" and rows[1][10] == "toegestaan"
    xlsx = client.get(reverse("declarations:activity_export", args=["xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 2
    assert client.get(reverse("declarations:activity_export", args=["pdf"])).status_code == 404
    assert AuditEvent.objects.filter(action="declarations.activities_exported").count() == 2


# --- list pages: constant queries at two sizes ---------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["activity_list", "gift_list", "interest_list", "candidate_list", "public_register"])
def test_list_pages_use_a_constant_number_of_queries(client, organisation, team, ic, name):
    login(client, ic)

    def add(n):
        for _ in range(n):
            employee = person(organisation, team, publish=True, financial=True)
            decided(employee)
            services.declare_gift(
                actor=None,
                employee=employee,
                data=services.GiftInput("geschenk", "ontvangen", "X", "Y", "Z", "70", TODAY),
                today=TODAY,
            )
            services.declare_financial_interest(
                actor=None, employee=employee, kind="belang", description="A", institution="B", today=TODAY
            )
            services.create_candidate(
                actor=None,
                organisation=organisation,
                first_name="K",
                last_name="D",
                interview_on=TODAY,
                start_date=TODAY,
                unit=team,
                position=employee.position,
            )

    url = reverse(f"declarations:{name}")
    add(2)
    small = _queries(client, url)
    add(8)
    large = _queries(client, url)
    assert small == large


def test_campaign_page_constant_queries(client, organisation, team, ic):
    login(client, ic)
    for _ in range(2):
        person(organisation, team)
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    url = reverse("declarations:campaign_detail", args=[campaign.pk])
    small = _queries(client, url)
    for _ in range(6):
        unit = OrgUnitFactory(organisation=organisation)
        Participant.objects.create(campaign=campaign, employee=person(organisation, unit), unit=unit)
    assert _queries(client, url) == small


# --- campaign ---------------------------------------------------------------------------------------------------------


def test_campaign_flow_through_the_pages(client, me, boss, ic, organisation, team):
    login(client, ic)
    response = client.post(
        reverse("declarations:campaign_start"),
        {"year": "2025", "scope": "iedereen", "deadline": "2025-06-30", "message": "Graag voor 1 juli."},
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    # The employee sees the to-do on the start page and confirms "I have none".
    login(client, me)
    start = client.get(reverse("core:start")).content.decode()
    assert reverse("declarations:confirm") in start
    response = client.post(reverse("declarations:confirm"), {"response": "geen"})
    assert response.status_code == 302
    assert Participant.objects.get(campaign=campaign, employee=me.employee).response == "geen"
    # The manager sees the completion of their unit.
    login(client, boss)
    page = client.get(reverse("declarations:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200
    assert [u.path for u in page.context["units"]] == [team.path]
    assert client.post(reverse("declarations:campaign_close", args=[campaign.pk])).status_code == 403
    login(client, ic)
    assert client.post(reverse("declarations:campaign_remind", args=[campaign.pk])).status_code == 302
    assert client.post(reverse("declarations:campaign_close", args=[campaign.pk])).status_code == 302
    assert Campaign.objects.get().closed_on == TODAY


def test_confirm_none_with_current_activities_is_refused(client, me, ic, organisation):
    decided(me.employee)
    services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    login(client, me)
    response = client.post(reverse("declarations:confirm"), {"response": "geen"})
    assert response.status_code == 200
    assert not Participant.objects.filter(confirmed_at__isnull=False).exists()


# --- financial interests ---------------------------------------------------------------------------------------------


def test_financial_interests_only_the_ic_reviews(client, organisation, team, make_user, boss, ic):
    holder = make_user(employee_unit=team)
    from plein.declarations.tests.helpers import designate

    designate(holder.employee.position, financial=True)
    login(client, holder)
    response = client.post(
        reverse("declarations:interest_create"),
        {"kind": "belang", "description": "Aandelen", "institution": "Heijmans NV", "transaction_date": ""},
    )
    assert response.status_code == 302
    interest = FinancialInterest.objects.get()
    assert client.get(reverse("declarations:interest_detail", args=[interest.pk])).status_code == 200
    assert client.post(reverse("declarations:interest_statement"), {"has_interests": "ja"}).status_code == 302
    for user in (boss, make_user(R.HR), make_user(R.AUDITOR)):
        login(client, user)
        assert client.get(reverse("declarations:interest_detail", args=[interest.pk])).status_code == 403
        assert client.get(reverse("declarations:interest_list")).status_code == 403
    login(client, ic)
    assert "Heijmans" in client.get(reverse("declarations:interest_list")).content.decode()
    assert client.get(reverse("declarations:interest_detail", args=[interest.pk])).status_code == 200
    response = client.post(
        reverse("declarations:interest_detail", args=[interest.pk]), {"assessment": "geen_bezwaar", "note": ""}
    )
    assert response.status_code == 302
    assert FinancialInterest.objects.get().status == "beoordeeld"
    assert AuditEvent.objects.filter(action="declarations.financial_interest_viewed").exists()


def test_financial_interest_form_only_for_designated(client, me):
    login(client, me)
    response = client.get(reverse("declarations:interest_create"))
    assert response.status_code == 302 and response.url == reverse("declarations:mine")


# --- gifts -----------------------------------------------------------------------------------------------------------


def test_gift_flow(client, me, boss, ic):
    login(client, me)
    data = {
        "kind": "uitnodiging",
        "direction": "ontvangen",
        "counterparty": "Wegenbouw Noord",
        "description": "Voetbalwedstrijd",
        "occasion": "Relatiedag",
        "estimated_value": "250,00",
        "date": "2025-05-20",
    }
    for bad in ("-5", "250000", "veel"):
        response = client.post(reverse("declarations:gift_create"), {**data, "estimated_value": bad})
        assert response.status_code == 200 and response.context["form"].errors["estimated_value"]
    assert not Gift.objects.exists()
    assert client.post(reverse("declarations:gift_create"), data).status_code == 302
    gift = Gift.objects.get()
    assert gift.decision == "in_behandeling" and str(gift.estimated_value) == "250.00"
    assert client.get(reverse("declarations:gift_decide", args=[gift.pk])).status_code == 403
    login(client, boss)
    assert (
        client.post(reverse("declarations:gift_decide", args=[gift.pk]), {"decision": "teruggeven"}).status_code == 302
    )
    assert Gift.objects.get().decision == "teruggeven"
    login(client, ic)
    page = client.get(reverse("declarations:gift_list"), {"q": "Wegenbouw"})
    assert [g.pk for g in page.context["page"].object_list] == [gift.pk]
    assert not client.get(reverse("declarations:gift_list"), {"q": "Onbekend"}).context["page"].object_list
    rows = csv_rows(client.get(reverse("declarations:gift_export", args=["csv"]), {"decision": "teruggeven"}))
    assert len(rows) == 2 and rows[1][9] == "teruggeven"


# --- candidates --------------------------------------------------------------------------------------------------------


def test_hr_records_a_candidate_and_attaches_on_hiring(client, make_user, organisation, team):
    hr = make_user(R.HR)
    login(client, hr)
    response = client.post(
        reverse("declarations:candidate_create"),
        {
            "first_name": "Jorien",
            "last_name": "Bakker",
            "interview_on": "2025-06-01",
            "start_date": "2025-07-01",
            "unit": team.pk,
        },
    )
    assert response.status_code == 302
    candidate_url = response.url
    pk = int(candidate_url.rstrip("/").split("/")[-1])
    response = client.post(reverse("declarations:candidate_activity_create", args=[pk]), form_post())
    assert response.status_code == 302
    item = OutsideActivity.objects.get()
    assert client.get(reverse("declarations:activity_detail", args=[item.pk])).status_code == 200
    new = person(organisation, team, personnel_number="777777", start_date=dt.date(2025, 7, 1))
    assert (
        client.post(reverse("declarations:candidate_attach", args=[pk]), {"personnel_number": "000"}).status_code == 302
    )
    assert OutsideActivity.objects.get().employee is None
    client.post(reverse("declarations:candidate_attach", args=[pk]), {"personnel_number": "777777"})
    assert OutsideActivity.objects.get().employee == new
    assert ActivityEvent.objects.filter(kind="in_dienst").count() == 1


# --- figures and the public register ----------------------------------------------------------------------------------


def test_auditor_sees_figures_only(client, make_user, me):
    decided(me.employee)
    auditor = make_user(R.AUDITOR)
    login(client, auditor)
    from plein.consultations import services as consultations
    from plein.consultations.models import Action, Topic

    consultations.ensure_default_lists(me.employee.organisation)
    consultations.record_consultation(
        actor=make_user(R.INTEGRITY_COORDINATOR),
        organisation=me.employee.organisation,
        data=consultations.ConsultationInput(
            date=dt.date(2025, 3, 4),
            requester="medewerker",
            topic=Topic.objects.get(code="nevenfuncties"),
            action=Action.objects.get(code="procesadvies"),
        ),
        today=dt.date(2025, 3, 4),
    )
    page = client.get(reverse("declarations:figures"), {"year": "2025"})
    assert page.status_code == 200 and page.context["figures"]["declared"] == 1
    assert me.employee.last_name not in page.content.decode()
    # The consultations register's count about outside activities, beside the declarations (issue 8 item 7).
    assert page.context["figures"]["consultations_about_outside_activities"] == 1
    assert "Consultaties over nevenfuncties" in page.content.decode()
    assert client.get(reverse("declarations:activity_list")).status_code == 403


def test_public_register_without_login_shows_only_what_is_public(client, organisation, team):
    published = person(organisation, team, publish=True, first_name="Petra", last_name="Publiek")
    hidden = person(organisation, team, first_name="Hans", last_name="Verborgen")
    decided(published, role="Voorzitter", external_organisation="Stichting Open", relation_to_work="GEHEIM-RELATIE")
    decided(hidden, role="Penningmeester")
    response = client.get(reverse("declarations:public_register"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Petra Publiek" in text and "Stichting Open" in text
    assert "Verborgen" not in text and "GEHEIM-RELATIE" not in text
    assert published.personnel_number not in text
    rows = csv_rows(client.get(reverse("declarations:public_register_export", args=["csv"])))
    assert rows[0] == ["naam", "functie", "organisatie", "nevenfunctie", "bezoldigd", "laatst_bevestigd"]
    assert rows[1][:5] == ["Petra Publiek", published.position.title, "Stichting Open", "Voorzitter", "nee"]
    assert len(rows) == 2
    xlsx = client.get(reverse("declarations:public_register_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert client.get(reverse("declarations:public_register"), {"q": "Verborgen"}).context["entries"] == []


def test_anonymous_is_sent_to_login_everywhere_else(client, me):
    item = declare(me.employee)
    for url in (
        reverse("declarations:mine"),
        reverse("declarations:activity_detail", args=[item.pk]),
        reverse("declarations:activity_list"),
        reverse("declarations:figures"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_navigation_and_start_items(client, me, boss, ic):
    declare(me.employee)
    declare(me.employee, role="Risico", conflict_of_interest=True, risk_explanation="x")
    login(client, boss)
    start = client.get(reverse("core:start")).content.decode()
    assert reverse("declarations:activity_list") + "?status=beoordeling" in start
    login(client, ic)
    start = client.get(reverse("core:start")).content.decode()
    assert reverse("declarations:activity_list") + "?status=advies" in start
    assert reverse("declarations:mine") in client.get(reverse("core:home")).content.decode()
