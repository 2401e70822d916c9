"""./plein import_attendance FILE [--dry-run] [--organisation SLUG]: who took part in which event (CSV or XLSX).

Columns: code (the event's), personeelsnummer, and optionally datum. See plein.learning.importers.
"""

from plein.core.management.importing import ImportCommand
from plein.learning.importers import AttendanceImporter


class Command(ImportCommand):
    help = (
        "Import attendance from a CSV or XLSX file with the columns code (of the event) and personeelsnummer "
        "(optional: datum, the day they took part). Completing an e-learning module counts as attending it. "
        "Nothing is saved when any row is wrong."
    )

    def get_importer(self, *, organisation, progress, options):
        return AttendanceImporter(organisation=organisation, progress=progress)
