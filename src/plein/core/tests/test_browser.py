"""Browser and accessibility tests of the base layout and the core pages.

Every page these tests open is checked with axe-core (WCAG 2.1 A/AA), for CSP violations and console errors, and for
requests to other origins: see plein.core.tests.browser and docs/testing.md.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plein.core import roles as R
from plein.core.tests import browser as harness
from plein.core.tests.browser import (
    assert_accessible,
    assert_no_console_errors,
    assert_no_external_requests,
    login,
    monitor,
    visit,
)
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory, StructureRoleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # the password UserFactory gives every account
# Names are matched in Dutch and English, so the tests hold before and after the translations are filled in.
MAIN_NAV = re.compile("Hoofdmenu|Main navigation")


def focused(page) -> dict:
    """What has the keyboard focus: tag, text, id, href and whether a focus indicator is drawn."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                text: (el.innerText || el.value || "").trim(),
                href: el.getAttribute("href"),
                inNav: !!el.closest("nav.plein-nav"),
                indicator: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


# --- pages ----------------------------------------------------------------------------------------------------
def test_home_page(page, organisation):
    visit(page, reverse("core:home"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title(re.compile("Provincie Testland"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Provincie Testland")
    expect(page.get_by_role("navigation", name=MAIN_NAV)).to_be_visible()
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_be_visible()


def test_who_is_who_lists_the_integrity_structure(page, organisation):
    StructureRoleFactory(
        organisation=organisation,
        employee__first_name="Ineke",
        employee__last_name="Jansen",
        go_to_for="Vragen over nevenfuncties en geschenken",
        email="ic@example.org",
        phone="06 1234 5678",
    )
    StructureRoleFactory(
        organisation=organisation,
        kind="confidential_adviser_external",
        employee=None,
        name="Bureau Vertrouwen Extern",
        email="vp@example.org",
    )
    StructureRoleFactory(organisation=organisation, kind="works_council", employee=None, name="Ondernemingsraad")
    unit = OrgUnitFactory(organisation=organisation, name="Team Water")
    boss = EmployeeFactory(organisation=organisation, unit=unit, first_name="Karel", last_name="Baas")
    EmployeeFactory(organisation=organisation, unit=unit, manager=boss)

    visit(page, reverse("core:structure"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Ineke Jansen")).to_be_visible()
    expect(page.get_by_text("Vragen over nevenfuncties en geschenken")).to_be_visible()
    expect(page.get_by_role("link", name="vp@example.org")).to_have_attribute("href", "mailto:vp@example.org")
    expect(page.get_by_role("link", name="06 1234 5678")).to_have_attribute("href", "tel:0612345678")
    expect(page.get_by_role("table")).to_contain_text("Karel")
    # The table of contents leads to each group.
    page.get_by_role("navigation", name=re.compile("pagina|page")).get_by_role("link").last.click()
    expect(page).to_have_url(re.compile("#managers$"))


def test_login_page_logs_in_with_the_real_form(page, make_user):
    user = make_user()
    visit(page, reverse("account_login"))
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(user.email)
    password = page.get_by_label(re.compile("^(wachtwoord|password)$", re.IGNORECASE))
    password.fill(PASSWORD)
    password.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:start")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(user))
    # The start page reached through the form is checked with axe at the end of the test (automatically).


def test_start_page_of_a_logged_in_user(page, make_user):
    user = make_user(R.HR)
    login(page, user)
    visit(page, reverse("core:start"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(user))
    expect(page.get_by_role("heading", name=re.compile("Mijn rollen|My roles"))).to_be_visible()
    current = page.get_by_role("navigation", name=MAIN_NAV).locator("[aria-current=page]")
    expect(current).to_have_attribute("href", reverse("core:start"))


def test_people_list_for_hr(page, organisation, make_user):
    water = OrgUnitFactory(organisation=organisation, name="Team Water")
    wegen = OrgUnitFactory(organisation=organisation, name="Team Wegen")
    EmployeeFactory(organisation=organisation, unit=water, first_name="Anna", last_name="Waterman")
    EmployeeFactory(organisation=organisation, unit=wegen, first_name="Bram", last_name="Wegenaar")
    login(page, make_user(R.HR))

    visit(page, reverse("core:people"))
    table = page.get_by_role("table")
    expect(table).to_contain_text("Waterman")
    expect(table).to_contain_text("Wegenaar")

    page.get_by_role("search").get_by_role("combobox").select_option(label="Team Water")
    page.get_by_role("search").get_by_role("button").click()
    expect(table).to_contain_text("Waterman")
    expect(table).not_to_contain_text("Wegenaar")


def test_people_list_is_refused_to_an_employee(page, employee_user):
    login(page, employee_user)
    visit(page, reverse("core:people"), status=403)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_not_found_page(page, organisation):
    visit(page, "/bestaat-niet/", status=404)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link").first).to_have_attribute("href", reverse("core:home"))


# --- language switch ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_language_switch(new_page, organisation, javascript):
    page = new_page(java_script_enabled=javascript)
    visit(page, reverse("core:structure"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:structure")) + "$"))
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    assert_accessible(page)
    assert_no_console_errors(page)

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:structure")) + "$"))
    expect(page.get_by_role("navigation", name=MAIN_NAV)).to_be_visible()


# --- keyboard -------------------------------------------------------------------------------------------------
def test_skip_link_is_first_and_moves_focus_to_main(page, organisation):
    visit(page, reverse("core:home"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main", first
    assert first["indicator"], "The skip link has no visible focus indicator"
    skip = page.locator("a[href='#main']")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)"), focused(page)


def test_keyboard_reaches_the_main_navigation(page, organisation, make_user):
    login(page, make_user(R.HR))
    visit(page, reverse("core:home"))
    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now)
        assert now["indicator"], f"No visible focus indicator on {now}"
        if now["inNav"] and now["href"] == reverse("core:structure"):
            break
    else:
        pytest.fail(f"15 presses of Tab did not reach 'who is who' in the main navigation: {seen}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:structure")) + "$"))
    current = page.get_by_role("navigation", name=MAIN_NAV).locator("[aria-current=page]")
    expect(current).to_have_attribute("href", reverse("core:structure"))


def test_management_pages_are_grouped_in_one_menu_that_opens_with_the_keyboard(page, organisation, make_user):
    login(page, make_user(R.INTEGRITY_COORDINATOR, R.FUNCTIONAL_ADMIN))
    visit(page, reverse("core:start"))
    nav = page.get_by_role("navigation", name=MAIN_NAV)
    audit_log = nav.get_by_role("link", name=re.compile("Auditlog|Audit log"))
    expect(audit_log).to_be_hidden()
    menu = nav.locator("summary", has_text="Beheer")
    menu.focus()
    page.keyboard.press("Enter")
    expect(audit_log).to_be_visible()
    audit_log.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("core:audit_log")) + "$"))
    # The current page is inside the menu: the menu is marked, and the page's own link says so when opened.
    expect(nav.locator("summary", has_text="Beheer")).to_have_class(re.compile("plein-nav__link--current"))
    expect(nav.locator("[aria-current=page]")).to_have_attribute("href", reverse("core:audit_log"))


def test_small_screen_has_no_horizontal_scrolling(new_page, organisation, make_user):
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, make_user(R.HR))
    for path in (reverse("core:home"), reverse("core:structure"), reverse("core:people")):
        visit(page, path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
        expect(page.get_by_role("navigation", name=MAIN_NAV).get_by_role("link").first).to_be_in_viewport()


# --- the harness itself ---------------------------------------------------------------------------------------
def serve(page, path: str, html: str, *, csp: str = "default-src 'self'") -> None:
    """Answer ``path`` on the live server's origin with ``html`` (for tests of the harness)."""
    page.route(
        harness.url_for(page, path),
        lambda route: route.fulfill(
            status=200,
            headers={"content-type": "text/html; charset=utf-8", "content-security-policy": csp},
            body=html,
        ),
    )


BAD_PAGE = """<!DOCTYPE html><html lang="nl"><head><title>Slecht</title></head><body><main>
<h1>Slecht</h1><img src="/static/plein/plein.css"><p style="color:#bbb;background:#fff">Grijs op wit</p>
<a href="/">Terug</a></main></body></html>"""


def test_harness_reports_axe_violations_readably(page, organisation):
    serve(page, "/__harness/bad/", BAD_PAGE, csp="default-src 'self'; style-src 'unsafe-inline'")
    page.goto("/__harness/bad/")
    with pytest.raises(AssertionError) as caught:
        assert_accessible(page)
    message = str(caught.value)
    assert "image-alt (critical)" in message
    assert "color-contrast (serious)" in message
    assert "at img:" in message or "at img " in message
    assert "https://dequeuniversity.com/rules/axe/" in message
    monitor(page).clear()


def test_harness_checks_pages_reached_by_a_click_at_the_end(page, organisation):
    serve(page, "/__harness/bad/", BAD_PAGE, csp="default-src 'self'; style-src 'unsafe-inline'")
    serve(
        page,
        "/__harness/start/",
        '<!DOCTYPE html><html lang="nl"><title>Start</title><main><h1>Start</h1>'
        '<a href="/__harness/bad/">Verder</a></main></html>',
    )
    visit(page, "/__harness/start/")
    page.get_by_role("link", name="Verder").click()
    page.get_by_role("link", name="Terug").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("core:home")) + "$"))
    with pytest.raises(AssertionError) as caught:
        harness.verify_open_pages()
    message = str(caught.value)
    assert "/__harness/bad/" in message and "image-alt" in message
    assert "/__harness/start/" not in message  # checked already, and clean


def test_harness_checks_pages_without_javascript(new_page, organisation):
    page = new_page(java_script_enabled=False)
    serve(page, "/__harness/bad/", BAD_PAGE, csp="default-src 'self'; style-src 'unsafe-inline'")
    page.goto("/__harness/bad/")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
    monitor(page).clear()


def test_harness_blocks_and_reports_requests_to_other_origins(page, organisation):
    serve(
        page,
        "/__harness/external/",
        '<!DOCTYPE html><html lang="nl"><title>Extern</title><main><h1>Extern</h1>'
        '<img alt="" src="http://cdn.example.invalid/pixel.png"></main></html>',
        csp="default-src 'self' http://cdn.example.invalid",
    )
    page.goto("/__harness/external/")
    page.wait_for_load_state("load")
    with pytest.raises(AssertionError, match=r"cdn\.example\.invalid/pixel\.png"):
        assert_no_external_requests(page)
    monitor(page).clear()


def test_harness_reports_csp_violations(page, organisation):
    serve(
        page,
        "/__harness/inline/",
        '<!DOCTYPE html><html lang="nl"><title>Inline</title><main><h1>Inline</h1>'
        "<script>document.title = 'ran';</script></main></html>",
        csp="script-src 'self'",
    )
    page.goto("/__harness/inline/")
    page.wait_for_load_state("load")
    with pytest.raises(AssertionError, match="Content Security Policy"):
        assert_no_console_errors(page)
    assert page.title() == "Inline"
    monitor(page).clear()


def test_harness_reports_server_errors(page, organisation):
    page.route(harness.url_for(page, "/__harness/boom/"), lambda route: route.fulfill(status=500, body="boom"))
    page.goto("/__harness/boom/")
    with pytest.raises(AssertionError, match="status 500"):
        harness.verify_open_pages()


def test_real_pages_send_no_external_requests_and_no_csp_errors(page, organisation, make_user):
    login(page, make_user(R.HR))
    for name in ("core:home", "core:start", "core:structure", "core:people"):
        visit(page, reverse(name))
    assert_no_external_requests(page)
    assert_no_console_errors(page)
    assert monitor(page).documents, "the monitor saw no documents"
