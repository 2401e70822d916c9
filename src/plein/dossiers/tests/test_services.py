"""Case handling services: the workflow, the timeline, the letter, oral records, team work and the reveal step."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from plein.core.models import AuditEvent
from plein.dossiers import selectors, services
from plein.dossiers.models import Case, CaseEvent, Exclusion, OralRecord, RevealRequest, Stage
from plein.dossiers.tests.conftest import key_for
from plein.reports import crypto
from plein.reports import services as report_services
from plein.reports.models import Message, Report, ReportKey

pytestmark = pytest.mark.django_db


def _ack(case, team, key):
    return services.send_acknowledgement_letter(
        case=case, actor=team.ic, report_key=key, summary="U meldt fraude bij inkoop.", next_steps="Wij beoordelen."
    )


def test_every_report_gets_a_case_with_the_receipt_deadline(team, submit):
    report = submit(team.channel).report
    case = Case.objects.get(report=report)
    assert case.stage == Stage.ONTVANGEN
    assert case.acknowledge_due == timezone.localtime(report.received_at).date() + timedelta(days=7)
    assert case.feedback_due is None
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CREATED]


def test_letter_confirms_receipt_through_the_dialogue_and_starts_the_feedback_term(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    case = _ack(report.case, team, key)
    report.refresh_from_db()
    assert case.stage == Stage.ONTVANGSTBEVESTIGING and report.acknowledged_at is not None
    assert report.status == Report.Status.ACKNOWLEDGED
    assert case.feedback_due == report.feedback_before == timezone.localdate() + relativedelta(months=3)
    message = Message.objects.get(report=report, direction=Message.Direction.FROM_TEAM)
    text = crypto.decrypt_json(key, bytes(message.ciphertext))["text"]
    assert "U meldt fraude bij inkoop." in text and report.reference in text and "Wij beoordelen." in text
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEvent.Kind.CREATED, CaseEvent.Kind.ACKNOWLEDGED, CaseEvent.Kind.LETTER]
    letter = case.events.get(kind=CaseEvent.Kind.LETTER)
    assert crypto.decrypt_json(key, bytes(letter.ciphertext))["text"] == text
    with pytest.raises(ValidationError):
        _ack(case, team, key)


def test_transitions_follow_the_workflow_and_roles_and_append_encrypted_events(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    case = _ack(report.case, team, key)
    with pytest.raises(ValidationError):  # skipping a stage
        services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.TERUGKOPPELING, why="snel")
    with pytest.raises(ValidationError):  # an investigator may not start the assessment
        services.transition(
            case=case,
            actor=team.investigator,
            report_key=key_for(report, team.investigator),
            to_stage=Stage.BEOORDELING,
            why="x",
        )
    with pytest.raises(ValidationError):  # a reason is required
        services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.BEOORDELING, why=" ")
    services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.BEOORDELING, why="Ontvankelijk.")
    with pytest.raises(ValidationError):  # investigation needs to say by whom
        services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.ONDERZOEK, why="Onderzoek.")
    services.transition(
        case=case,
        actor=team.ic,
        report_key=key,
        to_stage=Stage.ONDERZOEK,
        why="Onderzoek.",
        investigation="external",
        external_agency="Bureau X",
    )
    services.transition(
        case=case,
        actor=team.investigator,
        report_key=key_for(report, team.investigator),
        to_stage=Stage.BESLUIT,
        why="Rapport klaar.",
    )
    with pytest.raises(ValidationError):  # no decision recorded yet
        services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.TERUGKOPPELING, why="x")
    with pytest.raises(ValidationError):  # an adviser does not decide
        services.record_decision(
            case=case,
            actor=team.adviser,
            report_key=key_for(report, team.adviser),
            outcome="substantiated",
            measures="",
            decision_maker=team.authority,
        )
    services.record_decision(
        case=case,
        actor=team.authority,
        report_key=key_for(report, team.authority),
        outcome="partly_substantiated",
        measures="Berisping.",
        decision_maker=team.authority,
    )
    services.transition(case=case, actor=team.ic, report_key=key, to_stage=Stage.TERUGKOPPELING, why="Brief.")
    services.transition(
        case=case, actor=team.adviser, report_key=key_for(report, team.adviser), to_stage=Stage.AFGESLOTEN, why="Klaar."
    )
    case.refresh_from_db()
    report.refresh_from_db()
    assert case.stage == Stage.AFGESLOTEN and case.outcome == report.outcome == "partly_substantiated"
    assert report.status == Report.Status.CLOSED and report.closed_at is not None
    assert case.feedback_given_at is not None and case.external_agency == "Bureau X"
    stages = list(case.events.filter(kind=CaseEvent.Kind.STAGE).values_list("stage_from", "stage_to"))
    assert stages == [
        ("ontvangstbevestiging", "beoordeling"),
        ("beoordeling", "onderzoek"),
        ("onderzoek", "besluit"),
        ("besluit", "terugkoppeling"),
        ("terugkoppeling", "afgesloten"),
    ]
    first = case.events.filter(kind=CaseEvent.Kind.STAGE).first()
    assert crypto.decrypt_json(key, bytes(first.ciphertext))["text"] == "Ontvankelijk."
    assert b"Ontvankelijk" not in bytes(first.ciphertext)
    audit = AuditEvent.objects.filter(action="dossiers.stage_changed")
    assert audit.count() == 5 and all("Ontvankelijk" not in str(e.data) for e in audit)
    decision = case.events.get(kind=CaseEvent.Kind.DECISION)
    assert crypto.decrypt_json(key, bytes(decision.ciphertext))["text"] == "Berisping."


def test_side_exits_close_the_case(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    with pytest.raises(ValidationError):
        services.transition(case=report.case, actor=team.ic, report_key=key, to_stage=Stage.DOORVERWEZEN, why="x")
    services.transition(
        case=report.case,
        actor=team.ic,
        report_key=key,
        to_stage=Stage.DOORVERWEZEN,
        why="Naar de manager.",
        referral="manager",
    )
    report.refresh_from_db()
    assert report.case.stage == Stage.DOORVERWEZEN and report.closed_at is not None
    assert services.allowed_targets(report.case, team.ic) == []


def test_extension_once_with_reason_forward_only(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    case = report.case
    with pytest.raises(ValidationError):  # not acknowledged yet
        services.extend_feedback(case=case, actor=team.ic, report_key=key, until=timezone.localdate(), reason="x")
    case = _ack(case, team, key)
    due = case.feedback_due
    with pytest.raises(ValidationError):
        services.extend_feedback(case=case, actor=team.ic, report_key=key, until=due - timedelta(days=1), reason="x")
    with pytest.raises(ValidationError):
        services.extend_feedback(case=case, actor=team.ic, report_key=key, until=due + timedelta(days=200), reason="x")
    with pytest.raises(ValidationError):
        services.extend_feedback(case=case, actor=team.ic, report_key=key, until=due + timedelta(days=30), reason="")
    case = services.extend_feedback(
        case=case, actor=team.ic, report_key=key, until=due + timedelta(days=30), reason="Extern onderzoek loopt."
    )
    assert case.feedback_due == due + timedelta(days=30) and case.feedback_due_before_extension == due
    report.refresh_from_db()
    assert report.feedback_before == case.feedback_due
    with pytest.raises(ValidationError):
        services.extend_feedback(case=case, actor=team.ic, report_key=key, until=due + timedelta(days=40), reason="x")


def test_classification_uses_the_configurable_list(team, submit, organisation):
    report = submit(team.channel).report
    with pytest.raises(ValidationError):
        services.classify(case=report.case, actor=team.ic, category="bestaat_niet")
    services.classify(case=report.case, actor=team.ic, category="financieel")
    report.refresh_from_db()
    assert report.category == report.case.category == "financieel"
    services.save_categories(organisation=organisation, actor=team.ic, rows=[("eigen", "Eigen categorie")])
    assert [c.code for c in selectors.categories(organisation)] == ["eigen"]
    with pytest.raises(ValidationError):
        services.classify(case=report.case, actor=team.ic, category="financieel")


def test_assignment_stand_in_and_exclusion(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    case = report.case
    with pytest.raises(ValidationError):
        services.assign(case=case, actor=team.ic, report_key=key, user=team.adviser, kind="investigator")
    services.assign(case=case, actor=team.ic, report_key=key, user=team.investigator, kind="investigator")
    services.assign(
        case=case,
        actor=team.ic,
        report_key=key,
        user=team.adviser,
        kind="stand_in",
        stands_in_for=team.ic,
        until=timezone.localdate() + timedelta(days=14),
    )
    assert {a.user for a in selectors.active_assignments(case)} == {team.investigator, team.adviser}
    services.exclude_handler(case=case, actor=team.ic, user=team.adviser)
    assert not ReportKey.objects.filter(report=report, user=team.adviser).exists()
    assert {a.user for a in selectors.active_assignments(case)} == {team.investigator}
    assert Exclusion.objects.filter(case=case, user=team.adviser).exists()
    assert AuditEvent.objects.filter(action="dossiers.handler_excluded").count() == 1
    # A channel-wide access grant never gives the excluded handler the key again.
    from plein.reports.models import HandlerKey  # noqa: F401

    with pytest.raises(ValidationError):
        services.grant_case_access(case=case, actor=team.ic, report_key=key, user=team.adviser)


def test_investigator_sees_only_assigned_cases(team, submit, organisation):
    from plein.reports.selectors import inbox

    one = submit(team.channel).report
    submit(team.channel)
    assert inbox(team.investigator, organisation).count() == 0
    assert not team.investigator.has_perm("reports.view_report", one)
    services.assign(
        case=one.case, actor=team.ic, report_key=key_for(one, team.ic), user=team.investigator, kind="investigator"
    )
    assert list(inbox(team.investigator, organisation)) == [one]
    assert team.investigator.has_perm("dossiers.view_case", one)
    assert inbox(team.ic, organisation).count() == 2


def test_oral_record_check_correct_approve(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    case = report.case
    record = services.add_oral_record(
        case=case, actor=team.ic, report_key=key, kind="meeting", held_on=timezone.localdate(), text="Verslag v1"
    )
    assert selectors.for_reporter(report=report, report_key=key).oral_records == []  # a draft is not shared
    services.share_oral_record(record=record, actor=team.ic, report_key=key)
    items = selectors.for_reporter(report=report, report_key=key)
    assert items.oral_records[0].latest.text == "Verslag v1"
    services.reporter_correct_oral_record(record=record, report_key=key, text="Het was dinsdag.")
    record.refresh_from_db()
    assert record.approval == OralRecord.Approval.CORRECTION
    last = Message.objects.filter(report=report, direction="reporter").last()
    assert "Het was dinsdag." in crypto.decrypt_json(key, bytes(last.ciphertext))["text"]
    services.add_oral_version(record=record, actor=team.ic, report_key=key, text="Verslag v2 (dinsdag)")
    with pytest.raises(ValidationError):  # approving an outdated version
        services.reporter_approve_oral_record(record=record, report_key=key, version=1)
    services.reporter_approve_oral_record(record=record, report_key=key, version=2)
    record.refresh_from_db()
    assert record.approval == OralRecord.Approval.APPROVED and record.approved_version == 2
    assert record.versions.count() == 2


def test_oral_report_by_phone_becomes_a_report_with_a_receipt(team, channel):
    from plein.reports.models import HandlerKey

    hk = HandlerKey.objects.get(user=team.ic)
    from plein.dossiers.tests.conftest import PASSPHRASE

    private = crypto.open_vault(
        PASSPHRASE,
        crypto.Vault(bytes(hk.public_key), bytes(hk.encrypted_private_key), bytes(hk.salt), hk.opslimit, hk.memlimit),
    )
    case, record, code = services.register_oral_report(
        channel=channel,
        actor=team.ic,
        private_key=private,
        mode="confidential",
        identity={"name": "Bel Ler"},
        kind="phone",
        held_on=timezone.localdate() - timedelta(days=1),
        transcript="Telefonische melding.",
    )
    assert case.report.mode == "confidential" and len(code) == 16
    assert timezone.localtime(case.report.received_at).date() == timezone.localdate() - timedelta(days=1)
    opened = report_services.open_with_receipt(organisation=channel.organisation, code=code)
    assert opened is not None and opened[0] == case.report
    assert record.versions.get().number == 1


def test_reveal_needs_a_second_handler_or_the_reporter(team, submit):
    report = submit(team.channel, mode="confidential", identity={"name": "Geheime Gerda"}).report
    key = key_for(report, team.ic)
    case = report.case
    request = services.request_reveal(
        case=case, actor=team.ic, report_key=key, reason="investigation", explanation="Getuige nodig."
    )
    with pytest.raises(ValidationError):
        services.reveal(request=request, actor=team.ic, report_key=key)
    with pytest.raises(ValidationError):  # four eyes
        services.decide_reveal(request=request, actor=team.ic, approve=True)
    services.decide_reveal(request=request, actor=team.authority, approve=True)
    request.refresh_from_db()
    with pytest.raises(ValidationError):  # only the requester sees it
        services.reveal(request=request, actor=team.authority, report_key=key_for(report, team.authority))
    assert services.reveal(request=request, actor=team.ic, report_key=key) == {"name": "Geheime Gerda"}
    assert AuditEvent.objects.filter(action="reports.identity_revealed", actor=team.ic).count() == 1
    # By consent.
    other = services.request_reveal(
        case=case, actor=team.adviser, report_key=key_for(report, team.adviser), reason="consent", explanation="?"
    )
    services.ask_reporter_consent(request=other, actor=team.ic, report_key=key)
    assert selectors.for_reporter(report=report, report_key=key).consent_requests == [other]
    services.reporter_consent(request=other, report_key=key)
    other.refresh_from_db()
    assert other.state == RevealRequest.State.CONSENTED
    assert services.reveal(request=other, actor=team.adviser, report_key=key_for(report, team.adviser))


def test_anonymous_report_has_no_reveal(team, submit):
    report = submit(team.channel).report
    with pytest.raises(ValidationError):
        services.request_reveal(
            case=report.case, actor=team.ic, report_key=key_for(report, team.ic), reason="consent", explanation="x"
        )


def test_purged_event_text_reads_removed_by_retention(team, submit):
    report = submit(team.channel).report
    key = key_for(report, team.ic)
    services.add_note(case=report.case, actor=team.ic, report_key=key, text="Geheim")
    CaseEvent.objects.filter(case=report.case).update(ciphertext=b"")
    view = selectors.case_view(case=report.case, user=team.ic, report_key=key)
    note = next(e for e in view.timeline if e.event.kind == CaseEvent.Kind.NOTE)
    assert note.removed and note.text == ""
    created = next(e for e in view.timeline if e.event.kind == CaseEvent.Kind.CREATED)
    assert not created.removed
