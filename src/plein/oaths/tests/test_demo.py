import random
from datetime import date, timedelta

import pytest

from plein.core.models import StructureRole
from plein.core.tests.factories import EmployeeFactory, StructureRoleFactory
from plein.oaths import selectors
from plein.oaths.demo import DEMONSTRATION_DILEMMA, SEED_CEREMONY_DATES_2024, SEED_SWORN_2024, load
from plein.oaths.models import Ceremony, CeremonyDilemma, Registration

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def fingerprint(organisation):
    return sorted(
        Registration.objects.filter(organisation=organisation).values_list(
            "employee__personnel_number", "ceremony__date", "form", "status", "source", "taken_on"
        ),
        key=repr,
    )


@pytest.fixture
def staffed(organisation):
    """Enough oath-bound starters in 2024 (220), plus earlier and later ones, and a provinciesecretaris."""
    ps = StructureRoleFactory(
        organisation=organisation,
        kind=StructureRole.Kind.PROVINCIAL_SECRETARY,
        employee__first_name="Jolanda",
        employee__infix="ter",
        employee__last_name="Horst",
        employee__start_date=date(2005, 5, 1),
    )
    rng = random.Random(7)
    for i in range(220):
        EmployeeFactory(organisation=organisation, start_date=date(2023, 12, 1) + timedelta(days=rng.randint(0, 340)))
    for i in range(30):
        EmployeeFactory(organisation=organisation, start_date=date(2023, 1, 1) + timedelta(days=rng.randint(0, 300)))
    for i in range(60):
        EmployeeFactory(organisation=organisation, start_date=date(2025, 1, 1) + timedelta(days=rng.randint(0, 690)))
    for i in range(40):
        EmployeeFactory(organisation=organisation, start_date=date(1995, 1, 1) + timedelta(days=rng.randint(0, 9000)))
    EmployeeFactory(organisation=organisation, start_date=date(2024, 3, 1), employment_type="inhuur")
    return ps


def test_reproduces_the_seed_for_2024(organisation, staffed):
    summary = load(organisation, rng=random.Random(1), today=TODAY)
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["ceremonies_held"] == 4
    assert figures["sworn"] == SEED_SWORN_2024 == 156
    assert figures["oath"] + figures["affirmation"] == 156
    assert 0 < figures["oath"] < figures["affirmation"]
    assert summary.sworn_by_year[2024] == 156
    assert summary.candidates_2024 > 156

    held_2024 = Ceremony.objects.filter(organisation=organisation, date__year=2024)
    assert sorted(c.date for c in held_2024) == list(SEED_CEREMONY_DATES_2024)
    for ceremony in held_2024:
        assert ceremony.format == Ceremony.Format.INTERACTIVE
        assert ceremony.chair_display == "Jolanda ter Horst (provinciesecretaris)"
        assert ceremony.chair == staffed.employee
        assert CeremonyDilemma.objects.filter(ceremony=ceremony, question=DEMONSTRATION_DILEMMA).exists()

    # Every oath fits the person's start date: after it, and only at a ceremony they could attend.
    for r in Registration.objects.filter(organisation=organisation, status="afgelegd").select_related("employee"):
        assert r.taken_on >= r.employee.start_date
        if r.ceremony_id:
            assert r.text is not None and r.text.effective_from <= r.taken_on
    starters_2024_sworn_2024 = Registration.objects.filter(
        organisation=organisation, status="afgelegd", taken_on__year=2024, employee__start_date__year=2024
    ).count()
    assert starters_2024_sworn_2024 > 100
    assert not Registration.objects.filter(employee__employment_type="inhuur").exists()


def test_other_years_and_today(organisation, staffed):
    summary = load(organisation, rng=random.Random(1), today=TODAY)
    assert selectors.annual_figures(organisation, 2023)["ceremonies_held"] >= 1
    assert selectors.annual_figures(organisation, 2025)["ceremonies_held"] >= 1
    assert Ceremony.objects.filter(organisation=organisation, date__year=2023, format="klassiek").exists()
    assert selectors.overdue_count(organisation, at=TODAY) > 0
    upcoming = Ceremony.objects.get(organisation=organisation, date__gt=TODAY)
    assert upcoming.registrations.filter(status="aangemeld").count() == summary.registered_upcoming > 0
    assert summary.open_unregistered > 0
    assert Registration.objects.filter(source="import").count() == summary.imported > 0
    # The 2024 overflow moved on to the first ceremony of 2025.
    assert summary.sworn_by_year[2025] > 0


def test_deterministic(organisation, staffed):
    load(organisation, rng=random.Random(3), today=TODAY)
    first = fingerprint(organisation)
    Registration.objects.all().delete()
    Ceremony.objects.all().delete()
    from plein.oaths.models import OathText

    OathText.objects.all().delete()
    load(organisation, rng=random.Random(3), today=TODAY)
    assert fingerprint(organisation) == first


def test_fewer_starters_than_the_seed_are_not_faked(organisation):
    for i in range(20):
        EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 8) + timedelta(days=15 * i))
    summary = load(organisation, rng=random.Random(1), today=TODAY)
    assert summary.candidates_2024 == 20
    assert selectors.annual_figures(organisation, 2024)["sworn"] == 20


def test_with_the_core_demo_province():
    from plein.core.demo import load_demo

    result = load_demo(seed=2024, today=TODAY)
    organisation = result.organisation
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["ceremonies_held"] == 4
    assert 0 < figures["sworn"] <= SEED_SWORN_2024
    for r in Registration.objects.filter(organisation=organisation, taken_on__year=2024).select_related("employee"):
        assert date(2023, 9, 1) <= r.employee.start_date <= r.taken_on
    chair = Ceremony.objects.filter(organisation=organisation).first().chair
    assert chair.structure_roles.filter(kind=StructureRole.Kind.PROVINCIAL_SECRETARY).exists()
    assert selectors.overdue_count(organisation, at=TODAY) > 0
