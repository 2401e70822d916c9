"""./plein import_positions FILE [--dry-run] [--organisation SLUG] [--reviewer EMAIL]: the inventory of positions.

The columns are described in ``plein.positions.importers``.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from plein.core.management.importing import ImportCommand
from plein.core.models import User
from plein.positions.importers import PositionImporter


class Command(ImportCommand):
    help = (
        "Import the inventory of positions (vulnerable areas, VOG, financial interests, publication of outside "
        "activities, last review) from a CSV or XLSX file. An upsert by position code; nothing is saved when any row "
        "is wrong."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--reviewer",
            metavar="EMAIL",
            help="The account recorded as reviewer for the review dates in the file (and as the one who imported).",
        )

    def get_importer(self, *, organisation, progress, options):
        reviewer = None
        if options.get("reviewer"):
            reviewer = User.objects.filter(email__iexact=options["reviewer"]).first()
            if reviewer is None:
                raise CommandError(
                    _("There is no account with the e-mail address “%(email)s”.") % {"email": options["reviewer"]}
                )
        return PositionImporter(organisation=organisation, progress=progress, actor=reviewer, reviewer=reviewer)
