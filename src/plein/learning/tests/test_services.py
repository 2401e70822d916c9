import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from plein.core.models import AuditEvent
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory
from plein.learning import services
from plein.learning.models import Attendance, Event, Kind, Registration, Requirement
from plein.learning.tests.conftest import TODAY
from plein.learning.tests.factories import (
    AttendanceFactory,
    CourseFactory,
    EventFactory,
    RequirementFactory,
    employee,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests match the services' messages in English; the Dutch catalogue must not change what they read."""
    with translation.override("en"):
        yield


BEFORE = timezone.make_aware(dt.datetime(2025, 9, 1, 10, 0))


def actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


@pytest.fixture
def event(organisation):
    return EventFactory(organisation=organisation, date=dt.date(2025, 9, 16), capacity=2)


@pytest.fixture
def person(organisation):
    return employee(organisation)


# --- registering ----------------------------------------------------------------------------------------------------


def test_register_gives_a_place_and_is_audited(event, person):
    registration = services.register(actor=None, event=event, employee=person, now=BEFORE)
    assert registration.status == Registration.Status.REGISTERED
    assert actions() == ["learning.registered"]
    assert AuditEvent.objects.get().data == {"event": event.pk}


def test_a_second_registration_is_refused_with_a_message_and_no_duplicate(event, person):
    services.register(actor=None, event=event, employee=person, now=BEFORE)
    with pytest.raises(ValidationError, match="already registered"):
        services.register(actor=None, event=event, employee=person, now=BEFORE)
    assert Registration.objects.filter(event=event, employee=person).count() == 1


def test_a_full_event_is_refused_with_a_message(event, organisation):
    for _ in range(2):
        services.register(actor=None, event=event, employee=employee(organisation), now=BEFORE)
    latecomer = employee(organisation)
    with pytest.raises(ValidationError, match="full: all 2 places are taken"):
        services.register(actor=None, event=event, employee=latecomer, now=BEFORE)
    assert not Registration.objects.filter(employee=latecomer).exists()


def test_withdrawn_places_count_as_free_and_re_registering_reuses_the_row(event, organisation, person):
    other = employee(organisation)
    services.register(actor=None, event=event, employee=person, now=BEFORE)
    services.register(actor=None, event=event, employee=other, now=BEFORE)
    services.unregister(actor=None, event=event, employee=other, now=BEFORE)
    third = employee(organisation)
    services.register(actor=None, event=event, employee=third, now=BEFORE)
    with pytest.raises(ValidationError, match="full"):
        services.register(actor=None, event=event, employee=other, now=BEFORE)
    services.unregister(actor=None, event=event, employee=third, now=BEFORE)
    again = services.register(actor=None, event=event, employee=other, now=BEFORE)
    assert Registration.objects.filter(event=event, employee=other).count() == 1
    assert again.status == Registration.Status.REGISTERED and again.withdrawn_at is None


def test_no_limit_when_capacity_is_empty(organisation):
    event = EventFactory(organisation=organisation, capacity=None)
    for _ in range(5):
        services.register(actor=None, event=event, employee=employee(organisation), now=BEFORE)
    assert event.registrations.count() == 5


def test_registration_closes_when_the_event_starts(event, person):
    at_start = timezone.make_aware(dt.datetime(2025, 9, 16, 9, 30))
    with pytest.raises(ValidationError, match="already started"):
        services.register(actor=None, event=event, employee=person, now=at_start)
    just_before = at_start - dt.timedelta(minutes=1)
    services.register(actor=None, event=event, employee=person, now=just_before)
    with pytest.raises(ValidationError, match="already started"):
        services.unregister(actor=None, event=event, employee=person, now=at_start)


def test_an_event_without_a_start_time_stays_open_on_its_day(organisation, person):
    event = EventFactory(organisation=organisation, date=dt.date(2025, 9, 16), start_time=None, end_time=None)
    services.register(actor=None, event=event, employee=person, now=timezone.make_aware(dt.datetime(2025, 9, 16, 20)))
    with pytest.raises(ValidationError, match="already started"):
        services.register(
            actor=None,
            event=event,
            employee=employee(organisation),
            now=timezone.make_aware(dt.datetime(2025, 9, 17, 0, 1)),
        )


def test_no_registration_for_e_learning_or_open_events(organisation, person):
    module = EventFactory(organisation=organisation, kind=Kind.ELEARNING, capacity=None, registration_required=False)
    walk_in = EventFactory(organisation=organisation, registration_required=False)
    for event in (module, walk_in):
        with pytest.raises(ValidationError, match="do not need to register"):
            services.register(actor=None, event=event, employee=person, now=BEFORE)
    assert not Registration.objects.exists()


def test_no_registration_for_another_organisations_event(event):
    stranger = EmployeeFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
    with pytest.raises(ValidationError, match="does not work for the organisation"):
        services.register(actor=None, event=event, employee=stranger, now=BEFORE)


def test_unregister_only_an_open_registration(event, person):
    with pytest.raises(ValidationError, match="is not registered"):
        services.unregister(actor=None, event=event, employee=person, now=BEFORE)
    services.register(actor=None, event=event, employee=person, now=BEFORE)
    registration = services.unregister(actor=None, event=event, employee=person, now=BEFORE)
    assert registration.status == Registration.Status.WITHDRAWN and registration.withdrawn_at == BEFORE
    with pytest.raises(ValidationError, match="is not registered"):
        services.unregister(actor=None, event=event, employee=person, now=BEFORE)
    assert actions() == ["learning.registered", "learning.unregistered"]


# --- attendance and e-learning ----------------------------------------------------------------------------------------


def test_attendance_from_the_day_of_the_event(event, person):
    with pytest.raises(ValidationError, match="from the day of the event"):
        services.record_attendance(actor=None, event=event, employee=person, present=True, today=TODAY)
    attendance = services.record_attendance(
        actor=None, event=event, employee=person, present=True, today=dt.date(2025, 9, 16)
    )
    assert attendance.attended_on == dt.date(2025, 9, 16)
    assert attendance.source == Attendance.Source.LIST
    with pytest.raises(ValidationError, match="already marked present"):
        services.record_attendance(actor=None, event=event, employee=person, present=True, today=dt.date(2025, 9, 17))
    assert Attendance.objects.count() == 1


def test_attendance_can_be_undone_once(event, person):
    day = dt.date(2025, 9, 16)
    services.record_attendance(actor=None, event=event, employee=person, present=True, today=day)
    assert services.record_attendance(actor=None, event=event, employee=person, present=False, today=day) is None
    assert not Attendance.objects.exists()
    with pytest.raises(ValidationError, match="nothing to undo"):
        services.record_attendance(actor=None, event=event, employee=person, present=False, today=day)
    assert actions() == ["learning.attendance_recorded", "learning.attendance_removed"]


def test_attendance_of_a_multi_day_event_is_dated_within_it(organisation, person):
    event = EventFactory(organisation=organisation, date=dt.date(2025, 9, 15), end_date=dt.date(2025, 9, 16))
    late = services.record_attendance(
        actor=None, event=event, employee=person, present=True, today=dt.date(2025, 10, 1)
    )
    assert late.attended_on == dt.date(2025, 9, 16)


def test_attendance_only_for_the_organisations_people(event):
    stranger = EmployeeFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
    with pytest.raises(ValidationError, match="does not work for the organisation"):
        services.record_attendance(actor=None, event=event, employee=stranger, present=True, today=dt.date(2025, 9, 16))


@pytest.fixture
def module(organisation):
    return EventFactory(
        organisation=organisation,
        kind=Kind.ELEARNING,
        date=dt.date(2025, 6, 1),
        end_date=dt.date(2025, 12, 31),
        start_time=None,
        end_time=None,
        capacity=None,
        registration_required=False,
        module_url="https://leren.example/module",
    )


def test_completing_e_learning_once(module, person):
    attendance = services.complete_elearning(actor=None, event=module, employee=person, today=TODAY)
    assert attendance.source == Attendance.Source.SELF and attendance.attended_on == TODAY
    with pytest.raises(ValidationError, match="already completed"):
        services.complete_elearning(actor=None, event=module, employee=person, today=TODAY)
    assert Attendance.objects.count() == 1
    assert actions() == ["learning.elearning_completed"]


def test_e_learning_only_while_available(module, person):
    with pytest.raises(ValidationError, match="available from"):
        services.complete_elearning(actor=None, event=module, employee=person, today=dt.date(2025, 5, 31))
    with pytest.raises(ValidationError, match="no longer available"):
        services.complete_elearning(actor=None, event=module, employee=person, today=dt.date(2026, 1, 1))


def test_only_e_learning_can_be_marked_done_by_the_employee(event, person):
    with pytest.raises(ValidationError, match="Only an e-learning module"):
        services.complete_elearning(actor=None, event=event, employee=person, today=dt.date(2025, 9, 16))


# --- managing events and mandatory training -------------------------------------------------------------------------


def event_fields(**overrides):
    fields = {
        "title": "Lezing ondermijning",
        "kind": Kind.LECTURE,
        "date": dt.date(2025, 10, 2),
        "start_time": dt.time(12, 15),
        "end_time": dt.time(13, 15),
        "capacity": 100,
        "code": "LEZ-1",
    }
    fields.update(overrides)
    return fields


def test_create_and_update_an_event(organisation, ic):
    host = employee(organisation)
    event = services.create_event(actor=ic, organisation=organisation, hosts=[host], **event_fields())
    assert list(event.hosts.all()) == [host]
    services.update_event(actor=ic, event=event, hosts=[], **event_fields(title="Lezing: ondermijning herkennen"))
    event.refresh_from_db()
    assert event.title == "Lezing: ondermijning herkennen" and not event.hosts.exists()
    assert actions() == ["learning.event_created", "learning.event_changed"]


def test_event_checks(organisation, ic):
    services.create_event(actor=ic, organisation=organisation, **event_fields())
    with pytest.raises(ValidationError, match="already an event with the code"):
        services.create_event(actor=ic, organisation=organisation, **event_fields(code="lez-1"))
    with pytest.raises(ValidationError, match="end date cannot be before"):
        services.create_event(
            actor=ic, organisation=organisation, **event_fields(code="X", end_date=dt.date(2025, 10, 1))
        )
    with pytest.raises(ValidationError, match="end time must be after"):
        services.create_event(actor=ic, organisation=organisation, **event_fields(code="Y", end_time=dt.time(12)))
    other = CourseFactory(organisation=OrganisationFactory(slug="elders", name="Elders"))
    with pytest.raises(ValidationError, match="course must belong"):
        services.create_event(actor=ic, organisation=organisation, **event_fields(code="Z", course=other))
    assert Event.objects.count() == 1


def test_e_learning_has_no_registration_and_no_places(organisation, ic):
    event = services.create_event(
        actor=ic,
        organisation=organisation,
        **event_fields(kind=Kind.ELEARNING, module_url="https://leren.example/m", capacity=20),
    )
    assert event.capacity is None and event.registration_required is False


def test_capacity_cannot_drop_below_the_registrations(event, organisation, ic):
    for _ in range(2):
        services.register(actor=None, event=event, employee=employee(organisation), now=BEFORE)
    with pytest.raises(ValidationError, match="2 people are registered already"):
        services.update_event(actor=ic, event=event, capacity=1)
    services.update_event(actor=ic, event=event, capacity=None)
    event.refresh_from_db()
    assert event.capacity is None


def test_courses_have_unique_codes(organisation, ic):
    services.create_course(
        actor=ic, organisation=organisation, code="moo", title="Morele oordeelsvorming", kind="training"
    )
    with pytest.raises(ValidationError, match="already a course with the code"):
        services.create_course(actor=ic, organisation=organisation, code="MOO", title="Iets anders", kind="training")
    with pytest.raises(ValidationError, match="Enter a code and a title"):
        services.create_course(actor=ic, organisation=organisation, code="", title="", kind="training")


def test_one_active_rule_per_course_and_group(organisation, ic):
    course = CourseFactory(organisation=organisation)
    requirement = services.create_requirement(
        actor=ic, organisation=organisation, course=course, audience="iedereen", applies_from=TODAY, due_months=12
    )
    with pytest.raises(ValidationError, match="already mandatory for this group"):
        services.create_requirement(
            actor=ic, organisation=organisation, course=course, audience="iedereen", applies_from=TODAY, due_months=6
        )
    services.create_requirement(
        actor=ic, organisation=organisation, course=course, audience="leidinggevenden", applies_from=TODAY, due_months=6
    )
    services.stop_requirement(actor=ic, requirement=requirement)
    with pytest.raises(ValidationError, match="already been stopped"):
        services.stop_requirement(actor=ic, requirement=requirement)
    services.create_requirement(
        actor=ic, organisation=organisation, course=course, audience="iedereen", applies_from=TODAY, due_months=24
    )
    assert Requirement.objects.filter(is_active=True).count() == 2


def test_requirement_input_is_checked(organisation, ic):
    course = CourseFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="at least 1"):
        services.create_requirement(
            actor=ic, organisation=organisation, course=course, audience="iedereen", applies_from=TODAY, due_months=0
        )
    with pytest.raises(ValidationError, match="Choose for whom"):
        services.create_requirement(
            actor=ic, organisation=organisation, course=course, audience="niemand", applies_from=TODAY, due_months=3
        )


def test_imported_attendance_is_written_in_one_go(organisation, event, person):
    other = employee(organisation)
    services.import_attendance(
        actor=None, organisation=organisation, records=[(event, person, event.date), (event, other, event.date)]
    )
    assert set(Attendance.objects.values_list("source", flat=True)) == {Attendance.Source.IMPORT}
    assert AuditEvent.objects.get().data == {"records": 2, "events": 1}


def test_audit_events_hold_no_content(organisation, event, person):
    AttendanceFactory(event=event, employee=person)
    RequirementFactory(organisation=organisation)
    services.register(actor=None, event=EventFactory(organisation=organisation), employee=person, now=BEFORE)
    for data in AuditEvent.objects.values_list("data", flat=True):
        assert all(isinstance(value, int | str | list) for value in data.values())
        assert person.last_name not in str(data)
