"""./plein import_people: the people import from the HR system (plein.core.services.people_import).

The property-based tests at the end build valid files, break them in one known way, and check that the import
reports the problem and leaves the database exactly as it was.
"""

import csv
import datetime as dt
import io
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from plein.core.importing import CellError, as_date
from plein.core.models import AuditEvent, Employee, OrgUnit, Position
from plein.core.services.people_import import import_people
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, OrgUnitFactory

EXAMPLE = Path(django_settings.PROJECT_ROOT) / "docs" / "examples" / "people.csv"
HEADER = [
    "personeelsnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "email",
    "organisatieonderdeel",
    "functiecode",
    "functienaam",
    "leidinggevende",
    "dienstverband",
    "in_dienst",
    "uit_dienst",
]
ENGLISH = [
    "personnel_number",
    "first_name",
    "infix",
    "last_name",
    "email",
    "unit",
    "position_code",
    "position_title",
    "manager",
    "employment_type",
    "start_date",
    "end_date",
]
WATER = "Directie/Ruimte en Water/Team Water"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person(number, **fields):
    row = {
        "personeelsnummer": str(number),
        "voornaam": f"Voornaam{number}",
        "tussenvoegsel": "",
        "achternaam": f"Achternaam{number}",
        "email": f"p{number}@veenland.example",
        "organisatieonderdeel": WATER,
        "functiecode": "F100",
        "functienaam": "Beleidsmedewerker",
        "leidinggevende": "",
        "dienstverband": "vast",
        "in_dienst": "2020-01-01",
        "uit_dienst": "",
    }
    row.update(fields)
    return row


def csv_bytes(rows, *, header=HEADER, delimiter=";", bom=False, encoding="utf-8", names=None):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(names or header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(organisation, data, **kwargs):
    kwargs.setdefault("filename", "people.csv")
    return import_people(data, organisation=organisation, **kwargs)


def issues(result):
    return [(e.line, e.column) for e in result.errors]


def snapshot():
    return (
        sorted(
            Employee.objects.values_list(
                "organisation_id",
                "personnel_number",
                "first_name",
                "infix",
                "last_name",
                "email",
                "unit_id",
                "position_id",
                "manager_id",
                "employment_type",
                "start_date",
                "end_date",
                "updated_at",
            )
        ),
        sorted(OrgUnit.objects.values_list("organisation_id", "path", "name", "kind", "depth", "parent_id")),
        sorted(Position.objects.values_list("organisation_id", "code", "title")),
        AuditEvent.objects.count(),
    )


def employee(number):
    return Employee.objects.select_related("unit", "position", "manager").get(personnel_number=str(number))


# --- happy paths ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_example_file_imports(organisation):
    result = run(organisation, EXAMPLE)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    assert Employee.objects.filter(organisation=organisation).count() == 15
    units = {u.path: u for u in OrgUnit.objects.filter(organisation=organisation)}
    assert units["Directie"].kind == "directie" and units["Directie"].depth == 0 and units["Directie"].parent is None
    domain = units["Directie/Ruimte en Water"]
    assert (domain.kind, domain.depth, domain.parent, domain.name) == (
        "domein",
        1,
        units["Directie"],
        "Ruimte en Water",
    )
    team = units[WATER]
    assert (team.kind, team.depth, team.parent, team.name) == ("team", 2, domain, "Team Water")
    # A manager later in the file (100012 → 100013).
    assert employee(100012).manager == employee(100013)
    sanne = employee(100005)
    assert (sanne.start_date, sanne.end_date, sanne.employment_type) == (
        dt.date(2024, 2, 1),
        dt.date(2026, 1, 31),
        "tijdelijk",
    )
    assert employee(100001).full_name == "Marieke van der Veen"
    assert employee(100003).position.title == "Teammanager"
    assert result.details == {"units_created": 8, "positions_created": 11, "positions_updated": 0}


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(organisation):
    run(organisation, EXAMPLE)
    before = snapshot()
    result = run(organisation, EXAMPLE)
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    assert result.details == {"units_created": 0, "positions_created": 0, "positions_updated": 0}
    after = snapshot()
    assert after[:3] == before[:3]  # not even updated_at moved


@pytest.mark.django_db
def test_xlsx_with_real_dates_and_numbers(organisation):
    rows = [
        person(1, **{"personeelsnummer": 1, "in_dienst": dt.datetime(2019, 5, 1), "uit_dienst": None}),
        person(
            2, **{"personeelsnummer": 2.0, "leidinggevende": 1, "in_dienst": "01-06-2021", "dienstverband": "Inhuur"}
        ),
    ]
    result = run(organisation, xlsx_bytes(rows), filename="people.xlsx")
    assert result.ok, result.errors
    assert employee(1).start_date == dt.date(2019, 5, 1)
    two = employee(2)
    assert (two.manager.personnel_number, two.start_date, two.employment_type) == ("1", dt.date(2021, 6, 1), "inhuur")


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_variants_bom_delimiters_date_formats_and_english_headers(organisation, delimiter, bom):
    rows = [
        person(1, **{"in_dienst": "2019-05-01", "voornaam": "Zoë", "achternaam": "Ağaoğlu, van"}),
        person(2, **{"in_dienst": "01-06-2021", "uit_dienst": "31-12-2030", "leidinggevende": "1"}),
    ]
    result = run(organisation, csv_bytes(rows, delimiter=delimiter, bom=bom, names=ENGLISH))
    assert result.ok, result.errors
    assert employee(1).start_date == dt.date(2019, 5, 1)
    assert employee(1).full_name == "Zoë Ağaoğlu, van"
    assert (employee(2).start_date, employee(2).end_date) == (dt.date(2021, 6, 1), dt.date(2030, 12, 31))


@pytest.mark.django_db
def test_upsert_updates_changed_people_only(organisation):
    run(organisation, EXAMPLE)
    other = OrgUnitFactory(organisation=organisation, name="Elders", kind="directie")
    outsider = EmployeeFactory(organisation=organisation, personnel_number="999", unit=other)
    rows = list(csv.DictReader(io.StringIO(EXAMPLE.read_text(encoding="utf-8")), delimiter=";"))
    by_number = {row["personeelsnummer"]: row for row in rows}
    by_number["100004"].update(achternaam="Boer-Jansen", leidinggevende="999")  # manager already in the database
    by_number["100007"]["organisatieonderdeel"] = "Directie/Ruimte en Water/Team Natuur"  # moves to a new team
    by_number["100011"].update(functiecode="F201", functienaam="Senior HR-adviseur")  # position renamed
    by_number["100015"]["uit_dienst"] = ""  # cleared
    rows.append(person(100016, leidinggevende="100004"))
    result = run(organisation, csv_bytes(rows))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 3, 12)  # 100011's position was renamed only
    assert result.details == {"units_created": 1, "positions_created": 1, "positions_updated": 1}
    pieter = employee(100004)
    assert (pieter.last_name, pieter.manager) == ("Boer-Jansen", outsider)
    natuur = employee(100007).unit
    assert (natuur.path, natuur.kind, natuur.depth, natuur.parent.path) == (
        "Directie/Ruimte en Water/Team Natuur",
        "team",
        2,
        "Directie/Ruimte en Water",
    )
    assert employee(100011).position.title == "Senior HR-adviseur"
    assert employee(100015).end_date is None
    assert employee(100016).manager == pieter
    assert Employee.objects.get(pk=outsider.pk).unit == other  # people not in the file are left alone


@pytest.mark.django_db
def test_optional_columns_that_are_absent_leave_fields_alone(organisation):
    run(organisation, EXAMPLE)
    header = [c for c in HEADER if c not in {"leidinggevende", "functiecode", "functienaam", "tussenvoegsel"}]
    rows = [person(100004, voornaam="Piet", organisatieonderdeel=WATER, in_dienst="2012-05-01")]
    result = run(organisation, csv_bytes(rows, header=header))
    assert result.ok, result.errors
    assert result.updated == 1
    pieter = employee(100004)
    assert (pieter.first_name, pieter.infix, pieter.manager.personnel_number, pieter.position.code) == (
        "Piet",
        "de",
        "100003",
        "F101",
    )


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(organisation):
    before = snapshot()
    result = run(organisation, EXAMPLE, dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    assert result.details["units_created"] == 8
    assert snapshot() == before


@pytest.mark.django_db
def test_the_import_leaves_an_audit_event_without_personal_data(organisation):
    run(organisation, EXAMPLE)
    event = AuditEvent.objects.get(action="people.import")
    assert event.organisation == organisation and event.actor is None
    assert event.data == {"created": 15, "updated": 0}
    run(organisation, EXAMPLE, dry_run=True)
    run(organisation, csv_bytes([person(1, in_dienst="gisteren")]))
    assert AuditEvent.objects.filter(action="people.import").count() == 1


@pytest.mark.django_db
def test_other_organisations_are_separate(organisation):
    elsewhere = OrganisationFactory(slug="elders", name="Provincie Elders")
    EmployeeFactory(organisation=elsewhere, personnel_number="100001", first_name="Ander")
    EmployeeFactory(organisation=elsewhere, personnel_number="555")
    result = run(organisation, EXAMPLE)
    assert result.created == 15
    assert Employee.objects.get(organisation=elsewhere, personnel_number="100001").first_name == "Ander"
    bad = run(organisation, csv_bytes([person(5, leidinggevende="100001"), person(6, leidinggevende="555")]))
    assert issues(bad) == [(3, "leidinggevende")]


# --- every error, with its line and column, and nothing written -------------------------------------------------------


def assert_fails(organisation, data, expected, **kwargs):
    before = snapshot()
    result = run(organisation, data, **kwargs)
    assert issues(result) == expected, result.errors
    assert (result.created, result.updated) == (0, 0)
    assert snapshot() == before
    return [e.message for e in result.errors]


@pytest.fixture
def existing(organisation):
    """A database that already holds the example province, so that a partial import would show."""
    run(organisation, EXAMPLE)
    return organisation


@pytest.mark.django_db
def test_wrong_delimiter(existing):
    messages = assert_fails(existing, csv_bytes([person(1)], delimiter="\t"), [(1, "")])
    assert "not separated by a semicolon (;) or a comma (,)" in messages[0]
    # A header with ; but rows with , gives a clear per-line error.
    data = csv_bytes([person(1)]).replace(b";", b",").replace(b",", b";", len(HEADER) - 1)
    messages = assert_fails(existing, data, [(2, "")])
    assert "on this line (1) does not match the number of columns (12)" in messages[0]


@pytest.mark.django_db
def test_missing_columns(existing):
    header = [c for c in HEADER if c not in {"achternaam", "in_dienst"}]
    messages = assert_fails(existing, csv_bytes([person(1)], header=header), [(1, "")])
    assert messages == [
        "Columns are missing: achternaam (last_name), in_dienst (start_date). The first line must hold the column names."
    ]


@pytest.mark.django_db
def test_bad_dates_and_end_before_start(existing):
    rows = [
        person(1, in_dienst="2020-02-30"),
        person(2, in_dienst="1 januari 2020"),
        person(3, in_dienst="01-01-2021", uit_dienst="31-12-2020"),
        person(100004, uit_dienst="2000-01-01"),
    ]
    messages = assert_fails(
        existing, csv_bytes(rows), [(2, "in_dienst"), (3, "in_dienst"), (4, "uit_dienst"), (5, "uit_dienst")]
    )
    assert messages[2] == "The end date 31-12-2020 is before the start date 01-01-2021."


@pytest.mark.django_db
def test_duplicate_personnel_numbers(existing):
    rows = [person(1), person(2), person(1, voornaam="Ander"), person(1)]
    messages = assert_fails(existing, csv_bytes(rows), [(4, "personeelsnummer"), (5, "personeelsnummer")])
    assert messages[0] == "“1” also appears on line 2. Each value may appear only once."


@pytest.mark.django_db
def test_unknown_manager(existing):
    messages = assert_fails(existing, csv_bytes([person(1, leidinggevende="424242")]), [(2, "leidinggevende")])
    assert messages == ["The manager 424242 is not in this file and not in the system."]


@pytest.mark.django_db
def test_manager_cycles(existing):
    messages = assert_fails(existing, csv_bytes([person(1, leidinggevende="1")]), [(2, "leidinggevende")])
    assert messages == ["Someone cannot be their own manager."]
    rows = [person(1, leidinggevende="2"), person(2, leidinggevende="1")]
    messages = assert_fails(existing, csv_bytes(rows), [(2, "leidinggevende"), (3, "leidinggevende")])
    assert "The managers form a loop: 1 → 2 → 1." in messages[0]
    rows = [person(1, leidinggevende="2"), person(5), person(2, leidinggevende="3"), person(3, leidinggevende="1")]
    assert_fails(existing, csv_bytes(rows), [(2, "leidinggevende"), (4, "leidinggevende"), (5, "leidinggevende")])
    # A loop through someone in the database: 100001 (the top) would report to 100004, who reports up to 100001.
    messages = assert_fails(existing, csv_bytes([person(100001, leidinggevende="100004")]), [(2, "leidinggevende")])
    assert "100001 → 100004 → 100003 → 100002 → 100001" in messages[0]


@pytest.mark.django_db
def test_bad_email_employment_type_and_empty_required_fields(existing):
    rows = [
        person(1, email="geen-adres"),
        person(2, dienstverband="flex"),
        person(3, voornaam="", organisatieonderdeel=""),
        person(4, personeelsnummer=""),
        person(5, organisatieonderdeel="Directie//Team"),
        person(6, email=""),  # e-mail may be empty
    ]
    messages = assert_fails(
        existing,
        csv_bytes(rows),
        [
            (2, "email"),
            (3, "dienstverband"),
            (4, "voornaam"),
            (4, "organisatieonderdeel"),
            (5, "personeelsnummer"),
            (6, "organisatieonderdeel"),
        ],
    )
    assert messages[0] == "“geen-adres” is not a valid e-mail address. Write it as name@example.nl."
    assert messages[1] == "“flex” is not allowed here. Use one of: vast, tijdelijk, inhuur, stagiair."
    assert messages[2] == "This field is empty, but it must be filled in."


@pytest.mark.django_db
def test_position_rules(existing):
    rows = [
        person(1, functiecode="F777", functienaam="Nieuw"),
        person(2, functiecode="F777", functienaam="Anders"),
        person(3, functiecode="F888", functienaam=""),
        person(4, functiecode="", functienaam="Zonder code"),
        person(5, functiecode="F101", functienaam=""),  # existing code, title kept
    ]
    messages = assert_fails(existing, csv_bytes(rows), [(3, "functienaam"), (4, "functienaam"), (5, "functiecode")])
    assert messages[0] == (
        "Position F777 is called “Nieuw” on line 2. Use the same title on every line with this code."
    )
    assert messages[1] == "Position F888 is new. Fill in its title (functienaam)."


@pytest.mark.django_db
def test_too_many_rows_and_too_large_files(existing, settings):
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_ROWS": 3}
    messages = assert_fails(existing, csv_bytes([person(i) for i in range(4)]), [(None, "")])
    assert "too many rows" in messages[0]
    settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_ROWS": 100, "IMPORT_MAX_BYTES": 500}
    messages = assert_fails(existing, csv_bytes([person(i) for i in range(5)]), [(None, "")])
    assert "The file is too large" in messages[0]


@pytest.mark.django_db
def test_non_utf8(existing):
    data = csv_bytes([person(1), person(2, voornaam="Zoë")], encoding="cp1252")
    messages = assert_fails(existing, data, [(3, "")])
    assert "not in UTF-8" in messages[0]


@pytest.mark.django_db
def test_a_database_failure_while_writing_leaves_nothing_behind(existing, monkeypatch):
    def broken_update(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Employee.objects, "bulk_update", broken_update)
    rows = [person(100004, achternaam="Anders"), person(1, organisatieonderdeel="Nieuw/Onderdeel")]
    messages = assert_fails(existing, csv_bytes(rows), [(None, "")])
    assert "nothing has been saved" in messages[0]


# --- the command ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_and_reports(organisation):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", str(EXAMPLE), "--dry-run", stdout=out, stderr=err)
    assert "Dry run" in out.getvalue() and "15 created, 0 updated, 0 unchanged." in out.getvalue()
    assert Employee.objects.count() == 0
    out = io.StringIO()
    call_command("import_people", str(EXAMPLE), stdout=out, stderr=err)
    assert "15 created" in out.getvalue() and "New organisational units: 8" in out.getvalue()
    assert Employee.objects.count() == 15


@pytest.mark.django_db
def test_command_fails_non_zero_with_the_error_list(organisation, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([person(1, in_dienst="morgen"), person(2, leidinggevende="9")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_people", str(path), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 1
    assert str(info.value) == "The import failed: 2 problems found. Nothing has been saved."
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Line 2, column in_dienst: “morgen” is not a date.")
    assert lines[1] == "Line 3, column leidinggevende: The manager 9 is not in this file and not in the system."
    assert Employee.objects.count() == 0


@pytest.mark.django_db
def test_command_shows_progress_for_large_files(organisation, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([person(10000 + i) for i in range(2500)]))
    err = io.StringIO()
    call_command("import_people", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "Checked 1000 of 2500 rows",
        "Checked 2000 of 2500 rows",
        "Checked 2500 of 2500 rows",
        "Saved 1000 of 2500 rows",
        "Saved 2000 of 2500 rows",
        "Saved 2500 of 2500 rows",
    ]


# --- efficiency -------------------------------------------------------------------------------------------------------


def chain(count, start=10000):
    """``count`` people in a realistic tree: each reports to someone earlier, over 7 domains and 50 teams."""
    return [
        person(
            start + i,
            leidinggevende="" if i == 0 else str(start + (i - 1) // 8),
            organisatieonderdeel=f"Directie/Domein {i % 7}/Team {i % 50}",
            functiecode=f"F{i % 120}",
            functienaam=f"Functie {i % 120}",
            dienstverband=("vast", "tijdelijk", "inhuur", "stagiair")[i % 4],
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_file(organisation):
    def queries(rows):
        with CaptureQueriesContext(connection) as context:
            assert run(organisation, csv_bytes(rows)).ok
        return len(context.captured_queries)

    small, large = queries(chain(20)), queries(chain(900, start=50000))
    # Batches only (SQLite allows fewer parameters per query than PostgreSQL): never a query per row.
    assert large - small < 900 // 50


@pytest.mark.django_db
def test_twenty_thousand_rows_import_well_under_a_minute(organisation):
    data = csv_bytes(chain(20_000))
    started = time.monotonic()
    result = run(organisation, data)
    elapsed = time.monotonic() - started
    assert result.ok and result.created == 20_000
    assert elapsed < 60, f"took {elapsed:.1f}s"  # about 6 s on an idle laptop
    assert Employee.objects.filter(manager__isnull=False).count() == 19_999


# --- property-based: every kind of bad file gives an error and changes nothing ---------------------------------------

NAMES = st.sampled_from(["Anne", "Bram", "Zoë", "Ömer", "Lieke", "Jan-Willem", "d'Artagnan", "Chloé", "Sven", "Ids"])
INFIXES = st.sampled_from(["", "", "van", "de", "van der", "ten"])
UNITS = st.sampled_from(
    [
        "Directie",
        "Directie/Ruimte en Water",
        WATER,
        "Directie/Bedrijfsvoering/Team HR",
        "Directie/Economie en Cultuur/Team Erfgoed",
    ]
)
DATES = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2030, 12, 31))
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def valid_files(draw, min_size=2):
    """A valid people file as rows, a delimiter, a date format and a BOM flag. Numbers 100001-100015 exist in the
    database already (so a partial import would update them), higher numbers are new."""
    count = draw(st.integers(min_value=min_size, max_value=12))
    numbers = draw(
        st.lists(st.integers(min_value=100001, max_value=100040), min_size=count, max_size=count, unique=True)
    )
    iso = draw(st.booleans())
    rows = []
    for index, number in enumerate(numbers):
        start = draw(DATES)
        end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=dt.date(2035, 12, 31))))
        manager = draw(st.one_of(st.just(""), st.sampled_from([str(n) for n in numbers[:index]] or [""])))
        rows.append(
            person(
                number,
                voornaam=draw(NAMES),
                tussenvoegsel=draw(INFIXES),
                achternaam=draw(NAMES),
                organisatieonderdeel=draw(UNITS),
                functiecode="F100",
                functienaam="Beleidsmedewerker",
                leidinggevende=manager,
                dienstverband=draw(st.sampled_from(["vast", "tijdelijk", "inhuur", "stagiair", "VAST"])),
                in_dienst=start.isoformat() if iso else start.strftime("%d-%m-%Y"),
                uit_dienst="" if end is None else (end.isoformat() if iso else end.strftime("%d-%m-%Y")),
            )
        )
    return rows, draw(st.sampled_from([";", ","])), draw(st.booleans())


def is_a_date(text):
    try:
        as_date()(text)
    except CellError:
        return False
    return True


def assert_refused(organisation, data, **kwargs):
    before = snapshot()
    result = run(organisation, data, **kwargs)
    assert not result.ok
    assert result.errors
    assert all(e.message.strip() for e in result.errors)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert snapshot() == before
    return result


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files())
def test_property_valid_files_import(existing, file):
    rows, delimiter, bom = file
    result = run(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert result.ok, result.errors
    assert result.created + result.updated + result.unchanged == len(rows)
    again = run(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), separator=st.sampled_from(["\t", "|", " "]), rows_only=st.booleans())
def test_property_wrong_delimiter(existing, file, separator, rows_only):
    rows, delimiter, bom = file
    if rows_only:  # a correct header, but the rows use another separator
        good = csv_bytes(rows, delimiter=delimiter, bom=bom).decode("utf-8-sig").split("\r\n")
        bad = csv_bytes(rows, delimiter=separator).decode("utf-8").split("\r\n")
        data = "\r\n".join([good[0], *bad[1:]]).encode()
        result = assert_refused(existing, data)
        assert {e.line for e in result.errors} == set(range(2, len(rows) + 2))
    else:
        assert_refused(existing, csv_bytes(rows, delimiter=separator, bom=bom))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    file=valid_files(),
    dropped=st.sets(
        st.sampled_from(
            [
                "personeelsnummer",
                "voornaam",
                "achternaam",
                "email",
                "organisatieonderdeel",
                "dienstverband",
                "in_dienst",
            ]
        ),
        min_size=1,
    ),
)
def test_property_missing_columns(existing, file, dropped):
    rows, delimiter, bom = file
    header = [column for column in HEADER if column not in dropped]
    result = assert_refused(existing, csv_bytes(rows, header=header, delimiter=delimiter, bom=bom))
    assert issues(result) == [(1, "")]
    assert all(column in result.errors[0].message for column in dropped)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    file=valid_files(),
    data=st.data(),
    bad=st.one_of(
        st.text(alphabet="0123456789-/. abcjanfebmrt", min_size=1, max_size=12),
        st.sampled_from(["2023-02-29", "31-04-2024", "2024-13-01", "00-01-2024", "2024/01/01", "1-1-24"]),
    ),
    column=st.sampled_from(["in_dienst", "uit_dienst"]),
)
def test_property_bad_dates(existing, file, data, bad, column):
    rows, delimiter, bom = file
    assume(bad.strip() and not is_a_date(bad))
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    rows[index][column] = bad
    result = assert_refused(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert (index + 2, column) in issues(result)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), data=st.data())
def test_property_end_before_start(existing, file, data):
    rows, delimiter, bom = file
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    start = data.draw(st.dates(min_value=dt.date(1971, 1, 1), max_value=dt.date(2030, 1, 1)))
    end = data.draw(st.dates(min_value=dt.date(1970, 1, 1), max_value=start - dt.timedelta(days=1)))
    rows[index].update(in_dienst=start.isoformat(), uit_dienst=end.strftime("%d-%m-%Y"))
    result = assert_refused(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert issues(result) == [(index + 2, "uit_dienst")]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), data=st.data())
def test_property_duplicate_numbers(existing, file, data):
    rows, delimiter, bom = file
    source, target = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(rows) - 1), min_size=2, max_size=2, unique=True)
    )
    rows[target]["personeelsnummer"] = rows[source]["personeelsnummer"]
    for row in rows:  # keep the managers valid, so that only the duplicate is wrong
        if row["leidinggevende"] == rows[source]["personeelsnummer"] or row["leidinggevende"] not in {
            r["personeelsnummer"] for r in rows
        }:
            row["leidinggevende"] = ""
    result = assert_refused(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert issues(result) == [(max(source, target) + 2, "personeelsnummer")]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), data=st.data(), unknown=st.integers(min_value=200000, max_value=999999))
def test_property_unknown_manager(existing, file, data, unknown):
    rows, delimiter, bom = file
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    rows[index]["leidinggevende"] = str(unknown)
    result = assert_refused(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert issues(result) == [(index + 2, "leidinggevende")]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(min_size=1), data=st.data())
def test_property_manager_cycles(existing, file, data):
    rows, delimiter, bom = file
    members = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(rows) - 1), min_size=1, max_size=len(rows), unique=True)
    )
    for position, index in enumerate(members):  # members[0] → members[1] → … → members[0]
        rows[index]["leidinggevende"] = rows[members[(position + 1) % len(members)]]["personeelsnummer"]
    result = assert_refused(existing, csv_bytes(rows, delimiter=delimiter, bom=bom))
    assert {(index + 2, "leidinggevende") for index in members} <= set(issues(result))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), limit=st.integers(min_value=1, max_value=11), by_bytes=st.booleans())
def test_property_huge_files(existing, file, limit, by_bytes, settings):
    rows, delimiter, bom = file
    data = csv_bytes(rows, delimiter=delimiter, bom=bom)
    if by_bytes:
        settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_BYTES": len(data) - limit, "IMPORT_MAX_ROWS": 100}
    else:
        assume(limit < len(rows))
        settings.PLEIN = {**settings.PLEIN, "IMPORT_MAX_BYTES": 10**6, "IMPORT_MAX_ROWS": limit}
    result = assert_refused(existing, data)
    assert ("too large" if by_bytes else "too many rows") in result.errors[0].message


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    file=valid_files(),
    data=st.data(),
    byte=st.sampled_from([0xC0, 0xC1, *range(0xF5, 0x100)]),
    legacy=st.booleans(),
)
def test_property_non_utf8(existing, file, data, byte, legacy):
    rows, delimiter, bom = file
    if legacy:  # a whole file saved in an old encoding, with at least one accented letter
        rows[data.draw(st.integers(min_value=0, max_value=len(rows) - 1))]["voornaam"] = "Zoë"
        content = csv_bytes(rows, delimiter=delimiter, encoding=data.draw(st.sampled_from(["cp1252", "latin-1"])))
    else:  # one byte that is never valid in UTF-8, anywhere in the file
        content = csv_bytes(rows, delimiter=delimiter, bom=bom)
        position = data.draw(st.integers(min_value=0, max_value=len(content)))
        content = content[:position] + bytes([byte]) + content[position:]
    result = assert_refused(existing, content)
    assert "UTF-8" in result.errors[0].message


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), data=st.data())
def test_property_a_cut_in_a_row_is_refused(existing, file, data):
    """A file cut off inside a row (a broken download): the last row misses columns."""
    rows, delimiter, bom = file
    content = csv_bytes(rows, delimiter=delimiter, bom=bom)
    last_row_start = content.rstrip(b"\r\n").rfind(b"\r\n") + 2
    last_delimiter = content.rfind(delimiter.encode())
    cut = data.draw(st.integers(min_value=last_row_start + 1, max_value=last_delimiter))
    result = assert_refused(existing, content[:cut])
    assert issues(result) == [(len(rows) + 1, "")]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    file=valid_files(),
    data=st.data(),
    garbage=st.binary(min_size=1, max_size=40),
)
def test_property_random_corruption_never_crashes_and_is_all_or_nothing(existing, file, data, garbage):
    """Any damage at all: the import either succeeds or reports problems, and then nothing has changed."""
    rows, delimiter, bom = file
    content = csv_bytes(rows, delimiter=delimiter, bom=bom)
    start = data.draw(st.integers(min_value=0, max_value=len(content)))
    length = data.draw(st.integers(min_value=0, max_value=30))
    content = content[:start] + garbage + content[start + length :]
    before = snapshot()
    result = run(existing, content)
    if not result.ok:
        assert snapshot() == before
        assert (result.created, result.updated) == (0, 0)
        assert all(e.message for e in result.errors)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(file=valid_files(), data=st.data())
def test_property_xlsx_with_one_bad_cell_changes_nothing(existing, file, data):
    rows, _delimiter, _bom = file
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    column, value = data.draw(
        st.sampled_from(
            [
                ("in_dienst", "31-02-2020"),
                ("email", "niet@"),
                ("dienstverband", "zzp"),
                ("leidinggevende", "999999"),
                ("voornaam", None),
                ("organisatieonderdeel", "A//B"),
            ]
        )
    )
    rows[index][column] = value
    result = assert_refused(existing, xlsx_bytes(rows), filename="people.xlsx")
    assert (index + 2, column) in issues(result)
