"""Writes of the declarations. Keyword-only arguments, one transaction each, and an audit event without content.

Bad input raises ``ValidationError`` with a message for the user, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from plein.core.models import Employee, Organisation, OrgUnit, Position, User
from plein.core.services.audit import record_event
from plein.declarations import conf, selectors
from plein.declarations.models import (
    FINAL_DECISIONS,
    MAX_HOURS_PER_MONTH,
    ActivityEvent,
    Campaign,
    CampaignReminder,
    Candidate,
    Decision,
    FinancialInterest,
    FinancialStatement,
    Gift,
    GiftDecision,
    OutsideActivity,
    Participant,
)
from plein.positions.selectors import positions_designated_for

# The declared fields of an outside activity: what the employee fills in and what a history snapshot holds.
DECLARED_FIELDS = (
    "external_organisation",
    "role",
    "paid",
    "hours_per_month",
    "start_date",
    "end_date",
    "relation_to_work",
    "conflict_of_interest",
    "uses_information",
    "time_burden",
    "reputation_risk",
    "risk_explanation",
)
RISK_FIELDS = ("conflict_of_interest", "uses_information", "time_burden", "reputation_risk")
TEXT_LIMITS = {"external_organisation": 200, "role": 300}


def _audit(actor: User | None, action: str, organisation: Organisation, target=None, **data) -> None:
    record_event(
        actor=actor,
        action=action,
        organisation=organisation,
        target=target,
        role=selectors.acting_role(actor),
        data=data,
    )


def _now() -> dt.datetime:
    return timezone.now()


def _actor_name(actor: User | None) -> str:
    return str(actor) if actor is not None else ""


def _event(item: OutsideActivity, kind: str, actor: User | None, **fields) -> ActivityEvent:
    return ActivityEvent.objects.create(
        activity=item, kind=kind, occurred_at=_now(), actor=actor, actor_name=_actor_name(actor), **fields
    )


def _snapshot(item: OutsideActivity) -> dict:
    out = {}
    for name in DECLARED_FIELDS:
        value = getattr(item, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


# --- outside activities ----------------------------------------------------------------------------------------------


def clean_declared(data: dict, *, imported: bool = False) -> dict:
    """Check the declared fields; returns them cleaned. Raises ``ValidationError`` with every problem at once."""
    errors: list[str] = []
    out = {name: data.get(name) for name in DECLARED_FIELDS}
    for name in ("external_organisation", "role"):
        out[name] = (out[name] or "").strip()
        if not out[name]:
            errors.append(
                _("Enter the organisation where you do the activity.")
                if name == "external_organisation"
                else _("Describe your role or the activity.")
            )
        elif len(out[name]) > TEXT_LIMITS[name]:
            errors.append(_("The text is too long: at most %(max)d characters.") % {"max": TEXT_LIMITS[name]})
    for name in ("relation_to_work", "risk_explanation"):
        out[name] = (out[name] or "").strip()
    if out["paid"] is None:
        errors.append(_("Say whether the activity is paid."))
    hours = out["hours_per_month"]
    if hours is None or isinstance(hours, bool) or not isinstance(hours, int):
        errors.append(_("Enter the hours per month as a whole number from 0 to 744."))
    elif not 0 <= hours <= MAX_HOURS_PER_MONTH:
        errors.append(
            _("The hours per month must be from 0 to %(max)d (a month has at most 744 hours).")
            % {"max": MAX_HOURS_PER_MONTH}
        )
    if out["start_date"] is None:
        errors.append(_("Enter the start date."))
    elif out["end_date"] is not None and out["end_date"] < out["start_date"]:
        errors.append(_("The end date cannot be before the start date."))
    if not imported:
        for name in RISK_FIELDS:
            if out[name] is None:
                errors.append(_("Answer every risk question with yes or no."))
                break
    if errors:
        raise ValidationError(errors)
    return out


def _status_for(item: OutsideActivity, *, position: Position | None) -> str:
    item.advice_needed = bool(any(getattr(item, name) for name in RISK_FIELDS)) or selectors.advice_called_for(
        None, position
    )
    if item.advice_needed and not item.advice_on:
        return OutsideActivity.Status.AWAITING_ADVICE
    return OutsideActivity.Status.AWAITING_DECISION


def declare_activity(*, actor: User, employee: Employee, data: dict, today: dt.date) -> OutsideActivity:
    """An employee declares an outside activity. The IC's advice is needed when a risk answer is yes or the position
    calls for it; otherwise it goes straight to the manager."""
    cleaned = clean_declared(data)
    with transaction.atomic():
        item = OutsideActivity(
            organisation=employee.organisation,
            employee=employee,
            source=OutsideActivity.Source.EMPLOYEE,
            declared_on=today,
            last_confirmed_on=today,
            **cleaned,
        )
        item.status = _status_for(item, position=employee.position)
        item.save()
        _event(item, ActivityEvent.Kind.DECLARED, actor, snapshot=_snapshot(item))
        _audit(actor, "declarations.activity_declared", employee.organisation, item, advice_needed=item.advice_needed)
    return item


def record_candidate_activity(*, actor: User, candidate: Candidate, data: dict, today: dt.date) -> OutsideActivity:
    """HR or the IC records an outside activity of a candidate at the employment-terms interview."""
    if candidate.employee_id is not None:
        raise ValidationError(_("This candidate is in service now. The employee declares further activities themself."))
    cleaned = clean_declared(data)
    with transaction.atomic():
        item = OutsideActivity(
            organisation=candidate.organisation,
            candidate=candidate,
            source=OutsideActivity.Source.INTERVIEW,
            declared_on=today,
            last_confirmed_on=today,
            **cleaned,
        )
        item.status = _status_for(item, position=candidate.position)
        item.save()
        if candidate.has_no_activities:
            Candidate.objects.filter(pk=candidate.pk).update(has_no_activities=False)
            candidate.has_no_activities = False
        _event(item, ActivityEvent.Kind.RECORDED_AT_INTERVIEW, actor, snapshot=_snapshot(item))
        _audit(actor, "declarations.interview_activity_recorded", candidate.organisation, item)
    return item


def _locked(item: OutsideActivity) -> OutsideActivity:
    return (
        OutsideActivity.objects.select_for_update(of=("self",)).select_related("employee", "candidate").get(pk=item.pk)
    )


def _ensure_not_ended(item: OutsideActivity, today: dt.date) -> None:
    if item.ended_on is not None or item.has_ended(today):
        raise ValidationError(_("This activity has ended. Declare a new activity instead."))


def change_activity(*, actor: User, activity: OutsideActivity, data: dict, today: dt.date) -> OutsideActivity:
    """The employee changes the declaration. It is assessed again: any decision is reopened (kept in the history)."""
    cleaned = clean_declared(data)
    with transaction.atomic():
        item = _locked(activity)
        _ensure_not_ended(item, today)
        if all(getattr(item, name) == value for name, value in cleaned.items()):
            raise ValidationError(_("Nothing has changed. Change a field, or go back."))
        for name, value in cleaned.items():
            setattr(item, name, value)
        previous = item.decision
        item.decision = Decision.PENDING
        item.decided_on = None
        item.decided_by = None
        item.advice_on = None
        item.advice = ""
        position = item.employee.position if item.employee_id else (item.candidate.position if item.candidate else None)
        item.status = _status_for(item, position=position)
        item.version += 1
        item.last_confirmed_on = today
        item.save()
        _event(item, ActivityEvent.Kind.CHANGED, actor, decision=previous, snapshot=_snapshot(item))
        _audit(actor, "declarations.activity_changed", item.organisation, item, version=item.version)
    return item


def object_to_decision(*, actor: User, activity: OutsideActivity, reasons: str, today: dt.date) -> OutsideActivity:
    """The employee objects to the decision. The declaration is reopened for a new decision."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Explain why you object to the decision."))
    with transaction.atomic():
        item = _locked(activity)
        if item.status != OutsideActivity.Status.DECIDED:
            raise ValidationError(_("There is no decision to object to yet."))
        _ensure_not_ended(item, today)
        previous = item.decision
        item.decision = Decision.PENDING
        item.decided_on = None
        item.decided_by = None
        item.status = OutsideActivity.Status.AWAITING_DECISION
        item.save()
        _event(item, ActivityEvent.Kind.OBJECTED, actor, decision=previous, text=reasons)
        _audit(actor, "declarations.activity_objected", item.organisation, item)
    return item


def request_advice(*, actor: User, activity: OutsideActivity, question: str, today: dt.date) -> OutsideActivity:
    """The manager asks the IC for advice before deciding."""
    with transaction.atomic():
        item = _locked(activity)
        if item.status != OutsideActivity.Status.AWAITING_DECISION:
            raise ValidationError(_("Advice can only be asked while the declaration waits for a decision."))
        item.status = OutsideActivity.Status.AWAITING_ADVICE
        item.advice_needed = True
        item.advice_on = None
        item.advice = ""
        item.save()
        _event(item, ActivityEvent.Kind.ADVICE_REQUESTED, actor, text=(question or "").strip())
        _audit(actor, "declarations.advice_requested", item.organisation, item)
    return item


def give_advice(*, actor: User, activity: OutsideActivity, advice: str, today: dt.date) -> OutsideActivity:
    advice = (advice or "").strip()
    if not advice:
        raise ValidationError(_("Write your advice."))
    with transaction.atomic():
        item = _locked(activity)
        if item.status != OutsideActivity.Status.AWAITING_ADVICE:
            raise ValidationError(_("This declaration does not wait for advice."))
        item.advice = advice
        item.advice_on = today
        item.status = OutsideActivity.Status.AWAITING_DECISION
        item.save()
        _event(item, ActivityEvent.Kind.ADVICE_GIVEN, actor, text=advice)
        _audit(actor, "declarations.advice_given", item.organisation, item)
    return item


def decide_activity(
    *,
    actor: User,
    activity: OutsideActivity,
    decision: str,
    reasons: str,
    conditions: str = "",
    today: dt.date,
    as_coordinator: bool = False,
) -> OutsideActivity:
    """Decide: allowed, allowed with conditions, or refused, with reasons.

    Fails on a declaration that is decided already (unless it was reopened by an objection or a change), and, for
    a manager, while the IC's advice is still awaited. ``as_coordinator``: the IC may decide without waiting.
    """
    reasons = (reasons or "").strip()
    conditions = (conditions or "").strip()
    if decision not in FINAL_DECISIONS:
        raise ValidationError(_("Choose a decision: allowed, allowed with conditions, or refused."))
    if not reasons:
        raise ValidationError(_("Give the reasons for the decision."))
    if decision == Decision.ALLOWED_WITH_CONDITIONS and not conditions:
        raise ValidationError(_("Write down the conditions."))
    if decision != Decision.ALLOWED_WITH_CONDITIONS:
        conditions = ""
    with transaction.atomic():
        item = _locked(activity)
        if item.status == OutsideActivity.Status.DECIDED:
            raise ValidationError(
                _(
                    "This declaration has been decided already. A new decision is possible only after the employee "
                    "objects or changes the declaration."
                )
            )
        if item.status == OutsideActivity.Status.AWAITING_ADVICE and not as_coordinator:
            raise ValidationError(_("Wait for the advice of the integrity coordinator before you decide."))
        item.decision = decision
        item.decision_reasons = reasons
        item.conditions = conditions
        item.decided_on = today
        item.decided_by = actor
        item.status = OutsideActivity.Status.DECIDED
        item.save()
        _event(item, ActivityEvent.Kind.DECIDED, actor, decision=decision, text=reasons, conditions=conditions)
        _audit(actor, "declarations.activity_decided", item.organisation, item, decision=decision)
    return item


def end_activity(*, actor: User, activity: OutsideActivity, end_date: dt.date, today: dt.date) -> OutsideActivity:
    """Record that the activity ended (or will end) on ``end_date``."""
    if end_date is None:
        raise ValidationError(_("Enter the date on which the activity ended."))
    with transaction.atomic():
        item = _locked(activity)
        if item.ended_on is not None:
            raise ValidationError(_("The end of this activity has been recorded already."))
        if end_date < item.start_date:
            raise ValidationError(_("The end date cannot be before the start date."))
        item.end_date = end_date
        item.ended_on = today
        item.save()
        _event(item, ActivityEvent.Kind.ENDED, actor, text=end_date.isoformat(), snapshot=_snapshot(item))
        _audit(actor, "declarations.activity_ended", item.organisation, item)
    return item


# --- candidates (employment-terms interview) ---------------------------------------------------------------------


def create_candidate(
    *,
    actor: User,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    start_date: dt.date,
    interview_on: dt.date,
    infix: str = "",
    email: str = "",
    position: Position | None = None,
    unit: OrgUnit | None = None,
    has_no_activities: bool = False,
) -> Candidate:
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ValidationError(_("Enter the first and last name of the candidate."))
    if interview_on > start_date:
        raise ValidationError(_("The employment-terms interview is held before the start date. Check both dates."))
    with transaction.atomic():
        candidate = Candidate.objects.create(
            organisation=organisation,
            first_name=first_name,
            infix=(infix or "").strip(),
            last_name=last_name,
            email=(email or "").strip(),
            position=position,
            unit=unit,
            start_date=start_date,
            interview_on=interview_on,
            has_no_activities=has_no_activities,
            recorded_by=actor,
        )
        _audit(actor, "declarations.candidate_created", organisation, candidate)
    return candidate


def attach_candidate(*, actor: User, candidate: Candidate, employee: Employee) -> int:
    """On hiring: the candidate's declarations become the employee's. Returns how many were attached."""
    if employee.organisation_id != candidate.organisation_id:
        raise ValidationError(_("This employee belongs to another organisation."))
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.employee_id is not None:
            raise ValidationError(_("This candidate has been attached to an employee already."))
        if Candidate.objects.filter(employee=employee).exists():
            raise ValidationError(_("Another candidate has been attached to this employee already."))
        locked.employee = employee
        locked.hired_at = _now()
        locked.save(update_fields=["employee", "hired_at"])
        items = list(OutsideActivity.objects.select_for_update().filter(candidate=locked))
        for item in items:
            item.employee = employee
            item.save(update_fields=["employee", "updated_at"])
            _event(item, ActivityEvent.Kind.ATTACHED, actor)
        candidate.employee, candidate.hired_at = locked.employee, locked.hired_at
        _audit(actor, "declarations.candidate_hired", candidate.organisation, candidate, activities=len(items))
    return len(items)


# --- campaigns -------------------------------------------------------------------------------------------------------


def start_campaign(
    *,
    actor: User,
    organisation: Organisation,
    year: int,
    scope: str,
    deadline: dt.date,
    message: str = "",
    today: dt.date,
) -> Campaign:
    """Start the yearly campaign: every employee in service (or those in designated positions) takes part."""
    if scope not in Campaign.Scope.values:
        raise ValidationError(_("Choose who takes part."))
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    with transaction.atomic():
        if Campaign.objects.filter(organisation=organisation, year=year).exists():
            raise ValidationError(_("There is a campaign for %(year)d already.") % {"year": year})
        if Campaign.objects.filter(organisation=organisation, closed_on__isnull=True).exists():
            raise ValidationError(_("Another campaign is still open. Close it first."))
        financial = set(positions_designated_for("financial_interests", organisation).values_list("pk", flat=True))
        published = set(
            positions_designated_for("publish_outside_activities", organisation).values_list("pk", flat=True)
        )
        people = (
            Employee.objects.in_service(today).filter(organisation=organisation).only("pk", "unit_id", "position_id")
        )
        if scope == Campaign.Scope.DESIGNATED:
            people = people.filter(position__in=financial | published)
        people = list(people)
        if not people:
            raise ValidationError(_("Nobody would take part: there is nobody in service in a designated position."))
        campaign = Campaign.objects.create(
            organisation=organisation,
            year=year,
            scope=scope,
            started_on=today,
            deadline=deadline,
            message=(message or "").strip(),
            started_by=actor,
        )
        Participant.objects.bulk_create(
            [
                Participant(
                    campaign=campaign,
                    employee_id=e.pk,
                    unit_id=e.unit_id,
                    financial_interests_required=e.position_id in financial,
                )
                for e in people
            ],
            batch_size=500,
        )
        _audit(actor, "declarations.campaign_started", organisation, campaign, participants=len(people))
    return campaign


def close_campaign(*, actor: User, campaign: Campaign, today: dt.date) -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_on is not None:
            raise ValidationError(_("This campaign has been closed already."))
        locked.closed_on = today
        locked.save(update_fields=["closed_on"])
        CampaignReminder.objects.filter(
            participant__campaign=locked, sent_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=_now())
        _audit(actor, "declarations.campaign_closed", locked.organisation, locked)
    campaign.closed_on = locked.closed_on
    return campaign


def confirm_participation(
    *, actor: User, participant: Participant, response: str, financial_response: str = "", today: dt.date
) -> Participant:
    """The employee confirms that their declarations are complete, or that they have none.

    Every current activity gets a confirmation in its history and a new "last confirmed" date. "I have none" is
    refused while current activities are declared: end them first (or declare them ended).
    """
    if response not in Participant.Response.values:
        raise ValidationError(_("Choose whether your declarations are complete or you have no outside activities."))
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("campaign", "employee")
            .get(pk=participant.pk)
        )
        if not locked.campaign.is_open:
            raise ValidationError(_("This campaign has been closed."))
        if locked.financial_interests_required and financial_response not in Participant.FinancialResponse.values:
            raise ValidationError(_("Say whether your financial interests are declared completely, or you have none."))
        if not locked.financial_interests_required:
            financial_response = ""
        current = selectors.current_activities(locked.employee, today)
        if response == Participant.Response.NONE and current:
            raise ValidationError(
                _(
                    "You still have %(n)d current outside activities. Record their end first, or confirm that "
                    "your declarations are complete."
                )
                % {"n": len(current)}
            )
        if response == Participant.Response.CONFIRMED and not current:
            response = Participant.Response.NONE
        for item in current:
            OutsideActivity.objects.filter(pk=item.pk).update(last_confirmed_on=today, updated_at=_now())
            _event(item, ActivityEvent.Kind.CONFIRMED, actor, text=str(locked.campaign.year))
        locked.response = response
        locked.financial_response = financial_response
        locked.activities_confirmed = len(current)
        locked.confirmed_at = _now()
        locked.save(update_fields=["response", "financial_response", "activities_confirmed", "confirmed_at"])
        if financial_response:
            FinancialStatement.objects.create(
                organisation=locked.campaign.organisation,
                employee=locked.employee,
                made_on=today,
                has_interests=financial_response == Participant.FinancialResponse.COMPLETE,
                campaign=locked.campaign,
            )
        CampaignReminder.objects.filter(participant=locked, sent_at__isnull=True, cancelled_at__isnull=True).update(
            cancelled_at=_now()
        )
        _audit(
            actor,
            "declarations.campaign_confirmed",
            locked.campaign.organisation,
            locked.campaign,
            participant=locked.pk,
            activities=len(current),
        )
    return locked


def plan_reminders(*, organisation: Organisation, today: dt.date) -> list[int]:
    """Plan today's campaign reminders; returns the ids of every reminder still to be sent.

    Each open participation gets one reminder per reminder moment reached (days before the deadline); the latest
    moment only, so that a late start does not send a burst. The unique constraint makes this idempotent.
    """
    days_options = conf.reminder_days_before()
    planned: list[CampaignReminder] = []
    open_campaigns = Campaign.objects.filter(organisation=organisation, closed_on__isnull=True, started_on__lte=today)
    for campaign in open_campaigns:
        left = (campaign.deadline - today).days
        reached = [d for d in days_options if left <= d]
        if not reached:
            continue
        moment = min(reached)
        for participant_id in Participant.objects.filter(campaign=campaign, confirmed_at__isnull=True).values_list(
            "pk", flat=True
        ):
            planned.append(CampaignReminder(participant_id=participant_id, days_before_deadline=moment))
    with transaction.atomic():
        CampaignReminder.objects.bulk_create(planned, ignore_conflicts=True, batch_size=500)
    return list(
        CampaignReminder.objects.filter(
            participant__campaign__organisation=organisation,
            participant__campaign__closed_on__isnull=True,
            sent_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def deliver_reminder(*, reminder_id: int, today: dt.date) -> bool:
    """Send one planned reminder, at most once (row lock + ``sent_at``). Returns whether an e-mail was sent."""
    from django.urls import reverse

    with transaction.atomic():
        reminder = (
            CampaignReminder.objects.select_for_update()
            .filter(pk=reminder_id, sent_at__isnull=True, cancelled_at__isnull=True)
            .select_related("participant", "participant__employee", "participant__campaign")
            .first()
        )
        if reminder is None:
            return False
        participant = reminder.participant
        address = participant.employee.email
        if participant.confirmed_at is not None or not participant.campaign.is_open or not address:
            reminder.cancelled_at = _now()
            reminder.save(update_fields=["cancelled_at"])
            return False
        context = {
            "employee": participant.employee,
            "campaign": participant.campaign,
            "deadline": date_format(participant.campaign.deadline, "j F Y"),
            "financial": participant.financial_interests_required,
            "url": _site_url(reverse("declarations:confirm")),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("declarations/email/reminder_subject.txt", context).split())
            body = render_to_string("declarations/email/reminder.txt", context)
        EmailMessage(subject=subject, body=body, to=[address]).send()
        reminder.sent_at = _now()
        reminder.save(update_fields=["sent_at"])
    return True


# --- financial interests ---------------------------------------------------------------------------------------------


def _require_financial_designation(employee: Employee) -> None:
    if not selectors.financial_interests_required(employee):
        raise ValidationError(
            _("Your position is not designated for declaring financial interests. You do not need to declare them.")
        )


def declare_financial_interest(
    *,
    actor: User,
    employee: Employee,
    kind: str,
    description: str,
    institution: str,
    today: dt.date,
    transaction_date: dt.date | None = None,
    relation_to_work: str = "",
) -> FinancialInterest:
    _require_financial_designation(employee)
    description, institution = (description or "").strip(), (institution or "").strip()
    if kind not in FinancialInterest.Kind.values:
        raise ValidationError(_("Choose a financial interest or a securities transaction."))
    if not description or not institution:
        raise ValidationError(_("Describe the interest and name the company or institution."))
    if kind == FinancialInterest.Kind.TRANSACTION and transaction_date is None:
        raise ValidationError(_("Enter the date of the transaction."))
    if transaction_date is not None and transaction_date > today:
        raise ValidationError(_("The transaction date cannot be in the future."))
    with transaction.atomic():
        interest = FinancialInterest.objects.create(
            organisation=employee.organisation,
            employee=employee,
            kind=kind,
            description=description,
            institution=institution,
            transaction_date=transaction_date if kind == FinancialInterest.Kind.TRANSACTION else None,
            relation_to_work=(relation_to_work or "").strip(),
            declared_on=today,
        )
        _audit(actor, "declarations.financial_interest_declared", employee.organisation, interest)
    return interest


def make_financial_statement(
    *, actor: User, employee: Employee, has_interests: bool, today: dt.date
) -> FinancialStatement:
    """The employee declares their financial interests complete, or that they have none."""
    _require_financial_designation(employee)
    if has_interests and not FinancialInterest.objects.filter(employee=employee).exists():
        raise ValidationError(_("You have not declared any financial interest yet. Declare them first."))
    with transaction.atomic():
        statement = FinancialStatement.objects.create(
            organisation=employee.organisation, employee=employee, made_on=today, has_interests=has_interests
        )
        _audit(actor, "declarations.financial_statement_made", employee.organisation, statement)
    return statement


def review_financial_interest(
    *, actor: User, interest: FinancialInterest, assessment: str, note: str, today: dt.date
) -> FinancialInterest:
    if assessment not in FinancialInterest.Assessment.values:
        raise ValidationError(_("Choose an assessment."))
    note = (note or "").strip()
    if assessment == FinancialInterest.Assessment.MEASURES and not note:
        raise ValidationError(_("Describe the measures that were agreed."))
    with transaction.atomic():
        locked = FinancialInterest.objects.select_for_update().get(pk=interest.pk)
        if locked.status == FinancialInterest.Status.REVIEWED:
            raise ValidationError(_("This declaration has been reviewed already."))
        locked.status = FinancialInterest.Status.REVIEWED
        locked.assessment = assessment
        locked.review_note = note
        locked.reviewed_on = today
        locked.reviewed_by = actor
        locked.save()
        _audit(actor, "declarations.financial_interest_reviewed", locked.organisation, locked)
    return locked


# --- gifts and invitations -------------------------------------------------------------------------------------------


def clean_value(value) -> Decimal:
    """The estimated value in euros: not negative, not absurdly high, at most two decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the estimated value as an amount in euros, for example 25 or 25.50.")) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter the estimated value as an amount in euros, for example 25 or 25.50."))
    if amount < 0:
        raise ValidationError(_("The estimated value cannot be negative."))
    maximum = conf.gift_max_value()
    if amount > maximum:
        raise ValidationError(
            _("An estimated value above EUR %(max)s is not plausible. Check the amount.")
            % {"max": number_format(maximum, decimal_pos=0, force_grouping=True)}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Enter the value in euros and cents, with at most two decimals."))
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class GiftInput:
    kind: str
    direction: str
    counterparty: str
    description: str
    occasion: str
    estimated_value: Decimal | str | int
    date: dt.date


def declare_gift(*, actor: User, employee: Employee, data: GiftInput, today: dt.date) -> Gift:
    """Register a gift or invitation. Up to the threshold it is accepted automatically; above it the manager or the
    integrity coordinator decides."""
    value = clean_value(data.estimated_value)
    texts = {name: (getattr(data, name) or "").strip() for name in ("counterparty", "description", "occasion")}
    if data.kind not in Gift.Kind.values or data.direction not in Gift.Direction.values:
        raise ValidationError(_("Choose gift or invitation, and received or offered."))
    if not all(texts.values()):
        raise ValidationError(_("Fill in from or to whom, what it is, and the occasion."))
    if data.date is None:
        raise ValidationError(_("Enter the date."))
    if data.date > today + dt.timedelta(days=366):
        raise ValidationError(_("The date is more than a year ahead. Check the date."))
    auto = value <= conf.gift_threshold()
    with transaction.atomic():
        gift = Gift.objects.create(
            organisation=employee.organisation,
            employee=employee,
            kind=data.kind,
            direction=data.direction,
            estimated_value=value,
            date=data.date,
            declared_on=today,
            decision=GiftDecision.AUTO_ACCEPTED if auto else GiftDecision.PENDING,
            decided_on=today if auto else None,
            **texts,
        )
        _audit(actor, "declarations.gift_declared", employee.organisation, gift, automatic=auto)
    return gift


GIFT_DECISIONS = (GiftDecision.KEEP, GiftDecision.RETURN, GiftDecision.HAND_OVER)


def decide_gift(*, actor: User, gift: Gift, decision: str, note: str, today: dt.date) -> Gift:
    if decision not in GIFT_DECISIONS:
        raise ValidationError(_("Choose: keep, return, or hand over to the organisation."))
    with transaction.atomic():
        locked = Gift.objects.select_for_update().get(pk=gift.pk)
        if locked.decision != GiftDecision.PENDING:
            raise ValidationError(_("A decision has been made on this gift or invitation already."))
        locked.decision = decision
        locked.decision_note = (note or "").strip()
        locked.decided_on = today
        locked.decided_by = actor
        locked.save()
        _audit(actor, "declarations.gift_decided", locked.organisation, locked, decision=decision)
    return locked
