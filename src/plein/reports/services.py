"""Writes of the reporting channel. Keyword-only, atomic, audited; all cryptography is in ``crypto.py``.

Audit events never hold content, and never name a reporter: events caused by a reporter have ``actor=None``. The
submission service does not even receive the user, so an anonymous report by a logged-in employee cannot be linked.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Organisation, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.reports import crypto, signals
from plein.reports.files import PreparedFile
from plein.reports.models import (
    Attachment,
    Channel,
    ChannelMembership,
    HandlerKey,
    Message,
    OrganisationKey,
    Report,
    ReportKey,
    UsedFormToken,
)
from plein.reports.questionnaire import validate_questionnaire
from plein.reports.rules import HANDLER_ROLES

logger = logging.getLogger(__name__)

_FORM_TOKEN_SALT = "plein.reports.form-token"


class DuplicateSubmission(Exception):
    """The one-time form token was used before: this submit is a repeat of one that was stored."""


class WrongPassphrase(Exception):
    """The vault passphrase is wrong."""


def handler_role(user: User | None) -> str:
    """The role in which a handler acts, for the audit log."""
    roles = user_roles(user) if user is not None else set()
    return next((code for code in HANDLER_ROLES if code in roles), "")


def _admin_role(user: User | None) -> str:
    return R.FUNCTIONAL_ADMIN if user is not None and R.FUNCTIONAL_ADMIN in user_roles(user) else ""


def argon2_parameters() -> tuple[int, int]:
    conf = settings.PLEIN
    return int(conf["REPORTS_ARGON2_OPSLIMIT"]), int(conf["REPORTS_ARGON2_MEMLIMIT"])


def _vault_record(hk: HandlerKey) -> crypto.Vault:
    return crypto.Vault(bytes(hk.public_key), bytes(hk.encrypted_private_key), bytes(hk.salt), hk.opslimit, hk.memlimit)


# --- Organisation set-up --------------------------------------------------------------------------------------


def set_up_reporting(*, organisation: Organisation, actor: User | None) -> tuple[OrganisationKey, str]:
    """Create the recovery key pair and the receipt salt. Returns the record and the recovery key, to show once."""
    public, private = crypto.generate_keypair()
    opslimit, memlimit = argon2_parameters()
    try:
        with transaction.atomic():
            if OrganisationKey.objects.filter(organisation=organisation).exists():
                raise ValidationError(
                    _("Reporting has already been set up. The recovery key was shown once and cannot be shown again."),
                    code="already_set_up",
                )
            record = OrganisationKey.objects.create(
                organisation=organisation,
                recovery_public_key=public,
                receipt_salt=crypto.new_salt(),
                receipt_opslimit=opslimit,
                receipt_memlimit=memlimit,
                created_by=actor,
            )
            record_event(
                actor=actor,
                action="reports.recovery_key_created",
                organisation=organisation,
                target=record,
                role=_admin_role(actor),
                data={"fingerprint": crypto.fingerprint(public)},
            )
    except IntegrityError as exc:
        raise ValidationError(_("Reporting has already been set up."), code="already_set_up") from exc
    return record, crypto.format_recovery_key(private)


# --- Handler vaults -------------------------------------------------------------------------------------------


def _check_passphrase(passphrase: str) -> None:
    minimum = int(settings.PLEIN["REPORTS_VAULT_MIN_PASSPHRASE"])
    if len(passphrase or "") < minimum:
        raise ValidationError(
            _("Choose a vault passphrase of at least %(n)d characters.") % {"n": minimum}, code="too_short"
        )


def set_up_vault(*, user: User, passphrase: str) -> HandlerKey:
    _check_passphrase(passphrase)
    if HandlerKey.objects.filter(user=user).exists():
        raise ValidationError(_("Your vault has already been set up."), code="exists")
    opslimit, memlimit = argon2_parameters()
    vault = crypto.create_vault(passphrase, opslimit=opslimit, memlimit=memlimit)
    try:
        with transaction.atomic():
            key = HandlerKey.objects.create(
                user=user,
                public_key=vault.public_key,
                encrypted_private_key=vault.encrypted_private_key,
                salt=vault.salt,
                opslimit=vault.opslimit,
                memlimit=vault.memlimit,
            )
            record_event(
                actor=user,
                action="reports.vault_created",
                target=key,
                role=handler_role(user),
                data={"fingerprint": crypto.fingerprint(vault.public_key)},
            )
    except IntegrityError as exc:
        raise ValidationError(_("Your vault has already been set up."), code="exists") from exc
    return key


def unlock_vault(*, user: User, passphrase: str) -> bytes:
    """The handler's private key (to be kept only split, see ``keysession``). Raises ``WrongPassphrase``."""
    hk = HandlerKey.objects.get(user=user)
    try:
        private_key = crypto.open_vault(passphrase, _vault_record(hk))
    except crypto.CryptoError as exc:
        record_event(actor=user, action="reports.vault_unlock_failed", target=hk, role=handler_role(user))
        raise WrongPassphrase from exc
    record_event(actor=user, action="reports.vault_unlocked", target=hk, role=handler_role(user))
    return private_key


def reset_vault(*, user: User, passphrase: str) -> HandlerKey:
    """A new key pair for a handler who forgot their passphrase.

    Their wrapped report keys are deleted and their team memberships need a new confirmation by a colleague (or the
    recovery key): otherwise whoever took over a login could reset the vault and start receiving reports.
    """
    _check_passphrase(passphrase)
    opslimit, memlimit = argon2_parameters()
    vault = crypto.create_vault(passphrase, opslimit=opslimit, memlimit=memlimit)
    with transaction.atomic():
        hk = HandlerKey.objects.select_for_update().get(user=user)
        hk.public_key = vault.public_key
        hk.encrypted_private_key = vault.encrypted_private_key
        hk.salt = vault.salt
        hk.opslimit = vault.opslimit
        hk.memlimit = vault.memlimit
        hk.save()
        removed, _detail = ReportKey.objects.filter(kind=ReportKey.Kind.HANDLER, user=user).delete()
        ChannelMembership.objects.filter(user=user).update(
            confirmed_public_key=b"", confirmed_at=None, confirmed_by=None
        )
        record_event(
            actor=user,
            action="reports.vault_reset",
            target=hk,
            role=handler_role(user),
            data={"fingerprint": crypto.fingerprint(vault.public_key), "keys_removed": removed},
        )
    return hk


# --- Channels and teams (functional administrator) ------------------------------------------------------------

CHANNEL_FIELDS = (
    "name",
    "description",
    "questionnaire",
    "anonymity_allowed",
    "retention_days",
    "category",
    "is_active",
    "order",
)


def create_channel(*, organisation: Organisation, actor: User | None, code: str, **fields) -> Channel:
    unknown = set(fields) - set(CHANNEL_FIELDS)
    if unknown:
        raise TypeError(f"unknown channel fields: {sorted(unknown)}")
    fields["questionnaire"] = validate_questionnaire(fields.get("questionnaire") or [])
    with transaction.atomic():
        if Channel.objects.filter(organisation=organisation, code=code).exists():
            raise ValidationError({"code": _("A channel with this code already exists.")})
        channel = Channel.objects.create(organisation=organisation, code=code, **fields)
        record_event(
            actor=actor,
            action="reports.channel_created",
            organisation=organisation,
            target=channel,
            role=_admin_role(actor),
            data={"code": code},
        )
    return channel


def update_channel(*, channel: Channel, actor: User | None, **fields) -> Channel:
    unknown = set(fields) - set(CHANNEL_FIELDS)
    if unknown:
        raise TypeError(f"unknown channel fields: {sorted(unknown)}")
    if "questionnaire" in fields:
        fields["questionnaire"] = validate_questionnaire(fields["questionnaire"])
    with transaction.atomic():
        changed = sorted(name for name, value in fields.items() if getattr(channel, name) != value)
        for name, value in fields.items():
            setattr(channel, name, value)
        channel.save()
        record_event(
            actor=actor,
            action="reports.channel_updated",
            organisation=channel.organisation,
            target=channel,
            role=_admin_role(actor),
            data={"fields": changed},
        )
    return channel


def can_handle(user: User) -> bool:
    return bool(user_roles(user) & set(HANDLER_ROLES))


def add_team_member(*, channel: Channel, actor: User | None, user: User) -> ChannelMembership:
    """Add a handler to the team. The first team of a channel is confirmed at once when they have a vault."""
    if not can_handle(user):
        raise ValidationError(
            {
                "user": _(
                    "Only people with a handling role (integrity coordinator, confidential adviser, investigator "
                    "or competent authority) can be in a team. Give them the role first."
                )
            }
        )
    with transaction.atomic():
        if ChannelMembership.objects.filter(channel=channel, user=user).exists():
            raise ValidationError({"user": _("This person is already in the team.")})
        membership = ChannelMembership.objects.create(channel=channel, user=user, added_by=actor)
        record_event(
            actor=actor,
            action="reports.team_member_added",
            organisation=channel.organisation,
            target=channel,
            role=_admin_role(actor),
            data={"member": user.pk},
        )
        if not _has_confirmed_members(channel, exclude=membership.pk):
            _bootstrap_confirm(membership, actor=actor)
    return membership


def _has_confirmed_members(channel: Channel, exclude: int | None = None) -> bool:
    qs = ChannelMembership.objects.filter(channel=channel, confirmed_at__isnull=False)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _bootstrap_confirm(membership: ChannelMembership, *, actor: User | None) -> bool:
    hk = HandlerKey.objects.filter(user_id=membership.user_id).first()
    if hk is None:
        return False
    membership.confirmed_public_key = bytes(hk.public_key)
    membership.confirmed_at = timezone.now()
    membership.confirmed_by = actor
    membership.save(update_fields=["confirmed_public_key", "confirmed_at", "confirmed_by"])
    record_event(
        actor=actor,
        action="reports.team_member_confirmed",
        organisation=membership.channel.organisation,
        target=membership.channel,
        role=_admin_role(actor),
        data={"member": membership.user_id, "method": "first_team", "reports": 0},
    )
    return True


def confirm_first_team_member(*, channel: Channel, actor: User | None, user: User) -> None:
    """For a channel without any confirmed member: confirm a member who has set up their vault since being added."""
    with transaction.atomic():
        membership = ChannelMembership.objects.select_for_update().get(channel=channel, user=user)
        if _has_confirmed_members(channel, exclude=membership.pk):
            raise ValidationError(
                _("This team already has a confirmed member. Ask them to give access to the new member."),
                code="has_team",
            )
        if not _bootstrap_confirm(membership, actor=actor):
            raise ValidationError(
                _("%(name)s has not set up a vault yet. Ask them to do that first.") % {"name": user}, code="no_vault"
            )


def remove_team_member(*, channel: Channel, actor: User | None, user: User) -> int:
    """Remove a member and delete their wrapped keys for the channel's reports. Returns the number of keys removed."""
    with transaction.atomic():
        deleted, _detail = ChannelMembership.objects.filter(channel=channel, user=user).delete()
        if not deleted:
            raise ValidationError(_("This person is not in the team."), code="not_member")
        removed, _detail = ReportKey.objects.filter(
            kind=ReportKey.Kind.HANDLER, user=user, report__channel=channel
        ).delete()
        record_event(
            actor=actor,
            action="reports.team_member_removed",
            organisation=channel.organisation,
            target=channel,
            role=_admin_role(actor),
            data={"member": user.pk, "keys_removed": removed},
        )
    return removed


# --- Access grants (re-wrapping) ------------------------------------------------------------------------------


def _excluded_ids(report: Report, report_key: bytes) -> set[int]:
    if not report.exclusions_ciphertext:
        return set()
    return {int(pk) for pk in crypto.decrypt_json(report_key, bytes(report.exclusions_ciphertext))}


def _rewrap_channel(
    *, channel: Channel, grantee: User, unwrap: Callable[[Report], bytes | None], granted_by: User | None
) -> tuple[int, int]:
    """Wrap the key of every report of the channel that ``grantee`` lacks and ``unwrap`` can open.

    Returns (granted, skipped because the reporter excluded the grantee).
    """
    hk = HandlerKey.objects.filter(user=grantee).first()
    if hk is None:
        raise ValidationError(
            _("%(name)s has not set up a vault yet. Ask them to do that first.") % {"name": grantee}, code="no_vault"
        )
    membership = ChannelMembership.objects.select_for_update().filter(channel=channel, user=grantee).first()
    if membership is None:
        raise ValidationError(_("%(name)s is not in this channel's team.") % {"name": grantee}, code="not_member")
    have = ReportKey.objects.filter(kind=ReportKey.Kind.HANDLER, user=grantee, report__channel=channel)
    missing = (
        Report.objects.filter(channel=channel)
        .exclude(pk__in=have.values("report_id"))
        # A handler excluded from a case (conflict of interest, plein.dossiers) never gets its key again.
        .exclude(case__exclusions__user=grantee)
        .order_by("pk")
    )
    granted = skipped = 0
    new_keys = []
    for report in missing.iterator(chunk_size=500):
        report_key = unwrap(report)
        if report_key is None:
            continue
        if grantee.pk in _excluded_ids(report, report_key):
            skipped += 1
            continue
        new_keys.append(
            ReportKey(
                report=report,
                kind=ReportKey.Kind.HANDLER,
                user=grantee,
                wrapped_key=crypto.seal(bytes(hk.public_key), report_key),
                granted_by=granted_by,
            )
        )
        granted += 1
    ReportKey.objects.bulk_create(new_keys, batch_size=500)
    membership.confirmed_public_key = bytes(hk.public_key)
    membership.confirmed_at = timezone.now()
    membership.confirmed_by = granted_by
    membership.save(update_fields=["confirmed_public_key", "confirmed_at", "confirmed_by"])
    return granted, skipped


def grant_access(*, channel: Channel, actor: User, actor_private_key: bytes, grantee: User) -> int:
    """A team member with an unlocked vault gives ``grantee`` access to the channel's reports (re-wrapping)."""
    if actor.pk == grantee.pk:
        raise ValidationError(_("You cannot give access to yourself."), code="self")
    actor_membership = ChannelMembership.objects.filter(channel=channel, user=actor, confirmed_at__isnull=False)
    if not actor_membership.exists():
        raise ValidationError(_("Only a confirmed member of this team can give access."), code="not_member")
    own_keys = {
        key.report_id: bytes(key.wrapped_key)
        for key in ReportKey.objects.filter(kind=ReportKey.Kind.HANDLER, user=actor, report__channel=channel)
    }

    def unwrap(report: Report) -> bytes | None:
        wrapped = own_keys.get(report.pk)
        return crypto.unseal(actor_private_key, wrapped) if wrapped is not None else None

    with transaction.atomic():
        granted, skipped = _rewrap_channel(channel=channel, grantee=grantee, unwrap=unwrap, granted_by=actor)
        record_event(
            actor=actor,
            action="reports.access_granted",
            organisation=channel.organisation,
            target=channel,
            role=handler_role(actor),
            data={"grantee": grantee.pk, "reports": granted, "excluded": skipped, "method": "handler"},
        )
    return granted


def recover_access(*, channel: Channel, recovery_private_key: bytes, grantee: User) -> int:
    """With the organisation's recovery key: give ``grantee`` access to every report of the channel."""
    org_key = OrganisationKey.objects.get(organisation=channel.organisation)
    if crypto.public_key_of(recovery_private_key) != bytes(org_key.recovery_public_key):
        raise ValidationError(_("This is not the recovery key of this organisation."), code="wrong_key")
    wrapped = {
        key.report_id: bytes(key.wrapped_key)
        for key in ReportKey.objects.filter(kind=ReportKey.Kind.RECOVERY, report__channel=channel)
    }

    def unwrap(report: Report) -> bytes | None:
        value = wrapped.get(report.pk)
        return crypto.unseal(recovery_private_key, value) if value is not None else None

    with transaction.atomic():
        granted, skipped = _rewrap_channel(channel=channel, grantee=grantee, unwrap=unwrap, granted_by=None)
        record_event(
            actor=None,
            action="reports.access_granted",
            organisation=channel.organisation,
            target=channel,
            role="recovery",
            data={"grantee": grantee.pk, "reports": granted, "excluded": skipped, "method": "recovery_key"},
        )
    return granted


# --- Submission -----------------------------------------------------------------------------------------------


def issue_form_token() -> str:
    """A one-time token for the report form (signed, so that tokens cannot be made up; used tokens are recorded)."""
    return signing.dumps(secrets.token_hex(16), salt=_FORM_TOKEN_SALT, compress=False)


def verify_form_token(token: str) -> str:
    """The token's digest when it is genuine and not expired; ``ValidationError`` otherwise; ``DuplicateSubmission``
    when it was used already (checked again, atomically, when the report is stored)."""
    max_age = int(settings.PLEIN["REPORTS_FORM_TOKEN_HOURS"]) * 3600
    try:
        signing.loads(token or "", salt=_FORM_TOKEN_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This form has expired. Your answers are still here: check them and send the form again."),
            code="form_expired",
        ) from exc
    digest = hashlib.sha256(token.encode()).hexdigest()
    if UsedFormToken.objects.filter(token_hash=digest).exists():
        raise DuplicateSubmission
    return digest


def _consume_form_token(digest: str) -> None:
    today = timezone.localdate()
    keep_days = int(settings.PLEIN["REPORTS_FORM_TOKEN_HOURS"]) // 24 + 2
    UsedFormToken.objects.filter(used_on__lt=today - relativedelta(days=keep_days)).delete()
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(token_hash=digest, used_on=today)
    except IntegrityError as exc:
        raise DuplicateSubmission from exc


def _next_reference(organisation: Organisation, year: int) -> str:
    prefix = f"{year}-"
    refs = Report.objects.filter(organisation=organisation, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    highest = max((int(ref[len(prefix) :]) for ref in refs if ref[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def _store_file(report_key: bytes, prepared: PreparedFile) -> tuple[str, bytes, bytes]:
    """Encrypt one file in chunks to the default storage under a random name. Returns (name, file key ct, meta ct)."""
    file_key = crypto.new_key()
    name = f"reports/{secrets.token_hex(20)}"
    prepared.stream.seek(0)
    # Only ciphertext goes into the spool (which may roll over to a temporary file).
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        for block in crypto.encrypt_file(file_key, prepared.stream):
            spool.write(block)
        spool.seek(0)
        stored = default_storage.save(name, File(spool, name=name))
    meta = {"name": prepared.name, "type": prepared.content_type, "size": prepared.size, "stripped": prepared.stripped}
    return stored, crypto.encrypt(report_key, file_key), crypto.encrypt_json(report_key, meta)


@dataclass
class _StoredFiles:
    rows: list[tuple[str, bytes, bytes]]

    def delete(self) -> None:
        for name, _key, _meta in self.rows:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not remove an encrypted file after a failed submission")


def _store_files(report_key: bytes, files: Iterable[PreparedFile]) -> _StoredFiles:
    stored = _StoredFiles([])
    try:
        for prepared in files:
            stored.rows.append(_store_file(report_key, prepared))
    except Exception:
        stored.delete()
        raise
    return stored


def _attachments(report: Report, stored: _StoredFiles, *, direction: str, author: User | None, message, at):
    return [
        Attachment(
            report=report,
            message=message,
            direction=direction,
            author=author,
            storage_name=name,
            file_key_ciphertext=key_ct,
            meta_ciphertext=meta_ct,
            created_at=at,
        )
        for name, key_ct, meta_ct in stored.rows
    ]


@dataclass(frozen=True)
class Submission:
    report: Report
    receipt_code: str


def reporting_available(organisation: Organisation) -> bool:
    return OrganisationKey.objects.filter(organisation=organisation).exists()


def _recipients(channel: Channel, excluded: set[int]) -> list[tuple[int, bytes]]:
    """(user id, public key) of the confirmed team members who are not excluded and whose key is the confirmed one."""
    members = (
        ChannelMembership.objects.filter(channel=channel, confirmed_at__isnull=False, user__is_active=True)
        .exclude(user_id__in=excluded)
        .select_related("user__handler_key")
    )
    out = []
    for member in members:
        hk = getattr(member.user, "handler_key", None)
        if hk is not None and bytes(hk.public_key) == bytes(member.confirmed_public_key):
            out.append((member.user_id, bytes(hk.public_key)))
    return out


def submit_report(
    *,
    channel: Channel,
    mode: str,
    answers: list[dict],
    identity: dict | None,
    excluded_user_ids: Iterable[int] = (),
    files: Iterable[PreparedFile] = (),
    form_token: str,
    received_at: datetime | None = None,
) -> Submission:
    """Store a report whole or not at all, and return it with its receipt code (to be shown once).

    There is deliberately no ``user`` argument: the reporter's account is never linked to a report. The identity of a
    named or confidential reporter is what they typed, encrypted like the content.
    """
    if mode not in Report.Mode.values:
        raise ValidationError(_("Choose how you want to report."), code="mode")
    if mode == Report.Mode.ANONYMOUS and not channel.anonymity_allowed:
        raise ValidationError(_("Anonymous reports are not possible in this channel."), code="anonymity")
    if mode == Report.Mode.ANONYMOUS:
        identity = None
    elif not identity or not str(identity.get("name", "")).strip():
        raise ValidationError(_("Fill in your name, or choose to report anonymously."), code="identity")
    org_key = OrganisationKey.objects.filter(organisation_id=channel.organisation_id).first()
    if org_key is None or not channel.is_active:
        raise ValidationError(_("This channel does not accept reports at the moment."), code="unavailable")
    token_digest = verify_form_token(form_token)
    excluded = {int(pk) for pk in excluded_user_ids}
    recipients = _recipients(channel, excluded)
    if excluded and not recipients:
        raise ValidationError(
            _("At least one member of the team must be able to read your report. Exclude fewer people."),
            code="nobody_left",
        )

    report_key = crypto.new_key()
    code, receipt = _new_receipt(org_key)
    content = crypto.encrypt_json(report_key, {"answers": answers})
    identity_ct = crypto.encrypt_json(report_key, identity) if identity else b""
    exclusions_ct = crypto.encrypt_json(report_key, sorted(excluded)) if excluded else b""
    files = list(files)
    stored = _store_files(report_key, files)
    now = received_at or timezone.now()
    try:
        with transaction.atomic():
            _consume_form_token(token_digest)
            OrganisationKey.objects.select_for_update().filter(pk=org_key.pk).first()  # serialise references
            day = timezone.localtime(now).date()
            acknowledge_before = day + relativedelta(days=int(settings.PLEIN["ACKNOWLEDGEMENT_DAYS"]))
            report = Report.objects.create(
                organisation_id=channel.organisation_id,
                channel=channel,
                reference=_next_reference(channel.organisation, day.year),
                mode=mode,
                status=Report.Status.RECEIVED,
                category=channel.category,
                received_at=now,
                acknowledge_before=acknowledge_before,
                feedback_before=acknowledge_before + relativedelta(months=int(settings.PLEIN["FEEDBACK_MONTHS"])),
                last_reporter_activity_at=now,
                content_ciphertext=content,
                identity_ciphertext=identity_ct,
                exclusions_ciphertext=exclusions_ct,
            )
            keys = [
                ReportKey(
                    report=report, kind=ReportKey.Kind.HANDLER, user_id=user_id, wrapped_key=crypto.seal(pk, report_key)
                )
                for user_id, pk in recipients
            ]
            keys.append(
                ReportKey(
                    report=report,
                    kind=ReportKey.Kind.RECOVERY,
                    wrapped_key=crypto.seal(bytes(org_key.recovery_public_key), report_key),
                )
            )
            keys.append(
                ReportKey(
                    report=report,
                    kind=ReportKey.Kind.RECEIPT,
                    lookup=receipt.lookup,
                    wrapped_key=crypto.encrypt(receipt.key, report_key),
                )
            )
            ReportKey.objects.bulk_create(keys)
            Attachment.objects.bulk_create(
                _attachments(
                    report, stored, direction=Message.Direction.FROM_REPORTER, author=None, message=None, at=now
                )
            )
            signals.report_received.send(sender=Report, report=report)
            record_event(
                actor=None,
                action="reports.report_received",
                organisation=channel.organisation,
                target=report,
                data={"channel": channel.code, "mode": mode, "attachments": len(files), "recipients": len(recipients)},
            )
    except BaseException:
        stored.delete()
        raise
    return Submission(report=report, receipt_code=code)


def _new_receipt(org_key: OrganisationKey) -> tuple[str, crypto.ReceiptMaterial]:
    for _attempt in range(3):
        code = crypto.new_receipt_code()
        material = crypto.receipt_material(
            code,
            bytes(org_key.receipt_salt),
            opslimit=org_key.receipt_opslimit,
            memlimit=org_key.receipt_memlimit,
        )
        if not ReportKey.objects.filter(lookup=material.lookup).exists():
            return code, material
    raise RuntimeError("could not draw an unused receipt code")  # 3 collisions in 10^16: not in this universe


# --- Reporter side --------------------------------------------------------------------------------------------


def open_with_receipt(*, organisation: Organisation, code: str) -> tuple[Report, bytes] | None:
    """The report and its key for a correct receipt code, otherwise ``None`` (one Argon2id call either way)."""
    normalised = crypto.normalise_receipt(code)
    org_key = OrganisationKey.objects.filter(organisation=organisation).first()
    if org_key is None:
        return None
    material = crypto.receipt_material(
        normalised or "0" * crypto.RECEIPT_DIGITS,
        bytes(org_key.receipt_salt),
        opslimit=org_key.receipt_opslimit,
        memlimit=org_key.receipt_memlimit,
    )
    if normalised is None:
        return None
    key = (
        ReportKey.objects.filter(kind=ReportKey.Kind.RECEIPT, lookup=material.lookup, report__organisation=organisation)
        .select_related("report")
        .first()
    )
    if key is None:
        return None
    try:
        report_key = crypto.decrypt(material.key, bytes(key.wrapped_key))
    except crypto.CryptoError:
        return None
    return key.report, report_key


def _check_report_key(report: Report, report_key: bytes) -> None:
    crypto.decrypt(report_key, bytes(report.content_ciphertext))  # raises CryptoError for a wrong key


def _check_text(text: str) -> str:
    text = (text or "").strip()
    maximum = int(settings.PLEIN["REPORTS_MAX_TEXT_CHARS"])
    if len(text) > maximum:
        raise ValidationError(_("Your message is too long: at most %(n)d characters.") % {"n": maximum}, code="long")
    return text


def add_reporter_message(
    *, report: Report, report_key: bytes, text: str, files: Iterable[PreparedFile] = ()
) -> Message:
    """A message (and files) from the reporter. Audited without an actor: the reporter is never named."""
    _check_report_key(report, report_key)
    text = _check_text(text)
    files = list(files)
    if not text and not files:
        raise ValidationError(_("Write a message or add a file."), code="empty")
    stored = _store_files(report_key, files)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                report=report,
                direction=Message.Direction.FROM_REPORTER,
                author=None,
                created_at=now,
                ciphertext=crypto.encrypt_json(report_key, {"text": text}),
            )
            Attachment.objects.bulk_create(
                _attachments(
                    report, stored, direction=Message.Direction.FROM_REPORTER, author=None, message=message, at=now
                )
            )
            Report.objects.filter(pk=report.pk).update(last_reporter_activity_at=now)
            record_event(
                actor=None,
                action="reports.reporter_message_received",
                organisation=report.organisation,
                target=report,
                data={"message": message.pk, "attachments": len(files)},
            )
    except BaseException:
        stored.delete()
        raise
    return message


# --- Handler side ---------------------------------------------------------------------------------------------


def handler_report_key(*, report: Report, user: User, private_key: bytes) -> bytes:
    """Unwrap the report key for a handler. ``ReportKey.DoesNotExist`` when they have no access."""
    wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.HANDLER, user=user)
    return crypto.unseal(private_key, bytes(wrapped.wrapped_key))


def add_team_message(
    *, report: Report, actor: User, report_key: bytes, text: str, files: Iterable[PreparedFile] = ()
) -> Message:
    _check_report_key(report, report_key)
    text = _check_text(text)
    files = list(files)
    if not text and not files:
        raise ValidationError(_("Write a message or add a file."), code="empty")
    stored = _store_files(report_key, files)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                report=report,
                direction=Message.Direction.FROM_TEAM,
                author=actor,
                created_at=now,
                ciphertext=crypto.encrypt_json(report_key, {"text": text}),
            )
            Attachment.objects.bulk_create(
                _attachments(
                    report, stored, direction=Message.Direction.FROM_TEAM, author=actor, message=message, at=now
                )
            )
            Report.objects.filter(pk=report.pk).update(last_team_activity_at=now)
            record_event(
                actor=actor,
                action="reports.reply_sent",
                organisation=report.organisation,
                target=report,
                role=handler_role(actor),
                data={"message": message.pk, "attachments": len(files)},
            )
    except BaseException:
        stored.delete()
        raise
    return message


def acknowledge_report(*, report: Report, actor: User, report_key: bytes, text: str = "") -> Report:
    """Confirm receipt to the reporter (Wbk: within 7 days). The feedback term then runs from today."""
    if report.acknowledged_at is not None:
        raise ValidationError(_("Receipt of this report has already been confirmed."), code="done")
    if text.strip():
        add_team_message(report=report, actor=actor, report_key=report_key, text=text)
    with transaction.atomic():
        now = timezone.now()
        report.acknowledged_at = now
        if report.status == Report.Status.RECEIVED:
            report.status = Report.Status.ACKNOWLEDGED
        report.feedback_before = timezone.localtime(now).date() + relativedelta(
            months=int(settings.PLEIN["FEEDBACK_MONTHS"])
        )
        report.last_team_activity_at = now
        report.save(update_fields=["acknowledged_at", "status", "feedback_before", "last_team_activity_at"])
        signals.report_acknowledged.send(sender=Report, report=report, actor=actor)
        record_event(
            actor=actor,
            action="reports.acknowledged",
            organisation=report.organisation,
            target=report,
            role=handler_role(actor),
            data={"on_time": timezone.localtime(now).date() <= report.acknowledge_before},
        )
    return report


REVEAL_REASONS = ("consent", "investigation", "legal_obligation")


def reveal_identity(*, report: Report, actor: User, report_key: bytes, reason: str) -> dict | None:
    """Decrypt a confidential reporter's identity for a handler, with a reason code, as an audited step.

    The reason is one of ``REVEAL_REASONS`` (a code, never free text, so that no content reaches the audit log).
    """
    if reason not in REVEAL_REASONS:
        raise ValidationError({"reason": _("Choose why you need to know who reported.")})
    if not report.identity_ciphertext:
        return None
    identity = crypto.decrypt_json(report_key, bytes(report.identity_ciphertext))
    record_event(
        actor=actor,
        action="reports.identity_revealed",
        organisation=report.organisation,
        target=report,
        role=handler_role(actor),
        data={"mode": report.mode, "reason": reason},
    )
    return identity
