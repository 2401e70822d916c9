"""People through the API: list (paginated), retrieve, create, PUT, PATCH and the bulk sync, with the import's rules
and the import's messages, all or nothing, and audited."""

import csv
import datetime as dt
import io

import pytest
from django.utils import translation

from plein.api import services
from plein.api.models import ApiToken
from plein.core.models import AuditEvent, Employee, OrgUnit, Position
from plein.core.services.people_import import import_people
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
SYNC = "/api/v1/people/sync"
WATER = "Directie/Ruimte en Water/Team Water"


def person(number, **fields):
    row = {
        "personnel_number": str(number),
        "first_name": f"Voornaam{number}",
        "infix": "",
        "last_name": f"Achternaam{number}",
        "email": f"p{number}@veenland.example",
        "unit": WATER,
        "position_code": "F100",
        "position_title": "Beleidsmedewerker",
        "manager": "",
        "employment_type": "vast",
        "start_date": "2020-01-01",
        "end_date": "",
    }
    row.update(fields)
    return row


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def problems(response) -> list[tuple]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert "nothing has been saved" in body["detail"] or "niets opgeslagen" in body["detail"]
    return sorted((e["index"], e["field"], e["message"]) for e in body["errors"])


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- reading ----------------------------------------------------------------------------------------------------------


def test_list_is_paginated_in_personnel_number_order(api, organisation):
    for number in (5, 3, 1, 4, 2):
        EmployeeFactory(organisation=organisation, personnel_number=f"10000{number}")
    response = api.get(PEOPLE, {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [p["personnel_number"] for p in body["results"]] == ["100001", "100002"]
    assert body["previous"] is None and "page=2" in body["next"]
    third = api.get(PEOPLE, {"page_size": 2, "page": 3}).json()
    assert [p["personnel_number"] for p in third["results"]] == ["100005"]
    assert third["next"] is None
    past_the_end = api.get(PEOPLE, {"page": 9})
    assert past_the_end.status_code == 404
    assert past_the_end.json()["code"] == "not_found"


def test_default_page_size_and_its_maximum(api, organisation):
    unit = OrgUnitFactory(organisation=organisation)
    Employee.objects.bulk_create(
        [
            Employee(organisation=organisation, personnel_number=f"{n:06d}", first_name="A", last_name="B", unit=unit)
            for n in range(520)
        ]
    )
    assert len(api.get(PEOPLE).json()["results"]) == 50
    assert len(api.get(PEOPLE, {"page_size": 10_000}).json()["results"]) == 500


def test_list_and_retrieve_show_the_import_fields_and_are_audited(api, organisation):
    boss = EmployeeFactory(organisation=organisation, personnel_number="1")
    worker = EmployeeFactory(
        organisation=organisation,
        personnel_number="2",
        infix="van der",
        manager=boss,
        employment_type="tijdelijk",
        start_date=dt.date(2021, 3, 1),
        end_date=dt.date(2026, 2, 28),
    )
    response = api.get(f"{PEOPLE}/2")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "personnel_number": "2",
        "first_name": worker.first_name,
        "infix": "van der",
        "last_name": worker.last_name,
        "email": worker.email,
        "unit": worker.unit.path,
        "position_code": worker.position.code,
        "position_title": worker.position.title,
        "manager": "1",
        "employment_type": "tijdelijk",
        "start_date": "2021-03-01",
        "end_date": "2026-02-28",
        "updated_at": body["updated_at"],
    }
    (view,) = events("api.person.view")
    token = api.token
    assert view.target_type == "core.employee" and view.target_id == str(worker.pk)
    assert view.actor is None and view.actor_label == f"API {token.prefix} ({token.name})"
    assert view.role == services.AUDIT_ROLE
    assert view.data == {"token": token.prefix}
    assert view.organisation_id == organisation.pk

    api.get(PEOPLE)
    (listing,) = events("api.people.list")
    assert listing.data == {"token": token.prefix, "page": 1, "results": 2}


def test_a_person_without_unit_position_or_manager_reads_as_null(api, organisation):
    EmployeeFactory(organisation=organisation, personnel_number="7", unit=None, position=None, start_date=None)
    body = api.get(f"{PEOPLE}/7").json()
    assert body["unit"] is None and body["position_code"] is None and body["position_title"] is None
    assert body["manager"] is None and body["start_date"] is None and body["end_date"] is None


def test_an_unknown_person_is_a_json_404(api):
    response = api.get(f"{PEOPLE}/999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no person with personnel number 999.",
        "code": "not_found",
        "errors": [],
    }


def test_the_list_costs_a_fixed_number_of_queries(api, organisation, django_assert_max_num_queries):
    for n in range(30):
        EmployeeFactory(organisation=organisation, personnel_number=f"{n:03d}")
    with django_assert_max_num_queries(12):
        assert api.get(PEOPLE).status_code == 200


# --- creating and changing one person ----------------------------------------------------------------------------------


def test_create_makes_the_person_units_and_position_as_the_import_does(api, organisation):
    response = api.post(PEOPLE, person(100, infix="de", email="p100@example.org"), format="json")
    assert response.status_code == 201, response.content
    assert response["Location"] == f"{PEOPLE}/100"
    body = response.json()
    assert body["unit"] == WATER and body["infix"] == "de" and body["position_code"] == "F100"
    employee = Employee.objects.get(organisation=organisation, personnel_number="100")
    assert employee.unit.path == WATER and employee.unit.kind == "team"
    assert OrgUnit.objects.get(organisation=organisation, path="Directie").kind == "directie"
    assert OrgUnit.objects.get(organisation=organisation, path="Directie/Ruimte en Water").kind == "domein"
    assert Position.objects.get(organisation=organisation, code="F100").title == "Beleidsmedewerker"
    (event,) = events("api.person.create")
    assert event.target_id == str(employee.pk)
    assert event.data["created"] == 1 and event.data["units_created"] == 3 and event.data["positions_created"] == 1
    assert not events("people.import")  # audited as the API, not as a file import


def test_create_accepts_what_the_import_accepts(api):
    response = api.post(
        PEOPLE,
        person(101, employment_type="Permanent", start_date="31-03-2024", unit=" Directie /  Team  A "),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["employment_type"] == "vast"
    assert body["start_date"] == "2024-03-31"
    assert body["unit"] == "Directie/Team A"


def test_create_of_an_existing_number_is_a_conflict(api, organisation):
    EmployeeFactory(organisation=organisation, personnel_number="100")
    response = api.post(PEOPLE, person(100), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["errors"][0]["field"] == "personnel_number"
    assert "PUT of PATCH" in body["detail"]


def test_create_needs_the_required_fields_with_the_import_message(api):
    with translation.override("en"):
        response = api.post(PEOPLE, {"personnel_number": "5", "email": None}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    empty = "This field is empty, but it must be filled in."
    assert problems(response) == sorted(
        (None, field, empty) for field in ("first_name", "last_name", "unit", "employment_type", "start_date")
    )
    assert not Employee.objects.exists()


def test_an_empty_object_is_refused(api):
    response = api.post(PEOPLE, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert problems(response) == [(None, "", "This row is empty. Leave it out, or fill in the person's data.")]


def test_wrong_types_are_refused_by_shape(api):
    response = api.post(PEOPLE, {**person(5), "first_name": {"x": 1}, "unit": ["a"]}, format="json")
    assert [(i, f) for i, f, _m in problems(response)] == [(None, "first_name"), (None, "unit")]
    assert api.post(PEOPLE, "[1, 2]", content_type="application/json").status_code == 400
    malformed = api.post(PEOPLE, "{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json()["code"] == "parse_error"
    form = api.post(PEOPLE, {"personnel_number": "5"})  # multipart: not accepted
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"


def test_put_replaces_and_clears_fields_that_are_left_out(api, organisation):
    api.post(PEOPLE, person(100, infix="van", manager=""), format="json")
    api.post(PEOPLE, person(200, manager="100", end_date="2030-01-01"), format="json")
    replacement = person(200, first_name="Nieuw")
    del replacement["manager"], replacement["end_date"], replacement["infix"]
    response = api.put(f"{PEOPLE}/200", replacement, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_name"] == "Nieuw" and body["manager"] is None and body["end_date"] is None
    (event,) = events("api.person.update")
    assert event.data["updated"] == 1
    assert event.target_id == str(Employee.objects.get(personnel_number="200").pk)


def test_patch_changes_only_what_is_sent(api, organisation):
    api.post(PEOPLE, person(100), format="json")
    api.post(PEOPLE, person(200, manager="100", infix="ter", email="p200@example.org"), format="json")
    response = api.patch(f"{PEOPLE}/200", {"end_date": "2031-12-31"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["end_date"] == "2031-12-31"
    assert body["manager"] == "100" and body["infix"] == "ter" and body["email"] == "p200@example.org"
    assert body["unit"] == WATER and body["position_code"] == "F100"
    unchanged = api.patch(f"{PEOPLE}/200", {}, format="json")
    assert unchanged.status_code == 200
    assert events("api.person.update")[-1].data["unchanged"] == 1


def test_partial_update_completes_every_required_column():
    assert set(services.REQUIRED_PERSON_FIELDS) <= set(services._current_values(Employee(start_date=None)))


def test_patch_and_put_refuse_a_different_personnel_number(api, organisation):
    EmployeeFactory(organisation=organisation, personnel_number="100")
    for method in (api.patch, api.put):
        response = method(f"{PEOPLE}/100", {**person(100), "personnel_number": "101"}, format="json")
        ((index, field, message),) = problems(response)
        assert index is None and field == "personnel_number" and "101" in message
    assert not Employee.objects.filter(personnel_number="101").exists()


def test_update_of_an_unknown_person_is_404(api):
    assert api.put(f"{PEOPLE}/404", person(404), format="json").status_code == 404
    assert api.patch(f"{PEOPLE}/404", {}, format="json").status_code == 404
    assert not Employee.objects.exists()


def test_a_manager_loop_through_one_update_is_refused(api, organisation):
    api.post(PEOPLE, person(1), format="json")
    api.post(PEOPLE, person(2, manager="1"), format="json")
    response = api.patch(f"{PEOPLE}/1", {"manager": "2"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    ((index, field, message),) = problems(response)
    assert (index, field) == (None, "manager")
    assert "loop" in message and "1 → 2 → 1" in message
    assert Employee.objects.get(personnel_number="1").manager is None


# --- the messages are the import's --------------------------------------------------------------------------------------

BAD_ROWS = [
    person(1, start_date="2024-13-01"),  # not an existing date
    person(2, start_date="gisteren"),  # not a date
    person(3, start_date="2024-05-01", end_date="2024-04-30"),  # end before start
    person(4, employment_type="zzp"),  # not an employment type code
    person(5, manager="999"),  # the manager does not exist
    person(6, manager="6"),  # own manager
    person(7, manager="8"),  # 7 → 8 → 7: a loop
    person(8, manager="7"),
    person(9, email="geen-adres"),
    person(10, unit="Directie//Team"),
    person(11, first_name="x" * 101),
    person(12, position_code="NIEUW", position_title=""),  # a new position needs a title
    person(13, position_code="", position_title="Zonder code"),
    person(14, last_name="regel\nbreuk"),
    person(2),  # the same number twice
]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_sync_errors_are_exactly_the_imports_errors(api, organisation, language):
    with translation.override(language):
        imported = import_people(as_csv(BAD_ROWS), organisation=organisation)
    expected = sorted((issue.line - 2, issue.column, issue.message) for issue in imported.errors)
    assert len(expected) >= 15
    assert not Employee.objects.exists()

    response = api.post(SYNC, {"rows": BAD_ROWS}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert problems(response) == expected
    assert not Employee.objects.exists() and not OrgUnit.objects.exists() and not Position.objects.exists()
    assert not events("api.people.sync")


def test_single_person_errors_are_the_imports_errors(api, organisation):
    row = person(3, start_date="2024-05-01", end_date="01-04-2024", employment_type="freelance", email="x@")
    with translation.override("en"):
        imported = import_people(as_csv([row]), organisation=organisation)
    expected = sorted((None, issue.column, issue.message) for issue in imported.errors)
    assert len(expected) == 3
    assert problems(api.post(PEOPLE, row, format="json", HTTP_ACCEPT_LANGUAGE="en")) == expected


# --- the bulk sync ----------------------------------------------------------------------------------------------------


def test_sync_creates_updates_and_is_idempotent(api, organisation):
    rows = [person(1), person(2, manager="3"), person(3, manager="1", position_code="F200", position_title="Jurist")]
    response = api.post(SYNC, {"rows": rows}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "dry_run": False,
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "units_created": 3,
        "positions_created": 2,
        "positions_updated": 0,
    }
    assert Employee.objects.get(personnel_number="2").manager.personnel_number == "3"  # a manager later in the list
    again = api.post(SYNC, {"rows": rows}, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)

    rows[0]["last_name"] = "Anders"
    rows[2]["position_title"] = "Senior jurist"
    changed = api.post(SYNC, {"rows": rows}, format="json").json()
    assert (changed["updated"], changed["unchanged"], changed["positions_updated"]) == (1, 2, 1)

    syncs = events("api.people.sync")
    assert len(syncs) == 3
    assert syncs[0].data == {
        "token": api.token.prefix,
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "units_created": 3,
        "positions_created": 2,
        "positions_updated": 0,
    }
    assert syncs[0].actor_label == f"API {api.token.prefix} ({api.token.name})"


def test_sync_is_all_or_nothing(api, organisation):
    EmployeeFactory(organisation=organisation, personnel_number="1", last_name="Oud")
    rows = [person(1, last_name="Nieuw"), person(2), person(3, start_date="2024-02-30")]
    response = api.post(SYNC, {"rows": rows}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert problems(response) == [
        (2, "start_date", "“2024-02-30” is not an existing date. Check the day and the month.")
    ]
    assert Employee.objects.get(personnel_number="1").last_name == "Oud"
    assert not Employee.objects.filter(personnel_number__in=["2", "3"]).exists()
    assert not OrgUnit.objects.filter(path=WATER).exists()


def test_sync_dry_run_counts_and_saves_nothing(api):
    response = api.post(SYNC, {"rows": [person(1), person(2)], "dry_run": True}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["created"] == 2 and body["units_created"] == 3
    assert not Employee.objects.exists()
    assert not events("api.people.sync")


def test_sync_leaves_optional_fields_that_no_row_has_alone(api, organisation):
    api.post(SYNC, {"rows": [person(1), person(2, manager="1", end_date="2030-01-01")]}, format="json")
    rows = [person(1), person(2, first_name="Nieuw")]
    for row in rows:
        del row["manager"], row["end_date"], row["position_code"], row["position_title"]
    body = api.post(SYNC, {"rows": rows}, format="json").json()
    assert (body["updated"], body["unchanged"]) == (1, 1)
    two = Employee.objects.get(personnel_number="2")
    assert two.first_name == "Nieuw" and two.manager.personnel_number == "1"
    assert two.end_date == dt.date(2030, 1, 1) and two.position.code == "F100"


def test_sync_null_and_empty_clear_a_field(api):
    api.post(SYNC, {"rows": [person(1), person(2, manager="1", infix="van")]}, format="json")
    api.post(SYNC, {"rows": [person(1), person(2, manager=None, infix="")]}, format="json")
    two = Employee.objects.get(personnel_number="2")
    assert two.manager is None and two.infix == ""


def test_sync_rows_must_have_the_same_fields(api):
    first, second = person(1, end_date="2030-01-01"), person(2)
    del second["end_date"]
    response = api.post(SYNC, {"rows": [first, second]}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    ((index, field, message),) = problems(response)
    assert (index, field) == (1, "end_date") and "same fields" in message
    assert not Employee.objects.exists()


def test_sync_needs_the_required_fields_in_the_rows(api):
    rows = [person(1), person(2)]
    for row in rows:
        del row["email"], row["unit"]
    response = api.post(SYNC, {"rows": rows}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert problems(response) == [
        (None, "email", "Every row must have the field “email”."),
        (None, "unit", "Every row must have the field “unit”."),
    ]


def test_sync_shape_errors_name_the_row(api):
    response = api.post(SYNC, {"rows": [person(1), {**person(2), "last_name": 12.5, "unit": True}]}, format="json")
    assert [(i, f) for i, f, _m in problems(response)] == [(1, "unit")]
    assert api.post(SYNC, {"rows": []}, format="json").status_code == 400
    assert problems(api.post(SYNC, {}, format="json"))[0][1] == "rows"
    empty_row = problems(api.post(SYNC, {"rows": [person(1), {"personnel_number": None}]}, format="json"))
    assert empty_row[0][0] == 1


def test_sync_refuses_a_body_that_is_too_large(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(SYNC, {"rows": [person(n) for n in range(20)]}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Employee.objects.exists()


def test_sync_with_hundreds_of_rows(api, django_assert_max_num_queries):
    rows = [person(n, manager=str(n - 1) if (n - 1) % 10 else "") for n in range(1, 401)]
    with django_assert_max_num_queries(60):
        response = api.post(SYNC, {"rows": rows}, format="json")
    assert response.status_code == 200
    assert response.json()["created"] == 400
    assert Employee.objects.count() == 400


def test_the_token_is_not_logged_in_the_audit_data(api, hr_token):
    api.post(SYNC, {"rows": [person(1)]}, format="json")
    for event in AuditEvent.objects.all():
        assert hr_token[1] not in str(event.data) + event.actor_label
    assert ApiToken.objects.count() == 1
