import datetime as dt

import pytest
import time_machine

from plein.core import roles as R
from plein.core.tests.factories import OrgUnitFactory
from plein.declarations import selectors, services
from plein.declarations.importers import OutsideActivityImporter
from plein.declarations.models import Decision, OutsideActivity
from plein.declarations.tests.helpers import TODAY, activity_data, decided, declare, person

pytestmark = pytest.mark.django_db

HEADER = "personeelsnummer;meldingsdatum;organisatie;omschrijving;bezoldigd;uren_per_maand;begindatum;einddatum;besluit;besluitdatum\n"


def run_import(organisation, rows):
    return OutsideActivityImporter(organisation=organisation).run((HEADER + "\n".join(rows) + "\n").encode())


@time_machine.travel(dt.date(2025, 3, 1), tick=False)
def test_annual_figures_follow_the_definitions(organisation, unit):
    a = person(organisation, unit, personnel_number="1001")
    b = person(organisation, unit, personnel_number="1002", publish=True)
    c = person(organisation, unit, personnel_number="1003", publish=True, end_date=dt.date(2024, 6, 30))
    assert a and b and c
    result = run_import(
        organisation,
        [
            # declared and decided in 2024, active at its end
            "1001;2024-02-01;Stichting A;Voorzitter;nee;4;2024-02-01;;toegestaan;2024-02-20",
            # declared 2024, decided 2025: counted as declared in 2024, decided in 2025
            "1001;2024-12-15;Stichting B;Lid;ja;2;2024-12-01;;toegestaan_onder_voorwaarden;2025-01-10",
            # ends exactly on 31 December: not active at year end (einddatum must be later)
            "1001;2024-03-01;Stichting C;Trainer;ja;8;2024-03-01;2024-12-31;toegestaan;2024-03-05",
            # ends later: active
            "1002;2024-04-01;Gemeente X;Raadslid;ja;16;2024-04-01;2025-03-31;toegestaan;2024-04-10",
            # refused: not active
            "1002;2024-05-01;Bedrijf Y;Adviseur;ja;20;2024-05-01;;geweigerd;2024-05-20",
            # still being assessed
            "1002;2024-11-01;Club Z;Secretaris;nee;2;2024-11-01;;in_behandeling;",
            # starts in 2025: not active at the end of 2024
            "1002;2024-12-20;Stichting D;Bestuurslid;nee;2;2025-01-01;;toegestaan;2024-12-22",
            # declared in 2023
            "1001;2023-06-01;Stichting E;Lid;nee;1;2023-06-01;;toegestaan;2023-06-02",
            # an employee who left in 2024: active, but not published
            "1003;2024-01-10;Stichting F;Lid;nee;1;2024-01-10;;toegestaan;2024-01-12",
        ],
    )
    assert result.ok, result.errors
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["declared"] == 8
    assert figures["decided"] == 6
    assert figures["by_decision"] == {
        "toegestaan": 5,
        "toegestaan_onder_voorwaarden": 1,
        "geweigerd": 1,
        "in_behandeling": 1,
    }
    # A(2024-02), B(start 2024-12, decided later), Gemeente X, Stichting E (2023), Stichting F (1003).
    assert figures["active_at_year_end"] == 5
    # Only 1002's Gemeente X: 1002 is in a position designated for publication and in service.
    assert figures["published"] == 1
    assert selectors.annual_figures(organisation, 2025)["decided"] == 1
    assert selectors.annual_figures(organisation, 2023)["declared"] == 1
    assert figures["campaign_completion"] == {"participants": 0, "confirmed": 0, "percent": 0}


def test_figures_for_campaign_and_gifts(organisation, unit, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    people = [person(organisation, unit) for _ in range(4)]
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    for employee in people[:2]:
        participant = campaign.participants.get(employee=employee)
        services.confirm_participation(actor=None, participant=participant, response="geen", today=TODAY)
    for value in ("10", "20", "300"):
        services.declare_gift(
            actor=None,
            employee=people[0],
            data=services.GiftInput("geschenk", "ontvangen", "X", "Y", "Z", value, TODAY),
            today=TODAY,
        )
    figures = selectors.annual_figures(organisation, 2025)
    total = campaign.participants.count()
    assert figures["campaign_completion"] == {"participants": total, "confirmed": 2, "percent": round(200 / total)}
    assert figures["gifts_by_decision"]["automatisch_geaccepteerd"] == 2
    assert figures["gifts_by_decision"]["in_behandeling"] == 1
    assert figures["gifts"] == 3


def test_public_register_shows_only_designated_allowed_current(organisation, unit):
    published = person(organisation, unit, publish=True)
    plain = person(organisation, unit)
    financial_only = person(organisation, unit, financial=True)
    left = person(organisation, unit, publish=True, end_date=dt.date(2025, 1, 31))
    shown = decided(published, role="Voorzitter", paid=True)
    decided(published, "geweigerd", role="Geweigerd")
    decided(published, role="Ended", end_date=dt.date(2025, 5, 1))
    declare(published, actor=None, role="Pending")
    decided(published, role="Future", start_date=dt.date(2025, 9, 1))
    decided(plain, role="Not designated")
    decided(financial_only, role="Financial only")
    decided(left, role="Left")
    entries = selectors.public_register(organisation, TODAY)
    assert [(e.name, e.role, e.paid) for e in entries] == [(published.full_name, "Voorzitter", True)]
    entry = entries[0]
    assert entry.position == published.position.title
    assert entry.last_confirmed == shown.last_confirmed_on
    assert set(vars(entry)) == {"name", "sort_name", "position", "organisation", "role", "paid", "last_confirmed"}
    assert selectors.public_register(None, TODAY) == []


def test_public_register_leaves_out_people_not_yet_in_service_and_of_other_organisations(organisation, unit):
    from plein.core.tests.factories import OrganisationFactory

    starting = person(organisation, unit, publish=True, start_date=dt.date(2025, 9, 1))
    elsewhere = OrganisationFactory(slug="elders", name="Gemeente Elders", short_name="Elders")
    other = person(elsewhere, publish=True)
    decided(starting, role="Not yet in service")
    decided(other, role="Other organisation")
    assert selectors.public_register(organisation, TODAY) == []
    assert [e.role for e in selectors.public_register(elsewhere, TODAY)] == ["Other organisation"]


def test_public_register_query_joins_the_employee_instead_of_listing_everyone_in_service(organisation):
    """Issue 12: ``employee_id IN (every employee in service)`` made the database scan all employees (35,000 at
    scale) for every page and count; the conditions belong on the joined employee row."""
    sql = str(selectors.public_register_qs(organisation, TODAY).query)
    assert 'FROM "core_employee"' not in sql
    assert 'JOIN "core_employee"' in sql


def test_register_rows_of_employees_and_candidates_in_one_query(
    organisation, unit, make_user, django_assert_num_queries
):
    hr = make_user(R.HR)
    employee = person(organisation, unit, first_name="Anna", infix="de", last_name="Vries")
    declared = declare(employee, actor=None, role="Voorzitter", external_organisation="Stichting A")
    allowed = decided(employee, "toegestaan_onder_voorwaarden", role="Lid", external_organisation="Vereniging B")
    candidate = services.create_candidate(
        actor=hr,
        organisation=organisation,
        first_name="Jorien",
        last_name="Bakker",
        interview_on=dt.date(2025, 5, 1),
        start_date=dt.date(2025, 7, 1),
    )
    interview = services.record_candidate_activity(
        actor=hr, candidate=candidate, data=activity_data(role="Trainer"), today=TODAY
    )
    qs = selectors.for_register(selectors.activities_visible_to(make_user(R.INTEGRITY_COORDINATOR), organisation))
    with django_assert_num_queries(1):
        rows = {row.pk: row for row in selectors.register_rows(qs.order_by("pk"))}
    assert set(rows) == {declared.pk, allowed.pk, interview.pk}
    row = rows[allowed.pk]
    assert (row.name, row.is_candidate, row.unit, row.role, row.external_organisation) == (
        "Vries, Anna de",
        False,
        unit.name,
        "Lid",
        "Vereniging B",
    )
    assert (row.status, row.decision, row.declared_on) == ("besloten", "toegestaan_onder_voorwaarden", TODAY)
    assert row.status_label == str(OutsideActivity.Status.DECIDED.label)
    assert row.decision_label == str(Decision.ALLOWED_WITH_CONDITIONS.label)
    assert rows[declared.pk].decision_label == str(Decision.PENDING.label)
    candidate_row = rows[interview.pk]
    assert (candidate_row.name, candidate_row.is_candidate, candidate_row.unit) == ("Jorien Bakker", True, "")


def test_visibility_employee_manager_ic(organisation, unit, make_user):
    team = OrgUnitFactory(organisation=organisation, parent=unit, name="Team")
    other_unit = OrgUnitFactory(organisation=organisation, name="Elders")
    boss = make_user(R.MANAGER, unit=team, employee_unit=team)
    mine = declare(person(organisation, team), actor=None)
    theirs = declare(person(organisation, other_unit), actor=None)
    own = declare(boss.employee)
    assert set(selectors.activities_visible_to(boss, organisation)) == {mine}
    ic = make_user(R.INTEGRITY_COORDINATOR)
    assert set(selectors.activities_visible_to(ic, organisation)) == {mine, theirs, own}
    assert not selectors.activities_visible_to(make_user(), organisation).exists()
    assert not selectors.activities_visible_to(make_user(R.AUDITOR), organisation).exists()


def test_financial_interests_declared_for_positions(organisation, unit):
    holder = person(organisation, unit, financial=True)
    none = person(organisation, unit, financial=True)
    nothing = person(organisation, unit, financial=True)
    services.declare_financial_interest(
        actor=None, employee=holder, kind="belang", description="Aandelen", institution="X", today=TODAY
    )
    services.make_financial_statement(actor=None, employee=none, has_interests=False, today=TODAY)
    ids = set(selectors.employees_with_financial_interests_declared(organisation).values_list("pk", flat=True))
    assert ids == {holder.pk, none.pk}
    assert nothing.pk not in ids
    # The positions app reads it through its integration point.
    from plein.positions import integrations

    declared = integrations.financial_interests_declared_ids(organisation)
    assert set(declared.values_list("pk", flat=True)) == {holder.pk, none.pk}


def test_campaign_progress_per_unit(organisation, unit, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    a = OrgUnitFactory(organisation=organisation, parent=unit, name="A")
    b = OrgUnitFactory(organisation=organisation, parent=unit, name="B")
    people_a = [person(organisation, a) for _ in range(3)]
    [person(organisation, b) for _ in range(2)]
    campaign = services.start_campaign(
        actor=ic, organisation=organisation, year=2025, scope="iedereen", deadline=dt.date(2025, 7, 1), today=TODAY
    )
    services.confirm_participation(
        actor=None, participant=campaign.participants.get(employee=people_a[0]), response="geen", today=TODAY
    )
    units, total = selectors.campaign_progress(ic, campaign)
    by_path = {u.path: (u.done, u.total, u.percent) for u in units}
    assert by_path[a.path] == (1, 3, 33)
    assert by_path[b.path] == (0, 2, 0)
    boss = make_user(R.MANAGER, unit=b)
    units, total = selectors.campaign_progress(boss, campaign)
    assert [u.path for u in units] == [b.path]
    assert set(selectors.open_participants(boss, campaign).values_list("unit_id", flat=True)) == {b.pk}
