"""The API pages in a real browser: the token page of the functional administrator, and the API documentation
(Swagger UI from our own origin) under the strict CSP. axe, CSP, console and request checks come from the harness."""

from django.urls import reverse

from plein.api.models import ApiToken
from plein.core import roles as R
from plein.core.tests.browser import assert_accessible, login, monitor, visit


def test_functional_admin_makes_and_revokes_a_token(page, make_user):
    login(page, make_user(R.FUNCTIONAL_ADMIN))
    visit(page, reverse("api_tokens:list"))
    page.locator("#id_name").fill("HR-systeem")
    page.locator("input[name=scopes][value='hr.sync']").check()
    page.locator("#id_days").fill("30")
    page.locator("form.plein-form button[type=submit]").click()
    page.wait_for_selector("#api-token")
    token = ApiToken.objects.get()
    shown = page.locator("#api-token").input_value()
    assert shown.startswith(f"plein_{token.prefix}_")
    assert page.locator("#api-token").get_attribute("readonly") is not None
    page.locator(f"main a[href='{reverse('api_tokens:list')}']").click()
    page.wait_for_url(f"**{reverse('api_tokens:list')}")
    assert shown not in page.content()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('api_tokens:revoke', kwargs={'token_id': token.pk})}'] button").click()
    assert token.prefix in page.locator(".plein-messages").inner_text()  # "The token ... has been revoked."
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_docs_work_under_the_strict_csp(page, organisation):
    visit(page, reverse("api:docs"))
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15_000)
    assert page.locator(".swagger-ui .opblock-tag").count() == 3  # people, units, positions
    assert "Integriteitsplein API" in page.locator(".swagger-ui .info .title").inner_text()
    assert_accessible(page)  # Swagger UI rendered: contrast fixed in api/docs.css, no deep links in buttons
    page.locator("#operations-people-people_sync_create .opblock-summary-control").click()
    page.wait_for_selector("#operations-people-people_sync_create .body-param__example")
    page.wait_for_selector("#operations-people-people_sync_create .responses-table")
    assert "dry_run" in page.locator("#operations-people-people_sync_create").inner_text()
    assert_accessible(page)
    watcher = monitor(page)
    assert not watcher.external_requests
    assert not watcher.console_errors and not watcher.page_errors
