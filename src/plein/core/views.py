from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from plein.core import roles as R
from plein.core import selectors
from plein.core.forms import PeopleFilterForm
from plein.core.models import StructureRole
from plein.core.pagecache import cached_page
from plein.core.permissions import permission_required
from plein.core.registry import start_page_items
from plein.core.services.audit import record_event


@require_GET
def home(request):
    return render(request, "core/home.html")


@require_GET
@login_required
@cached_page("start")
def start(request):
    items = start_page_items.collect(request)
    return render(
        request,
        "core/start.html",
        {
            "employee": selectors.employee_for(request.user),
            "user_roles": [role for code, role in R.ROLES.items() if code in selectors.user_roles(request.user)],
            "todos": [i for i in items if i.kind == "todo"],
            "links": [i for i in items if i.kind == "link"],
        },
    )


@require_GET
def structure(request):
    roles = selectors.structure_roles(request.organisation) if request.organisation else []
    groups = []
    for kind, label in StructureRole.Kind.choices:
        members = [r for r in roles if r.kind == kind]
        if members:
            groups.append({"kind": kind, "label": label, "members": members})
    managers = selectors.managers_by_unit(request.organisation) if request.organisation else []
    return render(request, "core/structure.html", {"groups": groups, "manager_units": managers})


@require_GET
@permission_required("core.view_people")
def people(request):
    form = PeopleFilterForm(request.GET or None, organisation=request.organisation)
    qs = selectors.people_visible_to(request.user, request.organisation)
    if form.is_valid():
        qs = form.filter(qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # Reading personal data is audited: who, in which role, which page, how many (never the search terms).
    held = selectors.user_roles(request.user)
    record_event(
        actor=request.user,
        action="people.list",
        organisation=request.organisation or None,
        role=next((code for code in (R.HR, R.INTEGRITY_COORDINATOR, R.MANAGER) if code in held), ""),
        data={"page": page.number, "results": page.paginator.count},
    )
    return render(request, "core/people.html", {"form": form, "page": page})


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The organisation's design tokens as a stylesheet, so that no inline style is needed (strict CSP)."""
    org = request.organisation
    primary = getattr(org, "primary_colour", "#01689b")
    on_primary = getattr(org, "primary_text_colour", "#ffffff")
    accent = getattr(org, "accent_colour", "#ffb612")
    css = render(
        request,
        "core/theme.css",
        {"primary": primary, "on_primary": on_primary, "accent": accent},
        content_type="text/css; charset=utf-8",
    )
    return css


def csrf_failure(request, reason=""):
    return render(
        request,
        "core/error.html",
        {
            "title": _("Your form has expired"),
            "message": _(
                "For your safety, a form is valid for a limited time. Go back, reload the page and submit "
                "the form again. Nothing has been saved."
            ),
        },
        status=403,
    )


def error_page(status: int, title, message):
    def view(request, exception=None):
        return render(request, "core/error.html", {"title": title, "message": message}, status=status)

    return view


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
