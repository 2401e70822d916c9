"""The reporting channel in a real Chromium: the whole reporter flow with JavaScript switched off, no request to any
other origin, and zero axe violations (WCAG 2.1 AA) on every reporter and handler page.

The harness (plein/core/tests/browser.py) blocks and reports requests to other origins, CSP violations and console
errors, and runs axe on every document the page received, also the answers to form submissions.
"""

import re

import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.core.tests.factories import StructureRoleFactory
from plein.reports.models import Message, Report
from plein.reports.tests import samples
from plein.reports.tests.conftest import PASSPHRASE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_RE = re.compile(r"\d{4} \d{4} \d{4} \d{4}")


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "foto.jpg"
    path.write_bytes(samples.jpeg_bytes(artist="Fotograaf"))
    return path


def test_reporter_flow_without_javascript(new_page, reporting, channel, handler, make_handler, photo):
    from plein.core.tests.browser import assert_no_external_requests, monitor, visit

    make_handler(channel, role=R.CONFIDENTIAL_ADVISER)  # so that the "must not see" choice is shown
    StructureRoleFactory(organisation=reporting.organisation, kind="confidential_adviser_internal")
    page = new_page(java_script_enabled=False)
    assert not monitor(page).javascript

    visit(page, reverse("reports:start"))
    page.locator(f"a[href='{reverse('reports:submit', args=[channel.code])}']").click()
    settle(page)

    # Sending an empty form gives clear errors (and an accessible page).
    page.locator("form.plein-report-form button[type=submit]").click()
    settle(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 2
    assert not Report.objects.exists()

    page.locator("#id_q_wat").fill("De metingen van de dijk zijn niet ingevoerd.")
    page.locator("#id_q_waar").fill("Team Waterkeringen")
    page.locator("input[name=mode][value=confidential]").check()
    page.locator("#id_name").fill("Mila Melder")
    page.locator("#id_attachments").set_input_files(str(photo))
    page.locator("form.plein-report-form button[type=submit]").click()
    settle(page)
    code = CODE_RE.search(page.locator(".plein-receipt__code").inner_text()).group(0)
    assert Report.objects.count() == 1

    # Back with the receipt code: first a wrong one (one generic error), then the right one.
    visit(page, reverse("reports:receipt_login"))
    page.locator("#id_code").fill("0000 0000 0000 0000")
    page.locator("main form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator("[role=alert]").count() == 1
    page.locator("#id_code").fill(code)
    page.locator("main form.plein-form button[type=submit]").click()
    settle(page)
    assert "De metingen van de dijk zijn niet ingevoerd." in page.content()

    page.locator("#id_text").fill("Ik heb nog een foto van het meetpunt.")
    page.locator("#id_attachments").set_input_files(str(photo))
    page.locator("form.plein-form button[type=submit]").last.click()
    settle(page)
    assert Message.objects.filter(direction="reporter").count() == 1
    assert "Ik heb nog een foto van het meetpunt." in page.content()

    page.locator("form[action$='/melden/uitloggen/'] button").click()
    settle(page)
    visit(page, reverse("reports:reporter_report"), status=403)
    assert_no_external_requests(page)


def test_handler_pages(page, reporting, channel, handler, submit, make_handler):
    from plein.core.tests.browser import login, visit

    report = submit(channel, "Een melding voor het team", mode="confidential", identity={"name": "Vera"}).report
    login(page, handler)
    visit(page, reverse("reports:inbox"))  # locked: metadata only
    visit(page, reverse("reports:vault_unlock"))
    page.locator("#id_passphrase").fill("niet de goede wachtzin")
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator("[role=alert]").count() >= 1
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    visit(page, reverse("reports:inbox"))
    visit(page, reverse("reports:report", args=[report.pk]))
    # The identity is shown only through the case's four-eyes step (plein.dossiers, tested there).
    assert "Vera" not in page.content()
    assert page.locator("a[href$='/dossier/#identiteit']").count() == 1
    page.locator("form[action$='/bericht/'] textarea").fill("Kunt u meer vertellen?")
    page.locator("form[action$='/bericht/'] button").click()
    settle(page)
    # Receipt is confirmed with the acknowledgement letter of the case (plein.dossiers).
    assert page.locator("a[href$='/dossier/ontvangstbrief/']").count() == 1
    visit(page, reverse("reports:channel_team", args=[channel.code]))
    visit(page, reverse("reports:vault_reset"))
    newcomer = make_handler(role=R.INVESTIGATOR, vault=False)
    login(page, newcomer)
    visit(page, reverse("reports:vault_setup"))
    page.locator("#id_passphrase").fill("kort")
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 1


def test_functional_administrator_pages(page, organisation, make_user, make_handler):
    from plein.core.tests.browser import login, visit

    admin = make_user(R.FUNCTIONAL_ADMIN)
    make_user(R.INTEGRITY_COORDINATOR)
    login(page, admin)
    visit(page, reverse("reports:admin_channels"))
    page.locator("#id_understood").check()
    page.locator("form[action$='/herstelsleutel/'] button").click()
    settle(page)
    assert page.locator(".plein-recovery-key").count() == 1
    visit(page, reverse("reports:admin_channel_new"))
    page.locator("#id_code").fill("misstand")
    page.locator("#id_name").fill("Vermoeden van een misstand")
    page.locator("form.plein-form button[type=submit]").click()
    settle(page)
    visit(page, reverse("reports:admin_channels"))
    visit(page, reverse("reports:admin_channel_edit", args=["misstand"]))
    visit(page, reverse("reports:admin_channel_team", args=["misstand"]))
    visit(page, reverse("reports:start"))
