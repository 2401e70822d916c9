"""Deny by default, for every route: public by the allow-list in plein.core.url_policy, or refused to anonymous users.

The tests walk the project's URL patterns, so a route that is added later is checked without anyone writing a test
for it. A failure names the route and says what to do.
"""

import contextlib
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import NoReverseMatch, path, reverse
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from plein.core import roles as R
from plein.core import url_policy
from plein.core.tests.factories import UserFactory
from plein.core.url_policy import iter_routes

pytestmark = pytest.mark.django_db

REDIRECTS = {301, 302, 303, 307, 308}
FIX = (
    "Protect the view (plein.core.permissions.permission_required, login_required), or, if it must work without "
    "logging in, add its name to PUBLIC_URL_NAMES in src/plein/core/url_policy.py with the reason."
)


def login_paths() -> set[str]:
    paths = {resolve_url(settings.LOGIN_URL)}
    with contextlib.suppress(NoReverseMatch):  # a URLconf without the Django admin
        paths.add(reverse("admin:login"))
    return paths


def request(client: Client, method: str, path: str, **headers):
    """One request in a savepoint, so that a failing view cannot spoil the next request's transaction."""
    try:
        with transaction.atomic():
            return getattr(client, method)(path, **headers), None
    except Exception as exc:  # the test reports it with the route
        return None, f"raised {exc!r}"


def verdict(client: Client, method: str, path: str, *, allow_redirect: bool = True, **headers) -> str:
    """ "refused", "method" (405) or a description of what went wrong."""
    response, error = request(client, method, path, **headers)
    if error:
        return error
    for _hop in range(4):
        status = response.status_code
        if status in (401, 403):
            return "refused"
        if status == 405:
            return "method"
        if status in REDIRECTS and allow_redirect:
            target = urlsplit(response["Location"]).path
            if target in login_paths():
                return "refused"
            response, error = request(client, "get", response["Location"])
            if error:
                return error
            continue
        return f"answered {status}"
    return "redirected in circles"


def check_protected(client: Client, routes, *, methods=("get", "post"), allow_redirect=True, headers=()) -> list[str]:
    failures = []
    for route in routes:
        if route.is_public:
            continue
        for extra in headers or ({},):
            results = {m: verdict(client, m, route.path, allow_redirect=allow_redirect, **extra) for m in methods}
            bad = {m: r for m, r in results.items() if r not in ("refused", "method")}
            if bad or "refused" not in results.values():
                shown = ", ".join(f"{m.upper()} {r}" for m, r in results.items())
                failures.append(f"{route.name or '(unnamed)'} {route.path} [{route.route}]: {shown} {extra or ''}")
    return failures


def check_public(client: Client, routes) -> list[str]:
    failures = []
    for route in routes:
        if not route.is_public:
            continue
        for method in ("get", "post"):
            response, error = request(client, method, route.path)
            if error or response.status_code >= 500:
                failures.append(f"{route.name} {route.path}: {method.upper()} {error or response.status_code}")
    return failures


# --- the project's routes --------------------------------------------------------------------------------------


def test_the_walk_finds_every_kind_of_route():
    routes = {r.name: r for r in iter_routes()}
    assert routes["core:people"].path == reverse("core:people")
    assert routes["core:role_account"].path == reverse("core:role_account", kwargs={"user_id": 1})
    assert "admin:index" in routes
    assert routes["account_login"].path == reverse("account_login")
    assert routes["account_reset_password_from_key"].path.startswith("/accounts/password/reset/key/")
    assert routes["admin:app_list"].path == "/django-admin/core/"


def test_every_sample_path_resolves_to_its_own_route():
    from django.urls import resolve

    for route in iter_routes():
        assert resolve(route.path).func is route.callback, f"{route.route} -> {route.path} resolves elsewhere"


def test_every_route_is_public_or_refuses_anonymous_users(client, organisation):
    routes = [r for r in iter_routes() if not r.is_api]
    assert len(routes) > 20
    failures = check_protected(client, routes)
    assert not failures, "Routes that do not refuse anonymous users:\n" + "\n".join(failures) + "\n" + FIX


def test_public_routes_never_fail_on_the_server(client, organisation):
    failures = check_public(client, [r for r in iter_routes() if not r.is_api])
    assert not failures, "Public routes with a server error:\n" + "\n".join(failures)


def test_public_allow_list_has_no_stale_entries():
    names = {r.name for r in iter_routes()}
    stale = url_policy.PUBLIC_URL_NAMES - names
    assert not stale, f"PUBLIC_URL_NAMES lists routes that no longer exist: {sorted(stale)}"


def test_api_routes_refuse_requests_without_a_valid_token(organisation):
    """Every route under /api/ answers 401 or 403 without a valid token, whatever the method."""
    routes = [r for r in iter_routes() if r.is_api]
    failures = check_protected(
        Client(),
        routes,
        methods=("get", "post", "put", "patch", "delete"),
        allow_redirect=False,
        headers=({}, {"HTTP_AUTHORIZATION": "Token not-a-real-token"}, {"HTTP_AUTHORIZATION": "Bearer x.y.z"}),
    )
    assert not failures, "API routes that answer without a valid token:\n" + "\n".join(failures) + "\n" + FIX
    public = check_public(Client(), routes)
    assert not public, "Public API routes with a server error:\n" + "\n".join(public)


def test_api_views_live_under_the_api_prefix():
    """A REST view mounted elsewhere would escape the API checks above."""
    stray = [
        f"{r.name} {r.path}"
        for r in iter_routes()
        if isinstance(getattr(r.callback, "cls", None), type)
        and issubclass(r.callback.cls, APIView)
        and not r.is_api
        and not r.path.lstrip("/").startswith(url_policy.INTERNAL_REST_PREFIXES)  # portal: the CMS's own API
    ]
    assert not stray, f"REST framework views outside /{url_policy.API_PREFIX}: {stray}"


def test_django_admin_refuses_staff_who_are_not_superusers(client, make_user):
    staff = make_user(R.FUNCTIONAL_ADMIN)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    for url in (
        reverse("admin:index"),
        reverse("admin:core_employee_changelist"),
        reverse("admin:core_roleassignment_add"),
        reverse("admin:core_user_change", args=[staff.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    response = client.post(reverse("admin:core_roleassignment_add"), {"user": staff.pk, "role": R.HR})
    assert response.status_code == 302
    assert not staff.role_assignments.filter(role=R.HR).exists()

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


# --- what stays out of the role matrix (plein.core.access_policy.NOT_YET_COVERED_NAMESPACES) ---------------------------
#
# Wagtail's CMS (/cms/, the wagtail* namespaces and the unnamespaced wagtailadmin_* names) is kept out of the role
# matrix on purpose: it is one gate by role (``wagtailadmin.access_admin``: editors and the integrity coordinator,
# plein.portal.rules) in front of Wagtail's own page and collection permissions, which the portal's groups carry and
# plein/portal/tests/test_permissions.py tests. Its ~140 routes need Wagtail's page tree as objects and have nothing
# to do with our records, so the gate is what we assert here, on every CMS route. The unnamespaced "(root)" routes are
# allauth's account pages (the visitor's own account only: nothing of someone else's to reach), the language switch
# and Wagtail's page and document serving (public, PUBLIC_URL_NAMES); the Django admin is for superusers only (above).


def cms_routes():
    return [r for r in iter_routes() if r.path.startswith(settings.PLEIN_CMS_PREFIX)]


def test_the_cms_is_closed_to_every_role_but_editors_and_the_ic(make_user, organisation):
    from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, RoleAssignmentFactory
    from plein.portal import services as portal_services

    portal_services.ensure_portal_setup()
    routes = cms_routes()
    assert len(routes) > 100
    everything_else = make_user(*[code for code in R.ROLES if code not in (R.EDITOR, R.INTEGRITY_COORDINATOR)])
    other = OrganisationFactory(slug="elders", name="Elders")
    outsider = UserFactory()
    EmployeeFactory(organisation=other, user=outsider, email=outsider.email)
    for code in (R.EDITOR, R.INTEGRITY_COORDINATOR):
        RoleAssignmentFactory(organisation=other, user=outsider, role=code)
    for user in (everything_else, outsider):
        client = Client()
        client.force_login(user)
        failures = check_protected(client, routes)
        assert not failures, f"CMS routes that let {user} in:\n" + "\n".join(failures)
    for code in (R.EDITOR, R.INTEGRITY_COORDINATOR):
        client = Client()
        client.force_login(make_user(code))
        assert client.get(reverse("wagtailadmin_home")).status_code == 200, code


# Wagtail's page and document serving (public) and its front-end login, which sends the visitor on to allauth.
WAGTAIL_SERVING = frozenset({"wagtail_serve", "wagtaildocs_serve", "wagtailcore_login"})


def test_root_routes_are_allauth_the_language_switch_wagtail_serving_and_the_cms():
    """What "(root)" holds, so that a new unnamespaced route of our own (which would escape the matrix) fails here."""
    from plein.core import access_policy

    allowed_modules = ("allauth.", "django.views.i18n", "wagtail.", "django.contrib.admin")
    strays = []
    for route in iter_routes():
        if access_policy.namespace_of(route) != "(root)" or route.path.startswith(settings.PLEIN_CMS_PREFIX):
            continue
        module = getattr(route.callback, "__module__", "") or ""
        view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
        if view_class is not None:
            module = view_class.__module__
        if (
            route.path.startswith(("/accounts/", "/django-admin/", "/static/"))
            or route.name in WAGTAIL_SERVING
            or module.startswith(allowed_modules)
        ):
            continue
        strays.append(f"{route.name or '(unnamed)'} {route.path} ({module})")
    assert not strays, f"Unnamespaced routes of our own, outside the access matrix: {strays}. Give them a namespace."


# --- the checks themselves catch what they should ------------------------------------------------------------------


def open_view(request, pk=None):
    return HttpResponse("personal data")


@login_required
def guarded_view(request, pk=None):
    return HttpResponse("personal data")


def not_found_view(request, pk):
    raise Http404  # "nothing here" is no refusal: a real object would have been shown


class OpenAPIView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"name": "personal data"})


class ClosedAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"name": "personal data"})

    def post(self, request):
        return Response({"ok": True})


class FakeURLConf:
    urlpatterns = [
        path("open/", open_view, name="open"),
        path("guarded/<int:pk>/", guarded_view, name="guarded"),
        path("lookup/<int:pk>/", not_found_view, name="lookup"),
        path("api/open/", OpenAPIView.as_view(), name="api-open"),
        path("api/closed/", ClosedAPIView.as_view(), name="api-closed"),
    ]


@override_settings(ROOT_URLCONF=FakeURLConf, LOGIN_URL="/login/")
def test_the_checks_catch_unprotected_routes(organisation):
    routes = {r.name: r for r in iter_routes(FakeURLConf.urlpatterns)}
    assert routes["guarded"].path == "/guarded/1/"
    web = check_protected(Client(), [routes["open"], routes["guarded"], routes["lookup"]])
    assert len(web) == 2
    assert web[0].startswith("open /open/") and "GET answered 200" in web[0]
    assert web[1].startswith("lookup /lookup/1/") and "GET answered 404" in web[1]

    api_routes = [r for r in routes.values() if r.is_api]
    assert {r.name for r in api_routes} == {"api-open", "api-closed"}
    api = check_protected(Client(), api_routes, methods=("get", "post", "delete"), allow_redirect=False)
    assert len(api) == 1
    assert api[0].startswith("api-open /api/open/")
