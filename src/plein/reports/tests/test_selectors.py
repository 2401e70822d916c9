from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plein.core import roles as R
from plein.reports import selectors, services
from plein.reports.models import Report
from plein.reports.tests.conftest import report_key_via_recovery

TZ = timezone.get_default_timezone()


def _at(*args):
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.mark.django_db
def test_annual_figures_count_by_received_date_in_amsterdam(reporting, channel, make_channel, handler, submit):
    misstand = channel
    integriteit = make_channel("integriteit", name="Integriteitsschending")
    with _at(2024, 12, 31, 23, 30):  # the last evening of 2024
        late_2024 = submit(misstand, mode="named").report
    with _at(2025, 1, 1, 0, 30):  # 1 January in Amsterdam, still 31 December in UTC: counts in 2025
        early_2025 = submit(misstand).report
    with _at(2025, 6, 1, 10):
        anon = submit(integriteit).report
        conf = submit(integriteit, mode="confidential").report
    key = report_key_via_recovery(reporting, early_2025)
    with _at(2025, 1, 5, 10):
        services.acknowledge_report(report=early_2025, actor=handler, report_key=key)
    with _at(2025, 6, 20, 10):  # after the 7-day term
        services.acknowledge_report(report=anon, actor=handler, report_key=report_key_via_recovery(reporting, anon))
    Report.objects.filter(pk=conf.pk).update(category="belangenverstrengeling", outcome="gegrond", status="closed")

    figures_2024 = selectors.annual_figures(reporting.organisation, 2024)
    assert figures_2024["received"] == 1 and figures_2024["named"] == 1
    assert figures_2024["by_channel"] == {"misstand": 1, "integriteit": 0}
    figures = selectors.annual_figures(reporting.organisation, 2025)
    assert figures["received"] == 3
    assert figures["anonymous"] == 2 and figures["confidential"] == 1 and figures["named"] == 0
    assert figures["by_channel"] == {"misstand": 1, "integriteit": 2}
    assert figures["channel_names"]["integriteit"] == "Integriteitsschending"
    assert figures["by_category"] == {"belangenverstrengeling": 1, "unclassified": 2}
    assert figures["by_outcome"] == {"gegrond": 1}
    assert figures["by_status"]["closed"] == 1
    assert figures["acknowledged"] == 2
    assert figures["acknowledged_within_term"] == 1 and figures["acknowledged_late"] == 1
    assert figures["not_acknowledged"] == 1
    assert selectors.annual_figures(reporting.organisation, 2023)["received"] == 0
    assert late_2024.reference.startswith("2024-")


@pytest.mark.django_db
def test_annual_figures_query_count_is_constant(reporting, channel, handler, submit):
    submit(channel)
    with CaptureQueriesContext(connection) as small:
        selectors.annual_figures(reporting.organisation, timezone.localdate().year)
    for _ in range(10):
        submit(channel)
    with CaptureQueriesContext(connection) as large:
        selectors.annual_figures(reporting.organisation, timezone.localdate().year)
    assert len(small) == len(large) == 2


@pytest.mark.django_db
def test_team_overview(reporting, channel, handler, make_handler, make_user, submit):
    submit(channel)
    pending = make_handler(channel, role=R.CONFIDENTIAL_ADVISER, confirm=False)
    no_vault = make_handler(channel, role=R.INVESTIGATOR, vault=False)
    submit(channel)
    members = {m.membership.user_id: m for m in selectors.team(channel)}
    assert members[handler.pk].confirmed and members[handler.pk].missing == 0 and members[handler.pk].fingerprint
    assert not members[pending.pk].confirmed and members[pending.pk].missing == 2
    assert not members[no_vault.pk].has_vault
    from plein.reports import crypto
    from plein.reports.models import HandlerKey

    HandlerKey.objects.filter(user=handler).update(public_key=crypto.generate_keypair()[0])
    changed = {m.membership.user_id: m for m in selectors.team(channel)}[handler.pk]
    assert changed.key_changed
    assert selectors.handler_candidates(reporting.organisation).filter(pk=make_user(R.HR).pk).count() == 0


@pytest.mark.django_db
def test_open_channels_and_advisers(reporting, make_channel, handler):
    from plein.core.tests.factories import StructureRoleFactory

    make_channel("open")
    make_channel("dicht", is_active=False)
    assert [c.code for c in selectors.open_channels(reporting.organisation)] == ["misstand", "open"]
    assert selectors.open_channel(reporting.organisation, "dicht") is None
    StructureRoleFactory(organisation=reporting.organisation, kind="confidential_adviser_internal")
    StructureRoleFactory(organisation=reporting.organisation, kind="ciso")
    assert [r.kind for r in selectors.confidential_advisers(reporting.organisation)] == [
        "confidential_adviser_internal"
    ]
    assert selectors.open_channels(None) == [] and selectors.confidential_advisers(None) == []
