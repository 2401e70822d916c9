"""Browser tests: axe (WCAG 2.1 AA), CSP, console and requests on every page of the annual report."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plein.annual_report import services
from plein.annual_report.tests.builders import person, structure
from plein.core import roles as R
from plein.core.models import StructureRole
from plein.core.tests.browser import login, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024


@pytest.fixture
def report_data(organisation):
    person(organisation, "4001", dt.date(2020, 1, 1))
    person(organisation, "4002", dt.date(2024, 3, 1))
    structure(organisation, StructureRole.Kind.INTEGRITY_COORDINATOR, "Ineke Test", email="ic@example.org")
    services.create_plan_action(
        organisation=organisation,
        actor=None,
        title="Nieuw integriteitsplan",
        theme="Beleid",
        owner="IC",
        planned_year=2025,
        planned_quarter=2,
        status="gepland",
        module="portal",
    )
    services.save_texts(
        organisation=organisation,
        year=YEAR,
        actor=None,
        section="inleiding",
        narrative="Een jaar met veel aandacht voor integriteit.\n\n> Samen het goede doen.",
        comments={"employees.at_year_end": "Twee collega's."},
    )


def test_the_ic_writes_and_downloads(page, make_user, report_data):
    login(page, make_user(R.INTEGRITY_COORDINATOR))
    visit(page, reverse("annual_report:index"))
    page.locator("#id_year").select_option(str(YEAR))
    page.locator("form.plein-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("annual_report:report", args=[YEAR])) + "$"))
    visit(page, reverse("annual_report:report", args=[YEAR]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024")
    expect(page.get_by_role("img").first).to_be_visible()  # a trend chart, exposed as an image with a name
    visit(page, reverse("annual_report:report", args=[YEAR]) + "?versie=openbaar")
    visit(page, reverse("annual_report:edit_section", args=[YEAR, "inleiding"]))
    page.locator("#id_narrative").fill("Een nieuwe tekst voor de inleiding.")
    page.locator("form.ar-form button[type=submit]").click()
    expect(page.locator("#inleiding")).to_contain_text("Een nieuwe tekst voor de inleiding.")
    # A file: the JSON is made at once (tests run tasks immediately); the status page offers the download.
    page.locator("#ar-format").select_option("json")
    page.locator(".ar-file-form button[type=submit]").click()
    expect(page.locator("#ar-job-status")).to_be_visible()
    assert "/download/" in page.locator("#ar-job-status a").get_attribute("href")
    visit(page, reverse("annual_report:plan"))
    visit(page, reverse("annual_report:plan_create"))


def test_the_published_report_is_public_and_works_without_javascript(new_page, make_user, organisation, report_data):
    report = services.get_or_create_report(organisation=organisation, year=YEAR)
    ic = make_user(R.INTEGRITY_COORDINATOR)
    services.submit(report=report, actor=ic)
    services.approve(report=report, actor=make_user(R.COMPETENT_AUTHORITY))
    services.publish(report=report, actor=ic)
    page = new_page(java_script_enabled=False)
    visit(page, reverse("annual_report:public_index"))
    page.get_by_role("link", name="2024").first.click()
    expect(page.locator("#inleiding")).to_contain_text("Een jaar met veel aandacht voor integriteit.")
    expect(page.locator("blockquote")).to_contain_text("Samen het goede doen.")
    visit(page, reverse("annual_report:public_report", args=[YEAR]))
    small = new_page(viewport={"width": 390, "height": 844})
    visit(small, reverse("annual_report:public_report", args=[YEAR]))
    wider = small.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.plein-table-scroll'))
            .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"""
    )
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wider
