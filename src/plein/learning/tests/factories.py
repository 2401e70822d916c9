"""factory_boy factories for Leren & bewustwording."""

from datetime import date, time

import factory
from factory.django import DjangoModelFactory

from plein.core.tests.factories import OrganisationFactory
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"cursus-{n}")
    title = factory.Sequence(lambda n: f"Cursus {n}")
    kind = Kind.TRAINING


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"ACT-{n:04d}")
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    kind = Kind.TRAINING
    date = date(2025, 9, 16)
    start_time = time(9, 30)
    end_time = time(12, 30)
    location = "Provinciehuis, vergaderzaal 2.14"
    capacity = 16
    audience = "Alle medewerkers"
    organiser = "Integriteitscoördinator"


class RequirementFactory(DjangoModelFactory):
    class Meta:
        model = Requirement

    organisation = factory.SubFactory(OrganisationFactory)
    course = factory.SubFactory(CourseFactory, organisation=factory.SelfAttribute("..organisation"))
    audience = Requirement.Audience.ALL
    applies_from = date(2024, 1, 1)
    due_months = 12


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    status = Registration.Status.REGISTERED


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    attended_on = factory.LazyAttribute(lambda o: o.event.date)
    source = Attendance.Source.LIST


def employee(organisation, **fields):
    """An employee in service on the tests' day (the core factory draws a start date relative to the real today)."""
    from plein.core.tests.factories import EmployeeFactory

    fields.setdefault("start_date", date(2015, 1, 1))
    return EmployeeFactory(organisation=organisation, **fields)
