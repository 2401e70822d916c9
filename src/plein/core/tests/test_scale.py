"""The scale data generator (plein.core.scale): deterministic, realistic, and complete.

A small run (200 employees, 2 years) is generated twice with the same seed and day; between the runs everything is
rolled back, so the second run starts from the same empty database. The two natural-key dumps must be equal.
"""

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from plein.consultations.models import Consultation, ConsultationEvent, Requester
from plein.core import roles as R
from plein.core import scale
from plein.core.models import AuditEvent, Employee, Organisation, RoleAssignment, User
from plein.core.services.audit import verify_chain
from plein.dossiers.models import Case
from plein.reports.models import Report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 18)


class _RollBack(Exception):
    pass


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def _sequences() -> list[tuple]:
    """PostgreSQL's sequences are not rolled back with the data; SQLite's are."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
        return cursor.fetchall()


def _restore(sequences: list[tuple]) -> None:
    with connection.cursor() as cursor:
        for name, last_value in sequences:
            if last_value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [name])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, last_value])


def generate_and_dump(**kwargs):
    """Generate, dump, and roll everything back (keys included), so that the next run starts from the same state."""
    result = {}
    sequences = _sequences()
    try:
        with transaction.atomic():
            generated = scale.generate(**kwargs)
            result["counts"] = generated.counts
            result["dump"] = scale.natural_dump()
            result["chain"] = verify_chain()
            raise _RollBack
    except _RollBack:
        pass
    _restore(sequences)
    cache.clear()  # Wagtail's site root paths, rate limits
    return result


def test_the_same_seed_gives_the_same_data():
    first = generate_and_dump(employees=200, years=2, seed=7, today=TODAY, fast_kdf=True)
    assert not Organisation.objects.exists(), "the first run was not rolled back"
    second = generate_and_dump(employees=200, years=2, seed=7, today=TODAY, fast_kdf=True)

    assert first["counts"] == second["counts"]
    differing = [label for label in first["dump"] if first["dump"][label] != second["dump"].get(label)]
    assert not differing, f"these tables differ between two runs with the same seed: {differing}"
    assert scale.dump_digest(first["dump"]) == scale.dump_digest(second["dump"])
    # The audit chain, with the bulk-written history and the services' events, verifies.
    assert first["chain"].ok and second["chain"].ok, first["chain"]

    counts = first["counts"]
    assert counts["employees in service"] == 200
    assert counts["employees"] > 200  # people who left in the two years, and people who start soon
    for name in (
        "oath ceremonies",
        "oath registrations",
        "position profiles",
        "VOG screenings",
        "outside activities",
        "gifts",
        "campaign participants",
        "learning events",
        "attendance",
        "news pages",
        "consultations",
        "reports",
        "audit events",
    ):
        assert counts.get(name, 0) > 0, f"the small run made no {name}"
    # The comparison covers the consultations register and the reports' cases (opened by the services).
    dump = first["dump"]
    for label in ("consultations.topic", "consultations.consultation", "consultations.consultationevent"):
        assert dump.get(label), f"the dump has no rows of {label}"
    assert len(dump["consultations.consultation"]) == counts["consultations"]
    assert len(dump["dossiers.case"]) == counts["reports"]

    third = generate_and_dump(employees=200, years=2, seed=8, today=TODAY, fast_kdf=True)
    assert scale.dump_digest(third["dump"]) != scale.dump_digest(first["dump"]), "another seed, other data"
    assert third["dump"]["consultations.consultation"] != dump["consultations.consultation"], "another seed"


def test_people_join_and_leave_over_the_years():
    with transaction.atomic():
        scale.generate(employees=150, years=3, seed=3, today=TODAY, fast_kdf=True)
        window = scale.add_years(TODAY, -3)
        people = Employee.objects.all()
        left = people.filter(end_date__gte=window, end_date__lt=TODAY)
        joined = people.filter(start_date__gte=window, start_date__lte=TODAY)
        assert people.in_service(TODAY).count() == 150
        # Turnover: about six per cent a year leave, and people join throughout the window.
        assert 0.1 * 150 < left.count() < 0.5 * 150
        assert joined.count() > 0.1 * 150
        assert {e.start_date.year for e in joined} >= {TODAY.year - 2, TODAY.year - 1}
        # Everyone in service now or starting soon has an account; who left has none.
        assert not people.filter(end_date__lt=TODAY, user__isnull=False).exists()
        assert User.objects.count() >= people.in_service(TODAY).count()
        assert AuditEvent.objects.filter(action="reports.report_received").exists()


def test_the_consultations_register_has_the_demos_shares():
    with transaction.atomic():
        result = scale.generate(employees=1000, years=3, seed=7, today=TODAY, fast_kdf=True)
        organisation = result.organisation
        window = scale.add_years(TODAY, -3)
        items = list(Consultation.objects.filter(organisation=organisation).select_related("topic", "action"))
        # 15 to 23 per thousand employees a year, on working days in the window, none in the future.
        assert len(items) == result.counts["consultations"]
        assert 15 * 3 * 0.9 <= len(items) <= 23 * 3 * 1.1
        assert all(window <= item.date < TODAY and item.date.weekday() < 5 for item in items)
        assert not any(item.removed_at or item.asker_name for item in items)
        # The demo's shares: outside activities the topic most often discussed; employees ask most, managers and
        # externals too; process advice the most frequent action.
        topics = Counter(item.topic.code for item in items)
        assert topics.most_common(1)[0][0] == "nevenfuncties"
        assert topics["nevenfuncties"] > 1.5 * max(n for code, n in topics.items() if code != "nevenfuncties")
        requesters = Counter(item.requester for item in items)
        assert set(requesters) == set(Requester.values)
        assert requesters[Requester.EMPLOYEE] > requesters[Requester.MANAGER] + requesters[Requester.EXTERNAL]
        assert Counter(item.action.code for item in items).most_common(1)[0][0] == "procesadvies"
        # Handled by the organisation's integrity coordinator and confidential adviser, both.
        handlers = dict(
            RoleAssignment.objects.filter(
                organisation=organisation, role__in=[R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER]
            ).values_list("user_id", "role")
        )
        assert {handlers.get(item.handler_id) for item in items} == {R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER}
        # Each has one history event, CREATED on its date by its handler, and the audit event of recording it.
        events = {e.consultation_id: e for e in ConsultationEvent.objects.filter(consultation__in=items)}
        assert ConsultationEvent.objects.filter(consultation__in=items).count() == len(items)
        for item in items:
            event = events[item.pk]
            assert event.kind == ConsultationEvent.Kind.CREATED
            assert timezone.localtime(event.occurred_at).date() == item.date
            assert event.actor_id == item.handler_id and event.actor_name
        audited = AuditEvent.objects.filter(action="consultations.recorded", target_type="consultations.consultation")
        by_pk = {item.pk: item for item in items}
        assert sorted(int(event.target_id) for event in audited) == sorted(by_pk)
        for event in audited:
            assert event.actor_id == by_pk[int(event.target_id)].handler_id
            assert event.role == handlers[event.actor_id]
        assert verify_chain().ok
        # Every report has its case, opened by the services.
        assert Case.objects.filter(report__in=Report.objects.all()).count() == Report.objects.count() > 0
        transaction.set_rollback(True)


def test_the_command_refuses_a_database_that_is_not_empty(organisation):
    from plein.core.tests.factories import UserFactory

    UserFactory(email="ic@veenland.example")
    with pytest.raises(Exception, match="already holds the demo organisation"):
        call_command("generate_scale_data", "--employees", "150", "--years", "1", verbosity=0)


def test_the_command_prints_progress_and_counts(capsys):
    with transaction.atomic():
        call_command(
            "generate_scale_data",
            "--employees",
            "120",
            "--years",
            "1",
            "--seed",
            "5",
            "--today",
            "2026-03-18",
            "--fast-kdf",
        )
        out = capsys.readouterr().out
        assert "People: " in out and "Consultations: " in out and "Meldkanaal: " in out and "Done in" in out
        assert "employees in service" in out
        transaction.set_rollback(True)
