"""Property: for random records imported through the apps' own import services, the report's figures equal an
independent count made here from the rows themselves (docs/annual-report.md, "Counting rules")."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plein.annual_report import selectors
from plein.annual_report.tests.builders import csv_bytes, run_import, travel

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 2, 1)
FIRST, LAST = dt.date(2021, 1, 1), dt.date(2025, 1, 31)
KINDS = ["vast", "tijdelijk", "stagiair", "inhuur"]
DECISIONS = ["toegestaan", "toegestaan_onder_voorwaarden", "geweigerd", "in_behandeling"]
EVENT_KINDS = ["training", "workshop", "lezing", "voorstelling", "bijeenkomst", "e-learning"]

days = st.dates(min_value=FIRST, max_value=LAST)

person_strategy = st.tuples(
    days,  # start date
    st.one_of(st.none(), st.integers(min_value=0, max_value=1200)),  # days until the end date
    st.sampled_from(KINDS),
    st.one_of(
        st.none(),
        st.tuples(
            st.integers(-30, 400),
            st.sampled_from(["eed", "belofte"]),
            st.sampled_from(["", "", "Bijeenkomst A", "Bijeenkomst B"]),
        ),
    ),
)
activity_strategy = st.tuples(
    st.integers(min_value=0, max_value=99),  # whose (modulo the number of people)
    days,  # declared on
    st.sampled_from(DECISIONS),
    st.integers(min_value=0, max_value=90),  # days until the decision
    st.integers(min_value=-60, max_value=120),  # start, relative to the declaration
    st.one_of(st.none(), st.integers(min_value=0, max_value=700)),  # days until the end
)
event_strategy = st.tuples(days, st.sampled_from(EVENT_KINDS), st.sets(st.integers(0, 99), max_size=6))


def import_everything(organisation, people, activities, events):
    from plein.core.services.people_import import import_people
    from plein.declarations.importers import OutsideActivityImporter
    from plein.learning.importers import AttendanceImporter, EventImporter
    from plein.oaths.importers import OathImporter

    rows, numbers = [], []
    for i, (start, until_end, kind, _oath) in enumerate(people):
        end = start + dt.timedelta(days=until_end) if until_end is not None else None
        numbers.append(f"P{i:03d}")
        rows.append([numbers[-1], f"Voornaam{i}", "", f"Achternaam{i}", "", "Directie", "", "", "", kind, start, end])
    result = import_people(
        csv_bytes(
            [
                "personeelsnummer",
                "voornaam",
                "tussenvoegsel",
                "achternaam",
                "email",
                "organisatieonderdeel",
                "functiecode",
                "functienaam",
                "leidinggevende",
                "dienstverband",
                "in_dienst",
                "uit_dienst",
            ],
            rows,
        ),
        organisation=organisation,
        filename="mensen.csv",
    )
    assert not result.errors, [(e.line, e.column, str(e.message)) for e in result.errors]

    oaths = []
    for i, (start, _end, _kind, oath) in enumerate(people):
        if oath is not None:
            taken_on = start + dt.timedelta(days=oath[0])
            if taken_on <= TODAY:
                oaths.append([numbers[i], taken_on, oath[1], oath[2]])
    if oaths:
        run_import(
            OathImporter(organisation=organisation, today=TODAY),
            ["personeelsnummer", "datum", "vorm", "bijeenkomst"],
            oaths,
        )

    declared = []
    for n, (who, on, decision, until_decision, start_offset, until_end) in enumerate(activities):
        decided = None if decision == "in_behandeling" else min(on + dt.timedelta(days=until_decision), TODAY)
        start = on + dt.timedelta(days=start_offset)
        end = start + dt.timedelta(days=until_end) if until_end is not None else None
        declared.append(
            [
                numbers[who % len(numbers)],
                on,
                f"Organisatie {n}",
                "Bestuurslid",
                "nee",
                4,
                start,
                end,
                decision,
                decided,
            ]
        )
    if declared:
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
            declared,
        )

    attendance = []
    if events:
        run_import(
            EventImporter(organisation=organisation),
            ["code", "titel", "soort", "datum", "organisator"],
            [[f"E{n}", f"Activiteit {n}", kind, on, "IC"] for n, (on, kind, _who) in enumerate(events)],
        )
        for n, (_on, _kind, who) in enumerate(events):
            for i in sorted({w % len(numbers) for w in who}):
                attendance.append([f"E{n}", numbers[i]])
    if attendance:
        run_import(AttendanceImporter(organisation=organisation, today=TODAY), ["code", "personeelsnummer"], attendance)
    return oaths, declared


def independent_count(year, people, oaths, declared, events):
    """The figures, counted straight from the rows that were imported."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = lambda day: day is not None and first <= day <= last  # noqa: E731
    in_service = 0
    for start, until_end, _kind, _oath in people:
        end = start + dt.timedelta(days=until_end) if until_end is not None else None
        in_service += start <= last and (end is None or end >= last)
    taken = [o for o in oaths if in_year(o[1])]
    forms = Counter(o[2] for o in taken)
    ceremonies = {(o[3], o[1]) for o in taken if o[3]}
    by_decision = dict.fromkeys(DECISIONS, 0)
    for row in declared:
        if in_year(row[1]):
            by_decision[row[8]] += 1
    held = [
        (on.isoformat(), kind, len({w % len(people) for w in who}))
        for on, kind, who in sorted(events, key=lambda e: e[0])
        if in_year(on)
    ]
    return {
        "employees": in_service,
        "sworn": len(taken),
        "oath": forms["eed"],
        "affirmation": forms["belofte"],
        "ceremonies": len(ceremonies),
        "declared": sum(by_decision.values()),
        "decided": sum(1 for row in declared if in_year(row[9])),
        "by_decision": by_decision,
        "events": sorted(held),
        "participants": sum(h[2] for h in held),
    }


class Rollback(Exception):
    pass


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    people=st.lists(person_strategy, min_size=1, max_size=8),
    activities=st.lists(activity_strategy, max_size=6),
    events=st.lists(event_strategy, max_size=4),
    year=st.sampled_from([2022, 2023, 2024]),
)
def test_figures_equal_an_independent_count(organisation, people, activities, events, year):
    try:
        with transaction.atomic(), travel(TODAY):
            oaths, declared = import_everything(organisation, people, activities, events)
            data = selectors.build_report(organisation, year, today=TODAY)
            expected = independent_count(year, people, oaths, declared, events)
            assert data["employees"]["at_year_end"] == expected["employees"]
            assert data["oath"]["sworn"] == expected["sworn"]
            assert (data["oath"]["oath"], data["oath"]["affirmation"]) == (expected["oath"], expected["affirmation"])
            assert data["oath"]["ceremonies"] == expected["ceremonies"]
            assert data["outside_activities"]["declared"] == expected["declared"]
            assert data["outside_activities"]["decided"] == expected["decided"]
            assert data["outside_activities"]["by_decision"] == expected["by_decision"]
            events_seen = sorted((e["date"], e["kind"], e["participants"]) for e in data["learning"]["events"])
            assert events_seen == expected["events"]
            assert data["learning"]["participants_total"] == expected["participants"]
            # The trend's last year is the year itself.
            assert data["trends"]["series"]["oath.sworn"][-1] == expected["sworn"]
            # The published version hides exactly the small cells of the breakdowns, and never changes a total.
            published = selectors.build_report(organisation, year, published=True, today=TODAY)
            assert published["oath"]["sworn"] == expected["sworn"]
            for code, count in expected["by_decision"].items():
                shown = published["outside_activities"]["by_decision"][code]
                assert shown == count or (
                    shown is None and f"outside_activities.by_decision.{code}" in published["privacy"]["suppressed"]
                )
                if 0 < count < 5:
                    assert shown is None
            raise Rollback
    except Rollback:
        pass
