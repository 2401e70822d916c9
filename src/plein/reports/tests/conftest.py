"""Fixtures of the reporting channel's tests: an organisation with reporting set up, channels, handlers with vaults."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from plein.core import roles as R
from plein.reports import crypto, services
from plein.reports.models import Channel
from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

PASSPHRASE = "correct horse battery vault"


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Encrypted files go to a fresh media folder; rate-limit counters and reporter sessions start empty."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@dataclass
class Reporting:
    organisation: object
    recovery_key: bytes
    recovery_text: str


@pytest.fixture
def reporting(organisation):
    """Reporting set up for the test organisation; gives the recovery key (as a real administrator would keep it)."""
    _record, text = services.set_up_reporting(organisation=organisation, actor=None)
    return Reporting(organisation, crypto.parse_recovery_key(text), text)


@pytest.fixture
def make_channel(reporting):
    def make(code="misstand", *, anonymity_allowed=True, questionnaire=None, **fields) -> Channel:
        return services.create_channel(
            organisation=reporting.organisation,
            actor=None,
            code=code,
            name=fields.pop("name", f"Kanaal {code}"),
            description=fields.pop("description", "Wat u hier kunt melden."),
            questionnaire=questionnaire or DEFAULT_QUESTIONNAIRE,
            anonymity_allowed=anonymity_allowed,
            retention_days=fields.pop("retention_days", 365),
            category=fields.pop("category", ""),
            is_active=fields.pop("is_active", True),
            order=fields.pop("order", 0),
        )

    return make


@pytest.fixture
def channel(make_channel):
    return make_channel()


@pytest.fixture
def make_handler(make_user):
    """make_handler(channel, role=IC, vault=True): a handler with a vault, confirmed in the channel's team."""

    def make(*channels, role=R.INTEGRITY_COORDINATOR, vault=True, confirm=True):
        user = make_user(role)
        if vault:
            services.set_up_vault(user=user, passphrase=PASSPHRASE)
        for channel in channels:
            membership = services.add_team_member(channel=channel, actor=None, user=user)
            if confirm and vault and membership.confirmed_at is None:
                from django.utils import timezone

                from plein.reports.models import HandlerKey

                membership.confirmed_public_key = bytes(HandlerKey.objects.get(user=user).public_key)
                membership.confirmed_at = timezone.now()
                membership.save()
        return user

    return make


@pytest.fixture
def handler(make_handler, channel):
    return make_handler(channel)


def answers_for(text="Er is iets misgegaan bij de aanbesteding."):
    return [{"key": "wat", "label": "Wat is er gebeurd?", "value": text}]


@pytest.fixture
def submit():
    """submit(channel, text=..., mode=..., identity=..., excluded=..., files=...) -> Submission, through the service."""

    def make(channel, text="Er is iets misgegaan.", *, mode="anonymous", identity=None, excluded=(), files=(), **kw):
        return services.submit_report(
            channel=channel,
            mode=mode,
            answers=answers_for(text),
            identity=identity if identity is not None else ({"name": "Mel Der"} if mode != "anonymous" else None),
            excluded_user_ids=excluded,
            files=files,
            form_token=services.issue_form_token(),
            **kw,
        )

    return make


def unlock(client, user, passphrase=PASSPHRASE):
    """Log in and open the vault through the real view (the split key ends up in the session and a cookie)."""
    client.force_login(user)
    response = client.post(reverse("reports:vault_unlock"), {"passphrase": passphrase})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def report_key_via_recovery(reporting, report) -> bytes:
    from plein.reports.models import ReportKey

    wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
    return crypto.unseal(reporting.recovery_key, bytes(wrapped))
