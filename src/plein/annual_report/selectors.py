"""Reads of the annual report: the report's figures (the JSON contract), its texts, and the integrity plan.

``build_report(organisation, year)`` gathers every figure from the other apps' ``selectors.annual_figures`` (through
``plein.annual_report.sources``), adds the integrity structure, the plan's actions, the benchmark, the five-year
trends and the basic-norm scorecard, and, for the published version, hides small counts (``privacy``). The stable
keys are documented in ``docs/annual-report.md``; more keys may be added, none may change meaning.

Counting rule everywhere: a record counts in year Y when its defining date falls in Y (the apps' selectors document
their own dates). Stock figures ("at the end of the year") are taken on 31 December of Y, or today while Y runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from plein.annual_report import basic_norms, conf, privacy
from plein.annual_report.models import AnnualReport, GenerationJob, PlanAction, ReportText
from plein.annual_report.sources import APPS, Sources
from plein.core.models import Organisation, StructureRole

SCHEMA = "integriteitsplein.annual_report/1"
REQUESTERS = ("medewerker", "leidinggevende", "extern")
# Roles of the integrity structure that the report counts without listing the holders (there are many).
COUNT_ONLY_KINDS = {StructureRole.Kind.MANAGER, StructureRole.Kind.DIRECTORATE}


class YearNotAllowed(ValueError):
    """The year lies in the future or before the earliest year the product accepts."""


def check_year(year: int, *, today: dt.date | None = None) -> int:
    from django.utils.translation import gettext as _

    from plein.annual_report.models import MIN_YEAR

    today = today or timezone.localdate()
    if year > today.year:
        raise YearNotAllowed(
            _("The year %(year)d has not started yet. Choose this year or an earlier one.") % {"year": year}
        )
    if year < MIN_YEAR:
        raise YearNotAllowed(_("Choose a year from %(min)d on.") % {"min": MIN_YEAR})
    return year


def url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- the sections' figures ------------------------------------------------------------------------------------------


def _oath_within_term(src: Sources, year: int) -> dict:
    """Of the people whose oath fell due in ``year`` (start date + term), how many took it by the due date.

    Read through the oath register's selectors: the obligation population (everyone oath-bound, not left before
    1 January), annotated with their latest counting oath. Someone who left before their due date without an oath
    is not counted.
    """
    from plein.annual_report.sources import selector

    population = selector("oaths", "obligation_population")
    annotate = selector("oaths", "annotate_obligations")
    to_obligation = selector("oaths", "to_obligation")
    if not (population and annotate and to_obligation):
        return {"due": None, "in_time": None, "percentage": None}
    term = int(settings.PLEIN.get("OATH_TERM_MONTHS", 3))
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = population(src.organisation, on=first).filter(
        start_date__gte=first - dt.timedelta(days=31 * (term + 1)), start_date__lte=last
    )
    due = in_time = 0
    for employee in annotate(qs, today=src.reference_date(year)).order_by():
        obligation = to_obligation(employee)
        if not first <= obligation.due_date <= last:
            continue
        on_time = obligation.taken_on is not None and obligation.taken_on <= obligation.due_date
        if not on_time and employee.end_date is not None and employee.end_date < obligation.due_date:
            continue
        due += 1
        in_time += on_time
    return {"due": due, "in_time": in_time, "percentage": round(100 * in_time / due) if due else None}


def _oath(src: Sources, year: int) -> dict:
    f = src.figures("oaths", year)
    if f is None:
        return {
            "available": False,
            "ceremonies": None,
            "sworn": None,
            "oath": None,
            "affirmation": None,
            "overdue_at_year_end": None,
            "median_days_to_oath": None,
            "within_term": {"due": None, "in_time": None, "percentage": None},
        }
    median = f.get("median_days_to_oath")
    return {
        "available": True,
        "ceremonies": f["ceremonies_held"],
        "sworn": f["sworn"],
        "oath": f["oath"],
        "affirmation": f["affirmation"],
        "overdue_at_year_end": f["overdue"],
        "median_days_to_oath": float(median) if median is not None else None,
        "within_term": _oath_within_term(src, year),
    }


def per_100(count: int | None, employees: int | None) -> float | None:
    if count is None or not employees:
        return None
    return round(100 * count / employees, 2)


def _reports(src: Sources, year: int, employees: int) -> dict:
    f = src.figures("reports", year)
    if f is None:
        return {
            "available": False,
            "received": None,
            "anonymous": None,
            "by_channel": {},
            "channel_names": {},
            "by_category": {},
            "acknowledged_within_term": None,
            "feedback_within_term": None,
            "closed": None,
            "substantiated": None,
            "per_100_employees": None,
        }
    by_status = f.get("by_status") or {}
    closed = f.get("closed", by_status.get("closed"))
    # The case handling (Dossiers) knows when feedback was given and what the outcome was; without it, "not available".
    cases = src.figures("dossiers", year) or {}
    if "closed" in cases:
        closed = cases["closed"]
    return {
        "available": True,
        "received": f["received"],
        "anonymous": f.get("anonymous"),
        "by_channel": dict(f.get("by_channel") or {}),
        "channel_names": {k: str(v) for k, v in (f.get("channel_names") or {}).items()},
        "by_category": dict(f.get("by_category") or {}),
        "acknowledged_within_term": f.get("acknowledged_within_term"),
        # Not every version of the reporting channel reports these; None means "not available", never zero.
        "feedback_within_term": cases.get("feedback_within_term", f.get("feedback_within_term")),
        "closed": closed,
        "substantiated": cases.get("substantiated", f.get("substantiated")),
        "per_100_employees": per_100(f["received"], employees),
    }


def _consultations(src: Sources, year: int) -> dict:
    """The consultations register (the ``consultations`` app, ADR 0005). Not available → None, never zero."""
    found = src.figures("consultations", year)
    if found is None:
        found = src.call("consultations", "consultation_figures", src.organisation, year)
    if not found:
        return {
            "available": False,
            "total": None,
            "by_requester": dict.fromkeys(REQUESTERS),
            "by_topic": {},
            "topic_names": {},
            "most_frequent_topic": None,
        }
    by_requester = dict.fromkeys(REQUESTERS, 0)
    by_requester.update(found.get("by_requester") or {})
    by_topic = dict(found.get("by_topic") or {})
    top = max(sorted(by_topic), key=lambda code: by_topic[code], default=None)
    return {
        "available": True,
        "total": found.get("total", sum(by_requester.values())),
        "by_requester": by_requester,
        "by_topic": by_topic,
        "topic_names": {k: str(v) for k, v in (found.get("topic_names") or {}).items()},
        "most_frequent_topic": top if top is not None and by_topic[top] > 0 else None,
    }


def _outside_activities(src: Sources, year: int) -> dict:
    f = src.figures("declarations", year)
    if f is None:
        return {
            "available": False,
            "declared": None,
            "decided": None,
            "by_decision": {},
            "active_at_year_end": None,
            "published": None,
            "campaign_completion": {"participants": None, "confirmed": None, "percent": None},
            "gifts": None,
            "gifts_by_decision": {},
            "consultations": None,
        }
    campaign = dict(f.get("campaign_completion") or {})
    if not campaign.get("participants"):
        campaign["percent"] = None  # no campaign that year: "not applicable", not 0 %
    return {
        "available": True,
        "declared": f["declared"],
        "decided": f["decided"],
        "by_decision": dict(f["by_decision"]),
        "active_at_year_end": f["active_at_year_end"],
        "published": f["published"],
        "campaign_completion": campaign,
        "gifts": f.get("gifts"),
        "gifts_by_decision": dict(f.get("gifts_by_decision") or {}),
        # Consultations with the topic "nevenfuncties" (issue 8 item 7); None when the register is not installed.
        "consultations": f.get("consultations_about_outside_activities"),
    }


def _positions(src: Sources, year: int) -> dict:
    f = src.figures("positions", year)
    keys = (
        "vulnerable",
        "vog_required",
        "review_overdue",
        "positions_inventoried",
        "financial_interests",
        "publish_outside_activities",
        "positions_reviewed",
        "vog_received",
    )
    if f is None:
        return {"available": False, **dict.fromkeys(keys)}
    return {"available": True, **{k: f.get(k) for k in keys}}


def _deliberation(src: Sources, year: int) -> dict:
    """From the moral deliberation app when it is there; otherwise the facilitators of the integrity structure."""
    f = src.figures("deliberation", year)
    if f is not None:
        return {
            "available": True,
            "source": "deliberation",
            "facilitators": f.get("facilitators"),
            "sessions": f.get("sessions", f.get("sessions_held")),
            "participants": f.get("participants"),
            **{k: v for k, v in f.items() if k not in {"year", "facilitators", "sessions", "participants"}},
        }
    facilitators = sum(1 for r in src.structure_roles() if r.kind == StructureRole.Kind.FACILITATOR)
    return {
        "available": False,
        "source": "structure",
        "facilitators": facilitators,
        "sessions": None,
        "participants": None,
    }


def _learning(src: Sources, year: int) -> dict:
    f = src.figures("learning", year)
    if f is None:
        return {
            "available": False,
            "events": [],
            "events_total": None,
            "participants_total": None,
            "training_coverage": {"percentage": None},
            "per_kind": [],
        }
    coverage = dict(f.get("training_coverage") or {})
    coverage.pop("reference_date", None)
    return {
        "available": True,
        "events": [
            {
                "title": e["title"],
                "date": e["date"] if isinstance(e["date"], str) else e["date"].isoformat(),
                "kind": e["kind"],
                "kind_label": str(e.get("kind_label", e["kind"])),
                "participants": e["participants"],
            }
            for e in f["events"]
        ],
        "events_total": f.get("events_total", len(f["events"])),
        "participants_total": f.get("participants_total", sum(e["participants"] for e in f["events"])),
        "training_coverage": coverage,
        "per_kind": [{**row, "label": str(row.get("label", ""))} for row in f.get("per_kind", [])],
    }


def _portal(src: Sources, year: int) -> dict:
    f = src.figures("portal", year)
    if f is None:
        return {"available": False, "acknowledgements": [], "polls": 0, "poll_participants": None}
    return {
        "available": True,
        "acknowledgements": [
            {
                "document": a["document"],
                "kind": a["kind"],
                "version": a["version"],
                "adopted_on": a["adopted_on"].isoformat() if a.get("adopted_on") else None,
                "employees": a.get("employees"),
                "acknowledged": a.get("acknowledged"),
                "coverage_percentage": a.get("coverage_percentage"),
            }
            for a in f.get("acknowledgements", [])
        ],
        "polls": f.get("poll_count", 0),
        "poll_participants": f.get("poll_participants"),
    }


def _structure(src: Sources) -> list[dict]:
    """The public roles of the integrity structure, by role, in the register's order.

    Holders are named: these are the public contact points (the "who is who" page shows them too). Managers and the
    directorate are counted, not listed.
    """
    groups: dict[str, dict] = {}
    for role in src.structure_roles():
        group = groups.setdefault(
            role.kind, {"kind": role.kind, "label": str(role.get_kind_display()), "count": 0, "holders": []}
        )
        group["count"] += 1
        if role.kind not in COUNT_ONLY_KINDS and role.holder_name:
            group["holders"].append(role.holder_name)
    order = [k for k, _label in StructureRole.Kind.choices]
    return sorted(groups.values(), key=lambda g: order.index(g["kind"]) if g["kind"] in order else len(order))


def plan_actions_for(organisation: Organisation, year: int) -> QuerySet[PlanAction]:
    """The plan's actions that the report of ``year`` looks ahead to: planned in ``year`` or later, and earlier ones
    that are still open (not done, not cancelled)."""
    from django.db.models import Q

    closed = [PlanAction.Status.DONE, PlanAction.Status.CANCELLED]
    return PlanAction.objects.filter(organisation=organisation).filter(
        Q(planned_year__gte=year) | ~Q(status__in=closed)
    )


MODULE_URLS = {
    "portal": "core:home",
    "reports": "reports:start",
    "oaths": "oaths:overview",
    "positions": "positions:inventory",
    "declarations": "declarations:activity_list",
    "deliberation": "deliberation:index",
    "learning": "learning:events",
    "annual_report": "annual_report:index",
}


def _plan(organisation: Organisation, year: int) -> list[dict]:
    return [
        {
            "title": a.title,
            "theme": a.theme,
            "owner": a.owner,
            "planned_year": a.planned_year,
            "planned_quarter": a.planned_quarter,
            "planned": a.planned_label,
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "note": a.note,
            "module": a.module,
            "module_label": str(a.get_module_display()) if a.module else "",
            "module_url": url_or_empty(MODULE_URLS[a.module]) if a.module in MODULE_URLS else "",
        }
        for a in plan_actions_for(organisation, year)
    ]


def _benchmark(reports: dict, employees: int) -> dict:
    return {
        "per_100_employees": reports["per_100_employees"],
        "employees": employees,
        "received": reports["received"],
        "references": [
            {
                "code": b.code,
                "label": b.label,
                "per_100_employees": b.per_100_employees,
                "source": b.source,
                "url": b.url,
            }
            for b in conf.benchmarks()
        ],
    }


TREND_SERIES = (
    "employees.at_year_end",
    "oath.sworn",
    "oath.ceremonies",
    "reports.received",
    "consultations.total",
    "outside_activities.declared",
    "learning.events_total",
    "learning.participants_total",
)


def _trends(src: Sources, year: int) -> dict:
    """The last ``ANNUAL_REPORT_TREND_YEARS`` years (oldest first) of the figures where a trend says something."""
    years = list(range(year - conf.trend_years() + 1, year + 1))
    series: dict[str, list] = {key: [] for key in TREND_SERIES}
    for y in years:
        series["employees.at_year_end"].append(src.employees_at(src.reference_date(y)))
        oaths = src.figures("oaths", y)
        series["oath.sworn"].append(oaths["sworn"] if oaths else None)
        series["oath.ceremonies"].append(oaths["ceremonies_held"] if oaths else None)
        reports = src.figures("reports", y)
        series["reports.received"].append(reports["received"] if reports else None)
        series["consultations.total"].append(_consultations(src, y)["total"])
        declarations = src.figures("declarations", y)
        series["outside_activities.declared"].append(declarations["declared"] if declarations else None)
        learning = src.figures("learning", y)
        series["learning.events_total"].append(
            learning.get("events_total", len(learning["events"])) if learning else None
        )
        series["learning.participants_total"].append(
            learning.get("participants_total", sum(e["participants"] for e in learning["events"])) if learning else None
        )
    # A series the system cannot fill at all is left out rather than drawn as zeros.
    return {"years": years, "series": {k: v for k, v in series.items() if any(x is not None for x in v)}}


def build_report(
    organisation: Organisation,
    year: int,
    *,
    published: bool = False,
    today: dt.date | None = None,
    sources: Sources | None = None,
) -> dict:
    """The report's data: the JSON contract of docs/annual-report.md (raw counts, or the published version)."""
    today = today or timezone.localdate()
    src = sources or Sources(organisation, today=today, cache_before=year)
    reference = src.reference_date(year)
    employees = src.employees_at(reference)
    reports = _reports(src, year, employees)
    structure = _structure(src)
    data = {
        "schema": SCHEMA,
        "organisation": organisation.name,
        "year": year,
        "reference_date": reference.isoformat(),
        "year_complete": reference == dt.date(year, 12, 31) and today > reference,
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "published": published,
        "employees": {"at_year_end": employees},
        "oath": _oath(src, year),
        "reports": reports,
        "consultations": _consultations(src, year),
        "outside_activities": _outside_activities(src, year),
        "positions": _positions(src, year),
        "deliberation": _deliberation(src, year),
        "learning": _learning(src, year),
        "portal": _portal(src, year),
        "structure": structure,
        "structure_total": sum(g["count"] for g in structure),
        "plan_actions": _plan(organisation, year),
        "benchmark": _benchmark(reports, employees),
        "trends": _trends(src, year),
        "sources": {app: src.available(app) for app in APPS},
    }
    threshold = conf.small_count_threshold()
    data["privacy"] = {"threshold": threshold, "suppressed": []}
    data["basic_norms"] = basic_norms.evaluate(src, year, data)
    if published:
        privacy.suppress(data, threshold)
    return data


# --- the stored report, its texts, its jobs ------------------------------------------------------------------------


def report_for(organisation: Organisation, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(organisation=organisation, year=year).first()


def reports_of(organisation: Organisation) -> list[AnnualReport]:
    return list(AnnualReport.objects.filter(organisation=organisation).order_by("-year"))


def published_reports(organisation: Organisation | None) -> list[AnnualReport]:
    if organisation is None:
        return []
    return list(
        AnnualReport.objects.filter(organisation=organisation, status=AnnualReport.Status.PUBLISHED)
        .defer("published_pdf", "snapshot")
        .order_by("-year")
    )


def published_report(organisation: Organisation | None, year: int) -> AnnualReport | None:
    if organisation is None:
        return None
    return AnnualReport.objects.filter(
        organisation=organisation, year=year, status=AnnualReport.Status.PUBLISHED
    ).first()


def texts_of(report: AnnualReport | None) -> dict[str, dict[str, str]]:
    """``{"sections": {code: text}, "figures": {key: text}}`` of a report (empty for a report not started yet)."""
    out: dict[str, dict[str, str]] = {"sections": {}, "figures": {}}
    if report is None or report.pk is None:
        return out
    for kind, key, text in ReportText.objects.filter(report=report).values_list("kind", "key", "text"):
        if text:
            out["sections" if kind == ReportText.Kind.SECTION else "figures"][key] = text
    return out


def plan_actions(organisation: Organisation) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(organisation=organisation).order_by("planned_year", "planned_quarter", "order", "pk")
    )


def plan_action(organisation: Organisation, pk: int) -> PlanAction | None:
    return PlanAction.objects.filter(organisation=organisation, pk=pk).first()


def job_for(organisation: Organisation, pk: int, user) -> GenerationJob | None:
    """A generation job of the user themself (a file someone else asked for is theirs)."""
    return GenerationJob.objects.filter(organisation=organisation, pk=pk, requested_by=user).defer("content").first()


def job_with_content(organisation: Organisation, pk: int, user) -> GenerationJob | None:
    return GenerationJob.objects.filter(organisation=organisation, pk=pk, requested_by=user).first()


def candidate_years(organisation: Organisation, *, today: dt.date | None = None) -> list[int]:
    """Years to choose from: this year and every earlier year with a report or with records in a register."""
    from plein.annual_report.sources import selector

    today = today or timezone.localdate()
    years: set[int] = {today.year, today.year - 1}
    years |= set(AnnualReport.objects.filter(organisation=organisation).values_list("year", flat=True))
    for app in APPS:
        fn = selector(app, "figure_years")
        if fn is not None:
            years |= {int(y) for y in fn(organisation) if y}
    return sorted((y for y in years if y <= today.year), reverse=True)
