"""The demo reproduces the seed's 2023–2024 activities, deterministically, on a small staffed organisation."""

import datetime as dt
import random

import pytest

from plein.core import roles as R
from plein.core.models import Employee, StructureRole
from plein.core.tests.factories import (
    EmployeeFactory,
    OrgUnitFactory,
    RoleAssignmentFactory,
    StructureRoleFactory,
    UserFactory,
)
from plein.learning import selectors
from plein.learning.demo import load
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def staffed(organisation, unit):
    """About 200 people in eight teams with their managers, the IC, HR, and the demo employee and manager."""
    rng = random.Random(3)
    StructureRoleFactory(
        organisation=organisation,
        kind=StructureRole.Kind.INTEGRITY_COORDINATOR,
        employee__first_name="Ineke",
        employee__last_name="Hofstede",
        employee__start_date=dt.date(2005, 1, 1),
    )
    hr_user = UserFactory(email="hr@veenland.example")
    EmployeeFactory(organisation=organisation, user=hr_user, start_date=dt.date(2008, 1, 1))
    RoleAssignmentFactory(organisation=organisation, user=hr_user, role=R.HR)
    for t in range(8):
        team = OrgUnitFactory(organisation=organisation, parent=unit, name=f"Team {t}")
        user = UserFactory(email="manager@veenland.example") if t == 0 else None
        boss = EmployeeFactory(organisation=organisation, unit=team, user=user, start_date=dt.date(2000 + t, 3, 1))
        if user:
            RoleAssignmentFactory(organisation=organisation, user=user, role=R.MANAGER, unit=team)
        for i in range(24):
            start = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randint(0, 11000))
            end = start + dt.timedelta(days=rng.randint(200, 900)) if rng.random() < 0.1 else None
            EmployeeFactory(
                organisation=organisation,
                unit=team,
                manager=boss,
                start_date=start,
                end_date=end,
                user=UserFactory(email="medewerker@veenland.example") if (t, i) == (1, 0) else None,
            )
    return organisation


def fingerprint(organisation):
    return (
        sorted(
            Event.objects.filter(organisation=organisation).values_list("code", "title", "kind", "date", "capacity")
        ),
        sorted(Attendance.objects.values_list("event__code", "employee__personnel_number", "attended_on", "source")),
        sorted(Registration.objects.values_list("event__code", "employee__personnel_number", "status")),
    )


def test_the_seed_activities_of_2023_and_2024(staffed):
    summary = load(staffed, rng=random.Random(1), today=TODAY)
    show = Event.objects.get(title="De Integriteit Show")
    assert (show.date, show.kind, show.organiser) == (dt.date(2024, 4, 11), Kind.SHOW, "Ondernemingsraad")
    meeting = Event.objects.get(title="Ambtenaar zijn én gaan demonstreren")
    assert (meeting.date, meeting.kind) == (dt.date(2024, 7, 4), Kind.MEETING)
    assert "Noord-Holland" in meeting.led_by
    for event in (show, meeting):
        assert event.attendances.count() > 20
    workshops = Event.objects.filter(kind=Kind.WORKSHOP, date__lt=dt.date(2024, 5, 1)).order_by("date")
    assert [(w.date.year, w.date.month) for w in workshops] == [(2023, 10), (2024, 4)]
    managers = set(StructureRole.objects.none().values_list("pk", flat=True)) | {
        e.manager_id for e in Employee.objects.filter(manager__isnull=False)
    }
    for workshop in workshops:
        attendees = set(workshop.attendances.values_list("employee_id", flat=True))
        assert attendees and attendees <= managers
    moo = Course.objects.get(code="morele-oordeelsvorming")
    sessions = Event.objects.filter(course=moo)
    assert {d.year for d in sessions.values_list("date", flat=True)} == {2024, 2025, 2026}
    assert not Attendance.objects.filter(event__date__gte=TODAY).exists()
    assert summary.upcoming >= 4 and Event.objects.filter(date__gt=TODAY, kind=Kind.LECTURE).exists()

    figures = selectors.annual_figures(staffed, 2024, today=TODAY)
    per_kind = {row["kind"]: row for row in figures["per_kind"]}
    assert per_kind["voorstelling"]["events"] == 1 and per_kind["bijeenkomst"]["events"] == 1
    assert per_kind["workshop"]["events"] == 2 and per_kind["training"]["events"] == 18
    assert {"title": "De Integriteit Show", "date": "2024-04-11", "kind": "voorstelling"}.items() <= figures["events"][
        [e["title"] for e in figures["events"]].index("De Integriteit Show")
    ].items()
    assert 0 < figures["training_coverage"]["percentage"] < 100
    assert figures["elearning_completions"] > 0


def test_the_records_are_consistent(staffed):
    load(staffed, rng=random.Random(1), today=TODAY)
    for event in selectors.with_counts(Event.objects.all()):
        if event.capacity is not None:
            assert event.registered_count <= event.capacity, event
        for attendance in event.attendances.select_related("employee"):
            person = attendance.employee
            assert person.start_date <= attendance.attended_on
            assert person.end_date is None or attendance.attended_on <= person.end_date
    # Nobody completes a course twice.
    pairs = list(Attendance.objects.filter(event__course__isnull=False).values_list("employee_id", "event__course_id"))
    assert len(pairs) == len(set(pairs))


def test_an_upcoming_session_is_full_to_show_what_that_looks_like(staffed):
    early = dt.date(2024, 3, 1)  # the small test organisation still has enough people to fill a session then
    load(staffed, rng=random.Random(1), today=early)
    upcoming = list(selectors.events(staffed, today=early))
    full = [e for e in upcoming if e.capacity and e.registered_count == e.capacity]
    assert [e.course.code for e in full] == ["morele-oordeelsvorming"]
    assert Event.objects.filter(date__gt=early, kind=Kind.WORKSHOP).exists()


def test_the_demo_people_have_their_to_do(staffed):
    load(staffed, rng=random.Random(1), today=TODAY)
    me = Employee.objects.get(user__email="medewerker@veenland.example")
    boss = Employee.objects.get(user__email="manager@veenland.example")
    mine = {s.requirement.course.code: s for s in selectors.requirements_for(me, today=TODAY)}
    assert not mine["morele-oordeelsvorming"].is_done
    theirs = {s.requirement.course.code: s for s in selectors.requirements_for(boss, today=TODAY)}
    assert theirs["integriteitsworkshop-leidinggevenden"].is_overdue
    assert Requirement.objects.get(audience=Requirement.Audience.MANAGERS).due_months == 6
    lecture = Event.objects.get(kind=Kind.LECTURE)
    assert list(lecture.hosts.all()) == [me]
    assert [a.event.title for a in selectors.attendances_of(me)] == ["De Integriteit Show"]


def test_same_seed_and_day_same_records(staffed):
    load(staffed, rng=random.Random(1), today=TODAY)
    first = fingerprint(staffed)
    Event.objects.all().delete()
    Requirement.objects.all().delete()
    Course.objects.all().delete()
    load(staffed, rng=random.Random(1), today=TODAY)
    assert fingerprint(staffed) == first
