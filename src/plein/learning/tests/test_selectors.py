import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from plein.core import roles as R
from plein.core.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    PositionFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from plein.learning import selectors
from plein.learning.dates import add_months, due_date, overdue_cutoff
from plein.learning.models import Kind, Registration, Requirement
from plein.learning.tests.conftest import TODAY
from plein.learning.tests.factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    RequirementFactory,
    employee,
)

pytestmark = pytest.mark.django_db


# --- dates ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2024, 10, 15), 3, dt.date(2025, 1, 15)),
        (dt.date(2024, 5, 31), -3, dt.date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("months", [1, 3, 6, 12, 36])
def test_overdue_cutoff_is_exactly_the_first_start_that_is_still_on_time(months):
    day = dt.date(2024, 1, 1)
    while day < dt.date(2025, 3, 1):
        cutoff = overdue_cutoff(day, months)
        assert due_date(cutoff, months) >= day
        assert due_date(cutoff - dt.timedelta(days=1), months) < day
        day += dt.timedelta(days=13)


# --- mandatory training ---------------------------------------------------------------------------------------------


@pytest.fixture
def moo(organisation):
    return RequirementFactory(organisation=organisation, course__title="Morele oordeelsvorming", due_months=12)


@pytest.fixture
def workshop(organisation):
    return RequirementFactory(
        organisation=organisation,
        course__title="Integriteitsworkshop",
        audience=Requirement.Audience.MANAGERS,
        applies_from=dt.date(2023, 10, 1),
        due_months=6,
    )


def attend(requirement, employee, day=dt.date(2025, 3, 4)):
    event = EventFactory(organisation=requirement.organisation, course=requirement.course, date=day)
    return AttendanceFactory(event=event, employee=employee, attended_on=day)


def statuses(employee, today=TODAY):
    return {
        s.requirement.course.title: (s.status, s.due_date, s.completed_on)
        for s in selectors.requirements_for(employee, today=today)
    }


def test_due_overdue_and_done_for_everyone(organisation, moo):
    veteran = employee(organisation, start_date=dt.date(2010, 1, 1))
    newcomer = employee(organisation, start_date=dt.date(2025, 5, 1))
    done = employee(organisation, start_date=dt.date(2010, 1, 1))
    attend(moo, done)
    assert statuses(veteran) == {"Morele oordeelsvorming": ("overdue", dt.date(2025, 1, 1), None)}
    assert statuses(veteran, today=dt.date(2025, 1, 1))["Morele oordeelsvorming"][0] == "due"
    assert statuses(newcomer) == {"Morele oordeelsvorming": ("due", dt.date(2026, 5, 1), None)}
    assert statuses(done) == {"Morele oordeelsvorming": ("done", dt.date(2025, 1, 1), dt.date(2025, 3, 4))}


def test_the_rule_applies_only_to_people_in_service(organisation, moo):
    left = employee(organisation, start_date=dt.date(2010, 1, 1), end_date=dt.date(2025, 6, 30))
    future = employee(organisation, start_date=dt.date(2025, 10, 1))
    assert selectors.requirements_for(left, today=TODAY) == []
    assert selectors.requirements_for(future, today=TODAY) == []
    assert selectors.requirements_for(None, today=TODAY) == []


def test_stopped_rules_do_not_apply(organisation, moo):
    person = employee(organisation)
    moo.is_active = False
    moo.save()
    assert selectors.requirements_for(person, today=TODAY) == []


def test_managers_are_the_manager_role_direct_reports_or_a_listed_position(organisation, workshop, settings):
    by_role = employee(organisation, user=UserFactory())
    RoleAssignmentFactory(organisation=organisation, user=by_role.user, role=R.MANAGER)
    revoked = employee(organisation, user=UserFactory())
    RoleAssignmentFactory(
        organisation=organisation, user=revoked.user, role=R.MANAGER, revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    with_reports = employee(organisation)
    employee(organisation, manager=with_reports)
    only_former_reports = employee(organisation)
    EmployeeFactory(
        organisation=organisation,
        manager=only_former_reports,
        end_date=dt.date(2025, 1, 31),
        start_date=dt.date(2020, 1, 1),
    )
    listed = employee(organisation, position=PositionFactory(organisation=organisation, code="AL04"))
    plain = employee(organisation)
    assert "Integriteitsworkshop" in statuses(by_role)
    assert "Integriteitsworkshop" in statuses(with_reports)
    for person in (revoked, only_former_reports, listed, plain):
        assert statuses(person) == {}
    settings.PLEIN = {**settings.PLEIN, "LEARNING_MANAGER_POSITION_CODES": ["AL04"]}
    assert "Integriteitsworkshop" in statuses(listed)


def test_the_workshop_term_runs_from_the_later_of_start_and_rule(organisation, workshop):
    old_hand = employee(organisation, start_date=dt.date(2001, 1, 1))
    new_manager = employee(organisation, start_date=dt.date(2025, 6, 2))
    for manager in (old_hand, new_manager):
        employee(organisation, manager=manager)
    assert statuses(old_hand)["Integriteitsworkshop"][:2] == ("overdue", dt.date(2024, 4, 1))
    assert statuses(new_manager)["Integriteitsworkshop"][:2] == ("due", dt.date(2025, 12, 2))


def test_new_starters_only(organisation, workshop):
    workshop.new_starters_only = True
    workshop.save()
    old_hand = employee(organisation, start_date=dt.date(2001, 1, 1))
    new_manager = employee(organisation, start_date=dt.date(2025, 6, 2))
    for manager in (old_hand, new_manager):
        employee(organisation, manager=manager)
    assert statuses(old_hand) == {}
    assert statuses(new_manager)["Integriteitsworkshop"][0] == "due"


def test_any_event_of_the_course_completes_it_also_e_learning(organisation, moo):
    person = employee(organisation, start_date=dt.date(2010, 1, 1))
    module = EventFactory(organisation=organisation, course=moo.course, kind=Kind.ELEARNING, date=dt.date(2025, 1, 1))
    AttendanceFactory(event=module, employee=person, attended_on=dt.date(2025, 2, 3))
    AttendanceFactory(event=EventFactory(organisation=organisation), employee=person)  # another course
    assert statuses(person)["Morele oordeelsvorming"] == ("done", dt.date(2025, 1, 1), dt.date(2025, 2, 3))


def test_coverage_per_unit(organisation, moo, unit):
    water = OrgUnitFactory(organisation=organisation, parent=unit, name="Water")
    wegen = OrgUnitFactory(organisation=organisation, parent=unit, name="Wegen")
    for i in range(4):
        person = employee(organisation, unit=water, start_date=dt.date(2010, 1, 1))
        if i < 3:
            attend(moo, person)
    for _i in range(2):
        employee(organisation, unit=wegen, start_date=dt.date(2025, 6, 1))
    employee(organisation, unit=wegen, end_date=dt.date(2024, 1, 1), start_date=dt.date(2000, 1, 1))
    result = selectors.coverage(moo, scope=Q(), on=TODAY)
    assert [(r.label, r.employees, r.done, r.overdue, r.percentage) for r in result.rows] == [
        ("Directie/Water", 4, 3, 1, 75),
        ("Directie/Wegen", 2, 0, 0, 0),
    ]
    assert (result.employees, result.done, result.overdue, result.percentage) == (6, 3, 1, 50)
    scoped = selectors.coverage(moo, scope=wegen.subtree_q("unit__"), on=TODAY)
    assert [r.label for r in scoped.rows] == ["Directie/Wegen"]


def test_coverage_counts_completion_by_the_reference_date(organisation, moo, unit):
    person = employee(organisation, unit=unit, start_date=dt.date(2010, 1, 1))
    attend(moo, person, day=dt.date(2025, 8, 1))
    assert selectors.coverage(moo, scope=Q(), on=dt.date(2025, 7, 31)).done == 0
    assert selectors.coverage(moo, scope=Q(), on=dt.date(2025, 8, 1)).done == 1


def test_coverage_costs_two_queries_whatever_the_size(organisation, moo):
    def measure():
        with CaptureQueriesContext(connection) as ctx:
            selectors.coverage(moo, scope=Q(), on=TODAY)
        return len(ctx.captured_queries)

    employee(organisation)
    small = measure()
    for _ in range(15):
        attend(moo, employee(organisation, unit=OrgUnitFactory(organisation=organisation)))
    assert measure() == small == 2


def test_records_are_visible_on_a_need_to_know_basis(organisation, make_user, unit, moo):
    water = OrgUnitFactory(organisation=organisation, parent=unit, name="Water")
    mine = employee(organisation, unit=water)
    elsewhere = employee(organisation, unit=unit)
    boss = make_user(R.MANAGER, unit=water)
    assert set(selectors.records_visible_to(boss, organisation, today=TODAY)) >= {mine}
    assert elsewhere not in set(selectors.records_visible_to(boss, organisation, today=TODAY))
    for role in (R.HR, R.INTEGRITY_COORDINATOR):
        assert elsewhere in set(selectors.records_visible_to(make_user(role), organisation, today=TODAY))
    for role in (R.EDITOR, R.AUDITOR, R.FUNCTIONAL_ADMIN, R.CONFIDENTIAL_ADVISER):
        assert not selectors.records_visible_to(make_user(role), organisation, today=TODAY).exists()
    assert not selectors.records_visible_to(make_user(), organisation, today=TODAY).exists()


def test_record_rows_and_filters(organisation, moo, workshop):
    manager = employee(organisation, start_date=dt.date(2010, 1, 1), last_name="Aa")
    report = employee(organisation, manager=manager, start_date=dt.date(2025, 6, 1), last_name="Bb")
    attend(workshop, manager)
    base = in_service(organisation)
    qs = selectors.annotate_records(base, [moo, workshop], today=TODAY).order_by("last_name")
    rows = selectors.record_rows(list(qs), [moo, workshop], today=TODAY)
    assert [(r.employee.last_name, [s.status if s else None for s in r.statuses]) for r in rows] == [
        ("Aa", ["overdue", "done"]),
        ("Bb", ["due", None]),
    ]
    overdue = selectors.filter_records(base, requirement=moo, status="overdue", today=TODAY)
    assert list(overdue) == [manager]
    due = selectors.filter_records(base, requirement=moo, status="due", today=TODAY)
    assert list(due) == [report]
    done = selectors.filter_records(base, requirement=workshop, status="done", today=TODAY)
    assert list(done) == [manager]
    assert list(selectors.filter_records(base, search="bb")) == [report]


def in_service(organisation):
    from plein.core.models import Employee

    return Employee.objects.filter(organisation=organisation).in_service(TODAY)


# --- events ---------------------------------------------------------------------------------------------------------


def test_upcoming_events_for_the_portal(organisation):
    """The portal's home page calls upcoming_events(organisation, limit=5): title, kind, start, location, url."""
    EventFactory(organisation=organisation, title="Voorbij", date=dt.date(2025, 8, 31))
    later = EventFactory(organisation=organisation, title="Later", date=dt.date(2025, 10, 1))
    today = EventFactory(organisation=organisation, title="Vandaag", date=TODAY, start_time=dt.time(8))
    EventFactory(organisation=organisation, title="Intern", date=dt.date(2025, 9, 2), in_public_feed=False)
    EventFactory(organisation=OrganisationFactory(slug="elders", name="Elders"), date=dt.date(2025, 9, 3))
    allday = EventFactory(organisation=organisation, title="Hele dag", date=dt.date(2025, 9, 20), start_time=None)
    found = selectors.upcoming_events(organisation, limit=5, today=TODAY)
    assert [e.title for e in found] == ["Vandaag", "Hele dag", "Later"]
    first = found[0]
    assert first.kind == Kind.TRAINING and str(first.get_kind_display())
    assert first.start == first.starts_at and first.starts_at.hour == 8
    assert first.location and first.url == f"/leren/activiteiten/{today.pk}/"
    assert found[1].start == dt.date(2025, 9, 20) and found[1].starts_at is None
    assert [e.pk for e in selectors.upcoming_events(organisation, 1, today=TODAY)] == [today.pk]
    assert allday.pk and later.pk


def test_upcoming_events_is_one_query(organisation, django_assert_num_queries):
    for i in range(8):
        EventFactory(organisation=organisation, date=TODAY + dt.timedelta(days=i))
    with django_assert_num_queries(1):
        assert len(selectors.upcoming_events(organisation, 5, today=TODAY)) == 5


def test_events_upcoming_and_past_with_counts(organisation):
    past = EventFactory(organisation=organisation, date=dt.date(2025, 6, 1))
    running = EventFactory(organisation=organisation, date=dt.date(2025, 8, 30), end_date=dt.date(2025, 9, 2))
    coming = EventFactory(organisation=organisation, date=dt.date(2025, 9, 20), kind=Kind.LECTURE)
    for _ in range(3):
        RegistrationFactory(event=coming, employee=employee(organisation))
    RegistrationFactory(event=coming, employee=employee(organisation), status=Registration.Status.WITHDRAWN)
    AttendanceFactory(event=past, employee=employee(organisation))
    upcoming = list(selectors.events(organisation, today=TODAY))
    assert upcoming == [running, coming]
    assert upcoming[1].registered_count == 3 and upcoming[1].attended_count == 0
    assert selectors.places_left(upcoming[1]) == 13
    assert list(selectors.events(organisation, when="past", today=TODAY)) == [past]
    assert list(selectors.events(organisation, kind=Kind.LECTURE, today=TODAY)) == [coming]


def test_attendance_list_merges_registrations_and_walk_ins_by_name(organisation):
    event = EventFactory(organisation=organisation)
    bakker = employee(organisation, last_name="Bakker")
    celik = employee(organisation, last_name="Çelik")
    aalders = employee(organisation, last_name="Aalders")
    weg = employee(organisation, last_name="Weg")
    RegistrationFactory(event=event, employee=bakker)
    RegistrationFactory(event=event, employee=celik)
    RegistrationFactory(event=event, employee=weg, status=Registration.Status.WITHDRAWN)
    AttendanceFactory(event=event, employee=celik)
    AttendanceFactory(event=event, employee=aalders)
    rows = selectors.attendance_list(event)
    assert [(r.employee.last_name, r.registration is not None, r.present) for r in rows] == [
        ("Aalders", False, True),
        ("Bakker", True, False),
        ("Çelik", True, True),
    ]


def test_next_events_skip_full_ones(organisation, moo):
    full = EventFactory(organisation=organisation, course=moo.course, date=dt.date(2025, 9, 9), capacity=1)
    RegistrationFactory(event=full, employee=employee(organisation))
    free = EventFactory(organisation=organisation, course=moo.course, date=dt.date(2025, 9, 23))
    assert selectors.next_events_of(organisation, {moo.course_id}, today=TODAY) == {moo.course_id: free}
    assert selectors.next_events_of(organisation, set(), today=TODAY) == {}


# --- figures --------------------------------------------------------------------------------------------------------


def test_annual_figures(organisation, moo):
    moo.course.code = "morele-oordeelsvorming"
    moo.course.save()
    people = [employee(organisation, start_date=dt.date(2010, 1, 1)) for _ in range(4)]
    employee(organisation, start_date=dt.date(2010, 1, 1), end_date=dt.date(2024, 6, 30))
    show = EventFactory(
        organisation=organisation, kind=Kind.SHOW, title="De Integriteit Show", date=dt.date(2024, 4, 11)
    )
    for person in people[:3]:
        RegistrationFactory(event=show, employee=person)
    for person in people[:2]:
        AttendanceFactory(event=show, employee=person)
    meeting = EventFactory(organisation=organisation, kind=Kind.MEETING, title="Demonstreren", date=dt.date(2024, 7, 4))
    for person in people:
        RegistrationFactory(event=meeting, employee=person)  # no attendance taken: registrations count
    training = EventFactory(organisation=organisation, course=moo.course, date=dt.date(2024, 11, 5))
    AttendanceFactory(event=training, employee=people[0])
    late = EventFactory(organisation=organisation, course=moo.course, date=dt.date(2025, 2, 4))
    AttendanceFactory(event=late, employee=people[1])
    module = EventFactory(organisation=organisation, kind=Kind.ELEARNING, date=dt.date(2024, 9, 2), capacity=None)
    AttendanceFactory(event=module, employee=people[0], attended_on=dt.date(2024, 10, 1))
    AttendanceFactory(event=module, employee=people[1], attended_on=dt.date(2025, 1, 5))

    figures = selectors.annual_figures(organisation, 2024, today=TODAY)
    assert figures["events"] == [
        {
            "title": "De Integriteit Show",
            "date": "2024-04-11",
            "kind": "voorstelling",
            "kind_label": str(Kind.SHOW.label),
            "participants": 2,
        },
        {
            "title": "Demonstreren",
            "date": "2024-07-04",
            "kind": "bijeenkomst",
            "kind_label": str(Kind.MEETING.label),
            "participants": 4,
        },
        {
            "title": module.title,
            "date": "2024-09-02",
            "kind": "e-learning",
            "kind_label": str(Kind.ELEARNING.label),
            "participants": 1,
        },
        {
            "title": training.title,
            "date": "2024-11-05",
            "kind": "training",
            "kind_label": str(Kind.TRAINING.label),
            "participants": 1,
        },
    ]
    per_kind = {row["kind"]: (row["events"], row["participants"]) for row in figures["per_kind"]}
    assert per_kind == {
        "training": (1, 1),
        "workshop": (0, 0),
        "lezing": (0, 0),
        "voorstelling": (1, 2),
        "bijeenkomst": (1, 4),
        "e-learning": (1, 1),
    }
    assert figures["events_total"] == 4 and figures["participants_total"] == 8
    assert figures["training_coverage"] == {
        "course": "Morele oordeelsvorming",
        "course_code": "morele-oordeelsvorming",
        "employees": 4,
        "completed": 1,
        "percentage": 25,
    }
    assert figures["elearning_completions"] == 1
    assert figures["reference_date"] == dt.date(2024, 12, 31)

    running = selectors.annual_figures(organisation, 2025, today=TODAY)
    assert running["reference_date"] == TODAY
    assert running["training_coverage"]["completed"] == 2
    assert running["elearning_completions"] == 1
    assert selectors.figure_years(organisation) == [2025, 2024]


def test_annual_figures_without_the_coverage_course(organisation):
    employee(organisation)
    figures = selectors.annual_figures(organisation, 2024, today=TODAY)
    assert figures["training_coverage"]["percentage"] is None
    assert figures["events"] == [] and figures["events_total"] == 0


def test_coverage_of_all_requirements_matches_each_and_costs_two_queries(organisation, moo, workshop, unit):
    """Issue 12: the coverage page's numbers in a fixed number of grouped queries, equal to the per-requirement ones."""
    starters = RequirementFactory(
        organisation=organisation, course__title="Starters", new_starters_only=True, applies_from=dt.date(2025, 1, 1)
    )
    water = OrgUnitFactory(organisation=organisation, parent=unit, name="Water")
    boss = employee(organisation, unit=water, start_date=dt.date(2010, 1, 1))
    attend(moo, boss)
    for start in (dt.date(2012, 1, 1), dt.date(2025, 3, 1)):
        attend(starters, employee(organisation, unit=water, manager=boss, start_date=start))
    employee(organisation, unit=unit, start_date=dt.date(2020, 1, 1))

    def shape(coverage):
        return [(r.label, r.employees, r.done, r.overdue) for r in coverage.rows]

    def measure(requirements):
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.coverage_of_all(organisation, requirements, scope=Q(), on=TODAY)
        return result, len(ctx.captured_queries)

    requirements = selectors.active_requirements(organisation)
    together, queries = measure(requirements)
    assert [shape(c) for c in together] == [shape(selectors.coverage(r, scope=Q(), on=TODAY)) for r in requirements]
    assert shape(together[[r.pk for r in requirements].index(workshop.pk)]) == [("Directie/Water", 1, 0, 1)]
    assert queries == 2
    for n in range(4):
        RequirementFactory(organisation=organisation, course__title=f"Extra {n}")
    more, queries = measure(selectors.active_requirements(organisation))
    assert len(more) == 7 and queries == 2
    scoped = selectors.coverage_of_all(organisation, requirements, scope=water.subtree_q("unit__"), on=TODAY)
    assert {row.label for c in scoped for row in c.rows} == {"Directie/Water"}
