"""The generic tabular import framework (plein.core.importing) and the base import command.

A small importer of positions (code, title, scale, ...) stands in for the real importers, so that every part of the
framework is tested on its own: reading, header mapping, parsers, line numbers, limits, all-or-nothing and dry run.
"""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.utils import translation

from plein.core import importing as imp
from plein.core.management.importing import ImportCommand
from plein.core.models import Position


@pytest.fixture(autouse=True)
def english():
    # Messages are English msgids, translated to Dutch later; the tests read them in English.
    with translation.override("en"):
        yield


class PositionImporter(imp.TabularImporter):
    columns = (
        imp.Column("code", "functiecode", aliases=("position_code", "code"), parser=imp.as_text(10)),
        imp.Column("title", "functienaam", aliases=("title",), parser=imp.as_text(50)),
        imp.Column("scale", "schaal", aliases=("scale",), parser=imp.as_int(1, 18)),
        imp.Column("since", "sinds", aliases=("since",), parser=imp.as_date(), required=False, blank=True),
        imp.Column(
            "vulnerable", "kwetsbaar", aliases=("vulnerable",), parser=imp.as_bool(), required=False, blank=True
        ),
        imp.Column(
            "kind",
            "soort",
            aliases=("kind",),
            parser=imp.as_choice(["staf", "lijn"], aliases={"staff": "staf", "line": "lijn"}),
            required=False,
            blank=True,
            empty="",
        ),
    )
    detail_labels = {"long_titles": "Long titles"}

    def plan(self, rows):
        self.check_unique(rows, "code")
        if self.result.errors:
            return None
        existing = {p.code: p for p in Position.objects.filter(organisation=self.organisation)}
        creates, updates, unchanged = [], [], 0
        for row in rows:
            values = {"title": row.get("title"), "scale": str(row.get("scale"))}
            old = existing.get(row.get("code"))
            if old is None:
                creates.append(Position(organisation=self.organisation, code=row.get("code"), **values))
            elif (old.title, old.scale) != (values["title"], values["scale"]):
                old.title, old.scale = values["title"], values["scale"]
                updates.append(old)
            else:
                unchanged += 1
        long_titles = sum(1 for row in rows if len(row.get("title")) > 20)
        return imp.ImportPlan(
            created=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            details={"long_titles": long_titles},
            data=(creates, updates),
        )

    def apply(self, plan):
        creates, updates = plan.data
        Position.objects.bulk_create(creates)
        self.report_progress(imp.PHASE_WRITE, len(creates), len(creates) + len(updates))
        Position.objects.bulk_update(updates, ["title", "scale"])


def csv_bytes(text: str, *, bom: bool = False, encoding: str = "utf-8") -> bytes:
    data = text.replace("\n", "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(organisation, data, *, dry_run=False, filename="positions.csv", **kwargs):
    return PositionImporter(organisation=organisation, **kwargs).run(data, dry_run=dry_run, filename=filename)


def codes(organisation):
    return dict(Position.objects.filter(organisation=organisation).values_list("code", "title"))


GOOD = "functiecode;functienaam;schaal\nF1;Beleidsmedewerker;10\nF2;Jurist;11\n"


# --- reading CSV ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_with_either_delimiter_and_with_or_without_bom(organisation, delimiter, bom):
    result = run(organisation, csv_bytes(GOOD.replace(";", delimiter), bom=bom))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert codes(organisation) == {"F1": "Beleidsmedewerker", "F2": "Jurist"}


@pytest.mark.django_db
def test_header_is_case_space_and_alias_insensitive_and_unknown_columns_are_warnings(organisation):
    data = csv_bytes('  Position-Code ;TITLE;" Schaal ";Opmerking\nF1;Jurist;10;whatever\n')
    result = run(organisation, data)
    assert result.ok, result.errors
    assert codes(organisation) == {"F1": "Jurist"}
    assert result.warnings == ["The column “Opmerking” is not known and has been ignored."]


@pytest.mark.django_db
def test_missing_required_columns_are_one_error_naming_all_of_them(organisation):
    result = run(organisation, csv_bytes("functiecode;kwetsbaar\nF1;ja\n"))
    assert len(result.errors) == 1
    line, column, message = result.errors[0]
    assert line == 1 and column == ""
    assert "functienaam (title)" in message and "schaal (scale)" in message
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_two_headers_for_the_same_column_is_an_error(organisation):
    result = run(organisation, csv_bytes("functiecode;functienaam;schaal;scale\nF1;Jurist;10;10\n"))
    assert [(e.line, "mean the same thing" in e.message) for e in result.errors] == [(1, True)]


@pytest.mark.django_db
def test_a_header_without_delimiter_says_so(organisation):
    result = run(organisation, csv_bytes("functiecode\tfunctienaam\tschaal\nF1\tJurist\t10\n"))
    assert len(result.errors) == 1
    assert "not separated by a semicolon (;) or a comma (,)" in result.errors[0].message
    assert result.warnings == []


@pytest.mark.django_db
def test_non_utf8_is_refused_with_the_line_of_the_first_bad_byte(organisation):
    data = "functiecode;functienaam;schaal\nF1;Jurist;10\nF2;Coördinator;11\n".encode("cp1252")
    result = run(organisation, data)
    assert [(e.line, "not in UTF-8" in e.message) for e in result.errors] == [(3, True)]
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_utf16_is_refused_with_a_specific_message(organisation):
    result = run(organisation, GOOD.encode("utf-16"))
    assert len(result.errors) == 1 and "UTF-16" in result.errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf \r\n", "The file is empty."),
        (b"functiecode;functienaam;schaal\r\n", "The file has column names but no rows to import."),
        (b";;\r\nF1;Jurist;10\r\n", "This line is empty. The first line must hold the column names."),
    ],
)
def test_empty_files(organisation, data, expected):
    result = run(organisation, data)
    assert [e.message for e in result.errors] == [expected]


@pytest.mark.django_db
def test_line_numbers_are_spreadsheet_rows_and_every_bad_row_is_reported(organisation):
    data = csv_bytes(
        "functiecode;functienaam;schaal\n"
        'F1;"Twee\nregels";10\n'  # line 2: one record over two physical lines
        "\n"  # line 3: empty, skipped
        ";;\n"  # line 4: empty cells only, skipped
        "F2;Jurist;twaalf\n"  # line 5
        "F3;;19\n"  # line 6: two problems
        "F4;Jurist;10;extra\n"  # line 7
        "F5;Jurist\n"  # line 8
        "F1;Dubbel;10\n"  # line 9
    )
    result = run(organisation, data)
    found = [(e.line, e.column) for e in result.errors]
    assert found == [
        (2, "functienaam"),
        (5, "schaal"),
        (6, "functienaam"),
        (6, "schaal"),
        (7, ""),
        (8, ""),
        (9, "functiecode"),
    ]
    messages = [e.message for e in result.errors]
    assert messages[0] == "The text contains a line break or another invisible control character."
    assert messages[1] == "“twaalf” is not a whole number."
    assert messages[2] == "This field is empty, but it must be filled in."
    assert messages[3] == "19 is too large: the highest allowed is 18."
    assert "more values than there are columns" in messages[4]
    assert "on this line (2) does not match the number of columns (3)" in messages[5]
    assert messages[6] == "“F1” also appears on line 2. Each value may appear only once."
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_trailing_empty_cells_and_a_trailing_delimiter_in_the_header_are_fine(organisation):
    result = run(organisation, csv_bytes("functiecode;functienaam;schaal;\nF1;Jurist;10;\nF2;Bode;4;;\n"))
    assert result.ok, result.errors
    assert result.created == 2


@pytest.mark.django_db
def test_an_unclosed_quote_is_an_error(organisation):
    result = run(organisation, csv_bytes('functiecode;functienaam;schaal\nF1;"Jurist;10\nF2;Bode;4\n'))
    assert len(result.errors) == 1
    assert result.errors[0].line == 2 and "quotation mark" in result.errors[0].message


@pytest.mark.django_db
def test_quoted_values_with_delimiters_are_read(organisation):
    result = run(organisation, csv_bytes('functiecode,functienaam,schaal\nF1,"Jurist, senior",10\n'))
    assert result.ok, result.errors
    assert codes(organisation) == {"F1": "Jurist, senior"}


# --- typed parsers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-31", dt.date(2024, 3, 31)),
        ("31-03-2024", dt.date(2024, 3, 31)),
        ("1-3-2024", dt.date(2024, 3, 1)),
        (" 2024-3-1 ", dt.date(2024, 3, 1)),
        (dt.datetime(2024, 3, 31, 0, 0), dt.date(2024, 3, 31)),
        (dt.date(2024, 3, 31), dt.date(2024, 3, 31)),
    ],
)
def test_as_date_accepts(value, expected):
    assert imp.as_date()(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/03/2024", "“31/03/2024” is not a date. Write a date as YYYY-MM-DD or DD-MM-YYYY, for example 2024-03-31."),
        ("2024-02-30", "“2024-02-30” is not an existing date. Check the day and the month."),
        ("13-13-2024", "“13-13-2024” is not an existing date. Check the day and the month."),
        ("03-31-2024", "“03-31-2024” is not an existing date. Check the day and the month."),
        ("morgen", "“morgen” is not a date. Write a date as YYYY-MM-DD or DD-MM-YYYY, for example 2024-03-31."),
        (45291, "“45291” is not a date. Write a date as YYYY-MM-DD or DD-MM-YYYY, for example 2024-03-31."),
    ],
)
def test_as_date_refuses(value, message):
    with pytest.raises(imp.CellError) as info:
        imp.as_date()(value)
    assert info.value.message == message


def test_as_bool():
    parse = imp.as_bool()
    assert [parse(v) for v in ("ja", "JA", " nee ", "yes", "no", True, False, "1", "0")] == [
        True,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(imp.CellError, match="is not ja or nee"):
        parse("misschien")


def test_as_int():
    parse = imp.as_int(0, 100)
    assert [parse(v) for v in ("7", " +8 ", 9, 10.0)] == [7, 8, 9, 10]
    for bad in ("7.5", 7.5, "1e3", "zeven", True, "9" * 30):
        with pytest.raises(imp.CellError, match="is not a whole number"):
            parse(bad)
    with pytest.raises(imp.CellError, match="too small"):
        parse("-1")


def test_as_choice_is_case_insensitive_with_aliases_and_lists_the_codes():
    parse = imp.as_choice(["staf", "lijn"], aliases={"staff": "staf"})
    assert (parse("STAF"), parse("Staff"), parse("lijn")) == ("staf", "staf", "lijn")
    with pytest.raises(imp.CellError) as info:
        parse("matrix")
    assert info.value.message == "“matrix” is not allowed here. Use one of: staf, lijn."


def test_as_email_and_as_text():
    assert imp.as_email()(" a.b@veenland.nl ") == "a.b@veenland.nl"
    with pytest.raises(imp.CellError, match="not a valid e-mail address"):
        imp.as_email()("a.b@")
    assert imp.as_text(6)(100234.0) == "100234"
    assert imp.as_text()("=SUM(A1)") == "=SUM(A1)"  # imports store text as-is; exports neutralise formulas
    with pytest.raises(imp.CellError, match="too long: 6 characters, at most 5"):
        imp.as_text(5)("abcdef")
    with pytest.raises(imp.CellError, match="control character"):
        imp.as_text()("a\x00b")
    assert imp.as_text(multiline=True)("a\r\nb") == "a\nb"


def test_long_values_are_shortened_in_messages():
    with pytest.raises(imp.CellError) as info:
        imp.as_date()("x" * 500)
    assert len(info.value.message) < 200


# --- XLSX -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_with_typed_cells_and_empty_rows(organisation):
    data = xlsx_bytes(
        [
            ["Functiecode", "Functienaam", "Schaal", "Sinds", "Kwetsbaar", None],
            [101, "Jurist", 11, dt.datetime(2020, 1, 31), True],
            [None, None, None, None, None],
            ["F2", "Bode", 4.0, "31-01-2020", "nee"],
            ["F3", "Bode", "vier", "2020-02-30", "misschien"],
        ]
    )
    result = run(organisation, data, filename="positions.xlsx")
    assert [(e.line, e.column) for e in result.errors] == [(5, "Schaal"), (5, "Sinds"), (5, "Kwetsbaar")]
    data = xlsx_bytes(
        [
            ["Functiecode", "Functienaam", "Schaal", "Sinds", "Kwetsbaar"],
            [101, "Jurist", 11, dt.datetime(2020, 1, 31), True],
            [None, None, None, None, None],
            ["F2", "Bode", 4.0, "31-01-2020", "nee"],
        ]
    )
    result = run(organisation, data, filename="positions.xlsx")
    assert result.ok, result.errors
    assert codes(organisation) == {"101": "Jurist", "F2": "Bode"}
    assert Position.objects.get(code="F2").scale == "4"


def _rezip(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


@pytest.mark.django_db
def test_xlsx_zip_bomb_is_refused_before_parsing(organisation, monkeypatch):
    parsed = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: parsed.append(1))

    def bomb(name, content):
        if name == "xl/sharedStrings.xml" or name == "xl/styles.xml":
            return content + b" " * (50 * 1024 * 1024)  # 50 MB of spaces packs into ~50 kB
        return content

    data = _rezip(xlsx_bytes([["functiecode", "functienaam", "schaal"], ["F1", "Jurist", 10]]), bomb)
    assert len(data) < 1024 * 1024
    result = run(organisation, data, filename="bomb.xlsx")
    assert len(result.errors) == 1 and "zip bomb" in result.errors[0].message
    assert parsed == []


@pytest.mark.django_db
def test_xlsx_total_unpacked_size_is_limited(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_UNCOMPRESSED_BYTES": 5000}
    result = run(organisation, xlsx_bytes([["functiecode", "functienaam", "schaal"], ["F1", "Jurist", 10]]))
    assert len(result.errors) == 1 and "zip bomb" in result.errors[0].message


@pytest.mark.django_db
def test_xlsx_declared_row_count_is_checked_before_reading_rows(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_ROWS": 10}
    data = xlsx_bytes([["functiecode", "functienaam", "schaal"], ["F1", "Jurist", 10]])

    def huge_dimension(name, content):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C1000000"', content)
        return content

    result = run(organisation, _rezip(data, huge_dimension), filename="p.xlsx")
    assert [e.message for e in result.errors] == [
        "The file has too many rows: at most 10 rows are allowed. Split the file and import the parts."
    ]


@pytest.mark.django_db
def test_xlsx_too_many_rows_is_caught_while_reading_when_the_dimension_lies(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_ROWS": 10}
    data = xlsx_bytes([["functiecode", "functienaam", "schaal"], *[[f"F{i}", "Jurist", 10] for i in range(20)]])

    def small_dimension(name, content):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', content)
        return content

    result = run(organisation, _rezip(data, small_dimension), filename="p.xlsx")
    assert len(result.errors) == 1 and "too many rows" in result.errors[0].message
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_too_many_columns(organisation):
    result = run(organisation, xlsx_bytes([["functiecode", "functienaam", "schaal", *range(300)], ["F1", "J", 1]]))
    assert len(result.errors) == 1 and "too many columns" in result.errors[0].message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "old Excel file (.xls)"),
        (b"functiecode;functienaam;schaal\r\n", "named.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04garbage", "broken.xlsx", "not a valid Excel workbook"),
    ],
)
def test_files_that_are_not_readable_workbooks(organisation, data, filename, expected):
    result = run(organisation, data, filename=filename)
    assert len(result.errors) == 1 and expected in result.errors[0].message


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook(organisation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    result = run(organisation, buffer.getvalue(), filename="sheet.xlsx")
    assert len(result.errors) == 1 and "not a valid Excel workbook" in result.errors[0].message


@pytest.mark.django_db
def test_a_corrupt_workbook_is_an_error_not_a_crash(organisation):
    def corrupt(name, content):
        return b"<worksheet><sheetData><row><c" if name == "xl/worksheets/sheet1.xml" else content

    data = _rezip(xlsx_bytes([["functiecode", "functienaam", "schaal"], ["F1", "Jurist", 10]]), corrupt)
    result = run(organisation, data, filename="p.xlsx")
    assert len(result.errors) == 1 and "cannot be read" in result.errors[0].message


# --- limits -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_unread(organisation, settings, tmp_path):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_BYTES": 1000}
    data = csv_bytes("functiecode;functienaam;schaal\n" + "F1;Jurist;10\n" * 200)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    for source in (path, str(path), data, io.BytesIO(data)):
        result = run(organisation, source)
        assert len(result.errors) == 1 and "The file is too large" in result.errors[0].message
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_csv_row_limit(organisation, settings):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_ROWS": 5}
    header = "functiecode;functienaam;schaal\n"
    assert run(organisation, csv_bytes(header + "".join(f"F{i};J;1\n" for i in range(5)))).ok
    result = run(organisation, csv_bytes(header + "".join(f"G{i};J;1\n" for i in range(6))))
    assert [e.message for e in result.errors] == [
        "The file has too many rows: at most 5 rows are allowed. Split the file and import the parts."
    ]
    assert not Position.objects.filter(code__startswith="G").exists()


@pytest.mark.django_db
def test_missing_file(organisation, tmp_path):
    result = run(organisation, tmp_path / "nope.csv")
    assert len(result.errors) == 1 and "does not exist" in result.errors[0].message


# --- planning, all-or-nothing, dry run, progress ----------------------------------------------------------------------


@pytest.mark.django_db
def test_upsert_counts_and_idempotency(organisation):
    assert (run(organisation, csv_bytes(GOOD)).created, Position.objects.count()) == (2, 2)
    again = run(organisation, csv_bytes(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run(organisation, csv_bytes(GOOD.replace("Jurist", "Senior jurist")))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert codes(organisation)["F2"] == "Senior jurist"


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(organisation):
    run(organisation, csv_bytes("functiecode;functienaam;schaal\nF1;Jurist;10\n"))
    result = run(organisation, csv_bytes(GOOD.replace("Beleidsmedewerker", "Jurist")), dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    result = run(organisation, csv_bytes("functiecode;functienaam;schaal\nF1;Bode;10\nF9;Nieuw;1\n"), dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert codes(organisation) == {"F1": "Jurist"}


class SettingUpImporter(PositionImporter):
    """An importer whose plan() sets something up first (as the consultations importer puts in default lists)."""

    def plan(self, rows):
        Position.objects.get_or_create(organisation=self.organisation, code="SETUP", defaults={"title": "x"})
        return super().plan(rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "dry_run"),
    [
        ("functiecode;functienaam;schaal\nF1;Jurist;99\n", False),
        ("functiecode;functienaam;schaal\nF1;Jurist;9\n", True),
    ],
    ids=["refused", "dry-run"],
)
def test_what_plan_wrote_is_undone_when_the_file_is_refused_or_a_dry_run(organisation, data, dry_run):
    result = SettingUpImporter(organisation=organisation).run(csv_bytes(data), dry_run=dry_run, filename="p.csv")
    assert bool(result.errors) != dry_run
    assert codes(organisation) == {}


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_everything_back(organisation, monkeypatch):
    run(organisation, csv_bytes("functiecode;functienaam;schaal\nF1;Jurist;10\n"))

    def broken_update(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Position.objects, "bulk_update", broken_update)
    result = run(organisation, csv_bytes("functiecode;functienaam;schaal\nF1;Bode;10\nF2;Nieuw;1\n"))
    assert not result.ok
    assert (result.created, result.updated) == (0, 0)
    assert "The database refused the changes, so nothing has been saved." in result.errors[0].message
    assert "disk full" not in result.errors[0].message
    assert codes(organisation) == {"F1": "Jurist"}  # F2 was created by bulk_create and rolled back


@pytest.mark.django_db
def test_progress_is_reported_while_reading_and_writing(organisation):
    calls = []
    importer = PositionImporter(organisation=organisation, progress=lambda *args: calls.append(args))
    importer.progress_every = 10
    body = "".join(f"F{i};Jurist;10\n" for i in range(25))
    result = importer.run(csv_bytes("functiecode;functienaam;schaal\n" + body), filename="p.csv")
    assert result.ok
    assert calls == [("read", 10, 25), ("read", 20, 25), ("read", 25, 25), ("write", 25, 25)]


def test_error_and_summary_lines():
    result = imp.ImportResult(
        created=1,
        updated=2,
        unchanged=3,
        details={"long_titles": 4, "other": 0},
        errors=[
            imp.ImportIssue(None, "", "The file is empty."),
            imp.ImportIssue(1, "", "Columns are missing."),
            imp.ImportIssue(4, "in_dienst", "Bad date."),
        ],
    )
    assert imp.error_lines(result) == [
        "The file is empty.",
        "Line 1: Columns are missing.",
        "Line 4, column in_dienst: Bad date.",
    ]
    assert imp.error_lines(result, limit=1) == ["The file is empty.", "… and 2 more problems."]
    assert imp.summary_lines(result, {"long_titles": "Long titles", "other": "Other"}) == [
        "1 created, 2 updated, 3 unchanged.",
        "Long titles: 4",
    ]


# --- the base command -------------------------------------------------------------------------------------------------


class PositionCommand(ImportCommand):
    def get_importer(self, *, organisation, progress, options):
        return PositionImporter(organisation=organisation, progress=progress)


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(PositionCommand(), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_prints_a_summary_and_supports_dry_run(organisation, tmp_path):
    path = tmp_path / "positions.csv"
    path.write_bytes(csv_bytes("functiecode;functienaam;schaal;x\nF1;Een heel lange functienaam;10;\n"))
    out, err = call(str(path), "--dry-run")
    assert "Dry run" in out and "1 created, 0 updated, 0 unchanged." in out and "Long titles: 1" in out
    assert "The column “x” is not known" in err
    assert Position.objects.count() == 0
    out, _err = call(str(path))
    assert "Import finished." in out and "1 created" in out
    assert Position.objects.count() == 1


@pytest.mark.django_db
def test_command_fails_with_the_error_list(organisation, tmp_path):
    path = tmp_path / "positions.csv"
    path.write_bytes(csv_bytes("functiecode;functienaam;schaal\nF1;Jurist;elf\nF2;;10\n"))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(PositionCommand(), str(path), stdout=io.StringIO(), stderr=err)
    assert str(info.value) == "The import failed: 2 problems found. Nothing has been saved."
    assert err.getvalue().splitlines() == [
        "Line 2, column schaal: “elf” is not a whole number.",
        "Line 3, column functienaam: This field is empty, but it must be filled in.",
    ]
    assert Position.objects.count() == 0


@pytest.mark.django_db
def test_command_organisation_option(organisation, tmp_path):
    path = tmp_path / "positions.csv"
    path.write_bytes(csv_bytes(GOOD))
    with pytest.raises(CommandError, match="no organisation with the code “elders”"):
        call(str(path), "--organisation", "elders")
    call(str(path), "--organisation", organisation.slug)
    assert Position.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_command_without_any_organisation(tmp_path):
    path = tmp_path / "positions.csv"
    path.write_bytes(csv_bytes(GOOD))
    with pytest.raises(CommandError, match="no organisation yet"):
        call(str(path))


# --- every importer of every app: truncated files, zip bombs, formula injection (issue 13, "Must show" 2) ------------


def project_importers() -> list[type[imp.TabularImporter]]:
    """Every TabularImporter of the project's apps (their ``importers`` module, and core's people import)."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("plein."):
            try:
                importlib.import_module(f"{config.name}.importers")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.importers":
                    raise
    importlib.import_module("plein.core.services.people_import")
    from plein.api.services import ApiPeopleImporter

    # The REST API's people sync is built from a token, not a file: its rows go through PeopleImporter's parsing,
    # which is fuzzed here as PeopleImporter (and the API by schemathesis).
    no_file_of_their_own = {ApiPeopleImporter}
    found, todo = [], list(imp.TabularImporter.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("plein.") and ".tests." not in cls.__module__ and cls not in no_file_of_their_own:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__name__}")


IMPORTERS = project_importers()


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label not in ("core",)} | {
        "core.Employee": __import__("plein.core.models", fromlist=["Employee"]).Employee.objects.count()
    }


def _file_for(importer: type[imp.TabularImporter], value: str) -> list[list[str]]:
    """A header with every column of the importer and two rows with ``value`` in every cell."""
    header = [column.name for column in importer.columns]
    return [header, [value] * len(header), [f"{value}2"] * len(header)]


def _run_any(importer, organisation, data: bytes, filename: str) -> imp.ImportResult:
    return importer(organisation=organisation).run(data, filename=filename)


def test_every_app_importer_is_found():
    names = {cls.__name__ for cls in IMPORTERS}
    assert {"PeopleImporter", "PositionImporter", "EventImporter", "AttendanceImporter"} <= names, names
    assert len(IMPORTERS) >= 7


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda c: c.__name__)
def test_every_importer_refuses_a_zip_bomb_and_writes_nothing(importer, organisation, monkeypatch):
    monkeypatch.setattr(imp, "XLSX_RATIO_MIN_BYTES", 1000)

    def bomb(name, content):
        return content + b" " * 500_000 if name == "xl/worksheets/sheet1.xml" else content

    data = _rezip(xlsx_bytes(_file_for(importer, "x")), bomb)
    before = _row_counts()
    result = _run_any(importer, organisation, data, "bom.xlsx")
    assert len(result.errors) == 1 and "zip bomb" in result.errors[0].message
    assert _row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda c: c.__name__)
def test_every_importer_survives_formula_injection(importer, organisation):
    """Cells that a spreadsheet would run as formulas are refused or stored as plain text, never a crash; a file with
    errors writes nothing. (Exports neutralise them: test_exports.py.)"""
    for value in ('=HYPERLINK("http://evil.example")', "+31 6 1234 5678", "-2+3", "@SUM(A1)"):
        before = _row_counts()
        rows = _file_for(importer, value)
        data = csv_bytes("\n".join(";".join(f'"{cell}"' for cell in row) for row in rows) + "\n")
        result = _run_any(importer, organisation, data, "formules.csv")
        if result.errors:
            assert _row_counts() == before, (importer.__name__, value)


@pytest.mark.django_db
@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda c: c.__name__)
def test_every_importer_survives_truncated_files(importer, organisation):
    """A file cut off anywhere (an interrupted upload): a clear error or the rows that are complete, never a crash;
    a file with errors writes nothing."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    xlsx = xlsx_bytes(_file_for(importer, "Één waarde"))
    csv = csv_bytes("\n".join(";".join(row) for row in _file_for(importer, "Één waarde")) + "\n", bom=True)

    @hypothesis_settings(
        max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.sampled_from(["xlsx", "csv"]), st.floats(min_value=0, max_value=0.999))
    def check(kind, fraction):
        whole = xlsx if kind == "xlsx" else csv
        data = whole[: int(len(whole) * fraction)]
        before = _row_counts()
        with transaction.atomic():
            result = _run_any(importer, organisation, data, f"afgebroken.{kind}")
            if result.errors:
                assert _row_counts() == before
            transaction.set_rollback(True)
        if kind == "xlsx":
            assert result.errors, "a cut-off workbook must not be read as if it were whole"

    check()
