import re
import threading

import pytest
from django.test import Client
from django.urls import reverse

from plein.core import roles as R
from plein.core.tests.factories import StructureRoleFactory
from plein.reports import crypto, keysession, services
from plein.reports.models import Attachment, Message, Report, UsedFormToken
from plein.reports.tests import samples
from plein.reports.tests.conftest import report_key_via_recovery

CODE_RE = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


def form_data(client, channel, **extra):
    """A filled-in report form with a fresh one-time token from the real GET."""
    page = client.get(reverse("reports:submit", args=[channel.code]))
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "form_token": token,
        "mode": "anonymous",
        "q_wat": "Er klopt iets niet bij de inkoop.",
        "strip_metadata": "on",
    }
    data.update(extra)
    return data


def receipt_from(response) -> str:
    return CODE_RE.search(response.content.decode()).group(1)


@pytest.mark.django_db
def test_reporting_page_is_public_and_explains(client, reporting, channel, settings):
    StructureRoleFactory(
        organisation=reporting.organisation, kind="confidential_adviser_external", employee=None, name="Bureau VP"
    )
    response = client.get(reverse("reports:start"))
    assert response.status_code == 200
    body = response.content.decode()
    assert channel.name in body and reverse("reports:submit", args=[channel.code]) in body
    assert "Bureau VP" in body
    assert "Huis voor Klokkenluiders" in body
    assert "Autoriteit Persoonsgegevens" in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_reporting_page_without_set_up_says_so(client, organisation):
    response = client.get(reverse("reports:start"))
    assert response.status_code == 200
    assert "utrecht-alert--warning" in response.content.decode()


@pytest.mark.django_db
def test_submit_shows_receipt_once_and_stores_whole_report(client, reporting, channel, handler):
    data = form_data(client, channel, mode="confidential", name="Anna Melder", q_waar="Inkoop")
    data["attachments"] = [samples.upload("foto.jpg", samples.jpeg_bytes(artist="Anna"))]
    response = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert response.status_code == 200, response.content.decode()[:3000]
    code = receipt_from(response)
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    report = Report.objects.get()
    assert report.mode == "confidential"
    assert Attachment.objects.filter(report=report).count() == 1
    opened = services.open_with_receipt(organisation=reporting.organisation, code=code)
    assert opened is not None and opened[0] == report
    key = report_key_via_recovery(reporting, report)
    content = crypto.decrypt_json(key, bytes(report.content_ciphertext))
    assert [a["value"] for a in content["answers"]] == ["Er klopt iets niet bij de inkoop.", "Inkoop"]
    assert crypto.decrypt_json(key, bytes(report.identity_ciphertext))["name"] == "Anna Melder"
    # The code is not shown anywhere again.
    assert code not in client.get(reverse("reports:start")).content.decode()


@pytest.mark.django_db
def test_double_submit_creates_one_report(client, channel, handler):
    data = form_data(client, channel)
    first = client.post(reverse("reports:submit", args=[channel.code]), data)
    second = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert first.status_code == 200
    assert second.status_code == 409
    assert "already been sent" in second.content.decode() or "al verstuurd" in second.content.decode()
    assert Report.objects.count() == 1
    assert not CODE_RE.search(second.content.decode())


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_report(channel, handler):
    """Two submissions of the same form that race (two tabs, a double click): the token is consumed atomically."""
    from django.db import OperationalError, connection

    token = services.issue_form_token()
    barrier = threading.Barrier(2)
    results = []

    def go():
        try:
            barrier.wait(5)
            services.submit_report(
                channel=channel,
                mode="anonymous",
                answers=[{"key": "wat", "label": "W", "value": "x"}],
                identity=None,
                form_token=token,
            )
            results.append("ok")
        except services.DuplicateSubmission:
            results.append("duplicate")
        except OperationalError:  # SQLite's in-memory test database may refuse the second writer outright
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and results.count("ok") == 1
    assert set(results) - {"ok"} <= {"duplicate", "refused"}
    if connection.vendor == "postgresql":
        assert sorted(results) == ["duplicate", "ok"]
    assert Report.objects.count() == 1 and UsedFormToken.objects.count() == 1


@pytest.mark.django_db
def test_empty_form_gets_clear_errors_and_stores_nothing(client, channel, handler):
    data = form_data(client, channel, q_wat="", mode="")
    response = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("utrecht-form-field-error-message") >= 2
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_named_without_name_is_refused(client, channel, handler):
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel, mode="named"))
    assert response.status_code == 400
    assert 'id="id_name_errors"' in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_anonymous_not_offered_when_not_allowed(client, make_channel, handler):
    channel = make_channel("alleen-naam", anonymity_allowed=False)
    body = client.get(reverse("reports:submit", args=[channel.code])).content.decode()
    assert 'value="anonymous"' not in body
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel, mode="anonymous"))
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_oversized_and_lying_files_are_refused_with_messages(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_MAX_FILE_BYTES": 2000}
    data = form_data(client, channel)
    data["attachments"] = [
        samples.upload("groot.pdf", b"%PDF-1.4\n" + b"0" * 5000),
        samples.upload("echt-een-png.pdf", samples.png_bytes()),
    ]
    response = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "groot.pdf" in body and "echt-een-png.pdf" in body
    assert not Report.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_too_many_and_too_large_together(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_MAX_FILES": 2, "REPORTS_MAX_TOTAL_BYTES": 10_000}
    data = form_data(client, channel)
    data["attachments"] = [samples.upload(f"{i}.txt", b"tekst\n") for i in range(3)]
    assert client.post(reverse("reports:submit", args=[channel.code]), data).status_code == 400
    data = form_data(client, channel)
    data["attachments"] = [samples.upload(f"{i}.txt", b"t" * 6000) for i in range(2)]
    response = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_unknown_channel_gets_a_clear_page(client, reporting):
    response = client.get(reverse("reports:submit", args=["bestaat-niet"]))
    assert response.status_code == 404
    assert reverse("reports:start") in response.content.decode()


@pytest.mark.django_db
def test_expired_csrf_keeps_what_was_typed_and_stores_nothing(reporting, channel, handler):
    client = Client(enforce_csrf_checks=True)
    data = form_data(client, channel, q_wat="Mijn lange verhaal dat niet verloren mag gaan")
    data["csrfmiddlewaretoken"] = "x" * 64
    client.cookies["csrftoken"] = "y" * 32  # as after the token expired / the cookie was replaced
    response = client.post(reverse("reports:submit", args=[channel.code]), data)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Mijn lange verhaal dat niet verloren mag gaan" in body
    assert 'name="form_token"' in body and 'name="csrfmiddlewaretoken"' in body
    assert not Report.objects.exists()
    # With a valid CSRF token (as after reloading) the same form goes through.
    page = client.get(reverse("reports:submit", args=[channel.code]))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    data["csrfmiddlewaretoken"] = csrf
    assert client.post(reverse("reports:submit", args=[channel.code]), data).status_code == 200
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_submission_rate_limit(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_SUBMISSIONS_PER_HOUR": 2}
    for _ in range(2):
        assert (
            client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel)).status_code == 200
        )
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel))
    assert response.status_code == 429
    assert Report.objects.count() == 2
    # Another client address is not limited.
    other = client.post(
        reverse("reports:submit", args=[channel.code]), form_data(client, channel), REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 200


@pytest.mark.django_db
def test_busy_argon2_answers_503_and_stores_nothing(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "ARGON2_CONCURRENCY": 1, "ARGON2_WAIT_SECONDS": 0.1}
    data = form_data(client, channel)
    started, release = threading.Event(), threading.Event()

    def hold():
        with crypto.argon2_slot():
            started.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert started.wait(5)
        response = client.post(reverse("reports:submit", args=[channel.code]), data)
    finally:
        release.set()
        worker.join()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Report.objects.exists()
    # The same form can be sent again afterwards: the token was not used.
    assert client.post(reverse("reports:submit", args=[channel.code]), data).status_code == 200


@pytest.mark.django_db
def test_logged_in_employee_sees_that_the_report_is_not_linked(client, channel, handler, employee_user):
    client.force_login(employee_user)
    body = client.get(reverse("reports:submit", args=[channel.code])).content.decode()
    assert "never linked to your account" in body or "nooit gekoppeld" in body


# --- Receipt login and the reporter's page --------------------------------------------------------------------


def _submit_and_code(client, channel):
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel))
    return receipt_from(response)


@pytest.mark.django_db
def test_receipt_login_opens_the_report_with_a_split_cookie_session(client, reporting, channel, handler):
    code = _submit_and_code(client, channel)
    response = client.post(reverse("reports:receipt_login"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("reports:reporter_report")
    cookie = response.cookies[keysession.REPORTER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/melden/"
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert "sessionid" not in response.cookies
    page = client.get(reverse("reports:reporter_report"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Er klopt iets niet bij de inkoop." in body
    assert "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_wrong_code_gets_one_generic_error(client, channel, handler):
    code = _submit_and_code(client, channel)
    wrong = str((int(code.replace(" ", "")) + 7) % 10**16).zfill(16)
    bodies = []
    for attempt in (wrong, "123", "abcd efgh ijkl mnop"):
        response = client.post(reverse("reports:receipt_login"), {"code": attempt})
        assert response.status_code == 400
        bodies.append(re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S).group(1))
    assert len(set(bodies)) == 1
    assert keysession.REPORTER_COOKIE not in client.cookies


@pytest.mark.django_db
def test_receipt_guessing_is_locked_out(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_RECEIPT_MAX_FAILURES": 3}
    code = _submit_and_code(client, channel)
    for _ in range(2):
        assert client.post(reverse("reports:receipt_login"), {"code": "0000000000000000"}).status_code == 400
    assert client.post(reverse("reports:receipt_login"), {"code": "0000000000000001"}).status_code == 429
    # Locked out: even the right code is not tried (no Argon2 work, no way to keep guessing).
    response = client.post(reverse("reports:receipt_login"), {"code": code})
    assert response.status_code == 429
    assert keysession.REPORTER_COOKIE not in response.cookies
    # Someone at another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.5")
    assert other.post(reverse("reports:receipt_login"), {"code": code}).status_code == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_lockout_time(client, channel, handler, settings):
    import time_machine
    from django.core.cache import cache

    settings.PLEIN = {**settings.PLEIN, "REPORTS_RECEIPT_MAX_FAILURES": 2, "REPORTS_RECEIPT_LOCKOUT_SECONDS": 60}
    code = _submit_and_code(client, channel)
    with time_machine.travel("2030-01-01 12:00", tick=False):
        client.post(reverse("reports:receipt_login"), {"code": "1"})
        assert client.post(reverse("reports:receipt_login"), {"code": "2"}).status_code == 429
    with time_machine.travel("2030-01-01 12:02", tick=False):
        assert client.post(reverse("reports:receipt_login"), {"code": code}).status_code == 302
    cache.clear()


@pytest.mark.django_db
def test_reporter_can_answer_and_add_files(client, reporting, channel, handler):
    code = _submit_and_code(client, channel)
    client.post(reverse("reports:receipt_login"), {"code": code})
    response = client.post(
        reverse("reports:reporter_report"),
        {"text": "Nog een aanvulling van mij", "attachments": [samples.upload("extra.txt", b"meer info\n")]},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.direction == "reporter" and message.author is None
    assert Attachment.objects.filter(message=message).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Nog een aanvulling van mij" in page and "extra.txt" in page


@pytest.mark.django_db
def test_reporter_empty_message_is_refused(client, channel, handler):
    client.post(reverse("reports:receipt_login"), {"code": _submit_and_code(client, channel)})
    response = client.post(reverse("reports:reporter_report"), {"text": "  "})
    assert response.status_code == 400
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_reporter_downloads_a_team_file_decrypted_as_attachment(client, reporting, channel, handler):
    client.post(reverse("reports:receipt_login"), {"code": _submit_and_code(client, channel)})
    report = Report.objects.get()
    key = report_key_via_recovery(reporting, report)
    from plein.reports.files import prepare_upload

    services.add_team_message(
        report=report,
        actor=handler,
        report_key=key,
        text="Zie bijlage",
        files=[prepare_upload(samples.upload("uitleg.pdf", samples.pdf_bytes()), strip=False, max_bytes=10**6)],
    )
    attachment = Attachment.objects.get()
    response = client.get(reverse("reports:reporter_attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "uitleg.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.pdf_bytes()


@pytest.mark.django_db
def test_reporter_cannot_download_another_reports_file(client, reporting, channel, handler, submit):
    other = submit(channel).report
    from plein.reports.files import prepare_upload

    services.add_reporter_message(
        report=other,
        report_key=report_key_via_recovery(reporting, other),
        text="",
        files=[prepare_upload(samples.upload("ander.txt", b"ander\n"), strip=False, max_bytes=10**6)],
    )
    client.post(reverse("reports:receipt_login"), {"code": _submit_and_code(client, channel)})
    attachment = Attachment.objects.get(report=other)
    assert client.get(reverse("reports:reporter_attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db
def test_reporter_logout_and_tampered_cookie(client, channel, handler):
    client.post(reverse("reports:receipt_login"), {"code": _submit_and_code(client, channel)})
    assert client.get(reverse("reports:reporter_report")).status_code == 200
    token = client.cookies[keysession.REPORTER_COOKIE].value
    client.cookies[keysession.REPORTER_COOKIE] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("reports:reporter_report")).status_code == 403
    client.cookies[keysession.REPORTER_COOKIE] = token
    response = client.post(reverse("reports:reporter_logout"))
    assert response.status_code == 200
    assert response.cookies[keysession.REPORTER_COOKIE].value == ""
    client.cookies[keysession.REPORTER_COOKIE] = token  # even a copied cookie is useless after logging out
    assert client.get(reverse("reports:reporter_report")).status_code == 403


@pytest.mark.django_db
def test_reporter_session_expires(client, channel, handler, settings):
    import time_machine

    settings.PLEIN = {**settings.PLEIN, "REPORTS_REPORTER_SESSION_SECONDS": 60}
    code = _submit_and_code(client, channel)
    with time_machine.travel("2030-02-01 12:00", tick=False):
        client.post(reverse("reports:receipt_login"), {"code": code})
        assert client.get(reverse("reports:reporter_report")).status_code == 200
    with time_machine.travel("2030-02-01 12:05", tick=False):
        response = client.get(reverse("reports:reporter_report"))
        assert response.status_code == 403
        assert reverse("reports:receipt_login") in response.content.decode()


@pytest.mark.django_db
def test_reporter_pages_without_a_session(client, reporting):
    assert client.get(reverse("reports:reporter_report")).status_code == 403
    assert client.get(reverse("reports:reporter_attachment", args=[1])).status_code == 403
    assert client.get(reverse("reports:receipt_login")).status_code == 200


@pytest.mark.django_db
def test_reporter_message_after_csrf_expiry_keeps_text(reporting, channel, handler):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("reports:submit", args=[channel.code]))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    data = form_data(client, channel)
    data["csrfmiddlewaretoken"] = csrf
    code = receipt_from(client.post(reverse("reports:submit", args=[channel.code]), data))
    client.post(reverse("reports:receipt_login"), {"code": code, "csrfmiddlewaretoken": csrf})
    response = client.post(
        reverse("reports:reporter_report"), {"text": "Bewaar dit bericht", "csrfmiddlewaretoken": "z" * 64}
    )
    assert response.status_code == 403
    assert "Bewaar dit bericht" in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_reporter_flow_leaves_nothing_in_a_logged_in_session(client, channel, handler, make_user):
    from django.contrib.sessions.models import Session

    employee = make_user()
    client.force_login(employee)
    before = dict(client.session.items())
    code = _submit_and_code(client, channel)
    client.post(reverse("reports:receipt_login"), {"code": code})
    client.post(reverse("reports:reporter_report"), {"text": "nog iets"})
    assert dict(client.session.items()) == before
    for session in Session.objects.all():
        decoded = session.get_decoded()
        assert not any(k.startswith("reports") for k in decoded)


@pytest.mark.django_db
def test_handler_role_does_not_matter_for_reporting(client, channel, handler, make_user):
    # An IC who reports (for example about a colleague) goes through the same public flow.
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    assert client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel)).status_code == 200


@pytest.mark.django_db
def test_oversized_text_is_refused_with_a_message(client, channel, handler, settings):
    settings.PLEIN = {**settings.PLEIN, "REPORTS_MAX_TEXT_CHARS": 100}
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel, q_wat="x" * 101))
    assert response.status_code == 400
    assert 'id="id_q_wat_errors"' in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_request_body_above_the_limit_is_refused_without_a_server_error(client, channel, handler, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("reports:submit", args=[channel.code]), form_data(client, channel, q_wat="y" * 5000))
    assert response.status_code == 400
    assert not Report.objects.exists()
