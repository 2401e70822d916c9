"""Writes of Functies & screening. Every write is atomic and leaves an audit event (identifiers and counts only).

The inventory of a position changes only through ``save_profile`` (or the review-round approval), which appends a
full snapshot to ``PositionProfileHistory``: the history is never edited.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core.models import Employee, Organisation, OrgUnit, Position, User
from plein.core.services.audit import record_event
from plein.positions.dates import default_rescreening_due, next_review_due
from plein.positions.models import (
    AREA_CODES,
    DESIGNATION_FIELDS,
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    RiskLevel,
    VogScreening,
)

RATIONALE_MAX_LENGTH = 500

# The fields of a profile that the inventory form, the import and the history deal with.
PROFILE_FIELDS = (
    "vulnerable_areas",
    "risk_level",
    "vog_required",
    "vog_screening_areas",
    "financial_interests",
    "publish_outside_activities",
    "ondermijning_relevant",
    "cybersecurity_relevant",
    "reviewed_by",
    "reviewed_on",
)


def clean_profile_values(values: dict, *, today: dt.date | None = None, require_review: bool = True) -> dict:
    """Check and normalise the values of a profile. Raises ``ValidationError`` with a message per field.

    A designation needs a review date, except while a manager reviews it in a round (``require_review=False``):
    there the review date is set when the IC approves.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    areas = values.get("vulnerable_areas") or {}
    clean_areas: dict[str, str] = {}
    for code, rationale in areas.items():
        if code not in AREA_CODES:
            errors.setdefault("vulnerable_areas", []).append(
                _("“%(code)s” is not a screening area. Use one of: %(codes)s.")
                % {"code": code, "codes": ", ".join(AREA_CODES)}
            )
            continue
        text = (rationale or "").strip()
        if len(text) > RATIONALE_MAX_LENGTH:
            errors.setdefault(f"rationale_{code}", []).append(
                _("Keep the rationale short: at most %(max)d characters.") % {"max": RATIONALE_MAX_LENGTH}
            )
        clean_areas[code] = text
    vog_areas = list(values.get("vog_screening_areas") or [])
    unknown = [code for code in vog_areas if code not in AREA_CODES]
    if unknown:
        errors.setdefault("vog_screening_areas", []).append(
            _("“%(code)s” is not a screening area.") % {"code": unknown[0]}
        )
    vog_areas = [code for code in AREA_CODES if code in vog_areas]
    if values.get("vog_required") and not vog_areas:
        errors.setdefault("vog_screening_areas", []).append(
            _("A VOG is required: choose the screening areas to ask for.")
        )
    if not values.get("vog_required") and vog_areas:
        errors.setdefault("vog_screening_areas", []).append(
            _("Screening areas are only asked for when a VOG is required. Tick “VOG required” or clear the areas.")
        )
    risk_level = values.get("risk_level") or RiskLevel.NONE
    if risk_level not in RiskLevel.values:
        errors.setdefault("risk_level", []).append(_("Choose a risk level."))
    designated = any(values.get(name) for name in DESIGNATION_FIELDS.values())
    reviewed_on = values.get("reviewed_on")
    if designated and not reviewed_on and require_review:
        errors.setdefault("reviewed_on", []).append(_("A designation needs a review date."))
    if reviewed_on and reviewed_on > today:
        errors.setdefault("reviewed_on", []).append(_("The review date cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    return {
        "vulnerable_areas": {code: clean_areas[code] for code in AREA_CODES if code in clean_areas},
        "risk_level": risk_level,
        "vog_required": bool(values.get("vog_required")),
        "vog_screening_areas": vog_areas,
        "financial_interests": bool(values.get("financial_interests")),
        "publish_outside_activities": bool(values.get("publish_outside_activities")),
        "ondermijning_relevant": bool(values.get("ondermijning_relevant")),
        "cybersecurity_relevant": bool(values.get("cybersecurity_relevant")),
        "reviewed_by": values.get("reviewed_by"),
        "reviewed_on": reviewed_on,
    }


def _snapshot(profile: PositionProfile) -> dict:
    position = profile.position
    return {
        "position_code": position.code,
        "position_title": position.title,
        "unit": position.unit.path if position.unit_id else "",
        "vulnerable_areas": dict(profile.vulnerable_areas),
        "risk_level": profile.risk_level,
        "vog_required": profile.vog_required,
        "vog_screening_areas": list(profile.vog_screening_areas),
        "financial_interests": profile.financial_interests,
        "publish_outside_activities": profile.publish_outside_activities,
        "ondermijning_relevant": profile.ondermijning_relevant,
        "cybersecurity_relevant": profile.cybersecurity_relevant,
        "reviewed_by": profile.reviewed_by_id,
        "reviewed_on": profile.reviewed_on.isoformat() if profile.reviewed_on else None,
        "next_review_due": profile.next_review_due.isoformat() if profile.next_review_due else None,
    }


def _append_history(profile: PositionProfile, *, actor: User | None, change: str, fields: list[str]) -> None:
    PositionProfileHistory.objects.create(
        profile=profile,
        organisation_id=profile.organisation_id,
        version=profile.version,
        change=change,
        changed_fields=fields,
        snapshot=_snapshot(profile),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=timezone.now(),
    )


def _apply_values(profile: PositionProfile, values: dict) -> list[str]:
    changed = []
    for name in PROFILE_FIELDS:
        new = values[name]
        old = getattr(profile, name)
        if name == "reviewed_by":
            old, new = profile.reviewed_by_id, (new.pk if new is not None else None)
            if old != new:
                profile.reviewed_by_id = new
                changed.append(name)
            continue
        if old != new:
            setattr(profile, name, new)
            changed.append(name)
    profile.is_vulnerable = bool(profile.vulnerable_areas)
    due = next_review_due(profile.reviewed_on)
    if due != profile.next_review_due:
        profile.next_review_due = due
        changed.append("next_review_due")
    return changed


def _locked_profile(position: Position) -> tuple[PositionProfile, bool]:
    profile = PositionProfile.objects.select_for_update().filter(position=position).first()
    if profile is not None:
        return profile, False
    return PositionProfile(position=position, organisation_id=position.organisation_id), True


@transaction.atomic
def save_profile(
    *,
    actor: User | None,
    position: Position,
    values: dict,
    change: str = PositionProfileHistory.Change.UPDATED,
    role: str = "",
    require_review: bool = True,
) -> PositionProfile:
    """Create or change the inventory of ``position``. Nothing is written when nothing changed.

    ``values`` holds every field of ``PROFILE_FIELDS``; it is checked with ``clean_profile_values``.
    """
    values = clean_profile_values(values, require_review=require_review)
    profile, created = _locked_profile(position)
    changed = _apply_values(profile, values)
    if not created and not changed:
        return profile
    profile.version += 1
    profile.save()
    kind = PositionProfileHistory.Change.CREATED if created and change == "updated" else change
    _append_history(profile, actor=actor, change=kind, fields=changed)
    record_event(
        actor=actor,
        action="positions.profile_saved",
        organisation=position.organisation,
        target=profile,
        role=role,
        data={"position": position.pk, "version": profile.version, "change": str(kind), "fields": changed},
    )
    return profile


def profile_values(profile: PositionProfile | None) -> dict:
    """The current values of a profile (or the empty inventory), in the shape ``save_profile`` takes."""
    if profile is None:
        return {
            "vulnerable_areas": {},
            "risk_level": RiskLevel.NONE,
            "vog_required": False,
            "vog_screening_areas": [],
            "financial_interests": False,
            "publish_outside_activities": False,
            "ondermijning_relevant": False,
            "cybersecurity_relevant": False,
            "reviewed_by": None,
            "reviewed_on": None,
        }
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    values["vulnerable_areas"] = dict(profile.vulnerable_areas)
    values["vog_screening_areas"] = list(profile.vog_screening_areas)
    return values


# --- review rounds ----------------------------------------------------------------------------------------------


@transaction.atomic
def start_round(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    unit: OrgUnit | None = None,
    due_date: dt.date | None = None,
    role: str = "",
) -> ReviewRound:
    """Start a review round for every position of the organisation, or of ``unit`` and the units below it.

    Positions that are already in another open round are left out; when that leaves nothing, nothing is started.
    """
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the round a title.")]})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": [_("The date to review before cannot be in the past.")]})
    positions = Position.objects.filter(organisation=organisation)
    if unit is not None:
        if unit.organisation_id != organisation.pk:
            raise ValidationError({"unit": [_("This unit is not part of the organisation.")]})
        positions = positions.filter(unit.subtree_q("unit__"))
    busy = ReviewItem.objects.filter(round__organisation=organisation, round__status=ReviewRound.Status.OPEN)
    positions = positions.exclude(pk__in=busy.values("position_id"))
    chosen = list(positions.values_list("pk", "unit_id", "unit__path"))
    if not chosen:
        raise ValidationError(
            _("There are no positions to review here, or they are all in a round that is still open.")
        )
    review_round = ReviewRound.objects.create(
        organisation=organisation,
        title=title,
        unit=unit,
        unit_path=unit.path if unit else "",
        due_date=due_date,
        started_by=actor,
        started_at=timezone.now(),
    )
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(round=review_round, position_id=pk, unit_id=unit_id, unit_path=path or "")
            for pk, unit_id, path in chosen
        ],
        batch_size=500,
    )
    record_event(
        actor=actor,
        action="positions.round_started",
        organisation=organisation,
        target=review_round,
        role=role,
        data={"unit": unit.pk if unit else None, "positions": len(chosen)},
    )
    return review_round


def _locked_item(item: ReviewItem) -> ReviewItem:
    return ReviewItem.objects.select_for_update(of=("self",)).select_related("round", "position").get(pk=item.pk)


@transaction.atomic
def submit_review(
    *,
    actor: User,
    item: ReviewItem,
    values: dict,
    comment: str = "",
    role: str = "",
) -> ReviewItem:
    """A manager reviews one position of an open round: the inventory as they leave it, and a comment for the IC."""
    item = _locked_item(item)
    if item.round.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This round is closed. Nothing has been saved."))
    if item.status not in ReviewItem.OPEN_STATUSES:
        raise ValidationError(_("This position has already been reviewed in this round."))
    profile = PositionProfile.objects.filter(position=item.position).first()
    # The review date and reviewer are set when the IC approves; the manager's changes keep the current ones.
    keep = profile_values(profile)
    values = {**values, "reviewed_by": keep["reviewed_by"], "reviewed_on": keep["reviewed_on"]}
    save_profile(actor=actor, position=item.position, values=values, role=role, require_review=False)
    item.status = ReviewItem.Status.SUBMITTED
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.comment = (comment or "").strip()
    item.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment"])
    record_event(
        actor=actor,
        action="positions.round_item_reviewed",
        organisation=item.round.organisation,
        target=item,
        role=role,
        data={"round": item.round_id, "position": item.position_id},
    )
    return item


@transaction.atomic
def return_item(*, actor: User, item: ReviewItem, comment: str, role: str = "") -> ReviewItem:
    """The IC sends a reviewed position back to the manager, saying why."""
    item = _locked_item(item)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Say why you send it back, so the manager knows what to change.")]})
    if item.status != ReviewItem.Status.SUBMITTED:
        raise ValidationError(_("Only a position that the manager has reviewed can be sent back."))
    item.status = ReviewItem.Status.RETURNED
    item.comment = comment
    item.save(update_fields=["status", "comment"])
    record_event(
        actor=actor,
        action="positions.round_item_returned",
        organisation=item.round.organisation,
        target=item,
        role=role,
        data={"round": item.round_id, "position": item.position_id},
    )
    return item


@transaction.atomic
def approve_items(*, actor: User, review_round: ReviewRound, items: Iterable[ReviewItem], role: str = "") -> int:
    """The IC approves reviewed positions: each gets the review date today and the manager as its reviewer.

    Returns the number approved. When every position of the round is approved, the round is completed.
    """
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if review_round.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This round is closed. Nothing has been saved."))
    ids = [item.pk for item in items]
    locked = list(
        ReviewItem.objects.select_for_update(of=("self",))
        .filter(round=review_round, pk__in=ids, status=ReviewItem.Status.SUBMITTED)
        .select_related("position", "position__unit", "reviewed_by")
    )
    if not locked:
        raise ValidationError(_("There is nothing to approve: no position has been reviewed and not yet approved."))
    today = timezone.localdate()
    now = timezone.now()
    for item in locked:
        profile, created = _locked_profile(item.position)
        values = profile_values(None if created else profile)
        values["reviewed_by"] = item.reviewed_by or actor
        values["reviewed_on"] = today
        changed = _apply_values(profile, clean_profile_values(values))
        profile.version += 1
        profile.save()
        _append_history(profile, actor=actor, change=PositionProfileHistory.Change.ROUND_APPROVED, fields=changed)
        item.status = ReviewItem.Status.APPROVED
        item.approved_by = actor
        item.approved_at = now
    ReviewItem.objects.bulk_update(locked, ["status", "approved_by", "approved_at"])
    completed = not review_round.items.exclude(status=ReviewItem.Status.APPROVED).exists()
    if completed:
        review_round.status = ReviewRound.Status.COMPLETED
        review_round.completed_at = now
        review_round.save(update_fields=["status", "completed_at"])
    record_event(
        actor=actor,
        action="positions.round_items_approved",
        organisation=review_round.organisation,
        target=review_round,
        role=role,
        data={"approved": len(locked), "completed": completed},
    )
    return len(locked)


# --- screening of people ----------------------------------------------------------------------------------------


def _clean_vog_dates(
    *,
    requested_on: dt.date,
    received_on: dt.date | None,
    valid_from: dt.date | None,
    rescreening_due: dt.date | None,
) -> dt.date | None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if requested_on is None:
        errors["requested_on"] = [_("Fill in the date the VOG was requested.")]
    elif requested_on > today:
        errors["requested_on"] = [_("The request date cannot be in the future.")]
    if received_on is not None:
        if received_on > today:
            errors["received_on"] = [_("The date received cannot be in the future.")]
        elif requested_on is not None and received_on < requested_on:
            errors["received_on"] = [_("The VOG cannot be received before it was requested.")]
    if valid_from is not None and received_on is None:
        errors["valid_from"] = [_("Fill in the date received too: a VOG date is known only once it is received.")]
    if valid_from is not None and received_on is not None and valid_from > received_on:
        errors["valid_from"] = [_("The date on the VOG cannot be after the date it was received.")]
    if rescreening_due is not None and valid_from is not None and rescreening_due <= valid_from:
        errors["rescreening_due"] = [_("Re-screening must be due after the date on the VOG.")]
    if errors:
        raise ValidationError(errors)
    return rescreening_due or default_rescreening_due(valid_from)


@transaction.atomic
def record_vog(
    *,
    actor: User,
    employee: Employee,
    requested_on: dt.date,
    received_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    rescreening_due: dt.date | None = None,
    role: str = "",
) -> VogScreening:
    """Record a VOG request for a person (dates only; the certificate itself is never stored).

    Without a re-screening date, re-screening is due ``VOG_RESCREENING_YEARS`` after the date on the VOG.
    """
    rescreening_due = _clean_vog_dates(
        requested_on=requested_on, received_on=received_on, valid_from=valid_from, rescreening_due=rescreening_due
    )
    screening = VogScreening.objects.create(
        organisation_id=employee.organisation_id,
        employee=employee,
        position_id=employee.position_id,
        requested_on=requested_on,
        received_on=received_on,
        valid_from=valid_from,
        rescreening_due=rescreening_due,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="positions.vog_recorded",
        organisation=employee.organisation,
        target=screening,
        role=role,
        data={"employee": employee.pk},
    )
    return screening


@transaction.atomic
def update_vog(
    *,
    actor: User,
    screening: VogScreening,
    requested_on: dt.date,
    received_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    rescreening_due: dt.date | None = None,
    role: str = "",
) -> VogScreening:
    """Correct or complete the dates of a VOG screening (for example when the VOG arrives)."""
    screening = VogScreening.objects.select_for_update().get(pk=screening.pk)
    rescreening_due = _clean_vog_dates(
        requested_on=requested_on, received_on=received_on, valid_from=valid_from, rescreening_due=rescreening_due
    )
    new = {
        "requested_on": requested_on,
        "received_on": received_on,
        "valid_from": valid_from,
        "rescreening_due": rescreening_due,
    }
    changed = [name for name, value in new.items() if getattr(screening, name) != value]
    if not changed:
        return screening
    for name in changed:
        setattr(screening, name, new[name])
    screening.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor,
        action="positions.vog_updated",
        organisation=screening.employee.organisation,
        target=screening,
        role=role,
        data={"employee": screening.employee_id, "fields": changed},
    )
    return screening


@transaction.atomic
def record_outside_activities_talk(
    *, actor: User, employee: Employee, held_on: dt.date, role: str = ""
) -> OutsideActivitiesTalk:
    """Record that the talk about outside activities was held at the employment-terms interview."""
    if held_on is None or held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("Fill in the date of the talk; it cannot be in the future.")]})
    talk, created = OutsideActivitiesTalk.objects.update_or_create(
        employee=employee,
        defaults={"organisation_id": employee.organisation_id, "held_on": held_on, "recorded_by": actor},
    )
    record_event(
        actor=actor,
        action="positions.outside_activities_talk_recorded",
        organisation=employee.organisation,
        target=talk,
        role=role,
        data={"employee": employee.pk, "created": created},
    )
    return talk


# --- import -----------------------------------------------------------------------------------------------------


@dataclass
class ImportEntry:
    """One checked row of ``import_positions``: the position (None when new) and the cleaned profile values."""

    line: int
    code: str
    title: str
    unit: OrgUnit | None
    position: Position | None
    values: dict


def _position_changed(entry: ImportEntry) -> bool:
    position = entry.position
    return position.title != entry.title or position.unit_id != (entry.unit.pk if entry.unit else None)


def _profile_would_change(entry: ImportEntry) -> bool:
    profile = _profile_or_none(entry.position)
    if profile is None:
        return True
    current = profile_values(profile)
    new = dict(entry.values)
    current["reviewed_by"] = profile.reviewed_by_id
    new["reviewed_by"] = new["reviewed_by"].pk if new["reviewed_by"] is not None else None
    return current != new


def _profile_or_none(position: Position | None) -> PositionProfile | None:
    if position is None:
        return None
    try:
        return position.profile
    except PositionProfile.DoesNotExist:
        return None


def plan_position_import(entries: list[ImportEntry]) -> tuple[int, int, int]:
    """(created, updated, unchanged) for checked entries, without writing. No queries when positions were
    selected with their unit and profile."""
    created = updated = unchanged = 0
    for entry in entries:
        if entry.position is None:
            created += 1
        elif _position_changed(entry) or _profile_would_change(entry):
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


@transaction.atomic
def import_positions(
    *, actor: User | None, organisation: Organisation, entries: list[ImportEntry], role: str = ""
) -> dict[str, int]:
    """Write checked import entries: positions created or updated, profiles and their history in bulk, and one audit
    event. A fixed number of queries per batch, whatever the size of the file."""
    new_positions = []
    for entry in entries:
        if entry.position is None:
            entry.position = Position(organisation=organisation, code=entry.code, title=entry.title, unit=entry.unit)
            new_positions.append(entry.position)
    Position.objects.bulk_create(new_positions, batch_size=500)
    new_ids = {id(position) for position in new_positions}
    moved = []
    for entry in entries:
        if id(entry.position) not in new_ids and _position_changed(entry):
            entry.position.title = entry.title
            entry.position.unit = entry.unit
            moved.append(entry.position)
    Position.objects.bulk_update(moved, ["title", "unit"], batch_size=500)
    now = timezone.now()
    new_profiles, changed_profiles, history_for = [], [], []
    for entry in entries:
        profile = None if id(entry.position) in new_ids else _profile_or_none(entry.position)
        created = profile is None
        if created:
            profile = PositionProfile(position=entry.position, organisation=organisation)
        changed = _apply_values(profile, entry.values)
        if not created and not changed:
            continue
        profile.version += 1
        profile.updated_at = now
        (new_profiles if created else changed_profiles).append(profile)
        history_for.append((profile, changed))
    PositionProfile.objects.bulk_create(new_profiles, batch_size=500)
    PositionProfile.objects.bulk_update(
        changed_profiles,
        [*PROFILE_FIELDS, "is_vulnerable", "next_review_due", "version", "updated_at"],
        batch_size=500,
    )
    PositionProfileHistory.objects.bulk_create(
        [
            PositionProfileHistory(
                profile=profile,
                organisation=organisation,
                version=profile.version,
                change=PositionProfileHistory.Change.IMPORTED,
                changed_fields=changed,
                snapshot=_snapshot(profile),
                changed_by=actor if getattr(actor, "is_authenticated", False) else None,
                changed_at=now,
            )
            for profile, changed in history_for
        ],
        batch_size=500,
    )
    counts = {
        "positions_created": len(new_positions),
        "positions_updated": len(moved),
        "profiles_created": len(new_profiles),
        "profiles_updated": len(changed_profiles),
    }
    record_event(actor=actor, action="positions.imported", organisation=organisation, role=role, data=counts)
    return counts
