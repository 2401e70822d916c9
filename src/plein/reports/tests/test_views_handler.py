import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.reports import crypto, keysession, services
from plein.reports.files import prepare_upload
from plein.reports.models import Attachment, ChannelMembership, HandlerKey, Message, Report, ReportKey
from plein.reports.tests import samples
from plein.reports.tests.conftest import PASSPHRASE, report_key_via_recovery, unlock


def _file(name="bewijs.pdf", data=None):
    return prepare_upload(samples.upload(name, data or samples.pdf_bytes()), strip=False, max_bytes=10**7)


# --- Vault ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_vault_set_up_through_the_page(client, make_user):
    user = make_user(R.CONFIDENTIAL_ADVISER)
    client.force_login(user)
    assert client.get(reverse("reports:vault_setup")).status_code == 200
    short = client.post(reverse("reports:vault_setup"), {"passphrase": "kort", "passphrase2": "kort"})
    assert short.status_code == 400 and not HandlerKey.objects.exists()
    mismatch = client.post(
        reverse("reports:vault_setup"), {"passphrase": "een lange wachtzin", "passphrase2": "een andere wachtzin"}
    )
    assert mismatch.status_code == 400 and not HandlerKey.objects.exists()
    login_password = "correct horse battery staple"  # the factory's login password
    same = client.post(reverse("reports:vault_setup"), {"passphrase": login_password, "passphrase2": login_password})
    assert same.status_code == 400 and not HandlerKey.objects.exists()
    ok = client.post(reverse("reports:vault_setup"), {"passphrase": PASSPHRASE, "passphrase2": PASSPHRASE})
    assert ok.status_code == 302
    assert HandlerKey.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_unlock_stores_only_a_split_key(client, handler, channel, submit):
    submit(channel)
    client.force_login(handler)
    response = client.post(reverse("reports:vault_unlock"), {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    cookie = response.cookies[keysession.VAULT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["max-age"] and not cookie["expires"]
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    stored = session[keysession.VAULT_SESSION_KEY]
    private = services.unlock_vault(user=handler, passphrase=PASSPHRASE)
    ciphertext = crypto.b64decode(stored["ct"])
    wrapping_key = crypto.b64decode(cookie.value)
    # Neither half is the key, and the session half is useless without the cookie.
    assert private not in ciphertext and private != wrapping_key
    assert crypto.join_secret(wrapping_key, ciphertext) == private
    with pytest.raises(crypto.CryptoError):
        crypto.join_secret(crypto.new_key(), ciphertext)


@pytest.mark.django_db
def test_session_without_the_cookie_or_with_another_cookie_is_locked(client, handler, channel, submit):
    report = submit(channel).report
    unlock(client, handler)
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200
    real = client.cookies[keysession.VAULT_COOKIE].value
    client.cookies[keysession.VAULT_COOKIE] = crypto.b64encode(crypto.new_key())
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 302 and reverse("reports:vault_unlock") in response["Location"]
    del client.cookies[keysession.VAULT_COOKIE]
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 302
    client.cookies[keysession.VAULT_COOKIE] = real
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200


@pytest.mark.django_db
def test_unlocked_key_of_another_user_is_not_accepted(client, channel, handler, make_handler, submit):
    other = make_handler(channel, role=R.CONFIDENTIAL_ADVISER)
    report = submit(channel).report
    unlock(client, handler)
    vault_cookie = client.cookies[keysession.VAULT_COOKIE].value
    session_half = client.session[keysession.VAULT_SESSION_KEY]
    client.force_login(other)  # a new session
    session = client.session
    session[keysession.VAULT_SESSION_KEY] = session_half
    session.save()
    client.cookies[keysession.VAULT_COOKIE] = vault_cookie
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_passphrase_and_lockout(client, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_RECEIPT_MAX_FAILURES": 2}
    client.force_login(handler)
    for _ in range(2):
        assert client.post(reverse("reports:vault_unlock"), {"passphrase": "fout fout fout"}).status_code == 400
    response = client.post(reverse("reports:vault_unlock"), {"passphrase": PASSPHRASE})
    assert response.status_code == 429
    assert keysession.VAULT_COOKIE not in response.cookies
    assert AuditEvent.objects.filter(action="reports.vault_unlock_failed", actor=handler).count() == 2


@pytest.mark.django_db
def test_lock_deletes_both_halves(client, handler, channel, submit):
    report = submit(channel).report
    unlock(client, handler)
    response = client.post(reverse("reports:vault_lock"))
    assert response.status_code == 302
    assert response.cookies[keysession.VAULT_COOKIE].value == ""
    assert keysession.VAULT_SESSION_KEY not in client.session
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 302


@pytest.mark.django_db
def test_unlock_redirects_only_to_our_own_pages(client, handler):
    client.force_login(handler)
    response = client.post(
        reverse("reports:vault_unlock"), {"passphrase": PASSPHRASE, "next": "https://evil.example/steal"}
    )
    assert response["Location"] == reverse("reports:inbox")


@pytest.mark.django_db
def test_vault_reset_page(client, handler, channel, submit):
    submit(channel)
    client.force_login(handler)
    response = client.post(
        reverse("reports:vault_reset"), {"passphrase": "nieuwe lange wachtzin", "passphrase2": "nieuwe lange wachtzin"}
    )
    assert response.status_code == 302
    assert not ReportKey.objects.filter(user=handler).exists()
    assert AuditEvent.objects.filter(action="reports.vault_reset", actor=handler).exists()


# --- Inbox and reading ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inbox_shows_metadata_only_while_locked(client, handler, channel, submit):
    report = submit(channel, "Inhoud die je niet ziet zonder kluis").report
    client.force_login(handler)
    response = client.get(reverse("reports:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert report.reference in body
    assert "Inhoud die je niet ziet" not in body
    assert reverse("reports:vault_unlock") in body


@pytest.mark.django_db
def test_inbox_filters_and_empty_states(client, handler, make_channel, make_handler, submit, channel):
    other_channel = make_channel("ander")
    handler_other = make_handler(other_channel)
    submit(channel)
    r2 = submit(other_channel).report
    client.force_login(handler)
    body = client.get(reverse("reports:inbox")).content.decode()
    assert r2.reference not in body  # not their channel
    client.force_login(handler_other)
    body = client.get(reverse("reports:inbox") + "?status=closed").content.decode()
    assert r2.reference not in body
    assert "utrecht-table" not in body
    lonely = make_handler()
    client.force_login(lonely)
    body = client.get(reverse("reports:inbox")).content.decode()
    assert "not in the team" in body or "niet in het team" in body


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow(client, handler, channel, submit):
    client.force_login(handler)
    client.get(reverse("reports:inbox"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:inbox")).status_code == 200
        return len(queries)

    submit(channel)
    small = count()
    for _ in range(12):
        submit(channel)
    assert count() == small


@pytest.mark.django_db
def test_reading_view_decrypts_and_audits(client, handler, channel, submit):
    report = submit(channel, "Canarytekst in de melding", mode="named", identity={"name": "Nina Naam"}).report
    unlock(client, handler)
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Canarytekst in de melding" in body and "Nina Naam" in body
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="reports.report_decrypted")
    assert event.actor == handler and event.target_id == str(report.pk)
    assert "Canary" not in str(event.data)


@pytest.mark.django_db
def test_reading_view_query_count_is_bounded(client, reporting, handler, channel, submit):
    report = submit(channel).report
    unlock(client, handler)
    key = report_key_via_recovery(reporting, report)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200
        return len(queries)

    services.add_reporter_message(report=report, report_key=key, text="1", files=[_file("a.pdf")])
    small = count()
    for i in range(6):
        services.add_team_message(report=report, actor=handler, report_key=key, text=str(i), files=[_file(f"{i}.pdf")])
    assert count() == small


@pytest.mark.django_db
def test_confidential_identity_is_hidden_and_the_old_reveal_form_sends_to_the_four_eyes_step(
    client, handler, channel, submit
):
    report = submit(channel, mode="confidential", identity={"name": "Geheime Gerda"}).report
    unlock(client, handler)
    body = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Geheime Gerda" not in body
    assert reverse("dossiers:case", args=[report.pk]) + "#identiteit" in body
    response = client.post(reverse("reports:report_reveal_identity", args=[report.pk]), {"reason": "consent"})
    assert response.status_code == 302 and response["Location"].endswith("/dossier/#identiteit")
    assert "Geheime Gerda" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reports.identity_revealed").exists()


@pytest.mark.django_db
def test_reply_with_file_and_acknowledge(client, handler, channel, submit):
    report = submit(channel).report
    unlock(client, handler)
    response = client.post(
        reverse("reports:report_reply", args=[report.pk]),
        {"text": "Kunt u meer vertellen?", "attachments": [samples.upload("vragen.txt", b"vraag 1\n")]},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.direction == "team" and message.author == handler
    assert Attachment.objects.get().message == message
    empty = client.post(reverse("reports:report_reply", args=[report.pk]), {"text": ""})
    assert empty.status_code == 400 and Message.objects.count() == 1
    ack = client.post(reverse("reports:report_acknowledge", args=[report.pk]), {"text": ""})
    assert ack.status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_at is not None and report.status == Report.Status.ACKNOWLEDGED
    again = client.post(reverse("reports:report_acknowledge", args=[report.pk]), {"text": ""})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="reports.acknowledged").count() == 1
    assert AuditEvent.objects.filter(action="reports.reply_sent", actor=handler).count() == 1


@pytest.mark.django_db
def test_download_is_decrypted_as_an_attachment_and_audited(client, reporting, handler, channel, submit):
    pdf = samples.pdf_bytes(text="Canary PDF")
    report = submit(channel, files=[_file("bewijs “1”.pdf", pdf)]).report
    attachment = Attachment.objects.get()
    unlock(client, handler)
    response = client.get(reverse("reports:report_attachment", args=[report.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''bewijs%20%E2%80%9C1%E2%80%9D.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf
    event = AuditEvent.objects.get(action="reports.attachment_decrypted")
    assert event.actor == handler and event.data == {"report": report.pk}


@pytest.mark.django_db
def test_attachment_of_another_report_is_not_served(client, handler, channel, submit):
    r1 = submit(channel).report
    submit(channel, files=[_file()])
    other_attachment = Attachment.objects.get()
    unlock(client, handler)
    assert client.get(reverse("reports:report_attachment", args=[r1.pk, other_attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_excluded_handler_cannot_see_or_open_the_report(client, channel, handler, make_handler, submit):
    excluded = make_handler(channel, role=R.CONFIDENTIAL_ADVISER)
    report = submit(channel, excluded=[excluded.pk]).report
    unlock(client, excluded)
    assert report.reference not in client.get(reverse("reports:inbox")).content.decode()
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 403
    unlock(client, handler)
    body = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Excluded by the reporter" in body or "Uitgesloten" in body


# --- Team access ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_grant_access_through_the_team_page(client, channel, handler, make_handler, submit):
    newcomer = make_handler(channel, role=R.CONFIDENTIAL_ADVISER, confirm=False)
    report = submit(channel).report
    client.force_login(handler)
    page = client.get(reverse("reports:channel_team", args=[channel.code]))
    assert page.status_code == 200
    # Granting needs an unlocked vault.
    response = client.post(reverse("reports:channel_team", args=[channel.code]), {"member": newcomer.pk})
    assert response.status_code == 302 and reverse("reports:vault_unlock") in response["Location"]
    unlock(client, handler)
    response = client.post(reverse("reports:channel_team", args=[channel.code]), {"member": newcomer.pk})
    assert response.status_code == 302
    assert ReportKey.objects.filter(user=newcomer, report=report).exists()
    assert ChannelMembership.objects.get(user=newcomer).confirmed_at is not None
    unlock(client, newcomer)
    assert client.get(reverse("reports:report", args=[report.pk])).status_code == 200


@pytest.mark.django_db
def test_grant_refuses_people_outside_the_choices(client, channel, handler, make_handler, make_user):
    outsider = make_handler(role=R.CONFIDENTIAL_ADVISER)  # has a vault, not in the team
    unlock(client, handler)
    response = client.post(reverse("reports:channel_team", args=[channel.code]), {"member": outsider.pk})
    assert response.status_code == 400
    assert not ReportKey.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_start_page_items_for_handlers(rf, reporting, channel, handler, make_handler, make_user, submit):
    from plein.reports.navigation import reports_start_items

    def items_for(user):
        request = rf.get("/start/")
        request.user, request.organisation = user, reporting.organisation
        return reports_start_items(request)

    submit(channel)
    urls = [item.url for item in items_for(handler)]
    assert reverse("reports:start") in urls
    assert reverse("reports:inbox") + "?status=received" in urls
    no_vault = make_handler(channel, role=R.CONFIDENTIAL_ADVISER, vault=False)
    assert reverse("reports:vault_setup") in [item.url for item in items_for(no_vault)]
    employee_items = items_for(make_user())
    assert [item.kind for item in employee_items] == ["link"]


@pytest.mark.django_db
def test_navigation_by_permission(rf, reporting, handler, make_user):
    from plein.reports.navigation import reports_navigation

    def urls_for(user):
        request = rf.get("/")
        request.user = user
        return {item.url for item in reports_navigation(request)}

    assert urls_for(handler) >= {reverse("reports:start"), reverse("reports:inbox")}
    assert reverse("reports:admin_channels") in urls_for(make_user(R.FUNCTIONAL_ADMIN))
    assert urls_for(make_user(R.HR)) == {reverse("reports:start")}


@pytest.mark.django_db
def test_a_wrap_that_does_not_fit_the_vault_gets_a_clear_page(client, handler, channel, submit):
    report = submit(channel).report
    key = ReportKey.objects.get(report=report, user=handler)
    key.wrapped_key = crypto.seal(crypto.generate_keypair()[0], crypto.new_key())  # wrapped for another key pair
    key.save()
    unlock(client, handler)
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 409
    assert reverse("reports:inbox") in response.content.decode()
    assert not AuditEvent.objects.filter(action="reports.report_decrypted").exists()
