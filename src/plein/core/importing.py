"""A generic, all-or-nothing import of tabular files (CSV and XLSX).

Every ``import_*`` command (people, oaths, positions, outside activities, events, attendance, consultations) is built
from the same parts:

1. ``read_table`` opens the file safely: a size limit (``settings.PLEIN["IMPORT_MAX_BYTES"]``), UTF-8 with or without
   a BOM for CSV (no guessing of other encodings), the delimiter ``;`` or ``,`` sniffed from the header line, and for
   XLSX a zip-bomb guard (uncompressed sizes and ratios) and a row and column limit before any row is parsed.
2. A list of ``Column`` objects maps the header: Dutch canonical names plus English aliases, insensitive to case,
   spaces, ``-`` and ``_``. Missing required columns give one error. Unknown columns are ignored with a *warning*
   (so that an HR export with extra columns still imports, while the user sees what was skipped).
3. Typed cell parsers (``as_text``, ``as_date``, ``as_bool``, ``as_int``, ``as_choice``, ``as_email``) turn each cell
   into a value or raise ``CellError`` with a translatable message.
4. ``TabularImporter.run`` collects *every* problem with its line number (the number a spreadsheet shows: the header
   is line 1) and never stops at the first one. The subclass's ``plan`` checks the rows as a whole and works out
   what would change; its ``apply`` writes. ``apply`` runs only when there are no errors at all, inside one
   ``transaction.atomic``, so one bad row imports nothing. ``dry_run=True`` plans and reports, and writes nothing.

A subclass looks like this::

    class OathImporter(TabularImporter):
        columns = (
            Column("personnel_number", "personeelsnummer", aliases=("personnel_number",), parser=as_text(30)),
            Column("date", "datum", aliases=("date",), parser=as_date()),
        )

        def plan(self, rows):
            self.check_unique(rows, "personnel_number")
            ...  # self.error(row.line, "date", _("...")) for every problem
            return ImportPlan(created=..., updated=..., unchanged=..., data=...)

        def apply(self, plan):
            ...  # bulk_create / bulk_update; self.report_progress(PHASE_WRITE, done, total)

Imported text is stored as-is (trimmed). Formula injection is handled where data is exported, not here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

PHASE_READ = "read"
PHASE_WRITE = "write"

DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_COLUMNS = 200
# XLSX is a zip of XML files. openpyxl streams the sheet, but loads shared strings and styles whole, so the
# uncompressed size is limited as well as the file size. A normal workbook compresses 5-30 times; zip bombs
# compress hundreds or thousands of times.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_RATIO_MIN_BYTES = 1024 * 1024
XLSX_MAX_MEMBERS = 1000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_CHARS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_SHOWN_VALUE_LENGTH = 40


# --- results and errors ---------------------------------------------------------------------------------------------


class ImportIssue(NamedTuple):
    """One problem: the line as a spreadsheet numbers it (header = 1; ``None`` for the file as a whole), the column
    as written in the file's header (``""`` when not about one column), and a message for the user."""

    line: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Importer-specific counts, such as {"units_created": 3}; labels come from the importer's ``detail_labels``.
    details: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPlan:
    """What ``plan`` found: the counts to report and whatever ``apply`` needs (``data``)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, int] = field(default_factory=dict)
    data: Any = None


class CellError(ValueError):
    """A cell value that cannot be used. ``message`` is shown to the user with the line and column."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class FileError(Exception):
    """A problem with the file as a whole: reading stops."""

    def __init__(self, message, line: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.line = line


# --- cell values and parsers ----------------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text. Numbers typed into a spreadsheet (``100234`` or ``100234.0``) become ``"100234"``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def shown(value: Any) -> str:
    """A value quoted in an error message, shortened."""
    text = cell_text(value)
    text = _CONTROL_CHARS_SINGLE_LINE.sub("\N{REPLACEMENT CHARACTER}", text)
    return text if len(text) <= _SHOWN_VALUE_LENGTH else text[: _SHOWN_VALUE_LENGTH - 1] + "…"


Parser = Callable[[Any], Any]


def as_text(max_length: int | None = None, *, multiline: bool = False) -> Parser:
    """Text, trimmed. Refuses control characters (and line breaks unless ``multiline``)."""
    bad = _CONTROL_CHARS if multiline else _CONTROL_CHARS_SINGLE_LINE

    def parse(value: Any) -> str:
        text = cell_text(value)
        if multiline:
            text = text.replace("\r\n", "\n")
        if bad.search(text):
            raise CellError(_("The text contains a line break or another invisible control character."))
        if max_length is not None and len(text) > max_length:
            raise CellError(
                _("The text is too long: %(length)d characters, at most %(max)d are allowed.")
                % {"length": len(text), "max": max_length}
            )
        return text

    return parse


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def as_date() -> Parser:
    """A date as YYYY-MM-DD or DD-MM-YYYY, or a real date cell in XLSX."""

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
        else:
            match = _DUTCH_DATE.match(text)
            if not match:
                raise CellError(
                    _("“%(value)s” is not a date. Write a date as YYYY-MM-DD or DD-MM-YYYY, for example 2024-03-31.")
                    % {"value": shown(value)}
                )
            day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise CellError(
                _("“%(value)s” is not an existing date. Check the day and the month.") % {"value": shown(value)}
            ) from None

    return parse


_TRUE = {"ja", "j", "yes", "y", "true", "waar", "1"}
_FALSE = {"nee", "n", "no", "false", "onwaar", "0"}


def as_bool() -> Parser:
    """ja/nee (also yes/no, true/false, 1/0), or a real TRUE/FALSE cell in XLSX."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(_("“%(value)s” is not ja or nee.") % {"value": shown(value)})

    return parse


_INTEGER = re.compile(r"^[+-]?\d+$")


def as_int(min_value: int | None = None, max_value: int | None = None) -> Parser:
    """A whole number, optionally within bounds."""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            text = cell_text(value)
            if not _INTEGER.match(text) or len(text) > 18:
                raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
            number = int(text)
        if min_value is not None and number < min_value:
            raise CellError(
                _("%(value)d is too small: the lowest allowed is %(min)d.") % {"value": number, "min": min_value}
            )
        if max_value is not None and number > max_value:
            raise CellError(
                _("%(value)d is too large: the highest allowed is %(max)d.") % {"value": number, "max": max_value}
            )
        return number

    return parse


def as_choice(choices: Iterable[Any], *, aliases: dict[str, str] | None = None) -> Parser:
    """One of a fixed list of codes, case-insensitive. ``choices`` is a ``TextChoices`` class or a list of codes;
    ``aliases`` maps other accepted words (such as English ones) to a code."""
    codes = [str(getattr(choice, "value", choice[0] if isinstance(choice, tuple) else choice)) for choice in choices]
    lookup = {code.casefold(): code for code in codes}
    for alias, code in (aliases or {}).items():
        lookup.setdefault(alias.casefold(), code)

    def parse(value: Any) -> str:
        text = cell_text(value).casefold()
        if text in lookup:
            return lookup[text]
        raise CellError(
            _("“%(value)s” is not allowed here. Use one of: %(choices)s.")
            % {"value": shown(value), "choices": ", ".join(codes)}
        )

    return parse


def as_email(max_length: int = 254) -> Parser:
    """An e-mail address (trimmed)."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        try:
            if len(text) > max_length:
                raise ValidationError("too long")
            validate_email(text)
        except ValidationError:
            raise CellError(
                _("“%(value)s” is not a valid e-mail address. Write it as name@example.nl.") % {"value": shown(value)}
            ) from None
        return text

    return parse


# --- columns and header ---------------------------------------------------------------------------------------------


def normalise_header(text: Any) -> str:
    """``" In Dienst "``, ``"in-dienst"`` and ``"IN_DIENST"`` all become ``"in_dienst"``."""
    return re.sub(r"[\s_\-]+", "_", cell_text(text).replace("\ufeff", "").casefold()).strip("_")


@dataclass(frozen=True)
class Column:
    """A column of an import file.

    ``key`` is the name in code; ``name`` the Dutch canonical header; ``aliases`` other accepted headers (English).
    ``required``: the header must be present. ``blank``: a cell may be empty; it then gets ``empty``.
    A column that is not required and absent from the file is simply not in ``Row.values``: importers leave that
    field alone.
    """

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    parser: Parser = field(default_factory=as_text)
    required: bool = True
    blank: bool = False
    empty: Any = None

    def labels(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class Header:
    index: dict[str, int]  # column key → position in the row
    names: dict[str, str]  # column key → the header as written in the file
    width: int  # number of cells up to the last named column

    @property
    def keys(self) -> set[str]:
        return set(self.index)


@dataclass
class Row:
    """A parsed data row. ``values`` holds only the cells that parsed; ``valid`` is False when any did not."""

    line: int
    values: dict[str, Any]
    valid: bool = True

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values


# --- reading files --------------------------------------------------------------------------------------------------


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]  # (line, cells) for every line after the header
    total: int | None  # number of data lines, when known up front
    delimiter: str | None = None


def import_setting(name: str, default: int) -> int:
    return int(settings.PLEIN.get(name) or default)


def read_table(
    source: str | Path | BinaryIO | bytes,
    *,
    filename: str = "",
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> Table:
    """Open a CSV or XLSX file. Raises ``FileError`` for a file that cannot be read safely."""
    max_bytes = max_bytes or import_setting("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    max_rows = max_rows or import_setting("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    data, filename = _read_bytes(source, filename, max_bytes)
    suffix = Path(filename).suffix.casefold()
    if data.startswith(_OLE_MAGIC) or suffix in {".xls", ".ods", ".numbers"}:
        raise FileError(
            _(
                "This file type cannot be read. It may be an old Excel file (.xls), another spreadsheet format, "
                "or protected with a password. Save it as an Excel workbook (.xlsx) or as CSV UTF-8 and try again."
            )
        )
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, max_rows=max_rows, max_columns=max_columns)
    if suffix in {".xlsx", ".xlsm"}:
        raise FileError(_("The file name ends in .xlsx, but the file is not an Excel workbook."))
    return _read_csv(data, max_rows=max_rows, max_columns=max_columns)


def _too_large(size: int, max_bytes: int) -> FileError:
    return FileError(
        _("The file is too large: %(size)s. At most %(max)s is allowed. Split the file and import the parts.")
        % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)}
    )


def _read_bytes(source, filename: str, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        path = Path(source)
        filename = filename or path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_large(size, max_bytes)
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise FileError(_("The file “%(name)s” does not exist.") % {"name": shown(str(path))}) from None
        except IsADirectoryError:
            raise FileError(_("“%(name)s” is a folder, not a file.") % {"name": shown(str(path))}) from None
        except PermissionError:
            raise FileError(
                _("The file “%(name)s” cannot be opened: permission denied.") % {"name": shown(str(path))}
            ) from None
    else:
        filename = filename or str(getattr(source, "name", "") or "")
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data, filename


def _too_many_rows(max_rows: int) -> FileError:
    return FileError(
        _("The file has too many rows: at most %(max)d rows are allowed. Split the file and import the parts.")
        % {"max": max_rows}
    )


def _too_many_columns(max_columns: int) -> FileError:
    return FileError(_("The file has too many columns: at most %(max)d are allowed.") % {"max": max_columns}, line=1)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(
            _(
                "The file is in UTF-16, not in UTF-8. In Excel choose “Save as” and then “CSV UTF-8 "
                "(comma delimited)”, and try again."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(
            _(
                "The file is not in UTF-8: this line holds a character that UTF-8 does not allow (often a letter "
                "such as é or ë from an older encoding). In Excel choose “Save as” and then “CSV UTF-8 (comma "
                "delimited)”, and try again."
            ),
            line=line,
        ) from None


def sniff_delimiter(header_line: str) -> str | None:
    """``;`` or ``,``: whichever occurs most in the header line; ``None`` when neither occurs."""
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if not semicolons and not commas:
        return None
    return ";" if semicolons >= commas else ","


def _read_csv(data: bytes, *, max_rows: int, max_columns: int) -> Table:
    text = _decode(data)
    if not text.strip():
        raise FileError(_("The file is empty."))
    header_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or ";", strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            if len(records) > max_rows:  # the header plus max_rows data rows are allowed
                raise _too_many_rows(max_rows)
            if len(record) > max_columns:
                raise FileError(
                    _("This line has too many columns: at most %(max)d are allowed.") % {"max": max_columns},
                    line=len(records) + 1,
                )
            records.append(record)
    except csv.Error:
        line = len(records) + 1
        raise FileError(
            _(
                'This line cannot be read: a quotation mark (") is not closed, or a value is far too long. '
                "Check the quotation marks on this line."
            ),
            line=line,
        ) from None
    header = records[0] if records else []
    rows = ((number, record) for number, record in enumerate(records[1:], start=2))
    return Table("csv", header, rows, total=len(records) - 1, delimiter=delimiter)


def _check_zip(data: bytes) -> None:
    """Refuse anything that is not a plausible .xlsx before openpyxl parses it: too many parts, too large when
    unpacked, or packed suspiciously tightly (a zip bomb). ``zipfile`` never unpacks more than the declared size."""
    not_xlsx = FileError(_("The file is not a valid Excel workbook (.xlsx). Save it again as .xlsx or as CSV UTF-8."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise not_xlsx from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise not_xlsx
    max_total = import_setting("IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
    total = sum(member.file_size for member in members)
    suspicious = any(
        member.file_size > XLSX_RATIO_MIN_BYTES and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > max_total or suspicious:
        raise FileError(
            _(
                "The Excel file unpacks to far more data than its size suggests, so it is not read (it may be a "
                "“zip bomb”). Save the data again as a new .xlsx or as CSV UTF-8."
            )
        )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise not_xlsx


def _read_xlsx(data: bytes, *, max_rows: int, max_columns: int) -> Table:
    import openpyxl  # imported here: only XLSX imports need it

    _check_zip(data)
    unreadable = FileError(_("The Excel file cannot be read. Save it again as .xlsx or as CSV UTF-8."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        declared_rows, declared_columns = sheet.max_row, sheet.max_column
        if declared_columns and declared_columns > max_columns:
            raise _too_many_columns(max_columns)
        if declared_rows and declared_rows - 1 > max_rows:
            raise _too_many_rows(max_rows)
        # The declared size may be wrong; from here on the limits are enforced while reading.
        sheet.reset_dimensions()
        header_row = next(sheet.iter_rows(min_row=1, max_row=1, max_col=max_columns, values_only=True), None)
    except FileError:
        raise
    except Exception:  # noqa: BLE001 - any failure to parse an untrusted workbook is the same user error
        raise unreadable from None
    header = list(header_row or [])
    while header and is_empty(header[-1]):
        header.pop()
    width = max(len(header), 1)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for line, values in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
                if line - 1 > max_rows:
                    raise _too_many_rows(max_rows)
                yield line, list(values)
        except FileError:
            raise
        except Exception:  # noqa: BLE001 - as above
            raise unreadable from None
        finally:
            workbook.close()

    total = (declared_rows - 1) if declared_rows else None
    return Table("xlsx", header, rows(), total=total)


def map_header(header_cells: Sequence[Any], columns: Sequence[Column]) -> tuple[Header, list[str], list[str]]:
    """Match the header cells to the columns. Returns the header, errors and warnings (unknown columns)."""
    by_label: dict[str, Column] = {}
    for column in columns:
        for label in column.labels():
            by_label[normalise_header(label)] = column
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    errors: list[str] = []
    warnings: list[str] = []
    width = 0
    for position, cell in enumerate(header_cells):
        written = cell_text(cell).replace("\ufeff", "")
        if not written:
            continue
        width = position + 1
        column = by_label.get(normalise_header(written))
        if column is None:
            warnings.append(
                str(_("The column “%(column)s” is not known and has been ignored.") % {"column": shown(written)})
            )
        elif column.key in index:
            errors.append(
                str(
                    _("The columns “%(first)s” and “%(second)s” mean the same thing. Keep only one of them.")
                    % {"first": shown(names[column.key]), "second": shown(written)}
                )
            )
        else:
            index[column.key] = position
            names[column.key] = written
    missing = [column for column in columns if column.required and column.key not in index]
    if missing:
        errors.append(
            str(
                _("Columns are missing: %(columns)s. The first line must hold the column names.")
                % {"columns": ", ".join(f"{c.name} ({c.aliases[0]})" if c.aliases else c.name for c in missing)}
            )
        )
    return Header(index=index, names=names, width=width), errors, warnings


# --- the importer ---------------------------------------------------------------------------------------------------


ProgressCallback = Callable[[str, int, int | None], None]


class TabularImporter:
    """Base class of every importer. Subclasses set ``columns`` and implement ``plan`` and ``apply``.

    ``plan(rows)`` runs inside the transaction, also when some rows had bad cells (so that every problem is
    reported in one go): it reports problems with ``self.error`` and returns an ``ImportPlan``. ``apply(plan)``
    runs only when there are no problems and this is not a dry run.
    """

    columns: Sequence[Column] = ()
    # Labels for ImportResult.details, for the command's summary.
    detail_labels: dict[str, Any] = {}
    progress_every = 1000
    max_rows: int | None = None  # default: settings.PLEIN["IMPORT_MAX_ROWS"] or DEFAULT_MAX_ROWS
    max_columns = DEFAULT_MAX_COLUMNS
    allow_empty = False  # a file with a header and no rows is an error

    def __init__(self, *, organisation=None, progress: ProgressCallback | None = None):
        self.organisation = organisation
        self.progress = progress
        self.header = Header({}, {}, 0)
        self.result = ImportResult()

    # --- for subclasses

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        raise NotImplementedError

    def apply(self, plan: ImportPlan) -> None:
        raise NotImplementedError

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        """Runs in the same transaction after ``apply``: the place for the audit event."""

    def error(self, line: int | None, column: str, message: Any) -> None:
        """Report a problem. ``column`` is a column key (shown as written in the file) or ``""``."""
        label = self.header.names.get(column) or self._column_name(column)
        self.result.errors.append(ImportIssue(line, label, str(message)))

    def report_progress(self, phase: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)

    def check_unique(self, rows: Iterable[Row], key: str) -> dict[Any, int]:
        """Report every row whose ``key`` value already appeared on an earlier line. Returns value → first line."""
        first: dict[Any, int] = {}
        for row in rows:
            value = row.get(key)
            if value is None or value == "":
                continue
            if value in first:
                row.valid = False
                self.error(
                    row.line,
                    key,
                    _("“%(value)s” also appears on line %(line)d. Each value may appear only once.")
                    % {"value": shown(value), "line": first[value]},
                )
            else:
                first[value] = row.line
        return first

    # --- the run

    def run(self, source, *, dry_run: bool = False, filename: str = "") -> ImportResult:
        """Read, check and (unless ``dry_run`` or anything is wrong) write. Problems come back sorted by line.

        ``source`` may also be a ``Table`` that is already in memory: the REST API (``plein.api``) passes the rows
        it received that way, so that they get exactly the checks of a file."""
        self.result = result = ImportResult(dry_run=dry_run)
        self.header = Header({}, {}, 0)
        self._run(source, dry_run=dry_run, filename=filename)
        result.errors.sort(key=lambda issue: issue.line or 0)
        return result

    def _run(self, source, *, dry_run: bool, filename: str) -> ImportResult:
        result = self.result
        try:
            if isinstance(source, Table):  # rows from the REST API
                table = source
            else:
                table = read_table(source, filename=filename, max_rows=self.max_rows, max_columns=self.max_columns)
            if not self._read_header(table):
                return result
            rows = self._read_rows(table)
        except FileError as exc:
            result.errors.append(ImportIssue(exc.line, "", exc.message))
            return result
        result.rows = len(rows)
        if not rows and not result.errors and not self.allow_empty:
            result.errors.append(ImportIssue(None, "", str(_("The file has column names but no rows to import."))))
            return result
        try:
            with transaction.atomic():
                plan = self.plan(rows)
                if result.errors or plan is None:
                    if not result.errors:  # a bug in the subclass: never silently "succeed"
                        raise RuntimeError("plan() returned None without reporting an error")
                    # Whatever plan() wrote (default lists, for example) goes too: a refused file changes nothing.
                    transaction.set_rollback(True)
                    return result
                result.created, result.updated, result.unchanged = plan.created, plan.updated, plan.unchanged
                result.details = dict(plan.details)
                if dry_run:
                    transaction.set_rollback(True)  # a dry run writes nothing, not even what plan() set up
                else:
                    self.apply(plan)
                    self.after_apply(plan, result)
        except DatabaseError as exc:
            result.created = result.updated = result.unchanged = 0
            result.details = {}
            result.errors.append(
                ImportIssue(
                    None,
                    "",
                    str(
                        _(
                            "The database refused the changes, so nothing has been saved. Try again; if it fails "
                            "again, ask the system administrator. Technical detail: %(error)s"
                        )
                        % {"error": type(exc).__name__}
                    ),
                )
            )
        return result

    def _column_name(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return column.name
        return key

    def _read_header(self, table: Table) -> bool:
        if not any(not is_empty(cell) for cell in table.header):
            self.result.errors.append(
                ImportIssue(1, "", str(_("This line is empty. The first line must hold the column names.")))
            )
            return False
        header, errors, warnings = map_header(table.header, self.columns)
        self.header = header
        self.result.warnings.extend(warnings)
        if errors and table.format == "csv" and table.delimiter is None:
            self.result.warnings.clear()
            errors = [
                str(
                    _(
                        "The column names are not separated by a semicolon (;) or a comma (,). "
                        "Save the file as CSV with ; or , as separator."
                    )
                )
            ]
        for message in errors:
            self.result.errors.append(ImportIssue(1, "", message))
        return not errors

    def _read_rows(self, table: Table) -> list[Row]:
        rows: list[Row] = []
        columns = [column for column in self.columns if column.key in self.header.index]
        width = self.header.width
        done = 0
        for line, cells in table.rows:
            done += 1
            if self.progress_every and done % self.progress_every == 0:
                self.report_progress(PHASE_READ, done, table.total)
            if all(is_empty(cell) for cell in cells):
                continue  # an empty line: skipped, but it still counts for the line numbers
            if table.format == "csv" and len(cells) < width:
                self.result.errors.append(
                    ImportIssue(
                        line,
                        "",
                        str(
                            _(
                                "The number of values on this line (%(found)d) does not match the number of "
                                "columns (%(expected)d). Check the separator (; or ,) and the quotation marks on "
                                "this line."
                            )
                            % {"found": len(cells), "expected": width}
                        ),
                    )
                )
                continue
            extra = [position for position in range(width, len(cells)) if not is_empty(cells[position])]
            if extra:
                self.result.errors.append(
                    ImportIssue(
                        line,
                        "",
                        str(
                            _(
                                "This line has more values than there are columns. Check the separator (; or ,) "
                                "and the quotation marks on this line."
                            )
                        ),
                    )
                )
                continue
            row = Row(line=line, values={})
            for column in columns:
                position = self.header.index[column.key]
                value = cells[position] if position < len(cells) else None
                if is_empty(value):
                    if column.blank:
                        row.values[column.key] = column.empty
                    else:
                        row.valid = False
                        self.error(line, column.key, _("This field is empty, but it must be filled in."))
                    continue
                try:
                    row.values[column.key] = column.parser(value)
                except CellError as exc:
                    row.valid = False
                    self.error(line, column.key, exc.message)
            rows.append(row)
        if self.progress_every and done >= self.progress_every and done % self.progress_every:
            self.report_progress(PHASE_READ, done, table.total)
        return rows


def summary_lines(result: ImportResult, detail_labels: dict[str, Any] | None = None) -> list[str]:
    """The result in words, for a command or a page."""
    lines = [
        str(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
    ]
    for key, label in (detail_labels or {}).items():
        if result.details.get(key):
            lines.append(f"{label}: {result.details[key]}")
    return lines


def error_lines(result: ImportResult, limit: int | None = None) -> list[str]:
    """Every problem as a line of text: "Line 4, column in_dienst: ..."."""
    lines = []
    for issue in result.errors[:limit] if limit else result.errors:
        if issue.line is not None and issue.column:
            lines.append(
                str(
                    _("Line %(line)d, column %(column)s: %(message)s")
                    % {"line": issue.line, "column": issue.column, "message": issue.message}
                )
            )
        elif issue.line is not None:
            lines.append(str(_("Line %(line)d: %(message)s") % {"line": issue.line, "message": issue.message}))
        else:
            lines.append(issue.message)
    hidden = len(result.errors) - len(lines)
    if hidden > 0:
        lines.append(
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", hidden) % {"count": hidden}
        )
    return lines
