"""The demo: the 2024 report of Provincie Veenland reproduces the seed report's facts."""

import datetime as dt

import pytest
from django.utils import translation

from plein.annual_report import selectors
from plein.annual_report.models import AnnualReport, PlanAction
from plein.annual_report.sections import SECTION_CODES
from plein.annual_report.tests.builders import travel
from plein.core.demo import load_demo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


def test_the_2024_report_reproduces_the_seed():
    with travel(TODAY):
        organisation = load_demo(seed=2024, today=TODAY).organisation
        with translation.override("en"):
            data = selectors.build_report(organisation, 2024, today=TODAY)
    # "In 2024 zijn een 4-tal fysieke bijeenkomsten georganiseerd. In totaal hebben 156 ... de eed afgelegd."
    assert data["oath"]["ceremonies"] == 4
    assert data["oath"]["sworn"] == 156
    # "In 2024 is bij de integriteitscoördinator geen melding van een vermoeden van integriteitsschending gedaan."
    assert data["reports"]["available"] is True
    assert data["reports"]["by_channel"]["integriteit"] == 0
    # "In 2024 is gestart met de werving en het opleiden van een 6-tal Procesbegeleiders Moreel Beraad."
    assert data["deliberation"]["facilitators"] == 6
    # The Integriteit Show of the works council on 11 April and the meeting about demonstrating on 4 July.
    events = {(e["date"], e["title"]) for e in data["learning"]["events"]}
    assert ("2024-04-11", "De Integriteit Show") in events
    assert any(day == "2024-07-04" and "demonstreren" in title for day, title in events)
    # "... diverse momenten van consultatie ... op verzoek van medewerkers, leidinggevenden en externen": consultations
    # asked by all three, answered with a listening ear, (process) advice and referrals; "Specifiek het duiden van
    # (een eventuele impact van) nevenfuncties is meerdere keren onderwerp van gesprek geweest": outside activities are
    # the most frequent topic. The demo's register is counted by hand in plein/consultations/demo.py.
    consultations = data["consultations"]
    assert consultations["available"] is True
    assert consultations["most_frequent_topic"] == "nevenfuncties"
    assert consultations["topic_names"]["nevenfuncties"] == "Outside activities"
    assert consultations["total"] == 23
    assert consultations["by_requester"] == {"medewerker": 15, "leidinggevende": 6, "extern": 2}
    assert consultations["by_topic"]["nevenfuncties"] == 8
    assert data["outside_activities"]["consultations"] == 8  # the same count, beside the declarations (issue 8)
    assert all(n < 8 for code, n in consultations["by_topic"].items() if code != "nevenfuncties")
    # Every norm has a status and evidence; none is made up.
    assert len(data["basic_norms"]) == 13 and all(n["evidence"] for n in data["basic_norms"])
    assert {n["number"] for n in data["basic_norms"] if n["status"] == "unknown"} >= {8, 10}

    # The texts of 2024 are written (in Dutch) and wait for the competent authority's approval.
    report = AnnualReport.objects.get(organisation=organisation, year=2024)
    assert report.status == AnnualReport.Status.SUBMITTED
    texts = selectors.texts_of(report)
    assert set(texts["sections"]) == set(SECTION_CODES)
    assert "Integriteit Show" in texts["sections"]["bewustwording"]
    assert "glazen huis" in texts["sections"]["bewustwording"]
    # The integrity plan's actions of the seed, with the communication strategy in Q1 2025.
    actions = {a.title: a for a in PlanAction.objects.filter(organisation=organisation)}
    communication = next(a for t, a in actions.items() if t.startswith("Communicatiestrategie"))
    assert (communication.planned_year, communication.planned_quarter) == (2025, 1)
    assert "Communicatie" in communication.owner
    titles = " ".join(actions)
    for words in ("Meldkanaal", "integriteitsplan", "risicofuncties", "Gedragscodes uit 2019"):
        assert words in titles
    assert {a["title"] for a in data["plan_actions"]} == set(actions)
