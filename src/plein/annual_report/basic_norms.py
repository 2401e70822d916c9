"""The basic-norm scorecard: the 13 BIOS basic norms for integrity, each judged from evidence in the system.

Every norm gets ``green``, ``amber``, ``red`` or ``unknown``. ``unknown`` means the system holds no evidence to judge
the norm by (no register for it, the module is not there, or nothing happened that the rule could look at); it is
never a guess. Each rule is written out in docs/annual-report.md ("Basic-norm scorecard"); the constants below are
the thresholds it names. Keep the two in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.annual_report.sources import Sources, selector
from plein.core.models import Employee, StructureRole

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
STATUSES = (GREEN, AMBER, RED, UNKNOWN)
STATUS_LABELS = {
    GREEN: gettext_lazy("In order"),
    AMBER: gettext_lazy("Needs attention"),
    RED: gettext_lazy("Not in order"),
    UNKNOWN: gettext_lazy("Cannot be judged from the system"),
}

# Thresholds (percentages), see docs/annual-report.md.
ATTENTION_COVERAGE_GREEN = 80
OATH_GREEN, OATH_AMBER = 90, 70
CAMPAIGN_GREEN = 90
REVIEW_OVERDUE_AMBER = 25
SCREENING_MISSING_AMBER = 10
FINANCIAL_GREEN, FINANCIAL_AMBER = 100, 75
GIFTS_PENDING_AMBER = 10


@dataclass(frozen=True)
class Verdict:
    status: str
    evidence: str
    url: str = ""


@dataclass(frozen=True)
class Norm:
    number: int
    code: str
    title: object  # lazy translation
    judge: Callable[[Sources, int, dict], Verdict]


def _url(name: str) -> str:
    from plein.annual_report.selectors import url_or_empty

    return url_or_empty(name)


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _c(data: dict, value) -> str:
    """A count of people for an evidence text: in the published version a small count reads "fewer than 5"."""
    from plein.annual_report.privacy import fewer_than, is_small

    threshold = data["privacy"]["threshold"]
    if data["published"] and is_small(value, threshold):
        return str(fewer_than(threshold))
    return str(value or 0)


# --- the rules ------------------------------------------------------------------------------------------------------


def attention(src: Sources, year: int, data: dict) -> Verdict:
    learning = data["learning"]
    if not learning["available"]:
        return Verdict(UNKNOWN, _("The learning module is not available, so activities cannot be counted."))
    events = learning["events_total"] or 0
    coverage = (learning.get("training_coverage") or {}).get("percentage")
    text = _("%(events)d awareness activities in %(year)d.") % {"events": events, "year": year}
    if coverage is not None:
        text += " " + _("%(pct)d%% of the employees completed the basic integrity training.") % {"pct": coverage}
    url = _url("learning:events")
    if events >= 2 and coverage is not None and coverage >= ATTENTION_COVERAGE_GREEN:
        return Verdict(GREEN, text, url)
    if events >= 1:
        return Verdict(AMBER, text, url)
    return Verdict(RED, text, url)


def codes_of_conduct(src: Sources, year: int, data: dict) -> Verdict:
    rows_fn = selector("portal", "policy_documents")
    if rows_fn is None:
        return Verdict(UNKNOWN, _("The portal's policy register is not available."))
    reference = src.reference_date(year)
    rows = [
        r
        for r in src.call("portal", "policy_documents", src.organisation, today=reference)
        if r.document.kind == "gedragscode"
    ]
    current = [r for r in rows if r.current is not None]
    url = _url("portal:policy_admin")
    if not current:
        return Verdict(RED, _("No code of conduct is in force in the policy register."), url)
    overdue = [r for r in current if r.review_overdue]
    if overdue:
        return Verdict(
            AMBER,
            _("%(n)d of %(total)d codes of conduct in force should have been reviewed by %(date)s.")
            % {"n": len(overdue), "total": len(current), "date": date_format(reference, "j F Y")},
            url,
        )
    return Verdict(
        GREEN, _("%(total)d codes of conduct in force; none is due for review.") % {"total": len(current)}, url
    )


def screening(src: Sources, year: int, data: dict) -> Verdict:
    hires_fn, rows_fn = selector("positions", "new_hires"), selector("positions", "screening_rows")
    if hires_fn is None or rows_fn is None:
        return Verdict(UNKNOWN, _("The screening register is not available."))
    reference = src.reference_date(year)
    hires = hires_fn(src.organisation, reference).filter(start_date__lte=reference)
    people = rows_fn(hires, src.organisation, reference)
    url = _url("positions:new_hires")
    if not people:
        return Verdict(
            UNKNOWN,
            _("No new employees in designated positions in the last months of %(year)d: nothing to judge.")
            % {"year": year},
            url,
        )
    missing = sum(1 for p in people if any(item.missing for item in p.checklist if item.code in ("vog", "talk")))
    text = _(
        "%(missing)s of %(total)s new employees in designated positions miss their certificate of conduct or the talk "
        "about outside activities."
    ) % {"missing": _c(data, missing), "total": _c(data, len(people))}
    if missing == 0:
        return Verdict(GREEN, text, url)
    if _pct(missing, len(people)) <= SCREENING_MISSING_AMBER:
        return Verdict(AMBER, text, url)
    return Verdict(RED, text, url)


def vulnerable_positions(src: Sources, year: int, data: dict) -> Verdict:
    positions = data["positions"]
    if not positions["available"]:
        return Verdict(UNKNOWN, _("The positions register is not available."))
    total, overdue = positions["positions_inventoried"] or 0, positions["review_overdue"] or 0
    url = _url("positions:inventory")
    if total == 0:
        return Verdict(RED, _("No positions are in the inventory of vulnerable positions."), url)
    text = _("%(total)d positions in the inventory (%(vulnerable)d vulnerable); %(overdue)d reviews overdue.") % {
        "total": total,
        "vulnerable": positions["vulnerable"] or 0,
        "overdue": overdue,
    }
    if overdue == 0:
        return Verdict(GREEN, text, url)
    if _pct(overdue, total) <= REVIEW_OVERDUE_AMBER:
        return Verdict(AMBER, text, url)
    return Verdict(RED, text, url)


def oath(src: Sources, year: int, data: dict) -> Verdict:
    figures = data["oath"]
    if not figures["available"]:
        return Verdict(UNKNOWN, _("The oath register is not available."))
    within = figures["within_term"]
    url = _url("oaths:overview")
    if not within["due"]:
        return Verdict(UNKNOWN, _("Nobody's oath fell due in %(year)d: nothing to judge.") % {"year": year}, url)
    text = _(
        "%(in_time)s of %(due)s took the oath or affirmation within the term; %(overdue)s overdue at the end of the year."
    ) % {
        "in_time": _c(data, within["in_time"]),
        "due": _c(data, within["due"]),
        "overdue": _c(data, figures["overdue_at_year_end"]),
    }
    text = capfirst(text)
    if not (data["published"] and within["due"] < data["privacy"]["threshold"]):
        text = _("%(pct)d%% on time.") % {"pct": within["percentage"]} + " " + text
    if within["percentage"] >= OATH_GREEN:
        return Verdict(GREEN, text, url)
    if within["percentage"] >= OATH_AMBER:
        return Verdict(AMBER, text, url)
    return Verdict(RED, text, url)


def outside_activities(src: Sources, year: int, data: dict) -> Verdict:
    figures = data["outside_activities"]
    if not figures["available"]:
        return Verdict(UNKNOWN, _("The declarations register is not available."))
    campaign = figures["campaign_completion"]
    url = _url("declarations:campaign_list")
    if campaign.get("participants"):
        text = _("%(pct)d%% confirmed their outside activities in the campaign of %(year)d.") % {
            "pct": campaign["percent"],
            "year": year,
        }
        return Verdict(GREEN if campaign["percent"] >= CAMPAIGN_GREEN else AMBER, text, url)
    if figures["declared"] or figures["decided"]:
        return Verdict(
            AMBER,
            _(
                "Outside activities were declared and decided on, but there was no yearly confirmation campaign in %(year)d."
            )
            % {"year": year},
            url,
        )
    return Verdict(RED, _("No outside activity was declared or decided on in %(year)d.") % {"year": year}, url)


def financial_interests(src: Sources, year: int, data: dict) -> Verdict:
    designated_fn = selector("positions", "positions_designated_for")
    declared_fn = selector("declarations", "employees_with_financial_interests_declared")
    if designated_fn is None or declared_fn is None:
        return Verdict(UNKNOWN, _("The positions or the declarations register is not available."))
    reference = src.reference_date(year)
    positions = designated_fn("financial_interests", src.organisation)
    url = _url("declarations:interest_list")
    if not positions.exists():
        return Verdict(
            UNKNOWN,
            _(
                "No position is designated for declaring financial interests; the system cannot tell whether that is right."
            ),
            url,
        )
    people = Employee.objects.filter(organisation=src.organisation, position__in=positions.values("pk")).in_service(
        reference
    )
    total = people.count()
    if total == 0:
        return Verdict(UNKNOWN, _("Nobody holds a position designated for financial interests."), url)
    declared = people.filter(pk__in=declared_fn(src.organisation)).count()
    pct = _pct(declared, total)
    text = _("%(declared)s of %(total)s people in designated positions declared their financial interests.") % {
        "declared": _c(data, declared),
        "total": _c(data, total),
    }
    if pct >= FINANCIAL_GREEN:
        return Verdict(GREEN, text, url)
    return Verdict(AMBER if pct >= FINANCIAL_AMBER else RED, text, url)


def information(src: Sources, year: int, data: dict) -> Verdict:
    return Verdict(
        UNKNOWN,
        _(
            "Integriteitsplein keeps no register of information security; the information security officer (CISO) reports on it."
        ),
    )


def gifts(src: Sources, year: int, data: dict) -> Verdict:
    figures = data["outside_activities"]
    if not figures["available"] or figures["gifts"] is None:
        return Verdict(UNKNOWN, _("The gifts register is not available."))
    total = figures["gifts"]
    url = _url("declarations:gift_list")
    if total == 0:
        return Verdict(
            UNKNOWN,
            _("No gifts or invitations were declared in %(year)d; the system cannot tell whether none were received.")
            % {"year": year},
            url,
        )
    pending = figures["gifts_by_decision"].get("in_behandeling", 0) or 0
    text = _("%(total)s gifts and invitations declared; %(pending)s still wait for a decision.") % {
        "total": _c(data, total),
        "pending": _c(data, pending),
    }
    if pending == 0:
        return Verdict(GREEN, text, url)
    return Verdict(AMBER if _pct(pending, total) <= GIFTS_PENDING_AMBER else RED, text, url)


def procurement(src: Sources, year: int, data: dict) -> Verdict:
    return Verdict(
        UNKNOWN, _("Integriteitsplein keeps no register of procurement; the purchasing department reports on it.")
    )


CONFIDENTIAL_KINDS = (
    StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL,
    StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL,
)


def confidential_advisers(src: Sources, year: int, data: dict) -> Verdict:
    roles = [r for r in src.structure_roles() if r.kind in CONFIDENTIAL_KINDS]
    url = _url("core:structure")
    if not roles:
        return Verdict(RED, _("No confidential adviser is on the public integrity structure page."), url)
    reachable = [r for r in roles if r.contact_email or r.phone]
    text = _("%(n)d confidential advisers on the integrity structure page, %(reachable)d with contact details.") % {
        "n": len(roles),
        "reachable": len(reachable),
    }
    return Verdict(GREEN if reachable else AMBER, text, url)


def reporting(src: Sources, year: int, data: dict) -> Verdict:
    reports = data["reports"]
    channels_fn = selector("reports", "open_channels")
    if not reports["available"] or channels_fn is None:
        return Verdict(UNKNOWN, _("The reporting channel is not available."))
    channels = src.call("reports", "open_channels", src.organisation)
    url = _url("reports:start")
    if not channels:
        return Verdict(RED, _("There is no open reporting channel."), url)
    received, in_time = reports["received"] or 0, reports["acknowledged_within_term"] or 0
    text = _(
        "%(channels)d reporting channels open; %(in_time)d of %(received)d reports acknowledged within the term."
    ) % {
        "channels": len(channels),
        "in_time": in_time,
        "received": received,
    }
    return Verdict(GREEN if in_time >= received else AMBER, text, url)


def investigating(src: Sources, year: int, data: dict) -> Verdict:
    investigators = StructureRole.objects.filter(
        organisation=src.organisation, kind=StructureRole.Kind.INVESTIGATOR
    ).count()
    url = _url("core:structure")
    if investigators == 0:
        return Verdict(RED, _("No investigator is appointed in the integrity structure."), url)
    text = _("%(n)d investigators appointed.") % {"n": investigators}
    reports = data["reports"]
    late = None
    if reports["available"] and reports["feedback_within_term"] is not None and reports["closed"] is not None:
        late = max(0, reports["closed"] - reports["feedback_within_term"])
        text += " " + _("%(late)d closed reports without feedback within the term.") % {"late": late}
    else:
        text += " " + _("Feedback times are not available, so only the appointment is judged.")
    return Verdict(AMBER if late else GREEN, text, url)


NORMS: tuple[Norm, ...] = (
    Norm(1, "aandacht", gettext_lazy("Attention to integrity"), attention),
    Norm(2, "gedragscode", gettext_lazy("Code of conduct"), codes_of_conduct),
    Norm(3, "screening", gettext_lazy("Screening at recruitment"), screening),
    Norm(4, "kwetsbare_functies", gettext_lazy("Vulnerable positions"), vulnerable_positions),
    Norm(5, "eed", gettext_lazy("Oath or affirmation"), oath),
    Norm(6, "nevenwerkzaamheden", gettext_lazy("Outside activities"), outside_activities),
    Norm(7, "financiele_belangen", gettext_lazy("Financial interests"), financial_interests),
    Norm(8, "informatie", gettext_lazy("Protection of information"), information),
    Norm(9, "geschenken", gettext_lazy("Gifts and invitations"), gifts),
    Norm(10, "inkoop", gettext_lazy("Procurement"), procurement),
    Norm(11, "vertrouwenspersoon", gettext_lazy("Confidential advisers"), confidential_advisers),
    Norm(12, "melden", gettext_lazy("Reporting wrongdoing"), reporting),
    Norm(13, "onderzoek", gettext_lazy("Investigating violations"), investigating),
)


def evaluate(src: Sources, year: int, data: dict) -> list[dict]:
    """The scorecard, computed from the raw figures in ``data`` and the registers (before any suppression)."""
    out = []
    for norm in NORMS:
        verdict = norm.judge(src, year, data)
        out.append(
            {
                "number": norm.number,
                "code": norm.code,
                "title": str(norm.title),
                "status": verdict.status,
                "status_label": str(STATUS_LABELS[verdict.status]),
                "evidence": capfirst(verdict.evidence),
                "evidence_url": verdict.url,
            }
        )
    return out
