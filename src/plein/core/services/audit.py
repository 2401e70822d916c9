"""The append-only, hash-chained audit log.

``record_event`` appends an event in the caller's transaction. ``verify_chain`` recomputes the chain and names the
first bad event. No content and no IP addresses go in: only who, what, which object, when and in which role.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from plein.core.models import AuditEvent, AuditHead, Organisation, User

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_146_201_001  # any constant; serialises appends on PostgreSQL


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "organisation": event.organisation_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (settings), so writers are already serialised.


def record_event(
    *,
    actor: User | None,
    action: str,
    organisation: Organisation | None = None,
    target: Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    role: str = "",
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. ``data`` must hold identifiers and counts only, never content or identities.

    ``actor_label`` names an actor that is not an account (an API token, see ``plein.api``); an account's label is
    always its e-mail address."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        _lock_chain()
        head = AuditHead.objects.select_for_update().first()
        event = AuditEvent(
            seq=(head.seq + 1) if head else 1,
            occurred_at=timezone.now(),
            organisation=organisation,
            actor=actor,
            actor_label=actor.email if actor else actor_label[:254],
            role=role,
            action=action,
            target_type=target_type,
            target_id=str(target_id or ""),
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head.hash if head else GENESIS,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        if head:
            AuditHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash)
        else:
            AuditHead.objects.create(seq=event.seq, hash=event.hash)
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every hash in order. Detects edited rows, deleted rows (gaps) and a removed tail (the head)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, event.seq, "the link to the previous event is broken")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "the event was changed after it was written")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.first()
    last_seq = expected_seq - 1
    if head is None and checked:
        return VerifyResult(False, checked, last_seq, "the chain head is missing")
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return VerifyResult(False, checked, last_seq + 1, f"events after {last_seq} were removed")
    return VerifyResult(True, checked)
