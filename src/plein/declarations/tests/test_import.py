import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plein.core.models import AuditEvent
from plein.declarations.importers import OutsideActivityImporter
from plein.declarations.models import ActivityEvent, OutsideActivity
from plein.declarations.tests.helpers import person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

COLUMNS = [
    "personeelsnummer",
    "meldingsdatum",
    "organisatie",
    "omschrijving",
    "bezoldigd",
    "uren_per_maand",
    "begindatum",
    "einddatum",
    "besluit",
    "besluitdatum",
]
GOOD = [
    ["2001", "2024-02-01", "Stichting A", "Voorzitter", "ja", "4", "2024-02-01", "", "toegestaan", "2024-02-10"],
    ["2001", "01-03-2024", "Club B", "Trainer", "nee", "0", "2024-03-01", "2024-12-31", "geweigerd", "05-03-2024"],
    ["2002", "2024-04-01", "Gemeente C", "Raadslid", "ja", "744", "2024-04-01", "", "in_behandeling", ""],
]


@pytest.fixture
def frozen():
    with time_machine.travel(dt.date(2025, 3, 1), tick=False):
        yield


@pytest.fixture
def people(organisation, unit):
    return [person(organisation, unit, personnel_number=n) for n in ("2001", "2002")]


def csv_bytes(rows, columns=COLUMNS) -> bytes:
    return ("\n".join(";".join(r) for r in [columns, *rows]) + "\n").encode()


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_creates_declarations_with_decisions_and_history(organisation, people):
    result = OutsideActivityImporter(organisation=organisation).run(csv_bytes(GOOD))
    assert result.ok, result.errors
    assert result.created == 3
    a = OutsideActivity.objects.get(role="Voorzitter")
    assert (a.paid, a.hours_per_month, a.decision, a.decided_on) == (True, 4, "toegestaan", dt.date(2024, 2, 10))
    assert a.status == OutsideActivity.Status.DECIDED
    assert a.source == OutsideActivity.Source.IMPORT
    b = OutsideActivity.objects.get(role="Trainer")
    assert b.end_date == dt.date(2024, 12, 31) and b.decided_on == dt.date(2024, 3, 5)
    c = OutsideActivity.objects.get(role="Raadslid")
    assert c.status == OutsideActivity.Status.AWAITING_DECISION and c.decided_on is None
    assert ActivityEvent.objects.filter(kind="geimporteerd").count() == 3
    assert AuditEvent.objects.filter(action="declarations.activities_imported").count() == 1


def test_import_again_is_an_upsert(organisation, people):
    OutsideActivityImporter(organisation=organisation).run(csv_bytes(GOOD))
    changed = [row[:] for row in GOOD]
    changed[2][8], changed[2][9] = "toegestaan", "2024-04-20"
    result = OutsideActivityImporter(organisation=organisation).run(csv_bytes(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert OutsideActivity.objects.get(role="Raadslid").decision == "toegestaan"
    assert OutsideActivity.objects.count() == 3


def test_xlsx_with_real_dates_and_numbers(organisation, people):
    rows = [
        [
            "2001",
            dt.datetime(2024, 2, 1),
            "Stichting A",
            "Voorzitter",
            "ja",
            4,
            dt.date(2024, 2, 1),
            None,
            "toegestaan",
            dt.date(2024, 2, 10),
        ]
    ]
    result = OutsideActivityImporter(organisation=organisation).run(xlsx_bytes(rows), filename="n.xlsx")
    assert result.ok, result.errors
    assert OutsideActivity.objects.get().start_date == dt.date(2024, 2, 1)


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_saved(organisation, people):
    rows = [
        GOOD[0],
        ["9999", "2024-02-01", "X", "Y", "ja", "4", "2024-02-01", "", "toegestaan", "2024-02-10"],  # line 3
        ["2001", "2024-02-01", "X", "Y", "misschien", "4", "2024-02-01", "", "toegestaan", "2024-02-10"],  # 4
        ["2001", "2024-02-01", "X", "Y", "ja", "745", "2024-02-01", "", "toegestaan", "2024-02-10"],  # 5
        ["2001", "2024-02-01", "X", "Y", "ja", "4", "2024-02-01", "2024-01-31", "toegestaan", "2024-02-10"],  # 6
        ["2001", "2024-02-01", "X", "Y", "ja", "4", "2024-02-01", "", "goedgekeurd", "2024-02-10"],  # 7
        ["2001", "2024-02-01", "X", "Y", "ja", "4", "2024-02-01", "", "toegestaan", ""],  # 8
        ["2001", "2024-02-01", "X", "Y", "ja", "4", "2024-02-01", "", "in_behandeling", "2024-02-10"],  # 9
        ["2001", "2024-02-31", "X", "Y", "ja", "4", "2024-02-01", "", "toegestaan", "2024-02-10"],  # 10
        ["2001", "2024-02-01", "", "Y", "ja", "4", "2024-02-01", "", "toegestaan", "2024-02-10"],  # 11
        GOOD[0],  # 12: the same activity twice
        ["2001", "2024-02-01", "X", "Z", "ja", "4", "2024-02-01", "", "toegestaan", "2024-01-10"],  # 13
    ]
    result = OutsideActivityImporter(organisation=organisation).run(csv_bytes(rows))
    assert not result.ok
    lines = sorted({issue.line for issue in result.errors})
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    messages = {issue.line: issue.message for issue in result.errors}
    assert "9999" in messages[3]
    assert "744" in messages[5]
    assert "vóór de begindatum" in messages[6]
    assert "datum van het besluit" in messages[8]
    assert "regel 2" in messages[12]
    assert not OutsideActivity.objects.exists()
    assert not ActivityEvent.objects.exists()


def test_missing_columns_are_reported(organisation, people):
    result = OutsideActivityImporter(organisation=organisation).run(csv_bytes([GOOD[0][:3]], COLUMNS[:3]))
    assert not result.ok
    assert "bezoldigd" in result.errors[0].message


def test_the_command(organisation, people, tmp_path):
    good = tmp_path / "goed.csv"
    good.write_bytes(csv_bytes(GOOD))
    out = io.StringIO()
    call_command("import_outside_activities", str(good), "--dry-run", "--organisation", organisation.slug, stdout=out)
    assert not OutsideActivity.objects.exists()
    call_command("import_outside_activities", str(good), "--organisation", organisation.slug, stdout=out)
    assert OutsideActivity.objects.count() == 3
    bad = tmp_path / "fout.csv"
    bad.write_bytes(csv_bytes([["2001", "x", "A", "B", "ja", "1", "2024-01-01", "", "toegestaan", "2024-01-02"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Er is niets opgeslagen"):
        call_command("import_outside_activities", str(bad), "--organisation", organisation.slug, stderr=err)
    assert "2" in err.getvalue() and "meldingsdatum" in err.getvalue()
