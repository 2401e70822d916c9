import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.core.tests.factories import OrganisationFactory, RoleAssignmentFactory, UserFactory
from plein.core.tests.test_url_policy import check_protected
from plein.core.url_policy import iter_routes
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement
from plein.learning.tests.conftest import login
from plein.learning.tests.factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    RequirementFactory,
    employee,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FUTURE = dt.date(2025, 9, 16)


def body(response) -> str:
    return response.content.decode()


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def account(organisation, role):
    """An account with one role and no employee record."""
    user = UserFactory()
    RoleAssignmentFactory(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def event(organisation):
    return EventFactory(organisation=organisation, title="Morele oordeelsvorming", date=FUTURE, capacity=2)


# --- who may open what ------------------------------------------------------------------------------------------------


def test_every_learning_page_refuses_anonymous_visitors_except_the_feed(client, organisation):
    routes = [r for r in iter_routes() if r.name.startswith("learning:")]
    assert len(routes) >= 20
    assert [r.name for r in routes if r.is_public] == ["learning:feed"]
    assert check_protected(client, routes) == []
    assert client.get(reverse("learning:feed")).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 200), (R.EDITOR, 200), (R.AUDITOR, 403), (R.FUNCTIONAL_ADMIN, 403), (R.CONFIDENTIAL_ADVISER, 403)],
)
def test_who_sees_the_events(client, organisation, event, role, status):
    user = account(organisation, role) if role else None
    if user is None:
        from plein.core.tests.factories import EmployeeFactory

        user = UserFactory()
        EmployeeFactory(organisation=organisation, user=user)
    login(client, user)
    assert client.get(reverse("learning:events")).status_code == status
    assert client.get(reverse("learning:event_detail", args=[event.pk])).status_code == status


def test_pages_of_another_organisation_are_not_found(client, me):
    stranger = EventFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
    login(client, me)
    assert client.get(reverse("learning:event_detail", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("learning:register", args=[stranger.pk])).status_code == 404


# --- the event list and detail ----------------------------------------------------------------------------------------


def test_event_list_upcoming_past_and_kinds(client, organisation, me, event):
    EventFactory(organisation=organisation, title="De Integriteit Show", kind=Kind.SHOW, date=dt.date(2024, 4, 11))
    RegistrationFactory(event=event, employee=me.employee)
    login(client, me)
    page = body(client.get(reverse("learning:events")))
    assert "Morele oordeelsvorming" in page and "De Integriteit Show" not in page
    assert "You are registered" in page or "Je bent aangemeld" in page
    past = body(client.get(reverse("learning:events"), {"when": "past"}))
    assert "De Integriteit Show" in past and "Morele oordeelsvorming" not in past
    shows = body(client.get(reverse("learning:events"), {"when": "upcoming", "kind": "voorstelling"}))
    assert "Morele oordeelsvorming" not in shows
    assert reverse("learning:event_create") not in page  # no management link for an employee


def test_event_list_costs_the_same_queries_for_more_events(client, organisation, me):
    login(client, me)
    EventFactory(organisation=organisation, date=FUTURE)
    client.get(reverse("learning:events"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("learning:events"))
    for i in range(20):
        event = EventFactory(organisation=organisation, date=FUTURE + dt.timedelta(days=i))
        for _ in range(3):
            RegistrationFactory(event=event, employee=employee(organisation))
        RegistrationFactory(event=event, employee=me.employee)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("learning:events"))
    assert response.context["page"].paginator.count == 21
    assert len(small.captured_queries) == len(large.captured_queries)


def test_register_and_unregister_from_the_event_page(client, me, event):
    login(client, me)
    page = body(client.get(reverse("learning:event_detail", args=[event.pk])))
    assert reverse("learning:register", args=[event.pk]) in page
    response = client.post(reverse("learning:register", args=[event.pk]), follow=True)
    assert "You are registered for Morele oordeelsvorming" in body(response) or "aangemeld" in body(response)
    assert Registration.objects.get(employee=me.employee).status == Registration.Status.REGISTERED
    page = body(client.get(reverse("learning:event_detail", args=[event.pk])))
    assert reverse("learning:unregister", args=[event.pk]) in page
    assert reverse("learning:register", args=[event.pk]) not in page

    again = client.post(reverse("learning:register", args=[event.pk]), follow=True)
    assert "already registered" in body(again) or "al aangemeld" in body(again)
    assert Registration.objects.filter(employee=me.employee).count() == 1

    client.post(reverse("learning:unregister", args=[event.pk]))
    assert Registration.objects.get(employee=me.employee).status == Registration.Status.WITHDRAWN


def test_a_full_event_says_so_and_offers_no_button(client, organisation, me, event):
    for _ in range(2):
        RegistrationFactory(event=event, employee=employee(organisation))
    login(client, me)
    page = body(client.get(reverse("learning:event_detail", args=[event.pk])))
    assert reverse("learning:register", args=[event.pk]) not in page
    response = client.post(reverse("learning:register", args=[event.pk]), follow=True)
    assert "full" in body(response) or "vol" in body(response)
    assert not Registration.objects.filter(employee=me.employee).exists()


def test_a_past_event_offers_no_registration(client, organisation, me):
    past = EventFactory(organisation=organisation, date=dt.date(2025, 8, 1))
    login(client, me)
    page = body(client.get(reverse("learning:event_detail", args=[past.pk])))
    assert reverse("learning:register", args=[past.pk]) not in page
    response = client.post(reverse("learning:register", args=[past.pk]), follow=True)
    assert "already started" in body(response) or "begonnen" in body(response)


def test_only_employees_register(client, organisation, event):
    editor = account(organisation, R.EDITOR)
    login(client, editor)
    assert client.post(reverse("learning:register", args=[event.pk])).status_code == 403
    assert client.post(reverse("learning:unregister", args=[event.pk])).status_code == 403


# --- e-learning -----------------------------------------------------------------------------------------------------


@pytest.fixture
def module(organisation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory(
        organisation=organisation,
        kind=Kind.ELEARNING,
        title="Integriteit in de praktijk",
        date=dt.date(2025, 6, 1),
        start_time=None,
        end_time=None,
        capacity=None,
        registration_required=False,
    )
    event.module_file.save("integriteit.zip", SimpleUploadedFile("integriteit.zip", b"PK\x03\x04 module"))
    return event


def test_e_learning_download_and_completion(client, me, module):
    login(client, me)
    page = body(client.get(reverse("learning:event_detail", args=[module.pk])))
    assert reverse("learning:module_download", args=[module.pk]) in page
    download = client.get(reverse("learning:module_download", args=[module.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "integriteit" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"PK\x03\x04 module"

    client.post(reverse("learning:complete", args=[module.pk]))
    assert Attendance.objects.get(employee=me.employee).source == Attendance.Source.SELF
    twice = client.post(reverse("learning:complete", args=[module.pk]), follow=True)
    assert "already completed" in body(twice) or "al afgerond" in body(twice)
    assert Attendance.objects.count() == 1


def test_a_module_that_is_not_available_yet_cannot_be_downloaded_by_employees(client, me, hr, module):
    module.date = dt.date(2025, 10, 1)
    module.save()
    login(client, me)
    assert client.get(reverse("learning:module_download", args=[module.pk])).status_code == 404
    login(client, hr)
    assert client.get(reverse("learning:module_download", args=[module.pk])).status_code == 200


def test_no_download_for_other_events(client, me, event):
    login(client, me)
    assert client.get(reverse("learning:module_download", args=[event.pk])).status_code == 404


# --- attendance -----------------------------------------------------------------------------------------------------


@pytest.fixture
def today_event(organisation):
    return EventFactory(organisation=organisation, title="Workshop vandaag", date=dt.date(2025, 9, 1))


def test_attendance_list_for_ic_hr_and_the_host_only(client, organisation, me, ic, hr, boss, today_event):
    registered = employee(organisation, last_name="Aangemeld")
    RegistrationFactory(event=today_event, employee=registered)
    url = reverse("learning:attendance", args=[today_event.pk])
    for user in (me, boss):
        assert login(client, user).get(url).status_code == 403
    for user in (ic, hr):
        assert "Aangemeld" in body(login(client, user).get(url))
    today_event.hosts.add(me.employee)
    assert "Aangemeld" in body(login(client, me).get(url))
    assert len(audited("learning.attendance_list_viewed")) == 3


def test_taking_attendance(client, organisation, hr, today_event):
    registered = employee(organisation, last_name="Aangemeld")
    RegistrationFactory(event=today_event, employee=registered)
    login(client, hr)
    update = reverse("learning:attendance_update", args=[today_event.pk])
    response = client.post(update, {"employee": registered.pk, "action": "present"})
    assert response.status_code == 302 and response["Location"].endswith(f"#p{registered.pk}")
    assert Attendance.objects.get(employee=registered).recorded_by == hr
    client.post(update, {"employee": registered.pk, "action": "undo"})
    assert not Attendance.objects.exists()
    assert client.post(update, {"employee": employee(organisation).pk, "action": "present"}).status_code == 404
    assert client.post(update, {"employee": "x", "action": "present"}).status_code == 404
    unknown = client.post(update, {"employee": registered.pk, "action": "elsewhere"}, follow=True)
    assert "Unknown action" in body(unknown) or "Onbekende" in body(unknown)


def test_walk_ins_by_personnel_number(client, organisation, ic, today_event):
    walk_in = employee(organisation, personnel_number="204711", last_name="Binnenloper")
    login(client, ic)
    add = reverse("learning:attendance_add", args=[today_event.pk])
    client.post(add, {"personnel_number": "204711"})
    assert Attendance.objects.get().employee == walk_in
    page = body(client.get(reverse("learning:attendance", args=[today_event.pk])))
    assert "Binnenloper" in page
    unknown = client.post(add, {"personnel_number": "999999"}, follow=True)
    assert "There is nobody with personnel number 999999" in body(unknown) or "999999" in body(unknown)
    empty = client.post(add, {"personnel_number": ""}, follow=True)
    assert Attendance.objects.count() == 1 and empty.status_code == 200


def test_attendance_not_before_the_day(client, organisation, hr, event):
    person = employee(organisation)
    RegistrationFactory(event=event, employee=person)
    login(client, hr)
    page = body(client.get(reverse("learning:attendance", args=[event.pk])))
    assert reverse("learning:attendance_update", args=[event.pk]) not in page
    client.post(reverse("learning:attendance_update", args=[event.pk]), {"employee": person.pk, "action": "present"})
    assert not Attendance.objects.exists()


# --- managing events ------------------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Lezing: ondermijning herkennen",
        "kind": "lezing",
        "date": "2025-10-02",
        "start_time": "12:15",
        "end_time": "13:15",
        "location": "Statenzaal",
        "capacity": "120",
        "organiser": "Platform Integriteit",
        "registration_required": "on",
        "in_public_feed": "on",
        "code": "LEZ-2025-10",
    }
    data.update(overrides)
    return data


def test_create_and_edit_an_event(client, organisation, ic):
    login(client, ic)
    assert client.get(reverse("learning:event_create")).status_code == 200
    response = client.post(reverse("learning:event_create"), form_data())
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.start_time == dt.time(12, 15) and event.capacity == 120 and event.created_by == ic
    response = client.post(reverse("learning:event_edit", args=[event.pk]), form_data(capacity="", title="Nieuw"))
    event.refresh_from_db()
    assert event.title == "Nieuw" and event.capacity is None


def test_bad_input_saves_nothing_and_says_why(client, organisation, ic):
    login(client, ic)
    response = client.post(reverse("learning:event_create"), form_data(date="31-02-2025", kind="", title=""))
    assert response.status_code == 200 and not response.context["form"].is_valid()
    response = client.post(reverse("learning:event_create"), form_data(end_time="11:00"))
    assert "end time must be after" in body(response) or "eindtijd" in body(response)
    response = client.post(reverse("learning:event_create"), form_data(kind="e-learning"))
    assert "module_url" in response.context["form"].errors
    response = client.post(
        reverse("learning:event_create"),
        form_data(module_url="https://leren.example/m"),
    )
    assert "module_url" in response.context["form"].errors  # a link only for e-learning
    assert not Event.objects.exists()


def test_uploaded_packages_are_checked(client, organisation, ic, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, ic)
    bad = form_data(kind="e-learning", module_file=SimpleUploadedFile("module.exe", b"MZ"))
    response = client.post(reverse("learning:event_create"), bad)
    assert "module_file" in response.context["form"].errors
    settings.PLEIN = {**settings.PLEIN, "LEARNING_MODULE_MAX_BYTES": 10}
    big = form_data(kind="e-learning", module_file=SimpleUploadedFile("module.zip", b"PK" + b"x" * 20))
    assert "module_file" in client.post(reverse("learning:event_create"), big).context["form"].errors
    settings.PLEIN = {**settings.PLEIN, "LEARNING_MODULE_MAX_BYTES": 1000}
    good = form_data(kind="e-learning", module_file=SimpleUploadedFile("module.zip", b"PK" + b"x" * 20))
    client.post(reverse("learning:event_create"), good)
    event = Event.objects.get()
    assert event.module_file.name.startswith("learning/modules/") and event.capacity is None


def test_only_ic_and_hr_manage_events(client, organisation, me, boss, event):
    for user in (me, boss, account(organisation, R.EDITOR)):
        login(client, user)
        assert client.get(reverse("learning:event_create")).status_code == 403
        assert client.post(reverse("learning:event_edit", args=[event.pk]), form_data()).status_code == 403
        assert client.get(reverse("learning:requirements")).status_code == 403


# --- records, coverage, mandatory training, figures -------------------------------------------------------------------


@pytest.fixture
def moo(organisation):
    return RequirementFactory(
        organisation=organisation, course__title="Morele oordeelsvorming", course__code="morele-oordeelsvorming"
    )


def test_my_learning_record(client, organisation, me, moo, event):
    event.course = moo.course
    event.save()
    past = EventFactory(
        organisation=organisation, title="De Integriteit Show", kind=Kind.SHOW, date=dt.date(2024, 4, 11)
    )
    AttendanceFactory(event=past, employee=me.employee)
    login(client, me)
    page = body(client.get(reverse("learning:mine")))
    assert "Morele oordeelsvorming" in page and "De Integriteit Show" in page
    assert event.get_absolute_url() in page  # the next session to register for
    RegistrationFactory(event=event, employee=me.employee)
    page = body(client.get(reverse("learning:mine")))
    assert "Registered for a session" in page or "Aangemeld voor een sessie" in page


def test_a_manager_sees_the_records_of_their_unit_only(client, organisation, boss, team, other_team, moo):
    mine = employee(organisation, unit=team, last_name="Inmijnteam")
    theirs = employee(organisation, unit=other_team, last_name="Elders")
    login(client, boss)
    page = body(client.get(reverse("learning:records")))
    assert "Inmijnteam" in page and "Elders" not in page
    assert client.get(reverse("learning:record", args=[mine.pk])).status_code == 200
    assert client.get(reverse("learning:record", args=[theirs.pk])).status_code == 403
    assert [e.target_id for e in audited("learning.record_viewed")] == [str(mine.pk)]
    assert len(audited("learning.records_viewed")) == 1


def test_employees_see_no_one_elses_record(client, organisation, me, team):
    colleague = employee(organisation, unit=team)
    login(client, me)
    assert client.get(reverse("learning:records")).status_code == 403
    assert client.get(reverse("learning:record", args=[colleague.pk])).status_code == 403
    assert client.get(reverse("learning:coverage")).status_code == 403


def test_records_filters_and_constant_queries(client, organisation, hr, moo):
    login(client, hr)
    employee(organisation, last_name="Eerste")
    client.get(reverse("learning:records"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("learning:records"))
    event = EventFactory(organisation=organisation, course=moo.course, date=dt.date(2025, 3, 4))
    for i in range(25):
        person = employee(organisation, last_name=f"Persoon{i}")
        if i % 2:
            AttendanceFactory(event=event, employee=person)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("learning:records"))
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.context["page"].paginator.count == 27  # the HR account itself, "Eerste" and 25 more
    done = client.get(reverse("learning:records"), {"requirement": moo.pk, "status": "done"})
    assert done.context["page"].paginator.count == 12


def test_coverage_page(client, organisation, ic, boss, team, other_team, moo):
    employee(organisation, unit=team)
    employee(organisation, unit=other_team)
    page = body(login(client, ic).get(reverse("learning:coverage")))
    assert "Team Water" in page and "Team Wegen" in page
    page = body(login(client, boss).get(reverse("learning:coverage")))
    assert "Team Water" in page and "Team Wegen" not in page


def test_mandatory_training_management(client, organisation, hr):
    login(client, hr)
    assert client.get(reverse("learning:requirements")).status_code == 200
    client.post(
        reverse("learning:course_create"),
        {"title": "Morele oordeelsvorming", "code": "morele-oordeelsvorming", "kind": "training"},
    )
    course = Course.objects.get()
    duplicate = client.post(
        reverse("learning:course_create"), {"title": "Dubbel", "code": "MORELE-oordeelsvorming", "kind": "training"}
    )
    assert duplicate.status_code == 200 and Course.objects.count() == 1
    data = {"course": course.pk, "audience": "iedereen", "applies_from": "2026-01-01", "due_months": "12"}
    client.post(reverse("learning:requirement_create"), data)
    requirement = Requirement.objects.get()
    again = client.post(reverse("learning:requirement_create"), data)
    assert "already mandatory" in body(again) or "al verplicht" in body(again)
    client.post(reverse("learning:requirement_stop", args=[requirement.pk]))
    requirement.refresh_from_db()
    assert not requirement.is_active


@pytest.mark.parametrize(
    ("role", "status"),
    [(R.AUDITOR, 200), (R.HR, 200), (R.INTEGRITY_COORDINATOR, 200), (R.EDITOR, 403), (R.MANAGER, 403)],
)
def test_figures_page(client, organisation, role, status, unit):
    EventFactory(organisation=organisation, kind=Kind.SHOW, title="De Integriteit Show", date=dt.date(2024, 4, 11))
    user = account(organisation, role)
    if role == R.MANAGER:
        user.role_assignments.update(unit=unit)
    login(client, user)
    response = client.get(reverse("learning:figures"), {"year": 2024})
    assert response.status_code == status
    if status == 200:
        assert "De Integriteit Show" in body(response)
        assert response.context["figures"]["year"] == 2024


# --- calendar files ---------------------------------------------------------------------------------------------------


def test_the_event_calendar_file(client, me, event):
    login(client, me)
    response = client.get(reverse("learning:event_ics", args=[event.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="activiteit-{event.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Morele oordeelsvorming"
    assert item.decoded("DTSTART") == dt.datetime(2025, 9, 16, 9, 30, tzinfo=item.decoded("DTSTART").tzinfo)
    assert f"/leren/activiteiten/{event.pk}/" in str(item["URL"])


def test_the_public_feed_lists_upcoming_public_events_only(client, organisation, event):
    EventFactory(organisation=organisation, title="Intern overleg", date=FUTURE, in_public_feed=False)
    EventFactory(organisation=organisation, title="Voorbij", date=dt.date(2025, 8, 1))
    RegistrationFactory(event=event, employee=employee(organisation, last_name="Geheimenaam"))
    response = client.get(reverse("learning:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Geheimenaam" not in body(response)
    summaries = [str(item["SUMMARY"]) for item in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Morele oordeelsvorming"]


# --- the start page and the navigation --------------------------------------------------------------------------------


def test_start_page_shows_the_mandatory_training_to_do(client, organisation, me, moo):
    login(client, me)
    page = body(client.get(reverse("core:start")))
    assert "Morele oordeelsvorming" in page
    assert reverse("learning:mine") in page
    assert "overdue" in page or "te laat" in page  # started in 2015, rule from 2024 with 12 months


def test_navigation_item(client, organisation, me):
    page = body(login(client, me).get(reverse("core:start")))
    assert f'href="{reverse("learning:events")}"' in page
