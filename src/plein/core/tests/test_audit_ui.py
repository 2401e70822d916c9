"""The audit log pages for the integrity coordinator and the auditor, and the auditing of reads."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core import views_admin
from plein.core.models import AuditEvent
from plein.core.services.audit import record_event
from plein.core.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

URL = "/beheer/auditlog/"


@pytest.fixture
def auditor(make_user):
    return make_user(R.AUDITOR)


@pytest.fixture
def logged(organisation, make_user):
    """A small log: two role changes by one administrator and one import by HR."""
    admin = make_user(R.FUNCTIONAL_ADMIN)
    hr = make_user(R.HR)
    target = make_user()
    record_event(actor=admin, action="role.grant", organisation=organisation, target=target, data={"role": "hr"})
    record_event(actor=admin, action="role.revoke", organisation=organisation, target=target, data={"role": "hr"})
    record_event(actor=hr, action="people.import", organisation=organisation, data={"created": 3})
    return {"admin": admin, "hr": hr, "target": target}


def actions_shown(response):
    return [row.action for row in response.context["events"]]


def test_url_is_the_named_route():
    assert reverse("core:audit_log") == URL


@pytest.mark.parametrize("role", [R.INTEGRITY_COORDINATOR, R.AUDITOR])
def test_ic_and_auditor_see_the_log(client, make_user, logged, role):
    client.force_login(make_user(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert actions_shown(response) == ["people.import", "role.revoke", "role.grant"]
    body = response.content.decode()
    assert logged["admin"].email in body
    assert "Het auditlog is intact: 3 regels gecontroleerd." in body


@pytest.mark.parametrize("role", [R.FUNCTIONAL_ADMIN, R.HR, R.MANAGER, R.EDITOR, R.CONFIDENTIAL_ADVISER, None])
def test_others_may_not_see_the_log(client, make_user, role):
    client.force_login(make_user(role) if role else make_user())
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_filters(client, auditor, logged):
    client.force_login(auditor)
    assert actions_shown(client.get(URL, {"action": "role."})) == ["role.revoke", "role.grant"]
    assert actions_shown(client.get(URL, {"action": "role.grant"})) == ["role.grant"]
    assert actions_shown(client.get(URL, {"actor": logged["hr"].email.upper()})) == ["people.import"]
    target = logged["target"]
    assert actions_shown(client.get(URL, {"target_type": "core.user", "target_id": target.pk})) == [
        "role.revoke",
        "role.grant",
    ]
    assert actions_shown(client.get(URL, {"target_id": "999999"})) == []


def test_date_range_uses_local_days(client, auditor, organisation):
    amsterdam = timezone.get_default_timezone()
    early = record_event(actor=None, action="test.early", organisation=organisation)
    late = record_event(actor=None, action="test.late", organisation=organisation)
    # 23:30 on 1 March in Amsterdam is still 1 March locally (but 22:30 UTC).
    AuditEvent.objects.filter(pk=early.pk).update(occurred_at=datetime(2025, 3, 1, 23, 30, tzinfo=amsterdam))
    AuditEvent.objects.filter(pk=late.pk).update(occurred_at=datetime(2025, 3, 2, 0, 30, tzinfo=amsterdam))
    client.force_login(auditor)
    day_one = {"date_from": "2025-03-01", "date_to": "2025-03-01", "action": "test."}
    assert actions_shown(client.get(URL, day_one)) == ["test.early"]
    assert actions_shown(client.get(URL, {"date_from": "2025-03-02", "action": "test."})) == ["test.late"]


def test_reversed_date_range_is_explained(client, auditor, logged):
    client.force_login(auditor)
    response = client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum" in response.content.decode()
    assert actions_shown(response) == []


def test_paginated(client, auditor, organisation):
    for i in range(views_admin.PAGE_SIZE + 5):
        record_event(actor=None, action="test.bulk", organisation=organisation, data={"n": i})
    client.force_login(auditor)
    first = client.get(URL, {"action": "test.bulk"})
    assert len(first.context["events"]) == views_admin.PAGE_SIZE
    second = client.get(URL, {"action": "test.bulk", "page": 2})
    assert len(second.context["events"]) == 5
    assert 'rel="prev"' in second.content.decode()


def test_viewing_the_log_is_audited_without_filter_values(client, auditor, logged):
    client.force_login(auditor)
    client.get(URL, {"actor": logged["hr"].email, "action": "people."})
    event = AuditEvent.objects.filter(action="audit.view").get()
    assert event.actor == auditor
    assert event.role == R.AUDITOR
    assert event.data["filters"] == ["action", "actor"]
    assert logged["hr"].email not in str(event.data)
    # It shows on the next visit, and the chain stays intact.
    response = client.get(URL)
    assert actions_shown(response)[0] == "audit.view"
    assert "Het auditlog is intact" in response.content.decode()


def test_broken_chain_is_shown(client, auditor, logged):
    AuditEvent.objects.filter(seq=2).update(action="role.tampered")
    client.force_login(auditor)
    body = client.get(URL).content.decode()
    assert "Het auditlog is NIET intact" in body
    assert "De eerste foute regel is nummer 2." in body


def test_chain_is_verified_once_per_request(client, auditor, logged, monkeypatch):
    calls = []
    real = views_admin.verify_since_checkpoint

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(views_admin, "verify_since_checkpoint", counting)
    client.force_login(auditor)
    client.get(URL)
    assert len(calls) == 1


def test_the_page_verifies_only_new_entries_and_shows_the_last_full_verification(client, auditor, logged, monkeypatch):
    """Issue 12: the page no longer recomputes the whole chain; ``./plein verify_audit`` does, and the page says when."""
    from django.core.management import call_command

    from plein.core.services import audit

    client.force_login(auditor)
    body = client.get(URL).content.decode()
    assert "De hele keten is nog niet gecontroleerd." in body
    call_command("verify_audit", stdout=None)
    hashed = []
    real = audit.compute_hash
    monkeypatch.setattr(audit, "compute_hash", lambda event: hashed.append(event.seq) or real(event))
    body = client.get(URL).content.decode()
    head = AuditEvent.objects.order_by("-seq").first().seq
    # The checkpoint's event and the one audit.view written since the full verification: not the whole log.
    assert hashed == [head - 1, head]
    assert "De hele keten is het laatst gecontroleerd op" in body
    assert "Het auditlog is intact" in body


def test_a_failed_full_verification_is_shown_on_the_page(client, auditor, logged):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    client.force_login(auditor)
    client.get(URL)  # the checkpoint now lies past event 2
    AuditEvent.objects.filter(seq=2).update(action="role.tampered")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    body = client.get(URL).content.decode()
    assert "Het auditlog is NIET intact" in body
    assert "NIET intact vanaf regel 2" in body


def test_people_list_read_is_audited(client, make_user, organisation, unit):
    EmployeeFactory(organisation=organisation, unit=unit, last_name="Zichtbaar")
    hr = make_user(R.HR)
    client.force_login(hr)
    response = client.get(reverse("core:people"), {"q": "Zichtbaar"})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="people.list").get()
    assert event.actor == hr
    assert event.role == R.HR
    assert event.organisation == organisation
    assert event.data == {"page": 1, "results": 1}
    assert "Zichtbaar" not in str(event.data)


def test_navigation_shows_the_log_only_to_those_who_may_see_it(client, auditor, make_user):
    client.force_login(auditor)
    assert f'href="{URL}"' in client.get(reverse("core:start")).content.decode()
    client.force_login(make_user(R.FUNCTIONAL_ADMIN))
    body = client.get(reverse("core:start")).content.decode()
    assert f'href="{URL}"' not in body
    assert f'href="{reverse("core:role_list")}"' in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_audit_log_in_the_browser(page, make_user, organisation):
    from playwright.sync_api import expect

    from plein.core.tests.browser import login, visit

    ic = make_user(R.INTEGRITY_COORDINATOR)
    person = make_user()
    for action in ("role.grant", "role.revoke", "people.import"):
        record_event(actor=ic, action=action, organisation=organisation, target=person)
    login(page, ic)
    visit(page, URL)
    expect(page.get_by_role("status").first).to_contain_text("Het auditlog is intact")
    page.locator("#id_action").fill("role.")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("table.plein-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("role.revoke")

    AuditEvent.objects.filter(seq=1).update(action="role.tampered")
    # Event 1 was verified on the first visit: the page checks only newer events, the full verification finds it.
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("verify_audit")
    visit(page, URL)
    expect(page.get_by_role("alert")).to_contain_text("De eerste foute regel is nummer 1.")
