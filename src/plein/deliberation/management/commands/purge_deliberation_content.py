"""./plein purge_deliberation_content [--dry-run] [--date YYYY-MM-DD] [--organisation SLUG]

Deletes the content of moral deliberation sessions held or cancelled longer ago than the retention period
(``PLEIN["DELIBERATION_RETENTION_MONTHS"]``), and the situation of their requests and of declined or withdrawn requests.
Kept: the date, method, facilitators, theme, participants and the agreed actions, and so the figures. With --dry-run it
only lists what would be deleted. Run it once a day; it is safe to run more often. It also closes the polls of
dilemmas of the month that a later one has replaced.
"""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core.models import Organisation
from plein.deliberation import conf, services


class Command(BaseCommand):
    help = "Delete moral deliberation content older than the retention period (the actions are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only show what would be deleted.")
        parser.add_argument("--date", help="Act as if today is this date (YYYY-MM-DD). Default: today.")
        parser.add_argument("--organisation", help="Only this organisation (its slug). Default: all.")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(_("The date must be written as YYYY-MM-DD, for example 2025-03-31.")) from None
            now = timezone.make_aware(datetime.combine(day, time(12, 0)))
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("There is no organisation with the slug %(slug)s.") % {"slug": options["organisation"]}
                )
        report = services.purge_expired_content(now=now, organisation=organisation, dry_run=options["dry_run"])
        cutoff = timezone.localtime(report.cutoff).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            _("Retention period: %(months)d months. Content from before %(cutoff)s goes.")
            % {"months": conf.retention_months(), "cutoff": cutoff}
        )
        verb = _("Would delete") if report.dry_run else _("Deleted")
        for pk, status, held_on in report.sessions:
            self.stdout.write(
                _("%(verb)s: the content of session %(pk)d (%(status)s, %(date)s)")
                % {"verb": verb, "pk": pk, "status": status, "date": held_on.isoformat() if held_on else "–"}
            )
        for pk, status in report.requests:
            self.stdout.write(
                _("%(verb)s: the situation of request %(pk)d (%(status)s)") % {"verb": verb, "pk": pk, "status": status}
            )
        if report.dry_run:
            self.stdout.write(
                _("Dry run: nothing was deleted. %(s)d sessions and %(r)d requests would be emptied.")
                % {"s": len(report.sessions), "r": len(report.requests)}
            )
        else:
            closed = services.close_superseded_polls(today=timezone.localdate(now))
            self.stdout.write(
                _("%(s)d sessions and %(r)d requests were emptied; the actions were kept. %(p)d polls were closed.")
                % {"s": len(report.sessions), "r": len(report.requests), "p": closed}
            )
