import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.declarations import services
from plein.declarations.models import (
    ActivityEvent,
    AppendOnlyError,
    Campaign,
    CampaignReminder,
    FinancialInterest,
    FinancialStatement,
    Gift,
    OutsideActivity,
    Participant,
)
from plein.declarations.tests.helpers import TODAY, activity_data, decided, declare, person

pytestmark = pytest.mark.django_db

S = OutsideActivity.Status


@pytest.fixture
def employee(make_user, unit):
    return make_user(employee_unit=unit).employee


@pytest.fixture
def manager(make_user, unit):
    return make_user(R.MANAGER, unit=unit)


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


# --- declaring ----------------------------------------------------------------------------------------------------


def test_declaration_without_risk_goes_to_the_manager(employee):
    item = declare(employee)
    assert item.status == S.AWAITING_DECISION
    assert item.decision == "in_behandeling"
    assert not item.advice_needed
    assert item.declared_on == TODAY
    assert item.last_confirmed_on == TODAY
    event = item.events.get()
    assert event.kind == ActivityEvent.Kind.DECLARED
    assert event.snapshot["role"] == "Penningmeester"
    assert AuditEvent.objects.filter(action="declarations.activity_declared", target_id=str(item.pk)).exists()
    # No content in the audit log.
    assert "Penningmeester" not in str(AuditEvent.objects.values_list("data", flat=True))


@pytest.mark.parametrize("risk", ["conflict_of_interest", "uses_information", "time_burden", "reputation_risk"])
def test_any_risk_answer_calls_for_advice(employee, risk):
    item = declare(employee, **{risk: True, "risk_explanation": "Raakvlak."})
    assert item.advice_needed
    assert item.status == S.AWAITING_ADVICE


@pytest.mark.parametrize("flags", [{"publish": True}, {"financial": True}])
def test_designated_position_calls_for_advice(organisation, unit, flags):
    employee = person(organisation, unit, **flags)
    item = declare(employee, actor=None)
    assert item.advice_needed
    assert item.status == S.AWAITING_ADVICE


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours_per_month": 745}, "tussen 0 en 744"),
        ({"hours_per_month": -1}, "tussen 0 en 744"),
        ({"start_date": dt.date(2025, 5, 1), "end_date": dt.date(2025, 4, 30)}, "einddatum kan niet vóór"),
        ({"external_organisation": "  "}, "organisatie"),
        ({"role": ""}, "rol"),
        ({"paid": None}, "betaald"),
        ({"time_burden": None}, "risicovraag"),
    ],
)
def test_bad_declarations_are_refused_and_nothing_is_saved(employee, overrides, message):
    with pytest.raises(ValidationError) as exc:
        declare(employee, **overrides)
    assert message in " ".join(exc.value.messages)
    assert not OutsideActivity.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_hours_boundaries_are_allowed(employee):
    assert declare(employee, hours_per_month=0).hours_per_month == 0
    assert declare(employee, hours_per_month=744).hours_per_month == 744


def test_database_refuses_end_before_start_too(employee):
    item = declare(employee)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutsideActivity.objects.filter(pk=item.pk).update(end_date=dt.date(2024, 1, 1))


# --- assessing ----------------------------------------------------------------------------------------------------


def test_manager_decides_with_reasons(employee, manager):
    item = declare(employee)
    item = services.decide_activity(
        actor=manager, activity=item, decision="toegestaan", reasons="Geen raakvlak.", today=TODAY
    )
    assert item.status == S.DECIDED
    assert item.decision == "toegestaan"
    assert item.decided_on == TODAY
    assert item.decided_by == manager
    assert list(item.events.values_list("kind", flat=True)) == ["gemeld", "besloten"]


def test_decision_needs_reasons_and_conditions(employee, manager):
    item = declare(employee)
    with pytest.raises(ValidationError, match="redenen"):
        services.decide_activity(actor=manager, activity=item, decision="geweigerd", reasons=" ", today=TODAY)
    with pytest.raises(ValidationError, match="voorwaarden"):
        services.decide_activity(
            actor=manager, activity=item, decision="toegestaan_onder_voorwaarden", reasons="Ok", today=TODAY
        )
    with pytest.raises(ValidationError):
        services.decide_activity(actor=manager, activity=item, decision="in_behandeling", reasons="Ok", today=TODAY)
    item.refresh_from_db()
    assert item.status == S.AWAITING_DECISION
    assert item.events.count() == 1


def test_a_second_decision_fails_unless_reopened(employee, manager):
    item = decided(employee, "geweigerd", decider=manager)
    with pytest.raises(ValidationError, match="al een besluit genomen"):
        services.decide_activity(actor=manager, activity=item, decision="toegestaan", reasons="Toch wel.", today=TODAY)
    item.refresh_from_db()
    assert item.decision == "geweigerd"
    # The employee objects: reopened, and a new decision is possible.
    services.object_to_decision(actor=employee.user, activity=item, reasons="Geen raakvlak.", today=TODAY)
    item.refresh_from_db()
    assert item.status == S.AWAITING_DECISION
    assert item.decision == "in_behandeling"
    services.decide_activity(actor=manager, activity=item, decision="toegestaan", reasons="Na bezwaar.", today=TODAY)
    item.refresh_from_db()
    assert item.decision == "toegestaan"
    kinds = list(item.events.values_list("kind", "decision"))
    assert kinds == [("gemeld", ""), ("besloten", "geweigerd"), ("bezwaar", "geweigerd"), ("besloten", "toegestaan")]


def test_objection_needs_a_decision_and_reasons(employee):
    item = declare(employee)
    with pytest.raises(ValidationError, match="nog geen besluit"):
        services.object_to_decision(actor=employee.user, activity=item, reasons="Waarom?", today=TODAY)
    with pytest.raises(ValidationError, match="Leg uit"):
        services.object_to_decision(actor=employee.user, activity=item, reasons="", today=TODAY)


def test_change_reopens_and_keeps_the_old_decision_in_the_history(employee, manager):
    item = decided(employee, "toegestaan", decider=manager)
    changed = services.change_activity(
        actor=employee.user, activity=item, data=activity_data(hours_per_month=20), today=TODAY
    )
    assert changed.version == 2
    assert changed.status == S.AWAITING_DECISION
    assert changed.decision == "in_behandeling"
    assert changed.decided_on is None
    last = changed.events.order_by("-pk").first()
    assert last.kind == ActivityEvent.Kind.CHANGED
    assert last.decision == "toegestaan"
    assert last.snapshot["hours_per_month"] == 20
    assert item.events.filter(kind="gemeld").get().snapshot["hours_per_month"] == 8


def test_change_with_a_risk_goes_to_the_ic_again(employee, manager):
    item = decided(employee, decider=manager)
    changed = services.change_activity(
        actor=employee.user,
        activity=item,
        data=activity_data(reputation_risk=True, risk_explanation="Publiciteit."),
        today=TODAY,
    )
    assert changed.status == S.AWAITING_ADVICE


def test_change_without_change_is_refused(employee):
    item = declare(employee)
    with pytest.raises(ValidationError, match="Er is niets gewijzigd"):
        services.change_activity(actor=employee.user, activity=item, data=activity_data(), today=TODAY)


def test_manager_waits_for_the_ic_advice_and_the_ic_may_decide(employee, manager, ic):
    item = declare(employee, uses_information=True, risk_explanation="Kennis van aanbestedingen.")
    with pytest.raises(ValidationError, match="Wacht op het advies"):
        services.decide_activity(actor=manager, activity=item, decision="toegestaan", reasons="Ok", today=TODAY)
    services.give_advice(actor=ic, activity=item, advice="Toestaan onder voorwaarden.", today=TODAY)
    item.refresh_from_db()
    assert item.status == S.AWAITING_DECISION
    assert item.advice_on == TODAY
    services.decide_activity(
        actor=manager,
        activity=item,
        decision="toegestaan_onder_voorwaarden",
        reasons="Conform advies.",
        conditions="Geen aanbestedingen.",
        today=TODAY,
    )
    other = declare(employee, time_burden=True, risk_explanation="Veel uren.", role="Trainer")
    services.decide_activity(
        actor=ic, activity=other, decision="geweigerd", reasons="Te zwaar.", today=TODAY, as_coordinator=True
    )
    assert OutsideActivity.objects.get(pk=other.pk).decision == "geweigerd"


def test_manager_can_ask_for_advice(employee, manager, ic):
    item = declare(employee)
    services.request_advice(actor=manager, activity=item, question="Raakt dit ons werk?", today=TODAY)
    item.refresh_from_db()
    assert item.status == S.AWAITING_ADVICE
    with pytest.raises(ValidationError):
        services.request_advice(actor=manager, activity=item, question="", today=TODAY)
    with pytest.raises(ValidationError, match="Schrijf je advies op"):
        services.give_advice(actor=ic, activity=item, advice=" ", today=TODAY)


def test_ending_is_recorded(employee, manager):
    item = decided(employee, decider=manager)
    with pytest.raises(ValidationError, match="vóór de begindatum"):
        services.end_activity(actor=employee.user, activity=item, end_date=dt.date(2024, 12, 31), today=TODAY)
    services.end_activity(actor=employee.user, activity=item, end_date=dt.date(2025, 5, 31), today=TODAY)
    item.refresh_from_db()
    assert item.end_date == dt.date(2025, 5, 31)
    assert item.ended_on == TODAY
    assert item.events.order_by("-pk").first().kind == ActivityEvent.Kind.ENDED
    with pytest.raises(ValidationError, match="al vastgelegd"):
        services.end_activity(actor=employee.user, activity=item, end_date=dt.date(2025, 5, 31), today=TODAY)
    with pytest.raises(ValidationError, match="is beëindigd"):
        services.change_activity(actor=employee.user, activity=item, data=activity_data(role="Voorzitter"), today=TODAY)


def test_history_is_append_only(employee):
    item = declare(employee)
    event = item.events.get()
    event.text = "gewijzigd"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ActivityEvent.objects.filter(pk=event.pk).update(text="x")
    with pytest.raises(AppendOnlyError):
        ActivityEvent.objects.all().delete()
    # Deleting the person takes their history with them (AVG), through the cascade.
    employee.delete()
    assert not ActivityEvent.objects.exists()


# --- employment-terms interview -----------------------------------------------------------------------------------


def test_candidate_declarations_are_attached_on_hiring(organisation, unit, make_user):
    hr = make_user(R.HR)
    candidate = services.create_candidate(
        actor=hr,
        organisation=organisation,
        first_name="Jorien",
        last_name="Bakker",
        interview_on=dt.date(2025, 5, 1),
        start_date=dt.date(2025, 7, 1),
        unit=unit,
    )
    item = services.record_candidate_activity(actor=hr, candidate=candidate, data=activity_data(), today=TODAY)
    assert item.employee is None and item.candidate == candidate
    assert item.source == OutsideActivity.Source.INTERVIEW
    employee = EmployeeFactory(organisation=organisation, unit=unit, start_date=dt.date(2025, 7, 1))
    assert services.attach_candidate(actor=hr, candidate=candidate, employee=employee) == 1
    item.refresh_from_db()
    assert item.employee == employee
    assert item.events.order_by("-pk").first().kind == ActivityEvent.Kind.ATTACHED
    with pytest.raises(ValidationError, match="al aan een medewerker gekoppeld"):
        services.attach_candidate(actor=hr, candidate=candidate, employee=employee)
    with pytest.raises(ValidationError, match="is nu in dienst"):
        services.record_candidate_activity(actor=hr, candidate=candidate, data=activity_data(), today=TODAY)


def test_candidate_interview_must_be_before_the_start(organisation, make_user):
    with pytest.raises(ValidationError, match="vóór de begindatum"):
        services.create_candidate(
            actor=make_user(R.HR),
            organisation=organisation,
            first_name="A",
            last_name="B",
            interview_on=dt.date(2025, 8, 1),
            start_date=dt.date(2025, 7, 1),
        )


# --- the yearly campaign ------------------------------------------------------------------------------------------


@pytest.fixture
def staff(organisation, unit):
    team = OrgUnitFactory(organisation=organisation, parent=unit, name="Team A")
    plain = [person(organisation, team) for _ in range(3)]
    fin = person(organisation, team, financial=True)
    pub = person(organisation, unit, publish=True)
    gone = person(organisation, team, end_date=dt.date(2024, 12, 31))
    return {"plain": plain, "financial": fin, "published": pub, "gone": gone}


def test_campaign_for_everyone_or_the_designated(organisation, staff, ic):
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    people = set(campaign.participants.values_list("employee_id", flat=True))
    assert staff["gone"].pk not in people
    assert {e.pk for e in staff["plain"]} <= people
    assert Participant.objects.get(campaign=campaign, employee=staff["financial"]).financial_interests_required
    with pytest.raises(ValidationError, match="al een campagne"):
        services.start_campaign(
            actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
        )
    with pytest.raises(ValidationError, match="nog een andere campagne open"):
        services.start_campaign(
            actor=ic, organisation=organisation, year=2026, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
        )
    services.close_campaign(actor=ic, campaign=campaign, today=TODAY)
    designated = services.start_campaign(
        actor=ic, organisation=organisation, year=2026, scope="aangewezen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    assert set(designated.participants.values_list("employee_id", flat=True)) == {
        staff["financial"].pk,
        staff["published"].pk,
    }


def test_campaign_deadline_not_in_the_past(organisation, staff, ic):
    with pytest.raises(ValidationError, match="in het verleden"):
        services.start_campaign(
            actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 1, 1), today=TODAY
        )
    assert not Campaign.objects.exists()


def test_confirm_records_and_stamps_every_current_activity(organisation, staff, ic):
    employee = staff["plain"][0]
    current = decided(employee)
    ended = decided(employee, role="Oud", end_date=dt.date(2025, 2, 1))
    refused = decided(employee, "geweigerd", role="Geweigerd")
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    participant = Participant.objects.get(campaign=campaign, employee=employee)
    later = TODAY + dt.timedelta(days=10)
    with pytest.raises(ValidationError, match="lopende nevenfuncties"):
        services.confirm_participation(actor=None, participant=participant, response="geen", today=later)
    done = services.confirm_participation(actor=None, participant=participant, response="bevestigd", today=later)
    assert done.confirmed_at is not None and done.activities_confirmed == 1
    current.refresh_from_db()
    assert current.last_confirmed_on == later
    assert current.events.filter(kind="bevestigd").count() == 1
    assert not ended.events.filter(kind="bevestigd").exists()
    assert not refused.events.filter(kind="bevestigd").exists()


def test_confirm_none_and_financial_interests(organisation, staff, ic):
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    participant = Participant.objects.get(campaign=campaign, employee=staff["financial"])
    with pytest.raises(ValidationError, match="financiële belangen"):
        services.confirm_participation(actor=None, participant=participant, response="geen", today=TODAY)
    services.confirm_participation(
        actor=None, participant=participant, response="bevestigd", financial_response="geen", today=TODAY
    )
    participant.refresh_from_db()
    assert participant.response == "geen"  # nothing to confirm means "I have none"
    statement = FinancialStatement.objects.get(employee=staff["financial"])
    assert statement.campaign == campaign and statement.has_interests is False


def test_reminders_are_planned_and_sent_once(organisation, staff, ic):
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="aangewezen", deadline=dt.date(2025, 6, 30), today=TODAY
    )
    assert services.plan_reminders(organisation=organisation, today=TODAY) == []  # 28 days left: none due
    ids = services.plan_reminders(organisation=organisation, today=dt.date(2025, 6, 16))
    assert len(ids) == 2
    assert services.plan_reminders(organisation=organisation, today=dt.date(2025, 6, 17)) == ids
    assert CampaignReminder.objects.count() == 2
    assert services.deliver_reminder(reminder_id=ids[0], today=dt.date(2025, 6, 16))
    assert not services.deliver_reminder(reminder_id=ids[0], today=dt.date(2025, 6, 16))
    assert len(mail.outbox) == 1
    assert "2025" in mail.outbox[0].subject
    # The other confirms before delivery: the reminder is cancelled, not sent.
    other = CampaignReminder.objects.get(pk=ids[1]).participant
    services.confirm_participation(
        actor=None,
        participant=other,
        response="geen",
        financial_response="geen" if other.financial_interests_required else "",
        today=dt.date(2025, 6, 16),
    )
    assert not services.deliver_reminder(reminder_id=ids[1], today=dt.date(2025, 6, 16))
    assert len(mail.outbox) == 1
    # Three days before: a second reminder for whoever is still open.
    assert len(services.plan_reminders(organisation=organisation, today=dt.date(2025, 6, 27))) == 1
    services.close_campaign(actor=ic, campaign=campaign, today=dt.date(2025, 6, 28))
    assert services.plan_reminders(organisation=organisation, today=dt.date(2025, 6, 29)) == []


# --- financial interests ------------------------------------------------------------------------------------------


def test_financial_interests_only_for_designated_positions(organisation, staff):
    with pytest.raises(ValidationError, match="niet aangewezen"):
        services.declare_financial_interest(
            actor=None, employee=staff["plain"][0], kind="belang", description="Aandelen", institution="X", today=TODAY
        )
    employee = staff["financial"]
    with pytest.raises(ValidationError, match="datum van de transactie"):
        services.declare_financial_interest(
            actor=None, employee=employee, kind="transactie", description="Koop", institution="X", today=TODAY
        )
    interest = services.declare_financial_interest(
        actor=None, employee=employee, kind="belang", description="Aandelen", institution="Heijmans NV", today=TODAY
    )
    assert interest.status == FinancialInterest.Status.SUBMITTED


def test_review_financial_interest_once(organisation, staff, ic):
    interest = services.declare_financial_interest(
        actor=None,
        employee=staff["financial"],
        kind="transactie",
        description="Verkoop aandelen",
        institution="BAM",
        transaction_date=dt.date(2025, 5, 1),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="maatregelen"):
        services.review_financial_interest(actor=ic, interest=interest, assessment="maatregelen", note="", today=TODAY)
    done = services.review_financial_interest(
        actor=ic, interest=interest, assessment="geen_bezwaar", note="", today=TODAY
    )
    assert done.status == FinancialInterest.Status.REVIEWED and done.reviewed_by == ic
    with pytest.raises(ValidationError, match="al beoordeeld"):
        services.review_financial_interest(actor=ic, interest=done, assessment="geen_bezwaar", note="", today=TODAY)


def test_statement_of_completeness_needs_interests(organisation, staff):
    employee = staff["financial"]
    with pytest.raises(ValidationError, match="nog geen financiële belangen opgegeven"):
        services.make_financial_statement(actor=None, employee=employee, has_interests=True, today=TODAY)
    assert services.make_financial_statement(actor=None, employee=employee, has_interests=False, today=TODAY)


# --- gifts --------------------------------------------------------------------------------------------------------


def gift(value, **overrides):
    data = {
        "kind": "geschenk",
        "direction": "ontvangen",
        "counterparty": "Bouwbedrijf",
        "description": "Kerstpakket",
        "occasion": "Kerst",
        "estimated_value": value,
        "date": TODAY,
    }
    data.update(overrides)
    return services.GiftInput(**data)


@pytest.mark.parametrize(
    ("value", "decision"),
    [
        ("0", "automatisch_geaccepteerd"),
        ("49.99", "automatisch_geaccepteerd"),
        ("50", "automatisch_geaccepteerd"),
        ("50.01", "in_behandeling"),
        ("1000", "in_behandeling"),
    ],
)
def test_gift_threshold(employee, value, decision):
    item = services.declare_gift(actor=None, employee=employee, data=gift(value), today=TODAY)
    assert item.decision == decision
    assert item.estimated_value == Decimal(value)


def test_gift_threshold_is_configurable(employee, settings):
    settings.PLEIN = {**settings.PLEIN, "GIFT_THRESHOLD_EUR": 100}
    assert services.declare_gift(actor=None, employee=employee, data=gift("75"), today=TODAY).decision == (
        "automatisch_geaccepteerd"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "negatief"),
        ("100000.01", "boven € 100.000 is niet aannemelijk"),  # Dutch number format, not 100,000
        ("1e9", "niet aannemelijk"),
        ("abc", "bedrag"),
        ("NaN", "bedrag"),
        ("1.001", "twee cijfers achter de komma"),
    ],
)
def test_bad_gift_values_are_refused(employee, value, message):
    with pytest.raises(ValidationError, match=message):
        services.declare_gift(actor=None, employee=employee, data=gift(value), today=TODAY)
    assert not Gift.objects.exists()


def test_gift_decision_once(employee, manager):
    item = services.declare_gift(actor=None, employee=employee, data=gift("250"), today=TODAY)
    with pytest.raises(ValidationError):
        services.decide_gift(actor=manager, gift=item, decision="automatisch_geaccepteerd", note="", today=TODAY)
    services.decide_gift(
        actor=manager, gift=item, decision="afgeven_aan_organisatie", note="Voor de kerstmarkt.", today=TODAY
    )
    with pytest.raises(ValidationError, match="al een besluit genomen"):
        services.decide_gift(actor=manager, gift=item, decision="behouden", note="", today=TODAY)
    auto = services.declare_gift(actor=None, employee=employee, data=gift("10"), today=TODAY)
    with pytest.raises(ValidationError, match="al een besluit genomen"):
        services.decide_gift(actor=manager, gift=auto, decision="teruggeven", note="", today=TODAY)
