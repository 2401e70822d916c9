"""Organisational units (by path) and positions (by code) through the API."""

import pytest
from django.utils import translation

from plein.core.importing import as_text
from plein.core.models import AuditEvent, OrgUnit, Position
from plein.core.services.people_import import as_unit_path
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units"
POSITIONS = "/api/v1/positions"


@pytest.fixture(autouse=True)
def english(api):
    """Compare in English: the import's messages (translation.override) and the API's answers (Accept-Language)."""
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def errors(response, status=400):
    assert response.status_code == status, response.content
    return [(e["field"], e["message"]) for e in response.json()["errors"]]


def import_message(parser, value) -> str:
    """The message the import gives for this cell."""
    with pytest.raises(Exception) as info:
        parser(value)
    return info.value.message


# --- units ------------------------------------------------------------------------------------------------------------


def test_units_list_and_retrieve_by_path(api, organisation):
    top = OrgUnitFactory(organisation=organisation, name="Directie", kind="directie")
    water = OrgUnitFactory(organisation=organisation, name="Ruimte en Water", parent=top, kind="domein")
    OrgUnitFactory(organisation=OrganisationFactory(slug="elders"), name="Elders")
    body = api.get(UNITS).json()
    assert body["count"] == 2
    assert [u["path"] for u in body["results"]] == ["Directie", "Directie/Ruimte en Water"]
    response = api.get(f"{UNITS}/Directie/Ruimte en Water")
    assert response.status_code == 200
    assert response.json() == {
        "path": "Directie/Ruimte en Water",
        "name": "Ruimte en Water",
        "kind": "domein",
        "parent": "Directie",
        "depth": 1,
    }
    assert api.get(f"{UNITS}/Directie/Ruimte%20en%20Water").json()["path"] == water.path
    missing = api.get(f"{UNITS}/Directie/Nergens")
    assert missing.status_code == 404 and missing.json()["detail"] == "There is no unit “Directie/Nergens”."


def test_create_a_unit_with_its_missing_parents(api, organisation):
    response = api.post(UNITS, {"path": "Directie / Mens en Middelen / Team HR "}, format="json")
    assert response.status_code == 201, response.content
    assert response["Location"] == f"{UNITS}/Directie/Mens%20en%20Middelen/Team%20HR"
    assert response.json()["path"] == "Directie/Mens en Middelen/Team HR"
    kinds = dict(OrgUnit.objects.filter(organisation=organisation).values_list("path", "kind"))
    assert kinds == {
        "Directie": "directie",
        "Directie/Mens en Middelen": "domein",
        "Directie/Mens en Middelen/Team HR": "team",
    }
    hr = OrgUnit.objects.get(path="Directie/Mens en Middelen/Team HR")
    assert hr.parent.path == "Directie/Mens en Middelen" and hr.depth == 2
    event = AuditEvent.objects.get(action="api.unit.create")
    assert event.target_id == str(hr.pk) and event.data["units_created"] == 3

    other = api.post(UNITS, {"path": "Directie/Staf", "kind": "overig"}, format="json").json()
    assert other["kind"] == "overig"


def test_unit_paths_get_the_imports_messages(api):
    assert errors(api.post(UNITS, {"path": "Directie//Team"}, format="json")) == [
        ("path", import_message(as_unit_path(), "Directie//Team"))
    ]
    assert errors(api.post(UNITS, {"path": "A/" + "x" * 201}, format="json")) == [
        ("path", import_message(as_unit_path(), "A/" + "x" * 201))
    ]
    assert errors(api.post(UNITS, {"path": ""}, format="json")) == [
        ("path", "This field is empty, but it must be filled in.")
    ]
    assert errors(api.post(UNITS, {"path": "A", "kind": "afdeling"}, format="json")) == [
        ("kind", "“afdeling” is not allowed here. Use one of: directie, domein, team, overig.")
    ]
    assert not OrgUnit.objects.exists()


def test_an_existing_unit_is_a_conflict(api, organisation):
    OrgUnitFactory(organisation=organisation, name="Directie")
    response = api.post(UNITS, {"path": "Directie"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"index": None, "field": "path", "message": "The unit “Directie” already exists."}
    ]


def test_moving_a_unit_moves_the_units_below_it(api, organisation):
    api.post(UNITS, {"path": "Directie/Oud/Team A"}, format="json")
    api.post(UNITS, {"path": "Directie/Oud/Team B"}, format="json")
    person = EmployeeFactory(organisation=organisation, unit=OrgUnit.objects.get(path="Directie/Oud/Team A"))
    response = api.patch(f"{UNITS}/Directie/Oud", {"path": "Directie/Nieuw/Domein"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "path": "Directie/Nieuw/Domein",
        "name": "Domein",
        "kind": "domein",
        "parent": "Directie/Nieuw",
        "depth": 2,
    }
    paths = set(OrgUnit.objects.values_list("path", flat=True))
    assert paths == {
        "Directie",
        "Directie/Nieuw",
        "Directie/Nieuw/Domein",
        "Directie/Nieuw/Domein/Team A",
        "Directie/Nieuw/Domein/Team B",
    }
    team_a = OrgUnit.objects.get(path="Directie/Nieuw/Domein/Team A")
    assert team_a.depth == 3 and team_a.parent.path == "Directie/Nieuw/Domein"
    person.refresh_from_db()
    assert person.unit == team_a
    event = AuditEvent.objects.get(action="api.unit.update")
    assert event.data["units_moved"] == 3 and event.data["units_created"] == 1


def test_a_unit_cannot_move_below_itself_or_onto_another(api):
    api.post(UNITS, {"path": "Directie/Staf"}, format="json")
    api.post(UNITS, {"path": "Directie/Andere"}, format="json")
    assert errors(api.patch(f"{UNITS}/Directie/Staf", {"path": "Directie/Staf/Onder"}, format="json")) == [
        ("path", "A unit cannot be moved below itself.")
    ]
    assert api.patch(f"{UNITS}/Directie/Staf", {"path": "Directie/Andere"}, format="json").status_code == 409
    assert OrgUnit.objects.filter(path="Directie/Staf").exists()


def test_put_and_patch_change_the_kind(api):
    api.post(UNITS, {"path": "Directie/Staf"}, format="json")
    assert api.patch(f"{UNITS}/Directie/Staf", {"kind": "overig"}, format="json").json()["kind"] == "overig"
    assert api.put(f"{UNITS}/Directie/Staf", {"path": "Directie/Staf"}, format="json").json()["kind"] == "domein"
    assert errors(api.put(f"{UNITS}/Directie/Staf", {"kind": "team"}, format="json")) == [
        ("path", "This field is empty, but it must be filled in.")
    ]


# --- positions --------------------------------------------------------------------------------------------------------


def test_positions_list_and_retrieve_by_code(api, organisation):
    unit = OrgUnitFactory(organisation=organisation, name="Directie")
    PositionFactory(organisation=organisation, code="F2", title="Jurist", scale="11", unit=unit)
    PositionFactory(organisation=organisation, code="F1", title="Adviseur", scale="", unit=None)
    assert [p["code"] for p in api.get(POSITIONS).json()["results"]] == ["F1", "F2"]
    assert api.get(f"{POSITIONS}/F2").json() == {"code": "F2", "title": "Jurist", "scale": "11", "unit": "Directie"}
    assert api.get(f"{POSITIONS}/F3").status_code == 404


def test_create_and_update_a_position(api, organisation):
    OrgUnitFactory(organisation=organisation, name="Directie")
    response = api.post(
        POSITIONS, {"code": "HR/01", "title": "HR-adviseur", "scale": "10", "unit": "Directie"}, format="json"
    )
    assert response.status_code == 201, response.content
    position = Position.objects.get(code="HR/01")
    assert position.unit.path == "Directie" and position.scale == "10"
    assert api.get(f"{POSITIONS}/HR/01").json()["title"] == "HR-adviseur"

    patched = api.patch(f"{POSITIONS}/HR/01", {"title": "Senior HR-adviseur"}, format="json").json()
    assert patched == {"code": "HR/01", "title": "Senior HR-adviseur", "scale": "10", "unit": "Directie"}
    replaced = api.put(f"{POSITIONS}/HR/01", {"title": "HR-adviseur"}, format="json").json()
    assert replaced == {"code": "HR/01", "title": "HR-adviseur", "scale": "", "unit": None}
    actions = list(
        AuditEvent.objects.filter(action__startswith="api.position").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["api.position.create", "api.position.update", "api.position.update"]


def test_position_messages_are_the_imports(api, organisation):
    response = api.post(POSITIONS, {"code": "x" * 51, "title": "", "unit": "Nergens"}, format="json")
    assert errors(response) == [
        ("code", import_message(as_text(50), "x" * 51)),
        ("title", "This field is empty, but it must be filled in."),
        ("unit", "The unit “Nergens” does not exist. Add it first, or leave the unit empty."),
    ]
    assert not Position.objects.exists()


def test_position_conflict_and_code_change(api, organisation):
    PositionFactory(organisation=organisation, code="F1")
    assert api.post(POSITIONS, {"code": "F1", "title": "Dubbel"}, format="json").status_code == 409
    assert errors(api.patch(f"{POSITIONS}/F1", {"code": "F9"}, format="json"))[0][0] == "code"
    assert not Position.objects.filter(code="F9").exists()
