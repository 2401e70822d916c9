"""Leren & bewustwording in a real browser: axe (WCAG 2.1 AA) on every page, strict CSP, keyboard and no JavaScript."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.learning.models import Attendance, Kind, Registration
from plein.learning.tests.factories import (
    AttendanceFactory,
    EventFactory,
    RegistrationFactory,
    RequirementFactory,
    employee,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    """Let the page that a click led to finish loading before the test opens another one."""
    page.wait_for_load_state("networkidle")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def calendar(organisation, today):
    requirement = RequirementFactory(
        organisation=organisation,
        course__title="Morele oordeelsvorming",
        course__code="morele-oordeelsvorming",
        applies_from=today - dt.timedelta(days=400),
    )
    session = EventFactory(
        organisation=organisation,
        title="Morele oordeelsvorming",
        course=requirement.course,
        date=today + dt.timedelta(days=14),
        capacity=12,
    )
    EventFactory(
        organisation=organisation,
        title="Lezing: ondermijning herkennen",
        kind=Kind.LECTURE,
        date=today + dt.timedelta(days=20),
        capacity=None,
    )
    show = EventFactory(
        organisation=organisation,
        title="De Integriteit Show",
        kind=Kind.SHOW,
        date=today - dt.timedelta(days=100),
        organiser="Ondernemingsraad",
    )
    return {"requirement": requirement, "session": session, "show": show}


def test_employee_registers_from_the_event_list_and_sees_their_record(page, make_user, calendar, organisation):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    user = make_user(start_date=dt.date(2015, 1, 1))
    AttendanceFactory(event=calendar["show"], employee=user.employee)
    login(page, user)
    visit(page, reverse("learning:events"))
    page.get_by_role("link", name="Morele oordeelsvorming").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morele oordeelsvorming")
    page.locator("form[action$='/aanmelden/'] button[type=submit]").click()
    expect(page.locator(".utrecht-alert").first).to_be_visible()
    settle(page)
    assert Registration.objects.get(employee=user.employee).status == Registration.Status.REGISTERED
    # The place is taken: the button is gone, unregistering is offered.
    expect(page.locator("form[action$='/afmelden/']")).to_have_count(1)
    expect(page.locator("form[action$='/aanmelden/']")).to_have_count(0)

    visit(page, reverse("learning:mine"))
    expect(page.locator("main")).to_contain_text("De Integriteit Show")
    expect(page.locator("main")).to_contain_text("Morele oordeelsvorming")
    visit(page, reverse("learning:events") + "?when=past")
    visit(page, reverse("learning:event_detail", args=[calendar["show"].pk]))


def test_registering_with_the_keyboard_only_and_without_javascript(new_page, make_user, calendar):
    from plein.core.tests.browser import login, visit

    page = new_page(java_script_enabled=False)
    user = make_user(start_date=dt.date(2015, 1, 1))
    login(page, user)
    visit(page, reverse("learning:event_detail", args=[calendar["session"].pk]))
    button = page.locator("form[action$='/aanmelden/'] button[type=submit]")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    settle(page)
    assert Registration.objects.filter(employee=user.employee, status=Registration.Status.REGISTERED).exists()


def test_a_full_event_in_the_browser(page, make_user, calendar, organisation):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    session = calendar["session"]
    session.capacity = 1
    session.save()
    RegistrationFactory(event=session, employee=employee(organisation))
    login(page, make_user(start_date=dt.date(2015, 1, 1)))
    visit(page, reverse("learning:event_detail", args=[session.pk]))
    expect(page.locator("form[action$='/aanmelden/']")).to_have_count(0)
    visit(page, reverse("learning:events"))


def test_attendance_list_on_a_tablet(new_page, make_user, organisation, today):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    event = EventFactory(organisation=organisation, title="Workshop vandaag", kind=Kind.WORKSHOP, date=today)
    for last_name in ("Aalders", "Bakker", "Çelik"):
        RegistrationFactory(event=event, employee=employee(organisation, last_name=last_name))
    walk_in = employee(organisation, last_name="Binnenloper", personnel_number="204711")
    page = new_page(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True)
    login(page, make_user(R.HR))
    visit(page, reverse("learning:attendance", args=[event.pk]))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 768
    buttons = page.locator(".learning-checklist__button")
    expect(buttons).to_have_count(3)
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 96, box
    page.locator(".learning-checklist__item", has_text="Bakker").locator("button").click()
    expect(page.locator(".learning-progress")).to_contain_text("1")
    settle(page)
    assert Attendance.objects.get().employee.last_name == "Bakker"
    page.get_by_label("Personnel number").or_(page.get_by_label("Personeelsnummer")).fill(walk_in.personnel_number)
    page.locator("form[action$='/toevoegen/'] button[type=submit]").click()
    expect(page.locator(".learning-checklist__item", has_text="Binnenloper")).to_be_visible()
    settle(page)
    assert Attendance.objects.count() == 2


def test_staff_pages(page, make_user, calendar, organisation, unit):
    from plein.core.tests.browser import login, visit

    colleagues = [employee(organisation, unit=unit, last_name=f"Collega{i}") for i in range(3)]
    login(page, make_user(R.INTEGRITY_COORDINATOR, start_date=dt.date(2015, 1, 1)))
    for url in [
        reverse("learning:events"),
        reverse("learning:event_create"),
        reverse("learning:event_edit", args=[calendar["session"].pk]),
        reverse("learning:attendance", args=[calendar["session"].pk]),
        reverse("learning:records"),
        reverse("learning:record", args=[colleagues[0].pk]),
        reverse("learning:coverage"),
        reverse("learning:requirements"),
        reverse("learning:figures"),
    ]:
        visit(page, url)
    # A form with errors stays accessible.
    visit(page, reverse("learning:event_create"))
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 1


def test_manager_and_auditor_pages(page, make_user, calendar, organisation, unit):
    from plein.core.tests.browser import login, visit

    employee(organisation, unit=unit)
    login(page, make_user(R.MANAGER, unit=unit, start_date=dt.date(2015, 1, 1)))
    visit(page, reverse("learning:records"))
    visit(page, reverse("learning:coverage"))
    visit(page, reverse("learning:mine"))
    page.context.clear_cookies()
    login(page, make_user(R.AUDITOR))
    visit(page, reverse("learning:figures"))
    visit(page, reverse("learning:records"), status=403)
