"""Every case-handling page once in a real Chromium: zero axe violations, no CSP or console errors, no request to
another origin (harness: plein/core/tests/browser.py). Forms inside closed <details> are opened and checked too."""

import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.dossiers.models import OralRecord
from plein.dossiers.tests.conftest import PASSPHRASE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    page.wait_for_load_state("networkidle")


def open_details_and_check(page):
    from plein.core.tests.browser import assert_accessible, assert_no_problems

    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert_accessible(page)
    assert_no_problems(page)


def test_every_dossier_page(new_page, channel, make_handler, submit):
    from plein.core.tests.browser import assert_accessible, login, visit

    ic = make_handler(channel, role=R.INTEGRITY_COORDINATOR)
    make_handler(channel, role=R.COMPETENT_AUTHORITY)
    submission = submit(channel, "Een melding voor het dossier", mode="confidential", identity={"name": "Vera"})
    report = submission.report
    page = new_page()
    login(page, ic)
    visit(page, reverse("reports:vault_unlock"))
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)

    visit(page, reverse("reports:inbox") + "?termijn=open&dagen=14&sorteer=deadline")
    assert report.reference in page.content()
    visit(page, reverse("dossiers:case", args=[report.pk]))
    open_details_and_check(page)

    # The acknowledgement letter: a preview, then sending it.
    visit(page, reverse("dossiers:letter", args=[report.pk]))
    page.locator("#id_summary").fill("U meldt dat de dijkmetingen niet zijn ingevoerd.")
    page.locator("button[name=preview]").click()
    settle(page)
    assert_accessible(page)
    assert "dijkmetingen" in page.locator(".plein-letter").inner_text()
    page.locator("button[name=send]").click()
    settle(page)
    assert_accessible(page)
    assert "/dossier/" in page.url
    assert "Ontvangstbevestiging" in page.content() or "Receipt confirmed" in page.content()

    # A conversation record, shared with the reporter.
    visit(page, reverse("dossiers:oral_new", args=[report.pk]))
    page.locator("#id_kind").select_option("meeting")
    page.locator("#id_held_on").fill("2026-01-05")
    page.locator("#id_text").fill("Verslag van het gesprek.")
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert_accessible(page)
    record = OralRecord.objects.get(case__report=report)
    page.locator(f"form[action$='/gesprek/{record.pk}/delen/'] button").click()
    settle(page)
    assert_accessible(page)

    visit(page, reverse("dossiers:oral_report_new"))
    visit(page, reverse("dossiers:settings"))
    visit(page, reverse("dossiers:workflow", args=[channel.code]))

    # The reporter checks and approves the record on their own page.
    reporter = new_page()
    visit(reporter, reverse("reports:receipt_login"))
    reporter.locator("#id_code").fill(submission.receipt_code)
    reporter.locator("form.plein-form button[type=submit]").click()
    settle(reporter)
    assert_accessible(reporter)
    assert "Verslag van het gesprek." in reporter.content()
    reporter.locator("button[name=action][value=approve]").click()
    settle(reporter)
    assert_accessible(reporter)
    record.refresh_from_db()
    assert record.approval == OralRecord.Approval.APPROVED
