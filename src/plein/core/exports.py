"""Exports to CSV and XLSX, shared by every app, safe against spreadsheet formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and LibreOffice as a
formula (CSV injection, OWASP). ``neutralise`` puts an apostrophe in front of such text, so the spreadsheet shows it
as text. ``export_rows`` applies it to every text cell, in both formats::

    return export_rows(rows, headers=["functiecode", "functienaam"], format="xlsx", filename="functies")
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Characters that XML (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """A value as it goes into a cell: text neutralised; None empty; numbers and dates kept as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            # Spreadsheets have no time zones: write the local time.
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return neutralise(str(value))


def _csv_text(value: Any) -> str:
    value = _cell(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _filename(filename: str, format: str) -> str:
    stem = _SAFE_FILENAME.sub("-", filename).strip("-.") or "export"
    return f"{stem}.{format}"


def export_rows(
    rows: Iterable[Sequence[Any]],
    headers: Sequence[Any],
    format: str,
    *,
    filename: str = "export",
) -> HttpResponse:
    """An attachment with ``headers`` and ``rows`` as CSV (UTF-8 with BOM, ``;``) or XLSX. Raises ``ValueError``
    for another format. Every text cell (headers too) is neutralised against formula injection."""
    format = (format or "").lower()
    if format not in FORMATS:
        raise ValueError(f"Unknown export format {format!r}; use csv or xlsx.")
    if format == "csv":
        buffer = io.StringIO()
        # The BOM and the semicolon make Excel with Dutch settings open the file in columns and with the right accents.
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([_csv_text(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
        content: bytes = buffer.getvalue().encode("utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([_xlsx_cell(h) for h in headers])
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename, format)}"'
    # Exports may hold personal data: never keep them in a shared cache.
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Remove what XML cannot hold first, so that "\x01=cmd" cannot turn into a formula afterwards.
        value = _ILLEGAL_XML.sub("", value)
    value = _cell(value)
    return None if value == "" else value
