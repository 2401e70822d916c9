import datetime as dt
import random

import pytest

from plein.core import demo as core_demo
from plein.core.models import Organisation
from plein.core.registry import demo_loaders
from plein.positions import selectors
from plein.positions.demo import load_demo
from plein.positions.models import (
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    VogScreening,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 1)


def snapshot(organisation) -> dict:
    return {
        "profiles": sorted(
            PositionProfile.objects.filter(organisation=organisation).values_list(
                "position__code", "risk_level", "vog_required", "financial_interests", "reviewed_on", "version"
            )
        ),
        "history": sorted(
            PositionProfileHistory.objects.filter(organisation=organisation).values_list(
                "profile__position__code", "version", "change", "changed_at"
            )
        ),
        "rounds": sorted(ReviewRound.objects.filter(organisation=organisation).values_list("title", "status")),
        "items": sorted(
            ReviewItem.objects.filter(round__organisation=organisation).values_list(
                "round__title", "position__code", "status"
            )
        ),
        "vogs": sorted(
            VogScreening.objects.filter(organisation=organisation).values_list(
                "employee__personnel_number", "requested_on", "received_on", "rescreening_due"
            )
        ),
        "talks": sorted(
            OutsideActivitiesTalk.objects.filter(organisation=organisation).values_list(
                "employee__personnel_number", "held_on"
            )
        ),
    }


def test_loader_is_registered():
    assert load_demo in list(demo_loaders)


def _clear(organisation):
    PositionProfile.objects.filter(organisation=organisation).delete()
    ReviewRound.objects.filter(organisation=organisation).delete()
    VogScreening.objects.filter(organisation=organisation).delete()
    OutsideActivitiesTalk.objects.filter(organisation=organisation).delete()


def test_demo_is_deterministic_and_partly_out_of_date():
    seed = 11
    organisation = core_demo.load_demo(seed=seed, today=TODAY).organisation
    first = snapshot(organisation)

    # The inventory is partly out of date, so the overviews show real work.
    lapsed = PositionProfile.objects.filter(organisation=organisation, next_review_due__lt=TODAY).count()
    current = PositionProfile.objects.filter(organisation=organisation, next_review_due__gte=TODAY).count()
    assert lapsed >= 10 and current >= 10
    assert any(p[4] is not None and p[4] < TODAY - dt.timedelta(days=4 * 365) for p in first["profiles"])
    # Some people in VOG positions miss a valid VOG.
    missing = selectors.designated_people(organisation, TODAY, missing_only=True).count()
    everyone = selectors.designated_people(organisation, TODAY).count()
    assert 0 < missing < everyone
    # Review rounds: one completed last year, one open with work for the demo manager and the IC.
    statuses = dict(first["rounds"])
    assert sorted(statuses.values()) == ["completed", "open"]
    open_round = ReviewRound.objects.get(organisation=organisation, status="open")
    assert open_round.items.filter(status="submitted").exists() and open_round.items.filter(status="pending").exists()
    manager = next(a.user for a in organisation.role_assignments.filter(role="manager"))
    assert selectors.open_items_for_manager(manager, organisation).exists()
    # History goes back years, so the annual figures of past years are real.
    assert selectors.annual_figures(organisation, TODAY.year - 1)["positions_inventoried"] > 0
    assert selectors.annual_figures(organisation, TODAY.year - 1)["vog_received"] > 0

    # The same seed and day give the same records.
    name = next(name for loader, name in core_demo.ordered_demo_loaders() if loader is load_demo)
    _clear(organisation)
    assert not PositionProfileHistory.objects.exists()
    load_demo(organisation, rng=random.Random(f"{seed}:{name}"), today=TODAY)
    assert snapshot(organisation) == first
    _clear(organisation)
    load_demo(organisation, rng=random.Random(f"{seed + 1}:{name}"), today=TODAY)
    assert snapshot(organisation) != first


def test_records_never_block_removing_people_units_or_positions():
    """The demo (and an organisation) can be removed: nothing here protects a core record."""
    from django.db import models

    from plein.core.models import Employee, OrgUnit, Position

    core = {Employee, OrgUnit, Position, Organisation}
    for model in (
        PositionProfile,
        PositionProfileHistory,
        ReviewRound,
        ReviewItem,
        VogScreening,
        OutsideActivitiesTalk,
    ):
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model in core:
                assert field.remote_field.on_delete is not models.PROTECT, (model, field.name)
