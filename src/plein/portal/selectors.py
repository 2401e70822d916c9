"""Reads of the portal. Query-count aware: the home page costs the same number of queries whatever the amount of
news, documents, polls, channels or people (see ``tests/test_home.py`` and ``benchmarks/portal_home.py``).

Other apps are read only through their selectors, and only when they exist: the learning app's upcoming events and
the moral deliberation app's dilemma of the month are optional (``optional_selector``), so the home page shows what is
there and leaves out what is not.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, User
from plein.core.registry import start_page_items
from plein.core.selectors import employee_for, managed_units_q, structure_roles, user_roles
from plein.portal.models import (
    Acknowledgement,
    AcknowledgementCampaign,
    HomePage,
    NewsPage,
    PolicyDocument,
    PolicyVersion,
    Poll,
    PollOption,
    PollParticipation,
    PortalSettings,
)

# --- Other apps, when present --------------------------------------------------------------------------------------


def optional_selector(module: str, name: str) -> Callable | None:
    """``module.name`` if that app and function exist, else None. Read at call time, so a later app is picked up."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    selector = getattr(found, name, None)
    return selector if callable(selector) else None


def upcoming_events(organisation: Organisation | None, limit: int) -> list | None:
    """Upcoming events and trainings from the learning app; None when that app offers no such selector."""
    selector = optional_selector("plein.learning.selectors", "upcoming_events")
    if selector is None or organisation is None:
        return None
    return list(selector(organisation, limit))


def dilemma_of_the_month(organisation: Organisation | None, settings_: PortalSettings | None) -> dict | None:
    """From the moral deliberation case library when it offers one, else the editors' text in the portal settings."""
    selector = optional_selector("plein.deliberation.selectors", "dilemma_of_the_month")
    if selector is not None and organisation is not None:
        found = selector(organisation)
        if found is not None:
            return {"source": "deliberation", "item": found}
    if settings_ is not None and settings_.dilemma_title:
        return {
            "source": "portal",
            "title": settings_.dilemma_title,
            "text": settings_.dilemma_text,
            "question": settings_.dilemma_question,
        }
    return None


def reporting_channels(organisation: Organisation | None) -> list[dict]:
    """The ways in to each open reporting channel (the reports app's own selector)."""
    selector = optional_selector("plein.reports.selectors", "open_channels")
    if selector is None or organisation is None:
        return []
    channels = []
    for channel in selector(organisation):
        try:
            url = reverse("reports:submit", kwargs={"code": channel.code})
        except NoReverseMatch:  # the reports app's addresses are not there
            break
        channels.append({"name": channel.name, "description": channel.description, "url": url})
    return channels


# --- Pages ---------------------------------------------------------------------------------------------------------


def home_page() -> HomePage | None:
    """The portal's home page, if it has been set up (``./plein setup_portal``) and is published."""
    return HomePage.objects.live().first()


def news_items(*, parent=None, limit: int | None = None):
    qs = NewsPage.objects.live().public().order_by("-date", "-first_published_at", "-pk")
    if parent is not None:
        qs = qs.child_of(parent)
    return qs[:limit] if limit else qs


MENU_CACHE_KEY = "plein:portal:menu-pages:v1"


def _menu_cache_seconds() -> int:
    """300 s; 0 (no cache) in the test suite, whose cache outlives each test's rolled-back pages."""
    from django.conf import settings

    default = 0 if getattr(settings, "TESTING", False) else 300
    return int(getattr(settings, "PLEIN_PORTAL_MENU_CACHE_SECONDS", default))


@dataclass(frozen=True)
class MenuPage:
    id: int
    title: str
    url_path: str


def menu_pages() -> list[MenuPage]:
    """The published pages right below the home page that editors put in the menu ("show in menus").

    Every page's navigation shows them, so they are cached (issue 12): for 5 minutes at most, and
    dropped at once when any page is saved, published, unpublished, moved or deleted (``forget_menu_pages``,
    connected in ``PortalConfig.ready``)."""
    from django.core.cache import cache
    from wagtail.models import Page

    seconds = _menu_cache_seconds()
    cached = cache.get(MENU_CACHE_KEY) if seconds else None
    if cached is not None:
        return [MenuPage(*row) for row in cached]
    home = HomePage.objects.live().values("path", "depth")[:1]
    rows = list(
        Page.objects.live()
        .in_menu()
        .filter(depth=2 + 1, path__startswith=home.values("path"))
        .order_by("path")
        .values_list("id", "title", "url_path")
    )
    if seconds:
        cache.set(MENU_CACHE_KEY, rows, seconds)
    return [MenuPage(*row) for row in rows]


def forget_menu_pages(**kwargs) -> None:
    """Drop the cached menu, and make the cached whole pages (the home page among them) stale."""
    from django.core.cache import cache

    from plein.core import pagecache

    cache.delete(MENU_CACHE_KEY)
    if pagecache.timeout():
        pagecache.invalidate()


def search_pages(query: str):
    from wagtail.models import Page

    return Page.objects.live().public().specific().search(query, operator="and")


# --- The home page -------------------------------------------------------------------------------------------------

SECTION_TYPES = (
    "highlights",
    "news",
    "events",
    "dilemma",
    "reporting",
    "contacts",
    "todos",
    "polls",
    "documents",
    "text",
)


@dataclass
class Section:
    kind: str
    heading: str
    value: Any
    id: str
    data: Any = None


@dataclass
class HomeData:
    sections: list[Section] = field(default_factory=list)


def _default_sections() -> list[tuple[str, dict]]:
    from plein.portal.services import DEFAULT_HOME_SECTIONS

    return DEFAULT_HOME_SECTIONS


def home_context(request, page: HomePage | None) -> dict:
    """Everything the home page shows, in a fixed number of queries.

    The sections come from the page's stream (the editors' choice and order) or, without a home page, from the
    default set. Each kind of section is read once, however often it appears.
    """
    organisation = getattr(request, "organisation", None) or None
    user = request.user
    if page is not None:
        stream = [(block.block_type, block.value, block.id) for block in page.sections]
    else:
        stream = [(kind, value, f"default-{i}") for i, (kind, value) in enumerate(_default_sections())]
    kinds = {kind for kind, _v, _i in stream}
    settings_ = PortalSettings.load(request_or_site=request) if kinds & {"dilemma", "reporting"} else None

    def count_for(kind: str, default: int) -> int:
        return max([int(v.get("count") or default) for k, v, _i in stream if k == kind] or [default])

    data: dict[str, Any] = {}
    if "news" in kinds:
        data["news"] = list(news_items(limit=count_for("news", 3)))
    if "events" in kinds:
        data["events"] = upcoming_events(organisation, count_for("events", 4))
    if "dilemma" in kinds:
        data["dilemma"] = dilemma_of_the_month(organisation, settings_)
    if "reporting" in kinds:
        data["reporting"] = {
            "channels": reporting_channels(organisation),
            "intro": settings_.reporting_intro if settings_ else "",
            "consultation": settings_.consultation_intro if settings_ else "",
        }
    if "contacts" in kinds:
        data["contacts"] = structure_roles(organisation) if organisation else []
    if "todos" in kinds and user.is_authenticated:
        data["todos"] = [item for item in start_page_items.collect(request) if item.kind == "todo"]
    if "polls" in kinds:
        data["polls"] = with_vote_forms(open_polls_for(organisation, user))
    if "documents" in kinds:
        data["documents"] = current_policy_versions(organisation, limit=count_for("documents", 4))

    sections = []
    for kind, value, block_id in stream:
        if kind == "todos" and not user.is_authenticated:
            continue
        section_data = data.get(kind)
        if kind == "contacts":
            wanted = set(value.get("kinds") or [])
            section_data = [role for role in section_data or [] if role.kind in wanted]
        elif kind in ("news", "documents") and section_data is not None:
            section_data = section_data[: int(value.get("count") or len(section_data))]
        sections.append(Section(kind, value.get("heading") or "", value, str(block_id), section_data))
    return {"sections": sections, "portal_home": page, **index_urls(request, kinds)}


def index_urls(request, kinds: set[str]) -> dict:
    """The addresses of the news and documents overviews, for the "all news" links (one query, only when needed)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from plein.portal.models import DocumentIndexPage, NewsIndexPage

    wanted = {"news": NewsIndexPage, "documents": DocumentIndexPage}
    models = [model for kind, model in wanted.items() if kind in kinds]
    if not models:
        return {}
    types = {ContentType.objects.get_for_model(model).pk: model for model in models}
    pages = Page.objects.live().filter(content_type_id__in=list(types)).order_by("path")
    urls = {}
    for page in pages:
        key = "news_index_url" if types[page.content_type_id] is NewsIndexPage else "documents_index_url"
        urls.setdefault(key, page.get_url(request))
    return urls


def with_vote_forms(views: list) -> list:
    """Give each poll its vote form, with element ids of its own (several polls can share a page)."""
    from plein.portal.forms import VoteForm

    for view in views:
        view.form = VoteForm(poll=view.poll, auto_id=f"id_poll{view.poll.pk}_%s") if view.can_vote else None
    return views


# --- Codes of conduct and policy documents -------------------------------------------------------------------------


def _versions_prefetch() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=PolicyVersion.objects.select_related("file", "campaign").order_by("-adopted_on", "-created_at"),
        to_attr="version_list",
    )


@dataclass
class DocumentRow:
    document: PolicyDocument
    current: PolicyVersion | None
    earlier: list[PolicyVersion]
    drafts: list[PolicyVersion]
    review_overdue: bool


def _rows(documents, today: date) -> list[DocumentRow]:
    rows = []
    for document in documents:
        versions = document.version_list
        current = next((v for v in versions if v.status == PolicyVersion.Status.IN_FORCE), None)
        earlier = [v for v in versions if v.status in (PolicyVersion.Status.SUPERSEDED, PolicyVersion.Status.WITHDRAWN)]
        drafts = [v for v in versions if v.status == PolicyVersion.Status.DRAFT]
        rows.append(DocumentRow(document, current, earlier, drafts, bool(current and current.review_overdue(today))))
    return rows


def policy_documents(organisation: Organisation | None, *, today: date | None = None) -> list[DocumentRow]:
    """Every document with its versions, in two queries."""
    if organisation is None:
        return []
    today = today or timezone.localdate()
    documents = PolicyDocument.objects.filter(organisation=organisation).prefetch_related(_versions_prefetch())
    return _rows(documents.order_by("kind", "title"), today)


def public_policy_documents(organisation: Organisation | None, *, today: date | None = None) -> list[dict]:
    """The documents overview: grouped by kind, each with its version in force and the earlier ones (no drafts)."""
    groups = []
    rows = [r for r in policy_documents(organisation, today=today) if r.current or r.earlier]
    for kind, label in PolicyDocument.Kind.choices:
        members = [r for r in rows if r.document.kind == kind]
        if members:
            groups.append({"kind": kind, "label": label, "rows": members})
    return groups


def overdue_reviews(organisation: Organisation | None, *, today: date | None = None) -> list[PolicyVersion]:
    """Versions in force whose review date has come: these documents must be reviewed."""
    if organisation is None:
        return []
    today = today or timezone.localdate()
    return list(
        PolicyVersion.objects.filter(
            document__organisation=organisation, status=PolicyVersion.Status.IN_FORCE, review_on__lte=today
        )
        .select_related("document")
        .order_by("review_on")
    )


def current_policy_versions(organisation: Organisation | None, *, limit: int | None = None) -> list[PolicyVersion]:
    if organisation is None:
        return []
    qs = (
        PolicyVersion.objects.filter(document__organisation=organisation, status=PolicyVersion.Status.IN_FORCE)
        .select_related("document", "file")
        .order_by("document__kind", "document__title")
    )
    return list(qs[:limit] if limit else qs)


def open_campaigns(organisation: Organisation | None) -> list[AcknowledgementCampaign]:
    if organisation is None:
        return []
    return list(
        AcknowledgementCampaign.objects.filter(
            organisation=organisation, closed_at__isnull=True, version__status=PolicyVersion.Status.IN_FORCE
        )
        .select_related("version", "version__document", "version__file")
        .order_by("deadline", "started_at")
    )


def campaigns_to_acknowledge(employee: Employee | None) -> list[AcknowledgementCampaign]:
    """The open campaigns this employee has not answered yet (their "code to acknowledge" to-dos), in one query."""
    if employee is None:
        return []
    done = Acknowledgement.objects.filter(employee=employee).values("version_id")
    return list(
        AcknowledgementCampaign.objects.filter(
            organisation_id=employee.organisation_id,
            closed_at__isnull=True,
            version__status=PolicyVersion.Status.IN_FORCE,
        )
        .exclude(version_id__in=done)
        .select_related("version", "version__document")
        .order_by("deadline", "started_at")
    )


def acknowledgement_of(employee: Employee | None, version: PolicyVersion) -> Acknowledgement | None:
    if employee is None:
        return None
    return Acknowledgement.objects.filter(employee=employee, version=version).first()


def version_for_acknowledgement(organisation: Organisation | None, pk: int) -> PolicyVersion | None:
    if organisation is None:
        return None
    return (
        PolicyVersion.objects.filter(pk=pk, document__organisation=organisation)
        .select_related("document", "file", "campaign")
        .first()
    )


def in_force_version(document: PolicyDocument) -> PolicyVersion | None:
    return document.versions.filter(status=PolicyVersion.Status.IN_FORCE).first()


@dataclass
class CoverageRow:
    unit: OrgUnit | None
    label: str
    employees: int
    acknowledged: int

    @property
    def percentage(self) -> int:
        return round(100 * self.acknowledged / self.employees) if self.employees else 0


@dataclass
class Coverage:
    rows: list[CoverageRow]
    employees: int
    acknowledged: int
    reference_date: date
    scoped: bool  # only the units the viewer manages

    @property
    def percentage(self) -> int:
        return round(100 * self.acknowledged / self.employees) if self.employees else 0


def coverage_scope(user: User) -> Q | None:
    """Which employees' counts the user may see: everyone (IC, HR), their own units (manager), or nobody (None)."""
    roles = user_roles(user)
    if roles & {R.INTEGRITY_COORDINATOR, R.HR}:
        return Q()
    if R.MANAGER in roles:
        return managed_units_q(user)
    return None


def campaign_coverage(campaign: AcknowledgementCampaign, user: User, *, today: date | None = None) -> Coverage:
    """Acknowledgements per unit, in two queries. Counting rule (docs/portal.md): the employees in service on the
    reference date (today, or the day the campaign closed) against those of them who confirmed this version."""
    reference = timezone.localdate(campaign.closed_at) if campaign.closed_at else (today or timezone.localdate())
    scope = coverage_scope(user)
    if scope is None:
        return Coverage([], 0, 0, reference, True)
    employees = Employee.objects.filter(organisation=campaign.organisation_id).in_service(reference).filter(scope)
    totals = employees.values("unit_id").annotate(n=Count("pk")).order_by()
    done = (
        employees.filter(policy_acknowledgements__version_id=campaign.version_id)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done_by_unit = {row["unit_id"]: row["n"] for row in done}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[row["unit_id"] for row in totals if row["unit_id"]])}
    rows = []
    for row in totals:
        unit = units.get(row["unit_id"])
        rows.append(CoverageRow(unit, unit.path if unit else "–", row["n"], done_by_unit.get(row["unit_id"], 0)))
    rows.sort(key=lambda r: r.label)
    return Coverage(
        rows=rows,
        employees=sum(r.employees for r in rows),
        acknowledged=sum(r.acknowledged for r in rows),
        reference_date=reference,
        scoped=bool(scope),
    )


def campaign_overview(organisation: Organisation | None) -> list[AcknowledgementCampaign]:
    if organisation is None:
        return []
    return list(
        AcknowledgementCampaign.objects.filter(organisation=organisation)
        .select_related("version", "version__document")
        .order_by("-started_at")
    )


# --- Polls ---------------------------------------------------------------------------------------------------------


def _with_options(qs):
    return qs.prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("order", "pk")))


def voted_poll_ids(polls: list[Poll], employee: Employee | None) -> set[int]:
    """Which of these polls the employee voted in, in one query (the keyed hashes are computed here)."""
    from plein.portal.services import voter_hash

    if employee is None or not polls:
        return set()
    hashes = {}
    for poll in polls:
        marker = voter_hash(poll, employee)
        if marker is not None:
            hashes[marker] = poll.pk
    if not hashes:
        return set()
    found = PollParticipation.objects.filter(
        poll_id__in=[p.pk for p in polls], voter_hash__in=list(hashes)
    ).values_list("poll_id", "voter_hash")
    return {poll_id for poll_id, marker in found if hashes.get(marker) == poll_id}


@dataclass
class PollView:
    poll: Poll
    options: list[PollOption]
    is_open: bool
    has_ended: bool
    voted: bool
    can_vote: bool
    show_results: bool
    total: int

    @property
    def results(self) -> list[dict]:
        return [
            {
                "label": o.label,
                "votes": o.votes,
                "percentage": round(100 * o.votes / self.total) if self.total else 0,
            }
            for o in self.options
        ]


def poll_views(polls: list[Poll], user: User, *, now: datetime | None = None) -> list[PollView]:
    now = now or timezone.now()
    employee = employee_for(user)
    voted = voted_poll_ids(polls, employee)
    may_vote = bool(user.is_authenticated and employee is not None and user.has_perm("portal.vote_in_poll"))
    manager = bool(user.is_authenticated and user.has_perm("portal.manage_polls"))
    out = []
    for poll in polls:
        options = list(poll.options.all())
        is_open, ended = poll.is_open(now), poll.has_ended(now)
        has_voted = poll.pk in voted
        out.append(
            PollView(
                poll=poll,
                options=options,
                is_open=is_open,
                has_ended=ended,
                voted=has_voted,
                can_vote=is_open and may_vote and not has_voted,
                show_results=ended or has_voted or manager,
                total=sum(o.votes for o in options),
            )
        )
    return out


def open_polls_for(organisation: Organisation | None, user: User, *, now: datetime | None = None) -> list[PollView]:
    if organisation is None:
        return []
    now = now or timezone.now()
    polls = list(
        _with_options(Poll.objects.filter(organisation=organisation, opens_at__lte=now, closes_at__gt=now)).order_by(
            "closes_at"
        )[:3]
    )
    return poll_views(polls, user, now=now)


def public_polls(organisation: Organisation | None, *, now: datetime | None = None) -> list[Poll]:
    """Polls that have opened (open or closed), newest first."""
    if organisation is None:
        return []
    now = now or timezone.now()
    return list(_with_options(Poll.objects.filter(organisation=organisation, opens_at__lte=now)).order_by("-opens_at"))


def poll_detail(organisation: Organisation | None, pk: int) -> Poll | None:
    if organisation is None:
        return None
    return _with_options(Poll.objects.filter(organisation=organisation, pk=pk)).first()


def polls_for_management(organisation: Organisation | None) -> list[Poll]:
    if organisation is None:
        return []
    return list(
        _with_options(Poll.objects.filter(organisation=organisation))
        .annotate(participants=Count("participations"))
        .order_by("-opens_at")
    )


# --- Figures for the annual report ---------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    return start, end


def annual_figures(organisation: Organisation, year: int) -> dict:
    """Acknowledgement coverage and poll participation for the annual report of ``year``.

    Counting rules (docs/portal.md, "Figures"):

    - acknowledgements: every version adopted in ``year`` or whose campaign started in ``year``; the employees in
      service at the end of the year (or today, for the current year) against those of them who confirmed the
      version by then;
    - polls: every poll that closed in ``year``; participants are the participation markers, votes the tallies.
    Raw counts: the annual report applies the small-count suppression when it publishes.
    """
    start, end = _year_bounds(year)
    year_end = min(date(year, 12, 31), timezone.localdate())
    versions = list(
        PolicyVersion.objects.filter(document__organisation=organisation)
        .filter(Q(adopted_on__year=year) | Q(campaign__started_at__gte=start, campaign__started_at__lt=end))
        .select_related("document", "campaign")
        .order_by("document__title", "adopted_on")
    )
    in_service = Employee.objects.filter(organisation=organisation).in_service(year_end)
    headcount = in_service.count()
    confirmed = dict(
        Acknowledgement.objects.filter(version__in=versions, employee__in=in_service, acknowledged_at__lt=end)
        .values("version_id")
        .annotate(n=Count("pk"))
        .values_list("version_id", "n")
    )
    acknowledgements = []
    for version in versions:
        campaign = getattr(version, "campaign", None)
        done = confirmed.get(version.pk, 0)
        acknowledgements.append(
            {
                "document": version.document.title,
                "kind": version.document.kind,
                "version": version.version,
                "adopted_on": version.adopted_on,
                "adopted_by": version.adopted_by,
                "campaign_started": campaign.started_at.date() if campaign else None,
                "employees": headcount if campaign else None,
                "acknowledged": done if campaign else None,
                "coverage_percentage": round(100 * done / headcount) if campaign and headcount else None,
            }
        )
    polls = list(
        Poll.objects.filter(organisation=organisation, closes_at__gte=start, closes_at__lt=end)
        .annotate(participants=Count("participations", distinct=True))
        .order_by("closes_at")
    )
    poll_rows = [
        {
            "question": poll.question,
            "opens_at": poll.opens_at,
            "closes_at": poll.closes_at,
            "participants": poll.participants,
        }
        for poll in polls
    ]
    return {
        "year": year,
        "employees_in_service": headcount,
        "reference_date": year_end,
        "acknowledgements": acknowledgements,
        "polls": poll_rows,
        "poll_count": len(poll_rows),
        "poll_participants": sum(row["participants"] for row in poll_rows),
    }
