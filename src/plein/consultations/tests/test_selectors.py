"""The register's figures, counted by hand, and need-to-know in the queries."""

import datetime as dt

import pytest
from django.utils import translation

from plein.consultations import selectors, services
from plein.consultations.tests.helpers import record
from plein.core import roles as R
from plein.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)

# (date, asked by, topic, what was done): a small register, counted by hand below.
ROWS = [
    ("2023-12-31", "medewerker", "nevenfuncties", "procesadvies"),  # last day of 2023: not in 2024
    ("2024-01-01", "medewerker", "nevenfuncties", "procesadvies"),  # first day of 2024
    ("2024-02-10", "leidinggevende", "nevenfuncties", "luisterend_oor"),
    ("2024-03-15", "extern", "geschenken", "doorverwezen_leidinggevende"),
    ("2024-06-30", "medewerker", "ongewenst_gedrag", "doorverwezen_vertrouwenspersoon"),
    ("2024-12-31", "medewerker", "overig", "luisterend_oor"),  # last day of 2024
    ("2025-01-01", "extern", "nevenfuncties", "melding_gedaan"),  # first day of 2025: not in 2024
]


@pytest.fixture
def register(organisation, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    adviser = make_user(R.CONFIDENTIAL_ADVISER)
    items = []
    for i, (day, requester, topic, action) in enumerate(ROWS):
        handler = adviser if i % 2 else ic
        items.append(
            record(
                organisation,
                handler,
                date=dt.date.fromisoformat(day),
                requester=requester,
                topic_code=topic,
                action_code=action,
                today=TODAY,
            )
        )
    return {"ic": ic, "adviser": adviser, "items": items}


def test_annual_figures_counted_by_hand(organisation, register):
    with translation.override("nl"):
        figures = selectors.annual_figures(organisation, 2024)
    assert figures["total"] == 5
    assert figures["by_requester"] == {"medewerker": 3, "leidinggevende": 1, "extern": 1}
    assert figures["by_topic"] == {
        "nevenfuncties": 2,
        "geschenken": 1,
        "belangenverstrengeling": 0,
        "ongewenst_gedrag": 1,
        "informatiebeveiliging": 0,
        "moreel_dilemma": 0,
        "overig": 1,
    }
    assert figures["by_action"] == {
        "luisterend_oor": 2,
        "procesadvies": 1,
        "doorverwezen_leidinggevende": 1,
        "doorverwezen_vertrouwenspersoon": 1,
        "melding_gedaan": 0,
    }
    assert figures["topic_names"]["nevenfuncties"] == "Nevenfuncties"
    assert figures["action_names"]["luisterend_oor"] == "Luisterend oor"
    assert selectors.annual_figures(organisation, 2023)["total"] == 1
    assert selectors.annual_figures(organisation, 2025)["by_requester"] == {
        "medewerker": 0,
        "leidinggevende": 0,
        "extern": 1,
    }
    assert selectors.consultation_figures is selectors.annual_figures
    assert selectors.outside_activity_consultations(organisation, 2024) == 2
    assert selectors.figure_years(organisation) == [2025, 2024, 2023]


def test_removed_records_and_other_organisations_do_not_count(organisation, register):
    services.remove_consultation(actor=register["ic"], consultation=register["items"][1], reason="dubbel geteld")
    other = OrganisationFactory(slug="ander", name="Ander")
    record(other, register["ic"], date=dt.date(2024, 5, 5), today=TODAY)
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["total"] == 4 and figures["by_topic"]["nevenfuncties"] == 1
    assert selectors.annual_figures(other, 2024)["total"] == 1


def test_empty_register_gives_zeros_not_nothing(organisation):
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["total"] == 0
    assert figures["by_requester"] == {"medewerker": 0, "leidinggevende": 0, "extern": 0}


def test_visible_to_applies_need_to_know(organisation, register, make_user):
    everything = set(register["items"])
    assert set(selectors.visible_to(register["ic"], organisation)) == everything
    own = {item for item in register["items"] if item.handler == register["adviser"]}
    assert own and set(selectors.visible_to(register["adviser"], organisation)) == own
    other_adviser = make_user(R.CONFIDENTIAL_ADVISER)
    assert not selectors.visible_to(other_adviser, organisation).exists()
    for role in (R.FUNCTIONAL_ADMIN, R.HR, R.MANAGER, R.AUDITOR, R.COMPETENT_AUTHORITY, None):
        user = make_user(role) if role else make_user()
        assert not selectors.visible_to(user, organisation).exists(), role


def test_filters(organisation, register):
    qs = selectors.visible_to(register["ic"], organisation)
    topic = selectors.topics(organisation).get(code="nevenfuncties")
    action = selectors.actions(organisation).get(code="luisterend_oor")
    assert selectors.filter_consultations(qs, topic=topic).count() == 4
    assert selectors.filter_consultations(qs, action=action).count() == 2
    assert selectors.filter_consultations(qs, requester="extern").count() == 2
    assert selectors.filter_consultations(qs, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)).count() == 5
    assert selectors.filter_consultations(qs, handler=register["adviser"]).count() == 3


def test_the_declarations_figures_count_consultations_about_outside_activities(organisation, register):
    from plein.declarations import selectors as declarations

    assert declarations.annual_figures(organisation, 2024)["consultations_about_outside_activities"] == 2
    assert declarations.annual_figures(organisation, 2022)["consultations_about_outside_activities"] == 0


def test_without_the_app_the_figures_are_not_available(organisation, register, settings):
    """The annual report and the declarations say "not available" (None), never zero, without the register."""
    from django.apps import apps

    from plein.annual_report import selectors as annual_report
    from plein.declarations import selectors as declarations

    with translation.override("en"):
        present = annual_report.build_report(organisation, 2024, today=TODAY)["consultations"]
    assert present["available"] is True and present["total"] == 5
    assert present["most_frequent_topic"] == "nevenfuncties"
    assert present["topic_names"]["nevenfuncties"] == "Outside activities"
    original = apps.is_installed
    try:
        apps.is_installed = lambda name: name != "plein.consultations" and original(name)
        missing = annual_report.build_report(organisation, 2024, today=TODAY)["consultations"]
        assert declarations.annual_figures(organisation, 2024)["consultations_about_outside_activities"] is None
    finally:
        apps.is_installed = original
    assert missing["available"] is False and missing["total"] is None
    assert missing["by_requester"] == {"medewerker": None, "leidinggevende": None, "extern": None}
