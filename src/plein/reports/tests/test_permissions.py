"""Need-to-know: only the channel's team reads reports; everybody else, the functional administrator included, gets nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.reports.models import Attachment
from plein.reports.tests import samples
from plein.reports.tests.conftest import unlock

HANDLER_ROLES = [R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY]
NON_HANDLER_ROLES = [R.MANAGER, R.HR, R.FACILITATOR, R.EDITOR, R.FUNCTIONAL_ADMIN, R.AUDITOR]


@pytest.fixture
def world(channel, handler, submit):
    from plein.reports.files import prepare_upload

    report = submit(
        channel,
        "Canary need-to-know",
        files=[prepare_upload(samples.upload("x.txt", b"x\n"), strip=False, max_bytes=10**6)],
    ).report
    return {"channel": channel, "report": report, "attachment": Attachment.objects.get(report=report)}


def handler_urls(world):
    r, a, c = world["report"], world["attachment"], world["channel"]
    return {
        "inbox": reverse("reports:inbox"),
        "report": reverse("reports:report", args=[r.pk]),
        "attachment": reverse("reports:report_attachment", args=[r.pk, a.pk]),
        "team": reverse("reports:channel_team", args=[c.code]),
    }


def admin_urls(world):
    c = world["channel"]
    return {
        "channels": reverse("reports:admin_channels"),
        "new": reverse("reports:admin_channel_new"),
        "edit": reverse("reports:admin_channel_edit", args=[c.code]),
        "team": reverse("reports:admin_channel_team", args=[c.code]),
    }


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, world):
    for url in [*handler_urls(world).values(), *admin_urls(world).values(), reverse("reports:vault_setup")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    for name, args in [
        ("reports:report_reply", [world["report"].pk]),
        ("reports:report_acknowledge", [world["report"].pk]),
        ("reports:admin_recovery", []),
        ("reports:vault_lock", []),
    ]:
        response = client.post(reverse(name, args=args))
        assert response.status_code == 302 and reverse("account_login") in response["Location"], name


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *NON_HANDLER_ROLES])
def test_non_handlers_get_nothing_of_the_handler_side(client, world, make_user, role):
    user = make_user(*([role] if role else []))
    client.force_login(user)
    for name, url in handler_urls(world).items():
        response = client.get(url)
        assert response.status_code == 403, (role, name)
        assert "Canary" not in response.content.decode()
    assert client.get(reverse("reports:vault_setup")).status_code == 403
    assert client.post(reverse("reports:report_reply", args=[world["report"].pk]), {"text": "x"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", HANDLER_ROLES)
def test_handlers_outside_the_team_get_nothing(client, world, make_handler, role):
    outsider = make_handler(role=role)
    unlock(client, outsider)
    assert client.get(reverse("reports:inbox")).status_code == 200
    assert world["report"].reference not in client.get(reverse("reports:inbox")).content.decode()
    for name in ("report", "attachment", "team"):
        assert client.get(handler_urls(world)[name]).status_code == 403, (role, name)
    assert (
        client.post(reverse("reports:report_acknowledge", args=[world["report"].pk]), {"text": ""}).status_code == 403
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", HANDLER_ROLES)
def test_team_members_of_every_handling_role_can_read(client, world, make_handler, role, submit):
    member = make_handler(world["channel"], role=role)
    report = submit(world["channel"], "Canary voor het team").report
    unlock(client, member)
    if role == R.INVESTIGATOR:
        # Investigators see only the cases assigned to them (plein.dossiers): refused until assigned.
        assert client.get(reverse("reports:report", args=[report.pk])).status_code == 403
        from plein.dossiers.models import Assignment

        Assignment.objects.create(case=report.case, user=member, kind="investigator", assigned_at=timezone.now())
    response = client.get(reverse("reports:report", args=[report.pk]))
    assert response.status_code == 200 and "Canary voor het team" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *HANDLER_ROLES, R.MANAGER, R.HR, R.FACILITATOR, R.EDITOR, R.AUDITOR])
def test_only_the_functional_administrator_sets_up_channels(client, world, make_user, role):
    client.force_login(make_user(*([role] if role else [])))
    for name, url in admin_urls(world).items():
        assert client.get(url).status_code == 403, (role, name)
    assert client.post(reverse("reports:admin_recovery"), {"understood": "on"}).status_code == 403


@pytest.mark.django_db
def test_functional_administrator_cannot_read_reports(client, world, make_user):
    admin = make_user(R.FUNCTIONAL_ADMIN)
    client.force_login(admin)
    for name in ("inbox", "report", "attachment"):
        assert client.get(handler_urls(world)[name]).status_code == 403
    # Even by adding themselves to a team (with a handling role) they get no key for existing reports.
    from plein.reports import services
    from plein.reports.models import ReportKey

    admin_handler = make_user(R.FUNCTIONAL_ADMIN, R.INVESTIGATOR)
    services.set_up_vault(user=admin_handler, passphrase="een lange wachtzin hier")
    services.add_team_member(channel=world["channel"], actor=admin, user=admin_handler)
    assert not ReportKey.objects.filter(user=admin_handler).exists()
    unlock(client, admin_handler, "een lange wachtzin hier")
    assert client.get(handler_urls(world)["report"]).status_code == 403


@pytest.mark.django_db
def test_permission_rules_directly(world, make_user, make_handler):
    member = make_handler(world["channel"], role=R.CONFIDENTIAL_ADVISER)
    report = world["report"]
    outsider = make_handler(role=R.CONFIDENTIAL_ADVISER)
    assert not member.has_perm("reports.view_report", report)  # joined after the report: no key yet
    assert member.has_perm("reports.grant_access", world["channel"])
    assert not outsider.has_perm("reports.grant_access", world["channel"])
    assert not make_user(R.MANAGER).has_perm("reports.view_inbox")
    assert make_user(R.FUNCTIONAL_ADMIN).has_perm("reports.manage_channels")


@pytest.mark.django_db
@pytest.mark.mfa_enforced
def test_handler_pages_need_the_second_factor(client, world, handler):
    from plein.core.tests.auth_helpers import login_with_mfa

    client.force_login(handler)  # a password login without the second factor
    response = client.get(reverse("reports:inbox"))
    assert response.status_code == 302 and reverse("reports:inbox") not in response["Location"]
    login_with_mfa(client, handler)
    assert client.get(reverse("reports:inbox")).status_code == 200


@pytest.mark.django_db
@pytest.mark.mfa_enforced
def test_reporter_pages_need_no_login_even_with_mfa_enforced(client, world):
    assert client.get(reverse("reports:start")).status_code == 200
    assert client.get(reverse("reports:submit", args=[world["channel"].code])).status_code == 200
