"""Background work of the portal (django-tasks). Both tasks are idempotent and safe to run by two workers at once.

- ``publish_scheduled_pages``: Wagtail's scheduled publishing. A page (or a revision) with a "go live" date is only
  published when ``publish_scheduled`` runs; a page with an "expiry" date is unpublished by it. Run it every few
  minutes: ``./plein publish_scheduled`` from cron or a systemd timer, or enqueue this task on that schedule.
- ``wipe_poll_secrets``: forgets the secret of every poll that has ended, so that its participation markers can no
  longer be tied to anyone (docs/portal.md, "Polls"). Run it with the same schedule.
"""

from django.core.management import call_command
from django_tasks import task

from plein.portal import services


@task()
def publish_scheduled_pages() -> None:
    call_command("publish_scheduled")


@task()
def wipe_poll_secrets() -> int:
    return services.wipe_ended_poll_secrets()
