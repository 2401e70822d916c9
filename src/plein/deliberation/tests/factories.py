"""factory_boy factories and small builders for moral deliberation tests."""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from plein.core import roles as R
from plein.core.selectors import employee_for
from plein.core.tests.factories import EmployeeFactory, OrganisationFactory
from plein.deliberation import selectors
from plein.deliberation.models import (
    DeliberationRequest,
    Facilitator,
    LibraryEntry,
    MethodVersion,
    Participant,
    Session,
    Theme,
)


class FacilitatorFactory(DjangoModelFactory):
    class Meta:
        model = Facilitator

    organisation = factory.SubFactory(OrganisationFactory)
    employee = factory.SubFactory(EmployeeFactory, organisation=factory.SelfAttribute("..organisation"))
    training_status = Facilitator.Training.CERTIFIED
    training_started_on = date(2024, 3, 4)
    certified_on = date(2025, 5, 22)
    available = True


class RequestFactory(DjangoModelFactory):
    class Meta:
        model = DeliberationRequest

    organisation = factory.SubFactory(OrganisationFactory)
    requester = factory.SubFactory(EmployeeFactory, organisation=factory.SelfAttribute("..organisation"))
    theme = Theme.CONFLICT_OF_INTEREST
    situation = "Een collega behandelt een aanvraag van zijn zwager."
    urgency = DeliberationRequest.Urgency.NORMAL


def dilemma_method(organisation) -> MethodVersion:
    return next(v for v in selectors.current_versions(organisation) if v.method.key == "dilemmamethode")


def light_variant(organisation) -> MethodVersion:
    return next(v for v in selectors.current_versions(organisation) if v.method.key == "lichte-variant")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Moreel beraad {n}")
    theme = Theme.CONFLICT_OF_INTEREST
    method_version = factory.LazyAttribute(lambda o: dilemma_method(o.organisation))
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    location = "Provinciehuis"

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilitators.set(extracted)


def facilitator_user(make_user, organisation, **fields):
    """An account with the facilitator role and a record in the facilitator register."""
    user = make_user(R.FACILITATOR)
    facilitator = FacilitatorFactory(organisation=organisation, employee=employee_for(user), **fields)
    return user, facilitator


def participant(session, user=None, *, employee=None, joined=True) -> Participant:
    employee = employee or employee_for(user)
    return Participant.objects.create(
        session=session, employee=employee, joined_at=timezone.now() if joined else None, invited_at=timezone.now()
    )


def running(session, *, code="ABC234", minutes=60) -> Session:
    session.status = Session.Status.RUNNING
    session.started_at = timezone.now()
    session.join_code = code
    session.join_code_expires_at = timezone.now() + timedelta(minutes=minutes)
    session.save()
    return session


def held(session, day: date | None = None) -> Session:
    day = day or timezone.localdate()
    session.status = Session.Status.HELD
    session.held_on = day
    session.closed_at = timezone.make_aware(datetime.combine(day, time(12)))
    session.participant_count = session.participants.filter(joined_at__isnull=False).count()
    session.join_code = ""
    session.save()
    return session


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = LibraryEntry

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Dilemma {n}")
    theme = Theme.GIFTS
    situation = "Een leverancier biedt kaartjes aan voor een wedstrijd."
    question = "Neem je de kaartjes aan?"
    option_a = "Aannemen en melden"
    option_b = "Vriendelijk afslaan"
    considerations = "Onafhankelijkheid weegt zwaar."
    status = LibraryEntry.Status.PUBLISHED
    number = factory.Sequence(lambda n: n + 1)
    published_at = factory.LazyFunction(timezone.now)
