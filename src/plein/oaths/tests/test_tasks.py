"""Reminders: planned and sent once, to the employee and their manager, before and after the due date."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from plein.core.tests.factories import EmployeeFactory
from plein.oaths import services
from plein.oaths.models import Reminder
from plein.oaths.tasks import deliver_oath_reminder, plan_oath_reminders
from plein.oaths.tests.factories import taken

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation):
    manager = EmployeeFactory(
        organisation=organisation, first_name="Pieter", email="pieter@example.org", start_date=date(2010, 1, 4)
    )
    taken(manager, date(2010, 2, 11))
    return manager


@pytest.fixture
def newcomer(organisation, manager):
    # Starts on leap day: due 29 May 2024. Reminders: 15 May (14 days before), 30 May (1 after), 28 June (30 after).
    return EmployeeFactory(
        organisation=organisation,
        start_date=date(2024, 2, 29),
        manager=manager,
        first_name="Sanne",
        email="sanne@example.org",
    )


def run(organisation, day):
    return plan_oath_reminders.enqueue(organisation.pk, day.isoformat()).return_value


def test_nothing_before_the_first_reminder_moment(organisation, newcomer):
    assert run(organisation, date(2024, 5, 14)) == 0
    assert mail.outbox == []


def test_before_due_date_to_employee_and_manager(organisation, newcomer, manager):
    assert run(organisation, date(2024, 5, 15)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["pieter@example.org", "sanne@example.org"]
    to_employee = next(m for m in mail.outbox if m.to == ["sanne@example.org"])
    assert "29 mei 2024" in to_employee.body
    to_manager = next(m for m in mail.outbox if m.to == ["pieter@example.org"])
    assert newcomer.full_name in to_manager.body
    assert set(Reminder.objects.values_list("offset_days", flat=True)) == {-14}


def test_never_twice(organisation, newcomer):
    run(organisation, date(2024, 5, 15))
    run(organisation, date(2024, 5, 15))
    run(organisation, date(2024, 5, 20))
    assert len(mail.outbox) == 2
    # A stray second delivery of the same reminder (a retry, a second worker) sends nothing.
    reminder = Reminder.objects.first()
    assert deliver_oath_reminder.enqueue(reminder.pk, "2024-05-20").return_value is False
    assert len(mail.outbox) == 2


def test_after_due_date_and_catching_up_sends_only_the_latest(organisation, newcomer):
    run(organisation, date(2024, 5, 30))
    assert len(mail.outbox) == 2
    assert "not been taken yet" in mail.outbox[0].subject or "nog niet" in mail.outbox[0].subject
    mail.outbox.clear()
    # The job did not run for weeks: only the 30-days-after reminder goes out, once.
    run(organisation, date(2024, 7, 10))
    run(organisation, date(2024, 7, 11))
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("offset_days", flat=True)) == {1, 30}


def test_done_people_get_nothing_and_planned_ones_are_cancelled(organisation, newcomer):
    services.plan_reminders(organisation=organisation, today=date(2024, 5, 15))
    taken(newcomer, date(2024, 5, 16))
    for reminder in Reminder.objects.all():
        assert services.deliver_reminder(reminder_id=reminder.pk, today=date(2024, 5, 17)) is False
    assert mail.outbox == []
    assert Reminder.objects.filter(cancelled_at__isnull=False).count() == 2
    assert run(organisation, date(2024, 5, 31)) == 0


def test_no_manager_no_email(organisation):
    EmployeeFactory(organisation=organisation, start_date=date(2024, 2, 29), manager=None, email="")
    assert run(organisation, date(2024, 6, 1)) == 0


def test_re_entry_configuration_changes_reminders(organisation, settings):
    returner = EmployeeFactory(organisation=organisation, start_date=date(2010, 1, 4), email="terug@example.org")
    taken(returner, date(2010, 2, 11))
    returner.start_date = date(2024, 2, 1)
    returner.save()
    assert run(organisation, date(2024, 5, 15)) == 0
    settings.PLEIN = {**settings.PLEIN, "OATH_EARLIER_OATH_COUNTS": False}
    assert run(organisation, date(2024, 5, 15)) == 1
    assert mail.outbox[0].to == ["terug@example.org"]


def test_changed_reminder_configuration(organisation, newcomer, settings):
    settings.PLEIN = {**settings.PLEIN, "OATH_REMINDER_DAYS_BEFORE": ["30"], "OATH_REMINDER_DAYS_AFTER": []}
    assert run(organisation, date(2024, 4, 29)) == 2
    mail.outbox.clear()
    assert run(organisation, date(2024, 6, 30)) == 0


def test_command(organisation, newcomer, capsys):
    call_command("send_oath_reminders", "--date", "2024-05-15", "--organisation", organisation.slug)
    assert len(mail.outbox) == 2
    assert "2" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("send_oath_reminders", "--date", "15-05-2024")
    with pytest.raises(CommandError):
        call_command("send_oath_reminders", "--organisation", "bestaat-niet")


def test_bad_reminder_configuration_is_explained(settings):
    from django.core.exceptions import ImproperlyConfigured

    from plein.oaths import conf

    settings.PLEIN = {**settings.PLEIN, "OATH_REMINDER_DAYS_AFTER": ["een week"]}
    with pytest.raises(ImproperlyConfigured, match="whole numbers of days"):
        conf.reminder_offsets()
