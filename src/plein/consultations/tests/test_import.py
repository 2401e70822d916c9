import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plein.consultations import selectors, services
from plein.consultations.defaults import DEFAULT_TOPICS
from plein.consultations.importers import ConsultationImporter
from plein.consultations.models import Consultation, ConsultationEvent
from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

COLUMNS = ["datum", "vrager", "onderwerp", "afhandeling", "behandelaar"]
GOOD = [
    ["2024-01-16", "medewerker", "nevenfuncties", "procesadvies", "9001"],
    ["30-01-2024", "leidinggevende", "NEVENFUNCTIES", "luisterend_oor", ""],
    ["2024-02-27", "extern", "geschenken", "doorverwezen_vertrouwenspersoon", "9001"],
]
EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "consultaties.csv"


@pytest.fixture
def frozen():
    with time_machine.travel(dt.date(2025, 3, 1), tick=False):
        yield


@pytest.fixture
def handler(organisation, make_user):
    user = make_user(R.INTEGRITY_COORDINATOR, personnel_number="9001")
    EmployeeFactory(organisation=organisation, personnel_number="9002", user=None)  # no account
    return user


def csv_bytes(rows, columns=COLUMNS) -> bytes:
    return ("\n".join(";".join(r) for r in [columns, *rows]) + "\n").encode()


def xlsx_bytes(rows, columns=COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(organisation, data: bytes, filename="consultaties.csv", dry_run=False):
    return ConsultationImporter(organisation=organisation).run(io.BytesIO(data), filename=filename, dry_run=dry_run)


def test_a_good_file_imports_every_row_with_the_handler_and_history(organisation, handler):
    result = run(organisation, csv_bytes(GOOD))
    assert result.ok, result.errors
    assert result.created == 3
    items = list(Consultation.objects.order_by("date"))
    assert [(i.date, i.requester, i.topic.code, i.action.code) for i in items] == [
        (dt.date(2024, 1, 16), "medewerker", "nevenfuncties", "procesadvies"),
        (dt.date(2024, 1, 30), "leidinggevende", "nevenfuncties", "luisterend_oor"),
        (dt.date(2024, 2, 27), "extern", "geschenken", "doorverwezen_vertrouwenspersoon"),
    ]
    assert [i.handler for i in items] == [handler, None, handler]
    assert all(i.source == Consultation.Source.IMPORT for i in items)
    assert ConsultationEvent.objects.filter(kind=ConsultationEvent.Kind.IMPORTED).count() == 3
    assert AuditEvent.objects.get(action="consultations.imported").data == {"created": 3}
    assert selectors.annual_figures(organisation, 2024)["by_topic"]["nevenfuncties"] == 2


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_saved(organisation, handler):
    rows = [
        GOOD[0],  # line 2: fine
        ["2024-13-01", "medewerker", "nevenfuncties", "procesadvies", ""],  # line 3: no such date
        ["2024-02-01", "directeur", "nevenfuncties", "procesadvies", ""],  # line 4: unknown requester
        ["2024-02-01", "medewerker", "voetbal", "procesadvies", ""],  # line 5: unknown topic
        ["2024-02-01", "medewerker", "overig", "koffie", ""],  # line 6: unknown action
        ["2024-02-01", "medewerker", "overig", "procesadvies", "0000"],  # line 7: unknown personnel number
        ["2024-02-01", "medewerker", "overig", "procesadvies", "9002"],  # line 8: no account
        ["2026-01-01", "medewerker", "overig", "procesadvies", ""],  # line 9: in the future
        ["", "medewerker", "", "procesadvies", ""],  # line 10: date and topic missing
    ]
    result = run(organisation, csv_bytes(rows))
    assert not result.ok
    lines = {(issue.line, issue.column) for issue in result.errors}
    assert lines == {
        (3, "datum"),
        (4, "vrager"),
        (5, "onderwerp"),
        (6, "afhandeling"),
        (7, "behandelaar"),
        (8, "behandelaar"),
        (9, "datum"),
        (10, "datum"),
        (10, "onderwerp"),
    }
    messages = {issue.line: issue.message for issue in result.errors}
    assert "nevenfuncties" in messages[5] and "melding_gedaan" in messages[6]
    assert "0000" in messages[7]
    assert Consultation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="consultations.imported").exists()


def test_a_missing_required_column_is_one_error(organisation, handler):
    result = run(organisation, csv_bytes([r[:3] for r in GOOD], columns=COLUMNS[:3]))
    assert not result.ok
    assert any("afhandeling" in issue.message for issue in result.errors)
    assert Consultation.objects.count() == 0


def test_the_import_is_atomic_when_the_database_fails_halfway(organisation, handler, monkeypatch):
    calls = {"n": 0}
    original = ConsultationEvent.objects.bulk_create

    def failing(objs, *args, **kwargs):
        calls["n"] += 1
        from django.db import DatabaseError

        raise DatabaseError("disk full")

    monkeypatch.setattr(ConsultationEvent.objects, "bulk_create", failing)
    result = run(organisation, csv_bytes(GOOD))
    assert calls["n"] == 1 and not result.ok
    assert Consultation.objects.count() == 0
    monkeypatch.setattr(ConsultationEvent.objects, "bulk_create", original)


def test_xlsx_with_real_date_cells_and_numbers(organisation, handler):
    rows = [[dt.datetime(2024, 5, 14), "medewerker", "moreel_dilemma", "luisterend_oor", 9001]]
    result = run(organisation, xlsx_bytes(rows), filename="consultaties.xlsx")
    assert result.ok, result.errors
    item = Consultation.objects.get()
    assert item.date == dt.date(2024, 5, 14) and item.handler == handler


def test_dry_run_saves_nothing(organisation, handler):
    result = run(organisation, csv_bytes(GOOD), dry_run=True)
    assert result.ok and result.created == 3
    assert Consultation.objects.count() == 0


def test_english_headers_and_a_note_column(organisation, handler):
    data = csv_bytes(
        [["2024-01-16", "employee", "overig", "procesadvies", "", "Vraag over social media"]],
        columns=["date", "requester", "topic", "action", "handler", "note"],
    )
    result = run(organisation, data)
    assert result.ok, result.errors
    item = Consultation.objects.get()
    assert item.requester == "medewerker" and item.note == "Vraag over social media"


def test_names_only_when_the_organisation_records_them(organisation, handler):
    data = csv_bytes([["2024-01-16", "medewerker", "overig", "procesadvies", "", "Jan"]], columns=[*COLUMNS, "naam"])
    result = run(organisation, data)
    assert result.ok and any("naam" in w for w in result.warnings)
    assert Consultation.objects.get().asker_name == ""
    services.update_settings(actor=handler, organisation=organisation, record_names=True)
    result = run(organisation, data)
    assert result.ok and not result.warnings
    assert Consultation.objects.filter(asker_name="Jan").count() == 1


def test_the_command_and_the_example_file_in_the_docs(organisation, handler, capsys):
    call_command("import_consultations", str(EXAMPLE))
    out = capsys.readouterr().out
    assert Consultation.objects.count() == 10 and "10" in out
    topics = set(Consultation.objects.values_list("topic__code", flat=True))
    assert topics == {code for code, _nl, _en in DEFAULT_TOPICS}


def test_the_command_fails_with_the_lines(organisation, handler, tmp_path, capsys):
    path = tmp_path / "fout.csv"
    path.write_bytes(csv_bytes([GOOD[0], ["2024-02-01", "medewerker", "voetbal", "procesadvies", ""]]))
    with pytest.raises(CommandError):
        call_command("import_consultations", str(path))
    assert "3" in capsys.readouterr().err
    assert Consultation.objects.count() == 0


def test_export_and_import_use_the_same_codes(organisation, handler):
    """An export imports again into an empty register with the same figures."""
    run(organisation, csv_bytes(GOOD))
    qs = selectors.visible_to(handler, organisation)
    rows = selectors.export_rows(qs, organisation)
    headers = selectors.export_headers(organisation)
    assert headers[:5] == COLUMNS
    before = selectors.annual_figures(organisation, 2024)
    Consultation.objects.all().delete()
    text = [[cell.isoformat() if isinstance(cell, dt.date) else str(cell) for cell in row] for row in rows]
    result = run(organisation, csv_bytes(text, columns=headers))
    assert result.ok, result.errors
    assert selectors.annual_figures(organisation, 2024) == before
