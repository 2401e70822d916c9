import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from plein.core import roles as R
from plein.core.exports import export_rows
from plein.core.models import AuditEvent, Position
from plein.core.tests.factories import OrgUnitFactory
from plein.positions import selectors
from plein.positions.importers import PositionImporter
from plein.positions.models import PositionProfile, PositionProfileHistory
from plein.positions.tests.helpers import make_position, make_profile

pytestmark = pytest.mark.django_db

HEADER = (
    "functiecode;functienaam;organisatieonderdeel;kwetsbare_gebieden;vog_vereist;"
    "financiele_belangen_melden;nevenfuncties_openbaar;laatst_beoordeeld"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 3, 14, 10, 0), tick=False):
        yield


@pytest.fixture
def units(organisation):
    top = OrgUnitFactory(organisation=organisation, name="Directie")
    bv = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering", parent=top)
    return {"top": top, "bv": bv}


def write(tmp_path, *lines, name="functies.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_positions", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_positions_profiles_and_history(tmp_path, organisation, units):
    path = write(
        tmp_path,
        "BV10;Inkoper;Directie/Bedrijfsvoering;zakelijke_transacties|goederen;ja;ja;nee;2024-05-01",
        "BV23;Facilitair medewerker; Directie / Bedrijfsvoering ;;nee;nee;nee;",
        "AL01;Provinciesecretaris;Directie;aansturing|informatie;ja;ja;ja;01-02-2023",
    )
    assert PositionImporter(organisation=organisation).run(path, dry_run=True).created == 3
    run(path)
    inkoper = PositionProfile.objects.select_related("position__unit").get(position__code="BV10")
    assert inkoper.position.unit == units["bv"]
    assert inkoper.vulnerable_areas == {"goederen": "", "zakelijke_transacties": ""}
    assert inkoper.vog_screening_areas == ["goederen", "zakelijke_transacties"]
    assert inkoper.financial_interests and not inkoper.publish_outside_activities
    assert inkoper.next_review_due == dt.date(2027, 5, 1)
    assert PositionProfile.objects.get(position__code="AL01").reviewed_on == dt.date(2023, 2, 1)
    plain = PositionProfile.objects.get(position__code="BV23")
    assert not plain.is_vulnerable and plain.reviewed_on is None
    assert set(PositionProfileHistory.objects.values_list("change", flat=True)) == {"imported"}
    event = AuditEvent.objects.get(action="positions.imported")
    assert event.data == {"positions_created": 3, "positions_updated": 0, "profiles_created": 3, "profiles_updated": 0}


def test_import_is_idempotent_and_updates_existing_positions(tmp_path, organisation, units):
    existing = make_position(organisation, units["top"], code="BV10", title="Inkoper (oud)")
    make_profile(existing, vulnerable_areas={"goederen": "Bestelt kantoorartikelen."})
    path = write(tmp_path, "BV10;Inkoper;Directie/Bedrijfsvoering;goederen|geld;nee;ja;nee;2025-01-10")
    run(path)
    existing.refresh_from_db()
    assert existing.title == "Inkoper" and existing.unit == units["bv"]
    profile = existing.profile
    # The rationale written in the application is kept for an area that stays.
    assert profile.vulnerable_areas == {"geld": "", "goederen": "Bestelt kantoorartikelen."}
    assert profile.version == 2
    assert Position.objects.filter(code="BV10").count() == 1
    result = PositionImporter(organisation=organisation).run(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    profile.refresh_from_db()
    assert profile.version == 2


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_bad_row_is_listed_and_nothing_is_imported(tmp_path, organisation, units, suffix):
    rows = [
        ["OK01", "Goed", "Directie", "geld", "ja", "nee", "nee", "2024-01-01"],
        ["BAD1", "Onbekend gebied", "Directie", "geld|hacken", "nee", "nee", "nee", ""],
        ["BAD2", "Onbekende eenheid", "Directie/Bestaat niet", "", "nee", "nee", "nee", ""],
        ["OK01", "Dubbele code", "Directie", "", "nee", "nee", "nee", ""],
        ["BAD4", "Geen ja of nee", "Directie", "", "misschien", "nee", "nee", ""],
        ["BAD5", "Aanwijzing zonder datum", "Directie", "", "nee", "ja", "nee", ""],
        ["BAD6", "VOG zonder gebieden", "Directie", "", "ja", "nee", "nee", "2024-01-01"],
        ["BAD7", "Datum in de toekomst", "Directie", "", "nee", "ja", "nee", "2030-01-01"],
    ]
    if suffix == "csv":
        path = write(tmp_path, *[";".join(r) for r in rows])
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(HEADER.split(";"))
        for row in rows:
            sheet.append(row)
        path = str(tmp_path / "functies.xlsx")
        workbook.save(path)
    with pytest.raises(CommandError):
        run(path)
    assert not Position.objects.filter(code__in=["OK01", "BAD1"]).exists()
    assert not PositionProfile.objects.exists()
    importer = PositionImporter(organisation=organisation)
    result = importer.run(path)
    by_line = {issue.line: issue for issue in result.errors}
    assert set(by_line) == {3, 4, 5, 6, 7, 8, 9}
    assert "hacken" in by_line[3].message and by_line[3].column == "kwetsbare_gebieden"
    assert "Directie/Bestaat niet" in by_line[4].message and by_line[4].column == "organisatieonderdeel"
    assert "line 2" in by_line[5].message or "regel 2" in by_line[5].message
    assert by_line[6].column == "vog_vereist"
    assert by_line[7].column == "laatst_beoordeeld"
    assert by_line[8].column == "vog_vereist"
    assert by_line[9].column == "laatst_beoordeeld"


def test_dry_run_writes_nothing(tmp_path, organisation, units):
    path = write(tmp_path, "BV10;Inkoper;Directie/Bedrijfsvoering;goederen;nee;ja;nee;2024-05-01")
    run(path, "--dry-run")
    assert not Position.objects.filter(code="BV10").exists()


def test_reviewer_option(tmp_path, organisation, units, make_user):
    hr = make_user(R.HR)
    path = write(tmp_path, "BV10;Inkoper;Directie/Bedrijfsvoering;goederen;nee;ja;nee;2024-05-01")
    with pytest.raises(CommandError):
        run(path, "--reviewer", "niemand@example.org")
    assert not Position.objects.filter(code="BV10").exists()
    run(path, "--reviewer", hr.email.upper())
    profile = PositionProfile.objects.get(position__code="BV10")
    assert profile.reviewed_by == hr
    assert profile.history.get().changed_by == hr
    assert AuditEvent.objects.get(action="positions.imported").actor == hr


def test_missing_column_is_one_clear_error(tmp_path, organisation):
    path = tmp_path / "kapot.csv"
    path.write_text("functiecode;functienaam\nX;Y\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run(str(path))
    result = PositionImporter(organisation=organisation).run(str(path))
    assert len(result.errors) == 1 and result.errors[0].line == 1


def test_export_can_be_imported_again_without_changes(tmp_path, organisation, units):
    position = make_position(organisation, units["bv"], code="BV14", title="CISO")
    make_profile(
        position,
        vulnerable_areas={"informatie": "Beveiliging.", "proces": "Systemen."},
        risk_level="hoog",
        vog_required=True,
        vog_screening_areas=["informatie"],
        cybersecurity_relevant=True,
        reviewed_on=dt.date(2024, 6, 1),
    )
    response = export_rows(
        selectors.designated_positions_for_export(organisation), selectors.EXPORT_HEADERS, "xlsx", filename="x"
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    result = PositionImporter(organisation=organisation).run(str(path))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert any("toelichting" in w for w in result.warnings)
