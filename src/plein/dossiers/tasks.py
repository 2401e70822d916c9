"""Background work of case handling (django-tasks): deadline reminders and escalation.

Idempotent: planning relies on the unique ``DeadlineNotice`` and delivery on ``sent_at`` under a row lock, so a
restart or a second run never sends twice. Arguments are JSON values (ids and ISO dates).
"""

from datetime import date

from django.utils import timezone
from django_tasks import task

from plein.dossiers import notices


@task()
def deliver_deadline_notice(notice_id: int) -> bool:
    return notices.deliver(notice_id=notice_id)


@task()
def send_deadline_reminders(today: str | None = None) -> int:
    """Plan today's reminders and escalations and enqueue one delivery per unsent notice."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    ids = notices.plan(today=day)
    for notice_id in ids:
        deliver_deadline_notice.enqueue(notice_id)
    return len(ids)
