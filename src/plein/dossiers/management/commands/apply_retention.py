"""./plein apply_retention [--dry-run] [--organisation SLUG]: remove the contents of closed cases past their retention.

Run it once a day (cron or a systemd timer). ``--dry-run`` lists what would go and changes nothing. Every run, also a
dry run, is recorded in the audit log with counts only. Running it twice removes nothing the second time. What goes and
what stays: ``plein.dossiers.retention`` and docs/dossiers-statistics.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plein.core.models import Organisation
from plein.dossiers import retention


class Command(BaseCommand):
    help = (
        "Remove the contents of closed cases whose channel's retention period is over (not those under a legal hold). "
        "The anonymous figures stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be removed.")
        parser.add_argument("--organisation", help="Only this organisation (its slug). Default: all.")

    def handle(self, *args, **options):
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(
                    _("There is no organisation with the slug %(slug)s.") % {"slug": options["organisation"]}
                )
        dry_run = options["dry_run"]
        for organisation in organisations:
            result = retention.apply_retention(organisation=organisation, actor=None, dry_run=dry_run)
            counts = {
                "organisation": organisation.name,
                "cases": result.cases,
                "messages": result.messages,
                "attachments": result.attachments,
                "keys": result.keys,
                "held": result.held,
            }
            if dry_run:
                self.stdout.write(
                    _(
                        "%(organisation)s: %(cases)d cases are due; their removal would delete %(messages)d messages, "
                        "%(attachments)d attachments and %(keys)d keys. Kept by a legal hold: %(held)d."
                    )
                    % counts
                )
            else:
                self.stdout.write(
                    _(
                        "%(organisation)s: the contents of %(cases)d cases were removed (%(messages)d messages, "
                        "%(attachments)d attachments, %(keys)d keys). Kept by a legal hold: %(held)d."
                    )
                    % counts
                )
            for reference in result.references:
                self.stdout.write(f"  {reference}")
            if result.files_failed:
                self.stderr.write(
                    _("%(n)d encrypted files could not be deleted from the storage; their key is gone.")
                    % {"n": result.files_failed}
                )
