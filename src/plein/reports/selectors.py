"""Reads of the reporting channel. Query-count aware; every decryption for a handler is audited.

``annual_figures`` uses only plain metadata. Counting rule: a report counts in year Y when it was received in Y
(the date of ``received_at`` in the Europe/Amsterdam time zone); "acknowledged within the term" counts the reports
received in Y whose acknowledgement date is on or before their acknowledgement deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models import F as F_
from django.utils import timezone

from plein.core.models import Organisation, StructureRole, User
from plein.core.selectors import structure_roles
from plein.core.services.audit import record_event
from plein.reports import crypto
from plein.reports.models import (
    Attachment,
    Channel,
    ChannelMembership,
    HandlerKey,
    Message,
    OrganisationKey,
    Report,
    ReportKey,
)
from plein.reports.services import handler_role

# --- Public side ----------------------------------------------------------------------------------------------


def organisation_key(organisation: Organisation | None) -> OrganisationKey | None:
    if organisation is None:
        return None
    return OrganisationKey.objects.filter(organisation=organisation).first()


def open_channels(organisation: Organisation | None) -> list[Channel]:
    """Channels that accept reports, with their teams (for the "must not see this" choice), in two queries."""
    if organisation is None:
        return []
    return list(
        Channel.objects.filter(organisation=organisation, is_active=True)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ChannelMembership.objects.filter(confirmed_at__isnull=False).select_related("user"),
                to_attr="confirmed_members",
            )
        )
        .order_by("order", "name")
    )


def open_channel(organisation: Organisation | None, code: str) -> Channel | None:
    return next((c for c in open_channels(organisation) if c.code == code), None)


def confidential_advisers(organisation: Organisation | None) -> list[StructureRole]:
    if organisation is None:
        return []
    kinds = {StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL, StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL}
    return [role for role in structure_roles(organisation) if role.kind in kinds]


def member_label(user: User) -> str:
    employee = getattr(user, "employee", None)
    return employee.full_name if employee is not None else str(user)


# --- Decrypted views ------------------------------------------------------------------------------------------


@dataclass
class OpenedAttachment:
    pk: int
    name: str
    content_type: str
    size: int
    stripped: bool
    direction: str
    created_at: datetime
    message_id: int | None


@dataclass
class OpenedMessage:
    pk: int
    direction: str
    author: str
    created_at: datetime
    text: str
    attachments: list[OpenedAttachment] = field(default_factory=list)

    @property
    def from_reporter(self) -> bool:
        return self.direction == Message.Direction.FROM_REPORTER


@dataclass
class OpenedReport:
    report: Report
    answers: list[dict]
    messages: list[OpenedMessage]
    attachments: list[OpenedAttachment]  # sent with the report itself
    identity: dict | None = None
    identity_hidden: bool = False
    excluded: list[str] = field(default_factory=list)


def _open_attachment(report_key: bytes, attachment: Attachment) -> OpenedAttachment:
    meta = crypto.decrypt_json(report_key, bytes(attachment.meta_ciphertext))
    return OpenedAttachment(
        pk=attachment.pk,
        name=meta.get("name", ""),
        content_type=meta.get("type", "application/octet-stream"),
        size=int(meta.get("size", 0)),
        stripped=bool(meta.get("stripped")),
        direction=attachment.direction,
        created_at=attachment.created_at,
        message_id=attachment.message_id,
    )


def _open(report: Report, report_key: bytes, *, team_label: str | None) -> OpenedReport:
    """Decrypt a report's content, messages and attachment names (3 queries: the report is given)."""
    content = crypto.decrypt_json(report_key, bytes(report.content_ciphertext))
    attachments = [_open_attachment(report_key, a) for a in Attachment.objects.filter(report=report)]
    by_message: dict[int, list[OpenedAttachment]] = {}
    for a in attachments:
        if a.message_id is not None:
            by_message.setdefault(a.message_id, []).append(a)
    messages = []
    for m in Message.objects.filter(report=report).select_related("author__employee"):
        if m.direction == Message.Direction.FROM_TEAM:
            author = team_label if team_label is not None else (member_label(m.author) if m.author else "")
        else:
            author = ""
        messages.append(
            OpenedMessage(
                pk=m.pk,
                direction=m.direction,
                author=author,
                created_at=m.created_at,
                text=crypto.decrypt_json(report_key, bytes(m.ciphertext)).get("text", ""),
                attachments=by_message.get(m.pk, []),
            )
        )
    return OpenedReport(
        report=report,
        answers=content.get("answers", []),
        messages=messages,
        attachments=[a for a in attachments if a.message_id is None],
    )


def report_for_reporter(*, report: Report, report_key: bytes, team_label: str) -> OpenedReport:
    """What the reporter sees after logging in with their receipt code (no audit event: it would track them)."""
    opened = _open(report, report_key, team_label=team_label)
    if report.identity_ciphertext:
        opened.identity = crypto.decrypt_json(report_key, bytes(report.identity_ciphertext))
    return opened


def report_for_handler(*, report: Report, user: User, report_key: bytes) -> OpenedReport:
    """Decrypt a report for a handler and record that they did. A confidential reporter's identity stays hidden."""
    opened = _open(report, report_key, team_label=None)
    if report.identity_ciphertext and report.mode == Report.Mode.NAMED:
        opened.identity = crypto.decrypt_json(report_key, bytes(report.identity_ciphertext))
    elif report.identity_ciphertext:
        opened.identity_hidden = True
    if report.exclusions_ciphertext:
        excluded_ids = crypto.decrypt_json(report_key, bytes(report.exclusions_ciphertext))
        opened.excluded = [member_label(u) for u in User.objects.filter(pk__in=excluded_ids).select_related("employee")]
    record_event(
        actor=user,
        action="reports.report_decrypted",
        organisation=report.organisation,
        target=report,
        role=handler_role(user),
        data={"messages": len(opened.messages), "attachments": len(opened.attachments)},
    )
    return opened


@dataclass
class DecryptedFile:
    name: str
    content_type: str
    size: int
    chunks: Iterator[bytes]


def decrypt_attachment(*, attachment: Attachment, report_key: bytes, actor: User | None) -> DecryptedFile:
    """A streamed decryption of an attachment. Audited when a handler (``actor``) downloads it."""
    meta = crypto.decrypt_json(report_key, bytes(attachment.meta_ciphertext))
    file_key = crypto.decrypt(report_key, bytes(attachment.file_key_ciphertext))
    if actor is not None:
        record_event(
            actor=actor,
            action="reports.attachment_decrypted",
            organisation=attachment.report.organisation,
            target=attachment,
            role=handler_role(actor),
            data={"report": attachment.report_id},
        )

    def chunks() -> Iterator[bytes]:
        with default_storage.open(attachment.storage_name, "rb") as handle:
            yield from crypto.decrypt_stream(file_key, handle)

    return DecryptedFile(
        name=meta.get("name", "bijlage"),
        content_type=meta.get("type", "application/octet-stream"),
        size=int(meta.get("size", 0)),
        chunks=chunks(),
    )


# --- Handler side ---------------------------------------------------------------------------------------------


def handler_key(user: User) -> HandlerKey | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return HandlerKey.objects.filter(user=user).first()


INBOX_SORTS = ("received", "-received", "deadline")
# The columns the inbox table shows (``inbox(...).only(*INBOX_COLUMNS)``): loading the ciphertexts and the other
# columns of 25 reports, their channels and cases costs more than the query itself.
INBOX_COLUMNS = (
    "reference",
    "mode",
    "status",
    "received_at",
    "acknowledge_before",
    "feedback_before",
    "acknowledged_at",
    "channel__name",
    "case__stage",
    "case__feedback_due",
    "case__extended_at",
)
DEADLINE_FILTERS = ("overdue", "soon", "open")


def inbox(
    user: User,
    organisation: Organisation,
    *,
    channel_code: str = "",
    status: str = "",
    sort: str = "-received",
    deadline: str = "",
    within_days: int = 7,
) -> QuerySet[Report]:
    """Reports of the user's channels that are wrapped for them: plain metadata only. One query (plus a count).

    Investigators without another handling role see only the reports whose case is assigned to them. Each report gets
    ``next_due``: its next open deadline (receipt, then feedback; none once closed), from its case (``plein.dossiers``).
    ``deadline`` filters on it: ``overdue``, ``soon`` (due within ``within_days`` days) or ``open`` (any open one);
    ``sort`` orders by receipt (``received``, ``-received``) or by the next deadline (``deadline``, soonest first).
    """
    from django.db.models import F

    from plein.dossiers.selectors import assigned_filter, investigator_only

    qs = (
        Report.objects.filter(
            organisation=organisation,
            channel__memberships__user=user,
            keys__kind=ReportKey.Kind.HANDLER,
            keys__user=user,
        )
        .select_related("channel", "case")
        .annotate(next_due=next_due_expression_for_report())
    )
    if investigator_only(user):
        qs = qs.filter(assigned_filter(user, prefix="case__"))
    if channel_code:
        qs = qs.filter(channel__code=channel_code)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    if deadline == "overdue":
        qs = qs.filter(next_due__lt=today)
    elif deadline == "soon":
        qs = qs.filter(next_due__gte=today, next_due__lte=today + timedelta(days=max(0, within_days)))
    elif deadline == "open":
        qs = qs.filter(next_due__isnull=False)
    if sort == "deadline":
        return qs.order_by(F("next_due").asc(nulls_last=True), "received_at", "pk")
    if sort == "received":
        return qs.order_by("received_at", "pk")
    return qs.order_by("-received_at", "-pk")


def next_due_expression_for_report():
    """The case's next-deadline expression with every field path prefixed by ``case__`` (for a report queryset)."""
    from django.db.models import Case as When_
    from django.db.models import DateField, Value, When

    from plein.dossiers.models import TERMINAL_STAGES

    return When_(
        When(case__stage__in=TERMINAL_STAGES, then=Value(None, output_field=DateField())),
        When(acknowledged_at__isnull=True, then=F_("case__acknowledge_due")),
        When(case__feedback_given_at__isnull=True, then=F_("case__feedback_due")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


def channels_of(user: User, organisation: Organisation) -> list[Channel]:
    return list(
        Channel.objects.filter(organisation=organisation, memberships__user=user).order_by("order", "name").distinct()
    )


@dataclass
class TeamMember:
    membership: ChannelMembership
    label: str
    has_vault: bool
    confirmed: bool
    key_changed: bool
    missing: int
    fingerprint: str


def team(channel: Channel) -> list[TeamMember]:
    """The members of a channel with their vault state and how many of its reports they cannot open yet (3 queries)."""
    total = Report.objects.filter(channel=channel).count()
    held = dict(
        ReportKey.objects.filter(kind=ReportKey.Kind.HANDLER, report__channel=channel)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    members = []
    for m in (
        ChannelMembership.objects.filter(channel=channel)
        .select_related("user__employee", "user__handler_key")
        .order_by("user__display_name", "user__email")
    ):
        hk = getattr(m.user, "handler_key", None)
        confirmed = m.confirmed_at is not None
        members.append(
            TeamMember(
                membership=m,
                label=member_label(m.user),
                has_vault=hk is not None,
                confirmed=confirmed,
                key_changed=confirmed and hk is not None and bytes(hk.public_key) != bytes(m.confirmed_public_key),
                missing=max(0, total - held.get(m.user_id, 0)),
                fingerprint=crypto.fingerprint(bytes(hk.public_key)) if hk is not None else "",
            )
        )
    return members


def channels_for_admin(organisation: Organisation) -> QuerySet[Channel]:
    return (
        Channel.objects.filter(organisation=organisation)
        .annotate(team_size=Count("memberships", distinct=True), report_count=Count("reports", distinct=True))
        .order_by("order", "name")
    )


def handler_candidates(organisation: Organisation) -> QuerySet[User]:
    """Accounts that hold a handling role in the organisation (for the team set-up)."""
    from plein.core.models import RoleAssignment
    from plein.reports.rules import HANDLER_ROLES

    has_role = RoleAssignment.objects.filter(
        organisation=organisation, user=OuterRef("pk"), role__in=HANDLER_ROLES, revoked_at__isnull=True
    )
    return User.objects.filter(Exists(has_role), is_active=True).order_by("display_name", "email")


# --- Figures for the annual report ----------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def annual_figures(organisation: Organisation, year: int) -> dict:
    """Figures for the annual report, from plain metadata only (see the module docstring for the counting rules).

    ``by_channel`` lists every channel of the organisation, also those with zero reports, so that "no reports of
    suspected integrity violations" can be stated as a fact.
    """
    start, end = _year_bounds(year)
    rows = list(
        Report.objects.filter(organisation=organisation, received_at__gte=start, received_at__lt=end).values(
            "channel__code", "mode", "category", "status", "outcome", "acknowledge_before", "acknowledged_at"
        )
    )
    channels = list(Channel.objects.filter(organisation=organisation).order_by("order", "name").values("code", "name"))
    by_channel = {c["code"]: 0 for c in channels}
    by_mode = dict.fromkeys(Report.Mode.values, 0)
    by_category: dict[str, int] = {}
    by_status = dict.fromkeys(Report.Status.values, 0)
    by_outcome: dict[str, int] = {}
    acknowledged = within = 0
    for row in rows:
        by_channel[row["channel__code"]] = by_channel.get(row["channel__code"], 0) + 1
        by_mode[row["mode"]] += 1
        category = row["category"] or "unclassified"
        by_category[category] = by_category.get(category, 0) + 1
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        if row["outcome"]:
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + 1
        if row["acknowledged_at"] is not None:
            acknowledged += 1
            if timezone.localtime(row["acknowledged_at"]).date() <= row["acknowledge_before"]:
                within += 1
    return {
        "year": year,
        "received": len(rows),
        "anonymous": by_mode[Report.Mode.ANONYMOUS],
        "confidential": by_mode[Report.Mode.CONFIDENTIAL],
        "named": by_mode[Report.Mode.NAMED],
        "by_channel": by_channel,
        "channel_names": {c["code"]: c["name"] for c in channels},
        "by_category": dict(sorted(by_category.items())),
        "by_status": by_status,
        "by_outcome": dict(sorted(by_outcome.items())),
        "acknowledged": acknowledged,
        "acknowledged_within_term": within,
        "acknowledged_late": acknowledged - within,
        "not_acknowledged": len(rows) - acknowledged,
    }


def unacknowledged_count(user: User, organisation: Organisation) -> int:
    """How many reports in the user's inbox still need a confirmation of receipt (for the start page)."""
    return inbox(user, organisation).filter(acknowledged_at__isnull=True).count()
