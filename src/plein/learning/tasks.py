"""Background work of Leren & bewustwording (django-tasks): reminders about mandatory training.

Both tasks are idempotent, so they may be enqueued again after a restart or run by two workers at once: planning
relies on the unique constraint of ``Reminder`` and delivery on ``sent_at`` under a row lock. Arguments are JSON
values (ids and ISO dates), as the database backend stores them.
"""

from datetime import date

from django.utils import timezone
from django_tasks import task

from plein.core.models import Organisation
from plein.learning import services


def _day(value: str | None) -> date:
    return date.fromisoformat(value) if value else timezone.localdate()


@task()
def deliver_learning_reminder(reminder_id: int, today: str | None = None) -> bool:
    return services.deliver_reminder(reminder_id=reminder_id, today=_day(today))


@task()
def plan_learning_reminders(organisation_id: int | None = None, today: str | None = None) -> int:
    """Plan today's reminders for one organisation (or all) and enqueue one delivery per unsent reminder."""
    day = _day(today)
    organisations = Organisation.objects.all()
    if organisation_id is not None:
        organisations = organisations.filter(pk=organisation_id)
    enqueued = 0
    for organisation in organisations:
        for reminder_id in services.plan_reminders(organisation=organisation, today=day):
            deliver_learning_reminder.enqueue(reminder_id, day.isoformat())
            enqueued += 1
    return enqueued
