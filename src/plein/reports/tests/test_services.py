from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.reports import crypto, services
from plein.reports.files import prepare_upload
from plein.reports.models import (
    Attachment,
    ChannelMembership,
    HandlerKey,
    Message,
    OrganisationKey,
    Report,
    ReportKey,
    UsedFormToken,
)
from plein.reports.tests import samples
from plein.reports.tests.conftest import PASSPHRASE, answers_for, report_key_via_recovery


def _prepared(name="bewijs.txt", data=b"Bewijs in tekst.\n"):
    return prepare_upload(samples.upload(name, data), strip=False, max_bytes=10**7)


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Set-up ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_set_up_reporting_once_and_audited(organisation, make_user):
    admin = make_user(R.FUNCTIONAL_ADMIN)
    record, text = services.set_up_reporting(organisation=organisation, actor=admin)
    private = crypto.parse_recovery_key(text)
    assert crypto.public_key_of(private) == bytes(record.recovery_public_key)
    assert len(bytes(record.receipt_salt)) == crypto.SALT_BYTES
    event = AuditEvent.objects.get(action="reports.recovery_key_created")
    assert event.actor == admin and event.role == R.FUNCTIONAL_ADMIN
    assert text.replace(" ", "") not in str(event.data)
    with pytest.raises(ValidationError):
        services.set_up_reporting(organisation=organisation, actor=admin)
    assert OrganisationKey.objects.count() == 1


@pytest.mark.django_db
def test_vault_set_up_unlock_and_audit(make_user):
    user = make_user(R.CONFIDENTIAL_ADVISER)
    hk = services.set_up_vault(user=user, passphrase=PASSPHRASE)
    assert PASSPHRASE.encode() not in bytes(hk.encrypted_private_key)
    private = services.unlock_vault(user=user, passphrase=PASSPHRASE)
    assert crypto.public_key_of(private) == bytes(hk.public_key)
    with pytest.raises(services.WrongPassphrase):
        services.unlock_vault(user=user, passphrase="wrong passphrase!!")
    actions = list(AuditEvent.objects.filter(actor=user).order_by("seq").values_list("action", flat=True))
    assert actions == ["reports.vault_created", "reports.vault_unlocked", "reports.vault_unlock_failed"]
    with pytest.raises(ValidationError):
        services.set_up_vault(user=user, passphrase=PASSPHRASE)


@pytest.mark.django_db
def test_vault_passphrase_minimum_length(make_user):
    with pytest.raises(ValidationError):
        services.set_up_vault(user=make_user(R.INTEGRITY_COORDINATOR), passphrase="kort")
    assert not HandlerKey.objects.exists()


@pytest.mark.django_db
def test_reset_vault_removes_access_and_confirmation(channel, handler, submit):
    submit(channel)
    assert ReportKey.objects.filter(user=handler).count() == 1
    services.reset_vault(user=handler, passphrase="a completely new passphrase")
    assert not ReportKey.objects.filter(user=handler).exists()
    membership = ChannelMembership.objects.get(user=handler)
    assert membership.confirmed_at is None and bytes(membership.confirmed_public_key) == b""
    # A new report is not wrapped for the reset handler until a colleague confirms them again.
    submit(channel)
    assert not ReportKey.objects.filter(user=handler).exists()


# --- Channels and teams ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_channel_questionnaire_is_validated(reporting):
    # The messages are read in English, so that the Dutch catalogue does not change what this test matches.
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.create_channel(
            organisation=reporting.organisation,
            actor=None,
            code="x",
            name="X",
            questionnaire=[{"key": "1bad", "label": "", "type": "slider"}],
        )
    with translation.override("en"):
        text = " ".join(info.value.messages)
    assert "Question 1" in text


@pytest.mark.django_db
def test_only_handlers_can_join_a_team(channel, make_user):
    with pytest.raises(ValidationError):
        services.add_team_member(channel=channel, actor=None, user=make_user(R.HR))
    assert not ChannelMembership.objects.exists()


@pytest.mark.django_db
def test_first_team_is_confirmed_by_the_administrator_later_members_are_not(channel, make_user):
    first = make_user(R.INTEGRITY_COORDINATOR)
    services.set_up_vault(user=first, passphrase=PASSPHRASE)
    second = make_user(R.CONFIDENTIAL_ADVISER)
    services.set_up_vault(user=second, passphrase=PASSPHRASE)
    m1 = services.add_team_member(channel=channel, actor=None, user=first)
    m2 = services.add_team_member(channel=channel, actor=None, user=second)
    assert m1.confirmed_at is not None
    assert m2.confirmed_at is None
    with pytest.raises(ValidationError):
        services.confirm_first_team_member(channel=channel, actor=None, user=second)


@pytest.mark.django_db
def test_confirm_first_member_needs_a_vault(channel, make_user):
    user = make_user(R.INTEGRITY_COORDINATOR)
    services.add_team_member(channel=channel, actor=None, user=user)
    with pytest.raises(ValidationError):
        services.confirm_first_team_member(channel=channel, actor=None, user=user)
    services.set_up_vault(user=user, passphrase=PASSPHRASE)
    services.confirm_first_team_member(channel=channel, actor=None, user=user)
    assert ChannelMembership.objects.get(user=user).confirmed_at is not None


@pytest.mark.django_db
def test_remove_team_member_deletes_their_keys(channel, handler, make_handler, submit):
    other = make_handler(channel, role=R.CONFIDENTIAL_ADVISER)
    submit(channel)
    removed = services.remove_team_member(channel=channel, actor=None, user=other)
    assert removed == 1
    assert not ReportKey.objects.filter(user=other).exists()
    assert ReportKey.objects.filter(user=handler).exists()
    assert AuditEvent.objects.filter(action="reports.team_member_removed", data__keys_removed=1).exists()


# --- Submission -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submission_encrypts_and_wraps_for_team_recovery_and_receipt(reporting, channel, handler, submit):
    result = submit(channel, "Canary-inhoud-123", mode="confidential", identity={"name": "Canary Naam"})
    report = result.report
    assert b"Canary" not in bytes(report.content_ciphertext)
    assert b"Canary" not in bytes(report.identity_ciphertext)
    kinds = sorted(ReportKey.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["handler", "receipt", "recovery"]
    key = report_key_via_recovery(reporting, report)
    assert crypto.decrypt_json(key, bytes(report.content_ciphertext))["answers"][0]["value"] == "Canary-inhoud-123"
    assert crypto.decrypt_json(key, bytes(report.identity_ciphertext)) == {"name": "Canary Naam"}
    private = services.unlock_vault(user=handler, passphrase=PASSPHRASE)
    assert services.handler_report_key(report=report, user=handler, private_key=private) == key
    opened = services.open_with_receipt(organisation=reporting.organisation, code=result.receipt_code)
    assert opened is not None and opened[0] == report and opened[1] == key


@pytest.mark.django_db
def test_submission_sets_deadlines_and_references(channel, submit, settings):
    settings.PLEIN = {**settings.PLEIN, "ACKNOWLEDGEMENT_DAYS": 7, "FEEDBACK_MONTHS": 3}
    with time_machine.travel(datetime(2025, 3, 28, 23, 30, tzinfo=timezone.get_default_timezone()), tick=False):
        first = submit(channel).report
        second = submit(channel).report
    assert first.reference == "2025-0001" and second.reference == "2025-0002"
    assert first.acknowledge_before == date(2025, 4, 4)
    assert first.feedback_before == date(2025, 7, 4)
    assert first.status == Report.Status.RECEIVED
    with time_machine.travel(datetime(2026, 1, 2, 10, tzinfo=timezone.get_default_timezone()), tick=False):
        assert submit(channel).report.reference == "2026-0001"


@pytest.mark.django_db
def test_submission_audit_event_has_no_actor_and_no_content(channel, submit):
    submit(channel, "Heel geheime inhoud", mode="named", identity={"name": "Jan Melder"})
    event = AuditEvent.objects.get(action="reports.report_received")
    assert event.actor is None and event.actor_label == ""
    assert "geheime" not in str(event.data) and "Jan" not in str(event.data)


@pytest.mark.django_db
def test_anonymous_report_drops_identity_and_needs_channel_permission(make_channel, submit):
    channel = make_channel("geen-anoniem", anonymity_allowed=False)
    with pytest.raises(ValidationError):
        submit(channel, mode="anonymous")
    assert not Report.objects.exists()
    open_channel = make_channel("open")
    report = services.submit_report(
        channel=open_channel,
        mode="anonymous",
        answers=answers_for(),
        identity={"name": "Mag niet bewaard worden"},
        form_token=services.issue_form_token(),
    ).report
    assert bytes(report.identity_ciphertext) == b""


@pytest.mark.django_db
def test_named_report_needs_a_name(channel):
    with pytest.raises(ValidationError):
        services.submit_report(
            channel=channel,
            mode="named",
            answers=answers_for(),
            identity={"name": " "},
            form_token=services.issue_form_token(),
        )


@pytest.mark.django_db
def test_excluded_member_gets_no_key_and_at_least_one_must_remain(channel, handler, make_handler, submit):
    other = make_handler(channel, role=R.CONFIDENTIAL_ADVISER)
    report = submit(channel, excluded=[other.pk]).report
    assert ReportKey.objects.filter(report=report, user=handler).exists()
    assert not ReportKey.objects.filter(report=report, user=other).exists()
    with pytest.raises(ValidationError):
        submit(channel, excluded=[handler.pk, other.pk])
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_unconfirmed_member_and_changed_key_get_no_key(channel, handler, make_handler, submit):
    pending = make_handler(channel, role=R.INVESTIGATOR, confirm=False)
    assert ChannelMembership.objects.get(user=pending).confirmed_at is None
    hk = HandlerKey.objects.get(user=handler)
    hk.public_key = crypto.generate_keypair()[0]  # as if someone swapped the handler's key in the database
    hk.save()
    report = submit(channel).report
    assert not ReportKey.objects.filter(report=report, kind="handler").exists()


@pytest.mark.django_db
def test_double_submit_with_the_same_token_stores_one_report(channel):
    token = services.issue_form_token()
    kwargs = {"channel": channel, "mode": "anonymous", "answers": answers_for(), "identity": None, "form_token": token}
    services.submit_report(**kwargs)
    with pytest.raises(services.DuplicateSubmission):
        services.submit_report(**kwargs)
    assert Report.objects.count() == 1
    assert UsedFormToken.objects.count() == 1


@pytest.mark.django_db
def test_forged_or_expired_token_is_refused_and_nothing_stored(channel, settings):
    with pytest.raises(ValidationError) as info:
        services.submit_report(
            channel=channel, mode="anonymous", answers=answers_for(), identity=None, form_token="made-up"
        )
    assert info.value.code == "form_expired"
    settings.PLEIN = {**settings.PLEIN, "REPORTS_FORM_TOKEN_HOURS": 1}
    with time_machine.travel(datetime(2025, 5, 1, 9, tzinfo=timezone.get_default_timezone())):
        token = services.issue_form_token()
    later = datetime(2025, 5, 1, 11, tzinfo=timezone.get_default_timezone())
    with time_machine.travel(later), pytest.raises(ValidationError):
        services.submit_report(
            channel=channel, mode="anonymous", answers=answers_for(), identity=None, form_token=token
        )
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_submission_is_all_or_nothing(channel, handler, monkeypatch, settings):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.submit_report(
            channel=channel,
            mode="anonymous",
            answers=answers_for(),
            identity=None,
            files=[_prepared(), _prepared("twee.txt")],
            form_token=services.issue_form_token(),
        )
    assert not Report.objects.exists() and not ReportKey.objects.exists() and not Attachment.objects.exists()
    assert not UsedFormToken.objects.exists()
    assert _media_files(settings) == []


@pytest.mark.django_db
def test_attachments_are_encrypted_under_random_names(reporting, channel, submit, settings):
    data = b"Canary bijlage inhoud " * 5000
    report = submit(channel, files=[_prepared("geheim-canary.txt", data)]).report
    attachment = Attachment.objects.get(report=report)
    stored = _media_files(settings)
    assert len(stored) == 1
    assert "canary" not in attachment.storage_name.lower() and "canary" not in stored[0].name.lower()
    raw = stored[0].read_bytes()
    assert b"Canary" not in raw
    assert len(raw) == crypto.encrypted_size(len(data))
    key = report_key_via_recovery(reporting, report)
    from plein.reports import selectors

    decrypted = selectors.decrypt_attachment(attachment=attachment, report_key=key, actor=None)
    assert decrypted.name == "geheim-canary.txt"
    assert b"".join(decrypted.chunks) == data


@pytest.mark.django_db
def test_submission_without_reporting_set_up_is_refused(organisation, make_user):
    from plein.reports.models import Channel

    channel = Channel.objects.create(organisation=organisation, code="x", name="X", questionnaire=[])
    with pytest.raises(ValidationError):
        services.submit_report(
            channel=channel,
            mode="anonymous",
            answers=answers_for(),
            identity=None,
            form_token=services.issue_form_token(),
        )


# --- Receipt --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_malformed_and_tampered_receipts_open_nothing(reporting, channel, submit):
    result = submit(channel)
    org = reporting.organisation
    code = result.receipt_code
    wrong = str((int(code) + 1) % 10**16).zfill(16)
    assert services.open_with_receipt(organisation=org, code=wrong) is None
    assert services.open_with_receipt(organisation=org, code="12ab") is None
    assert services.open_with_receipt(organisation=org, code=crypto.format_receipt(code)) is not None
    key = ReportKey.objects.get(report=result.report, kind="receipt")
    tampered = bytearray(bytes(key.wrapped_key))
    tampered[-1] ^= 1
    key.wrapped_key = bytes(tampered)
    key.save()
    assert services.open_with_receipt(organisation=org, code=code) is None


@pytest.mark.django_db
def test_receipt_code_is_not_stored_in_any_form_that_reveals_it(channel, submit):
    result = submit(channel)
    key = ReportKey.objects.get(report=result.report, kind="receipt")
    code = result.receipt_code
    assert code not in key.lookup and code.encode() not in bytes(key.wrapped_key)
    import hashlib

    assert key.lookup not in {
        hashlib.sha256(code.encode()).hexdigest(),
        hashlib.blake2b(code.encode(), digest_size=32).hexdigest(),
    }


# --- Dialogue -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reporter_and_team_messages(reporting, channel, handler, submit):
    report = submit(channel).report
    key = report_key_via_recovery(reporting, report)
    services.add_reporter_message(report=report, report_key=key, text="Aanvulling", files=[_prepared()])
    services.add_team_message(report=report, actor=handler, report_key=key, text="Dank u")
    messages = list(Message.objects.filter(report=report))
    assert [m.direction for m in messages] == ["reporter", "team"]
    assert messages[0].author is None and messages[1].author == handler
    assert b"Aanvulling" not in bytes(messages[0].ciphertext)
    assert Attachment.objects.get(message=messages[0]).direction == "reporter"
    reporter_event = AuditEvent.objects.get(action="reports.reporter_message_received")
    assert reporter_event.actor is None
    reply = AuditEvent.objects.get(action="reports.reply_sent")
    assert reply.actor == handler and reply.role == R.INTEGRITY_COORDINATOR
    assert "Dank" not in str(reply.data)


@pytest.mark.django_db
def test_message_with_a_wrong_key_or_empty_is_refused(reporting, channel, submit):
    report = submit(channel).report
    with pytest.raises(crypto.CryptoError):
        services.add_reporter_message(report=report, report_key=crypto.new_key(), text="x")
    key = report_key_via_recovery(reporting, report)
    with pytest.raises(ValidationError):
        services.add_reporter_message(report=report, report_key=key, text="   ")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_acknowledge_records_time_and_moves_feedback_term(reporting, channel, handler, submit):
    tz = timezone.get_default_timezone()
    with time_machine.travel(datetime(2025, 6, 2, 9, tzinfo=tz), tick=False):
        report = submit(channel).report
    key = report_key_via_recovery(reporting, report)
    with time_machine.travel(datetime(2025, 6, 5, 14, tzinfo=tz), tick=False):
        services.acknowledge_report(report=report, actor=handler, report_key=key, text="We hebben het ontvangen.")
    report.refresh_from_db()
    assert report.status == Report.Status.ACKNOWLEDGED
    assert timezone.localtime(report.acknowledged_at).date() == date(2025, 6, 5)
    assert report.feedback_before == date(2025, 9, 5)
    assert Message.objects.filter(report=report, direction="team").count() == 1
    event = AuditEvent.objects.get(action="reports.acknowledged")
    assert event.actor == handler and event.data == {"on_time": True}
    with pytest.raises(ValidationError):
        services.acknowledge_report(report=report, actor=handler, report_key=key)


@pytest.mark.django_db
def test_reveal_identity_needs_a_reason_code_and_is_audited(reporting, channel, handler, submit):
    report = submit(channel, mode="confidential", identity={"name": "Vera Trouwelijk"}).report
    key = report_key_via_recovery(reporting, report)
    with pytest.raises(ValidationError):
        services.reveal_identity(report=report, actor=handler, report_key=key, reason="omdat ik nieuwsgierig ben")
    assert not AuditEvent.objects.filter(action="reports.identity_revealed").exists()
    identity = services.reveal_identity(report=report, actor=handler, report_key=key, reason="consent")
    assert identity["name"] == "Vera Trouwelijk"
    event = AuditEvent.objects.get(action="reports.identity_revealed")
    assert event.actor == handler and event.data == {"mode": "confidential", "reason": "consent"}


# --- Access grants --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_grant_access_rewraps_for_a_new_member_but_not_where_excluded(channel, handler, make_handler, submit):
    newcomer = make_handler(channel, role=R.CONFIDENTIAL_ADVISER, confirm=False)
    r1 = submit(channel).report
    r2 = submit(channel, excluded=[newcomer.pk]).report
    private = services.unlock_vault(user=handler, passphrase=PASSPHRASE)
    granted = services.grant_access(channel=channel, actor=handler, actor_private_key=private, grantee=newcomer)
    assert granted == 1
    assert ReportKey.objects.filter(user=newcomer, report=r1).exists()
    assert not ReportKey.objects.filter(user=newcomer, report=r2).exists()
    newcomer_private = services.unlock_vault(user=newcomer, passphrase=PASSPHRASE)
    assert services.handler_report_key(
        report=r1, user=newcomer, private_key=newcomer_private
    ) == services.handler_report_key(report=r1, user=handler, private_key=private)
    membership = ChannelMembership.objects.get(user=newcomer)
    assert membership.confirmed_by == handler
    event = AuditEvent.objects.get(action="reports.access_granted")
    assert event.actor == handler
    assert event.data == {"grantee": newcomer.pk, "reports": 1, "excluded": 1, "method": "handler"}
    # From now on new reports are wrapped for the newcomer too.
    r3 = submit(channel).report
    assert ReportKey.objects.filter(user=newcomer, report=r3).exists()


@pytest.mark.django_db
def test_grant_access_needs_a_confirmed_actor_and_a_grantee_with_a_vault(channel, handler, make_handler, make_user):
    pending = make_handler(channel, role=R.CONFIDENTIAL_ADVISER, confirm=False)
    no_vault = make_user(R.INVESTIGATOR)
    services.add_team_member(channel=channel, actor=None, user=no_vault)
    private = services.unlock_vault(user=pending, passphrase=PASSPHRASE)
    with pytest.raises(ValidationError):
        services.grant_access(channel=channel, actor=pending, actor_private_key=private, grantee=handler)
    handler_private = services.unlock_vault(user=handler, passphrase=PASSPHRASE)
    with pytest.raises(ValidationError):
        services.grant_access(channel=channel, actor=handler, actor_private_key=handler_private, grantee=no_vault)
    with pytest.raises(ValidationError):
        services.grant_access(channel=channel, actor=handler, actor_private_key=handler_private, grantee=handler)
    assert not AuditEvent.objects.filter(action="reports.access_granted").exists()


@pytest.mark.django_db
def test_recover_access_with_the_recovery_key(reporting, channel, make_handler, submit):
    # Every handler is gone: reports are readable only with the recovery key.
    submit(channel)
    submit(channel)
    newcomer = make_handler(channel, role=R.INTEGRITY_COORDINATOR, confirm=False)
    wrong = crypto.generate_keypair()[1]
    with pytest.raises(ValidationError):
        services.recover_access(channel=channel, recovery_private_key=wrong, grantee=newcomer)
    assert services.recover_access(channel=channel, recovery_private_key=reporting.recovery_key, grantee=newcomer) == 2
    event = AuditEvent.objects.get(action="reports.access_granted")
    assert event.actor is None and event.role == "recovery" and event.data["method"] == "recovery_key"
    assert ChannelMembership.objects.get(user=newcomer).confirmed_at is not None
