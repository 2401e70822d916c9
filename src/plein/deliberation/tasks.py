"""Background work of moral deliberation (django-tasks): the daily retention job.

Idempotent: emptied sessions are not touched again, and closing a poll twice changes nothing. Arguments are JSON
values, as the database backend stores them. ``./plein purge_deliberation_content`` does the same from the command
line, with a dry-run preview.
"""

from datetime import date, datetime, time

from django.utils import timezone
from django_tasks import task

from plein.deliberation import services


@task()
def purge_deliberation_content(today: str | None = None) -> dict:
    day = date.fromisoformat(today) if today else timezone.localdate()
    now = timezone.make_aware(datetime.combine(day, time(12, 0))) if today else timezone.now()
    report = services.purge_expired_content(now=now)
    closed = services.close_superseded_polls(today=day)
    return {"sessions": len(report.sessions), "requests": len(report.requests), "polls_closed": closed}
