import random
from datetime import date

import pytest
from django.db import transaction

from plein.core import roles as R
from plein.core.models import RoleAssignment, StructureRole, User
from plein.core.tests.factories import EmployeeFactory
from plein.reports import crypto, demo, selectors, services
from plein.reports.models import Channel, Message, Report, ReportKey

TODAY = date(2026, 3, 15)


@pytest.fixture
def demo_people(organisation):
    """The demo accounts the reports demo builds on (core's demo makes them for real)."""
    for short, role in [
        ("ic", R.INTEGRITY_COORDINATOR),
        ("vertrouwenspersoon", R.CONFIDENTIAL_ADVISER),
        ("onderzoeker", R.INVESTIGATOR),
        ("provinciesecretaris", R.COMPETENT_AUTHORITY),
    ]:
        user = User.objects.create_user(email=f"{short}@veenland.example", password="x", display_name=short)
        EmployeeFactory(organisation=organisation, user=user)
        RoleAssignment.objects.create(organisation=organisation, user=user, role=role)
    for kind in (StructureRole.Kind.CISO, StructureRole.Kind.DATA_PROTECTION_OFFICER):
        StructureRole.objects.create(
            organisation=organisation, kind=kind, employee=EmployeeFactory(organisation=organisation)
        )
    return organisation


def _load(organisation, tmp_path, seed="demo"):
    return demo.load_reports_demo(
        organisation, rng=random.Random(seed), today=TODAY, recovery_path=tmp_path / "demo-recovery-key.txt"
    )


@pytest.mark.django_db
def test_demo_channels_teams_and_reports(demo_people, tmp_path):
    recovery_text = _load(demo_people, tmp_path)
    names = set(Channel.objects.values_list("name", flat=True))
    assert {
        "Vermoeden van een misstand",
        "Integriteitsschending",
        "Ondermijning",
        "Informatiebeveiligingsincident of datalek",
    } <= names
    datalek = Channel.objects.get(code="datalek")
    assert set(datalek.memberships.values_list("user__email", flat=True)) == {
        "ciso@veenland.example",
        "fg@veenland.example",
    }
    from plein.reports.models import ChannelMembership

    assert not ChannelMembership.objects.filter(confirmed_at__isnull=True).exists()
    assert Report.objects.count() == len(demo.REPORTS)
    # References follow the dates of receipt.
    ordered = list(Report.objects.order_by("received_at").values_list("reference", flat=True))
    assert ordered == sorted(ordered, key=lambda ref: (ref[:4], ref))
    # Every team member can read every report of their channel, except where the reporter excluded them.
    for report in Report.objects.select_related("channel"):
        members = set(report.channel.memberships.values_list("user_id", flat=True))
        holders = set(ReportKey.objects.filter(report=report, kind="handler").values_list("user_id", flat=True))
        assert holders <= members and len(members - holders) <= 1
    assert set(Report.objects.values_list("status", flat=True)) == {"received", "acknowledged", "in_progress", "closed"}
    # Every demo report has its case (plein.dossiers), in the stage its status implies, with a timeline.
    from plein.dossiers.models import Case, CaseEvent

    stage_of = {"received": "ontvangen", "acknowledged": "ontvangstbevestiging", "in_progress": "beoordeling"}
    for case in Case.objects.select_related("report"):
        assert case.stage == stage_of.get(case.report.status, "afgesloten")
        assert case.events.filter(kind=CaseEvent.Kind.CREATED).count() == 1
        if case.report.status == "closed":
            assert case.outcome and case.events.filter(kind=CaseEvent.Kind.STAGE).count() == 4
    assert Message.objects.filter(direction="reporter").exists() and Message.objects.filter(direction="team").exists()
    assert all(r.received_at.year in (2025, 2026) for r in Report.objects.all())
    # The seed report: no report of a suspected integrity violation in 2024.
    assert selectors.annual_figures(demo_people, 2024)["by_channel"]["integriteit"] == 0
    # The recovery key was written for the demo and works.
    written = (tmp_path / "demo-recovery-key.txt").read_text()
    assert recovery_text in written
    assert crypto.public_key_of(crypto.parse_recovery_key(recovery_text)) == bytes(
        demo_people.reporting_key.recovery_public_key
    )


@pytest.mark.django_db
def test_demo_receipt_codes_and_vault_passphrase_work(demo_people, tmp_path):
    _load(demo_people, tmp_path)
    for code in demo.DEMO_RECEIPT_CODES:
        opened = services.open_with_receipt(organisation=demo_people, code=code)
        assert opened is not None
    conversation = services.open_with_receipt(organisation=demo_people, code=demo.DEMO_RECEIPT_CODES[1])[0]
    assert conversation.messages.count() >= 3
    ic = User.objects.get(email="ic@veenland.example")
    private = services.unlock_vault(user=ic, passphrase=demo.DEMO_VAULT_PASSPHRASE)
    readable = ReportKey.objects.filter(user=ic, kind="handler")
    assert readable.count() >= 5
    for key in readable:
        crypto.unseal(private, bytes(key.wrapped_key))
    # The excluded investigator cannot read the report that names them.
    investigator = User.objects.get(email="onderzoeker@veenland.example")
    ondermijning = Report.objects.filter(channel__code="ondermijning").order_by("-received_at").first()
    assert not ReportKey.objects.filter(user=investigator, report=ondermijning).exists()


@pytest.mark.django_db
def test_demo_is_deterministic(demo_people, tmp_path):
    def metadata():
        return list(
            Report.objects.order_by("reference").values_list(
                "reference", "channel__code", "mode", "status", "received_at", "acknowledged_at", "category", "outcome"
            )
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        _load(demo_people, tmp_path)
        first = metadata()
        raise Rollback
    _load(demo_people, tmp_path)
    assert metadata() == first
