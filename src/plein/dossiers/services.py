"""Writes of case handling. Keyword-only, atomic, audited; every step appends a ``CaseEvent``.

Content (the "why" of a step, a letter, minutes, measures) is encrypted under the report key with ``reports.crypto``;
events and the audit log hold only codes, dates and who. Nothing is overwritten: a stage, a deadline, a category or an
outcome changes by a new event, and deadlines only move forward.
"""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core.models import User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.dossiers import workflow
from plein.dossiers.models import (
    TERMINAL_STAGES,
    Assignment,
    Case,
    CaseEvent,
    ChannelWorkflow,
    Exclusion,
    Investigation,
    OralRecord,
    OralRecordVersion,
    Outcome,
    Referral,
    RevealRequest,
    Stage,
)
from plein.reports import crypto
from plein.reports import services as report_services
from plein.reports.models import ChannelMembership, HandlerKey, Report, ReportKey
from plein.reports.rules import HANDLER_ROLES

STATUS_OF_STAGE = {
    Stage.ONTVANGEN: Report.Status.RECEIVED,
    Stage.ONTVANGSTBEVESTIGING: Report.Status.ACKNOWLEDGED,
    Stage.BEOORDELING: Report.Status.IN_PROGRESS,
    Stage.ONDERZOEK: Report.Status.IN_PROGRESS,
    Stage.BESLUIT: Report.Status.IN_PROGRESS,
    Stage.TERUGKOPPELING: Report.Status.IN_PROGRESS,
    Stage.AFGESLOTEN: Report.Status.CLOSED,
    Stage.DOORVERWEZEN: Report.Status.CLOSED,
    Stage.NIET_ONTVANKELIJK: Report.Status.CLOSED,
}

MAX_TEXT = 20_000


def _text(value: str, *, required: bool = False, field: str = "why") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Write down why.")}, code="required")
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_TEXT}}, code="long")
    return value


def _seal(report_key: bytes, payload: dict) -> bytes:
    return crypto.encrypt_json(report_key, payload)


def _check_key(case: Case, report_key: bytes) -> None:
    crypto.decrypt(report_key, bytes(case.report.content_ciphertext))  # CryptoError for a wrong key


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _audit(case: Case, actor: User | None, action: str, data: dict | None = None) -> None:
    record_event(
        actor=actor,
        action=f"dossiers.{action}",
        organisation=case.report.organisation,
        target=case,
        role=report_services.handler_role(actor),
        data={"report": case.report_id, **(data or {})},
    )


def _event(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    report_key: bytes | None = None,
    text: str = "",
    stage_from: str = "",
    stage_to: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    ciphertext = _seal(report_key, {"text": text}) if (text and report_key is not None) else b""
    data = dict(data or {})
    if ciphertext:
        data["has_text"] = True  # so that a blanked ciphertext reads "removed by retention"
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        stage_from=stage_from,
        stage_to=stage_to,
        created_at=at or timezone.now(),
        data=data,
        ciphertext=ciphertext,
    )


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("report__channel", "report__organisation").get(pk=case.pk)


# --- Team ------------------------------------------------------------------------------------------------------


def holds_key(case: Case, user: User) -> bool:
    return ReportKey.objects.filter(report_id=case.report_id, kind=ReportKey.Kind.HANDLER, user_id=user.pk).exists()


def in_team(case: Case, user: User | None) -> bool:
    """A member of the channel's team who holds the report key (so not excluded)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return ChannelMembership.objects.filter(channel_id=case.report.channel_id, user_id=user.pk).exists() and holds_key(
        case, user
    )


def _require_team(case: Case, user: User) -> None:
    if not in_team(case, user):
        raise ValidationError(_("Only a member of this case's team can do this."), code="not_team")


# --- Creation and deadlines ------------------------------------------------------------------------------------


def acknowledge_due_for(report: Report) -> date:
    return _local_day(report.received_at) + relativedelta(days=workflow.acknowledgement_days(report.channel))


def feedback_due_for(report: Report, acknowledged_at: datetime) -> date:
    return _local_day(acknowledged_at) + relativedelta(months=workflow.feedback_months(report.channel))


def create_case(*, report: Report) -> Case:
    """The case of a new report (called in the report's own transaction through ``reports.signals``)."""
    ack_due = acknowledge_due_for(report)
    feedback_due = feedback_due_for(report, report.acknowledged_at) if report.acknowledged_at else None
    case = Case.objects.create(
        report=report,
        stage=Stage.ONTVANGEN,
        category=report.category,
        acknowledge_due=ack_due,
        feedback_due=feedback_due,
    )
    case.report = report
    _event(case, CaseEvent.Kind.CREATED, actor=None, stage_to=Stage.ONTVANGEN, at=report.received_at)
    if report.acknowledge_before != ack_due:
        Report.objects.filter(pk=report.pk).update(acknowledge_before=ack_due)
        report.acknowledge_before = ack_due
    return case


def ensure_case(report: Report) -> Case:
    """The report's case; made on the spot for a report stored before this app existed."""
    try:
        return report.case
    except Case.DoesNotExist:
        pass
    with transaction.atomic():
        existing = Case.objects.filter(report=report).first()
        return existing or create_case(report=report)


def on_acknowledged(*, report: Report, actor: User | None) -> Case:
    """Receipt was confirmed: the case enters ``ontvangstbevestiging`` and the feedback term starts (forward only)."""
    case = _locked(ensure_case(report))
    due = feedback_due_for(report, report.acknowledged_at)
    if case.feedback_due is None or due > case.feedback_due:
        case.feedback_due = due
    previous = case.stage
    data = {
        "on_time": _local_day(report.acknowledged_at) <= case.acknowledge_due,
        "feedback_due": str(case.feedback_due),
    }
    if previous == Stage.ONTVANGEN:
        case.stage = Stage.ONTVANGSTBEVESTIGING
    case.save(update_fields=["stage", "feedback_due", "updated_at"])
    Report.objects.filter(pk=report.pk).update(feedback_before=case.feedback_due)
    report.feedback_before = case.feedback_due
    _event(
        case,
        CaseEvent.Kind.ACKNOWLEDGED,
        actor=actor,
        stage_from=previous,
        stage_to=case.stage,
        data=data,
        at=report.acknowledged_at,
    )
    return case


def extend_feedback(*, case: Case, actor: User, report_key: bytes, until: date, reason: str) -> Case:
    """The one extension of the feedback deadline, with a reason. It only moves the deadline forward."""
    reason = _text(reason, required=True, field="reason")
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        if case.is_closed:
            raise ValidationError(_("This case is closed."), code="closed")
        if case.feedback_due is None:
            raise ValidationError(_("Confirm receipt first: the feedback term starts then."), code="not_acknowledged")
        if case.extended_at is not None:
            raise ValidationError(_("The feedback deadline has already been extended once."), code="extended")
        if until <= case.feedback_due:
            raise ValidationError({"until": _("Choose a date after the current deadline.")}, code="backwards")
        longest = case.feedback_due + relativedelta(
            months=workflow.workflow_of(case.report.channel).max_extension_months
        )
        if until > longest:
            raise ValidationError(
                {"until": _("The extension may run until %(date)s at the latest.") % {"date": longest.isoformat()}},
                code="too_long",
            )
        previous = case.feedback_due
        case.feedback_due_before_extension = previous
        case.feedback_due = until
        case.extended_at = timezone.now()
        case.extended_by = actor
        case.save(
            update_fields=["feedback_due_before_extension", "feedback_due", "extended_at", "extended_by", "updated_at"]
        )
        Report.objects.filter(pk=case.report_id).update(feedback_before=until)
        _event(
            case,
            CaseEvent.Kind.EXTENSION,
            actor=actor,
            report_key=report_key,
            text=reason,
            data={"from": previous.isoformat(), "to": until.isoformat()},
        )
        _audit(case, actor, "feedback_extended", {"from": previous.isoformat(), "to": until.isoformat()})
    return case


# --- Workflow ---------------------------------------------------------------------------------------------------


def allowed_targets(case: Case, user: User | None) -> list[str]:
    """The stages this user may move the case to now (the acknowledgement stage goes through the letter)."""
    if not in_team(case, user):
        return []
    roles = user_roles(user)
    table = workflow.transitions_of(case.report.channel)
    return [
        target
        for target, who in table.get(case.stage, {}).items()
        if roles & set(who) and target != workflow.ACKNOWLEDGEMENT_STAGE
    ]


def may_transition(case: Case, user: User | None, target: str) -> bool:
    if not in_team(case, user):
        return False
    who = workflow.transitions_of(case.report.channel).get(case.stage, {}).get(target)
    return bool(who) and bool(user_roles(user) & set(who))


def transition(
    *,
    case: Case,
    actor: User,
    report_key: bytes,
    to_stage: str,
    why: str,
    investigation: str = "",
    external_agency: str = "",
    referral: str = "",
) -> Case:
    """Move a case to another stage, with the reason (encrypted). Checks the channel's workflow and the actor's role."""
    why = _text(why, required=True)
    with transaction.atomic():
        case = _locked(case)
        _check_key(case, report_key)
        if to_stage not in Stage.values:
            raise ValidationError({"to_stage": _("Choose a stage.")}, code="stage")
        if to_stage == workflow.ACKNOWLEDGEMENT_STAGE:
            raise ValidationError(
                _("Confirm receipt with the acknowledgement letter; that moves the case to this stage."), code="letter"
            )
        if not may_transition(case, actor, to_stage):
            raise ValidationError(_("You may not move this case to that stage."), code="not_allowed")
        fields = ["stage", "updated_at"]
        data: dict = {}
        if to_stage == Stage.ONDERZOEK:
            if investigation not in (Investigation.INTERNAL, Investigation.EXTERNAL):
                raise ValidationError(
                    {"investigation": _("Choose who investigates: internal investigators or an external agency.")}
                )
            external_agency = (external_agency or "").strip()[:200]
            if investigation == Investigation.EXTERNAL and not external_agency:
                raise ValidationError({"external_agency": _("Name the external agency.")})
            case.investigation = investigation
            case.external_agency = external_agency if investigation == Investigation.EXTERNAL else ""
            fields += ["investigation", "external_agency"]
            data["investigation"] = investigation
        if to_stage == Stage.DOORVERWEZEN:
            if referral not in (Referral.MANAGER, Referral.EXTERNAL_AUTHORITY):
                raise ValidationError({"referral": _("Choose to whom the case is referred.")})
            case.referral = referral
            fields.append("referral")
            data["referral"] = referral
        if case.stage == Stage.BESLUIT and to_stage == Stage.TERUGKOPPELING and not case.outcome:
            raise ValidationError(_("Record the decision (outcome and decision-maker) first."), code="no_decision")
        if to_stage == Stage.NIET_ONTVANKELIJK and not case.outcome:
            pass  # not admissible: no outcome (statistics count the stage)
        now = timezone.now()
        previous = case.stage
        case.stage = to_stage
        if to_stage in (Stage.TERUGKOPPELING, *TERMINAL_STAGES) and case.feedback_given_at is None:
            case.feedback_given_at = now
            fields.append("feedback_given_at")
        case.save(update_fields=fields)
        report_fields = {"status": STATUS_OF_STAGE[to_stage], "last_team_activity_at": now}
        if to_stage in TERMINAL_STAGES:
            report_fields["closed_at"] = now
        Report.objects.filter(pk=case.report_id).update(**report_fields)
        _event(
            case,
            CaseEvent.Kind.STAGE,
            actor=actor,
            report_key=report_key,
            text=why,
            stage_from=previous,
            stage_to=to_stage,
            data=data,
            at=now,
        )
        _audit(case, actor, "stage_changed", {"from": previous, "to": to_stage, **data})
    return case


def add_note(*, case: Case, actor: User, report_key: bytes, text: str) -> CaseEvent:
    text = _text(text, required=True, field="text")
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        event = _event(case, CaseEvent.Kind.NOTE, actor=actor, report_key=report_key, text=text)
        _audit(case, actor, "note_added")
    return event


# --- Acknowledgement letter -------------------------------------------------------------------------------------


def acknowledgement_letter(*, case: Case, summary: str, next_steps: str) -> str:
    """The letter the CAO requires: a factual summary, the date of receipt, the next steps and the regulation."""
    report = case.report
    received = timezone.localtime(report.received_at)
    parts = [
        _("Dear reporter,"),
        _("We confirm that we received your report %(reference)s on %(date)s.")
        % {"reference": report.reference, "date": received.strftime("%d-%m-%Y")},
        _("Summary of your report as we understand it:") + "\n" + summary,
        _("What happens next:") + "\n" + next_steps,
        _("We will let you know what has been done with your report before %(date)s.")
        % {"date": (case.feedback_due or feedback_due_for(report, timezone.now())).strftime("%d-%m-%Y")},
    ]
    url = workflow.regulation_url(report.channel)
    if url:
        parts.append(_("The regulation that applies to your report: %(url)s") % {"url": url})
    else:
        parts.append(_("The regulation that applies to your report is available from the integrity coordinator."))
    parts.append(
        _("If the summary is not correct, reply in this dialogue. You can always reach us here with your receipt code.")
    )
    return "\n\n".join(parts)


def send_acknowledgement_letter(*, case: Case, actor: User, report_key: bytes, summary: str, next_steps: str) -> Case:
    """Send the letter through the reporter's dialogue, confirm receipt and keep the letter in the timeline."""
    summary = _text(summary, required=True, field="summary")
    next_steps = _text(next_steps, required=True, field="next_steps")
    with transaction.atomic():
        case = _locked(case)
        _check_key(case, report_key)
        if not may_transition(case, actor, workflow.ACKNOWLEDGEMENT_STAGE):
            raise ValidationError(_("You may not confirm receipt of this report."), code="not_allowed")
        report = case.report
        if report.acknowledged_at is not None:
            raise ValidationError(_("Receipt of this report has already been confirmed."), code="done")
        # The feedback date in the letter is the one the acknowledgement will set.
        letter = acknowledgement_letter(case=case, summary=summary, next_steps=next_steps)
        report_services.acknowledge_report(report=report, actor=actor, report_key=report_key, text=letter)
        case.refresh_from_db()
        _event(case, CaseEvent.Kind.LETTER, actor=actor, report_key=report_key, text=letter)
        _audit(case, actor, "acknowledgement_letter_sent")
    return case


# --- Classification and decision ---------------------------------------------------------------------------------


def classify(*, case: Case, actor: User, category: str) -> Case:
    from plein.dossiers.selectors import category_codes

    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        if category not in category_codes(case.report.organisation):
            raise ValidationError({"category": _("Choose a category from the list.")}, code="category")
        previous = case.category
        if previous == category:
            return case
        case.category = category
        case.save(update_fields=["category", "updated_at"])
        Report.objects.filter(pk=case.report_id).update(category=category)
        _event(case, CaseEvent.Kind.CLASSIFIED, actor=actor, data={"from": previous, "to": category})
        _audit(case, actor, "classified", {"from": previous, "to": category})
    return case


def record_decision(
    *, case: Case, actor: User, report_key: bytes, outcome: str, measures: str, decision_maker: User | None
) -> Case:
    """The outcome, the measures (encrypted) and who decided. Only in the stage ``besluit``."""
    measures = _text(measures, field="measures")
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        if not user_roles(actor) & set(workflow.DECISION_ROLES):
            raise ValidationError(_("Only the integrity coordinator or the competent authority records a decision."))
        if case.stage != Stage.BESLUIT:
            raise ValidationError(_("A decision is recorded in the stage 'besluit'."), code="stage")
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome.")}, code="outcome")
        if decision_maker is None:
            raise ValidationError({"decision_maker": _("Choose who decided.")}, code="decision_maker")
        previous = case.outcome
        case.outcome = outcome
        case.decision_maker = decision_maker
        case.decided_at = timezone.now()
        case.save(update_fields=["outcome", "decision_maker", "decided_at", "updated_at"])
        Report.objects.filter(pk=case.report_id).update(outcome=outcome)
        _event(
            case,
            CaseEvent.Kind.DECISION,
            actor=actor,
            report_key=report_key,
            text=measures,
            data={"outcome": outcome, "previous": previous, "decision_maker": decision_maker.pk},
        )
        _audit(case, actor, "decision_recorded", {"outcome": outcome, "decision_maker": decision_maker.pk})
    return case


# --- Assignment, stand-ins, exclusion, access ---------------------------------------------------------------------


def grant_case_access(*, case: Case, actor: User, report_key: bytes, user: User) -> bool:
    """Wrap the report key for a team member who lacks it (re-wrapping, audited). False if they had it."""
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        if Exclusion.objects.filter(case=case, user=user).exists():
            raise ValidationError(_("%(name)s is excluded from this case.") % {"name": user}, code="excluded")
        membership = ChannelMembership.objects.filter(
            channel_id=case.report.channel_id, user=user, confirmed_at__isnull=False
        ).first()
        hk = HandlerKey.objects.filter(user=user).first()
        if membership is None or hk is None or bytes(hk.public_key) != bytes(membership.confirmed_public_key):
            raise ValidationError(
                _("%(name)s is not a confirmed member of this channel's team.") % {"name": user}, code="not_member"
            )
        if report_services._excluded_ids(case.report, report_key) & {user.pk}:
            raise ValidationError(_("The reporter asked that %(name)s does not see this report.") % {"name": user})
        if holds_key(case, user):
            return False
        ReportKey.objects.create(
            report=case.report,
            kind=ReportKey.Kind.HANDLER,
            user=user,
            wrapped_key=crypto.seal(bytes(hk.public_key), report_key),
            granted_by=actor,
        )
        _event(case, CaseEvent.Kind.ACCESS, actor=actor, data={"user": user.pk})
        _audit(case, actor, "access_granted", {"grantee": user.pk})
    return True


def assign(
    *,
    case: Case,
    actor: User,
    report_key: bytes,
    user: User,
    kind: str,
    stands_in_for: User | None = None,
    until: date | None = None,
) -> Assignment:
    """Assign a team member (as case handler, investigator or stand-in). Wraps the key for them if needed."""
    if kind not in Assignment.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of assignment.")})
    if kind == Assignment.Kind.STAND_IN and (stands_in_for is None or until is None):
        raise ValidationError(_("A stand-in stands in for someone, until a date."), code="stand_in")
    if kind == Assignment.Kind.STAND_IN and stands_in_for is not None and stands_in_for.pk == user.pk:
        raise ValidationError(_("Someone cannot stand in for themselves."), code="stand_in_self")
    if until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("Choose a date from today.")})
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        if kind == Assignment.Kind.INVESTIGATOR and not {*user_roles(user)} & {workflow.INV}:
            raise ValidationError(_("Only an investigator can be assigned as investigator."), code="role")
        if not {*user_roles(user)} & set(HANDLER_ROLES):
            raise ValidationError(_("Only a handler can be assigned."), code="role")
        grant_case_access(case=case, actor=actor, report_key=report_key, user=user)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    case=case,
                    user=user,
                    kind=kind,
                    stands_in_for=stands_in_for if kind == Assignment.Kind.STAND_IN else None,
                    until=until,
                    assigned_by=actor,
                    assigned_at=timezone.now(),
                )
        except IntegrityError as exc:
            raise ValidationError(_("%(name)s is already assigned this way.") % {"name": user}, code="twice") from exc
        data = {"user": user.pk, "as": kind}
        if stands_in_for is not None and kind == Assignment.Kind.STAND_IN:
            data["for"] = stands_in_for.pk
            data["until"] = until.isoformat()
        _event(case, CaseEvent.Kind.ASSIGNED, actor=actor, data=data)
        _audit(case, actor, "assigned", data)
    return assignment


def end_assignment(*, assignment: Assignment, actor: User) -> Assignment:
    with transaction.atomic():
        case = _locked(assignment.case)
        _require_team(case, actor)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.ended_at is not None:
            return assignment
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        data = {"user": assignment.user_id, "as": assignment.kind}
        _event(case, CaseEvent.Kind.UNASSIGNED, actor=actor, data=data)
        _audit(case, actor, "unassigned", data)
    return assignment


def exclude_handler(*, case: Case, actor: User, user: User) -> Exclusion:
    """Exclude a handler from a case (conflict of interest): their wrapped key is deleted and never made again."""
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        others = ReportKey.objects.filter(report_id=case.report_id, kind=ReportKey.Kind.HANDLER).exclude(user=user)
        if not others.exists():
            raise ValidationError(_("At least one member of the team must keep access to this case."), code="last")
        if Exclusion.objects.filter(case=case, user=user).exists():
            raise ValidationError(_("%(name)s is already excluded.") % {"name": user}, code="twice")
        removed, _detail = ReportKey.objects.filter(
            report_id=case.report_id, kind=ReportKey.Kind.HANDLER, user=user
        ).delete()
        now = timezone.now()
        Assignment.objects.filter(case=case, user=user, ended_at__isnull=True).update(ended_at=now)
        exclusion = Exclusion.objects.create(case=case, user=user, excluded_by=actor, excluded_at=now)
        _event(case, CaseEvent.Kind.EXCLUDED, actor=actor, data={"user": user.pk}, at=now)
        _audit(case, actor, "handler_excluded", {"user": user.pk, "keys_removed": removed})
    return exclusion


# --- Oral reports and meetings ------------------------------------------------------------------------------------


def _held_moment(held_on: date) -> datetime:
    today = timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": _("The conversation cannot be in the future.")}, code="future")
    if held_on == today:
        return timezone.now()
    return timezone.make_aware(datetime.combine(held_on, time(12, 0)))


def register_oral_report(
    *,
    channel,
    actor: User,
    private_key: bytes,
    mode: str,
    identity: dict | None,
    kind: str,
    held_on: date,
    transcript: str,
) -> tuple[Case, OralRecord, str]:
    """A report received by phone or in a meeting becomes a report like any other, with the transcript as a record.

    Returns the case, the record and the receipt code: the handler gives that code to the reporter, who then checks,
    corrects and approves the transcript in the dialogue (Directive art. 18).
    """
    transcript = _text(transcript, required=True, field="transcript")
    if kind not in OralRecord.Kind.values:
        raise ValidationError({"kind": _("Choose how the report was received.")})
    if not ChannelMembership.objects.filter(channel=channel, user=actor, confirmed_at__isnull=False).exists():
        raise ValidationError(_("Only a confirmed member of this channel's team can register a report."))
    received_at = _held_moment(held_on)
    with transaction.atomic():
        submission = report_services.submit_report(
            channel=channel,
            mode=mode,
            answers=[
                {
                    "key": "oral",
                    "label": _("Oral report"),
                    "value": _("Received by %(kind)s; see the transcript in the case.")
                    % {"kind": OralRecord.Kind(kind).label},
                }
            ],
            identity=identity,
            form_token=report_services.issue_form_token(),
            received_at=received_at,
        )
        report = submission.report
        try:
            key = report_services.handler_report_key(report=report, user=actor, private_key=private_key)
        except ReportKey.DoesNotExist as exc:
            raise ValidationError(_("Your vault key is not the confirmed one for this channel."), code="key") from exc
        case = ensure_case(report)
        record = _add_oral(case=case, actor=actor, report_key=key, kind=kind, held_on=held_on, text=transcript)
        _audit(case, actor, "oral_report_registered", {"kind": kind})
    return case, record, submission.receipt_code


def add_oral_record(*, case: Case, actor: User, report_key: bytes, kind: str, held_on: date, text: str) -> OralRecord:
    """Minutes of a meeting (or a phone call) about an existing case."""
    text = _text(text, required=True, field="text")
    if kind not in OralRecord.Kind.values:
        raise ValidationError({"kind": _("Choose how the report was received.")})
    _held_moment(held_on)
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        return _add_oral(case=case, actor=actor, report_key=report_key, kind=kind, held_on=held_on, text=text)


def _add_oral(*, case: Case, actor: User, report_key: bytes, kind: str, held_on: date, text: str) -> OralRecord:
    now = timezone.now()
    record = OralRecord.objects.create(case=case, kind=kind, held_on=held_on, created_by=actor, created_at=now)
    OralRecordVersion.objects.create(
        record=record, number=1, ciphertext=_seal(report_key, {"text": text}), created_by=actor, created_at=now
    )
    _event(case, CaseEvent.Kind.ORAL, actor=actor, data={"record": record.pk, "kind": kind, "version": 1}, at=now)
    _audit(case, actor, "oral_record_added", {"record": record.pk, "kind": kind})
    return record


def add_oral_version(*, record: OralRecord, actor: User, report_key: bytes, text: str) -> OralRecordVersion:
    """A corrected transcript: a new version is appended; the reporter is asked again if they had seen it."""
    text = _text(text, required=True, field="text")
    with transaction.atomic():
        case = _locked(record.case)
        _require_team(case, actor)
        _check_key(case, report_key)
        record = OralRecord.objects.select_for_update().get(pk=record.pk)
        number = (record.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = OralRecordVersion.objects.create(
            record=record,
            number=number,
            ciphertext=_seal(report_key, {"text": text}),
            created_by=actor,
            created_at=timezone.now(),
        )
        if record.approval != OralRecord.Approval.DRAFT:
            record.approval = OralRecord.Approval.PENDING
            record.save(update_fields=["approval"])
        _event(case, CaseEvent.Kind.ORAL_VERSION, actor=actor, data={"record": record.pk, "version": number})
        _audit(case, actor, "oral_record_version_added", {"record": record.pk, "version": number})
    return version


def share_oral_record(*, record: OralRecord, actor: User, report_key: bytes) -> OralRecord:
    """Ask the reporter, through the dialogue, to check and approve the latest version."""
    with transaction.atomic():
        case = _locked(record.case)
        _require_team(case, actor)
        record = OralRecord.objects.select_for_update().get(pk=record.pk)
        if record.approval == OralRecord.Approval.APPROVED:
            raise ValidationError(_("The reporter has already approved this record."), code="approved")
        report_services.add_team_message(
            report=case.report,
            actor=actor,
            report_key=report_key,
            text=_(
                "We wrote down our conversation of %(date)s. Please check it on this page. Approve it, or write in "
                "this dialogue what should be corrected."
            )
            % {"date": record.held_on.strftime("%d-%m-%Y")},
        )
        record.approval = OralRecord.Approval.PENDING
        record.save(update_fields=["approval"])
        _event(case, CaseEvent.Kind.ORAL_SHARED, actor=actor, data={"record": record.pk})
        _audit(case, actor, "oral_record_shared", {"record": record.pk})
    return record


def reporter_approve_oral_record(*, record: OralRecord, report_key: bytes, version: int) -> OralRecord:
    """The reporter approves the version they saw (no actor: the reporter is never named)."""
    with transaction.atomic():
        case = _locked(record.case)
        _check_key(case, report_key)
        record = OralRecord.objects.select_for_update().get(pk=record.pk)
        latest = record.versions.order_by("-number").values_list("number", flat=True).first()
        if record.approval not in (OralRecord.Approval.PENDING, OralRecord.Approval.CORRECTION):
            raise ValidationError(_("This record is not waiting for your approval."), code="state")
        if version != latest:
            raise ValidationError(_("The record was changed meanwhile. Check the latest version."), code="stale")
        record.approval = OralRecord.Approval.APPROVED
        record.approved_version = version
        record.approved_at = timezone.now()
        record.save(update_fields=["approval", "approved_version", "approved_at"])
        _event(case, CaseEvent.Kind.ORAL_APPROVED, actor=None, data={"record": record.pk, "version": version})
        record_event(
            actor=None,
            action="dossiers.oral_record_approved",
            organisation=case.report.organisation,
            target=case,
            data={"report": case.report_id, "record": record.pk, "version": version},
        )
    return record


def reporter_correct_oral_record(*, record: OralRecord, report_key: bytes, text: str) -> OralRecord:
    """The reporter's correction arrives as a message in the dialogue; the record waits for a new version."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what should be corrected.")}, code="required")
    with transaction.atomic():
        case = _locked(record.case)
        record = OralRecord.objects.select_for_update().get(pk=record.pk)
        if record.approval not in (OralRecord.Approval.PENDING, OralRecord.Approval.CORRECTION):
            raise ValidationError(_("This record is not waiting for your approval."), code="state")
        prefix = _("Correction of the record of %(date)s:") % {"date": record.held_on.strftime("%d-%m-%Y")}
        report_services.add_reporter_message(report=case.report, report_key=report_key, text=f"{prefix}\n{text}")
        record.approval = OralRecord.Approval.CORRECTION
        record.save(update_fields=["approval"])
        record_event(
            actor=None,
            action="dossiers.oral_record_correction_requested",
            organisation=case.report.organisation,
            target=case,
            data={"report": case.report_id, "record": record.pk},
        )
    return record


# --- Identity reveal (four eyes or the reporter's consent) ---------------------------------------------------------


def request_reveal(*, case: Case, actor: User, report_key: bytes, reason: str, explanation: str) -> RevealRequest:
    if reason not in report_services.REVEAL_REASONS:
        raise ValidationError({"reason": _("Choose why you need to know who reported.")})
    explanation = _text(explanation, required=True, field="explanation")
    with transaction.atomic():
        case = _locked(case)
        _require_team(case, actor)
        _check_key(case, report_key)
        if case.report.mode != Report.Mode.CONFIDENTIAL or not case.report.identity_ciphertext:
            raise ValidationError(_("Only a confidential report has an identity to reveal."), code="mode")
        if RevealRequest.objects.filter(
            case=case,
            requested_by=actor,
            state__in=[RevealRequest.State.REQUESTED, RevealRequest.State.ASKED_REPORTER],
        ).exists():
            raise ValidationError(_("You already have an open request for this case."), code="open")
        request = RevealRequest.objects.create(
            case=case,
            requested_by=actor,
            reason=reason,
            ciphertext=_seal(report_key, {"text": explanation}),
            requested_at=timezone.now(),
        )
        _event(case, CaseEvent.Kind.REVEAL_REQUESTED, actor=actor, data={"request": request.pk, "reason": reason})
        _audit(case, actor, "reveal_requested", {"request": request.pk, "reason": reason})
    return request


def decide_reveal(*, request: RevealRequest, actor: User, approve: bool) -> RevealRequest:
    """A second team member (not the requester) approves or refuses."""
    with transaction.atomic():
        case = _locked(request.case)
        _require_team(case, actor)
        request = RevealRequest.objects.select_for_update().get(pk=request.pk)
        if actor.pk == request.requested_by_id:
            raise ValidationError(_("A second member of the team must decide, not the requester."), code="four_eyes")
        if request.state not in (RevealRequest.State.REQUESTED, RevealRequest.State.ASKED_REPORTER):
            raise ValidationError(_("This request has already been decided."), code="decided")
        request.state = RevealRequest.State.APPROVED if approve else RevealRequest.State.REJECTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        kind = CaseEvent.Kind.REVEAL_APPROVED if approve else CaseEvent.Kind.REVEAL_REJECTED
        _event(case, kind, actor=actor, data={"request": request.pk})
        _audit(case, actor, "reveal_approved" if approve else "reveal_rejected", {"request": request.pk})
    return request


def ask_reporter_consent(*, request: RevealRequest, actor: User, report_key: bytes) -> RevealRequest:
    """Ask the reporter through the dialogue whether the requester may see who they are."""
    with transaction.atomic():
        case = _locked(request.case)
        _require_team(case, actor)
        request = RevealRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RevealRequest.State.REQUESTED:
            raise ValidationError(_("This request has already been decided."), code="decided")
        report_services.add_team_message(
            report=case.report,
            actor=actor,
            report_key=report_key,
            text=_(
                "A member of the team asks to know who you are, to handle your report. On this page you can agree. "
                "If you do not agree, your identity stays hidden."
            ),
        )
        request.state = RevealRequest.State.ASKED_REPORTER
        request.save(update_fields=["state"])
        _audit(case, actor, "reveal_consent_asked", {"request": request.pk})
    return request


def reporter_consent(*, request: RevealRequest, report_key: bytes) -> RevealRequest:
    with transaction.atomic():
        case = _locked(request.case)
        _check_key(case, report_key)
        request = RevealRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RevealRequest.State.ASKED_REPORTER:
            raise ValidationError(_("This question is no longer open."), code="state")
        request.state = RevealRequest.State.CONSENTED
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
        _event(case, CaseEvent.Kind.REVEAL_CONSENT, actor=None, data={"request": request.pk})
        record_event(
            actor=None,
            action="dossiers.reveal_consented",
            organisation=case.report.organisation,
            target=case,
            data={"report": case.report_id, "request": request.pk},
        )
    return request


def reveal(*, request: RevealRequest, actor: User, report_key: bytes) -> dict | None:
    """The identity, for the requester of an approved (or consented) request only. Audited each time."""
    case = request.case
    if actor.pk != request.requested_by_id:
        raise ValidationError(_("Only the person who asked can see the identity."), code="not_requester")
    if not request.granted:
        raise ValidationError(_("This request has not been approved."), code="not_granted")
    if not in_team(case, actor):
        raise ValidationError(_("Only a member of this case's team can do this."), code="not_team")
    with transaction.atomic():
        identity = report_services.reveal_identity(
            report=case.report, actor=actor, report_key=report_key, reason=request.reason
        )
        _event(case, CaseEvent.Kind.REVEALED, actor=actor, data={"request": request.pk, "basis": request.state})
    return identity


# --- Configuration ------------------------------------------------------------------------------------------------

WORKFLOW_FIELDS = (
    "transitions",
    "acknowledgement_days",
    "feedback_months",
    "acknowledgement_reminder_days",
    "feedback_reminder_days",
    "max_extension_months",
    "regulation_url",
)


def save_workflow(*, channel, actor: User, **fields) -> ChannelWorkflow:
    unknown = set(fields) - set(WORKFLOW_FIELDS)
    if unknown:
        raise TypeError(f"unknown workflow fields: {sorted(unknown)}")
    if "transitions" in fields:
        fields["transitions"] = workflow.validate_transitions(fields["transitions"])
    with transaction.atomic():
        config, _created = ChannelWorkflow.objects.select_for_update().get_or_create(channel=channel)
        changed = sorted(name for name, value in fields.items() if getattr(config, name) != value)
        for name, value in fields.items():
            setattr(config, name, value)
        config.updated_by = actor
        config.save()
        record_event(
            actor=actor,
            action="dossiers.workflow_saved",
            organisation=channel.organisation,
            target=channel,
            role=report_services.handler_role(actor) or report_services._admin_role(actor),
            data={"fields": changed},
        )
    return config


def save_categories(*, organisation, actor: User, rows: list[tuple[str, str]]) -> int:
    """Replace the category list. Codes in use stay (made inactive when left out), so statistics keep their codes."""
    from plein.dossiers.models import CaseCategory

    codes = [code for code, _label in rows]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each code may appear once."), code="duplicate")
    with transaction.atomic():
        existing = {c.code: c for c in CaseCategory.objects.select_for_update().filter(organisation=organisation)}
        for order, (code, label) in enumerate(rows):
            row = existing.get(code) or CaseCategory(organisation=organisation, code=code)
            row.label, row.order, row.is_active = label, order, True
            row.save()
        CaseCategory.objects.filter(organisation=organisation).exclude(code__in=codes).update(is_active=False)
        record_event(
            actor=actor,
            action="dossiers.categories_saved",
            organisation=organisation,
            role=report_services.handler_role(actor) or report_services._admin_role(actor),
            data={"codes": codes},
        )
    return len(rows)
