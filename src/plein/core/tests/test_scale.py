"""The scale data generator (plein.core.scale): deterministic, realistic, and complete.

A small run (200 employees, 2 years) is generated twice with the same seed and day; between the runs everything is
rolled back, so the second run starts from the same empty database. The two natural-key dumps must be equal.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from plein.core import scale
from plein.core.models import AuditEvent, Employee, Organisation, User
from plein.core.services.audit import verify_chain

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
        "reports",
        "audit events",
    ):
        assert counts.get(name, 0) > 0, f"the small run made no {name}"

    third = generate_and_dump(employees=200, years=2, seed=8, today=TODAY, fast_kdf=True)
    assert scale.dump_digest(third["dump"]) != scale.dump_digest(first["dump"]), "another seed, other data"


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
        assert "People: " in out and "Meldkanaal: " in out and "Done in" in out
        assert "employees in service" in out
        transaction.set_rollback(True)
