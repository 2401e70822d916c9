"""Browser test of the statistics and retention pages (issue 5, items 7 and 9): every page opened is checked with axe
(WCAG 2.1 AA), for CSP and console errors and for requests to other origins (plein.core.tests.browser)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from plein.core import roles as R
from plein.core.tests.browser import login, visit
from plein.dossiers.models import Case, CaseCategory
from plein.reports.models import Channel, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _case(channel, number: int, received: date, *, closed: date | None = None, category="fraude"):
    tz = timezone.get_default_timezone()
    report = Report.objects.create(
        organisation=channel.organisation,
        channel=channel,
        reference=f"2024-{number:04d}",
        mode=Report.Mode.ANONYMOUS,
        status=Report.Status.CLOSED if closed else Report.Status.RECEIVED,
        received_at=datetime.combine(received, time(10), tzinfo=tz),
        acknowledge_before=received + timedelta(days=7),
        feedback_before=received + timedelta(days=97),
        acknowledged_at=datetime.combine(received + timedelta(days=2), time(10), tzinfo=tz),
        closed_at=datetime.combine(closed, time(10), tzinfo=tz) if closed else None,
        content_ciphertext=b"\x00" * 40,
    )
    Case.objects.update_or_create(
        report=report,
        defaults={
            "stage": "afgesloten" if closed else "beoordeling",
            "category": category,
            "outcome": "substantiated" if closed else "",
            "acknowledge_due": received + timedelta(days=7),
            "feedback_due": received + timedelta(days=97),
        },
    )
    return report


@pytest.fixture
def cases(organisation):
    channel = Channel.objects.create(organisation=organisation, code="misstand", name="Misstand", retention_days=365)
    CaseCategory.objects.create(organisation=organisation, code="fraude", label="Financieel wangedrag")
    today = timezone.localdate()
    for number in range(1, 8):
        _case(channel, number, today - timedelta(days=900 + number), closed=today - timedelta(days=800))
    _case(channel, 8, today - timedelta(days=20))
    return channel


def test_statistics_and_retention_pages(page, cases, make_user):
    login(page, make_user(R.INTEGRITY_COORDINATOR))
    visit(page, reverse("dossiers_oversight:statistics"))
    page.select_option("#id_weergave", "exact")
    page.fill("#id_van", "")
    page.locator("form.plein-filter button[type=submit]").click()
    expect(page.locator("table").first).to_contain_text("8")

    visit(page, reverse("dossiers_oversight:retention"))
    expect(page.locator("table").first).to_contain_text("2024-0001")
    visit(page, reverse("dossiers_oversight:legal_hold"))
    page.fill("#id_reference", "2024-0001")
    page.fill("#id_reason", "Rechtszaak 2026/17")
    page.locator("form.plein-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Rechtszaak 2026/17")
    page.check("#id_confirm")
    page.locator("form.plein-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Rechtszaak 2026/17")
    assert Case.objects.filter(purged_at__isnull=False).count() == 6
    assert Case.objects.get(report__reference="2024-0001").purged_at is None
