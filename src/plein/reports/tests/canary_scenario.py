"""The canary scenario: the whole reporting flow through the real views, with a unique canary in every secret.

Used by ``test_canary.py``: in a subprocess with its own SQLite database file (``canary_run.py``), or in-process on
PostgreSQL (followed by a ``pg_dump``). It never prints or logs page content, so that the captured output is only
what the application itself logs.
"""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

CODE_RE = re.compile(r"\d{4} \d{4} \d{4} \d{4}")


class ScenarioError(AssertionError):
    pass


def _check(response, *expected: int, step: str):
    if response.status_code not in expected:
        # Status only: the page content may hold canaries and must never reach the logs.
        raise ScenarioError(f"{step}: HTTP {response.status_code}")
    return response


def _token(client: Client, url: str) -> str:
    page = _check(client.get(url), 200, step="form")
    return re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def run(canary: dict[str, str]) -> dict[str, str]:
    """Run the flow. ``canary`` maps purposes to unique strings. Returns the secrets the system made (to check too)."""
    from plein.core import roles as R
    from plein.core.models import Employee, Organisation, RoleAssignment, User
    from plein.reports.tests import samples

    org = Organisation.objects.create(name="Provincie Kanarie", slug="kanarie")

    def person(email: str, *roles: str) -> User:
        user = User.objects.create_user(email=email, password="login-password-123", display_name=email.split("@")[0])
        Employee.objects.create(
            organisation=org, personnel_number=email.split("@")[0], first_name="A", last_name="B", user=user
        )
        for role in roles:
            RoleAssignment.objects.create(organisation=org, user=user, role=role)
        return user

    admin = person("beheer@kanarie.example", R.FUNCTIONAL_ADMIN)
    ic = person("ic@kanarie.example", R.INTEGRITY_COORDINATOR)
    employee = person("medewerker@kanarie.example")
    made: dict[str, str] = {}

    # The functional administrator sets up reporting and a channel.
    admin_client = Client()
    admin_client.force_login(admin)
    page = _check(admin_client.post(reverse("reports:admin_recovery"), {"understood": "on"}), 200, step="recovery key")
    made["recovery"] = re.search(r'plein-recovery-key">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    import json

    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    _check(
        admin_client.post(
            reverse("reports:admin_channel_new"),
            {
                "code": "misstand",
                "name": "Vermoeden van een misstand",
                "description": "Test",
                "anonymity_allowed": "on",
                "retention_days": "365",
                "is_active": "on",
                "order": "1",
                "questionnaire": json.dumps(DEFAULT_QUESTIONNAIRE),
            },
        ),
        302,
        step="channel",
    )

    # The IC sets up a vault (a canary passphrase) and joins the team.
    ic_client = Client()
    ic_client.force_login(ic)
    passphrase = canary["passphrase"]
    _check(
        ic_client.post(reverse("reports:vault_setup"), {"passphrase": passphrase, "passphrase2": passphrase}),
        302,
        step="vault",
    )
    _check(
        admin_client.post(reverse("reports:admin_channel_team", args=["misstand"]), {"user": ic.pk}), 302, step="team"
    )

    # A reporter (no account) sends a named report with files.
    reporter = Client()
    url = reverse("reports:submit", args=["misstand"])
    response = _check(
        reporter.post(
            url,
            {
                "form_token": _token(reporter, url),
                "mode": "named",
                "name": canary["name"],
                "email": canary["email"] + "@example.org",
                "phone": canary["phone"],
                "q_wat": f"Wat er gebeurde: {canary['text']}",
                "q_waar": canary["place"],
                "q_wie": canary["who"],
                "strip_metadata": "",
                "attachments": [
                    _upload(f"{canary['filename']}.txt", f"Bijlage met {canary['file']}\n".encode()),
                    _upload("scan.pdf", samples.pdf_bytes(author=canary["pdf_author"], text=canary["pdf"])),
                ],
            },
        ),
        200,
        step="submit named",
    )
    made["receipt_named"] = CODE_RE.search(response.content.decode()).group(0)

    # A logged-in employee reports anonymously, with a photo whose metadata is stripped.
    anon = Client()
    anon.force_login(employee)
    response = _check(
        anon.post(
            url,
            {
                "form_token": _token(anon, url),
                "mode": "anonymous",
                "q_wat": canary["anon_text"],
                "strip_metadata": "on",
                "attachments": [_upload("foto.jpg", samples.jpeg_bytes(artist=canary["exif"]))],
            },
        ),
        200,
        step="submit anonymous",
    )
    made["receipt_anon"] = CODE_RE.search(response.content.decode()).group(0)

    # The reporter comes back with the receipt code and adds information and a file.
    _check(reporter.post(reverse("reports:receipt_login"), {"code": made["receipt_named"]}), 302, step="receipt")
    _check(
        reporter.post(
            reverse("reports:reporter_report"),
            {
                "text": canary["reporter_message"],
                "attachments": [_upload("extra.txt", canary["reporter_file"].encode())],
            },
        ),
        302,
        step="reporter message",
    )

    # The IC opens the vault, reads, replies with a file, acknowledges, downloads.
    _check(ic_client.post(reverse("reports:vault_unlock"), {"passphrase": passphrase}), 302, step="unlock")
    from plein.reports.models import Attachment, Report

    for report in Report.objects.all():
        page = _check(ic_client.get(reverse("reports:report", args=[report.pk])), 200, step="read")
        if canary["text"] not in page.content.decode() and canary["anon_text"] not in page.content.decode():
            raise ScenarioError("the handler could not read the report")
        _check(
            ic_client.post(
                reverse("reports:report_reply", args=[report.pk]),
                {
                    "text": canary["team_message"],
                    "attachments": [_upload("antwoord.txt", canary["team_file"].encode())],
                },
            ),
            302,
            step="reply",
        )
        _check(
            ic_client.post(reverse("reports:report_acknowledge", args=[report.pk]), {"text": canary["ack"]}),
            302,
            step="acknowledge",
        )
        for attachment in Attachment.objects.filter(report=report):
            response = _check(
                ic_client.get(reverse("reports:report_attachment", args=[report.pk, attachment.pk])),
                200,
                step="download",
            )
            b"".join(response.streaming_content)

    # The reporter reads the answer and downloads the team's file.
    page = _check(reporter.get(reverse("reports:reporter_report")), 200, step="reporter reads")
    if canary["team_message"] not in page.content.decode():
        raise ScenarioError("the reporter could not read the team's message")
    for attachment in Attachment.objects.filter(direction="team"):
        response = reporter.get(reverse("reports:reporter_attachment", args=[attachment.pk]))
        if response.status_code == 200:
            b"".join(response.streaming_content)
    _check(ic_client.post(reverse("reports:vault_lock")), 302, step="lock")
    return made
