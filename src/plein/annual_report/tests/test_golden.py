"""Golden test: a small, fixed organisation whose every figure for 2024 is counted by hand below.

The records are written through the other apps' own importers, services and factories. Each expected number has
its reasoning next to it, so a failing figure says which counting rule changed.
"""

import datetime as dt

import pytest
from django.utils import translation

from plein.annual_report import selectors
from plein.annual_report.tests.builders import (
    account,
    acknowledge,
    at,
    person,
    run_import,
    set_up_reporting,
    structure,
    submit_report,
    travel,
)
from plein.core import roles as R
from plein.core.models import Position, StructureRole

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 2, 1)
YEAR = 2024


def build(organisation):
    from plein.declarations.importers import OutsideActivityImporter
    from plein.learning.importers import AttendanceImporter, EventImporter
    from plein.oaths.models import Form, Registration
    from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken
    from plein.positions.importers import PositionImporter

    # Positions, inventoried in June 2024 (the inventory's history is dated when it is written).
    with travel(dt.date(2024, 6, 1)):
        run_import(
            PositionImporter(organisation=organisation),
            [
                "functiecode",
                "functienaam",
                "organisatieonderdeel",
                "kwetsbare_gebieden",
                "vog_vereist",
                "financiele_belangen_melden",
                "nevenfuncties_openbaar",
                "laatst_beoordeeld",
                "risiconiveau",
            ],
            [
                ["PA", "Adviseur", "", "informatie", "ja", "nee", "ja", "2024-05-01", "midden"],
                ["PB", "Medewerker", "", "", "nee", "nee", "nee", "2020-01-15", "geen"],
                ["PC", "Inkoper", "", "geld|diensten", "ja", "ja", "nee", "2024-05-01", "hoog"],
            ],
        )
    pa, pc = Position.objects.get(code="PA"), Position.objects.get(code="PC")

    # People. In service on 31-12-2024: A B C D E F G H K (9). I left in 2023, J in March 2024.
    people = {
        "A": person(organisation, "1001", dt.date(2015, 1, 1), position=pa),
        "B": person(organisation, "1002", dt.date(2024, 2, 1), position=pc),
        "C": person(organisation, "1003", dt.date(2024, 2, 15), kind="tijdelijk"),
        "D": person(organisation, "1004", dt.date(2024, 5, 1)),
        "E": person(organisation, "1005", dt.date(2024, 8, 1)),
        "F": person(organisation, "1006", dt.date(2024, 9, 1), kind="stagiair"),
        "G": person(organisation, "1007", dt.date(2024, 11, 15)),
        "H": person(organisation, "1008", dt.date(2020, 1, 1), kind="inhuur"),
        "I": person(organisation, "1009", dt.date(2010, 1, 1), end=dt.date(2023, 6, 30)),
        "J": person(organisation, "1010", dt.date(2024, 1, 10), end=dt.date(2024, 3, 31)),
        "K": person(organisation, "1011", dt.date(2023, 9, 1)),
    }

    # Oaths. 2024: ceremonies C1 (B oath, C affirmation) and C2 (D affirmation); C3 only has an open registration;
    # F individually on 20-12 (late: due 01-12). K in 2023, A in 2015.
    c0 = CeremonyFactory(organisation=organisation, date=dt.date(2023, 11, 1))
    c1 = CeremonyFactory(organisation=organisation, date=dt.date(2024, 3, 14))
    c2 = CeremonyFactory(organisation=organisation, date=dt.date(2024, 6, 13))
    c3 = CeremonyFactory(organisation=organisation, date=dt.date(2024, 10, 10))
    taken(people["K"], dt.date(2023, 11, 1), ceremony=c0)
    taken(people["A"], dt.date(2015, 2, 1))
    taken(people["B"], dt.date(2024, 3, 14), ceremony=c1, form=Form.OATH)
    taken(people["C"], dt.date(2024, 3, 14), ceremony=c1, form=Form.AFFIRMATION)
    taken(people["D"], dt.date(2024, 6, 13), ceremony=c2, form=Form.AFFIRMATION)
    taken(people["F"], dt.date(2024, 12, 20), form=Form.OATH)
    RegistrationFactory(
        organisation=organisation, employee=people["E"], ceremony=c3, status=Registration.Status.REGISTERED
    )

    # Reports: R1 (anonymous, acknowledged on time), R2 (confidential, acknowledged late), R3 (named, 31-12 23:30,
    # still 2024 in Amsterdam), R4 (23:59 on 31-12-2023) and R5 (00:30 on 1-1-2025) fall outside 2024.
    setup = set_up_reporting(organisation, "misstand", "integriteit")
    misstand, integriteit = setup["channels"]["misstand"], setup["channels"]["integriteit"]
    handler = account(organisation, R.INTEGRITY_COORDINATOR)
    r1 = submit_report(misstand, at(2024, 2, 10, 10), mode="anonymous")
    r2 = submit_report(misstand, at(2024, 5, 5, 9), mode="confidential")
    submit_report(integriteit, at(2024, 12, 31, 23, 30), mode="named")
    submit_report(misstand, at(2023, 12, 31, 23, 59), mode="anonymous")
    submit_report(integriteit, at(2025, 1, 1, 0, 30), mode="anonymous")
    acknowledge(r1, setup, handler, at(2024, 2, 14))  # deadline 17-02
    acknowledge(r2, setup, handler, at(2024, 5, 20))  # deadline 12-05: late

    with travel(TODAY):
        run_import(
            OutsideActivityImporter(organisation=organisation),
            [
                "personeelsnummer",
                "meldingsdatum",
                "organisatie",
                "omschrijving",
                "bezoldigd",
                "uren_per_maand",
                "begindatum",
                "einddatum",
                "besluit",
                "besluitdatum",
            ],
            [
                [
                    "1001",
                    "2024-03-01",
                    "Stichting Veen",
                    "Bestuurslid",
                    "nee",
                    4,
                    "2024-04-01",
                    "",
                    "toegestaan",
                    "2024-03-20",
                ],
                [
                    "1002",
                    "2024-06-01",
                    "Bouwbedrijf X",
                    "Adviseur",
                    "ja",
                    10,
                    "2024-07-01",
                    "",
                    "geweigerd",
                    "2024-06-15",
                ],
                ["1004", "2024-11-20", "Voetbalclub", "Trainer", "nee", 6, "2025-01-01", "", "in_behandeling", ""],
                [
                    "1011",
                    "2023-12-10",
                    "Muziekschool",
                    "Docent",
                    "ja",
                    8,
                    "2024-01-01",
                    "2024-06-30",
                    "toegestaan_onder_voorwaarden",
                    "2024-01-05",
                ],
                [
                    "1001",
                    "2022-05-01",
                    "Dorpshuis",
                    "Penningmeester",
                    "nee",
                    2,
                    "2022-05-01",
                    "",
                    "toegestaan",
                    "2022-05-10",
                ],
            ],
        )
        run_import(
            EventImporter(organisation=organisation),
            ["code", "titel", "soort", "datum", "organisator"],
            [
                ["SHOW-24", "De Integriteit Show", "voorstelling", "2024-04-11", "Ondernemingsraad"],
                ["WS-24", "Workshop voor leidinggevenden", "workshop", "2024-10-17", "Integriteitscoördinator"],
                ["TR-23", "Training integriteit", "training", "2023-10-12", "Integriteitscoördinator"],
            ],
        )
        run_import(
            AttendanceImporter(organisation=organisation, today=TODAY),
            ["code", "personeelsnummer"],
            [["SHOW-24", "1001"], ["SHOW-24", "1002"], ["SHOW-24", "1003"], ["TR-23", "1001"]],
        )

    # Moral deliberation: two facilitators in training since March 2024.
    from plein.deliberation.tests.factories import FacilitatorFactory

    FacilitatorFactory(organisation=organisation, employee=people["A"], training_started_on=dt.date(2024, 3, 4))
    FacilitatorFactory(organisation=organisation, employee=people["K"], training_started_on=dt.date(2024, 3, 4))

    # The integrity structure: two public roles and a non-public investigator.
    structure(organisation, StructureRole.Kind.INTEGRITY_COORDINATOR, "Ineke Test", email="ic@example.org")
    structure(organisation, StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL, "Vera Vertrouwen", email="vp@example.org")
    structure(organisation, StructureRole.Kind.INVESTIGATOR, "Ivo Onderzoek", is_public=False)
    return people


def report(organisation, *, published=False):
    with travel(TODAY), translation.override("en"):
        return selectors.build_report(organisation, YEAR, published=published, today=TODAY)


def test_golden_figures(organisation):
    """One data set (building it is the slow part), every block checked by its own function below."""
    build(organisation)
    data = report(organisation)
    check_contract_and_people(organisation, data)
    check_oath(data)
    check_reports(data)
    check_consultations_are_reported_as_missing_not_as_zero(data)
    check_declarations_and_positions(data)
    check_deliberation_learning_structure(data)
    check_basic_norms(data)


def check_contract_and_people(organisation, data):
    assert data["organisation"] == organisation.name
    assert data["year"] == 2024
    assert data["reference_date"] == "2024-12-31" and data["year_complete"] is True
    assert data["employees"] == {"at_year_end": 9}


def check_oath(data):
    oath = data["oath"]
    assert oath["ceremonies"] == 2  # C1 and C2; C3 has no oath taken, C0 is 2023
    assert oath["sworn"] == 4  # B, C, D at ceremonies and F individually
    assert (oath["oath"], oath["affirmation"]) == (2, 2)  # B, F / C, D
    assert oath["overdue_at_year_end"] == 1  # E: due 01-11-2024, no oath; G not due yet; J left; H is external
    # Due in 2024: B (05-01), C (05-15), D (08-01), E (11-01), F (12-01); J left before its due date.
    assert oath["within_term"] == {"due": 5, "in_time": 3, "percentage": 60}
    assert oath["median_days_to_oath"] == 42.5  # 28, 42, 43, 110 days


def check_reports(data):
    reports = data["reports"]
    assert reports["received"] == 3
    assert reports["anonymous"] == 1
    assert reports["by_channel"] == {"misstand": 2, "integriteit": 1}
    assert reports["channel_names"] == {"misstand": "Kanaal misstand", "integriteit": "Kanaal integriteit"}
    assert reports["acknowledged_within_term"] == 1
    assert reports["closed"] == 0
    # From the case handling (Dossiers): no feedback given and no outcome decided yet; zero, not "not available".
    assert reports["feedback_within_term"] == 0
    assert reports["substantiated"] == 0
    assert reports["per_100_employees"] == 33.33  # 3 / 9 × 100
    assert data["benchmark"]["per_100_employees"] == 33.33
    assert [r["per_100_employees"] for r in data["benchmark"]["references"]] == [1.57, 0.67]
    assert data["trends"]["years"] == [2020, 2021, 2022, 2023, 2024]
    assert data["trends"]["series"]["reports.received"] == [0, 0, 0, 1, 3]  # R4 is 2023


def check_consultations_are_reported_as_missing_not_as_zero(data):
    consultations = data["consultations"]
    if consultations["available"]:  # the register has landed: nothing was recorded in this data set
        assert consultations["total"] == 0
        assert consultations["most_frequent_topic"] is None
    else:
        assert consultations["total"] is None
        assert consultations["by_requester"] == {"medewerker": None, "leidinggevende": None, "extern": None}


def check_declarations_and_positions(data):
    activities = data["outside_activities"]
    assert activities["declared"] == 3  # declared in 2024 by 1001, 1002, 1004
    assert activities["decided"] == 3  # decided in 2024: 1001 (03-20), 1002 (06-15), 1011 (01-05)
    assert activities["by_decision"] == {
        "in_behandeling": 1,
        "toegestaan": 1,
        "toegestaan_onder_voorwaarden": 0,
        "geweigerd": 1,
    }
    assert activities["active_at_year_end"] == 2  # both of 1001; 1011's ended 30-06, 1002's was refused
    assert activities["published"] == 2  # 1001 holds PA, designated for publication
    assert activities["campaign_completion"]["percent"] is None  # no campaign in 2024
    assert activities["gifts"] == 0
    assert activities["consultations"] == 0  # the register is installed and holds nothing in this data set
    assert data["trends"]["series"]["outside_activities.declared"] == [0, 0, 1, 1, 3]

    positions = data["positions"]
    assert positions["positions_inventoried"] == 3
    assert positions["vulnerable"] == 2  # PA (information), PC (money, services)
    assert positions["vog_required"] == 2  # PA, PC
    assert positions["review_overdue"] == 1  # PB: reviewed 15-01-2020, next review due 15-01-2023


def check_deliberation_learning_structure(data):
    assert data["deliberation"]["facilitators"] == 2
    assert data["deliberation"]["sessions"] == 0
    assert data["deliberation"]["participants"] == 0
    learning = data["learning"]
    assert [(e["title"], e["date"], e["kind"], e["participants"]) for e in learning["events"]] == [
        ("De Integriteit Show", "2024-04-11", "voorstelling", 3),
        ("Workshop voor leidinggevenden", "2024-10-17", "workshop", 0),
    ]
    assert (learning["events_total"], learning["participants_total"]) == (2, 3)
    assert data["structure"] == [
        {"kind": "integrity_coordinator", "label": "Integrity coordinator", "count": 1, "holders": ["Ineke Test"]},
        {
            "kind": "confidential_adviser_external",
            "label": "Confidential adviser (external)",
            "count": 1,
            "holders": ["Vera Vertrouwen"],
        },
    ]
    assert data["structure_total"] == 2


def check_basic_norms(data):
    norms = {n["number"]: n for n in data["basic_norms"]}
    assert [n["number"] for n in data["basic_norms"]] == list(range(1, 14))
    assert {k: n["status"] for k, n in norms.items()} == {
        1: "amber",  # 2 activities, no coverage course
        2: "red",  # no code of conduct in the policy register
        3: "unknown",  # no new hire in a designated position in the second half of 2024
        4: "red",  # 1 of 3 reviews overdue = 33% > 25%
        5: "red",  # 60% on time < 70%
        6: "amber",  # declarations, but no confirmation campaign
        7: "red",  # B holds PC (financial interests) and declared nothing
        8: "unknown",
        9: "unknown",  # no gifts declared
        10: "unknown",
        11: "green",  # an external confidential adviser with an e-mail address
        12: "amber",  # 1 of 3 acknowledged within the term
        13: "green",  # an investigator is appointed; feedback times not available
    }
    assert norms[5]["evidence"].startswith("60%")
    assert "3 of 5" in norms[5]["evidence"]
    assert "0 of 1" in norms[7]["evidence"]
    assert all(n["evidence"] for n in data["basic_norms"])


def test_published_version_hides_small_counts(organisation):
    build(organisation)
    data = report(organisation, published=True)
    hidden = set(data["privacy"]["suppressed"])
    assert data["privacy"]["threshold"] == 5
    assert hidden == {
        "reports.by_channel.integriteit",
        "reports.by_channel.misstand",
        "reports.by_category.unclassified",
        "outside_activities.by_decision.geweigerd",
        "outside_activities.by_decision.in_behandeling",
        "outside_activities.by_decision.toegestaan",
        "oath.oath",
        "oath.affirmation",
        "reports.anonymous",
        "learning.events.0.participants",  # the show: 3
        "learning.events.1.participants",  # the workshop's 0, else the total (3) would give the show's 3 away
    }
    assert data["outside_activities"]["by_decision"]["toegestaan_onder_voorwaarden"] == 0  # zero is shown
    assert data["reports"]["received"] == 3 and data["oath"]["sworn"] == 4  # totals stay
    assert "per_kind" not in data["learning"]
    # The evidence texts do not give small counts of people away either.
    norms = {n["number"]: n for n in data["basic_norms"]}
    assert norms[7]["evidence"].startswith("0 of fewer than 5 people")  # zero is shown; the base of 1 is not
    # 3 in time is hidden; the base of 5 is not small, so the percentage stays.
    assert norms[5]["evidence"] == (
        "60% on time. Fewer than 5 of 5 took the oath or affirmation within the term; fewer than 5 overdue at the end "
        "of the year."
    )
