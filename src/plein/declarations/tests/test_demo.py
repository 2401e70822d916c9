import datetime as dt

import pytest
from django.db import transaction

from plein.core.demo import DEMO_DOMAIN, load_demo
from plein.core.models import User
from plein.declarations import selectors
from plein.declarations.models import (
    ActivityEvent,
    Campaign,
    Candidate,
    FinancialInterest,
    Gift,
    GiftDecision,
    OutsideActivity,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


def fingerprint():
    return sorted(
        OutsideActivity.objects.values_list(
            "employee__personnel_number", "external_organisation", "role", "declared_on", "status", "decision"
        ),
        key=repr,
    ) + sorted(Gift.objects.values_list("employee__personnel_number", "date", "decision"), key=repr)


def test_demo_shows_every_state_and_a_public_register():
    result = load_demo(seed=2024, today=TODAY)
    organisation = result.organisation
    statuses = set(OutsideActivity.objects.values_list("status", flat=True))
    assert statuses == set(OutsideActivity.Status.values)
    assert set(OutsideActivity.objects.values_list("decision", flat=True)) == {
        "in_behandeling",
        "toegestaan",
        "toegestaan_onder_voorwaarden",
        "geweigerd",
    }
    kinds = set(ActivityEvent.objects.values_list("kind", flat=True))
    assert {"gemeld", "gesprek", "advies_gegeven", "besloten", "bezwaar", "beeindigd", "in_dienst"} <= kinds
    assert set(Gift.objects.values_list("decision", flat=True)) >= {
        GiftDecision.AUTO_ACCEPTED,
        GiftDecision.PENDING,
        GiftDecision.KEEP,
        GiftDecision.RETURN,
    }
    assert set(FinancialInterest.objects.values_list("status", flat=True)) == {"ingediend", "beoordeeld"}
    assert Candidate.objects.filter(employee__isnull=True).count() == 2
    assert Candidate.objects.filter(employee__isnull=False).count() == 1
    assert Campaign.objects.filter(closed_on__isnull=True).count() == 1
    assert Campaign.objects.filter(closed_on__isnull=False).count() == 1
    assert len(selectors.public_register(organisation, TODAY)) >= 5
    # The demo accounts have something to do.
    me = User.objects.get(email=f"medewerker@{DEMO_DOMAIN}").employee
    assert {a.decision for a in selectors.activities_of(me)} == set(
        OutsideActivity.objects.values_list("decision", flat=True)
    )
    assert selectors.open_participation(me) and not selectors.open_participation(me).is_done
    manager = User.objects.get(email=f"manager@{DEMO_DOMAIN}")
    assert selectors.awaiting_decision_count(manager, organisation) >= 3
    assert selectors.awaiting_advice_count(organisation) >= 1
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["declared"] > 0 and figures["active_at_year_end"] > 0 and figures["published"] > 0
    assert figures["campaign_completion"]["percent"] > 50
    # Nothing is dated in the future.
    assert not OutsideActivity.objects.filter(declared_on__gt=TODAY).exists()
    assert not OutsideActivity.objects.filter(decided_on__gt=TODAY).exists()


class Rollback(Exception):
    pass


def test_demo_is_deterministic_and_keeps_the_seed_year_whatever_day_it_is_loaded():
    later = dt.date(2027, 3, 1)  # long after the seed year: 2024 must still have outside activities
    try:
        with transaction.atomic():
            load_demo(seed=2024, today=later)
            first = fingerprint()
            raise Rollback
    except Rollback:
        pass
    assert not OutsideActivity.objects.exists()
    organisation = load_demo(seed=2024, today=later).organisation
    assert fingerprint() == first
    for year in (2023, 2024):
        figures = selectors.annual_figures(organisation, year)
        assert figures["declared"] > 0 and figures["decided"] > 0, (year, figures)
