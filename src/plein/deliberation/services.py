"""Writes of moral deliberation. Keyword-only arguments, one transaction each, an audit event for every change.

Every refusal is a ``ValidationError`` with a message for the user; nothing is saved then. Audit events hold
identifiers, codes and counts only: never a situation, a case, a name of a stakeholder, a choice or any other content.
"""

from __future__ import annotations

import calendar
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, RoleAssignment, User
from plein.core.selectors import employee_for, user_roles
from plein.core.services.audit import record_event
from plein.deliberation import conf, selectors
from plein.deliberation.models import (
    Action,
    Capture,
    Choice,
    DeliberationRequest,
    Facilitator,
    Fact,
    LibraryEntry,
    Method,
    MethodStep,
    MethodVersion,
    MonthlyDilemma,
    MonthlyOption,
    MonthlyVoter,
    Option,
    Participant,
    Score,
    Session,
    Stakeholder,
    Theme,
    ValueNorm,
)

_ROLE_PREFERENCE = (R.INTEGRITY_COORDINATOR, R.FACILITATOR, R.MANAGER, R.EMPLOYEE)
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read from a projected screen
JOIN_CODE_LENGTH = 6


def acting_role(user: User | None) -> str:
    """The role in which ``user`` acts here, for the audit log."""
    if user is None:
        return ""
    roles = user_roles(user)
    return next((code for code in _ROLE_PREFERENCE if code in roles), "")


def _audit(actor: User | None, action: str, organisation: Organisation | None, target=None, **data) -> None:
    record_event(
        actor=actor,
        action=f"deliberation.{action}",
        organisation=organisation,
        target=target,
        role=acting_role(actor),
        data=data,
    )


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _moment(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(recipients: list[str], subject: str, template: str, context: dict) -> int:
    """Plain-text e-mails, one per recipient. Never any session or request content, only where to look."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    body = render_to_string(template, context)
    connection = get_connection()
    messages = [EmailMessage(subject, body, to=[address], connection=connection) for address in recipients]
    return connection.send_messages(messages) or 0


def _text(value, label: str, *, required: bool = True, limit: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Fill in %(field)s.") % {"field": label})
    if limit is not None and len(value) > limit:
        raise ValidationError(
            _("%(field)s may be at most %(n)d characters long.") % {"field": label.capitalize(), "n": limit}
        )
    return value


def minus_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- facilitators ---------------------------------------------------------------------------------------------------


def _check_facilitator_dates(status: str, started: date | None, certified: date | None, stopped: date | None) -> None:
    if started is None:
        raise ValidationError(_("Fill in when the training started."))
    if status == Facilitator.Training.CERTIFIED and certified is None:
        raise ValidationError(_("Fill in the date of the certificate, or choose 'in training'."))
    if status == Facilitator.Training.IN_TRAINING and certified is not None:
        raise ValidationError(
            _("Someone in training has no certificate date yet. Choose 'certified' or empty the date.")
        )
    if certified is not None and certified < started:
        raise ValidationError(_("The certificate date cannot be before the start of the training."))
    if stopped is not None and stopped < started:
        raise ValidationError(_("The stop date cannot be before the start of the training."))


def register_facilitator(
    *,
    actor: User,
    organisation: Organisation,
    employee: Employee,
    training_status: str,
    training_started_on: date,
    certified_on: date | None = None,
    available: bool = True,
    availability: str = "",
    stopped_on: date | None = None,
) -> Facilitator:
    if employee.organisation_id != organisation.pk:
        raise ValidationError(_("This person does not work for this organisation."))
    _check_facilitator_dates(training_status, training_started_on, certified_on, stopped_on)
    try:
        with transaction.atomic():
            facilitator = Facilitator.objects.create(
                organisation=organisation,
                employee=employee,
                training_status=training_status,
                training_started_on=training_started_on,
                certified_on=certified_on,
                available=available,
                availability=_text(availability, _("availability"), required=False, limit=300),
                stopped_on=stopped_on,
                created_by=actor,
            )
            _audit(actor, "facilitator_registered", organisation, facilitator, training_status=training_status)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s is already in the register of facilitators.") % {"name": employee.full_name}
        ) from exc
    return facilitator


FACILITATOR_FIELDS = (
    "training_status",
    "training_started_on",
    "certified_on",
    "available",
    "availability",
    "stopped_on",
)


def update_facilitator(*, actor: User, facilitator: Facilitator, **fields) -> Facilitator:
    unknown = set(fields) - set(FACILITATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown facilitator fields: {sorted(unknown)}")
    with transaction.atomic():
        facilitator = Facilitator.objects.select_for_update().get(pk=facilitator.pk)
        for name, value in fields.items():
            setattr(facilitator, name, value)
        facilitator.availability = _text(facilitator.availability, _("availability"), required=False, limit=300)
        _check_facilitator_dates(
            facilitator.training_status,
            facilitator.training_started_on,
            facilitator.certified_on,
            facilitator.stopped_on,
        )
        facilitator.save()
        _audit(actor, "facilitator_changed", facilitator.organisation, facilitator, fields=sorted(fields))
    return facilitator


# --- methods --------------------------------------------------------------------------------------------------------


@dataclass
class StepSpec:
    title: str
    instruction: str = ""
    questions: str = ""
    captures: list[str] = field(default_factory=list)


def _clean_steps(steps: list[StepSpec]) -> list[StepSpec]:
    cleaned = []
    for number, step in enumerate(steps, start=1):
        title = (step.title or "").strip()
        if not title:
            raise ValidationError(_("Step %(n)d has no title. Give every step a title.") % {"n": number})
        captures = [code for code in step.captures if code]
        unknown = set(captures) - set(Capture.values)
        if unknown:
            raise ValidationError(_("Step %(n)d records something unknown.") % {"n": number})
        questions = "\n".join(line.strip() for line in (step.questions or "").splitlines() if line.strip())
        cleaned.append(StepSpec(title[:200], (step.instruction or "").strip(), questions, captures))
    if not cleaned:
        raise ValidationError(_("A method needs at least one step."))
    return cleaned


def _write_version(
    *, actor, method, organisation, number, name, summary, suited_for, duration_minutes, change_note, steps
) -> MethodVersion:
    version = MethodVersion.objects.create(
        method=method,
        organisation=organisation,
        number=number,
        name=name,
        summary=(summary or "").strip(),
        suited_for=(suited_for or "").strip()[:300],
        duration_minutes=duration_minutes,
        change_note=(change_note or "").strip()[:300],
        created_by=actor,
    )
    MethodStep.objects.bulk_create(
        [
            MethodStep(
                version=version,
                number=i,
                title=s.title,
                instruction=s.instruction,
                questions=s.questions,
                captures=s.captures,
            )
            for i, s in enumerate(steps, start=1)
        ]
    )
    return version


def install_builtin_methods() -> int:
    """Write the built-in methods (``builtin_methods.py``) when they are missing, as migration 0002 does; returns how
    many were added. Idempotent. For a database that was emptied without migrating again (``flush``)."""
    from plein.deliberation.builtin_methods import BUILTIN_METHODS

    added = 0
    with transaction.atomic():
        for spec in BUILTIN_METHODS:
            if Method.objects.filter(organisation__isnull=True, key=spec["key"]).exists():
                continue
            method = Method.objects.create(organisation=None, key=spec["key"])
            _write_version(
                actor=None,
                method=method,
                organisation=None,
                number=1,
                name=spec["name"],
                summary=spec["summary"],
                suited_for=spec["suited_for"],
                duration_minutes=spec["duration_minutes"],
                change_note="",
                steps=[
                    StepSpec(s["title"], s["instruction"], "\n".join(s["questions"]), list(s["captures"]))
                    for s in spec["steps"]
                ],
            )
            added += 1
    return added


def create_method(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    steps: list[StepSpec],
    summary: str = "",
    suited_for: str = "",
    duration_minutes: int | None = None,
) -> MethodVersion:
    name = _text(name, _("the name"), limit=200)
    steps = _clean_steps(steps)
    base = slugify(name)[:50] or "methode"
    with transaction.atomic():
        taken = set(Method.objects.filter(organisation__isnull=True).values_list("key", flat=True)) | set(
            Method.objects.filter(organisation=organisation).values_list("key", flat=True)
        )
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        method = Method.objects.create(organisation=organisation, key=key)
        version = _write_version(
            actor=actor,
            method=method,
            organisation=organisation,
            number=1,
            name=name,
            summary=summary,
            suited_for=suited_for,
            duration_minutes=duration_minutes,
            change_note="",
            steps=steps,
        )
        _audit(actor, "method_created", organisation, version, method=method.pk, steps=len(steps))
    return version


def change_method(
    *,
    actor: User,
    organisation: Organisation,
    method: Method,
    name: str,
    steps: list[StepSpec],
    summary: str = "",
    suited_for: str = "",
    duration_minutes: int | None = None,
    change_note: str = "",
) -> MethodVersion:
    """A change is a new version; earlier versions stay as they were, and so do the sessions that used them."""
    if method.organisation_id not in (None, organisation.pk):
        raise ValidationError(_("This method belongs to another organisation."))
    name = _text(name, _("the name"), limit=200)
    steps = _clean_steps(steps)
    with transaction.atomic():
        Method.objects.select_for_update().get(pk=method.pk)
        number = (MethodVersion.objects.filter(method=method).aggregate(n=Max("number"))["n"] or 0) + 1
        version = _write_version(
            actor=actor,
            method=method,
            organisation=organisation,
            number=number,
            name=name,
            summary=summary,
            suited_for=suited_for,
            duration_minutes=duration_minutes,
            change_note=change_note,
            steps=steps,
        )
        _audit(actor, "method_changed", organisation, version, method=method.pk, version=number, steps=len(steps))
    return version


# --- requests -------------------------------------------------------------------------------------------------------


def _coordinator_addresses(organisation: Organisation) -> list[str]:
    return list(
        RoleAssignment.objects.filter(
            organisation=organisation, role=R.INTEGRITY_COORDINATOR, revoked_at__isnull=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def submit_request(
    *,
    actor: User,
    organisation: Organisation,
    theme: str,
    situation: str,
    urgency: str,
    team: OrgUnit | None = None,
    team_description: str = "",
    preferred_dates: str = "",
    expected_participants: int | None = None,
) -> DeliberationRequest:
    employee = employee_for(actor)
    if employee is None or employee.organisation_id != organisation.pk:
        raise ValidationError(_("There is no employee record linked to your account. Ask HR to link it."))
    if theme not in Theme.values:
        raise ValidationError(_("Choose a theme."))
    if urgency not in DeliberationRequest.Urgency.values:
        raise ValidationError(_("Choose how urgent it is."))
    situation = _text(situation, _("the situation"), limit=5000)
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError(_("Choose a team of this organisation."))
    if expected_participants is not None and not 1 <= expected_participants <= 200:
        raise ValidationError(_("The number of participants must be between 1 and 200."))
    with transaction.atomic():
        deliberation_request = DeliberationRequest.objects.create(
            organisation=organisation,
            requested_by=actor,
            requester=employee,
            theme=theme,
            situation=situation,
            team=team,
            team_description=_text(team_description, _("the group"), required=False, limit=200),
            urgency=urgency,
            preferred_dates=_text(preferred_dates, _("the preferred dates"), required=False, limit=500),
            expected_participants=expected_participants,
        )
        _audit(actor, "request_submitted", organisation, deliberation_request, theme=theme, urgency=urgency)
        url = _site_url(reverse("deliberation:request_detail", args=[deliberation_request.pk]))
        addresses = _coordinator_addresses(organisation)
        transaction.on_commit(
            lambda: _send(
                addresses,
                _("New request for moral deliberation"),
                "deliberation/email/request_to_coordinator.txt",
                {"request": deliberation_request, "url": url, "organisation": organisation},
            )
        )
    return deliberation_request


def withdraw_request(*, actor: User, deliberation_request: DeliberationRequest) -> DeliberationRequest:
    with transaction.atomic():
        deliberation_request = DeliberationRequest.objects.select_for_update().get(pk=deliberation_request.pk)
        if deliberation_request.status != DeliberationRequest.Status.SUBMITTED:
            raise ValidationError(
                _("This request has been handled already. Contact the integrity coordinator to cancel the session.")
            )
        deliberation_request.status = DeliberationRequest.Status.WITHDRAWN
        deliberation_request.decided_at = timezone.now()
        deliberation_request.decided_by = actor
        deliberation_request.save(update_fields=["status", "decided_at", "decided_by"])
        _audit(actor, "request_withdrawn", deliberation_request.organisation, deliberation_request)
    return deliberation_request


def decline_request(*, actor: User, deliberation_request: DeliberationRequest, reason: str) -> DeliberationRequest:
    reason = _text(reason, _("the reason"), limit=2000)
    with transaction.atomic():
        deliberation_request = DeliberationRequest.objects.select_for_update().get(pk=deliberation_request.pk)
        if deliberation_request.status != DeliberationRequest.Status.SUBMITTED:
            raise ValidationError(_("Only a request that is still waiting can be declined."))
        deliberation_request.status = DeliberationRequest.Status.DECLINED
        deliberation_request.decline_reason = reason
        deliberation_request.decided_at = timezone.now()
        deliberation_request.decided_by = actor
        deliberation_request.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
        _audit(actor, "request_declined", deliberation_request.organisation, deliberation_request)
        address = deliberation_request.requested_by.email if deliberation_request.requested_by else ""
        url = _site_url(reverse("deliberation:request_detail", args=[deliberation_request.pk]))
        transaction.on_commit(
            lambda: _send(
                [address],
                _("Your request for moral deliberation"),
                "deliberation/email/request_declined.txt",
                {"url": url, "organisation": deliberation_request.organisation},
            )
        )
    return deliberation_request


# --- sessions: planning ---------------------------------------------------------------------------------------------


def plan_session(
    *,
    actor: User,
    organisation: Organisation,
    facilitators: list[Facilitator],
    scheduled_at: datetime,
    method_version: MethodVersion,
    title: str,
    location: str = "",
    theme: str = "",
    team: OrgUnit | None = None,
    deliberation_request: DeliberationRequest | None = None,
    now: datetime | None = None,
) -> Session:
    """Plan a session, from a request or on the coordinator's own initiative, with one or two facilitators."""
    now = now or timezone.now()
    facilitators = list(dict.fromkeys(facilitators))
    if not 1 <= len(facilitators) <= 2:
        raise ValidationError(_("Choose one or two facilitators."))
    today = timezone.localdate(now)
    plannable = set(selectors.plannable_facilitators(organisation, today=today).values_list("pk", flat=True))
    for facilitator in facilitators:
        if facilitator.organisation_id != organisation.pk or facilitator.pk not in plannable:
            raise ValidationError(
                _("%(name)s is not available for new sessions. Choose another facilitator.")
                % {"name": facilitator.employee.full_name}
            )
    if scheduled_at <= now:
        raise ValidationError(_("Choose a date and time in the future."))
    visible = {v.pk for v in selectors.current_versions(organisation)}
    if method_version.pk not in visible:
        raise ValidationError(_("Choose one of the current methods."))
    title = _text(title, _("the title"), limit=200)
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError(_("Choose a team of this organisation."))
    with transaction.atomic():
        if deliberation_request is not None:
            deliberation_request = DeliberationRequest.objects.select_for_update().get(pk=deliberation_request.pk)
            if deliberation_request.organisation_id != organisation.pk:
                raise ValidationError(_("This request belongs to another organisation."))
            if deliberation_request.status != DeliberationRequest.Status.SUBMITTED:
                raise ValidationError(_("This request has been handled already."))
            theme = theme or deliberation_request.theme
            team = team or deliberation_request.team
        if theme not in Theme.values:
            raise ValidationError(_("Choose a theme."))
        session = Session.objects.create(
            organisation=organisation,
            request=deliberation_request,
            title=title,
            theme=theme,
            team=team,
            method_version=method_version,
            scheduled_at=scheduled_at,
            location=_text(location, _("the location"), required=False, limit=200),
            created_by=actor,
        )
        session.facilitators.set(facilitators)
        if deliberation_request is not None:
            deliberation_request.status = DeliberationRequest.Status.PLANNED
            deliberation_request.decided_at = now
            deliberation_request.decided_by = actor
            deliberation_request.save(update_fields=["status", "decided_at", "decided_by"])
        _audit(
            actor,
            "session_planned",
            organisation,
            session,
            request=deliberation_request.pk if deliberation_request else None,
            facilitators=[f.pk for f in facilitators],
            method_version=method_version.pk,
        )
        addresses = [f.employee.email for f in facilitators]
        context = {
            "session": session,
            "when": _moment(scheduled_at),
            "url": _site_url(reverse("deliberation:workspace", args=[session.pk])),
            "organisation": organisation,
        }
        transaction.on_commit(
            lambda: _send(
                addresses, _("You lead a moral deliberation session"), "deliberation/email/to_facilitator.txt", context
            )
        )
        if deliberation_request is not None and deliberation_request.requested_by:
            requester_address = deliberation_request.requested_by.email
            transaction.on_commit(
                lambda: _send(
                    [requester_address],
                    _("Your request for moral deliberation has been planned"),
                    "deliberation/email/request_planned.txt",
                    {
                        **context,
                        "url": _site_url(reverse("deliberation:request_detail", args=[deliberation_request.pk])),
                    },
                )
            )
    return session


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=session.pk)


def invite_participants(
    *, actor: User, session: Session, employees: list[Employee], now: datetime | None = None
) -> tuple[list[Employee], list[Employee]]:
    """Invite people; returns (invited now, already on the list). Each invited person gets an e-mail."""
    now = now or timezone.now()
    if not employees:
        raise ValidationError(_("Choose at least one person to invite."))
    invited, already = [], []
    with transaction.atomic():
        session = _lock(session)
        if not session.is_open:
            raise ValidationError(_("This session is over. You can no longer invite people."))
        for employee in dict.fromkeys(employees):
            if employee.organisation_id != session.organisation_id:
                raise ValidationError(_("%(name)s does not work for this organisation.") % {"name": employee.full_name})
            if session.facilitators.filter(employee=employee).exists():
                continue
            _participant, created = Participant.objects.get_or_create(
                session=session, employee=employee, defaults={"invited_at": now, "invited_by": actor}
            )
            (invited if created else already).append(employee)
        _audit(actor, "participants_invited", session.organisation, session, invited=len(invited))
        context = {
            "session": session,
            "when": _moment(session.scheduled_at),
            "url": _site_url(reverse("deliberation:index")),
            "organisation": session.organisation,
        }
        addresses = [e.email for e in invited]
        transaction.on_commit(
            lambda: _send(
                addresses,
                _("Invitation: moral deliberation on %(date)s")
                % {"date": _day(timezone.localdate(session.scheduled_at))},
                "deliberation/email/invitation.txt",
                context,
            )
        )
    return invited, already


def mark_present(
    *, actor: User, session: Session, participant: Participant, now: datetime | None = None
) -> Participant:
    """For someone without a device: the facilitator marks them present (as if they had joined with the code)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if session.status != Session.Status.RUNNING:
            raise ValidationError(_("Start the session first."))
        participant = Participant.objects.select_for_update().get(pk=participant.pk, session=session)
        if participant.joined_at is None:
            participant.joined_at = now
            participant.save(update_fields=["joined_at"])
            _audit(actor, "participant_marked_present", session.organisation, session, participant=participant.pk)
    return participant


def cancel_session(*, actor: User, session: Session, now: datetime | None = None) -> Session:
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if not session.is_open:
            raise ValidationError(_("Only a planned or running session can be cancelled."))
        session.status = Session.Status.CANCELLED
        session.closed_at = now
        session.join_code = ""
        session.join_code_expires_at = None
        session.save(update_fields=["status", "closed_at", "join_code", "join_code_expires_at"])
        _audit(actor, "session_cancelled", session.organisation, session)
    return session


# --- sessions: running ----------------------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _i in range(JOIN_CODE_LENGTH))


def _assign_code(session: Session, now: datetime) -> None:
    """A fresh code that no other session uses. Expired codes of other sessions are freed first."""
    Session.objects.filter(join_code_expires_at__lte=now).exclude(join_code="").exclude(pk=session.pk).update(
        join_code="", join_code_expires_at=None
    )
    for _attempt in range(20):
        code = _new_code()
        try:
            with transaction.atomic():
                Session.objects.filter(pk=session.pk).update(
                    join_code=code, join_code_expires_at=now + timedelta(minutes=conf.join_code_minutes())
                )
        except IntegrityError:
            continue
        session.refresh_from_db(fields=["join_code", "join_code_expires_at"])
        return
    raise ValidationError(_("No free code could be made. Try again."))


def start_session(*, actor: User, session: Session, now: datetime | None = None) -> Session:
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if session.status != Session.Status.PLANNED:
            raise ValidationError(_("This session has started already or is over."))
        session.status = Session.Status.RUNNING
        session.started_at = now
        session.current_step = 1
        session.save(update_fields=["status", "started_at", "current_step"])
        _assign_code(session, now)
        _audit(actor, "session_started", session.organisation, session)
    return session


def renew_join_code(*, actor: User, session: Session, now: datetime | None = None) -> Session:
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if session.status != Session.Status.RUNNING:
            raise ValidationError(_("A code is only needed while the session is running."))
        _assign_code(session, now)
        _audit(actor, "join_code_renewed", session.organisation, session)
    return session


def go_to_step(*, actor: User, session: Session, number: int) -> tuple[Session, object]:
    """Show step ``number``. Returns the session and the step left behind when nothing was recorded at it (or None),
    so that the facilitator can be told."""
    with transaction.atomic():
        session = _lock(session)
        if session.status != Session.Status.RUNNING:
            raise ValidationError(_("Start the session first."))
        step_list = selectors.steps(session)
        numbers = {s.number for s in step_list}
        if number not in numbers:
            raise ValidationError(_("This method has no step %(n)d.") % {"n": number})
        previous = selectors.current_step(session, step_list)
        left_empty = None
        if previous is not None and number > previous.number:
            record = selectors.session_record(session)
            if record.step_is_empty(previous):
                left_empty = previous
        session.current_step = number
        session.save(update_fields=["current_step"])
        _audit(actor, "step_shown", session.organisation, session, step=number)
    return session, left_empty


class JoinError(ValidationError):
    """Why joining with a code failed. ``participant`` is set when the person had already joined."""

    def __init__(self, message: str, *, code: str, participant: Participant | None = None):
        super().__init__(message, code=code)
        self.participant = participant


def _failure_key(user: User) -> str:
    return f"deliberation:join-failures:{user.pk}"


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())


def join_session(*, user: User, organisation: Organisation, code: str, now: datetime | None = None) -> Participant:
    """Join a running session with its code. Clear refusals for a wrong, expired or repeated code."""
    now = now or timezone.now()
    key = _failure_key(user)
    failures = cache.get(key, 0)
    if failures >= conf.join_max_failures():
        raise JoinError(
            _("You entered a wrong code too often. Wait %(n)d minutes and try again.")
            % {"n": conf.join_lockout_minutes()},
            code="locked",
        )
    employee = employee_for(user)
    if employee is None or employee.organisation_id != organisation.pk:
        raise JoinError(_("There is no employee record linked to your account. Ask HR to link it."), code="no_employee")
    normalised = normalise_code(code)
    if not normalised:
        raise JoinError(_("Enter the code that is shown on the screen."), code="empty")
    session = selectors.session_by_code(normalised)
    if session is None or session.organisation_id != organisation.pk:
        cache.set(key, failures + 1, timeout=conf.join_lockout_minutes() * 60)
        raise JoinError(_("This code is not known. Check the code on the screen and try again."), code="unknown")
    if session.status != Session.Status.RUNNING or not session.code_is_valid(now):
        raise JoinError(_("This code has expired. Ask the facilitator for a new code."), code="expired")
    if session.facilitators.filter(employee=employee).exists():
        raise JoinError(_("You lead this session, so you do not need to join it."), code="facilitator")
    with transaction.atomic():
        participant, created = Participant.objects.select_for_update().get_or_create(
            session=session, employee=employee, defaults={"joined_at": now}
        )
        if not created and participant.joined_at is not None:
            raise JoinError(
                _("You have already joined this session. You can carry on below."),
                code="duplicate",
                participant=participant,
            )
        if not created:
            participant.joined_at = now
            participant.save(update_fields=["joined_at"])
        _audit(user, "session_joined", session.organisation, session, participant=participant.pk)
    cache.delete(key)
    return participant


# --- sessions: the record -------------------------------------------------------------------------------------------


def _editable(session: Session, *, participant: Participant | None) -> Session:
    """Lock the session and check that it may be changed now: by a participant while it runs (and after they joined),
    by a facilitator while it is planned, runs or is held, as long as its content exists."""
    session = _lock(session)
    if session.content_deleted_at is not None:
        raise ValidationError(_("The content of this session has been deleted after the retention period."))
    if participant is not None:
        if participant.session_id != session.pk:
            raise ValidationError(_("You do not take part in this session."))
        if participant.joined_at is None:
            raise ValidationError(_("Join the session with the code on the screen first."))
        if session.status != Session.Status.RUNNING:
            raise ValidationError(_("The session is not running. You can no longer add anything."))
    elif session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session has been cancelled."))
    return session


TEXT_FIELDS = {
    "case_description": _("the case"),
    "conclusions": _("the conclusions"),
    "evaluation": _("the evaluation"),
}


def record_text(*, actor: User, session: Session, field_name: str, text: str) -> Session:
    if field_name not in TEXT_FIELDS:
        raise TypeError(f"not a text field of a session: {field_name}")
    text = _text(text, str(TEXT_FIELDS[field_name]), required=False, limit=10000)
    with transaction.atomic():
        session = _editable(session, participant=None)
        setattr(session, field_name, text)
        session.save(update_fields=[field_name])
        _audit(actor, "record_changed", session.organisation, session, part=field_name)
    return session


def record_dilemma(
    *, actor: User, session: Session, question: str, option_a: str, cost_a: str = "", option_b: str, cost_b: str = ""
) -> Session:
    """The dilemma in one question, and A versus B with what each costs. A and B are options of the session, so that
    participants can choose them and they can be weighed; emptying one removes it (with its choices and scores)."""
    question = _text(question, _("the dilemma"), required=False, limit=2000)
    sides = {
        Option.Side.A: (
            _text(option_a, _("option A"), required=False, limit=300),
            _text(cost_a, _("what A costs"), required=False, limit=500),
        ),
        Option.Side.B: (
            _text(option_b, _("option B"), required=False, limit=300),
            _text(cost_b, _("what B costs"), required=False, limit=500),
        ),
    }
    if not question and not any(text for text, _cost in sides.values()):
        raise ValidationError(_("Fill in the dilemma, or option A and option B."))
    with transaction.atomic():
        session = _editable(session, participant=None)
        session.dilemma_question = question
        session.save(update_fields=["dilemma_question"])
        for side, (text, cost) in sides.items():
            if text:
                Option.objects.update_or_create(session=session, side=side, defaults={"text": text, "cost": cost})
            else:
                Option.objects.filter(session=session, side=side).delete()
        _audit(actor, "record_changed", session.organisation, session, part="dilemma")
    return session


PARTICIPANT_KINDS = ("stakeholder", "option")


def _add(actor, session, participant, model, item_kind: str, **values):
    with transaction.atomic():
        session = _editable(session, participant=participant)
        item = model.objects.create(session=session, added_by=participant, **values)
        _audit(
            actor,
            "item_added",
            session.organisation,
            session,
            kind=item_kind,
            item=item.pk,
            by_participant=participant is not None,
        )
    return item


def add_fact(*, actor: User, session: Session, kind: str, text: str) -> Fact:
    if kind not in Fact.Kind.values:
        raise ValidationError(_("Choose fact or open question."))
    return _add(actor, session, None, Fact, "fact", kind=kind, text=_text(text, _("the fact or question"), limit=500))


def add_stakeholder(
    *,
    actor: User,
    session: Session,
    name: str,
    rights: str = "",
    interests: str = "",
    wishes: str = "",
    participant: Participant | None = None,
) -> Stakeholder:
    return _add(
        actor,
        session,
        participant,
        Stakeholder,
        "stakeholder",
        name=_text(name, _("who is involved"), limit=200),
        rights=_text(rights, _("rights"), required=False, limit=500),
        interests=_text(interests, _("interests"), required=False, limit=500),
        wishes=_text(wishes, _("wishes"), required=False, limit=500),
    )


def add_value(*, actor: User, session: Session, kind: str, text: str) -> ValueNorm:
    if kind not in ValueNorm.Kind.values:
        raise ValidationError(_("Choose value or norm."))
    return _add(
        actor, session, None, ValueNorm, "value", kind=kind, text=_text(text, _("the value or norm"), limit=300)
    )


def add_option(
    *, actor: User, session: Session, text: str, cost: str = "", participant: Participant | None = None
) -> Option:
    return _add(
        actor,
        session,
        participant,
        Option,
        "option",
        text=_text(text, _("the option"), limit=300),
        cost=_text(cost, _("what it costs"), required=False, limit=500),
    )


def add_action(*, actor: User, session: Session, description: str, owner: str, due_on: date | None = None) -> Action:
    description = _text(description, _("the action"), limit=500)
    owner = _text(owner, _("who does it"), limit=200)
    with transaction.atomic():
        session = _editable(session, participant=None)
        action = Action.objects.create(session=session, description=description, owner=owner, due_on=due_on)
        _audit(actor, "item_added", session.organisation, session, kind="action", item=action.pk, by_participant=False)
    return action


REMOVABLE = {"fact": Fact, "stakeholder": Stakeholder, "value": ValueNorm, "option": Option, "action": Action}


def remove_item(*, actor: User, session: Session, kind: str, pk: int) -> None:
    model = REMOVABLE.get(kind)
    if model is None:
        raise ValidationError(_("This cannot be removed."))
    with transaction.atomic():
        session = _editable(session, participant=None)
        deleted, _by_model = model.objects.filter(session=session, pk=pk).delete()
        if not deleted:
            raise ValidationError(_("This item does not exist (any more)."))
        _audit(actor, "item_removed", session.organisation, session, kind=kind, item=pk)


def record_choice(
    *,
    actor: User,
    session: Session,
    participant: Participant,
    option: Option,
    because: str,
    despite: str = "",
    limit_damage: str = "",
    needs: str = "",
    by_facilitator: bool = False,
) -> Choice:
    """A participant's argued choice (one per participant; a new one replaces the old). A facilitator may record it
    for a participant who has no device."""
    because = _text(because, _("the value behind your choice"), limit=300)
    with transaction.atomic():
        session = _editable(session, participant=None if by_facilitator else participant)
        if participant.session_id != session.pk:
            raise ValidationError(_("This person does not take part in this session."))
        if option.session_id != session.pk:
            raise ValidationError(_("Choose one of the options of this session."))
        choice, created = Choice.objects.update_or_create(
            session=session,
            participant=participant,
            defaults={
                "option": option,
                "because": because,
                "despite": _text(despite, _("despite"), required=False, limit=300),
                "limit_damage": _text(limit_damage, _("how you limit the damage"), required=False, limit=500),
                "needs": _text(needs, _("what you need"), required=False, limit=500),
            },
        )
        _audit(
            actor,
            "choice_recorded",
            session.organisation,
            session,
            participant=participant.pk,
            replaced=not created,
            by_facilitator=by_facilitator,
        )
    return choice


def record_weighing(
    *, actor: User, session: Session, weights: dict[str, int], scores: dict[tuple[int, str], int | None]
):
    """The weighing matrix: a weight (1-3) per stakeholder and value (``"s12"``, ``"v7"``) and a score (-2 to +2, or
    None for empty) per option and criterion."""
    with transaction.atomic():
        session = _editable(session, participant=None)
        stakeholders = {f"s{s.pk}": s for s in Stakeholder.objects.filter(session=session)}
        values = {f"v{v.pk}": v for v in ValueNorm.objects.filter(session=session)}
        criteria = {**stakeholders, **values}
        options = {o.pk: o for o in Option.objects.filter(session=session)}
        for key, weight in weights.items():
            if key not in criteria or not 1 <= int(weight) <= 3:
                raise ValidationError(_("A weight must be 1, 2 or 3."))
        for (option_pk, key), score in scores.items():
            if option_pk not in options or key not in criteria:
                raise ValidationError(_("The weighing refers to an option or a criterion that no longer exists."))
            if score is not None and not -2 <= int(score) <= 2:
                raise ValidationError(_("A score must be between -2 and +2."))
        for key, weight in weights.items():
            model = Stakeholder if key.startswith("s") else ValueNorm
            model.objects.filter(pk=criteria[key].pk).update(weight=int(weight))
        for (option_pk, key), score in scores.items():
            lookup = {"stakeholder_id": criteria[key].pk} if key.startswith("s") else {"value_id": criteria[key].pk}
            if score is None:
                Score.objects.filter(session=session, option_id=option_pk, **lookup).delete()
            else:
                Score.objects.update_or_create(
                    session=session, option_id=option_pk, **lookup, defaults={"score": int(score)}
                )
        _audit(actor, "record_changed", session.organisation, session, part="matrix", cells=len(scores))
    return session


def close_session(*, actor: User, session: Session, now: datetime | None = None) -> Session:
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if session.status != Session.Status.RUNNING:
            raise ValidationError(_("Only a running session can be closed."))
        session.status = Session.Status.HELD
        session.held_on = timezone.localdate(now)
        session.closed_at = now
        session.participant_count = session.participants.filter(joined_at__isnull=False).count()
        session.join_code = ""
        session.join_code_expires_at = None
        session.save(
            update_fields=["status", "held_on", "closed_at", "participant_count", "join_code", "join_code_expires_at"]
        )
        _audit(actor, "session_closed", session.organisation, session, participants=session.participant_count)
    return session


# --- retention ------------------------------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    cutoff: datetime
    sessions: list[tuple[int, str, date | None]]  # (pk, status, held on)
    requests: list[tuple[int, str]]  # (pk, status)
    dry_run: bool


def retention_cutoff(now: datetime) -> datetime:
    local = timezone.localtime(now)
    day = minus_months(local.date(), conf.retention_months())
    return timezone.make_aware(datetime.combine(day, local.time().replace(microsecond=0)))


def purge_expired_content(
    *, now: datetime | None = None, organisation: Organisation | None = None, dry_run: bool = False
) -> PurgeReport:
    """Delete the content of sessions held or cancelled before the retention cutoff, and the situation of their
    requests and of declined or withdrawn requests. Kept: the session's date, method, facilitators, theme, participant
    list and count, and the agreed actions. Idempotent; ``dry_run`` only reports what would go."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    sessions = list(selectors.sessions_for_purge(organisation, before=cutoff))
    requests = list(selectors.requests_for_purge(organisation, before=cutoff))
    report = PurgeReport(
        cutoff=cutoff,
        sessions=[(s.pk, s.status, s.held_on) for s in sessions],
        requests=[(r.pk, r.status) for r in requests],
        dry_run=dry_run,
    )
    if dry_run or not (sessions or requests):
        return report
    with transaction.atomic():
        session_ids = [s.pk for s in sessions]
        Choice.objects.filter(session_id__in=session_ids).delete()
        Score.objects.filter(session_id__in=session_ids).delete()
        for model in (Fact, Stakeholder, ValueNorm, Option):
            model.objects.filter(session_id__in=session_ids).delete()
        Session.objects.filter(pk__in=session_ids).update(
            case_description="", dilemma_question="", conclusions="", evaluation="", content_deleted_at=now
        )
        LibraryEntry.objects.filter(source_session_id__in=session_ids).update(source_session=None)
        request_ids = [r.pk for r in requests]
        request_ids += list(
            Session.objects.filter(pk__in=session_ids, request__isnull=False).values_list("request_id", flat=True)
        )
        DeliberationRequest.objects.filter(pk__in=request_ids, content_deleted_at__isnull=True).update(
            situation="", preferred_dates="", decline_reason="", content_deleted_at=now
        )
        by_org: dict[int, tuple[int, int]] = {}
        for s in sessions:
            n_s, n_r = by_org.get(s.organisation_id, (0, 0))
            by_org[s.organisation_id] = (n_s + 1, n_r)
        for r in requests:
            n_s, n_r = by_org.get(r.organisation_id, (0, 0))
            by_org[r.organisation_id] = (n_s, n_r + 1)
        for org_id, (n_sessions, n_requests) in sorted(by_org.items()):
            record_event(
                actor=None,
                action="deliberation.content_purged",
                organisation=Organisation.objects.get(pk=org_id),
                data={
                    "sessions": n_sessions,
                    "requests": n_requests,
                    "retention_months": conf.retention_months(),
                    "cutoff": cutoff.isoformat(),
                },
            )
    return report


# --- the case library -----------------------------------------------------------------------------------------------

ENTRY_FIELDS = (
    "title",
    "theme",
    "situation",
    "question",
    "option_a",
    "option_b",
    "considerations",
    "use_at_ceremonies",
    "use_in_trainings",
)
_ENTRY_TEXT = ("title", "situation", "question", "option_a", "option_b", "considerations")
_UNIT_PREFIXES = ("team ", "afdeling ", "domein ", "directie ")


def identifying_words(session: Session | None) -> list[str]:
    """Names of the people in a session (participants, facilitators, requester) and its team: what an anonymised
    dilemma must not contain."""
    if session is None:
        return []
    people = [p.employee for p in session.participants.select_related("employee")]
    people += [f.employee for f in session.facilitators.select_related("employee")]
    if session.request_id and session.request.requester_id:
        people.append(session.request.requester)
    words = set()
    for person in people:
        for part in (person.first_name, person.last_name, person.full_name):
            if part and len(part) >= 3:
                words.add(part)
    for unit in (session.team, session.request.team if session.request_id else None):
        if unit is not None:
            words.add(unit.name)
            lowered = unit.name.lower()
            for prefix in _UNIT_PREFIXES:
                if lowered.startswith(prefix) and len(unit.name) - len(prefix) >= 4:
                    words.add(unit.name[len(prefix) :])
    if session.request_id and session.request.team_description:
        words.add(session.request.team_description)
    return sorted(words, key=len, reverse=True)


def check_anonymous(fields: dict, words: list[str]) -> None:
    """Refuse text that names someone from the session or its team (whole words, any case)."""
    found = []
    text = "\n".join(str(fields.get(name) or "") for name in _ENTRY_TEXT)
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(word)
    if found:
        raise ValidationError(
            _("The text still names people or the team of the session: %(words)s. Leave out names and teams.")
            % {"words": ", ".join(sorted(set(found)))}
        )


def _clean_entry(fields: dict) -> dict:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown library fields: {sorted(unknown)}")
    cleaned = dict(fields)
    labels = {
        "title": (_("the title"), 200),
        "situation": (_("the situation"), 5000),
        "question": (_("the dilemma in one question"), 300),
        "option_a": (_("option A"), 300),
        "option_b": (_("option B"), 300),
        "considerations": (_("the considerations"), 5000),
    }
    for name, (label, limit) in labels.items():
        if name in cleaned:
            cleaned[name] = _text(cleaned[name], str(label), limit=limit)
    if "theme" in cleaned and cleaned["theme"] not in Theme.values:
        raise ValidationError(_("Choose a theme."))
    return cleaned


def propose_entry(*, actor: User, organisation: Organisation, session: Session | None = None, **fields) -> LibraryEntry:
    """Propose an anonymised dilemma for the library, after a session (by its facilitator) or directly (by the
    coordinator). The coordinator reviews it before it is published."""
    missing = set(ENTRY_FIELDS[:7]) - set(fields)
    if missing:
        raise TypeError(f"missing library fields: {sorted(missing)}")
    fields = _clean_entry(fields)
    if session is not None:
        if session.organisation_id != organisation.pk:
            raise ValidationError(_("This session belongs to another organisation."))
        if session.status != Session.Status.HELD:
            raise ValidationError(_("You can propose a dilemma for the library after the session has been held."))
        check_anonymous(fields, identifying_words(session))
    with transaction.atomic():
        entry = LibraryEntry.objects.create(
            organisation=organisation, source_session=session, proposed_by=actor, **fields
        )
        _audit(actor, "dilemma_proposed", organisation, entry, session=session.pk if session else None)
        addresses = [a for a in _coordinator_addresses(organisation) if a != actor.email]
        url = _site_url(reverse("deliberation:library_review", args=[entry.pk]))
        transaction.on_commit(
            lambda: _send(
                addresses,
                _("A dilemma is waiting for your review"),
                "deliberation/email/proposal_to_coordinator.txt",
                {"url": url, "organisation": organisation},
            )
        )
    return entry


def change_proposal(*, actor: User, entry: LibraryEntry, **fields) -> LibraryEntry:
    fields = _clean_entry(fields)
    with transaction.atomic():
        entry = LibraryEntry.objects.select_for_update(of=("self",)).select_related("source_session").get(pk=entry.pk)
        if entry.status not in (LibraryEntry.Status.PROPOSED, LibraryEntry.Status.RETURNED):
            raise ValidationError(_("This dilemma has been reviewed already and can no longer be changed here."))
        merged = {name: getattr(entry, name) for name in ENTRY_FIELDS} | fields
        check_anonymous(merged, identifying_words(entry.source_session))
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.status = LibraryEntry.Status.PROPOSED
        entry.save()
        _audit(actor, "dilemma_proposal_changed", entry.organisation, entry, fields=sorted(fields))
    return entry


PUBLISH, RETURN, WITHDRAW = "publish", "return", "withdraw"


def review_entry(
    *, actor: User, entry: LibraryEntry, decision: str, note: str = "", now: datetime | None = None, **fields
) -> LibraryEntry:
    """The coordinator's review: publish (possibly after editing the text), return with a note, or withdraw a
    published dilemma. Publishing checks the anonymisation again and removes the link to the session."""
    now = now or timezone.now()
    fields = _clean_entry(fields)
    note = (note or "").strip()
    with transaction.atomic():
        entry = LibraryEntry.objects.select_for_update(of=("self",)).select_related("source_session").get(pk=entry.pk)
        for name, value in fields.items():
            setattr(entry, name, value)
        if decision == PUBLISH:
            if entry.status not in (LibraryEntry.Status.PROPOSED, LibraryEntry.Status.RETURNED):
                raise ValidationError(_("Only a proposed dilemma can be published."))
            check_anonymous(
                {name: getattr(entry, name) for name in ENTRY_FIELDS}, identifying_words(entry.source_session)
            )
            if entry.number is None:
                # Lock the numbered dilemmas (PostgreSQL allows no FOR UPDATE with an aggregate); the unique
                # constraint on (organisation, number) backs this up.
                numbers = LibraryEntry.objects.select_for_update().filter(
                    organisation=entry.organisation, number__isnull=False
                )
                entry.number = max(numbers.values_list("number", flat=True), default=0) + 1
            entry.status = LibraryEntry.Status.PUBLISHED
            entry.published_at = now
            entry.source_session = None
        elif decision == RETURN:
            if entry.status != LibraryEntry.Status.PROPOSED:
                raise ValidationError(_("Only a proposed dilemma can be returned."))
            if not note:
                raise ValidationError(_("Write a note for the facilitator: what should change?"))
            entry.status = LibraryEntry.Status.RETURNED
        elif decision == WITHDRAW:
            if entry.status != LibraryEntry.Status.PUBLISHED:
                raise ValidationError(_("Only a published dilemma can be withdrawn."))
            entry.status = LibraryEntry.Status.WITHDRAWN
            entry.withdrawn_at = now
        else:
            raise ValidationError(_("Choose what to do with this dilemma."))
        entry.review_note = note
        entry.reviewed_by = actor
        entry.reviewed_at = now
        entry.save()
        action = {PUBLISH: "dilemma_published", RETURN: "dilemma_returned", WITHDRAW: "dilemma_withdrawn"}[decision]
        _audit(actor, action, entry.organisation, entry, number=entry.number)
    return entry


# --- the dilemma of the month ---------------------------------------------------------------------------------------


def choose_dilemma_of_the_month(*, actor: User, entry: LibraryEntry, month: date, question: str = "") -> MonthlyDilemma:
    """Make a published dilemma the dilemma of ``month``, with a poll of options A and B."""
    month = selectors.first_of_month(month)
    if entry.status != LibraryEntry.Status.PUBLISHED:
        raise ValidationError(_("Only a published dilemma can be the dilemma of the month."))
    question = _text(question, _("the poll question"), required=False, limit=300) or _("What would you choose?")
    with transaction.atomic():
        existing = (
            MonthlyDilemma.objects.select_for_update().filter(organisation=entry.organisation, month=month).first()
        )
        if existing is not None:
            if existing.voters.exists():
                raise ValidationError(
                    _("Colleagues have voted on the dilemma of %(month)s already. Choose another month.")
                    % {"month": date_format(month, "F Y")}
                )
            existing.delete()
        monthly = MonthlyDilemma.objects.create(
            organisation=entry.organisation, entry=entry, month=month, question=question, chosen_by=actor
        )
        MonthlyOption.objects.bulk_create(
            [
                MonthlyOption(monthly=monthly, label=entry.option_a, order=1),
                MonthlyOption(monthly=monthly, label=entry.option_b, order=2),
            ]
        )
        _audit(
            actor, "dilemma_of_the_month_chosen", entry.organisation, monthly, entry=entry.pk, month=month.isoformat()
        )
    return monthly


class AlreadyVoted(ValidationError):
    pass


def vote(*, monthly: MonthlyDilemma, option_id, employee: Employee, today: date | None = None) -> None:
    """One anonymous vote. The marker (who voted, as a keyed hash) and the tally (what was chosen) are written in the
    same transaction to different tables, and neither refers to the other. Nothing goes in the audit log."""
    today = today or timezone.localdate()
    if employee.organisation_id != monthly.organisation_id:
        raise ValidationError(_("This poll belongs to another organisation."))
    current = selectors.current_monthly(monthly.organisation, today=today)
    if current is None or current.pk != monthly.pk or monthly.month > selectors.first_of_month(today):
        raise ValidationError(_("This poll has closed. You can no longer vote, but you can see the results."))
    try:
        option = monthly.options.get(pk=int(option_id))
    except (MonthlyOption.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError(_("Choose one of the options.")) from exc
    marker = selectors.voter_marker(monthly, employee)
    if marker is None:
        raise ValidationError(_("This poll has closed. You can no longer vote, but you can see the results."))
    try:
        with transaction.atomic():
            MonthlyVoter.objects.create(id=secrets.token_hex(16), monthly=monthly, marker=marker)
            MonthlyOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
    except IntegrityError as exc:
        raise AlreadyVoted(_("You have voted already. Everyone can vote once; your first vote counts.")) from exc


def close_superseded_polls(*, today: date | None = None) -> int:
    """Forget the secret of every poll that a later dilemma of the month has replaced. Idempotent."""
    today = today or timezone.localdate()
    month = selectors.first_of_month(today)
    closed = 0
    for organisation_id in MonthlyDilemma.objects.values_list("organisation_id", flat=True).distinct():
        current = (
            MonthlyDilemma.objects.filter(organisation_id=organisation_id, month__lte=month)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        if current is None:
            continue
        closed += (
            MonthlyDilemma.objects.filter(organisation_id=organisation_id, month__lt=current)
            .exclude(secret=b"")
            .update(secret=b"")
        )
    return closed
