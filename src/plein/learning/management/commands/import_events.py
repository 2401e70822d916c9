"""./plein import_events FILE [--dry-run] [--organisation SLUG]: historical events (CSV or XLSX).

Columns: code, titel, soort (training|workshop|lezing|voorstelling|bijeenkomst|e-learning), datum, organisator, and
optionally locatie and cursus. See plein.learning.importers.
"""

from plein.core.management.importing import ImportCommand
from plein.learning.importers import EventImporter


class Command(ImportCommand):
    help = (
        "Import events (trainings, workshops, lectures, shows, meetings, e-learning) from a CSV or XLSX file with the "
        "columns code, titel, soort, datum and organisator (optional: locatie, cursus). A known code updates that "
        "event. Nothing is saved when any row is wrong."
    )

    def get_importer(self, *, organisation, progress, options):
        return EventImporter(organisation=organisation, progress=progress)
