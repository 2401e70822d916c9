import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from plein.core.models import AuditEvent
from plein.learning.importers import AttendanceImporter, EventImporter
from plein.learning.models import Attendance, Event, Kind
from plein.learning.tests.conftest import TODAY
from plein.learning.tests.factories import AttendanceFactory, CourseFactory, EventFactory, employee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The core import framework's messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def run_events(organisation, data: bytes, **kwargs):
    return EventImporter(organisation=organisation).run(data, filename="activiteiten.csv", **kwargs)


def run_attendance(organisation, data: bytes, **kwargs):
    return AttendanceImporter(organisation=organisation, today=TODAY).run(data, filename="presentie.csv", **kwargs)


def problems(result):
    return [(issue.line, issue.column, issue.message) for issue in result.errors]


EVENTS = csv_bytes(
    "code;titel;soort;datum;organisator",
    "WS-LG-2023-10;Integriteitsworkshop voor leidinggevenden;workshop;12-10-2023;Integriteitscoördinator",
    "SHOW-2024;De Integriteit Show;voorstelling;2024-04-11;Ondernemingsraad",
    "DEMO-2024;Ambtenaar zijn én gaan demonstreren;bijeenkomst;2024-07-04;",
    "MOO-2024-02-1;Morele oordeelsvorming;training;2024-02-13;HR",
    "EL-2024;E-learning integriteit;e-learning;2024-09-02;Integriteitscoördinator",
    "LEZ-2024;Lezing ondermijning;lezing;2024-11-14;Platform",
)


def test_import_events(organisation):
    moo = CourseFactory(organisation=organisation, code="morele-oordeelsvorming", title="Morele oordeelsvorming")
    result = run_events(organisation, EVENTS)
    assert result.ok, problems(result)
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    show = Event.objects.get(code="SHOW-2024")
    assert (show.kind, show.date, show.organiser) == (Kind.SHOW, dt.date(2024, 4, 11), "Ondernemingsraad")
    assert Event.objects.get(code="WS-LG-2023-10").date == dt.date(2023, 10, 12)
    assert Event.objects.get(code="MOO-2024-02-1").course == moo  # matched by its title
    assert Event.objects.get(code="EL-2024").registration_required is False
    assert AuditEvent.objects.get(action="learning.events_imported").data == {"created": 6, "updated": 0}

    again = run_events(organisation, EVENTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_import_updates_events_by_code_and_reads_optional_columns(organisation):
    EventFactory(organisation=organisation, code="SHOW-2024", title="Show", kind=Kind.SHOW, date=dt.date(2024, 4, 1))
    course = CourseFactory(organisation=organisation, code="show-cursus")
    data = csv_bytes(
        "Code,Title,Kind,Date,Organiser,Location,Course",
        "show-2024,De Integriteit Show,show,2024-04-11,Ondernemingsraad,Statenzaal,SHOW-CURSUS",
    )
    result = run_events(organisation, data)
    assert result.ok, problems(result)
    assert (result.created, result.updated) == (0, 1)
    show = Event.objects.get()
    assert (show.title, show.date, show.location, show.course) == (
        "De Integriteit Show",
        dt.date(2024, 4, 11),
        "Statenzaal",
        course,
    )


def test_every_bad_event_row_is_listed_and_nothing_is_saved(organisation):
    EventFactory(organisation=organisation, code="LANG", date=dt.date(2024, 1, 1), end_date=dt.date(2024, 1, 3))
    data = csv_bytes(
        "code;titel;soort;datum;organisator;cursus",
        "OK-1;Goed;training;2024-02-13;HR;",
        ";Zonder code;training;2024-02-13;HR;",
        "OK-1;Dubbel;training;2024-02-14;HR;",
        "ok-1;Dubbel anders geschreven;training;2024-02-14;HR;",
        "MET SPATIE;Code met spatie;training;2024-02-14;HR;",
        "K-1;Verkeerde soort;college;2024-02-14;HR;",
        "D-1;Geen datum;lezing;31-02-2024;HR;",
        "T-1;;lezing;2024-02-14;HR;",
        "C-1;Onbekende cursus;training;2024-02-14;HR;bestaat-niet",
        f"L-1;{'x' * 201};training;2024-02-14;HR;",
        "LANG;Na het einde;training;2024-01-05;HR;",
    )
    result = run_events(organisation, data)
    assert not result.ok
    found = problems(result)
    assert [(line, column) for line, column, _message in found] == [
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (6, "code"),
        (7, "soort"),
        (8, "datum"),
        (9, "titel"),
        (10, "cursus"),
        (11, "titel"),
        (12, "datum"),
    ]
    messages = " | ".join(message for *_rest, message in found)
    for expected in (
        "must be filled in",
        "also appears on line 2",
        "not a valid code",
        "Use one of: training",
        "not an existing date",
        "no course with the code",
        "too long",
        "ends on",
    ):
        assert expected in messages, expected
    assert Event.objects.count() == 1


def test_missing_columns_and_empty_files(organisation):
    result = run_events(organisation, csv_bytes("code;titel;datum"))
    assert not result.ok and "soort" in result.errors[0].message
    empty = run_events(organisation, csv_bytes("code;titel;soort;datum;organisator"))
    assert not empty.ok


def test_import_events_from_xlsx(organisation):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "titel", "soort", "datum", "organisator"])
    sheet.append(["SHOW-2024", "De Integriteit Show", "voorstelling", dt.datetime(2024, 4, 11), "Ondernemingsraad"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = EventImporter(organisation=organisation).run(buffer.getvalue(), filename="activiteiten.xlsx")
    assert result.ok, problems(result)
    assert Event.objects.get().date == dt.date(2024, 4, 11)


# --- attendance -----------------------------------------------------------------------------------------------------


@pytest.fixture
def imported(organisation):
    run_events(organisation, EVENTS)
    return {e.code: e for e in Event.objects.all()}


def test_import_attendance(organisation, imported):
    anna = employee(organisation, personnel_number="100001")
    bram = employee(organisation, personnel_number="100002")
    data = csv_bytes(
        "code;personeelsnummer;datum",
        "SHOW-2024;100001;",
        "show-2024;100002;",
        "EL-2024;100001;2025-01-15",
        "DEMO-2024;100002;04-07-2024",
    )
    result = run_attendance(organisation, data)
    assert result.ok, problems(result)
    assert result.created == 4
    assert Attendance.objects.get(employee=anna, event__code="EL-2024").attended_on == dt.date(2025, 1, 15)
    assert Attendance.objects.get(employee=bram, event__code="SHOW-2024").attended_on == dt.date(2024, 4, 11)
    assert set(Attendance.objects.values_list("source", flat=True)) == {Attendance.Source.IMPORT}
    again = run_attendance(organisation, data)
    assert (again.created, again.unchanged) == (0, 4)


def test_every_bad_attendance_row_is_listed_and_nothing_is_saved(organisation, imported):
    employee(organisation, personnel_number="100001")
    employee(organisation, personnel_number="100002")
    EventFactory(organisation=organisation, code="TOEKOMST", date=dt.date(2025, 12, 1))
    data = csv_bytes(
        "code;personeelsnummer;datum",
        "SHOW-2024;100001;",
        "ONBEKEND;100001;",
        "SHOW-2024;999999;",
        "ONBEKEND;999999;",
        "SHOW-2024;100001;",
        "TOEKOMST;100001;",
        "SHOW-2024;100002;2024-04-12",
        "EL-2024;100002;2024-08-01",
        "EL-2024;100002;2025-12-01",
        ";100002;",
        "DEMO-2024;100002;niet-een-datum",
    )
    result = run_attendance(organisation, data)
    assert [(line, column) for line, column, _message in problems(result)] == [
        (3, "code"),
        (4, "personeelsnummer"),
        (5, "code"),
        (5, "personeelsnummer"),
        (6, "personeelsnummer"),
        (7, "code"),
        (8, "datum"),
        (9, "datum"),
        (10, "datum"),
        (11, "code"),
        (12, "datum"),
    ]
    messages = " | ".join(message for *_rest, message in problems(result))
    for expected in (
        "no event with the code",
        "nobody with personnel number 999999",
        "already listed",
        "takes place on",
        "took place on",
        "available from",
        "in the future",
    ):
        assert expected in messages, expected
    assert not Attendance.objects.exists()


def test_already_recorded_attendance_is_unchanged(organisation, imported):
    person = employee(organisation, personnel_number="100001")
    AttendanceFactory(event=imported["SHOW-2024"], employee=person)
    result = run_attendance(organisation, csv_bytes("code;personeelsnummer", "SHOW-2024;100001"))
    assert (result.created, result.unchanged) == (0, 1)


# --- the commands ---------------------------------------------------------------------------------------------------


def test_the_commands(organisation, tmp_path, imported, capsys):
    employee(organisation, personnel_number="100001")
    good = tmp_path / "presentie.csv"
    good.write_bytes(csv_bytes("code;personeelsnummer", "SHOW-2024;100001"))
    call_command("import_attendance", str(good), "--dry-run")
    assert not Attendance.objects.exists()
    call_command("import_attendance", str(good))
    assert Attendance.objects.count() == 1
    bad = tmp_path / "activiteiten.csv"
    bad.write_bytes(csv_bytes("code;titel;soort;datum;organisator", "X;Iets;cursus;2024-01-01;HR"))
    with pytest.raises(CommandError, match="1 problem found. Nothing has been saved"):
        call_command("import_events", str(bad))
    assert "Line 2, column soort" in capsys.readouterr().err
