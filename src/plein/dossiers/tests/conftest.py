"""Fixtures of the case-handling tests: those of the reporting channel, plus a case with a team of two."""

from dataclasses import dataclass

import pytest

from plein.core import roles as R
from plein.reports import crypto
from plein.reports.models import ReportKey
from plein.reports.tests.conftest import (  # noqa: F401 - fixtures
    PASSPHRASE,
    _isolated_media_and_cache,
    channel,
    handler,
    make_channel,
    make_handler,
    report_key_via_recovery,
    reporting,
    submit,
    unlock,
)


def key_for(report, user) -> bytes:
    """The report key as a handler unwraps it (the tests hold the private key through the passphrase)."""
    from plein.reports.models import HandlerKey

    hk = HandlerKey.objects.get(user=user)
    private = crypto.open_vault(
        PASSPHRASE,
        crypto.Vault(bytes(hk.public_key), bytes(hk.encrypted_private_key), bytes(hk.salt), hk.opslimit, hk.memlimit),
    )
    wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.HANDLER, user=user)
    return crypto.unseal(private, bytes(wrapped.wrapped_key))


@dataclass
class Team:
    channel: object
    ic: object
    adviser: object
    investigator: object
    authority: object


@pytest.fixture
def team(channel, make_handler):  # noqa: F811 - the fixtures imported above
    return Team(
        channel=channel,
        ic=make_handler(channel, role=R.INTEGRITY_COORDINATOR),
        adviser=make_handler(channel, role=R.CONFIDENTIAL_ADVISER),
        investigator=make_handler(channel, role=R.INVESTIGATOR),
        authority=make_handler(channel, role=R.COMPETENT_AUTHORITY),
    )
