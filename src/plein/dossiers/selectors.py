"""Reads of case handling. Decrypting a timeline is audited; lists use plain metadata only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case as When_
from django.db.models import DateField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Organisation, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.dossiers import workflow
from plein.dossiers.models import (
    TERMINAL_STAGES,
    Assignment,
    Case,
    CaseCategory,
    CaseEvent,
    Exclusion,
    OralRecord,
    RevealRequest,
)
from plein.reports import crypto
from plein.reports.models import ChannelMembership, ReportKey
from plein.reports.selectors import member_label
from plein.reports.services import handler_role

# --- Categories ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    is_active: bool = True


def categories(organisation: Organisation, *, include_inactive: bool = False) -> list[Category]:
    """The organisation's list, or the default list when it has not set one."""
    rows = CaseCategory.objects.filter(organisation=organisation)
    if not include_inactive:
        rows = rows.filter(is_active=True)
    listed = [Category(c.code, c.label, c.is_active) for c in rows.order_by("order", "label")]
    if listed or CaseCategory.objects.filter(organisation=organisation).exists():
        return listed
    return [Category(code, str(label)) for code, label in workflow.DEFAULT_CATEGORIES]


def category_codes(organisation: Organisation) -> set[str]:
    return {c.code for c in categories(organisation)}


def category_label(organisation: Organisation, code: str) -> str:
    if not code:
        return ""
    return next((c.label for c in categories(organisation, include_inactive=True) if c.code == code), code)


# --- Deadlines -----------------------------------------------------------------------------------------------------


def next_due_expression():
    """The next open deadline of a case (for sorting and filtering the inbox): receipt, then feedback, else none."""
    return When_(
        When(stage__in=TERMINAL_STAGES, then=Value(None, output_field=DateField())),
        When(report__acknowledged_at__isnull=True, then=F("acknowledge_due")),
        When(feedback_given_at__isnull=True, then=F("feedback_due")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


@dataclass
class Deadline:
    label: str
    due: date | None
    done_at: datetime | None
    extended_from: date | None = None
    pending_text: str = ""

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def days_left(self) -> int | None:
        if self.due is None or self.done:
            return None
        return (self.due - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def on_time(self) -> bool | None:
        if not self.done or self.due is None:
            return None
        return timezone.localtime(self.done_at).date() <= self.due


def deadlines(case: Case) -> list[Deadline]:
    report = case.report
    return [
        Deadline(_("Confirm receipt"), case.acknowledge_due, report.acknowledged_at),
        Deadline(
            _("Give feedback"),
            case.feedback_due,
            case.feedback_given_at,
            extended_from=case.feedback_due_before_extension,
            pending_text=_("%(n)d months after receipt is confirmed") % {"n": workflow.feedback_months(report.channel)},
        ),
    ]


# --- Who may see what ----------------------------------------------------------------------------------------------


def investigator_only(user: User) -> bool:
    """An investigator without another handling role sees only the cases assigned to them."""
    roles = user_roles(user)
    return R.INVESTIGATOR in roles and not roles & {
        R.INTEGRITY_COORDINATOR,
        R.CONFIDENTIAL_ADVISER,
        R.COMPETENT_AUTHORITY,
    }


def active_assignments(case: Case) -> QuerySet[Assignment]:
    today = timezone.localdate()
    return (
        Assignment.objects.filter(case=case, ended_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("user__employee", "stands_in_for__employee")
    )


def is_assigned(case: Case, user: User) -> bool:
    return active_assignments(case).filter(user=user).exists()


def assigned_filter(user: User, prefix: str = "") -> Q:
    """A filter on cases (or on reports, with ``prefix="case__"``) for the active assignments of ``user``."""
    today = timezone.localdate()
    active = Assignment.objects.filter(user=user, ended_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    return Q(**{f"{prefix}pk__in": active.values("case_id")})


def is_assigned_to_report(report, user: User) -> bool:
    return Case.objects.filter(assigned_filter(user), report_id=report.pk).exists()


# --- The case page -------------------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    event: CaseEvent
    actor: str
    text: str
    removed: bool


@dataclass
class OralVersionView:
    number: int
    text: str
    created_at: datetime
    author: str
    removed: bool


@dataclass
class OralRecordView:
    record: OralRecord
    versions: list[OralVersionView]

    @property
    def latest(self) -> OralVersionView | None:
        return self.versions[-1] if self.versions else None


@dataclass
class RevealView:
    request: RevealRequest
    requester: str
    decider: str
    explanation: str


@dataclass
class CaseView:
    case: Case
    timeline: list[TimelineEntry]
    deadlines: list[Deadline]
    assignments: list[Assignment]
    exclusions: list[Exclusion]
    oral_records: list[OralRecordView]
    reveal_requests: list[RevealView]
    team: list[tuple[int, str]] = field(default_factory=list)
    category_label: str = ""


def _open_text(report_key: bytes | None, ciphertext) -> tuple[str, bool]:
    """(text, removed): an empty ciphertext is no text, or removed by retention when the case was purged."""
    data = bytes(ciphertext or b"")
    if not data:
        return "", False
    if report_key is None:
        return "", False
    return crypto.decrypt_json(report_key, data).get("text", ""), False


def _label(user: User | None) -> str:
    return member_label(user) if user is not None else ""


def team_members(case: Case) -> list[tuple[int, str]]:
    """(user id, label) of the channel's team members who hold the report key."""
    holders = ReportKey.objects.filter(report_id=case.report_id, kind=ReportKey.Kind.HANDLER).values("user_id")
    members = (
        ChannelMembership.objects.filter(channel_id=case.report.channel_id, user_id__in=holders)
        .select_related("user__employee")
        .order_by("user__display_name", "user__email")
    )
    return [(m.user_id, member_label(m.user)) for m in members]


def case_view(*, case: Case, user: User, report_key: bytes) -> CaseView:
    """Decrypt a case's timeline, records and requests for a team member, and record that they did."""
    purged = case.purged_at is not None
    timeline = []
    for event in CaseEvent.objects.filter(case=case).select_related("actor__employee"):
        text, _removed = _open_text(report_key, event.ciphertext)
        removed = bool(event.data.get("has_text")) and not bytes(event.ciphertext or b"")
        timeline.append(TimelineEntry(event, _label(event.actor), text, removed))
    orals = []
    for record in OralRecord.objects.filter(case=case).prefetch_related("versions__created_by__employee"):
        versions = []
        for v in record.versions.all():
            text, _removed = _open_text(report_key, v.ciphertext)
            versions.append(OralVersionView(v.number, text, v.created_at, _label(v.created_by), purged and not text))
        orals.append(OralRecordView(record, versions))
    reveals = []
    for request in RevealRequest.objects.filter(case=case).select_related(
        "requested_by__employee", "decided_by__employee"
    ):
        text, _removed = _open_text(report_key, request.ciphertext)
        reveals.append(RevealView(request, _label(request.requested_by), _label(request.decided_by), text))
    record_event(
        actor=user,
        action="dossiers.case_decrypted",
        organisation=case.report.organisation,
        target=case,
        role=handler_role(user),
        data={"report": case.report_id, "events": len(timeline)},
    )
    return CaseView(
        case=case,
        timeline=timeline,
        deadlines=deadlines(case),
        assignments=list(active_assignments(case)),
        exclusions=list(Exclusion.objects.filter(case=case).select_related("user__employee")),
        oral_records=orals,
        reveal_requests=reveals,
        team=team_members(case),
        category_label=category_label(case.report.organisation, case.category),
    )


# --- The reporter's side -----------------------------------------------------------------------------------------


@dataclass
class ReporterItems:
    oral_records: list[OralRecordView]
    consent_requests: list[RevealRequest]


def for_reporter(*, report, report_key: bytes) -> ReporterItems:
    """Records shared with the reporter and open consent questions (no audit event: it would track the reporter)."""
    case = getattr(report, "case", None)
    if case is None:
        return ReporterItems([], [])
    orals = []
    for record in (
        OralRecord.objects.filter(case=case).exclude(approval=OralRecord.Approval.DRAFT).prefetch_related("versions")
    ):
        versions = [
            OralVersionView(v.number, _open_text(report_key, v.ciphertext)[0], v.created_at, "", False)
            for v in record.versions.all()
        ]
        orals.append(OralRecordView(record, versions))
    consent = list(RevealRequest.objects.filter(case=case, state=RevealRequest.State.ASKED_REPORTER))
    return ReporterItems(orals, consent)


# --- Reminders and escalation ---------------------------------------------------------------------------------


def open_cases(organisation: Organisation | None = None) -> QuerySet[Case]:
    qs = Case.objects.exclude(stage__in=TERMINAL_STAGES).select_related("report__channel__workflow", "report")
    if organisation is not None:
        qs = qs.filter(report__organisation=organisation)
    return qs


def attention_counts(user: User, organisation: Organisation, *, within_days: int = 7) -> tuple[int, int]:
    """(overdue, due within N days) among the cases in the user's inbox, for the start page."""
    from plein.reports.selectors import inbox

    today = timezone.localdate()
    cases = Case.objects.filter(report__in=inbox(user, organisation).values("pk")).annotate(
        next_due=next_due_expression()
    )
    overdue = cases.filter(next_due__lt=today).count()
    soon = cases.filter(next_due__gte=today, next_due__lte=today + timedelta(days=within_days)).count()
    return overdue, soon


def annual_figures(organisation, year: int) -> dict:
    """The case figures of ``year`` for the annual report (``plein.annual_report.sources`` reads selectors only)."""
    from plein.dossiers.statistics import annual_figures as case_figures

    return case_figures(organisation, year)
