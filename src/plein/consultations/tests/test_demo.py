"""The demo loader on its own (the full demo and the 2024 annual report: annual_report/tests/test_demo.py)."""

import datetime as dt
import random

import pytest

from plein.consultations import selectors
from plein.consultations.demo import load
from plein.consultations.models import Consultation
from plein.core import roles as R
from plein.core.demo import DEMO_DOMAIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    adviser = make_user(R.CONFIDENTIAL_ADVISER)
    ic.email, adviser.email = f"ic@{DEMO_DOMAIN}", f"vertrouwenspersoon@{DEMO_DOMAIN}"
    ic.save()
    adviser.save()
    return ic, adviser


def test_fixed_dates_give_the_seed_figures_on_any_day(organisation, demo_accounts):
    ic, adviser = demo_accounts
    load(organisation, rng=random.Random(1), today=dt.date(2026, 3, 1))
    figures = selectors.annual_figures(organisation, 2024)
    assert figures["total"] == 23
    assert figures["by_requester"] == {"medewerker": 15, "leidinggevende": 6, "extern": 2}
    assert figures["by_topic"] == {
        "nevenfuncties": 8,
        "geschenken": 3,
        "belangenverstrengeling": 3,
        "ongewenst_gedrag": 3,
        "informatiebeveiliging": 1,
        "moreel_dilemma": 3,
        "overig": 2,
    }
    assert figures["by_action"] == {
        "luisterend_oor": 6,
        "procesadvies": 11,
        "doorverwezen_leidinggevende": 4,
        "doorverwezen_vertrouwenspersoon": 2,
        "melding_gedaan": 0,  # "geen melding ... gedaan" in 2024
    }
    earlier = selectors.annual_figures(organisation, 2023)
    assert earlier["total"] == 15 and earlier["by_topic"]["ongewenst_gedrag"] == 4
    assert selectors.visible_to(adviser, organisation).count() == 7
    assert selectors.visible_to(ic, organisation).count() == 38


def test_records_after_today_are_left_out(organisation, demo_accounts):
    load(organisation, rng=random.Random(1), today=dt.date(2024, 6, 30))
    assert Consultation.objects.filter(date__gt=dt.date(2024, 6, 30)).count() == 0
    assert selectors.annual_figures(organisation, 2024)["total"] == 12
