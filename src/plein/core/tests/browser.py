"""The browser-test harness: Playwright driving Debian's Chromium against pytest-django's live server.

Every app uses it through the fixtures in ``src/plein/conftest.py`` (``page``, ``new_page``, ``browser``) and the
helpers below; ``docs/testing.md`` explains how. In short::

    from plein.core.tests.browser import login, visit

    def test_my_page(page, make_user):
        login(page, make_user(R.HR))
        visit(page, reverse("myapp:index"))          # status 200, axe, console, CSP and requests checked
        page.get_by_role("link", name="Details").click()
        # ...the page reached by the click is checked with axe automatically at the end of the test.

What is checked, for every page a test opens (with the ``page``/``new_page`` fixtures):

* **accessibility**: axe-core (npm, ``node_modules/axe-core``) with the WCAG 2.1 A/AA rules finds no violation.
  ``visit()`` and ``assert_accessible()`` check the live page at once. Every other document the page loaded (after a
  click, a form submission, a redirect) is checked when the test ends: the last one live, earlier ones by showing
  the exact HTML the server sent, with the site's own styles, in a separate checking tab. Pages opened with
  JavaScript switched off are checked the same way (axe itself needs JavaScript).
* **no request to another origin**: every request that is not for the live server is recorded and blocked.
* **no CSP violation, console error or uncaught script error**, and no failed request for a resource of our own
  (a missing stylesheet, image or script).
* **no server error**: no document answered with status 500 or higher.

Problems found at the end of a test make it fail (see ``pytest_runtest_call`` in ``conftest.py``). A test that
deliberately causes a problem (a test of this harness, say) calls ``monitor(page).clear()`` after asserting it.

Why axe is injected with ``page.evaluate`` and not with ``page.add_script_tag``: our CSP is ``script-src 'self'``,
which blocks the inline ``<script>`` that ``add_script_tag(content=...)`` creates (and reports a CSP violation).
``page.evaluate`` runs through the DevTools protocol, which a page's CSP does not govern, so the pages are tested
with their real CSP and no ``bypass_csp``.
"""

from __future__ import annotations

import functools
import os
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path(os.environ.get("PLEIN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# How long an action or an expectation may take before the test fails (milliseconds).
DEFAULT_TIMEOUT_MS = 10_000
# The browser a page gets unless the test asks otherwise: Dutch first, our time zone, a laptop screen.
DEFAULT_CONTEXT_OPTIONS = {
    "locale": "nl-NL",
    "timezone_id": "Europe/Amsterdam",
    "viewport": {"width": 1280, "height": 800},
    "service_workers": "block",
}
SCHEMES_WITHOUT_ORIGIN = ("data:", "blob:", "about:")

_RUN_AXE = """
async ({tags, context}) => {
  const result = await window.axe.run(context || document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}
"""


class HarnessError(RuntimeError):
    """The harness cannot run (no Chromium, no axe-core). Browser tests then fail; they are never skipped."""


def launch(playwright):
    """Start the headless Chromium that every browser test of the session shares."""
    if not CHROMIUM.exists():
        raise HarnessError(
            f"Chromium is missing at {CHROMIUM}. Install Debian's package (apt-get install chromium); "
            "./plein test does this when it can. Browser tests cannot run without it."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))


@functools.cache
def axe_source() -> str:
    path = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise HarnessError(f"{path} is missing: run ./plein test, which installs the npm dev dependencies.") from exc


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


@dataclass
class Document:
    """A document the page's main frame received from the server."""

    url: str
    method: str
    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes | None = None
    pending: bool = False
    checked: bool = False
    # Whether its status was already reported or accepted (a server error is reported once).
    reported: bool = False
    error: str = ""

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


@dataclass
class PageMonitor:
    """Everything a page did that a test must know about. One per page; get it with ``monitor(page)``."""

    page: object
    base_url: str
    javascript: bool
    documents: list[Document] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    _checker: object = None

    @property
    def origin(self) -> str:
        return origin_of(self.base_url)

    def is_own(self, url: str) -> bool:
        return url.startswith(SCHEMES_WITHOUT_ORIGIN) or origin_of(url) == self.origin

    # --- event handlers ---------------------------------------------------------------------------------------
    def on_route(self, route) -> None:
        url = route.request.url
        if self.is_own(url):
            route.continue_()
        else:
            self.external_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        # Chromium logs every 4xx/5xx answer as "Failed to load resource". Documents are judged by their status
        # (visit() and the server-error check); resources by on_response, which names them.
        if text.startswith("Failed to load resource"):
            return
        where = (message.location or {}).get("url", "")
        self.console_errors.append(f"{text}" + (f" (at {where})" if where else ""))

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def on_request_failed(self, request) -> None:
        if not self.is_own(request.url):
            return  # blocked by on_route, already recorded
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # cancelled because the page moved on (a click before a stylesheet or the icon finished loading)
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def on_response(self, response) -> None:
        request = response.request
        try:
            main_frame = request.frame.parent_frame is None and request.frame == self.page.main_frame
        except Exception:  # a frame that is already gone is not ours to check
            return
        if request.is_navigation_request() and main_frame:
            headers = response.headers
            document = Document(
                url=response.url,
                method=request.method,
                status=response.status,
                content_type=headers.get("content-type", ""),
                headers={k: v for k, v in headers.items() if k in {"content-type", "content-security-policy"}},
            )
            self.documents.append(document)
            if document.is_html and not 300 <= document.status < 400:
                document.pending = True
                try:
                    document.body = response.body()
                except Exception as exc:  # reported when the document is checked
                    document.error = str(exc)
                finally:
                    document.pending = False
        elif response.status >= 400 and self.is_own(response.url):
            self.failed_requests.append(f"{request.method} {response.url}: status {response.status}")

    # --- checks -----------------------------------------------------------------------------------------------
    def current_document(self) -> Document | None:
        url = _without_fragment(self.page.url)
        for document in reversed(self.documents):
            if _without_fragment(document.url) == url:
                return document
        return None

    def clear(self) -> None:
        """Forget every problem seen so far (for tests that cause one on purpose)."""
        for document in self.documents:
            document.checked = document.reported = True
        self.external_requests.clear()
        self.console_errors.clear()
        self.page_errors.clear()
        self.failed_requests.clear()

    def problems(self) -> list[str]:
        """Console, CSP, script and request problems seen so far (not accessibility)."""
        out = []
        if self.external_requests:
            out.append(_listing("Requests to another origin than the live server (blocked)", self.external_requests))
        if self.console_errors:
            out.append(_listing("Console errors (CSP violations appear here too)", self.console_errors))
        if self.page_errors:
            out.append(_listing("Uncaught script errors", self.page_errors))
        if self.failed_requests:
            out.append(_listing("Failed requests for our own resources", self.failed_requests))
        server_errors = [
            f"{d.method} {d.url}: status {d.status}" for d in self.documents if d.status >= 500 and not d.reported
        ]
        if server_errors:
            out.append(_listing("Server errors", server_errors))
        return out

    def check_documents(self) -> list[str]:
        """Run axe on every document not checked yet: the one on screen live, earlier ones re-rendered."""
        if not self.page.is_closed():
            self.page.wait_for_load_state("load")
        self.wait_for_bodies()
        out = []
        current = self.current_document() if not self.page.is_closed() else None
        for document in self.documents:
            if document.checked or not document.is_html or 300 <= document.status < 400:
                continue
            document.checked = True
            try:
                violations = self._axe_on(document, live=document is current and self.javascript)
            except HarnessError as exc:
                out.append(str(exc))
                continue
            if violations:
                out.append(format_violations(document.url, violations))
        return out

    def _axe_on(self, document: Document, *, live: bool) -> list[dict]:
        if live:
            try:
                return run_axe(self.page)
            except PlaywrightError:
                pass  # the page moved on while axe ran: check the copy instead
        if document.body is None and not self._refetch(document):
            raise HarnessError(f"Could not check {document.url} with axe: {document.error or 'no body received'}")
        return self._run_axe_on_copy(document)

    def wait_for_bodies(self) -> None:
        deadline = time.monotonic() + DEFAULT_TIMEOUT_MS / 1000
        while any(d.pending for d in self.documents) and time.monotonic() < deadline and not self.page.is_closed():
            self.page.wait_for_timeout(20)

    def _refetch(self, document: Document) -> bool:
        """Fetch a GET document again (with the page's cookies) when the browser no longer had its body."""
        if document.method != "GET" or self.page.is_closed():
            return False
        response = self.page.context.request.get(document.url, max_redirects=0)
        if response.status != document.status:
            return False
        document.body = response.body()
        return True

    def _run_axe_on_copy(self, document: Document) -> list[dict]:
        """axe on the HTML the server sent, shown at its own address with its own styles in a JavaScript tab."""
        if self._checker is None:
            context = self.page.context.browser.new_context(
                **{**DEFAULT_CONTEXT_OPTIONS, "base_url": self.base_url, "java_script_enabled": True}
            )
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            context.route("**/*", self._serve_copy)
            self._checker = {"context": context, "page": context.new_page(), "document": None}
        self._checker["document"] = document
        checker_page = self._checker["page"]
        checker_page.goto(document.url)
        return run_axe(checker_page)

    def _serve_copy(self, route) -> None:
        document = self._checker["document"] if self._checker else None
        request = route.request
        if document is not None and request.is_navigation_request() and request.url == document.url:
            route.fulfill(status=document.status, headers=document.headers, body=document.body)
        elif self.is_own(request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def close(self) -> None:
        if self._checker is not None:
            self._checker["context"].close()
            self._checker = None
        if not self.page.is_closed():
            self.page.context.close()


_MONITORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_OPEN: list[PageMonitor] = []


def open_page(browser, base_url: str, **context_options):
    """A new page in a fresh browser context (own cookies), watched by a PageMonitor.

    ``context_options`` go to ``browser.new_context``, e.g. ``java_script_enabled=False``, ``locale="en-GB"`` or
    ``viewport={"width": 390, "height": 844}``. Relative URLs in ``page.goto`` are relative to the live server.
    """
    options = {**DEFAULT_CONTEXT_OPTIONS, **context_options, "base_url": base_url}
    context = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    watcher = PageMonitor(page=page, base_url=base_url, javascript=options.get("java_script_enabled", True))
    context.route("**/*", watcher.on_route)
    page.on("console", watcher.on_console)
    page.on("pageerror", watcher.on_page_error)
    page.on("response", watcher.on_response)
    page.on("requestfailed", watcher.on_request_failed)
    _MONITORS[page] = watcher
    _OPEN.append(watcher)
    return page


def close_page(page) -> None:
    watcher = _MONITORS.get(page)
    if watcher is None:
        page.context.close()
        return
    if watcher in _OPEN:
        _OPEN.remove(watcher)
    watcher.close()


def monitor(page) -> PageMonitor:
    try:
        return _MONITORS[page]
    except KeyError:
        raise HarnessError("This page was not opened with the page/new_page fixture, so nothing watches it.") from None


def verify_open_pages() -> None:
    """Called when a test body ends: every page the test opened must be free of problems."""
    failures = []
    for watcher in list(_OPEN):
        failures.extend(watcher.check_documents())
        failures.extend(watcher.problems())
        watcher.clear()
    if failures:
        raise AssertionError("The browser found problems:\n\n" + "\n\n".join(failures))


# --- helpers for tests ----------------------------------------------------------------------------------------
def url_for(page, path: str) -> str:
    return urljoin(monitor(page).base_url, path)


def visit(page, path: str, *, status: int = 200):
    """Open ``path`` (relative to the live server), expect ``status``, and check the page at once.

    The page must pass axe, and nothing may have gone wrong so far (console or CSP errors, requests elsewhere).
    Returns Playwright's response.
    """
    url = url_for(page, path)
    response = page.goto(url)
    assert response is not None, f"Opening {url} gave no response"
    assert response.status == status, f"GET {url} answered {response.status}; the test expected {status}"
    document = monitor(page).current_document()
    if document is not None:
        document.reported = True  # the status was expected
    assert_accessible(page)
    assert_no_problems(page)
    return response


def run_axe(page, context: str | None = None) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now (JavaScript must be on)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN_AXE, {"tags": list(AXE_TAGS), "context": context})


def assert_accessible(page, context: str | None = None) -> None:
    """Fail with a readable list when axe finds WCAG 2.1 A/AA violations on the page as it is now.

    ``context`` is an optional CSS selector to check only part of the page (after an htmx swap, for instance).
    With JavaScript off, the HTML the server sent is checked in a separate tab.
    """
    watcher = monitor(page)
    watcher.wait_for_bodies()
    document = watcher.current_document()
    if watcher.javascript:
        violations = run_axe(page, context)
    elif document is not None:
        violations = watcher._axe_on(document, live=False)
    else:
        raise HarnessError(f"There is no document from the live server to check at {page.url}")
    if document is not None and context is None:
        document.checked = True
    if violations:
        raise AssertionError(format_violations(page.url, violations))


def assert_no_external_requests(page) -> None:
    """Fail when the page asked anything of another origin than the live server (such requests are blocked)."""
    requests = monitor(page).external_requests
    assert not requests, _listing("Requests to another origin than the live server (blocked)", requests)


def assert_no_console_errors(page) -> None:
    """Fail on console errors (Chromium reports CSP violations there) and uncaught script errors."""
    watcher = monitor(page)
    problems = [*watcher.console_errors, *watcher.page_errors]
    assert not problems, _listing("Console errors, CSP violations and script errors", problems)


def assert_no_problems(page) -> None:
    """All non-accessibility checks at once: requests elsewhere, console/CSP/script errors, failed requests."""
    problems = monitor(page).problems()
    assert not problems, "\n\n".join(problems)


def login(page, user, *, mfa: bool = True) -> None:
    """Log ``user`` in on ``page``'s browser context with a real session cookie.

    This is the one place that decides how browser tests log in, so that it can follow the login rules. With
    ``mfa=True`` the session is the one a login through allauth with a second factor leaves: the account gets an
    authenticator app (TOTP) if it has none, and a password step and an MFA step are recorded in the session, so pages
    behind the MFA enforcement open too. ``mfa=False`` records nothing but the login itself. The real login form is
    tested in ``core/tests/test_browser.py``.
    """
    from django.test import Client

    client = Client()
    client.force_login(user)
    if mfa:
        _record_password_and_mfa(client, user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": monitor(page).base_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def _record_password_and_mfa(client, user) -> None:
    """What allauth records in the session after a login with a password and an authenticator app."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.core import context
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, generate_totp_secret()).instance
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    with context.request_context(request):
        record_authentication(request, user, method="password", email=user.email)
        record_authentication(request, user, method="mfa", type=authenticator.type, id=authenticator.pk)
    session.save()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"  - {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    how to fix: {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    at {node['target']}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def _listing(title: str, items: list[str]) -> str:
    return title + ":\n" + "\n".join(f"  - {item}" for item in items)
