"""Browser test of the consultations register: every page once, checked with axe (WCAG 2.1 AA), for CSP and console
errors and for requests to other origins (plein.core.tests.browser). The form is filled in with the keyboard
(the date with Playwright's fill: a date field's segments depend on the browser's locale)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plein.consultations import selectors
from plein.consultations.models import Consultation
from plein.consultations.tests.helpers import record
from plein.core import roles as R
from plein.core.tests.browser import login, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_into(page, selector, text):
    page.focus(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_every_page_of_the_register(page, new_page, organisation, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    adviser = make_user(R.CONFIDENTIAL_ADVISER)
    login(page, ic)
    visit(page, reverse("consultations:list"))  # the empty state
    expect(page.get_by_role("link", name=re.compile("Consultaties"))).to_be_visible()

    # Record one with the keyboard; a date in the future first, which the form refuses and keeps.
    visit(page, reverse("consultations:create"))
    page.fill("#id_date", "2030-01-01")
    page.focus("#id_requester_1")
    page.keyboard.press("Space")
    page.focus("#id_topic")
    page.keyboard.press("ArrowDown")
    page.focus("#id_action")
    page.keyboard.press("ArrowDown")
    type_into(page, "#id_note", "Vraag over een nevenfunctie")
    page.focus("form.cons-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#id_date_errors")).to_be_visible()
    expect(page.locator("#id_note")).to_have_value("Vraag over een nevenfunctie")
    assert not Consultation.objects.exists()
    page.fill("#id_date", "2024-01-15")
    page.focus("form.cons-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/consultaties/\d+/$"))
    item = Consultation.objects.get()
    assert item.date == dt.date(2024, 1, 15) and item.requester == "leidinggevende" and item.handler == ic
    visit(page, reverse("consultations:detail", args=[item.pk]))
    visit(page, reverse("consultations:change", args=[item.pk]))
    visit(page, reverse("consultations:remove", args=[item.pk]))
    visit(page, reverse("consultations:list"))
    visit(page, reverse("consultations:list") + "?requester=extern")  # no matches
    visit(page, reverse("consultations:list") + "?date_from=2025-02-01&date_to=2025-01-01")  # a filter error

    visit(page, reverse("consultations:settings"))
    visit(page, reverse("consultations:topic_create"))
    visit(page, reverse("consultations:topic_change", args=[selectors.topics(organisation).first().pk]))
    visit(page, reverse("consultations:action_create"))
    visit(page, reverse("consultations:action_change", args=[selectors.actions(organisation).first().pk]))

    # The confidential adviser: their own record only.
    own = record(organisation, adviser, date=dt.date(2024, 2, 1), topic_code="geschenken", today=dt.date.today())
    other = new_page()
    login(other, adviser)
    visit(other, reverse("consultations:list"))
    expect(other.locator("tbody tr")).to_have_count(1)
    visit(other, reverse("consultations:detail", args=[own.pk]))
    visit(other, reverse("consultations:detail", args=[item.pk]), status=403)
