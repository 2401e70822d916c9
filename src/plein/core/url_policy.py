"""Which URLs work without logging in: the one explicit allow-list of the project. Everything else is refused.

``plein/core/tests/test_url_policy.py`` walks every URL pattern of the project (through every ``include``) and checks
each one: a route on this list must answer an anonymous visitor without a server error; any other route must refuse
an anonymous GET and POST (a redirect to a login page, 401 or 403). API routes (under ``API_PREFIX``) must answer
401 or 403. So a new route that forgets its permission check fails the tests, until it is protected or added here
with the reason why it is public.

Name routes by their full name, with namespace (``"core:home"``). A prefix covers a whole third-party URLconf.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PUBLIC_URL_NAMES = frozenset(
    {
        "core:home",  # the public front page
        "core:structure",  # who is who in integrity: public contact details
        "core:theme_css",  # the organisation's design tokens, needed by every page (also the login page)
        "core:healthz",  # the load balancer's health check; says "ok" and nothing else
        "set_language",  # the language switch
        # Verklaringen: the register of outside activities of employees in positions designated for publication
        # (Ambtenarenwet art. 5): name, position, activity, paid or not, last confirmed. Nothing else is public.
        "declarations:public_register",
        "declarations:public_register_export",
        # Jaarverslag (issue 11): published annual reports, as frozen at publication: the page, its PDF and its JSON.
        # Aggregate figures with small counts hidden; no names except the public roles of the integrity structure.
        "annual_report:public_index",
        "annual_report:public_report",
        "annual_report:public_pdf",
        "annual_report:public_json",
        # Leren & bewustwording: the calendar feed of upcoming events marked for the public calendar, so that
        # calendar apps (which cannot log in) can subscribe. Title, kind, date, place, organiser: nothing personal.
        "learning:feed",
        # Integriteitsplein portal (issue 10, docs/portal.md "Public or not"): the intranet's information pages hold no
        # personal data and externals must find the way to the reporting channels, so they are readable without
        # logging in. Wagtail's privacy settings still apply per page and per document collection. Voting, confirming
        # a code of conduct, the management pages and the CMS (/cms/) need a login.
        "wagtail_serve",  # every Wagtail page (the home page itself is core:home)
        "wagtaildocs_serve",  # documents: codes of conduct, the integrity plan, regulations
        "portal:search",
        "portal:poll_list",
        "portal:poll_detail",  # the question, the options and, after closing, the anonymous totals
        "admin:login",  # the Django admin's own login form; the admin itself is for superusers only
        # django-allauth: logging in and out, single sign-on, the second factor at login, and password reset.
        # Its pages for a logged-in account (e-mail, password change, MFA set-up) refuse anonymous users and are
        # checked like every other route.
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",  # closed (plein.core.auth.AccountAdapter); shows that sign-up is closed
        "account_confirm_login_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_email_verification_sent",
        "account_confirm_email",
        "mfa_authenticate",  # the second step of a login, before the account is logged in
        "mfa_login_webauthn",  # logging in with a passkey
        "socialaccount_login_cancelled",
        "socialaccount_login_error",
        "socialaccount_signup",
        "openid_connect_login",
        "openid_connect_callback",
    }
)

# Whole URL spaces that are public. Static files are served by WhiteNoise before URL routing, but a development
# set-up may route them.
PUBLIC_URL_PREFIXES: tuple[str, ...] = (
    "static/",
    # Meldkanaal (reports): the reporter pages. Anyone may report, without an account (Wbk); they work with a receipt
    # code instead of a login. The handler pages (meldingen/) and channel set-up (beheer/meldkanalen/) are not public.
    "melden/",
)

# django-allauth's deprecated aliases (``social/...``) have no name; they redirect to the named ``3rdparty/`` routes.
PUBLIC_UNNAMED_PREFIXES: tuple[str, ...] = (
    "accounts/social/login/cancelled/",
    "accounts/social/login/error/",
    "accounts/social/signup/",
)

# The REST API. Every route below it must answer 401 or 403 to a request without a valid token.
API_PREFIX = "api/"
# REST framework views outside API_PREFIX that are no part of the API. Portal (issue 10): Wagtail's own admin API
# (/cms/api/) serves the CMS's page explorer and choosers with the editors' CMS session. It is checked with the web
# routes (anonymous visitors go to the login page) and left out of the OpenAPI schema (plein.portal.schema).
INTERNAL_REST_PREFIXES: tuple[str, ...] = ("cms/api/",)
# API routes that need no token. Everything else under /api/ is closed by default.
PUBLIC_API_URL_NAMES: frozenset[str] = frozenset(
    {
        # plein.api: the OpenAPI schema and its documentation page describe the API's shape and hold no data, so that
        # an integration's developers can read them without a token. Every data route needs a token with a scope.
        "api:schema",
        "api:docs",
    }
)


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, with a concrete path that resolves to it."""

    route: str  # the patterns joined, as Django shows them
    name: str  # with namespace, "" when unnamed
    path: str  # a concrete path, starting with "/", with sample values for the parameters
    callback: object

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/" + API_PREFIX)

    @property
    def is_public(self) -> bool:
        bare = self.path.lstrip("/")
        if self.is_api:
            return self.name in PUBLIC_API_URL_NAMES
        return (
            self.name in PUBLIC_URL_NAMES
            or bare.startswith(PUBLIC_URL_PREFIXES)
            or (not self.name and bare.startswith(PUBLIC_UNNAMED_PREFIXES))
        )


class SamplePathError(ValueError):
    """A route whose parameters cannot be filled in with a sample value."""


# Sample values, tried in order, for a path parameter: the first that the converter or group accepts is used.
SAMPLE_VALUES = ("1", "x", "00000000-0000-0000-0000-000000000001", "2025-01-01", "x-1", "1-x", "x/1")
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _sample_for(regex: str, to_python=None) -> str:
    candidates = list(SAMPLE_VALUES)
    if re.fullmatch(r"[\w-]+(\|[\w-]+)+", regex):  # an alternation of words, such as app labels
        candidates.insert(0, regex.split("|")[0])
    for value in candidates:
        if re.fullmatch(regex, value):
            if to_python is not None:
                try:
                    to_python(value)
                except (ValueError, TypeError):
                    continue
            return value
    raise SamplePathError(f"no sample value matches {regex!r}")


def _fill_route(pattern: RoutePattern) -> str:
    def replace(match):
        converter = pattern.converters[match["parameter"]]
        return _sample_for(converter.regex, converter.to_python)

    return _PARAMETER.sub(replace, str(pattern._route))


def _group_end(regex: str, start: int) -> int:
    """The index just after the group that opens at ``start``."""
    depth, i, in_class = 0, start, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise SamplePathError(f"unbalanced group in {regex!r}")


def _fill_regex(pattern: RegexPattern) -> str:
    regex = str(pattern._regex)
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end = _group_end(regex, i)
            inner = regex[regex.index(">", i) + 1 : end - 1]
            out.append(_sample_for(inner))
            i = end
            continue
        # Portal (issue 10): an unnamed capture group, as in Wagtail's admin ("^(\d+)/revisions/compare/...").
        if regex[i] == "(" and not regex.startswith("(?", i) and (i == 0 or regex[i - 1] != "\\"):
            end = _group_end(regex, i)
            out.append(_sample_for(regex[i + 1 : end - 1]))
            i = end
            continue
        out.append(regex[i])
        i += 1
    text = "".join(out)
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    text = re.sub(r"\\(.)", r"\1", text)
    if re.search(r"[()\[\]{}*+?|^$]", text):
        raise SamplePathError(f"cannot build a path from {regex!r}")
    return text


def _fill(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _fill_route(pattern)
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern)
    raise SamplePathError(f"unknown pattern type {type(pattern).__name__}")


def iter_routes(patterns=None, prefix: str = "", route: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the project (or of ``patterns``), recursively through every include."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        part = _fill(entry.pattern)
        shown = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_ns = namespace
            if entry.namespace:
                inner_ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_routes(entry.url_patterns, prefix + part, shown, inner_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(route=shown, name=name, path="/" + prefix + part, callback=entry.callback)
