"""The writes of moral deliberation: every rule, every refusal, and what goes (and never goes) in the audit log."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.selectors import employee_for
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.deliberation import selectors, services
from plein.deliberation.models import (
    Action,
    Choice,
    DeliberationRequest,
    Fact,
    LibraryEntry,
    MethodStep,
    MonthlyOption,
    MonthlyVoter,
    Option,
    Participant,
    Score,
    Session,
    Stakeholder,
    Theme,
    ValueNorm,
)
from plein.deliberation.tests.factories import (
    EntryFactory,
    FacilitatorFactory,
    SessionFactory,
    dilemma_method,
    facilitator_user,
    held,
    light_variant,
    participant,
)

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 9, 15, 10, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("action", "data", "target_type", "target_id")), default=str)


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)


@pytest.fixture
def lead(make_user, organisation):
    return facilitator_user(make_user, organisation)


@pytest.fixture
def session(organisation, lead):
    _user, facilitator = lead
    return SessionFactory(organisation=organisation, facilitators=[facilitator])


# --- facilitators ---------------------------------------------------------------------------------------------------


def test_register_facilitator_checks_the_training_dates(ic, organisation):
    employee = EmployeeFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="date of the certificate"):
        services.register_facilitator(
            actor=ic,
            organisation=organisation,
            employee=employee,
            training_status="gecertificeerd",
            training_started_on=date(2024, 3, 1),
        )
    with pytest.raises(ValidationError, match="before the start"):
        services.register_facilitator(
            actor=ic,
            organisation=organisation,
            employee=employee,
            training_status="gecertificeerd",
            training_started_on=date(2024, 3, 1),
            certified_on=date(2024, 1, 1),
        )
    facilitator = services.register_facilitator(
        actor=ic,
        organisation=organisation,
        employee=employee,
        training_status="in_opleiding",
        training_started_on=date(2024, 3, 1),
        availability="Dinsdag",
    )
    assert facilitator.is_active(date(2024, 3, 1)) and not facilitator.is_active(date(2024, 2, 29))
    with pytest.raises(ValidationError, match="already in the register"):
        services.register_facilitator(
            actor=ic,
            organisation=organisation,
            employee=employee,
            training_status="in_opleiding",
            training_started_on=date(2024, 3, 1),
        )
    services.update_facilitator(
        actor=ic, facilitator=facilitator, training_status="gecertificeerd", certified_on=date(2025, 5, 22)
    )
    facilitator.refresh_from_db()
    assert facilitator.certified_on == date(2025, 5, 22)
    assert AuditEvent.objects.filter(action="deliberation.facilitator_changed").exists()


# --- methods --------------------------------------------------------------------------------------------------------


def test_the_three_methods_are_built_in_with_their_steps_and_questions(organisation):
    versions = {v.method.key: v for v in selectors.current_versions(organisation)}
    assert set(versions) == {"dilemmamethode", "socratisch-gesprek", "lichte-variant"}
    steps = list(MethodStep.objects.filter(version=versions["dilemmamethode"]).order_by("number"))
    assert len(steps) == 10
    titles = [s.title for s in steps]
    assert titles[0] == "Introductie" and titles[-1] == "Evaluatie"
    assert "A tegenover B" in titles[2]
    choice_step = steps[6]
    assert choice_step.captures == ["keuzes"]
    assert any("Hoe beperk je de schade" in q for q in choice_step.question_list)
    assert any("Wat heb je nodig" in q for q in choice_step.question_list)
    assert all(s.question_list for s in steps)
    assert versions["lichte-variant"].suited_for.startswith("Eedafleggingen")


def test_changing_a_method_makes_a_new_version_and_sessions_keep_theirs(ic, organisation, session, make_user):
    old = session.method_version
    steps = [services.StepSpec(s.title, s.instruction, s.questions, s.captures) for s in old.steps.all()]
    steps[0] = services.StepSpec("Welkom en afspraken", "", "Wat verwacht je?", [])
    new = services.change_method(
        actor=ic, organisation=organisation, method=old.method, name=old.name, steps=steps, change_note="Stap 1"
    )
    assert new.number == old.number + 1 and new.method_id == old.method_id
    assert selectors.current_version(old.method, organisation) == new
    session.refresh_from_db()
    assert session.method_version_id == old.pk
    assert [s.title for s in selectors.steps(session)][0] == "Introductie"
    # The built-in version is untouched, and another organisation still sees it as current.
    from plein.core.tests.factories import OrganisationFactory

    other = OrganisationFactory(slug="elders", name="Elders")
    assert selectors.current_version(old.method, other) == old


def test_a_method_needs_steps_with_titles(ic, organisation):
    with pytest.raises(ValidationError, match="at least one step"):
        services.create_method(actor=ic, organisation=organisation, name="Leeg", steps=[])
    with pytest.raises(ValidationError, match="Step 2 has no title"):
        services.create_method(
            actor=ic,
            organisation=organisation,
            name="Kort",
            steps=[services.StepSpec("Een"), services.StepSpec("  ", "uitleg")],
        )
    version = services.create_method(
        actor=ic,
        organisation=organisation,
        name="Dilemmamethode",  # the same name as a built-in method: another key
        steps=[services.StepSpec("Een", questions="Vraag 1\n\nVraag 2\n", captures=["casus"])],
    )
    assert version.method.key == "dilemmamethode-2"
    assert version.steps.get().question_list == ["Vraag 1", "Vraag 2"]


# --- requests -------------------------------------------------------------------------------------------------------


def test_a_request_tells_the_coordinator_without_its_content(
    ic, employee_user, organisation, django_capture_on_commit_callbacks
):
    team = OrgUnitFactory(organisation=organisation, name="Team Subsidies")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.submit_request(
            actor=employee_user,
            organisation=organisation,
            theme=Theme.LOYALTY,
            situation="Mijn collega schrijft uren die hij niet werkt.",
            urgency="spoed",
            team=team,
            preferred_dates="Dinsdag",
        )
    assert created.status == DeliberationRequest.Status.SUBMITTED
    assert created.requester == employee_for(employee_user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ic.email]
    assert "uren" not in mail.outbox[0].body and "collega" not in mail.outbox[0].body
    assert "uren" not in audit_text() and "Subsidies" not in audit_text()
    with pytest.raises(ValidationError, match="situation"):
        services.submit_request(
            actor=employee_user, organisation=organisation, theme=Theme.LOYALTY, situation="  ", urgency="spoed"
        )


def test_withdraw_and_decline_only_while_waiting(ic, employee_user, organisation, django_capture_on_commit_callbacks):
    first = services.submit_request(
        actor=employee_user, organisation=organisation, theme=Theme.OTHER, situation="Iets", urgency="spoed"
    )
    services.withdraw_request(actor=employee_user, deliberation_request=first)
    with pytest.raises(ValidationError):
        services.decline_request(actor=ic, deliberation_request=first, reason="Nee")
    second = services.submit_request(
        actor=employee_user, organisation=organisation, theme=Theme.OTHER, situation="Iets", urgency="spoed"
    )
    with pytest.raises(ValidationError, match="reason"):
        services.decline_request(actor=ic, deliberation_request=second, reason=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(actor=ic, deliberation_request=second, reason="Ga naar de vertrouwenspersoon.")
    second.refresh_from_db()
    assert second.status == DeliberationRequest.Status.DECLINED
    assert mail.outbox[0].to == [employee_user.email]
    assert "vertrouwenspersoon" not in mail.outbox[0].body  # the answer is read in the application
    with pytest.raises(ValidationError):
        services.withdraw_request(actor=employee_user, deliberation_request=second)


# --- planning -------------------------------------------------------------------------------------------------------


def test_plan_from_a_request_with_one_or_two_available_facilitators(
    ic, employee_user, organisation, django_capture_on_commit_callbacks
):
    request = services.submit_request(
        actor=employee_user, organisation=organisation, theme=Theme.GIFTS, situation="Kaartjes", urgency="spoed"
    )
    f1 = FacilitatorFactory(organisation=organisation)
    f2 = FacilitatorFactory(organisation=organisation, training_status="in_opleiding", certified_on=None)
    f3 = FacilitatorFactory(organisation=organisation)
    away = FacilitatorFactory(organisation=organisation, available=False)
    stopped = FacilitatorFactory(organisation=organisation, stopped_on=date(2025, 1, 1))
    when = NOW + timedelta(days=10)
    version = dilemma_method(organisation)
    common = {"actor": ic, "organisation": organisation, "scheduled_at": when, "method_version": version}
    with pytest.raises(ValidationError, match="one or two"):
        services.plan_session(**common, facilitators=[f1, f2, f3], title="Sessie", deliberation_request=request)
    with pytest.raises(ValidationError, match="one or two"):
        services.plan_session(**common, facilitators=[], title="Sessie", deliberation_request=request)
    for unavailable in (away, stopped):
        with pytest.raises(ValidationError, match="not available"):
            services.plan_session(**common, facilitators=[unavailable], title="Sessie", deliberation_request=request)
    with pytest.raises(ValidationError, match="future"):
        services.plan_session(
            **{**common, "scheduled_at": NOW - timedelta(hours=1)},
            facilitators=[f1],
            title="S",
            deliberation_request=request,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = services.plan_session(**common, facilitators=[f1, f2], title="Sessie", deliberation_request=request)
    request.refresh_from_db()
    assert request.status == DeliberationRequest.Status.PLANNED
    assert session.theme == Theme.GIFTS and set(session.facilitators.all()) == {f1, f2}
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([f1.employee.email, f2.employee.email, employee_user.email])
    with pytest.raises(ValidationError, match="handled already"):
        services.plan_session(**common, facilitators=[f1], title="Nog een", deliberation_request=request)


def test_invite_sends_an_e_mail_once_per_person(session, lead, organisation, django_capture_on_commit_callbacks):
    user, facilitator = lead
    a, b = EmployeeFactory(organisation=organisation), EmployeeFactory(organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        invited, already = services.invite_participants(
            actor=user, session=session, employees=[a, b, facilitator.employee]
        )
    assert invited == [a, b] and already == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    invited, already = services.invite_participants(actor=user, session=session, employees=[a])
    assert invited == [] and already == [a]
    assert session.participants.count() == 2  # the facilitator is not a participant


# --- running a session ----------------------------------------------------------------------------------------------


def test_start_gives_a_readable_code_that_expires(session, lead, settings):
    user, _facilitator = lead
    settings.PLEIN = {**settings.PLEIN, "DELIBERATION_JOIN_CODE_MINUTES": 30}
    session = services.start_session(actor=user, session=session)
    assert session.status == Session.Status.RUNNING
    assert len(session.join_code) == 6 and set(session.join_code) <= set(services.JOIN_CODE_ALPHABET)
    assert session.join_code_expires_at == NOW + timedelta(minutes=30)
    with pytest.raises(ValidationError):
        services.start_session(actor=user, session=session)
    old = session.join_code
    session = services.renew_join_code(actor=user, session=session)
    assert session.join_code != old or session.join_code_expires_at == NOW + timedelta(minutes=30)
    assert session.join_code not in audit_text()


def test_join_wrong_expired_duplicate_and_own_session(session, lead, organisation, employee_user):
    user, _facilitator = lead
    session = services.start_session(actor=user, session=session)
    with pytest.raises(services.JoinError, match="not known") as wrong:
        services.join_session(user=employee_user, organisation=organisation, code="ZZZZZZ")
    assert wrong.value.code == "unknown"
    with pytest.raises(services.JoinError, match="Enter the code"):
        services.join_session(user=employee_user, organisation=organisation, code=" - ")
    with pytest.raises(services.JoinError, match="lead this session"):
        services.join_session(user=user, organisation=organisation, code=session.join_code)
    code = session.join_code.lower()[:3] + " " + session.join_code[3:]  # typed in lower case with a space
    participant = services.join_session(user=employee_user, organisation=organisation, code=code)
    assert participant.joined_at == NOW
    with pytest.raises(services.JoinError, match="already joined") as again:
        services.join_session(user=employee_user, organisation=organisation, code=session.join_code)
    assert again.value.code == "duplicate" and again.value.participant == participant
    with time_machine.travel(NOW + timedelta(minutes=181), tick=False):
        with pytest.raises(services.JoinError, match="expired") as expired:
            services.join_session(user=employee_user, organisation=organisation, code=session.join_code)
        assert expired.value.code == "expired"


def test_an_invited_person_joins_and_too_many_wrong_codes_lock(session, lead, organisation, make_user, settings):
    user, _facilitator = lead
    guest = make_user()
    invited = participant(session, guest, joined=False)
    session = services.start_session(actor=user, session=session)
    joined = services.join_session(user=guest, organisation=organisation, code=session.join_code)
    assert joined.pk == invited.pk and joined.joined_at is not None
    settings.PLEIN = {**settings.PLEIN, "DELIBERATION_JOIN_MAX_FAILURES": 3}
    other = make_user()
    for _attempt in range(3):
        with pytest.raises(services.JoinError, match="not known"):
            services.join_session(user=other, organisation=organisation, code="AAAAAA")
    with pytest.raises(services.JoinError, match="too often"):
        services.join_session(user=other, organisation=organisation, code=session.join_code)


def test_moving_on_from_an_empty_step_is_reported(session, lead):
    user, _facilitator = lead
    session = services.start_session(actor=user, session=session)
    session, left = services.go_to_step(actor=user, session=session, number=2)
    assert left is None  # step 1 (introduction) records nothing
    session, left = services.go_to_step(actor=user, session=session, number=3)
    assert left is not None and left.number == 2  # the case was not recorded
    services.record_text(actor=user, session=session, field_name="case_description", text="De casus")
    session, left = services.go_to_step(actor=user, session=session, number=2)
    assert left is None  # going back is never reported
    session, left = services.go_to_step(actor=user, session=session, number=3)
    assert left is None
    with pytest.raises(ValidationError, match="no step 11"):
        services.go_to_step(actor=user, session=session, number=11)


def test_the_record_in_structure(session, lead, organisation, employee_user):
    user, _facilitator = lead
    session = services.start_session(actor=user, session=session)
    me = services.join_session(user=employee_user, organisation=organisation, code=session.join_code)
    services.record_dilemma(
        actor=user, session=session, question="A of B?", option_a="Zelf doen", cost_a="Schijn", option_b="Overdragen"
    )
    a, b = selectors.ordered_options(session)
    assert (a.side, a.text, a.cost, b.side) == ("a", "Zelf doen", "Schijn", "b")
    alternative = services.add_option(actor=employee_user, session=session, text="Collega vragen", participant=me)
    stakeholder = services.add_stakeholder(
        actor=employee_user, session=session, name="De aanvrager", interests="Snelheid", participant=me
    )
    value = services.add_value(actor=user, session=session, kind="waarde", text="Onpartijdigheid")
    services.add_fact(actor=user, session=session, kind="vraag", text="Wat zegt de regeling?")
    services.add_action(actor=user, session=session, description="Regeling checken", owner="Teamleider")
    services.record_choice(
        actor=employee_user, session=session, participant=me, option=alternative, because="onpartijdigheid"
    )
    services.record_choice(actor=employee_user, session=session, participant=me, option=b, because="betrouwbaarheid")
    assert Choice.objects.get(participant=me).option == b
    services.record_weighing(
        actor=user,
        session=session,
        weights={f"s{stakeholder.pk}": 1, f"v{value.pk}": 3},
        scores={
            (a.pk, f"s{stakeholder.pk}"): 2,
            (a.pk, f"v{value.pk}"): -2,
            (b.pk, f"s{stakeholder.pk}"): -1,
            (b.pk, f"v{value.pk}"): 2,
            (alternative.pk, f"s{stakeholder.pk}"): None,
            (alternative.pk, f"v{value.pk}"): 1,
        },
    )
    record = selectors.session_record(session)
    totals = {row.option.text: row.total for row in record.matrix.rows}
    assert totals == {"Zelf doen": 2 - 6, "Overdragen": -1 + 6, "Collega vragen": 3}
    assert [row.option.text for row in record.matrix.best] == ["Overdragen"]
    negative = next(row for row in record.matrix.rows if row.total < 0)
    assert negative.bar_x + negative.bar_width == pytest.approx(record.matrix.zero_x)
    assert record.choice_tally == [(b, 1)]
    assert all(record.is_captured(code) for code in ("dilemma", "opties", "betrokkenen", "waarden", "keuzes", "weging"))
    with pytest.raises(ValidationError, match="between -2 and \\+2"):
        services.record_weighing(actor=user, session=session, weights={}, scores={(a.pk, f"v{value.pk}"): 3})
    # Emptying option B removes it with its choices and scores.
    services.record_dilemma(actor=user, session=session, question="A of B?", option_a="Zelf doen", option_b="")
    assert not Option.objects.filter(session=session, side="b").exists()
    assert not Choice.objects.filter(session=session).exists()
    text = audit_text()
    for content in ("Zelf doen", "aanvrager", "Onpartijdigheid", "regeling", "betrouwbaarheid", "Teamleider"):
        assert content not in text


def test_participants_add_only_while_running_and_after_joining(session, lead, organisation, make_user):
    user, _facilitator = lead
    guest = make_user()
    invited = participant(session, guest, joined=False)
    with pytest.raises(ValidationError, match="Join the session"):
        services.add_stakeholder(actor=guest, session=session, name="X", participant=invited)
    session = services.start_session(actor=user, session=session)
    invited = services.join_session(user=guest, organisation=organisation, code=session.join_code)
    services.add_stakeholder(actor=guest, session=session, name="Inwoners", participant=invited)
    with pytest.raises(ValidationError, match="who is involved"):
        services.add_stakeholder(actor=guest, session=session, name=" ", participant=invited)
    session = services.close_session(actor=user, session=session)
    assert session.participant_count == 1 and session.join_code == "" and session.held_on == NOW.date()
    with pytest.raises(ValidationError, match="not running"):
        services.add_option(actor=guest, session=session, text="Laat", participant=invited)
    # The facilitator may still complete the record after closing.
    services.record_text(actor=user, session=session, field_name="conclusions", text="Overdragen")
    services.add_action(actor=user, session=session, description="Bellen", owner="Teamleider")


# --- retention ------------------------------------------------------------------------------------------------------


def test_purge_deletes_content_after_the_retention_period_and_keeps_the_actions(
    session, lead, organisation, employee_user, ic
):
    user, _facilitator = lead
    request = services.submit_request(
        actor=employee_user, organisation=organisation, theme=Theme.GIFTS, situation="Geheim verhaal", urgency="spoed"
    )
    session.request = request
    session.save()
    session = services.start_session(actor=user, session=session)
    me = services.join_session(user=employee_user, organisation=organisation, code=session.join_code)
    services.record_text(actor=user, session=session, field_name="case_description", text="Geheime casus")
    services.record_dilemma(actor=user, session=session, question="Q", option_a="A", option_b="B")
    stakeholder = services.add_stakeholder(actor=user, session=session, name="Inwoners")
    services.add_fact(actor=user, session=session, kind="feit", text="Feit")
    value = services.add_value(actor=user, session=session, kind="norm", text="Norm")
    a = Option.objects.get(session=session, side="a")
    services.record_choice(actor=employee_user, session=session, participant=me, option=a, because="waarde")
    services.record_weighing(
        actor=user, session=session, weights={}, scores={(a.pk, f"s{stakeholder.pk}"): 1, (a.pk, f"v{value.pk}"): 2}
    )
    services.add_action(actor=user, session=session, description="Regeling aanpassen", owner="Teamleider")
    services.record_text(actor=user, session=session, field_name="evaluation", text="Goed")
    session = services.close_session(actor=user, session=session)
    entry = services.propose_entry(
        actor=user,
        organisation=organisation,
        session=session,
        title="T",
        theme=Theme.GIFTS,
        situation="S",
        question="Q",
        option_a="A",
        option_b="B",
        considerations="C",
    )
    declined = services.submit_request(
        actor=employee_user, organisation=organisation, theme=Theme.OTHER, situation="Ander verhaal", urgency="spoed"
    )
    services.decline_request(actor=ic, deliberation_request=declined, reason="Elders")

    # Not yet: one day before the end of the retention period of twelve months.
    with time_machine.travel(NOW + timedelta(days=364), tick=False):
        assert services.purge_expired_content().sessions == []
    with time_machine.travel(datetime(2026, 9, 16, 9, 0, tzinfo=AMS), tick=False):
        preview = services.purge_expired_content(dry_run=True)
        assert [pk for pk, *_rest in preview.sessions] == [session.pk]
        assert [pk for pk, _status in preview.requests] == [declined.pk]
        assert Stakeholder.objects.filter(session=session).exists()  # a dry run deletes nothing
        report = services.purge_expired_content()
        assert not report.dry_run and len(report.sessions) == 1
        assert services.purge_expired_content().sessions == []  # idempotent
    session.refresh_from_db()
    request.refresh_from_db()
    declined.refresh_from_db()
    entry.refresh_from_db()
    assert session.content_deleted_at is not None
    assert (session.case_description, session.dilemma_question, session.evaluation) == ("", "", "")
    for model in (Fact, Stakeholder, ValueNorm, Option, Choice, Score):
        assert not model.objects.filter(session=session).exists()
    assert list(Action.objects.filter(session=session).values_list("description", flat=True)) == ["Regeling aanpassen"]
    assert Participant.objects.filter(session=session).count() == 1 and session.participant_count == 1
    assert request.situation == "" and request.content_deleted_at is not None
    assert declined.situation == "" and declined.decline_reason == ""
    assert entry.source_session is None
    event = AuditEvent.objects.get(action="deliberation.content_purged")
    assert event.data["sessions"] == 1 and event.data["requests"] == 1
    with pytest.raises(ValidationError, match="deleted"):
        services.add_action(actor=user, session=session, description="Nog iets", owner="X")


# --- the library ----------------------------------------------------------------------------------------------------


def test_a_proposal_must_be_anonymous_and_is_published_by_the_coordinator(
    session, lead, organisation, make_user, ic, django_capture_on_commit_callbacks
):
    user, _facilitator = lead
    team = OrgUnitFactory(organisation=organisation, name="Team Vergunningverlening")
    session.team = team
    session.save()
    colleague = make_user(first_name="Henriëtte", last_name="Brouwer")
    participant(session, colleague)
    fields = {
        "title": "Een aanvraag van familie",
        "theme": Theme.CONFLICT_OF_INTEREST,
        "situation": "Een medewerker behandelt een aanvraag van een familielid.",
        "question": "Behandel je de aanvraag zelf?",
        "option_a": "Zelf",
        "option_b": "Overdragen",
        "considerations": "Onpartijdigheid weegt zwaar.",
    }
    with pytest.raises(ValidationError, match="after the session has been held"):
        services.propose_entry(actor=user, organisation=organisation, session=session, **fields)
    held(session)
    for leak in ("Henriëtte zei dat", "brouwer vond", "In team vergunningverlening", "Vergunningverlening vond"):
        with pytest.raises(ValidationError, match="names people or the team"):
            services.propose_entry(
                actor=user, organisation=organisation, session=session, **{**fields, "considerations": leak}
            )
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.propose_entry(actor=user, organisation=organisation, session=session, **fields)
    assert entry.status == LibraryEntry.Status.PROPOSED and entry.source_session == session
    assert mail.outbox[-1].to == [ic.email]
    with pytest.raises(ValidationError, match="Write a note"):
        services.review_entry(actor=ic, entry=entry, decision="return")
    services.review_entry(actor=ic, entry=entry, decision="return", note="Korter graag")
    services.change_proposal(actor=user, entry=entry, considerations="Korter.")
    entry.refresh_from_db()
    assert entry.status == LibraryEntry.Status.PROPOSED
    with pytest.raises(ValidationError, match="names people"):  # the coordinator's edit is checked too
        services.review_entry(actor=ic, entry=entry, decision="publish", situation="Brouwer twijfelde.")
    entry = services.review_entry(actor=ic, entry=entry, decision="publish")
    assert entry.status == LibraryEntry.Status.PUBLISHED and entry.number == 1 and entry.reference == "MB-001"
    assert entry.source_session is None and entry.published_at == NOW
    other = services.propose_entry(actor=ic, organisation=organisation, **{**fields, "title": "Nog een"})
    assert services.review_entry(actor=ic, entry=other, decision="publish").number == 2
    services.review_entry(actor=ic, entry=entry, decision="withdraw")
    assert [e.pk for e in selectors.library(organisation)] == [other.pk]


def test_library_search_by_theme_use_and_words(organisation):
    a = EntryFactory(organisation=organisation, theme=Theme.GIFTS, use_at_ceremonies=True, title="Kaartjes")
    b = EntryFactory(organisation=organisation, theme=Theme.EXPRESSION, use_in_trainings=True, title="Demonstreren")
    EntryFactory(organisation=organisation, theme=Theme.GIFTS, status=LibraryEntry.Status.PROPOSED, number=None)
    assert list(selectors.library(organisation, theme=Theme.GIFTS)) == [a]
    assert list(selectors.library(organisation, use="eedaflegging")) == [a]
    assert list(selectors.library(organisation, use="training")) == [b]
    assert list(selectors.library(organisation, q="demonstreren")) == [b]
    assert selectors.entry_by_reference(organisation, f"MB-{b.number:03d}") == b
    assert selectors.ceremony_dilemmas(organisation) == [a]


# --- the dilemma of the month ---------------------------------------------------------------------------------------


def test_one_anonymous_vote_per_employee(ic, organisation, make_user):
    entry = EntryFactory(organisation=organisation)
    monthly = services.choose_dilemma_of_the_month(actor=ic, entry=entry, month=date(2025, 9, 20))
    assert monthly.month == date(2025, 9, 1)
    a, b = monthly.options.all()
    voters = [employee_for(make_user()) for _i in range(3)]
    services.vote(monthly=monthly, option_id=a.pk, employee=voters[0])
    services.vote(monthly=monthly, option_id=b.pk, employee=voters[1])
    services.vote(monthly=monthly, option_id=a.pk, employee=voters[2])
    with pytest.raises(services.AlreadyVoted):
        services.vote(monthly=monthly, option_id=b.pk, employee=voters[0])
    with pytest.raises(ValidationError, match="Choose one of the options"):
        services.vote(monthly=monthly, option_id="x", employee=employee_for(make_user()))
    assert [o.votes for o in MonthlyOption.objects.filter(monthly=monthly).order_by("order")] == [2, 1]
    # Unlinkable: the voter rows hold a keyed hash and nothing else; the tallies hold no voter and no order.
    assert {f.name for f in MonthlyVoter._meta.get_fields()} == {"id", "monthly", "marker"}
    markers = set(MonthlyVoter.objects.values_list("marker", flat=True))
    assert len(markers) == 3 and all(len(m) == 64 for m in markers)
    assert selectors.voter_marker(monthly, voters[0]) in markers  # only with the poll's own secret
    assert selectors.has_voted(monthly, voters[0]) and not selectors.has_voted(monthly, employee_for(make_user()))
    assert not AuditEvent.objects.filter(action__contains="vote").exists()
    with pytest.raises(ValidationError, match="voted on the dilemma of"):
        services.choose_dilemma_of_the_month(
            actor=ic, entry=EntryFactory(organisation=organisation), month=date(2025, 9, 1)
        )


def test_the_dilemma_of_the_month_for_the_portal_and_closing_old_polls(ic, organisation, make_user):
    assert selectors.dilemma_of_the_month(organisation) is None
    old = services.choose_dilemma_of_the_month(
        actor=ic, entry=EntryFactory(organisation=organisation), month=date(2025, 8, 1)
    )
    entry = EntryFactory(organisation=organisation, title="Ambtenaar zijn én gaan demonstreren")
    current = services.choose_dilemma_of_the_month(actor=ic, entry=entry, month=date(2025, 9, 1))
    services.choose_dilemma_of_the_month(
        actor=ic, entry=EntryFactory(organisation=organisation), month=date(2025, 10, 1)
    )
    found = selectors.dilemma_of_the_month(organisation)
    assert found.title == "Ambtenaar zijn én gaan demonstreren" and found.question == entry.question
    assert found.url == found.get_absolute_url() == "/moreel-beraad/dilemma-van-de-maand/"
    assert (
        found.poll_open
        and found.total_votes == 0
        and [r.label for r in found.results] == [entry.option_a, entry.option_b]
    )
    with pytest.raises(ValidationError, match="closed"):
        services.vote(monthly=old, option_id=old.options.first().pk, employee=employee_for(make_user()))
    assert services.close_superseded_polls() == 1
    old.refresh_from_db()
    assert bytes(old.secret) == b"" and selectors.voter_marker(old, employee_for(make_user())) is None
    services.vote(monthly=current, option_id=current.options.first().pk, employee=employee_for(make_user()))
    assert selectors.dilemma_of_the_month(organisation).total_votes == 1


# --- figures --------------------------------------------------------------------------------------------------------


def test_annual_figures(organisation, make_user):
    for _i in range(6):
        FacilitatorFactory(
            organisation=organisation, training_started_on=date(2024, 3, 4), certified_on=date(2025, 5, 22)
        )
    FacilitatorFactory(
        organisation=organisation,
        training_started_on=date(2023, 1, 1),
        certified_on=None,
        training_status="in_opleiding",
        stopped_on=date(2023, 12, 1),
    )
    in_2024 = selectors.annual_figures(organisation, 2024)
    assert (in_2024["facilitators"], in_2024["facilitators_in_training"], in_2024["facilitators_certified"]) == (
        6,
        6,
        0,
    )
    in_2025 = selectors.annual_figures(organisation, 2025)
    assert (in_2025["facilitators"], in_2025["facilitators_certified"], in_2025["certified_in_year"]) == (6, 6, 6)
    for theme, day, people in (
        (Theme.GIFTS, date(2025, 2, 1), 5),
        (Theme.GIFTS, date(2025, 3, 1), 3),
        (Theme.RULES, date(2024, 5, 1), 4),
    ):
        session = SessionFactory(organisation=organisation, theme=theme, method_version=light_variant(organisation))
        for _i in range(people):
            participant(session, employee=EmployeeFactory(organisation=organisation))
        held(session, day)
    SessionFactory(organisation=organisation, theme=Theme.GIFTS)  # planned, not counted
    EntryFactory(organisation=organisation, published_at=datetime(2025, 1, 5, tzinfo=AMS))
    EntryFactory(organisation=organisation, published_at=datetime(2024, 7, 4, tzinfo=AMS))
    EntryFactory(
        organisation=organisation,
        published_at=datetime(2024, 8, 1, tzinfo=AMS),
        withdrawn_at=datetime(2025, 2, 1, tzinfo=AMS),
        status=LibraryEntry.Status.WITHDRAWN,
    )
    figures = selectors.annual_figures(organisation, 2025)
    assert figures["sessions_held"] == 2 and figures["participants"] == 8
    assert figures["themes"][Theme.GIFTS] == 2 and figures["themes"][Theme.RULES] == 0
    assert figures["library_entries"] == 1 and figures["library_total"] == 2
    assert selectors.annual_figures(organisation, 2024)["library_total"] == 2
    assert selectors.annual_figures(organisation, 2024)["sessions_held"] == 1
    assert 2024 in selectors.figure_years(organisation)


def _builtin_snapshot():
    from plein.deliberation.models import Method

    return sorted(
        (
            m.key,
            [
                (
                    v.number,
                    v.name,
                    v.summary,
                    v.suited_for,
                    v.duration_minutes,
                    [(s.number, s.title, s.instruction, s.questions, s.captures) for s in v.steps.order_by("number")],
                )
                for v in m.versions.order_by("number")
            ],
        )
        for m in Method.objects.filter(organisation__isnull=True)
    )


def test_install_builtin_methods_puts_back_what_the_migration_wrote():
    from plein.deliberation.models import Method, MethodVersion

    written_by_the_migration = _builtin_snapshot()
    assert len(written_by_the_migration) == 3
    assert services.install_builtin_methods() == 0
    MethodStep.objects.all().delete()
    MethodVersion.objects.all().delete()
    Method.objects.all().delete()
    assert services.install_builtin_methods() == 3
    assert _builtin_snapshot() == written_by_the_migration
