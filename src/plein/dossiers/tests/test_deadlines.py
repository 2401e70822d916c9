"""Deadlines with frozen time: the receipt and feedback terms, reminders, escalation, the extension, idempotency."""

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from plein.dossiers import services, tasks
from plein.dossiers.models import CaseEvent, ChannelWorkflow, DeadlineNotice
from plein.dossiers.tests.conftest import key_for
from plein.reports.models import Report

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def _at(day: date, hour=9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ), tick=False)


@pytest.fixture
def received(team, submit):
    with time_machine.travel(MONDAY, tick=False):
        return submit(team.channel, "Inhoud die nooit in een mail mag staan").report


def _run(day: date) -> int:
    with _at(day):
        return tasks.send_deadline_reminders.enqueue(day.isoformat()).return_value


def test_receipt_deadline_is_7_days_and_the_feedback_term_runs_from_acknowledgement(team, received):
    case = received.case
    assert case.acknowledge_due == date(2026, 3, 9) == received.acknowledge_before
    with _at(date(2026, 3, 5)):
        services.send_acknowledgement_letter(
            case=case, actor=team.ic, report_key=key_for(received, team.ic), summary="s", next_steps="n"
        )
    case.refresh_from_db()
    assert case.feedback_due == date(2026, 6, 5)
    assert Report.objects.get(pk=received.pk).feedback_before == date(2026, 6, 5)


def test_per_channel_terms_override_the_defaults(team, submit):
    ChannelWorkflow.objects.create(channel=team.channel, acknowledgement_days=3, feedback_months=2)
    with time_machine.travel(MONDAY, tick=False):
        report = submit(team.channel).report
    assert report.case.acknowledge_due == date(2026, 3, 5)
    with _at(date(2026, 3, 3)):
        services.send_acknowledgement_letter(
            case=report.case, actor=team.ic, report_key=key_for(report, team.ic), summary="s", next_steps="n"
        )
    report.case.refresh_from_db()
    assert report.case.feedback_due == date(2026, 5, 3)


def test_reminder_before_the_receipt_deadline_goes_to_the_team_once_and_without_content(team, received):
    assert _run(date(2026, 3, 6)) == 0  # 3 days before: nothing yet (default: 2 days before)
    assert len(mail.outbox) == 0
    assert _run(date(2026, 3, 7)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {team.ic.email, team.adviser.email, team.investigator.email, team.authority.email}
    assert received.reference in message.body and team.channel.name in message.body
    assert f"/meldingen/{received.pk}/dossier/" in message.body
    assert "Inhoud" not in message.body + message.subject
    # Again the same day, the next day, and after a "restart": never twice.
    assert _run(date(2026, 3, 7)) == 0
    assert _run(date(2026, 3, 8)) == 0
    assert len(mail.outbox) == 1
    assert DeadlineNotice.objects.get().sent_at is not None
    assert received.case.events.filter(kind=CaseEvent.Kind.REMINDER).count() == 1


def test_reminder_goes_to_the_assignees_when_there_are_any(team, received):
    services.assign(
        case=received.case, actor=team.ic, report_key=key_for(received, team.ic), user=team.adviser, kind="handler"
    )
    _run(date(2026, 3, 8))
    assert mail.outbox[0].to == [team.adviser.email]


def test_a_missed_receipt_deadline_is_escalated_to_the_coordinator_and_competent_authority(team, received):
    _run(date(2026, 3, 9))  # the deadline itself: a reminder
    assert _run(date(2026, 3, 10)) == 1  # the day after: escalation
    escalation = mail.outbox[-1]
    assert set(escalation.to) == {team.ic.email, team.authority.email}
    assert "missed" in escalation.subject or "verstreken" in escalation.subject
    assert DeadlineNotice.objects.filter(kind=DeadlineNotice.Kind.ACK_ESCALATION).count() == 1
    assert _run(date(2026, 3, 20)) == 0
    assert received.case.events.filter(kind=CaseEvent.Kind.ESCALATION).count() == 1


def test_escalation_respects_the_reporters_exclusions(team, submit):
    with time_machine.travel(MONDAY, tick=False):
        submit(team.channel, excluded=[team.ic.pk])
    _run(date(2026, 3, 10))
    assert all(team.ic.email not in m.to for m in mail.outbox)
    assert team.authority.email in mail.outbox[-1].to


def test_feedback_reminder_escalation_and_the_extension(team, received):
    key = key_for(received, team.ic)
    with _at(date(2026, 3, 5)):
        services.send_acknowledgement_letter(
            case=received.case, actor=team.ic, report_key=key, summary="s", next_steps="n"
        )
    mail.outbox.clear()
    assert _run(date(2026, 5, 21)) == 0  # 15 days before 5 June
    assert _run(date(2026, 5, 22)) == 1  # 14 days before
    assert mail.outbox[-1].subject.endswith("attention") or "aandacht" in mail.outbox[-1].subject
    with _at(date(2026, 5, 25)):
        case = services.extend_feedback(
            case=received.case, actor=team.ic, report_key=key, until=date(2026, 8, 5), reason="Extern onderzoek."
        )
    assert case.feedback_due == date(2026, 8, 5) and case.feedback_due_before_extension == date(2026, 6, 5)
    assert _run(date(2026, 6, 6)) == 0  # the old deadline passed: no escalation after the extension
    assert _run(date(2026, 7, 22)) == 1  # a new reminder for the new deadline
    assert _run(date(2026, 8, 6)) == 1  # escalation when the extended deadline is missed
    kinds = list(DeadlineNotice.objects.order_by("pk").values_list("kind", "due"))
    assert kinds == [
        ("feedback_reminder", date(2026, 6, 5)),
        ("feedback_reminder", date(2026, 8, 5)),
        ("feedback_escalation", date(2026, 8, 5)),
    ]


def test_no_notices_for_closed_cases_or_after_feedback(team, received):
    key = key_for(received, team.ic)
    with _at(date(2026, 3, 3)):
        services.transition(
            case=received.case, actor=team.ic, report_key=key, to_stage="niet_ontvankelijk", why="Geen misstand."
        )
    assert _run(date(2026, 3, 20)) == 0 and mail.outbox == []


def test_the_command_plans_and_sends(team, received, capsys):
    with _at(date(2026, 3, 10)):
        call_command("send_deadline_reminders", "--date", "2026-03-10")
    assert len(mail.outbox) == 1
    with _at(date(2026, 3, 10)):
        call_command("send_deadline_reminders")
    assert len(mail.outbox) == 1


def test_start_page_shows_overdue_and_soon(team, received, client, organisation):
    from plein.dossiers.selectors import attention_counts

    with _at(date(2026, 3, 4)):
        assert attention_counts(team.ic, organisation) == (0, 1)
    with _at(date(2026, 3, 12)):
        assert attention_counts(team.ic, organisation) == (1, 0)
        client.force_login(team.ic)
        body = client.get("/").content.decode()
        assert "?termijn=overdue" in body


def test_deadlines_never_move_backwards_on_a_late_or_repeated_acknowledgement(team, received):
    key = key_for(received, team.ic)
    with _at(date(2026, 3, 12)):  # late
        services.send_acknowledgement_letter(
            case=received.case, actor=team.ic, report_key=key, summary="s", next_steps="n"
        )
    received.case.refresh_from_db()
    assert received.case.feedback_due == date(2026, 6, 12)
    assert received.case.acknowledge_due == date(2026, 3, 9)
