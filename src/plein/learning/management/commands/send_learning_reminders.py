"""./plein send_learning_reminders [--date YYYY-MM-DD] [--organisation SLUG]: remind people of mandatory training.

Run it once a day (cron or a systemd timer). It is safe to run more often: nobody gets the same reminder twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus

from plein.core.models import Organisation
from plein.learning.tasks import plan_learning_reminders


class Command(BaseCommand):
    help = "Send reminders to everyone who still has to complete a mandatory training (before and after the due date)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today is this date (YYYY-MM-DD). Default: today.")
        parser.add_argument("--organisation", help="Only this organisation (its slug). Default: all.")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("The date must be written as YYYY-MM-DD, for example 2025-03-31.")) from None
        organisation_id = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("There is no organisation with the slug %(slug)s.") % {"slug": options["organisation"]}
                )
            organisation_id = organisation.pk
        result = plan_learning_reminders.enqueue(organisation_id, day.isoformat())
        if result.status == TaskResultStatus.FAILED:
            raise CommandError(_("Planning the reminders failed; see the log for the cause."))
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(
                _("%(n)d reminders were planned and handed over for sending.") % {"n": result.return_value}
            )
        else:
            self.stdout.write(_("The reminders have been queued; the task worker sends them."))
