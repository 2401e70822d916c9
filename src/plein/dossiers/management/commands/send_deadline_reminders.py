"""./plein send_deadline_reminders [--date YYYY-MM-DD]: reminders before, and escalation after, each case deadline.

Run it once a day (cron or a systemd timer) or more often: nobody gets the same notice twice, also after a restart.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus

from plein.dossiers.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Remind case teams of the deadlines to confirm receipt and give feedback, and escalate missed deadlines."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today is this date (YYYY-MM-DD). Default: today.")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("The date must be written as YYYY-MM-DD, for example 2025-03-31.")) from None
        result = send_deadline_reminders.enqueue(day.isoformat())
        if result.status == TaskResultStatus.FAILED:
            raise CommandError(_("Planning the reminders failed; see the log for the cause."))
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(_("%(n)d notices were handed over for sending.") % {"n": result.return_value})
        else:
            self.stdout.write(_("The reminders have been queued; the task worker sends them."))
