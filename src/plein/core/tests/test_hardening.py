"""Web hardening (issue 13, "Must show" 6), tested on every route of the URL walk (plein.core.url_policy).

For every route, as an anonymous visitor and as a logged-in employee (and the CMS as an editor):

* a Content Security Policy without ``'unsafe-inline'`` or ``'unsafe-eval'`` in ``script-src`` and ``style-src``, with
  ``default-src 'none'`` and ``frame-ancestors 'none'``; the only exception is the Wagtail admin under ``/cms/``,
  which gets exactly the directives of ``CMS_CONTENT_SECURITY_POLICY`` (docs/adr/0003-wagtail-admin-csp.md);
* ``X-Content-Type-Options: nosniff`` and ``X-Frame-Options: DENY`` (the CMS: its frame-ancestors);
* ``Referrer-Policy: no-referrer`` on the reporter pages (``PLEIN_NO_REFERRER_PATH_PREFIXES``), same-origin elsewhere;
* no redirect off-site, whatever ``next`` (and similar parameters) say;
* a POST without a CSRF token is refused on every route that is not a token-authenticated API route.

Production settings (imported in a subprocess with ``PLEIN_ENV=production``) turn on HSTS, TLS redirects and secure,
HttpOnly, SameSite cookies; a real login, receipt login and vault unlock under those settings show the headers.
Uploaded files are served only as attachments with nosniff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponseForbidden
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse

from plein.core import roles as R
from plein.core.middleware_headers import no_referrer_prefixes
from plein.core.url_policy import INTERNAL_REST_PREFIXES, iter_routes

pytestmark = pytest.mark.django_db

EVIL = ("https://evil.example/", "//evil.example")
# Parameters that views commonly read to redirect; the walk sends all of them with an off-site value.
REDIRECT_PARAMETERS = ("next", "redirect_to", "return_to", "success_url", "url")
CSRF_MARKER = "X-Test-Csrf-Refused"
# Views that check CSRF themselves so that a reporter keeps what they typed (plein.reports.views
# keep_input_on_csrf_failure): they answer 403 without storing anything. Tested below with a real reporter session.
CSRF_CHECKED_IN_VIEW = frozenset({"reports:submit", "reports:reporter_report"})


def csrf_refused(request, reason=""):
    """Stands in for CSRF_FAILURE_VIEW in these tests, so that a CSRF refusal is told apart from any other 403."""
    response = HttpResponseForbidden("csrf")
    response[CSRF_MARKER] = "1"
    return response


def login_path() -> str:
    return resolve_url(django_settings.LOGIN_URL)


def cms_prefix() -> str:
    return django_settings.PLEIN_CMS_PREFIX


def parse_csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def strict_policy() -> dict[str, list[str]]:
    return {k: list(v) for k, v in django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}


def cms_policy() -> dict[str, list[str]]:
    return {**strict_policy(), **{k: list(v) for k, v in django_settings.CMS_CONTENT_SECURITY_POLICY.items()}}


def _same(a: dict, b: dict) -> bool:
    return {k: sorted(v) for k, v in a.items()} == {k: sorted(v) for k, v in b.items()}


def offsite(location: str) -> bool:
    location = location.strip()
    if location.startswith(("//", "/\\", "\\")):
        return True
    parts = urlsplit(location)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return True  # javascript:, data: ...
    return bool(parts.netloc) and parts.netloc.split(":")[0] not in ("testserver", "localhost", "127.0.0.1")


def call(client: Client, method: str, path: str, **kwargs):
    """One request in a savepoint, so that a failing view cannot spoil the next request's transaction."""
    try:
        with transaction.atomic():
            return getattr(client, method)(path, **kwargs), None
    except Exception as exc:
        return None, f"raised {exc!r}"


REFERRER_META = re.compile(
    r"<meta\s+[^>]*name=[\"']?referrer[\"']?[^>]*>",
    re.IGNORECASE,
)


def referrer_metas(response) -> list[str]:
    """The policies of the page's ``<meta name="referrer">`` tags ([] for a page without, or no HTML)."""
    if "html" not in response.headers.get("Content-Type", "") or getattr(response, "streaming", False):
        return []
    html = response.content.decode(errors="replace")
    found = []
    for tag in REFERRER_META.findall(html):
        content = re.search(r"content=[\"']?([\w-]+)", tag, re.IGNORECASE)
        found.append(content.group(1).lower() if content else "")
    return found


def header_problems(path: str, response) -> list[str]:
    """What is wrong with the security headers of one response ([] when nothing)."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    csp_value = response.headers.get("Content-Security-Policy", "")
    in_cms = path.startswith(cms_prefix())
    download = response.headers.get("Content-Disposition", "").lower().startswith("attachment")
    if not csp_value:
        problems.append("no Content-Security-Policy")
    else:
        csp = parse_csp(csp_value)
        if in_cms and _same(csp, cms_policy()):
            pass  # the documented exception (ADR 0003), exactly, and only under /cms/
        else:
            for directive in ("script-src", "style-src", "default-src"):
                values = csp.get(directive, [])
                if "'unsafe-inline'" in values or "'unsafe-eval'" in values:
                    problems.append(f"{directive} allows {values}")
            if csp.get("default-src") != ["'none'"]:
                problems.append(f"default-src is {csp.get('default-src')}")
            if not download and csp.get("frame-ancestors") != ["'none'"]:
                problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
        for directive, values in csp.items():
            # form-action may name the single sign-on provider; nothing else may name another origin
            if directive != "form-action" and any(
                v not in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:") for v in values
            ):
                problems.append(f"{directive} names another origin: {values}")
            if "'unsafe-eval'" in values:
                problems.append(f"{directive} allows 'unsafe-eval'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not in_cms and response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')}")
    want_referrer = "no-referrer" if path.startswith(no_referrer_prefixes()) else "same-origin"
    if response.headers.get("Referrer-Policy") != want_referrer:
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')}, not {want_referrer}")
    # A <meta name="referrer"> applies after the header in the browser: it may only repeat the header's policy.
    for meta in referrer_metas(response):
        if meta != want_referrer:
            problems.append(f'<meta name="referrer" content="{meta}"> overrides Referrer-Policy {want_referrer}')
    if response.has_header("Location") and offsite(response["Location"]):
        problems.append(f"redirects off-site to {response['Location']}")
    return problems


# Wagtail's own admin views that raise on the walk's sample values (a Wagtail matter, not a header problem).
KNOWN_CMS_ERRORS = {
    "wagtailadmin_error_test": "Wagtail's deliberate error page (/cms/failwhale/)",
    "wagtailadmin_pages:set_page_position": "raises AttributeError for a page that does not exist",
}


def walk_get(client: Client, routes, *, evil: str = EVIL[0]) -> list[str]:
    failures = []
    query = dict.fromkeys(REDIRECT_PARAMETERS, evil)
    # Log-out routes last, so that the rest of the walk keeps its login.
    for route in sorted(routes, key=lambda r: "logout" in r.name):
        response, error = call(client, "get", route.path, data=query)
        if error and route.name in KNOWN_CMS_ERRORS:
            continue
        problems = [error] if error else header_problems(route.path, response)
        if problems:
            failures.append(f"{route.name or '(unnamed)'} GET {route.path}: {'; '.join(problems)}")
    return failures


def web_routes():
    return [r for r in iter_routes() if not r.is_api and not r.path.startswith("/static/")]


@pytest.fixture
def employee_client(make_user):
    client = Client()
    client.force_login(make_user())
    return client


def make_editor(make_user):
    """An editor with CMS access, the portal set up as ``./plein setup_portal`` leaves it (groups, home page)."""
    from plein.portal import services as portal_services

    portal_services.ensure_portal_setup()
    return make_user(R.EDITOR)


@pytest.fixture
def editor_client(make_user):
    client = Client()
    client.force_login(make_editor(make_user))
    return client


# --- headers on every page ---------------------------------------------------------------------------------------


def test_every_page_sends_the_security_headers_to_anonymous_visitors(client, organisation):
    routes = web_routes()
    assert len(routes) > 100
    failures = walk_get(client, routes)
    assert not failures, "Responses without the required security headers:\n" + "\n".join(failures)


def test_every_page_sends_the_security_headers_to_employees(employee_client, organisation):
    failures = walk_get(employee_client, web_routes(), evil=EVIL[1])
    assert not failures, "Responses without the required security headers:\n" + "\n".join(failures)


def test_the_cms_gets_exactly_the_documented_csp_exception_and_nothing_else_does(editor_client, organisation):
    routes = [r for r in web_routes() if r.path.startswith(cms_prefix())]
    assert len(routes) > 20
    home = editor_client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    csp = parse_csp(home["Content-Security-Policy"])
    assert _same(csp, cms_policy())
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'self'"]
    # The relaxation is by path: the editor's own pages elsewhere keep the strict policy.
    start = parse_csp(editor_client.get(reverse("core:start"))["Content-Security-Policy"])
    assert "'unsafe-inline'" not in start["script-src"] + start["style-src"]
    failures = walk_get(editor_client, routes)  # the last route logs the editor out
    assert not failures, "CMS responses:\n" + "\n".join(failures)


def test_reporter_pages_send_no_referrer_and_the_rest_same_origin(client, organisation):
    assert "/melden/" in no_referrer_prefixes()
    assert client.get(reverse("reports:start"))["Referrer-Policy"] == "no-referrer"
    assert client.get(reverse("reports:receipt_login"))["Referrer-Policy"] == "no-referrer"
    assert client.get(reverse("core:home"))["Referrer-Policy"] == "same-origin"
    with override_settings(PLEIN_NO_REFERRER_PATH_PREFIXES=["/wie-is-wie/"]):
        assert client.get(reverse("core:structure"))["Referrer-Policy"] == "no-referrer"
        assert client.get(reverse("reports:start"))["Referrer-Policy"] == "same-origin"


def test_reporter_pages_have_no_referrer_meta_that_weakens_the_header(client, organisation):
    """On the reporter pages the header (no-referrer) decides alone; elsewhere the meta repeats same-origin."""
    for name in ("reports:start", "reports:receipt_login"):
        response = client.get(reverse(name))
        assert response["Referrer-Policy"] == "no-referrer"
        assert referrer_metas(response) == [], name
    not_found = client.get("/melden/bestaat-niet/")  # the error page is a reporter page too
    assert not_found.status_code == 404
    assert not_found["Referrer-Policy"] == "no-referrer" and referrer_metas(not_found) == []
    home = client.get(reverse("core:structure"))
    assert home["Referrer-Policy"] == "same-origin" and referrer_metas(home) == ["same-origin"]


@pytest.mark.parametrize("secure", [False, True])
def test_reporter_forms_post_with_origin_null_under_no_referrer(secure, organisation, make_user, settings, tmp_path):
    """A browser on a no-referrer page sends ``Origin: null`` with its form posts: the reporter pages accept that
    (with a valid CSRF token), everything else still refuses it, and a missing token is refused everywhere."""
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    _handler, channel = _reporting_with_report(organisation, make_user)
    submission = _submit(channel)
    client = Client(enforce_csrf_checks=True)
    login_url = reverse("reports:receipt_login")
    page = client.get(login_url, secure=secure).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    null = {"HTTP_ORIGIN": "null", "secure": secure}
    refused = client.post(login_url, {"code": submission.receipt_code}, **null)
    assert refused.status_code == 403  # Origin null is no substitute for the token
    opened = client.post(login_url, {"code": submission.receipt_code, "csrfmiddlewaretoken": csrf}, **null)
    assert opened.status_code == 302, opened.content[:300]
    foreign = client.post(
        login_url,
        {"code": submission.receipt_code, "csrfmiddlewaretoken": csrf},
        HTTP_ORIGIN="https://evil.example",
        secure=secure,
    )
    assert foreign.status_code == 403  # a real foreign origin is still refused
    other = Client(enforce_csrf_checks=True)
    login_page = other.get(reverse("account_login"), secure=secure).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    elsewhere = other.post(
        reverse("account_login"), {"login": "x@example.org", "password": "x", "csrfmiddlewaretoken": token}, **null
    )
    assert elsewhere.status_code == 403  # outside the reporter pages, Origin null stays refused


def test_the_header_checks_catch_what_they_should():
    from django.http import HttpResponse

    bad = HttpResponse("x")
    bad["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    problems = header_problems("/x/", bad)
    assert any("script-src allows" in p for p in problems)
    assert any("nosniff" in p for p in problems)
    assert any("frame-ancestors" in p for p in problems)
    assert any("Referrer-Policy" in p for p in problems)
    page = HttpResponse('<html><head><meta name="referrer" content="same-origin"></head></html>')
    page["Referrer-Policy"] = "no-referrer"
    assert any("overrides Referrer-Policy no-referrer" in p for p in header_problems("/melden/", page))
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        assert offsite(target), target
    assert not offsite("/accounts/login/?next=https://evil.example/")
    assert not offsite("http://testserver/start/")


# --- production settings: HSTS and cookies --------------------------------------------------------------------


SECURITY_SETTINGS = (
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
)


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory):
    """The security settings as ``PLEIN_ENV=production`` makes them, read by importing settings in a subprocess."""
    tmp = tmp_path_factory.mktemp("production")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "PLEIN_DEMO", "BEHIND_TLS", "DEBUG"))
    }
    env.update(
        PLEIN_ENV="production",
        SECRET_KEY="production-test-" + "k" * 50,
        ALLOWED_HOSTS="plein.example",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        PLEIN_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="plein.settings",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(SECURITY_SETTINGS)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_turn_on_hsts_tls_and_secure_cookies(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert s[f"{cookie}_COOKIE_SECURE"] is True, cookie
        assert s[f"{cookie}_COOKIE_HTTPONLY"] is True, cookie
        assert s[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict"), cookie
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"


def test_production_refuses_insecure_cookies(tmp_path):
    env = {
        **os.environ,
        "PLEIN_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "plein.example",
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PLEIN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "plein.settings",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Insecure cookies are refused" in result.stderr


def _cookie_flags(response, name: str) -> dict:
    morsel = response.cookies[name]
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
        "path": morsel["path"],
    }


def _reporting_with_report(organisation, make_user):
    """Reporting set up, a channel with a handler (vault passphrase below), one report; returns (handler, code, report)."""
    from django.utils import timezone

    from plein.reports import services
    from plein.reports.models import ChannelMembership, HandlerKey
    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    services.set_up_reporting(organisation=organisation, actor=None)
    channel = services.create_channel(
        organisation=organisation,
        actor=None,
        code="misstand",
        name="Misstand",
        description="Wat u hier kunt melden.",
        questionnaire=DEFAULT_QUESTIONNAIRE,
        anonymity_allowed=True,
        retention_days=365,
        category="",
        is_active=True,
        order=0,
    )
    handler = make_user(R.INTEGRITY_COORDINATOR)
    services.set_up_vault(user=handler, passphrase=VAULT_PASSPHRASE)
    membership = services.add_team_member(channel=channel, actor=None, user=handler)
    if membership.confirmed_at is None:
        membership.confirmed_public_key = bytes(HandlerKey.objects.get(user=handler).public_key)
        membership.confirmed_at = timezone.now()
        membership.save()
    assert ChannelMembership.objects.filter(channel=channel, user=handler).exists()
    return handler, channel


VAULT_PASSPHRASE = "correct horse battery vault"


def _submit(channel, text="Er is iets misgegaan.", files=()):
    from plein.reports import services

    return services.submit_report(
        channel=channel,
        mode="anonymous",
        answers=[{"key": "wat", "label": "Wat is er gebeurd?", "value": text}],
        identity=None,
        files=files,
        form_token=services.issue_form_token(),
    )


def test_cookies_are_secure_httponly_and_samesite_under_production_settings(
    production_settings, organisation, make_user, settings, tmp_path
):
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    applied = {k: v for k, v in production_settings.items() if k != "DEBUG"}
    user = make_user()
    handler, channel = _reporting_with_report(organisation, make_user)
    submission = _submit(channel)
    with override_settings(**applied):
        client = Client()
        # HTTP is sent to HTTPS; HTTPS responses carry HSTS.
        plain = client.get(reverse("account_login"))
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        page = client.get(reverse("account_login"), secure=True)
        assert page.status_code == 200
        assert page["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "includeSubDomains" in page["Strict-Transport-Security"]
        assert page.cookies, "the login page sets the CSRF cookie"
        # Behind the TLS proxy the forwarded scheme counts.
        proxied = client.get(reverse("account_login"), HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200 and "Strict-Transport-Security" in proxied

        login = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "correct horse battery staple"},
            secure=True,
        )
        assert login.status_code == 302, login.content.decode()[:500]
        language = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)
        reporter = Client()
        receipt = reporter.post(reverse("reports:receipt_login"), {"code": submission.receipt_code}, secure=True)
        assert receipt.status_code == 302
        vault = Client()
        vault.force_login(handler)
        unlocked = vault.post(reverse("reports:vault_unlock"), {"passphrase": VAULT_PASSPHRASE}, secure=True)
        assert unlocked.status_code == 302
    cookies = {
        "csrftoken": _cookie_flags(page, "csrftoken"),
        "sessionid": _cookie_flags(login, "sessionid"),
        "django_language": _cookie_flags(language, "django_language"),
        "plein_melder": _cookie_flags(receipt, "plein_melder"),
        "plein_vault": _cookie_flags(unlocked, "plein_vault"),
    }
    for name, flags in cookies.items():
        assert flags["secure"], name
        assert flags["httponly"], name
        assert flags["samesite"] in ("Lax", "Strict"), name
    assert cookies["plein_melder"]["samesite"] == "Strict" and cookies["plein_melder"]["path"] == "/melden/"
    assert cookies["plein_vault"]["samesite"] == "Strict"


# --- CSRF on every POST --------------------------------------------------------------------------------------------


def walk_post_without_token(client: Client, routes) -> list[str]:
    failures = []
    for route in routes:
        if route.name in CSRF_CHECKED_IN_VIEW:
            continue
        response, error = call(client, "post", route.path, data={"x": "1"})
        if error:
            failures.append(f"{route.name} {route.path}: {error}")
            continue
        internal_rest = route.path.lstrip("/").startswith(INTERNAL_REST_PREFIXES)
        if internal_rest and response.status_code in (401, 403, 405):
            continue  # REST framework: session authentication checks CSRF itself ("CSRF Failed"), or no such method
        location = urlsplit(response.get("Location", "")).path
        cms_account_page = route.name.startswith(("wagtailadmin_login", "wagtailadmin_password_reset"))
        if (
            route.path.startswith(cms_prefix())
            and response.status_code == 302
            and (location == login_path() or (cms_account_page and not offsite(response["Location"])))
        ):
            continue  # the CMS middleware sends its own log-in pages to allauth before any view runs
        if response.headers.get(CSRF_MARKER) != "1":
            failures.append(
                f"{route.name or '(unnamed)'} POST {route.path}: {response.status_code}, not a CSRF refusal"
            )
    return failures


@override_settings(CSRF_FAILURE_VIEW="plein.core.tests.test_hardening.csrf_refused")
def test_every_post_without_a_csrf_token_is_refused(organisation, make_user):
    routes = [r for r in web_routes() if not r.path.startswith(cms_prefix())]
    cms_routes = [r for r in web_routes() if r.path.startswith(cms_prefix())]
    anonymous = Client(enforce_csrf_checks=True)
    employee = Client(enforce_csrf_checks=True)
    employee.force_login(make_user())
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(make_editor(make_user))
    failures = walk_post_without_token(anonymous, routes)
    failures += walk_post_without_token(employee, routes)
    failures += walk_post_without_token(editor, cms_routes)
    assert not failures, "POST routes that do not refuse a request without a CSRF token:\n" + "\n".join(failures)
    exempt = [
        r.name
        for r in web_routes()
        if getattr(r.callback, "csrf_exempt", False)
        and r.name not in CSRF_CHECKED_IN_VIEW
        and not r.path.lstrip("/").startswith(INTERNAL_REST_PREFIXES)
    ]
    assert not exempt, f"csrf_exempt web routes: {exempt}"


def test_reporter_forms_check_csrf_themselves_and_store_nothing_without_a_token(
    organisation, make_user, settings, tmp_path
):
    import re

    from django.core.cache import cache

    from plein.reports.models import Message, Report

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    _handler, channel = _reporting_with_report(organisation, make_user)
    submission = _submit(channel)
    client = Client(enforce_csrf_checks=True)
    url = reverse("reports:submit", args=[channel.code])
    page = client.get(url).content.decode()
    form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    response = client.post(url, {"form_token": form_token, "mode": "anonymous", "q_wat": "Zonder CSRF-token."})
    assert response.status_code == 403
    assert Report.objects.count() == 1

    login_page = client.get(reverse("reports:receipt_login")).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    no_token = client.post(reverse("reports:receipt_login"), {"code": submission.receipt_code})
    assert no_token.status_code == 403
    opened = client.post(
        reverse("reports:receipt_login"), {"code": submission.receipt_code, "csrfmiddlewaretoken": csrf}
    )
    assert opened.status_code == 302
    response = client.post(reverse("reports:reporter_report"), {"text": "Zonder CSRF-token."})
    assert response.status_code == 403
    assert Message.objects.count() == 0


# --- open redirects ----------------------------------------------------------------------------------------------


def walk_post_redirects(client: Client, routes, evil: str) -> list[str]:
    failures = []
    body = dict.fromkeys(REDIRECT_PARAMETERS, evil)
    for route in sorted(routes, key=lambda r: "logout" in r.name):
        response, error = call(client, "post", route.path + "?" + "&".join(f"{n}={evil}" for n in ("next",)), data=body)
        if error:
            failures.append(f"{route.name} POST {route.path}: {error}")
        elif response.has_header("Location") and offsite(response["Location"]):
            failures.append(f"{route.name} POST {route.path}: redirects to {response['Location']}")
    return failures


def test_no_route_redirects_off_site_after_a_post(organisation, make_user):
    routes = [r for r in web_routes() if not r.path.startswith(("/django-admin/", cms_prefix()))]
    employee = Client()
    employee.force_login(make_user())
    failures = walk_post_redirects(Client(), routes, EVIL[0]) + walk_post_redirects(employee, routes, EVIL[1])
    assert not failures, "Open redirects:\n" + "\n".join(failures)


@pytest.mark.parametrize("evil", EVIL)
def test_login_logout_language_and_vault_never_redirect_off_site(evil, organisation, make_user, settings, tmp_path):
    from django.core.cache import cache

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user()
    client = Client()
    login = client.post(
        reverse("account_login") + f"?next={evil}",
        {"login": user.email, "password": "correct horse battery staple", "next": evil},
    )
    assert login.status_code == 302 and not offsite(login["Location"]), login.get("Location")
    language = client.post(reverse("set_language"), {"language": "en", "next": evil}, HTTP_REFERER=evil)
    assert language.status_code == 302 and not offsite(language["Location"])
    language = client.get(reverse("set_language") + f"?next={evil}", HTTP_REFERER=evil)
    assert not (language.has_header("Location") and offsite(language["Location"]))

    handler, _channel = _reporting_with_report(organisation, make_user)
    vault = Client()
    vault.force_login(handler)
    unlocked = vault.post(reverse("reports:vault_unlock"), {"passphrase": VAULT_PASSPHRASE, "next": evil})
    assert unlocked.status_code == 302 and not offsite(unlocked["Location"])

    editor = Client()
    editor.force_login(make_editor(make_user))
    cms_login = editor.get(reverse("wagtailadmin_login") + f"?next={evil}")
    assert cms_login.status_code == 302 and not offsite(cms_login["Location"])
    anonymous_cms = Client().get(reverse("wagtailadmin_login") + f"?next={evil}")
    assert not offsite(anonymous_cms["Location"])

    logout = client.post(reverse("account_logout"), {"next": evil})
    assert logout.status_code == 302 and not offsite(logout["Location"])


# --- uploads only as attachments -----------------------------------------------------------------------------------


def assert_attachment(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment"), response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_report_attachments_are_served_only_as_attachments(organisation, make_user, settings, tmp_path):
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plein.reports.files import prepare_upload
    from plein.reports.models import Attachment

    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    handler, channel = _reporting_with_report(organisation, make_user)
    html = b"<html><script>alert(1)</script></html>"
    upload = SimpleUploadedFile("page.txt", html, content_type="text/html")
    files = [prepare_upload(upload, strip=False, max_bytes=1024 * 1024)]
    submission = _submit(channel, files=files)
    attachment = Attachment.objects.get(report=submission.report)

    reporter = Client()
    reporter.post(reverse("reports:receipt_login"), {"code": submission.receipt_code})
    response = reporter.get(reverse("reports:reporter_attachment", args=[attachment.pk]))
    assert_attachment(response)
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == html

    client = Client()
    client.force_login(handler)
    client.post(reverse("reports:vault_unlock"), {"passphrase": VAULT_PASSPHRASE})
    response = client.get(reverse("reports:report_attachment", args=[submission.report.pk, attachment.pk]))
    assert_attachment(response)
    assert response["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(("name", "data"), [("code.pdf", b"%PDF-1.4\n%%EOF\n"), ("notes.txt", b"<script>x</script>")])
def test_portal_documents_are_served_only_as_attachments(name, data, client, organisation, settings, tmp_path):
    from wagtail.documents import get_document_model

    settings.MEDIA_ROOT = tmp_path / "media"
    document = get_document_model().objects.create(title="Gedragscode", file=ContentFile(data, name=name))
    response = client.get(reverse("wagtaildocs_serve", args=[document.id, document.filename]))
    assert_attachment(response)


def test_elearning_packages_are_served_only_as_attachments(organisation, make_user, settings, tmp_path):
    """The third kind of uploaded file that is served: an e-learning package (plein.learning), HTML inside or not."""
    import datetime as dt

    from plein.learning.models import Kind
    from plein.learning.tests.factories import EventFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    module = EventFactory(organisation=organisation, kind=Kind.ELEARNING, date=dt.date(2025, 1, 6))
    module.module_file.save("module.html", ContentFile(b"<html><script>alert(1)</script></html>"), save=True)
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("learning:module_download", args=[module.pk]))
    assert_attachment(response)
    assert response["Content-Type"] == "application/octet-stream"
