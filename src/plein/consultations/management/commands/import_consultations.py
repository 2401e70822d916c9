"""./plein import_consultations FILE [--dry-run] [--organisation SLUG]: a consultations register from CSV or XLSX.

The columns are described in plein/consultations/importers.py and docs/import-consultations.md (datum, vrager,
onderwerp, afhandeling, behandelaar; optional notitie).
"""

from plein.consultations.importers import ConsultationImporter
from plein.core.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import consultations (datum, vrager, onderwerp, afhandeling, behandelaar) from a CSV or XLSX file. Nothing "
        "is saved when any row is wrong; every problem is listed with its line number."
    )

    def get_importer(self, *, organisation, progress, options):
        return ConsultationImporter(organisation=organisation, progress=progress)
