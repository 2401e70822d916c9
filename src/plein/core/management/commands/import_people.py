"""./plein import_people FILE [--dry-run] [--organisation SLUG]: load people from the HR system's export.

The format is described in docs/import-people.md.
"""

from plein.core.management.importing import ImportCommand
from plein.core.services.people_import import PeopleImporter


class Command(ImportCommand):
    help = (
        "Import people (employees, units, positions, managers) from a CSV or XLSX export of the HR system. "
        "An upsert by personnel number; nothing is saved when any row is wrong. See docs/import-people.md."
    )

    def get_importer(self, *, organisation, progress, options):
        return PeopleImporter(organisation=organisation, progress=progress)
