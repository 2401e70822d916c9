# ruff: noqa: F811 - the reporting channel's fixtures are imported by name
"""Retention (issue 5, item 7), with frozen time: before and after the period, legal hold, an idempotent second run,
the statistics kept, every run audited with counts only; the command and the pages, per role.

The story: a report with an attachment is received on 10 January 2026, the team replies with a file, writes a note and
minutes, and the case is closed on 1 February 2026. The channel keeps contents 365 days after closure, so the contents
go on 1 February 2027 and not a day earlier.
"""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.dossiers import retention, services, statistics
from plein.dossiers.models import Case, CaseEvent, OralRecord, OralRecordVersion, RevealRequest
from plein.reports import crypto
from plein.reports import services as report_services
from plein.reports.files import prepare_upload
from plein.reports.models import Attachment, Message, Report, ReportKey
from plein.reports.tests.conftest import (  # noqa: F401 - fixtures
    _isolated_media_and_cache,
    make_channel,
    make_handler,
    report_key_via_recovery,
    reporting,
    submit,
)

TZ = timezone.get_default_timezone()
RECEIVED = datetime(2026, 1, 10, 10, 0, tzinfo=TZ)
CLOSED = datetime(2026, 2, 1, 15, 0, tzinfo=TZ)
DAY_BEFORE = datetime(2027, 1, 31, 23, 0, tzinfo=TZ)
DUE_DAY = datetime(2027, 2, 1, 0, 30, tzinfo=TZ)
SECRET = "De wethouder kreeg een reis naar Monaco"


def _file(name="bewijs.txt", content=b"Vertrouwelijke bijlage."):
    return prepare_upload(SimpleUploadedFile(name, content, content_type="text/plain"), strip=False, max_bytes=10**6)


def _close(report: Report, at: datetime) -> None:
    Report.objects.filter(pk=report.pk).update(
        closed_at=at, status=Report.Status.CLOSED, category="fraude", outcome="substantiated"
    )
    Case.objects.filter(report=report).update(
        stage="afgesloten", category="fraude", outcome="substantiated", feedback_given_at=at
    )


@pytest.fixture
def world(reporting, make_channel, make_handler, submit):  # noqa: F811
    channel = make_channel("misstand", retention_days=365)
    handler = make_handler(channel)
    with time_machine.travel(RECEIVED, tick=False):
        submission = submit(channel, SECRET, mode="confidential", identity={"name": "Mel Der"}, files=[_file()])
        other = submit(channel, "Een tweede melding.")
    report = submission.report
    key = report_key_via_recovery(reporting, report)
    case = Case.objects.get(report=report)
    with time_machine.travel(datetime(2026, 1, 12, 9, 0, tzinfo=TZ), tick=False):
        report_services.add_team_message(report=report, actor=handler, report_key=key, text="Dank u.", files=[_file()])
        services.add_note(case=case, actor=handler, report_key=key, text="Notitie over " + SECRET)
        services.add_oral_record(
            case=case, actor=handler, report_key=key, kind="phone", held_on=date(2026, 1, 11), text="Verslag."
        )
        RevealRequest.objects.create(
            case=case,
            requested_by=handler,
            reason="investigation",
            ciphertext=crypto.encrypt_json(key, {"text": "Toelichting"}),
            requested_at=timezone.now(),
        )
    _close(report, CLOSED)
    _close(other.report, CLOSED)
    return {
        "channel": channel,
        "handler": handler,
        "report": report,
        "other": other.report,
        "code": submission.receipt_code,
    }


def _contents(report: Report) -> dict:
    report.refresh_from_db()
    case = Case.objects.get(report=report)
    return {
        "content": bytes(report.content_ciphertext) != b"",
        "identity": bytes(report.identity_ciphertext) != b"",
        "messages": Message.objects.filter(report=report).count(),
        "attachments": Attachment.objects.filter(report=report).count(),
        "keys": ReportKey.objects.filter(report=report).count(),
        "event_texts": sum(1 for e in CaseEvent.objects.filter(case=case) if bytes(e.ciphertext)),
        "oral_texts": sum(1 for v in OralRecordVersion.objects.filter(record__case=case) if bytes(v.ciphertext)),
        "reveal_texts": sum(1 for r in RevealRequest.objects.filter(case=case) if bytes(r.ciphertext)),
    }


def _run(organisation, *, dry_run=False, at=DUE_DAY):
    with time_machine.travel(at, tick=False):
        return retention.apply_retention(organisation=organisation, actor=None, dry_run=dry_run)


def test_nothing_goes_the_day_before_the_period_ends(world, reporting):
    before = _contents(world["report"])
    result = _run(reporting.organisation, at=DAY_BEFORE)
    assert result.cases == 0 and result.references == []
    assert _contents(world["report"]) == before
    assert before["content"] and before["identity"] and before["messages"] == 1 and before["attachments"] == 2
    assert before["event_texts"] >= 1 and before["oral_texts"] == 1 and before["reveal_texts"] == 1


def test_on_the_due_day_the_contents_go_and_the_statistics_stay(world, reporting):
    organisation = reporting.organisation
    with time_machine.travel(DUE_DAY, tick=False):
        figures_before = statistics.case_statistics(organisation, published=False)
    files = list(Attachment.objects.filter(report=world["report"]).values_list("storage_name", flat=True))
    assert files and all(default_storage.exists(name) for name in files)

    result = _run(organisation)

    assert result.cases == 2 and sorted(result.references) == sorted(
        [world["report"].reference, world["other"].reference]
    )
    assert result.files == 2 and result.files_failed == 0
    assert _contents(world["report"]) == {
        "content": False,
        "identity": False,
        "messages": 0,
        "attachments": 0,
        "keys": 0,
        "event_texts": 0,
        "oral_texts": 0,
        "reveal_texts": 0,
    }
    assert not any(default_storage.exists(name) for name in files)
    # The reporter's receipt code no longer opens anything.
    assert report_services.open_with_receipt(organisation=organisation, code=world["code"]) is None
    # What stays: the metadata and so the statistics.
    report = Report.objects.get(pk=world["report"].pk)
    case = Case.objects.get(report=report)
    assert (report.channel_id, report.received_at, report.closed_at) == (world["channel"].pk, RECEIVED, CLOSED)
    assert (case.stage, case.category, case.outcome) == ("afgesloten", "fraude", "substantiated")
    assert case.purged_at == DUE_DAY
    assert OralRecord.objects.filter(case=case).count() == 1  # the fact that minutes existed, not their text
    purged = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.PURGED)
    assert purged.data == {"messages": 1, "attachments": 2, "files": 2, "keys": 3, "texts": 5}
    with time_machine.travel(DUE_DAY, tick=False):
        figures_after = statistics.case_statistics(organisation, published=False)
    assert figures_after == figures_before


def test_every_run_is_audited_with_counts_and_never_content(world, reporting):
    organisation = reporting.organisation
    _run(organisation, dry_run=True)
    _run(organisation)
    preview = AuditEvent.objects.get(action="dossiers.retention_previewed")
    applied = AuditEvent.objects.get(action="dossiers.retention_applied")
    assert preview.data["cases"] == 2 and preview.data["dry_run"] is True and preview.data["messages"] == 1
    assert applied.data["cases"] == 2 and applied.data["dry_run"] is False and applied.data["texts"] > 0
    assert applied.actor is None and applied.actor_label == "apply_retention"
    per_case = AuditEvent.objects.filter(action="dossiers.case_contents_removed")
    assert per_case.count() == 2
    logged = str([e.data for e in AuditEvent.objects.all()])
    assert SECRET not in logged and "Mel Der" not in logged
    assert world["report"].reference not in str([preview.data, applied.data])


def test_a_dry_run_changes_nothing(world, reporting):
    before = _contents(world["report"])
    result = _run(reporting.organisation, dry_run=True)
    assert result.cases == 2 and result.messages == 1 and result.attachments == 2 and result.keys == 6
    assert world["report"].reference in result.references
    assert _contents(world["report"]) == before
    assert not Case.objects.filter(purged_at__isnull=False).exists()


def test_a_second_run_removes_nothing_and_is_audited_too(world, reporting):
    _run(reporting.organisation)
    again = _run(reporting.organisation, at=datetime(2027, 3, 1, 12, 0, tzinfo=TZ))
    assert again.cases == 0 and again.texts == 0
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.PURGED).count() == 2
    assert AuditEvent.objects.filter(action="dossiers.retention_applied").count() == 2


def test_a_legal_hold_stops_deletion_until_it_is_lifted(world, reporting, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    case = Case.objects.get(report=world["report"])
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        retention.set_legal_hold(case=case, actor=ic, hold=True, reason="Rechtszaak 2026/123")
    before = _contents(world["report"])
    result = _run(reporting.organisation)
    assert result.cases == 1 and result.held == 1 and result.references == [world["other"].reference]
    assert _contents(world["report"]) == before
    case.refresh_from_db()
    assert case.legal_hold and case.legal_hold_reason == "Rechtszaak 2026/123" and case.legal_hold_set_by == ic
    hold_event = AuditEvent.objects.get(action="dossiers.legal_hold_set")
    assert hold_event.data == {"hold": True} and hold_event.actor == ic  # the reason stays on the case
    with time_machine.travel(datetime(2027, 6, 1, 9, 0, tzinfo=TZ), tick=False):
        retention.set_legal_hold(case=case, actor=ic, hold=False)
    assert AuditEvent.objects.filter(action="dossiers.legal_hold_lifted").exists()
    assert list(CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.LEGAL_HOLD).values_list("data", flat=True)) == [
        {"hold": True},
        {"hold": False},
    ]
    later = _run(reporting.organisation, at=datetime(2027, 6, 2, 9, 0, tzinfo=TZ))
    assert later.cases == 1 and _contents(world["report"])["content"] is False


def test_a_legal_hold_needs_a_reason(world, make_user):
    from django.core.exceptions import ValidationError

    case = Case.objects.get(report=world["report"])
    with pytest.raises(ValidationError):
        retention.set_legal_hold(case=case, actor=make_user(R.INTEGRITY_COORDINATOR), hold=True, reason="  ")
    assert not Case.objects.get(pk=case.pk).legal_hold


def test_open_cases_are_never_due(world, reporting, submit):  # noqa: F811
    with time_machine.travel(RECEIVED, tick=False):
        open_report = submit(world["channel"], "Nog open.").report
    _run(reporting.organisation, at=datetime(2030, 1, 1, 12, 0, tzinfo=TZ))
    assert _contents(open_report)["content"] is True


def test_every_ciphertext_field_of_the_app_is_blanked():
    """A new ``*ciphertext`` field in dossiers is picked up by retention (and one without a link to a case fails)."""
    found = {(model.__name__, name) for model, name, _path in retention.content_fields()}
    assert {("CaseEvent", "ciphertext"), ("OralRecordVersion", "ciphertext"), ("RevealRequest", "ciphertext")} <= found


def test_the_command_previews_and_applies(world, reporting):
    out = StringIO()
    with time_machine.travel(DUE_DAY, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
    assert world["report"].reference in out.getvalue()
    assert _contents(world["report"])["content"] is True
    out = StringIO()
    with time_machine.travel(DUE_DAY, tick=False):
        call_command("apply_retention", stdout=out)
    assert world["report"].reference in out.getvalue()
    assert _contents(world["report"])["content"] is False


# --- Pages ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (R.INTEGRITY_COORDINATOR, 200),
        (R.FUNCTIONAL_ADMIN, 200),
        (R.AUDITOR, 403),
        (R.EMPLOYEE, 403),
        (R.MANAGER, 403),
        (R.CONFIDENTIAL_ADVISER, 403),
        (R.INVESTIGATOR, 403),
        (R.COMPETENT_AUTHORITY, 403),
        (R.HR, 403),
        (R.FACILITATOR, 403),
        (R.EDITOR, 403),
    ],
)
def test_who_may_use_the_retention_page(client, world, make_user, role, status):
    with time_machine.travel(DUE_DAY, tick=False):
        client.force_login(make_user(role))
        assert client.get(reverse("dossiers_oversight:retention")).status_code == status
        assert client.post(reverse("dossiers_oversight:retention_run")).status_code in (
            {400} if status == 200 else {403}
        )
        hold = client.get(reverse("dossiers_oversight:legal_hold")).status_code
    assert hold == (200 if role == R.INTEGRITY_COORDINATOR else 403)
    assert _contents(world["report"])["content"] is True


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for name in ("retention", "legal_hold"):
        response = client.get(reverse(f"dossiers_oversight:{name}"))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_previews_and_the_run_needs_a_confirmation(client, world, make_user):
    admin = make_user(R.FUNCTIONAL_ADMIN)
    with time_machine.travel(DUE_DAY, tick=False):
        client.force_login(admin)
        page = client.get(reverse("dossiers_oversight:retention"))
        assert world["report"].reference in page.content.decode()
        assert SECRET not in page.content.decode()
        refused = client.post(reverse("dossiers_oversight:retention_run"), {})
        assert refused.status_code == 400 and _contents(world["report"])["content"] is True
        done = client.post(reverse("dossiers_oversight:retention_run"), {"confirm": "on"})
    assert done.status_code == 302
    assert _contents(world["report"])["content"] is False
    event = AuditEvent.objects.filter(action="dossiers.retention_applied").latest("seq")
    assert event.actor == admin and event.role == R.FUNCTIONAL_ADMIN and event.data["cases"] == 2
    assert AuditEvent.objects.filter(action="dossiers.retention_previewed", actor=admin).count() == 2


def test_the_coordinator_sets_and_lifts_a_hold_on_the_page(client, world, make_user):
    client.force_login(make_user(R.INTEGRITY_COORDINATOR))
    url = reverse("dossiers_oversight:legal_hold")
    reference = world["report"].reference
    missing = client.post(url, {"reference": reference, "action": "instellen", "reason": ""})
    assert missing.status_code == 400 and not Case.objects.get(report=world["report"]).legal_hold
    unknown = client.post(url, {"reference": "1999-9999", "action": "instellen", "reason": "Rechtszaak"})
    assert unknown.status_code == 400
    assert client.post(url, {"reference": reference, "action": "instellen", "reason": "Rechtszaak"}).status_code == 302
    assert Case.objects.get(report=world["report"]).legal_hold
    page = client.get(reverse("dossiers_oversight:retention")).content.decode()
    assert "Rechtszaak" in page
    assert client.post(url, {"reference": reference, "action": "opheffen"}).status_code == 302
    assert not Case.objects.get(report=world["report"]).legal_hold
