"""The base class of every ``import_*`` management command.

A subclass sets ``help`` and implements ``get_importer``; this class gives it the file argument, ``--dry-run`` and
``--organisation``, prints progress to stderr for large files, prints a translated summary, and exits non-zero
with the list of problems when the import fails (nothing is saved then)::

    class Command(ImportCommand):
        help = "Import oaths from a CSV or XLSX file."

        def get_importer(self, *, organisation, progress, options):
            return OathImporter(organisation=organisation, progress=progress)
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plein.core.importing import PHASE_READ, ImportResult, TabularImporter, error_lines, summary_lines
from plein.core.models import Organisation
from plein.core.selectors import default_organisation

MAX_ERRORS_SHOWN = 1000
PROGRESS_MIN_ROWS = 1000


class ImportCommand(BaseCommand):
    help = "Import a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV (UTF-8, ; or , separated) or XLSX file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without saving anything.",
        )
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="The organisation to import into (default: the default organisation).",
        )

    def get_importer(self, *, organisation: Organisation, progress, options) -> TabularImporter:
        raise NotImplementedError

    def get_organisation(self, slug: str | None) -> Organisation:
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(_("There is no organisation with the code “%(slug)s”.") % {"slug": slug})
            return organisation
        organisation = default_organisation()
        if organisation is None:
            raise CommandError(_("There is no organisation yet. Create one first, for example with ./plein demo."))
        return organisation

    def progress(self, phase: str, done: int, total: int | None) -> None:
        if phase != PHASE_READ and (total or 0) < PROGRESS_MIN_ROWS:
            return  # small files finish at once; progress is for large ones
        if phase == PHASE_READ:
            text = (
                _("Checked %(done)d of %(total)d rows") % {"done": done, "total": total}
                if total
                else _("Checked %(done)d rows") % {"done": done}
            )
        else:
            text = _("Saved %(done)d of %(total)d rows") % {"done": done, "total": total or done}
        self.stderr.write(text)
        self.stderr.flush()

    def handle(self, *args, **options):
        organisation = self.get_organisation(options.get("organisation"))
        importer = self.get_importer(organisation=organisation, progress=self.progress, options=options)
        result = importer.run(options["file"], dry_run=options["dry_run"])
        self.report(result, importer)

    def report(self, result: ImportResult, importer: TabularImporter) -> None:
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))
        if not result.ok:
            for line in error_lines(result, limit=MAX_ERRORS_SHOWN):
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "The import failed: %(count)d problem found. Nothing has been saved.",
                    "The import failed: %(count)d problems found. Nothing has been saved.",
                    len(result.errors),
                )
                % {"count": len(result.errors)}
            )
        if result.dry_run:
            self.stdout.write(_("Dry run: the file is correct. Nothing has been saved. If you import it:"))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import finished.")))
        for line in summary_lines(result, importer.detail_labels):
            self.stdout.write(line)
