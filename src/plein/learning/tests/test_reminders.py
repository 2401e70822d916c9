"""Reminders about mandatory training: planned and sent once, never twice, also when run again or concurrently."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from plein.core.models import AuditEvent
from plein.learning import services
from plein.learning.models import Reminder
from plein.learning.tests.factories import AttendanceFactory, EventFactory, RequirementFactory, employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def moo(organisation):
    # In force from 1 January 2025, within 6 months: due on 1 July 2025 for everyone who was already here.
    return RequirementFactory(
        organisation=organisation,
        course__title="Morele oordeelsvorming",
        applies_from=dt.date(2025, 1, 1),
        due_months=6,
    )


@pytest.fixture
def people(organisation, moo):
    people = {
        "late": employee(organisation, first_name="Laat", start_date=dt.date(2010, 1, 1)),
        "new": employee(organisation, first_name="Nieuw", start_date=dt.date(2025, 6, 16)),  # due 16 December
        "done": employee(organisation, first_name="Klaar", start_date=dt.date(2010, 1, 1)),
        "no_mail": employee(organisation, first_name="Zonder", start_date=dt.date(2010, 1, 1), email=""),
    }
    AttendanceFactory(event=EventFactory(organisation=organisation, course=moo.course), employee=people["done"])
    return people


def send(organisation, day):
    count = 0
    for reminder_id in services.plan_reminders(organisation=organisation, today=day):
        count += services.deliver_reminder(reminder_id=reminder_id, today=day)
    return count


def test_reminders_before_and_after_the_due_date_each_once(organisation, moo, people):
    # 2 July: one day after the due date of those who were already here.
    assert send(organisation, dt.date(2025, 7, 2)) == 1
    (message,) = mail.outbox
    assert message.to == [people["late"].email]
    assert "Morele oordeelsvorming" in message.subject
    assert "/leren/mijn-leerdossier/" in message.body
    # Running again the same day, or the next days, sends nothing new.
    assert send(organisation, dt.date(2025, 7, 2)) == 0
    assert send(organisation, dt.date(2025, 7, 20)) == 0
    # 31 July: thirty days after: the second reminder.
    assert send(organisation, dt.date(2025, 7, 31)) == 1
    assert len(mail.outbox) == 2
    # 16 November: thirty days before the newcomer's due date.
    assert send(organisation, dt.date(2025, 11, 16)) == 1
    assert mail.outbox[-1].to == [people["new"].email]
    assert send(organisation, dt.date(2025, 11, 16)) == 0
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 3
    assert AuditEvent.objects.filter(action="learning.reminder_sent").count() == 3
    assert not Reminder.objects.filter(employee=people["no_mail"]).exists()


def test_a_reminder_for_a_training_completed_meanwhile_is_cancelled(organisation, moo, people):
    ids = services.plan_reminders(organisation=organisation, today=dt.date(2025, 7, 2))
    AttendanceFactory(event=EventFactory(organisation=organisation, course=moo.course), employee=people["late"])
    assert [services.deliver_reminder(reminder_id=i, today=dt.date(2025, 7, 2)) for i in ids] == [False]
    assert not mail.outbox
    assert Reminder.objects.get().cancelled_at is not None
    assert services.plan_reminders(organisation=organisation, today=dt.date(2025, 7, 2)) == []


def test_delivering_twice_sends_once(organisation, moo, people):
    (reminder_id,) = services.plan_reminders(organisation=organisation, today=dt.date(2025, 7, 2))
    assert services.deliver_reminder(reminder_id=reminder_id, today=dt.date(2025, 7, 2)) is True
    assert services.deliver_reminder(reminder_id=reminder_id, today=dt.date(2025, 7, 2)) is False
    assert len(mail.outbox) == 1


def test_stopped_rules_and_rules_not_yet_in_force_send_nothing(organisation, moo, people):
    assert send(organisation, dt.date(2024, 12, 31)) == 0
    moo.is_active = False
    moo.save()
    assert send(organisation, dt.date(2025, 7, 2)) == 0
    assert not mail.outbox


def test_the_command(organisation, moo, people, capsys):
    call_command("send_learning_reminders", "--date", "2025-07-02")
    assert re.search(r"\b1\b", capsys.readouterr().out)  # "1 reminders were planned ..." (translated)
    assert len(mail.outbox) == 1
    call_command("send_learning_reminders", "--date", "2025-07-02", "--organisation", organisation.slug)
    assert len(mail.outbox) == 1


def test_the_command_checks_its_arguments(organisation):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("send_learning_reminders", "--date", "2-7-2025")
    with pytest.raises(CommandError):
        call_command("send_learning_reminders", "--organisation", "bestaat-niet")
