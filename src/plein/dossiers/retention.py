"""Retention (issue 5, item 7): after closure, a case's contents are removed once its channel's retention period is over.

When a case is due (docs/dossiers-statistics.md, "Retention"):
    ``Report.closed_at`` is set, the case has no legal hold, its contents were not removed yet (``Case.purged_at`` is
    empty), and the local date of closure plus ``Channel.retention_days`` days is today or earlier.

What goes (the contents; all of it ciphertext):
    the report's content, identity and exclusions ciphertexts (blanked), its messages and attachments (deleted, with
    their encrypted files on the storage), every wrapped report key (handlers, recovery key, receipt: the reporter's
    receipt code stops working), and the ciphertexts of the case's own records: ``CaseEvent.ciphertext``,
    ``OralRecordVersion.ciphertext``, ``RevealRequest.ciphertext`` and any other ``*ciphertext`` field of this app
    (found by ``content_fields``, so a new one cannot be forgotten).

What stays (the anonymous statistics):
    the report's channel, reference, mode, dates, deadlines, status, category and outcome, and the case's stage,
    category, outcome, deadlines, assignments and the timeline's plain steps (who, when, which step). A ``purged``
    event is appended to the timeline.

Every run, also a preview (dry run), is one audit event with counts only (``dossiers.retention_previewed`` or
``dossiers.retention_applied``); every case whose contents are removed gets its own event
(``dossiers.case_contents_removed``) with counts. Running it twice removes nothing the second time.

Files: the database rows are changed in one transaction per case; the encrypted files are deleted after that
transaction commits. If deleting a file fails, the file stays behind as ciphertext whose key no longer exists anywhere
(the file key was encrypted under the report key, and every wrap of the report key is gone), and the run counts it as
``files_failed``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Organisation, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.dossiers.models import Case, CaseEvent
from plein.reports.models import Attachment, Channel, Message, Report, ReportKey

logger = logging.getLogger(__name__)

# Who may preview and run retention, and set or lift a legal hold (docs/dossiers-statistics.md, "Retention"). The
# permissions are ``dossiers.apply_retention`` and ``dossiers.set_legal_hold``.
RETENTION_ROLES = (R.INTEGRITY_COORDINATOR, R.FUNCTIONAL_ADMIN)
LEGAL_HOLD_ROLES = (R.INTEGRITY_COORDINATOR,)


def acting_role(user: User | None, roles: tuple[str, ...] = RETENTION_ROLES) -> str:
    held = user_roles(user) if user is not None else set()
    return next((code for code in roles if code in held), "")


# --- Which fields are contents --------------------------------------------------------------------------------


def _path_to_case(model: type[models.Model], depth: int = 2) -> str | None:
    """The lookup from ``model`` to ``Case`` (``"case"``, ``"record__case"``), or None."""
    if model is Case:
        return ""
    if depth == 0:
        return None
    for f in model._meta.get_fields():
        if isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete:
            if f.related_model is Case:
                return f.name
            deeper = (
                _path_to_case(f.related_model, depth - 1) if f.related_model._meta.app_label == "dossiers" else None
            )
            if deeper:
                return f"{f.name}__{deeper}"
    return None


def content_fields() -> list[tuple[type[models.Model], str, str]]:
    """Every ciphertext field of this app as (model, field name, lookup to the case). Retention blanks them all."""
    found = []
    for model in apps.get_app_config("dossiers").get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.BinaryField) and f.name.endswith("ciphertext"):
                path = _path_to_case(model)
                if path is None:
                    raise RuntimeError(f"{model.__name__}.{f.name} holds content but has no link to a case")
                found.append((model, f.name, path))
    return found


# --- Which cases are due --------------------------------------------------------------------------------------


def _closed_before(channel: Channel, today: date) -> datetime:
    """Cases of ``channel`` closed before this moment are due today (closed on or before today - retention days)."""
    last_day = today - timedelta(days=channel.retention_days)
    return datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())


def due_on(case: Case) -> date | None:
    """The first day on which the case's contents may be removed (None while it is open)."""
    closed_at = case.report.closed_at
    if closed_at is None:
        return None
    return timezone.localtime(closed_at).date() + timedelta(days=case.report.channel.retention_days)


def _expired(organisation: Organisation, today: date) -> QuerySet[Case]:
    """Closed cases whose retention period is over and whose contents are still there (held ones included)."""
    channels = list(Channel.objects.filter(organisation=organisation))
    if not channels:
        return Case.objects.none()
    condition = Q()
    for channel in channels:
        condition |= Q(report__channel=channel, report__closed_at__lt=_closed_before(channel, today))
    return Case.objects.filter(
        condition, report__organisation=organisation, report__closed_at__isnull=False, purged_at__isnull=True
    )


def _count(model: type[models.Model], **lookup) -> Subquery:
    qs = model.objects.filter(**lookup).order_by().values(next(iter(lookup))).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(qs, output_field=IntegerField()), Value(0))


def due_cases(organisation: Organisation, *, today: date | None = None, held: bool = False) -> QuerySet[Case]:
    """The cases whose contents go at the next run (``held=True``: those that a legal hold keeps). One query, with
    the counts of what goes per case."""
    today = today or timezone.localdate()
    return (
        _expired(organisation, today)
        .filter(legal_hold=held)
        .select_related("report__channel", "legal_hold_set_by")
        .annotate(
            message_count=_count(Message, report=OuterRef("report_id")),
            attachment_count=_count(Attachment, report=OuterRef("report_id")),
            key_count=_count(ReportKey, report=OuterRef("report_id")),
            event_count=_count(CaseEvent, case=OuterRef("pk")),
        )
        .order_by("report__closed_at", "pk")
    )


# --- The run --------------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    dry_run: bool
    today: date
    cases: int = 0
    held: int = 0
    messages: int = 0
    attachments: int = 0
    files: int = 0
    files_failed: int = 0
    keys: int = 0
    texts: int = 0  # ciphertext fields blanked (report and case records)
    references: list[str] = field(default_factory=list)  # for the command's output and the page; never audited

    def counts(self) -> dict:
        data = asdict(self)
        data.pop("references")
        data["today"] = self.today.isoformat()
        return data


def _purge(case: Case, *, actor: User | None, role: str, now: datetime) -> tuple[dict, list[str]] | None:
    """Remove one case's contents in one transaction. None when it is no longer due (held or purged meanwhile)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk=case.pk, purged_at__isnull=True, legal_hold=False).first()
        if locked is None:
            return None
        report = Report.objects.get(pk=locked.report_id)
        files = list(Attachment.objects.filter(report=report).values_list("storage_name", flat=True))
        attachments, _detail = Attachment.objects.filter(report=report).delete()
        messages = Message.objects.filter(report=report).count()
        Message.objects.filter(report=report).delete()
        keys, _detail = ReportKey.objects.filter(report=report).delete()
        texts = sum(
            1
            for name in ("content_ciphertext", "identity_ciphertext", "exclusions_ciphertext")
            if bytes(getattr(report, name) or b"")
        )
        Report.objects.filter(pk=report.pk).update(
            content_ciphertext=b"", identity_ciphertext=b"", exclusions_ciphertext=b""
        )
        for model, name, path in content_fields():
            texts += model.objects.filter(**{path: locked}).exclude(**{name: b""}).update(**{name: b""})
        locked.purged_at = now
        locked.save(update_fields=["purged_at", "updated_at"])
        counts = {
            "messages": messages,
            "attachments": attachments,
            "files": len(files),
            "keys": keys,
            "texts": texts,
        }
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.PURGED, actor=actor, created_at=now, data=dict(counts)
        )
        record_event(
            actor=actor,
            action="dossiers.case_contents_removed",
            organisation=report.organisation,
            target=report,
            role=role,
            data=counts,
        )
    return counts, files


def _delete_files(names: list[str]) -> int:
    failed = 0
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            failed += 1
            logger.warning("retention: an encrypted file could not be deleted; its key is gone")
    return failed


def apply_retention(
    *, organisation: Organisation, actor: User | None, dry_run: bool, today: date | None = None
) -> RunResult:
    """Preview (``dry_run``) or remove the contents of every due case of ``organisation``. Always audited."""
    today = today or timezone.localdate()
    role = acting_role(actor) if actor is not None else "system"
    result = RunResult(dry_run=dry_run, today=today)
    result.held = due_cases(organisation, today=today, held=True).count()
    due = list(due_cases(organisation, today=today))
    if dry_run:
        for case in due:
            result.cases += 1
            result.messages += case.message_count
            result.attachments += case.attachment_count
            result.files += case.attachment_count
            result.keys += case.key_count
            result.references.append(case.report.reference)
    else:
        now = timezone.now()
        for case in due:
            done = _purge(case, actor=actor, role=role, now=now)
            if done is None:
                continue
            counts, files = done
            result.cases += 1
            result.messages += counts["messages"]
            result.attachments += counts["attachments"]
            result.files += counts["files"]
            result.keys += counts["keys"]
            result.texts += counts["texts"]
            result.files_failed += _delete_files(files)
            result.references.append(case.report.reference)
    record_event(
        actor=actor,
        actor_label="" if actor is not None else "apply_retention",
        action="dossiers.retention_previewed" if dry_run else "dossiers.retention_applied",
        organisation=organisation,
        role=role,
        data=result.counts(),
    )
    return result


# --- Legal hold -----------------------------------------------------------------------------------------------


def set_legal_hold(*, case: Case, actor: User, hold: bool, reason: str = "") -> Case:
    """Set (``hold=True``, a reason is required) or lift a legal hold. Audited without the reason (it may name people:
    it stays on the case, visible to who may see the case's metadata)."""
    reason = (reason or "").strip()
    if hold and not reason:
        raise ValidationError({"reason": _("Give the reason for the legal hold, for example the court case.")})
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("report__organisation").get(pk=case.pk)
        if locked.purged_at is not None:
            raise ValidationError(_("The contents of this case have already been removed."), code="purged")
        if locked.legal_hold == hold:
            raise ValidationError(
                _("This case is already under a legal hold.") if hold else _("This case has no legal hold."),
                code="unchanged",
            )
        now = timezone.now()
        locked.legal_hold = hold
        locked.legal_hold_reason = reason[:200] if hold else ""
        locked.legal_hold_set_at = now
        locked.legal_hold_set_by = actor
        locked.save(
            update_fields=["legal_hold", "legal_hold_reason", "legal_hold_set_at", "legal_hold_set_by", "updated_at"]
        )
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.LEGAL_HOLD, actor=actor, created_at=now, data={"hold": hold}
        )
        record_event(
            actor=actor,
            action="dossiers.legal_hold_set" if hold else "dossiers.legal_hold_lifted",
            organisation=locked.report.organisation,
            target=locked.report,
            role=acting_role(actor, LEGAL_HOLD_ROLES),
            data={"hold": hold},
        )
    return locked


def held_cases(organisation: Organisation) -> QuerySet[Case]:
    """Every case under a legal hold, for the retention page (one query)."""
    return (
        Case.objects.filter(report__organisation=organisation, legal_hold=True)
        .select_related("report__channel", "legal_hold_set_by")
        .order_by("report__received_at", "pk")
    )


def find_case(organisation: Organisation, reference: str) -> Case | None:
    return (
        Case.objects.filter(report__organisation=organisation, report__reference=reference.strip())
        .select_related("report__channel")
        .first()
    )
