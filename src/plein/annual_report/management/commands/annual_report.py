"""``./plein annual_report YEAR --format json|html|pdf|docx [--output FILE] [--published]``: the annual report.

Without ``--output`` the report goes to standard output. ``--published`` makes the published version (small counts
hidden, docs/annual-report.md "Privacy"); when the report of that year has been published, that frozen version is
used, so the file equals the public one (``--fresh`` computes it again from today's registers).
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from plein.annual_report import rendering, selectors
from plein.core.models import Organisation
from plein.core.selectors import default_organisation


class Command(BaseCommand):
    help = "Make the annual integrity report of a year as JSON, HTML, PDF or DOCX."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="The year, for example 2024.")
        parser.add_argument("--format", choices=rendering.FORMATS, default="json", dest="fmt")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument("--published", action="store_true", help="The published version: small counts hidden.")
        parser.add_argument(
            "--fresh", action="store_true", help="With --published: ignore the frozen published version."
        )
        parser.add_argument("--organisation", help="The organisation's slug (default: the configured one).")

    def handle(self, *args, year, fmt, output, published, fresh, organisation, verbosity, **options):
        with translation.override(settings.LANGUAGE_CODE):
            org = self._organisation(organisation)
            try:
                selectors.check_year(year)
            except selectors.YearNotAllowed as exc:
                raise CommandError(str(exc)) from exc
            started = time.monotonic()

            def progress(percent, step):
                if verbosity >= 2:
                    self.stderr.write(f"{percent:3d}% {step}")

            report = selectors.report_for(org, year)
            if published and not fresh and report is not None and report.is_published:
                data, texts = report.snapshot["data"], report.snapshot["texts"]
                if verbosity >= 1:
                    self.stderr.write(
                        _("Using the version published on %(date)s.") % {"date": report.published_at.date()}
                    )
            else:
                progress(5, _("Collecting the figures"))
                data = selectors.build_report(org, year, published=published, today=timezone.localdate())
                texts = selectors.texts_of(report)
            content = rendering.render(fmt, data, texts, progress=progress)
            if output:
                Path(output).write_bytes(content)
                if verbosity >= 1:
                    self.stderr.write(
                        _("Written %(file)s (%(size)d bytes) in %(seconds).1f s.")
                        % {"file": output, "size": len(content), "seconds": time.monotonic() - started}
                    )
            else:
                self.stdout.flush()
                stream = getattr(self.stdout, "_out", sys.stdout)
                buffer = getattr(stream, "buffer", None)
                if buffer is not None:
                    buffer.write(content)
                    buffer.flush()
                elif fmt in ("json", "html"):
                    stream.write(content.decode("utf-8"))
                else:
                    raise CommandError(_("Binary output needs --output FILE."))

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(_("There is no organisation with the slug %(slug)s.") % {"slug": slug})
            return found
        found = default_organisation()
        if found is None:
            raise CommandError(_("There is no organisation yet. Load one first, for example: ./plein load_demo"))
        return found
