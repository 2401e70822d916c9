"""Case pages through the views: permissions for every role, the forms, and what the inbox shows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.dossiers import services
from plein.dossiers.models import Assignment, CaseEvent, Stage
from plein.dossiers.tests.conftest import key_for, unlock

pytestmark = pytest.mark.django_db

ALL_ROLES = [None, *R.ROLES]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_outside_the_team_every_role_is_refused(client, team, submit, make_user, role):
    report = submit(team.channel, "Geheime inhoud").report
    outsider = make_user(*([role] if role else []))
    client.force_login(outsider)
    for name in ("dossiers:case", "dossiers:letter", "dossiers:oral_new"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 403, (role, name)
        assert "Geheime inhoud" not in response.content.decode()
    assert client.post(reverse("dossiers:transition", args=[report.pk]), {"to_stage": "beoordeling"}).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, team, submit):
    report = submit(team.channel).report
    response = client.get(reverse("dossiers:case", args=[report.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    "member", ["ic", "adviser", "authority", "investigator"], ids=["ic", "adviser", "authority", "investigator"]
)
def test_team_members_read_the_case_investigators_only_when_assigned(client, team, submit, member):
    report = submit(team.channel, "Geheime inhoud").report
    user = getattr(team, member)
    unlock(client, user)
    url = reverse("dossiers:case", args=[report.pk])
    if member == "investigator":
        assert client.get(url).status_code == 403
        assert report.reference not in client.get(reverse("reports:inbox")).content.decode()
        Assignment.objects.create(case=report.case, user=user, kind="investigator", assigned_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 200
    assert report.reference in client.get(reverse("reports:inbox")).content.decode()
    assert AuditEvent.objects.filter(action="dossiers.case_decrypted", actor=user).exists()


def test_locked_vault_redirects_to_unlock(client, team, submit):
    report = submit(team.channel).report
    client.force_login(team.ic)
    response = client.get(reverse("dossiers:case", args=[report.pk]))
    assert response.status_code == 302 and reverse("reports:vault_unlock") in response["Location"]


def test_an_excluded_handler_loses_the_case(client, team, submit):
    report = submit(team.channel).report
    services.exclude_handler(case=report.case, actor=team.ic, user=team.adviser)
    unlock(client, team.adviser)
    assert client.get(reverse("dossiers:case", args=[report.pk])).status_code == 403


def test_transition_form_keeps_input_and_explains(client, team, submit):
    report = submit(team.channel).report
    services.send_acknowledgement_letter(
        case=report.case, actor=team.ic, report_key=key_for(report, team.ic), summary="s", next_steps="n"
    )
    unlock(client, team.ic)
    url = reverse("dossiers:transition", args=[report.pk])
    bad = client.post(url, {"to_stage": "beoordeling", "why": ""})
    assert bad.status_code == 400
    good = client.post(url, {"to_stage": "beoordeling", "why": "Ontvankelijk en ernstig."})
    assert good.status_code == 302
    report.case.refresh_from_db()
    assert report.case.stage == Stage.BEOORDELING
    page = client.get(reverse("dossiers:case", args=[report.pk])).content.decode()
    assert "Ontvankelijk en ernstig." in page


def test_letter_preview_and_send(client, team, submit):
    report = submit(team.channel).report
    unlock(client, team.ic)
    url = reverse("dossiers:letter", args=[report.pk])
    preview = client.post(url, {"summary": "Samenvatting X", "next_steps": "Stap Y", "preview": "1"})
    assert preview.status_code == 200 and "Samenvatting X" in preview.content.decode()
    report.refresh_from_db()
    assert report.acknowledged_at is None
    sent = client.post(url, {"summary": "Samenvatting X", "next_steps": "Stap Y", "send": "1"})
    assert sent.status_code == 302
    report.refresh_from_db()
    assert report.acknowledged_at is not None
    assert report.case.events.filter(kind=CaseEvent.Kind.LETTER).count() == 1


def test_extension_form(client, team, submit):
    report = submit(team.channel).report
    services.send_acknowledgement_letter(
        case=report.case, actor=team.ic, report_key=key_for(report, team.ic), summary="s", next_steps="n"
    )
    report.case.refresh_from_db()
    unlock(client, team.ic)
    until = report.case.feedback_due + timedelta(days=20)
    url = reverse("dossiers:extend", args=[report.pk])
    assert client.post(url, {"until": until.isoformat(), "reason": ""}).status_code == 400
    assert client.post(url, {"until": until.isoformat(), "reason": "Onderzoek loopt"}).status_code == 302
    page = client.get(reverse("dossiers:case", args=[report.pk])).content.decode()
    assert "extended once" in page or "eenmaal verlengd" in page


def test_inbox_filters_and_sorts_on_deadlines(client, team, submit):
    old = submit(team.channel, received_at=timezone.now() - timedelta(days=10)).report
    new = submit(team.channel).report
    unlock(client, team.ic)
    overdue = client.get(reverse("reports:inbox") + "?termijn=overdue").content.decode()
    assert old.reference in overdue and new.reference not in overdue
    soon = client.get(reverse("reports:inbox") + "?termijn=soon&dagen=7").content.decode()
    assert new.reference in soon and old.reference not in soon
    by_deadline = client.get(reverse("reports:inbox") + "?sorteer=deadline").content.decode()
    assert by_deadline.index(old.reference) < by_deadline.index(new.reference)


def test_settings_for_the_administrator_and_the_coordinator_only(client, team, make_user):
    for role, allowed in ((R.FUNCTIONAL_ADMIN, True), (R.INTEGRITY_COORDINATOR, True), (R.HR, False)):
        client.force_login(make_user(role))
        assert (client.get(reverse("dossiers:settings")).status_code == 200) is allowed
        assert (client.get(reverse("dossiers:workflow", args=[team.channel.code])).status_code == 200) is allowed
    client.force_login(make_user(R.FUNCTIONAL_ADMIN))
    bad = client.post(reverse("dossiers:settings"), {"lines": "zonder streep"})
    assert bad.status_code == 400 and "zonder streep" in bad.content.decode()
    assert client.post(reverse("dossiers:settings"), {"lines": "a | Eerste\nb | Tweede"}).status_code == 302
    response = client.post(
        reverse("dossiers:workflow", args=[team.channel.code]),
        {
            "acknowledgement_reminder_days": 2,
            "feedback_reminder_days": 14,
            "max_extension_months": 3,
            "transitions": '{"ontvangen": {"afgesloten": ["integrity_coordinator"]}}',
        },
    )
    assert response.status_code == 400  # the acknowledgement stage must be reachable


def test_reporter_answers_need_their_receipt_session(client, team, submit):
    report = submit(team.channel).report
    record = services.add_oral_record(
        case=report.case,
        actor=team.ic,
        report_key=key_for(report, team.ic),
        kind="phone",
        held_on=timezone.localdate(),
        text="x",
    )
    response = client.post(reverse("dossiers:reporter_oral", args=[record.pk]), {"action": "approve", "version": 1})
    assert response.status_code == 403
