"""The oath register in a real browser: axe (WCAG 2.1 AA), strict CSP, and the check-in list on a tablet."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory
from plein.oaths.models import Form, OathText, Registration
from plein.oaths.tests.factories import CeremonyFactory, RegistrationFactory, taken, texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    """Let the page that a click led to finish loading (its styles, icon) before the test opens another one."""
    page.wait_for_load_state("networkidle")


TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def ceremony_today(organisation, today):
    texts(organisation)
    ceremony = CeremonyFactory(organisation=organisation, date=today, title="Ambtseed vandaag", capacity=40)
    for last_name in ("Aalders", "Bakker", "Çelik", "De Vries-van den Heuvel"):
        employee = EmployeeFactory(
            organisation=organisation, last_name=last_name, start_date=today - timedelta(days=40)
        )
        RegistrationFactory(
            organisation=organisation,
            ceremony=ceremony,
            employee=employee,
            form=Form.OATH,
            text=OathText.objects.get(form=Form.OATH),
        )
    return ceremony


def test_check_in_on_a_tablet(new_page, make_user, ceremony_today):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    page = new_page(**TABLET)
    login(page, make_user(R.HR))
    visit(page, reverse("oaths:check_in_list", args=[ceremony_today.pk]))

    # Nothing sticks out sideways at 768 px, and every button is a large touch target.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 768
    buttons = page.locator(".oaths-checkin__button")
    expect(buttons).to_have_count(12)
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 48 and box["width"] >= 96, box

    row = page.locator(".oaths-checkin__item", has_text="Bakker")
    row.get_by_role("button", name="Affirmation taken").or_(row.get_by_role("button", name="Belofte afgelegd")).click()
    expect(page.get_by_role("status").first).to_contain_text("Bakker")
    expect(page.locator(".oaths-checkin__progress")).to_contain_text("1")
    registration = Registration.objects.get(employee__last_name="Bakker")
    assert registration.status == Registration.Status.TAKEN
    assert registration.form == Form.AFFIRMATION
    # The person's row now offers only "undo": a second check-in cannot be clicked by accident.
    row = page.locator(".oaths-checkin__item", has_text="Bakker")
    expect(row.locator("button")).to_have_count(1)


def test_check_in_without_javascript(new_page, make_user, ceremony_today):
    from plein.core.tests.browser import login, visit

    page = new_page(java_script_enabled=False, **TABLET)
    login(page, make_user(R.INTEGRITY_COORDINATOR))
    visit(page, reverse("oaths:check_in_list", args=[ceremony_today.pk]))
    page.locator(".oaths-checkin__item", has_text="Aalders").locator("button[value=eed]").click()
    assert Registration.objects.get(employee__last_name="Aalders").status == Registration.Status.TAKEN


def test_employee_registers_and_sees_confirmation(page, make_user, organisation, today):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    texts(organisation)
    CeremonyFactory(organisation=organisation, date=today + timedelta(days=20), title="Ambtseed binnenkort")
    user = make_user(start_date=today - timedelta(days=30))
    login(page, user)
    visit(page, reverse("oaths:mine"))
    page.locator("input[value=belofte]").check()
    page.locator(".oaths-ceremony-choice button[type=submit]").click()
    expect(page.locator(".utrecht-alert").first).to_be_visible()
    settle(page)
    registration = Registration.objects.get(employee=user.employee)
    assert registration.form == Form.AFFIRMATION
    visit(page, reverse("oaths:mine"))

    registration.status = Registration.Status.TAKEN
    registration.taken_on = today
    registration.save()
    visit(page, reverse("oaths:confirmation", args=[registration.pk]))


def test_staff_pages(page, make_user, organisation, ceremony_today, today):
    from plein.core.tests.browser import login, visit

    hr = make_user(R.HR)
    done = EmployeeFactory(organisation=organisation, start_date=today - timedelta(days=200))
    confirmation = taken(done, today - timedelta(days=100))
    EmployeeFactory(organisation=organisation, start_date=today - timedelta(days=150))  # overdue
    login(page, hr)
    for url in [
        reverse("oaths:overview"),
        reverse("oaths:overview") + "?status=overdue",
        reverse("oaths:ceremony_list"),
        reverse("oaths:ceremony_detail", args=[ceremony_today.pk]),
        reverse("oaths:ceremony_create"),
        reverse("oaths:ceremony_edit", args=[ceremony_today.pk]),
        reverse("oaths:texts"),
        reverse("oaths:individual"),
        reverse("oaths:figures"),
        reverse("oaths:confirmation", args=[confirmation.pk]),
    ]:
        visit(page, url)
    # A form with errors stays accessible.
    visit(page, reverse("oaths:ceremony_create"))
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    visit(page, reverse("oaths:individual"))
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 1


def test_auditor_and_manager_pages(page, make_user, unit, organisation, today):
    from plein.core.tests.browser import login, visit

    EmployeeFactory(organisation=organisation, unit=unit, start_date=today - timedelta(days=20))
    login(page, make_user(R.MANAGER, unit=unit))
    visit(page, reverse("oaths:overview"))
    page.context.clear_cookies()
    login(page, make_user(R.AUDITOR))
    visit(page, reverse("oaths:figures"))
    visit(page, reverse("oaths:overview"), status=403)
