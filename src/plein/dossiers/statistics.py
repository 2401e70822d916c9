"""Statistics of case handling (issue 5, item 9): reads only, from plain metadata, never from ciphertexts.

What is counted (docs/dossiers-statistics.md):

* The period selects cases by the date they were **received** (``Report.received_at`` as a date in the default time
  zone, Europe/Amsterdam), both ends inclusive. The optional channel narrows it to one channel.
* Counts by channel (every channel of the organisation, also those with zero), category, stage and outcome. Stage,
  category and outcome are the case's (``dossiers.Case``); a case without them falls back to the report's category and
  outcome, and "unclassified" / no outcome.
* The median number of days from receipt to the acknowledgement, and from receipt to closure (calendar days between
  the local dates), over the cases that were acknowledged or closed.
* On time, for each deadline: a deadline is *due* when it was met, or when its date has passed without it being met.
  Cases whose deadline is still ahead and not met yet are left out. The acknowledgement is on time when its date is
  on or before the case's ``acknowledge_due``. Feedback counts as given at ``Case.feedback_given_at`` and is on time
  when that date is on or before the case's ``feedback_due`` (which includes an extension). A case closed without
  feedback counts as late once its feedback deadline has passed.
* **Published figures** (``published=True``: the auditor's view, and every export marked "published") hide small
  counts with the annual report's own rule (``plein.annual_report.privacy``: counts from 1 up to the threshold
  ``PLEIN["SMALL_COUNT_THRESHOLD"]``, plus a second cell where one hidden cell could be worked out from the total).
  A total, an on-time fraction or a median that rests on fewer cases than the threshold is hidden too.

Query count: ``case_statistics`` runs three queries whatever the number of cases (the cases' metadata, the channels,
the category names).
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.annual_report import privacy
from plein.annual_report.conf import small_count_threshold
from plein.core.models import Organisation
from plein.dossiers.models import CaseCategory, Outcome, Stage
from plein.reports.models import Channel, Report

UNCLASSIFIED = "unclassified"
NO_OUTCOME = "none"
BREAKDOWNS = ("by_channel", "by_category", "by_stage", "by_outcome")


@dataclass
class Period:
    """A filter: cases received from ``start`` to ``end`` (both inclusive; ``None`` is open), and one channel."""

    start: date | None = None
    end: date | None = None
    channel_code: str = ""

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        tz = timezone.get_default_timezone()
        lower = datetime.combine(self.start, time.min, tzinfo=tz) if self.start else None
        upper = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz) if self.end else None
        return lower, upper


@dataclass
class OnTime:
    due: int | None = 0
    on_time: int | None = 0
    late: int | None = 0
    percentage: float | None = None


@dataclass
class Statistics:
    period: Period
    published: bool
    threshold: int
    received: int | None = 0
    by_channel: dict[str, int | None] = field(default_factory=dict)
    by_category: dict[str, int | None] = field(default_factory=dict)
    by_stage: dict[str, int | None] = field(default_factory=dict)
    by_outcome: dict[str, int | None] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)
    category_names: dict[str, str] = field(default_factory=dict)
    feedback_given: int = 0
    median_days_to_acknowledgement: float | None = None
    acknowledged: int = 0
    median_days_to_closure: float | None = None
    closed: int = 0
    acknowledgement: OnTime = field(default_factory=OnTime)
    feedback: OnTime = field(default_factory=OnTime)
    suppressed: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, str, object]]:
        """The figures as (section, code, label, value) rows, for the page and the exports."""
        out: list[tuple[str, str, str, object]] = [("total", "received", str(_("Received")), self.received)]
        sections = (
            ("by_channel", self.by_channel, lambda code: self.channel_names.get(code, code)),
            ("by_category", self.by_category, lambda code: self.category_names.get(code, code)),
            ("by_stage", self.by_stage, stage_label),
            ("by_outcome", self.by_outcome, outcome_label),
        )
        for section, cells, label in sections:
            out.extend((section, code, str(label(code)), value) for code, value in cells.items())
        out.append(
            ("duration", "median_days_to_acknowledgement", str(_("Median days to acknowledgement")),
             self.median_days_to_acknowledgement)
        )  # fmt: skip
        out.append(
            ("duration", "median_days_to_closure", str(_("Median days to closure")), self.median_days_to_closure)
        )
        for code, label_text, on_time in (
            ("acknowledgement", _("Acknowledgement"), self.acknowledgement),
            ("feedback", _("Feedback"), self.feedback),
        ):
            out.append(
                (
                    f"{code}_deadline",
                    "due",
                    str(_("%(deadline)s: deadline met or passed") % {"deadline": label_text}),
                    on_time.due,
                )
            )
            out.append(
                (
                    f"{code}_deadline",
                    "on_time",
                    str(_("%(deadline)s: on time") % {"deadline": label_text}),
                    on_time.on_time,
                )
            )
            out.append(
                (f"{code}_deadline", "late", str(_("%(deadline)s: late") % {"deadline": label_text}), on_time.late)
            )
            out.append(
                (f"{code}_deadline", "percentage_on_time",
                 str(_("%(deadline)s: percentage on time") % {"deadline": label_text}), on_time.percentage)
            )  # fmt: skip
        return out


# --- Labels ---------------------------------------------------------------------------------------------------


def stage_label(code: str) -> str:
    return str(dict(Stage.choices).get(code, code))


def outcome_label(code: str) -> str:
    if code == NO_OUTCOME:
        return str(_("No outcome yet"))
    return str(dict(Outcome.choices).get(code, code))


def category_labels(organisation: Organisation) -> dict[str, str]:
    labels = dict(CaseCategory.objects.filter(organisation=organisation).values_list("code", "label"))
    labels[UNCLASSIFIED] = str(_("Not classified"))
    return labels


# --- Counting -------------------------------------------------------------------------------------------------


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _cases(organisation: Organisation, period: Period) -> list[dict]:
    lower, upper = period.bounds()
    qs = Report.objects.filter(organisation=organisation)
    if lower is not None:
        qs = qs.filter(received_at__gte=lower)
    if upper is not None:
        qs = qs.filter(received_at__lt=upper)
    if period.channel_code:
        qs = qs.filter(channel__code=period.channel_code)
    return list(
        qs.values(
            "channel__code",
            "category",
            "outcome",
            "received_at",
            "acknowledge_before",
            "acknowledged_at",
            "feedback_before",
            "closed_at",
            "case__stage",
            "case__category",
            "case__outcome",
            "case__acknowledge_due",
            "case__feedback_due",
            "case__feedback_given_at",
        ).order_by()
    )


def _median(values: list[int]) -> float | None:
    return float(stats.median(values)) if values else None


def _on_time(due: int, on_time: int) -> OnTime:
    return OnTime(
        due=due, on_time=on_time, late=due - on_time, percentage=round(100 * on_time / due, 1) if due else None
    )


def case_statistics(
    organisation: Organisation,
    period: Period | None = None,
    *,
    published: bool = True,
    today: date | None = None,
) -> Statistics:
    """The statistics of the cases received in ``period`` (see the module docstring). Three queries."""
    period = period or Period()
    today = today or timezone.localdate()
    rows = _cases(organisation, period)
    channels = list(Channel.objects.filter(organisation=organisation).order_by("order", "name").values("code", "name"))
    if period.channel_code:
        channels = [c for c in channels if c["code"] == period.channel_code]
    result = Statistics(period=period, published=published, threshold=small_count_threshold())
    result.channel_names = {c["code"]: c["name"] for c in channels}
    result.category_names = category_labels(organisation)
    result.by_channel = {c["code"]: 0 for c in channels}
    by_category: dict[str, int] = {}
    by_stage: dict[str, int] = dict.fromkeys(Stage.values, 0)
    by_outcome: dict[str, int] = {**dict.fromkeys(Outcome.values, 0), NO_OUTCOME: 0}
    to_ack: list[int] = []
    to_close: list[int] = []
    ack_due = ack_on_time = fb_due = fb_on_time = 0
    for row in rows:
        result.by_channel[row["channel__code"]] = result.by_channel.get(row["channel__code"], 0) + 1
        category = row["case__category"] or row["category"] or UNCLASSIFIED
        by_category[category] = by_category.get(category, 0) + 1
        stage = row["case__stage"] or Stage.ONTVANGEN
        by_stage[stage] = by_stage.get(stage, 0) + 1
        outcome = row["case__outcome"] or row["outcome"] or NO_OUTCOME
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
        received = _local_date(row["received_at"])
        acknowledged = _local_date(row["acknowledged_at"])
        closed = _local_date(row["closed_at"])
        if acknowledged is not None:
            to_ack.append((acknowledged - received).days)
        if closed is not None:
            to_close.append((closed - received).days)
        ack_deadline = row["case__acknowledge_due"] or row["acknowledge_before"]
        if acknowledged is not None or ack_deadline < today:
            ack_due += 1
            ack_on_time += acknowledged is not None and acknowledged <= ack_deadline
        fed_back = _local_date(row["case__feedback_given_at"])
        feedback_deadline = row["case__feedback_due"] or row["feedback_before"]
        if fed_back is not None or feedback_deadline < today:
            fb_due += 1
            fb_on_time += fed_back is not None and fed_back <= feedback_deadline
    result.received = len(rows)
    result.by_category = dict(sorted(by_category.items()))
    result.by_stage = by_stage
    result.by_outcome = by_outcome
    result.acknowledged, result.closed = len(to_ack), len(to_close)
    result.feedback_given = sum(1 for row in rows if row["case__feedback_given_at"] is not None)
    result.median_days_to_acknowledgement = _median(to_ack)
    result.median_days_to_closure = _median(to_close)
    result.acknowledgement = _on_time(ack_due, ack_on_time)
    result.feedback = _on_time(fb_due, fb_on_time)
    if published:
        _suppress(result)
    return result


def suppress_breakdown(cells: dict[str, int | None], threshold: int, name: str) -> list[str]:
    """Hide the small cells of one breakdown in place with the annual report's rule; returns the hidden paths."""
    data = {"reports": {"by_category": cells}}
    privacy.suppress(data, threshold)
    prefix = "reports.by_category."
    return [f"{name}.{path[len(prefix) :]}" for path in data["privacy"]["suppressed"] if path.startswith(prefix)]


def _suppress(result: Statistics) -> None:
    threshold = result.threshold
    hidden: list[str] = []
    for name in BREAKDOWNS:
        hidden += suppress_breakdown(getattr(result, name), threshold, name)
    if privacy.is_small(result.received, threshold):
        # A total that a channel or period filter narrows down is a cell too.
        result.received = None
        hidden.append("received")
    for name, count in (("acknowledgement", result.acknowledged), ("closure", result.closed)):
        if count < threshold:
            setattr(result, f"median_days_to_{name}", None)
            hidden.append(f"median_days_to_{name}")
    for name in ("acknowledgement", "feedback"):
        on_time: OnTime = getattr(result, name)
        if on_time.due is not None and on_time.due < threshold and on_time.due > 0:
            setattr(result, name, OnTime(due=None, on_time=None, late=None, percentage=None))
            hidden.append(f"{name}_deadline")
        elif privacy.is_small(on_time.on_time, threshold) or privacy.is_small(on_time.late, threshold):
            # The split of a published number of due cases: hiding one half would reveal it by subtraction.
            on_time.on_time = on_time.late = on_time.percentage = None
            hidden.append(f"{name}_deadline.on_time")
    result.suppressed = hidden


# --- Figures for the annual report ----------------------------------------------------------------------------


def annual_figures(organisation: Organisation, year: int) -> dict:
    """Figures of the cases received in ``year`` that ``plein.reports.selectors.annual_figures`` does not have.

    The keys fit next to that function's (same counting rule: received in the year, dates in Europe/Amsterdam), so the
    annual report can merge both dicts: ``feedback_within_term`` (feedback given on or before the feedback deadline),
    ``feedback_given``, ``feedback_late`` (given late, or not given and the deadline has passed), ``closed``,
    ``substantiated``, ``partly_substantiated``, ``not_substantiated``, ``not_investigated``, ``by_stage``,
    ``by_case_outcome`` and the two medians (days). Exact: the annual report suppresses when it publishes.
    """
    period = Period(start=date(year, 1, 1), end=date(year, 12, 31))
    figures = case_statistics(organisation, period, published=False)
    by_outcome = figures.by_outcome
    return {
        "year": year,
        "closed": figures.closed,
        "feedback_given": figures.feedback_given,
        "feedback_within_term": figures.feedback.on_time,
        "feedback_late": figures.feedback.late,
        "substantiated": by_outcome[Outcome.SUBSTANTIATED],
        "partly_substantiated": by_outcome[Outcome.PARTLY_SUBSTANTIATED],
        "not_substantiated": by_outcome[Outcome.NOT_SUBSTANTIATED],
        "not_investigated": by_outcome[Outcome.NOT_INVESTIGATED],
        "by_stage": dict(figures.by_stage),
        "by_case_outcome": {k: v for k, v in by_outcome.items() if k != NO_OUTCOME},
        "median_days_to_acknowledgement": figures.median_days_to_acknowledgement,
        "median_days_to_closure": figures.median_days_to_closure,
    }
