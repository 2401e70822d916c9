import json
import re

import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.reports import crypto
from plein.reports.models import Channel, ChannelMembership, OrganisationKey
from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE
from plein.reports.tests.conftest import PASSPHRASE


@pytest.fixture
def admin(make_user):
    return make_user(R.FUNCTIONAL_ADMIN)


@pytest.mark.django_db
def test_recovery_key_is_shown_once(client, organisation, admin):
    client.force_login(admin)
    page = client.get(reverse("reports:admin_channels"))
    assert page.status_code == 200
    refused = client.post(reverse("reports:admin_recovery"), {})
    assert refused.status_code == 302 and not OrganisationKey.objects.exists()
    response = client.post(reverse("reports:admin_recovery"), {"understood": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key_text = re.search(r'plein-recovery-key">([A-Z2-7 ]+)<', response.content.decode()).group(1)
    private = crypto.parse_recovery_key(key_text)
    record = OrganisationKey.objects.get()
    assert crypto.public_key_of(private) == bytes(record.recovery_public_key)
    # Not stored, and not shown again.
    again = client.get(reverse("reports:admin_channels")).content.decode()
    assert key_text not in again
    second = client.post(reverse("reports:admin_recovery"), {"understood": "on"}, follow=True)
    assert key_text not in second.content.decode()
    assert OrganisationKey.objects.count() == 1
    assert AuditEvent.objects.filter(action="reports.recovery_key_created", actor=admin).count() == 1


@pytest.mark.django_db
def test_create_and_edit_channel(client, reporting, admin):
    client.force_login(admin)
    assert client.get(reverse("reports:admin_channel_new")).status_code == 200
    data = {
        "code": "ondermijning",
        "name": "Ondermijning",
        "description": "Signalen van criminele invloed.",
        "anonymity_allowed": "on",
        "retention_days": "730",
        "category": "",
        "is_active": "on",
        "order": "3",
        "questionnaire": "[{not json",
    }
    bad = client.post(reverse("reports:admin_channel_new"), data)
    assert bad.status_code == 400 and "JSON" in bad.content.decode()
    data["questionnaire"] = json.dumps([{"key": "wat", "label": "Wat?", "type": "textarea", "required": False}])
    no_required = client.post(reverse("reports:admin_channel_new"), data)
    assert no_required.status_code == 400 and not Channel.objects.exists()
    data["questionnaire"] = json.dumps(DEFAULT_QUESTIONNAIRE)
    ok = client.post(reverse("reports:admin_channel_new"), data)
    assert ok.status_code == 302
    channel = Channel.objects.get(code="ondermijning")
    assert channel.retention_days == 730 and channel.questionnaire[0]["key"] == "wat"
    duplicate = client.post(reverse("reports:admin_channel_new"), data)
    assert duplicate.status_code == 400
    data["name"] = "Ondermijning en criminele inmenging"
    data["code"] = "iets-anders"  # the code cannot be changed
    edited = client.post(reverse("reports:admin_channel_edit", args=["ondermijning"]), data)
    assert edited.status_code == 302
    channel.refresh_from_db()
    assert channel.name == "Ondermijning en criminele inmenging" and channel.code == "ondermijning"
    assert AuditEvent.objects.filter(action="reports.channel_updated", data__fields=["name"]).exists()


@pytest.mark.django_db
def test_team_set_up_add_confirm_remove(client, channel, admin, make_user):
    from plein.reports import services

    ic = make_user(R.INTEGRITY_COORDINATOR)
    hr = make_user(R.HR)
    client.force_login(admin)
    page = client.get(reverse("reports:admin_channel_team", args=[channel.code])).content.decode()
    assert f'value="{ic.pk}"' in page and f'value="{hr.pk}"' not in page
    refused = client.post(reverse("reports:admin_channel_team", args=[channel.code]), {"user": hr.pk})
    assert refused.status_code == 400 and not ChannelMembership.objects.filter(user=hr).exists()
    assert client.post(reverse("reports:admin_channel_team", args=[channel.code]), {"user": ic.pk}).status_code == 302
    membership = ChannelMembership.objects.get(user=ic)
    assert membership.confirmed_at is None  # no vault yet
    client.post(reverse("reports:admin_team_member_confirm", args=[channel.code, ic.pk]))
    assert ChannelMembership.objects.get(user=ic).confirmed_at is None
    services.set_up_vault(user=ic, passphrase=PASSPHRASE)
    client.post(reverse("reports:admin_team_member_confirm", args=[channel.code, ic.pk]))
    assert ChannelMembership.objects.get(user=ic).confirmed_at is not None
    client.post(reverse("reports:admin_team_member_remove", args=[channel.code, ic.pk]))
    assert not ChannelMembership.objects.filter(user=ic).exists()
    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"reports.team_member_added", "reports.team_member_confirmed", "reports.team_member_removed"} <= actions


@pytest.mark.django_db
def test_admin_list_query_count_does_not_grow(client, reporting, admin, make_channel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    make_channel("a")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:admin_channels")).status_code == 200
        return len(queries)

    small = count()
    for i in range(8):
        make_channel(f"kanaal-{i}")
    assert count() == small
