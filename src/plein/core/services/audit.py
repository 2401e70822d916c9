"""The append-only, hash-chained audit log.

``record_event`` appends an event in the caller's transaction. ``verify_chain`` recomputes the chain and names the
first bad event. No content and no IP addresses go in: only who, what, which object, when and in which role.

Verifying the whole chain takes time in proportion to the log (seconds at 100,000 events), so the audit log page
verifies incrementally (``verify_since_checkpoint``): only the events after the last verified one, whose sequence
number and hash ``AuditCheckpoint`` keeps. ``verify_full`` (``./plein verify_audit``) verifies from the first event
and records its result, which the page shows. The trade-off is in docs/security.md.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from plein.core.models import AuditCheckpoint, AuditEvent, AuditHead, Organisation, User

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
    last_seq: int = 0  # when ok: the last event verified (the head), and its hash
    last_hash: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Recompute every hash in order. Detects edited rows, deleted rows (gaps) and a removed tail (the head)."""
    return _verify_from(0, GENESIS, batch_size)


def _verify_from(after_seq: int, expected_prev: str, batch_size: int = 5000) -> VerifyResult:
    """Verify the events after ``after_seq``, the first of which must link to ``expected_prev``, and the head."""
    expected_seq = after_seq + 1
    checked = 0
    qs = AuditEvent.objects.filter(seq__gt=after_seq).order_by("seq")
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
    if head is None and last_seq:
        return VerifyResult(False, checked, last_seq, "the chain head is missing")
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return VerifyResult(False, checked, last_seq + 1, f"events after {last_seq} were removed")
    return VerifyResult(True, checked, last_seq=last_seq, last_hash=expected_prev if last_seq else "")


@dataclass
class ChainStatus:
    """What the audit log page shows: the incremental check now, and the last full verification."""

    current: VerifyResult  # the events after the checkpoint (and the checkpoint's own event), verified now
    verified_up_to: int  # the last event known to be verified, by this check or an earlier one
    full: AuditCheckpoint | None  # the last full verification (``full_verified_at`` is None: never)

    @property
    def ok(self) -> bool:
        return self.current.ok and (self.full is None or self.full.full_ok is not False)

    @property
    def first_bad_seq(self) -> int | None:
        if not self.current.ok:
            return self.current.first_bad_seq
        return self.full.full_first_bad_seq if self.full is not None else None

    @property
    def reason(self) -> str:
        if not self.current.ok:
            return self.current.reason
        return self.full.full_reason if self.full is not None else ""


def _checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("pk").first()


def _advance(result: VerifyResult, **full) -> AuditCheckpoint:
    """Move the checkpoint forward to what ``result`` verified (never back), and record a full verification."""
    now = timezone.now()
    with transaction.atomic():
        checkpoint = AuditCheckpoint.objects.select_for_update().order_by("pk").first()
        if checkpoint is None:
            checkpoint = AuditCheckpoint()
        if result.ok and result.last_seq >= checkpoint.seq:
            checkpoint.seq, checkpoint.hash, checkpoint.verified_at = result.last_seq, result.last_hash, now
        if full:
            checkpoint.full_verified_at = now
            for name, value in full.items():
                setattr(checkpoint, f"full_{name}", value)
        checkpoint.save()
    return checkpoint


def verify_since_checkpoint() -> ChainStatus:
    """Verify the events after the checkpoint, then move the checkpoint to the head.

    The checkpoint's own event is re-read and re-hashed, so that deleting it, or editing it with or without a new
    hash, is noticed; an edit of an earlier, already verified event is found by the next full verification
    (``verify_full``) only."""
    checkpoint = _checkpoint()
    start_seq, start_hash = (checkpoint.seq, checkpoint.hash) if checkpoint and checkpoint.seq else (0, GENESIS)
    if start_seq:
        anchor = AuditEvent.objects.filter(seq=start_seq).first()
        if anchor is None:
            result = VerifyResult(False, 0, start_seq, f"event {start_seq} is missing")
            return ChainStatus(result, start_seq, checkpoint)
        if anchor.hash != start_hash or compute_hash(anchor) != anchor.hash:
            result = VerifyResult(False, 0, start_seq, "the event was changed after it was verified")
            return ChainStatus(result, start_seq, checkpoint)
    result = _verify_from(start_seq, start_hash)
    if result.ok and result.last_seq > start_seq:
        checkpoint = _advance(result)
    return ChainStatus(result, result.last_seq if result.ok else start_seq, checkpoint)


def verify_full() -> VerifyResult:
    """Verify the whole chain from the first event and record the result (and, when intact, the checkpoint)."""
    result = verify_chain()
    _advance(
        result,
        ok=result.ok,
        checked=result.checked,
        first_bad_seq=result.first_bad_seq,
        reason=result.reason[:200],
    )
    return result
