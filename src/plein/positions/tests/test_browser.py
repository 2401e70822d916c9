"""Functies & screening in a real browser: axe (WCAG 2.1 AA) on every page, strict CSP, and the forms without
JavaScript."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.tests.factories import OrgUnitFactory
from plein.positions import services
from plein.positions.models import PositionProfile, ReviewItem
from plein.positions.tests.helpers import designated, make_person, make_position, make_profile, make_vog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(organisation, today):
    water = OrgUnitFactory(organisation=organisation, name="Ruimte en Water")
    permits = make_position(organisation, water, code="RW08", title="Vergunningverlener")
    services.save_profile(actor=None, position=permits, values=designated(today - dt.timedelta(days=30)))
    old = make_position(organisation, water, code="RW10", title="Toezichthouder")
    make_profile(
        old, vulnerable_areas={"diensten": "Controleert bedrijven."}, reviewed_on=today - dt.timedelta(days=2000)
    )
    make_position(organisation, water, code="RW14", title="GIS-specialist")
    valid = make_person(organisation, permits, last_name="Jansen", start_date=today - dt.timedelta(days=20))
    make_vog(valid, requested_on=today - dt.timedelta(days=60), received_on=today - dt.timedelta(days=40))
    make_person(organisation, permits, last_name="De Boer", start_date=today - dt.timedelta(days=10))
    return {"water": water, "permits": permits, "old": old}


def test_inventory_detail_and_edit(page, make_user, world, today):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    login(page, make_user(R.INTEGRITY_COORDINATOR))
    visit(page, reverse("positions:inventory"))
    expect(page.get_by_role("link", name="Vergunningverlener")).to_be_visible()
    visit(page, reverse("positions:lapsed"))
    expect(page.get_by_role("link", name="Toezichthouder")).to_be_visible()
    visit(page, reverse("positions:coverage"))
    visit(page, reverse("positions:export"))
    visit(page, reverse("positions:detail", args=[world["permits"].pk]))
    visit(page, reverse("positions:edit", args=[world["old"].pk]))
    page.locator("#id_area_informatie").check()
    page.locator("#id_rationale_informatie").fill("Leest bedrijfsgegevens.")
    page.locator("#id_mark_reviewed").check()
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    profile = PositionProfile.objects.get(position=world["old"])
    assert profile.vulnerable_areas["informatie"] == "Leest bedrijfsgegevens."
    assert today <= profile.reviewed_on <= timezone.localdate()  # the form proposes today


def test_edit_shows_errors_accessibly(page, make_user, world):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    login(page, make_user(R.HR))
    visit(page, reverse("positions:edit", args=[world["old"].pk]))
    page.locator("#id_area_geld").check()
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    expect(page.locator("#id_rationale_geld")).to_have_attribute("aria-invalid", "true")
    assert "geld" not in PositionProfile.objects.get(position=world["old"]).vulnerable_areas


def test_review_round_without_javascript(new_page, make_user, organisation, world):
    from plein.core.tests.browser import login, visit

    ic = make_user(R.INTEGRITY_COORDINATOR)
    manager = make_user(R.MANAGER, unit=world["water"])

    page = new_page(java_script_enabled=False)
    login(page, ic)
    visit(page, reverse("positions:rounds"))
    visit(page, reverse("positions:round_start"))
    page.locator("#id_title").fill("Inventarisatie Ruimte en Water")
    page.locator("#id_unit").select_option(str(world["water"].pk))
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    item = ReviewItem.objects.get(position=world["old"])

    other = new_page(java_script_enabled=False)
    login(other, manager)
    visit(other, reverse("positions:round", args=[item.round_id]))
    visit(other, reverse("positions:item_review", args=[item.pk]))
    other.locator("#id_comment").fill("Geen wijzigingen.")
    other.locator("form.plein-form button[type=submit]").click()
    settle(other)
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.SUBMITTED

    visit(page, reverse("positions:round", args=[item.round_id]))
    visit(page, reverse("positions:item_return", args=[item.pk]))


def test_screening_pages(page, make_user, world):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    login(page, make_user(R.HR))
    visit(page, reverse("positions:screening"))
    expect(page.get_by_role("link", name="Boer, ", exact=False)).to_be_visible()
    visit(page, reverse("positions:new_hires"))
    person = world["permits"].employees.get(last_name="De Boer")
    visit(page, reverse("positions:person", args=[person.pk]))
    page.locator("#id_requested_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save VOG dates").or_(page.get_by_role("button", name="VOG-datums opslaan")).click()
    settle(page)
    assert person.vog_screenings.count() == 1


def test_my_screening(page, make_user, world):
    from plein.core.tests.browser import login, visit

    login(page, make_user(position=world["permits"]))
    visit(page, reverse("positions:mine"))
    visit(page, reverse("core:start"))
