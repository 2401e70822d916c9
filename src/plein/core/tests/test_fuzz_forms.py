"""Fuzzing every form (issue 13, "Must show" 2): hypothesis-generated POST bodies, zero server errors, no change after a
rejected request.

The forms are found by the URL walk: every route of the access matrix (``plein.core.access_policy``) is opened as a
visitor the policy allows, with the matrix's objects (so object forms are reached too), and every other route of our
own apps as an employee and as the integrity coordinator. Each ``<form method="post">`` on those pages is parsed
(inputs, choices, text areas, file fields), and hypothesis posts bodies built from it: valid choices, empty, very long,
control characters and NUL, numbers, dates, extra fields, left-out fields and random files.

For each request: no exception and no 5xx. A request that is rejected (4xx, or a page whose form shows errors) must leave
every table as it was (row counts of every model, compared inside the request's own rolled-back transaction). The
audit log and the session table are left out of that comparison: a refused attempt may be audited (a wrong vault
passphrase is), and the session holds the visitor's login.

Bounded by default (``PLEIN_FUZZ_EXAMPLES`` examples per form, default 3, derandomised so CI is repeatable); set for
example ``PLEIN_FUZZ_EXAMPLES=200 PLEIN_FUZZ_RANDOM=1`` for a longer, random run (docs/verification.md). The API is
fuzzed by schemathesis (plein.api tests), the importers by plein.core.tests.test_importing.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plein.core import access_policy as P
from plein.core import roles as R
from plein.core.tests.test_access_matrix import (
    covered_routes,
    world,  # noqa: F401 - the access matrix's fixture, reused
)
from plein.core.url_policy import iter_routes

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PLEIN_FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("PLEIN_FUZZ_RANDOM", "") not in ("", "0")
# Tables whose rows may change on a refused request, on purpose.
UNCOMPARED = {"core.auditevent", "core.audithead", "sessions.session"}
# Third-party URL spaces that are not ours to fuzz (Django admin, Wagtail's CMS, allauth's pages).
NOT_OURS = ("/django-admin/", "/cms/", "/accounts/", "/api/", "/static/", "/i18n/")
# Server errors found by this fuzzer that belong to another app's open work, per database. The test tolerates only
# these, fails on any other, and fails when none of them occurs any more (so that a fix removes the entries).
KNOWN_SERVER_ERRORS: dict[str, dict[str, str]] = {}
# Visitors to use for a route, in order of preference, among those the policy allows.
PREFERENCE = (
    R.INTEGRITY_COORDINATOR,
    R.HR,
    R.FUNCTIONAL_ADMIN,
    P.UNIT_MANAGER,
    P.OWNER,
    R.EMPLOYEE,
    R.AUDITOR,
    R.MANAGER,
    R.CONFIDENTIAL_ADVISER,
    R.INVESTIGATOR,
    R.COMPETENT_AUTHORITY,
    R.FACILITATOR,
    R.EDITOR,
    P.ANONYMOUS,
)


# --- finding the forms -------------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, file, number, date, email, password
    values: list[str] = field(default_factory=list)  # choices, or the value the page filled in


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    multipart: bool = False


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""), multipart="multipart" in a.get("enctype", ""))
                self.forms.append(self._form)
            return
        if tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "button":
            if a.get("value"):
                self._field(name, "radio").values.append(a["value"])
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if a.get("value"):
                    self._field(name, "radio").values.append(a["value"])
                return
            entry = self._field(name, kind)
            entry.values.append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self._select = self._field(name, "select")
        elif tag == "textarea":
            self._field(name, "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def _field(self, name: str, kind: str) -> Field:
        if name not in self._form.fields:
            self._form.fields[name] = Field(name, kind)
        return self._form.fields[name]


def find_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# --- generating bodies -------------------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u0000\ufeff",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "' OR 1=1 --",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "0",
    "1e308",
    "NaN",
    "2025-02-30",
    "31-12-2025",
    "x" * 5000,
    "😀" * 50,
]


def value_strategy(entry: Field):
    free = st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=60),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.dates().map(lambda d: d.isoformat()),
    )
    if entry.kind in ("select", "radio", "checkbox", "hidden") and entry.values:
        # Mostly what the page offers (to get past the first checks), sometimes anything.
        return st.one_of(st.sampled_from(entry.values), st.sampled_from(entry.values), free)
    if entry.kind == "file":
        return st.binary(max_size=2048).map(lambda data: SimpleUploadedFile("fuzz.bin", data))
    return free


@st.composite
def bodies(draw, form: Form):
    body = {}
    for name, entry in form.fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        if draw(st.integers(0, 9)) == 0:
            continue  # leave the field out
        if entry.kind == "select" and draw(st.booleans()) and entry.values:
            body[name] = draw(st.lists(st.sampled_from(entry.values), max_size=3))  # several values
        else:
            body[name] = draw(value_strategy(entry))
    if draw(st.integers(0, 4)) == 0:
        body[draw(st.sampled_from(["next", "id", "pk", "organisation", "user", "is_superuser"]))] = draw(
            st.sampled_from(NASTY)
        )
    return body


# --- the database snapshot ---------------------------------------------------------------------------------------


def _count_query() -> str:
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    parts = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.label_lower not in UNCOMPARED and meta.db_table in existing:
            parts.append(f"SELECT '{meta.label_lower}', COUNT(*) FROM {quote(meta.db_table)}")  # noqa: S608
    return " UNION ALL ".join(parts)


def row_counts(query: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def rejected(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    for context in response.context:
        for value in context.flatten().values():
            errors = getattr(value, "errors", None)
            if errors and hasattr(value, "is_bound") and value.is_bound:
                return True
    return False


# --- the fuzzer --------------------------------------------------------------------------------------------------


def fuzz_form(client, page: str, form: Form, query: str, failures: list[str], known: set | None = None) -> None:
    known = set() if known is None else known
    target = form.action or page
    if target.startswith(("http://", "https://", "//")):
        return  # another origin (none of ours does this)
    target = urlsplit(target).path or page
    if target.startswith(NOT_OURS):
        return  # log-out and language forms of the layout: Django's and allauth's, not ours (and log-out ends the walk)
    try:
        url_name = resolve(target).view_name
    except Resolver404:
        failures.append(f"{page}: a form posts to {target}, which does not resolve")
        return

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies(form))
    def run(body):
        before = after = None
        cookies = copy.deepcopy(client.cookies)  # the database is rolled back below; the browser state is too
        try:
            with transaction.atomic():
                before = row_counts(query)
                response = client.post(target, body)
                if response.status_code < 500 and rejected(response):
                    after = row_counts(query)
                transaction.set_rollback(True)
        except Exception as exc:
            if url_name in KNOWN_SERVER_ERRORS.get(connection.vendor, {}):
                known.add(url_name)
                return
            failures.append(f"POST {target} (form on {page}) raised {exc!r} for {_shown(body)}")
            return
        finally:
            client.cookies = cookies
        if response.status_code >= 500:
            failures.append(f"POST {target} (form on {page}) answered {response.status_code} for {_shown(body)}")
        elif after is not None and after != before:
            changed = {
                k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)
            }
            failures.append(f"POST {target} was rejected ({response.status_code}) but changed {changed}")

    run()


def _shown(body: dict) -> str:
    return repr({k: (v[:40] if isinstance(v, str) else type(v).__name__) for k, v in body.items()})[:400]


def _pages(matrix) -> list[tuple[str, str]]:
    """(visitor, path) for every page to look for forms on."""
    pages = []
    for route in covered_routes():
        allowed = P.POLICY[route.name].allowed
        who = next((w for w in PREFERENCE if w in allowed), None)
        if who is None:
            continue
        kwargs = matrix.kwargs.get(route.name)
        pages.append((who, reverse(route.name, kwargs=kwargs) if kwargs else route.path))
    for route in iter_routes():
        if P.namespace_of(route) in P.COVERED_NAMESPACES or route.path.startswith(NOT_OURS) or "<" in route.route:
            continue
        pages.append((R.INTEGRITY_COORDINATOR, route.path))
        pages.append((R.EMPLOYEE, route.path))
    return pages


def test_every_form_survives_fuzzed_input_and_a_rejection_changes_nothing(world):  # noqa: F811
    query = _count_query()
    failures: list[str] = []
    known: set[str] = set()
    fuzzed = set()
    for who, path in _pages(world):
        client = world.clients[who]
        try:
            with transaction.atomic():
                response = client.get(path)
                transaction.set_rollback(True)
        except Exception as exc:
            failures.append(f"GET {path} as {who} raised {exc!r}")
            continue
        if response.streaming or response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in find_forms(response.content.decode()):
            key = (who, form.action or path, tuple(sorted(form.fields)))
            if key in fuzzed or not form.fields:
                continue
            fuzzed.add(key)
            fuzz_form(client, path, form, query, failures, known)
    assert len(fuzzed) >= 30, f"only {len(fuzzed)} forms were found: the walk is broken"
    assert not failures, f"{len(failures)} problems in {len(fuzzed)} fuzzed forms:\n" + "\n".join(failures[:60])
    expected = set(KNOWN_SERVER_ERRORS.get(connection.vendor, {}))
    # Which of the known routes a run reaches depends on the generated input; that none does means they were fixed.
    assert known <= expected
    assert bool(known) == bool(expected), "KNOWN_SERVER_ERRORS is out of date: the errors are gone, remove the entries"


def test_the_parser_finds_fields_and_choices():
    html = """
      <form method="get"><input name="q"></form>
      <form method="post" action="/x/" enctype="multipart/form-data">
        <input type="hidden" name="csrfmiddlewaretoken" value="t">
        <input name="title" value="a"><textarea name="body"></textarea>
        <select name="kind"><option value="">-</option><option value="gift">Gift</option></select>
        <input type="radio" name="mode" value="named"><input type="radio" name="mode" value="anonymous">
        <input type="file" name="attachments"><button type="submit" name="action" value="save">Save</button>
      </form>"""
    (form,) = find_forms(html)
    assert form.action == "/x/" and form.multipart
    assert form.fields["kind"].values == ["", "gift"]
    assert form.fields["mode"].values == ["named", "anonymous"]
    assert form.fields["attachments"].kind == "file"
    assert form.fields["action"].values == ["save"]
    assert {"title", "body"} <= set(form.fields)


def test_a_rejection_that_writes_is_caught(world, client):  # noqa: F811
    """A view that saves something and then answers 400 is reported."""
    from django.http import HttpResponseBadRequest
    from django.test import override_settings
    from django.urls import path

    from plein.core.models import OrgUnit

    def careless(request):
        OrgUnit.objects.create(organisation=world.organisation, name="half", path="half")
        return HttpResponseBadRequest("no")

    class URLConf:
        urlpatterns = [path("careless/", careless)]

    failures: list[str] = []
    with override_settings(ROOT_URLCONF=URLConf):
        fuzz_form(
            client, "/careless/", Form(action="/careless/", fields={"x": Field("x", "text")}), _count_query(), failures
        )
    assert failures and "core.orgunit" in failures[0]
