"""The demo records: the seed report's six facilitators, sessions in every state, the library and the dilemma of the
month, deterministic for one seed and one day."""

import random
from datetime import date

import pytest
import time_machine
from django.db import transaction

from plein.core.models import StructureRole
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, StructureRoleFactory, UserFactory
from plein.deliberation import selectors
from plein.deliberation.demo import DEMONSTRATION, load
from plein.deliberation.models import (
    Action,
    DeliberationRequest,
    Facilitator,
    LibraryEntry,
    Session,
    Stakeholder,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


@pytest.fixture
def staffed(organisation):
    team = OrgUnitFactory(organisation=organisation, name="Team Vergunningverlening")
    for i in range(6):
        StructureRoleFactory(organisation=organisation, kind=StructureRole.Kind.FACILITATOR, order=i + 1)
    EmployeeFactory(organisation=organisation, unit=team, user=UserFactory(email="medewerker@veenland.example"))
    EmployeeFactory(organisation=organisation, unit=team, user=UserFactory(email="manager@veenland.example"))
    for _i in range(40):
        EmployeeFactory(organisation=organisation, unit=team, start_date=date(2015, 1, 1))
    return organisation


def fingerprint(organisation):
    return {
        "facilitators": sorted(
            Facilitator.objects.filter(organisation=organisation).values_list(
                "employee__personnel_number", "training_status", "training_started_on", "certified_on", "available"
            )
        ),
        "sessions": sorted(
            Session.objects.filter(organisation=organisation).values_list(
                "title", "status", "held_on", "participant_count", "join_code", "content_deleted_at"
            ),
            key=repr,
        ),
        "participants": sorted(
            Session.objects.filter(organisation=organisation).values_list(
                "title", "participants__employee__personnel_number"
            ),
            key=repr,
        ),
        "library": sorted(
            LibraryEntry.objects.filter(organisation=organisation).values_list("title", "number", "status"), key=repr
        ),
    }


def test_six_facilitators_trained_in_2024_and_2025_as_in_the_seed(staffed):
    with time_machine.travel(TODAY, tick=False):
        load(staffed, rng=random.Random(1), today=TODAY)
    facilitators = Facilitator.objects.filter(organisation=staffed)
    assert facilitators.count() == 6
    assert {f.employee_id for f in facilitators} == set(
        StructureRole.objects.filter(kind=StructureRole.Kind.FACILITATOR).values_list("employee_id", flat=True)
    )
    assert all(f.training_started_on.year == 2024 for f in facilitators)
    assert all(f.certified_on < date(2025, 7, 1) for f in facilitators)  # before the summer of 2025
    figures_2024 = selectors.annual_figures(staffed, 2024)
    assert figures_2024["facilitators"] == 6 and figures_2024["facilitators_in_training"] == 6
    assert figures_2024["sessions_held"] == 2  # practice sessions during the training
    figures_2025 = selectors.annual_figures(staffed, 2025)
    assert figures_2025["facilitators_certified"] == 6 and figures_2025["certified_in_year"] == 6


def test_before_the_certificates_the_facilitators_are_in_training(staffed):
    day = date(2025, 6, 1)
    with time_machine.travel(day, tick=False):
        load(staffed, rng=random.Random(1), today=day)
    statuses = sorted(Facilitator.objects.values_list("training_status", flat=True))
    assert statuses == ["gecertificeerd"] * 3 + ["in_opleiding"] * 3


def test_sessions_in_every_state_and_retention_applied(staffed):
    with time_machine.travel(TODAY, tick=False):
        load(staffed, rng=random.Random(1), today=TODAY)
    sessions = Session.objects.filter(organisation=staffed)
    assert set(sessions.values_list("status", flat=True)) == set(Session.Status.values)
    practice = sessions.filter(held_on__year=2024)
    assert practice.count() == 2
    for session in practice:  # held more than twelve months ago: content gone, actions kept
        assert session.content_deleted_at is not None and session.case_description == ""
        assert not Stakeholder.objects.filter(session=session).exists()
        assert Action.objects.filter(session=session).exists()
    recent = sessions.filter(status=Session.Status.HELD, held_on__year=2026)
    assert recent.count() == 2 and all(s.content_deleted_at is None for s in recent)
    for session in recent:
        record = selectors.session_record(session)
        assert record.choices and record.matrix.has_scores and record.actions and session.case_description
    live = sessions.get(status=Session.Status.RUNNING)
    assert live.join_code and live.code_is_valid(live.started_at)
    assert live.facilitators.filter(employee__pk=Facilitator.objects.order_by("pk").first().employee_id).exists()
    statuses = set(DeliberationRequest.objects.filter(organisation=staffed).values_list("status", flat=True))
    assert statuses == {"ingediend", "ingepland", "afgewezen"}
    sanne = staffed.employees.get(user__email="medewerker@veenland.example")
    assert sessions.filter(participants__employee=sanne, status=Session.Status.HELD).exists()
    assert sessions.filter(participants__employee=sanne, status=Session.Status.PLANNED).exists()


def test_the_library_has_the_oath_ceremonies_dilemma_as_dilemma_of_the_month(staffed):
    with time_machine.travel(TODAY, tick=False):
        load(staffed, rng=random.Random(1), today=TODAY)
        found = selectors.dilemma_of_the_month(staffed)
    entry = LibraryEntry.objects.get(title="Ambtenaar zijn én gaan demonstreren")
    assert (
        entry.question
        == "Hoe verhoudt het demonstratierecht zich tot het zijn van ambtenaar?"
        == DEMONSTRATION["question"]
    )
    assert entry.status == LibraryEntry.Status.PUBLISHED and entry.use_at_ceremonies and entry.reference == "MB-001"
    assert entry in selectors.ceremony_dilemmas(staffed)
    assert found.title == entry.title and found.poll_open and found.total_votes == 23
    assert LibraryEntry.objects.filter(status=LibraryEntry.Status.PROPOSED, source_session__isnull=False).count() == 1
    assert selectors.library(staffed).count() == 5


class Rollback(Exception):
    pass


def loaded_fingerprint(organisation, seed: int) -> dict:
    """Load, take the fingerprint, and roll back, so that the next load starts from the same data."""
    try:
        with transaction.atomic(), time_machine.travel(TODAY, tick=False):
            load(organisation, rng=random.Random(seed), today=TODAY)
            found = fingerprint(organisation)
            raise Rollback
    except Rollback:
        return found


def test_the_same_seed_and_day_give_the_same_records(staffed):
    first = loaded_fingerprint(staffed, 3)
    assert first["facilitators"] and first["sessions"] and first["library"]
    assert loaded_fingerprint(staffed, 3) == first
    assert loaded_fingerprint(staffed, 4)["participants"] != first["participants"]
