"""./plein import_oaths FILE [--dry-run] [--organisation SLUG]: historical oath registrations (CSV or XLSX).

Columns: personeelsnummer, datum, vorm (eed|belofte), bijeenkomst (optional). See plein.oaths.importers.
"""

from plein.core.management.importing import ImportCommand
from plein.oaths.importers import OathImporter


class Command(ImportCommand):
    help = (
        "Import historical oath and affirmation registrations from a CSV or XLSX file with the columns "
        "personeelsnummer, datum, vorm (eed or belofte) and bijeenkomst (optional: rows with the same label and "
        "date form one ceremony). Nothing is saved when any row is wrong."
    )

    def get_importer(self, *, organisation, progress, options):
        return OathImporter(organisation=organisation, progress=progress)
