"""./plein import_outside_activities FILE [--dry-run] [--organisation SLUG]: outside activities from CSV or XLSX.

The columns are described in plein/declarations/importers.py (personeelsnummer, meldingsdatum, organisatie,
omschrijving, bezoldigd, uren_per_maand, begindatum, einddatum, besluit, besluitdatum).
"""

from plein.core.management.importing import ImportCommand
from plein.declarations.importers import OutsideActivityImporter


class Command(ImportCommand):
    help = (
        "Import outside activities (nevenfuncties) with their decisions from a CSV or XLSX file. Nothing is saved "
        "when any row is wrong; every problem is listed with its line number."
    )

    def get_importer(self, *, organisation, progress, options):
        return OutsideActivityImporter(organisation=organisation, progress=progress)
