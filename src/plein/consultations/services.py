"""Writes to the consultations register: keyword-only arguments, one transaction, an audit event.

The audit log gets identifiers and codes only: never the note, the name of the person who asked, or a removal reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.consultations import selectors
from plein.consultations.defaults import DEFAULT_ACTIONS, DEFAULT_TOPICS
from plein.consultations.models import (
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    Action,
    Consultation,
    ConsultationEvent,
    ConsultationSettings,
    Requester,
    Topic,
)
from plein.core.models import Organisation, User
from plein.core.services.audit import record_event

MIN_REASON_LENGTH = 5
LIST_MODELS = {"topic": Topic, "action": Action}


@dataclass
class ConsultationInput:
    date: dt.date
    requester: str
    topic: Topic
    action: Action
    note: str = ""
    asker_name: str = ""


def _audit(actor, event: str, organisation, target=None, **data) -> None:
    record_event(
        actor=actor,
        action=event,
        organisation=organisation,
        target=target,
        role=selectors.acting_role(actor),
        data=data,
    )


# --- the lists -------------------------------------------------------------------------------------------------------


def ensure_default_lists(organisation: Organisation) -> None:
    """Give an organisation the default topics and actions the first time the register is used. Idempotent."""
    for model, defaults in ((Topic, DEFAULT_TOPICS), (Action, DEFAULT_ACTIONS)):
        if model.objects.filter(organisation=organisation).exists():
            continue
        with transaction.atomic():
            model.objects.bulk_create(
                [
                    model(organisation=organisation, code=code, name_nl=nl, name_en=en, order=(i + 1) * 10)
                    for i, (code, nl, en) in enumerate(defaults)
                ],
                ignore_conflicts=True,
            )


def save_list_entry(
    *,
    actor: User | None,
    organisation: Organisation,
    kind: str,
    entry: Topic | Action | None = None,
    code: str = "",
    name_nl: str,
    name_en: str,
    is_active: bool = True,
    order: int = 0,
):
    """Add a topic or action (``kind`` "topic" or "action") or change its labels, order and whether it is in use.
    A code never changes once made: imports, exports and earlier annual reports use it."""
    model = LIST_MODELS[kind]
    name_nl, name_en = (name_nl or "").strip(), (name_en or "").strip()
    if not name_nl or not name_en:
        raise ValidationError(_("Give the name in Dutch and in English."))
    with transaction.atomic():
        if entry is None:
            code = (code or "").strip().lower()
            if model.objects.filter(organisation=organisation, code=code).exists():
                raise ValidationError({"code": _("This code is already in the list. Choose another one.")})
            entry = model(organisation=organisation, code=code)
            created = True
        else:
            if entry.organisation_id != organisation.pk:
                raise ValidationError(_("This entry belongs to another organisation."))
            created = False
        entry.name_nl, entry.name_en, entry.is_active, entry.order = name_nl, name_en, is_active, order
        entry.full_clean(exclude=["organisation"])
        entry.save()
        _audit(
            actor,
            f"consultations.{kind}_{'added' if created else 'changed'}",
            organisation,
            entry,
            code=entry.code,
            active=entry.is_active,
        )
    return entry


def update_settings(*, actor: User | None, organisation: Organisation, record_names: bool) -> ConsultationSettings:
    """Turn the name field on or off. Turning it off also wipes the names already recorded: off means none kept."""
    with transaction.atomic():
        current, _created = ConsultationSettings.objects.select_for_update().get_or_create(organisation=organisation)
        wiped = 0
        if not record_names:
            wiped = Consultation.objects.filter(organisation=organisation).exclude(asker_name="").update(asker_name="")
        if current.record_names != record_names:
            current.record_names = record_names
            current.save()
        _audit(
            actor, "consultations.settings_changed", organisation, current, record_names=record_names, names_wiped=wiped
        )
    return current


# --- records ---------------------------------------------------------------------------------------------------------


def _validate(organisation: Organisation, data: ConsultationInput, today: dt.date, *, current=None) -> None:
    errors: dict[str, list] = {}
    if data.date is None:
        errors.setdefault("date", []).append(_("Enter the date of the consultation."))
    elif data.date > today:
        errors.setdefault("date", []).append(_("The date cannot be in the future."))
    if data.requester not in Requester.values:
        errors.setdefault("requester", []).append(_("Choose who asked."))
    for name, value in (("topic", data.topic), ("action", data.action)):
        if value is None or value.organisation_id != organisation.pk:
            errors.setdefault(name, []).append(_("Choose an entry from the list."))
        elif not value.is_active and (current is None or getattr(current, f"{name}_id") != value.pk):
            errors.setdefault(name, []).append(_("This entry is no longer in use. Choose another one."))
    if len(data.note or "") > MAX_NOTE_LENGTH:
        errors.setdefault("note", []).append(
            _("The note is too long: at most %(max)d characters.") % {"max": MAX_NOTE_LENGTH}
        )
    if len(data.asker_name or "") > MAX_NAME_LENGTH:
        errors.setdefault("asker_name", []).append(
            _("The name is too long: at most %(max)d characters.") % {"max": MAX_NAME_LENGTH}
        )
    if errors:
        raise ValidationError(errors)


def record_consultation(
    *, actor: User, organisation: Organisation, data: ConsultationInput, today: dt.date | None = None
) -> Consultation:
    """Record a consultation; the handler is the person recording it."""
    today = today or timezone.localdate()
    _validate(organisation, data, today)
    names = selectors.settings_for(organisation).record_names
    with transaction.atomic():
        item = Consultation.objects.create(
            organisation=organisation,
            date=data.date,
            requester=data.requester,
            topic=data.topic,
            action=data.action,
            handler=actor,
            note=(data.note or "").strip(),
            asker_name=(data.asker_name or "").strip() if names else "",
        )
        ConsultationEvent.objects.create(
            consultation=item,
            kind=ConsultationEvent.Kind.CREATED,
            occurred_at=timezone.now(),
            actor=actor,
            actor_name=str(actor) if actor else "",
        )
        _audit(actor, "consultations.recorded", organisation, item, topic=data.topic.code, action=data.action.code)
    return item


TRACKED = ("date", "requester", "topic", "action")
PRIVATE = ("note", "asker_name")


def _value(item: Consultation, name: str):
    if name in ("topic", "action"):
        return getattr(item, name).code
    if name == "date":
        return item.date.isoformat()
    return getattr(item, name)


def change_consultation(
    *, actor: User, consultation: Consultation, data: ConsultationInput, today: dt.date | None = None
) -> bool:
    """Change a record. The history keeps what changed (codes and dates; for the note and the name only that they
    changed). Returns False when nothing changed."""
    today = today or timezone.localdate()
    if consultation.removed_at is not None:
        raise ValidationError(_("This consultation has been removed from the register and cannot be changed."))
    organisation = consultation.organisation
    _validate(organisation, data, today, current=consultation)
    names = selectors.settings_for(organisation).record_names
    with transaction.atomic():
        item = Consultation.objects.select_for_update().get(pk=consultation.pk)
        before = {name: _value(item, name) for name in TRACKED}
        private_before = {name: getattr(item, name) for name in PRIVATE}
        item.date, item.requester, item.topic, item.action = data.date, data.requester, data.topic, data.action
        item.note = (data.note or "").strip()
        if names:
            item.asker_name = (data.asker_name or "").strip()
        changes = {name: [before[name], _value(item, name)] for name in TRACKED if before[name] != _value(item, name)}
        changes.update({name: None for name in PRIVATE if private_before[name] != getattr(item, name)})
        if not changes:
            return False
        item.save()
        ConsultationEvent.objects.create(
            consultation=item,
            kind=ConsultationEvent.Kind.CHANGED,
            occurred_at=timezone.now(),
            actor=actor,
            actor_name=str(actor) if actor else "",
            changes=changes,
        )
        _audit(actor, "consultations.changed", organisation, item, fields=sorted(changes))
    consultation.refresh_from_db()
    return True


def remove_consultation(*, actor: User, consultation: Consultation, reason: str) -> None:
    """Take a record out of the register, with a reason (for example: recorded twice, or by mistake).

    The record no longer shows in lists, exports or figures; its note and name are wiped. What remains (the date,
    the codes and the history with the reason) shows that it existed and why it went."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Give a reason of at least %(min)d characters.") % {"min": MIN_REASON_LENGTH}}
        )
    if consultation.removed_at is not None:
        raise ValidationError(_("This consultation has already been removed."))
    with transaction.atomic():
        now = timezone.now()
        Consultation.objects.filter(pk=consultation.pk).update(removed_at=now, note="", asker_name="")
        ConsultationEvent.objects.create(
            consultation=consultation,
            kind=ConsultationEvent.Kind.REMOVED,
            occurred_at=now,
            actor=actor,
            actor_name=str(actor) if actor else "",
            reason=reason[:500],
        )
        _audit(actor, "consultations.removed", consultation.organisation, consultation)
    consultation.refresh_from_db()
