"""The report as a file: JSON, a self-contained HTML file, a PDF (WeasyPrint) and an editable DOCX (python-docx).

All four come from the same ``Document`` (``document.build_document``). Rendering makes no network request: WeasyPrint
gets a URL fetcher that refuses everything (the stylesheet is part of the HTML, the charts are inline SVG).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from plein.annual_report.document import Document, build_document

FORMATS = ("json", "html", "pdf", "docx")
# WeasyPrint logs every layout step at INFO; the report's own progress is enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

Progress = Callable[[int, str], None]


def _noop(percent: int, step: str) -> None:
    return None


def filename(organisation_slug: str, year: int, fmt: str, *, published: bool) -> str:
    suffix = "" if published else "-concept"
    return f"jaarverslag-integriteit-{organisation_slug}-{year}{suffix}.{fmt}"


def render_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _standalone_html(doc: Document, *, for_pdf: bool) -> str:
    return render_to_string("annual_report/pdf/report.html", {"doc": doc, "for_pdf": for_pdf})


def render_html(doc: Document) -> bytes:
    return _standalone_html(doc, for_pdf=False).encode("utf-8")


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"external resources are not loaded in the annual report: {url}")


def render_pdf(doc: Document, *, progress: Progress = _noop) -> bytes:
    from weasyprint import HTML

    progress(55, _("Laying out the pages"))
    html = _standalone_html(doc, for_pdf=True)
    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    progress(85, _("Writing the PDF"))
    return document.write_pdf(pdf_tags=True)


def render_docx(doc: Document, *, progress: Progress = _noop) -> bytes:
    """An editable Word document: real headings, paragraphs and tables (the charts as tables of numbers)."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    progress(55, _("Writing the Word document"))
    out = Docx()
    out.core_properties.title = doc.title
    out.core_properties.author = doc.organisation
    out.core_properties.language = translation.get_language() or settings.LANGUAGE_CODE
    out.core_properties.subject = _("Annual integrity report")
    style = out.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    def table(t):
        grid = out.add_table(rows=1, cols=len(t.headers))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, header in zip(grid.rows[0].cells, t.headers, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(header))
            run.bold = True
        for row in t.cell_rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value.text
                if value.numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        caption = out.add_paragraph(t.caption)
        caption.style = out.styles["Caption"]

    out.add_heading(doc.title, level=0)
    out.add_paragraph(doc.organisation)
    if doc.published:
        out.add_paragraph(
            _("Published version: counts from 1 to %(n)d in breakdowns are hidden to protect people's privacy.")
            % {"n": doc.threshold - 1}
        )
    else:
        out.add_paragraph(_("Draft with all figures; not for publication."))
    if doc.summary:
        out.add_heading(_("Key figures"), level=1)
        for figure in doc.summary:
            out.add_paragraph(f"{figure.label}: {figure.display}", style="List Bullet")
    for section in doc.sections:
        out.add_heading(f"{section.number}. {section.title}", level=1)
        for paragraph in section.paragraphs:
            p = out.add_paragraph(paragraph.text)
            if paragraph.quote:
                p.style = out.styles["Quote"]
        if section.figures:
            out.add_heading(_("Figures"), level=2)
            for figure in section.figures:
                p = out.add_paragraph(style="List Bullet")
                p.add_run(f"{figure.label}: ")
                p.add_run(figure.display).bold = True
                if figure.comment:
                    out.add_paragraph(figure.comment).runs[0].italic = True
        for trend in section.charts:
            out.add_paragraph(trend.chart.description)
            table(trend.table)
        for t in section.tables:
            table(t)
        for note in section.notes:
            out.add_paragraph(note).runs[0].italic = True
    progress(85, _("Saving the Word document"))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def render(fmt: str, data: dict, texts: dict, *, progress: Progress = _noop, language: str | None = None) -> bytes:
    """The report in ``fmt``. Files are in ``language`` (default: the organisation's language, LANGUAGE_CODE)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "json":
        return render_json(data)
    with translation.override(language or settings.LANGUAGE_CODE):
        progress(45, _("Putting the sections together"))
        doc = build_document(data, texts)
        if fmt == "html":
            return render_html(doc)
        if fmt == "pdf":
            return render_pdf(doc, progress=progress)
        return render_docx(doc, progress=progress)
