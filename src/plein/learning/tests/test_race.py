"""Two people asking for the last place at the same moment: exactly one gets it (a real concurrent race).

Transactional test: each thread has its own database connection and its own transaction, as two web requests do.
The first registration is held open inside its transaction (after the capacity check, before the commit) while the
second one starts; the lock on the event row (SELECT ... FOR UPDATE on PostgreSQL; an IMMEDIATE transaction on SQLite)
makes the second wait, and it then sees the place taken.
"""

import threading
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from plein.core.tests.factories import EmployeeFactory
from plein.learning import services
from plein.learning.models import Registration
from plein.learning.tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOW = timezone.make_aware(datetime(2025, 9, 1, 10, 0))


def test_two_registrations_for_the_last_place_exactly_one_succeeds(organisation, monkeypatch):
    event = EventFactory(organisation=organisation, capacity=1)
    first, second = (EmployeeFactory(organisation=organisation) for _ in range(2))

    in_first = threading.Event()
    release_first = threading.Event()
    real_create = Registration.objects.create

    def slow_create(**kwargs):
        """The first registration pauses after its capacity check, inside its transaction."""
        registration = real_create(**kwargs)
        if kwargs["employee"] == first:
            in_first.set()
            assert release_first.wait(10)
        return registration

    monkeypatch.setattr(Registration.objects, "create", slow_create)
    outcomes: dict[str, object] = {}

    def attempt(label, employee):
        try:
            services.register(actor=None, event=event, employee=employee, now=NOW)
            outcomes[label] = "registered"
        except ValidationError as exc:
            outcomes[label] = exc.messages[0]
        except Exception as exc:  # reported by the assertion below
            outcomes[label] = repr(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=attempt, args=("first", first))
    two = threading.Thread(target=attempt, args=("second", second))
    one.start()
    assert in_first.wait(10), "the first registration did not reach its insert"
    two.start()
    two.join(0.5)  # the second one is now waiting for the lock (or, without the lock, done already)
    release_first.set()
    one.join(20)
    two.join(20)

    assert outcomes["first"] == "registered"
    assert "full" in outcomes["second"] or "vol" in outcomes["second"], outcomes
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}


def test_many_concurrent_registrations_never_exceed_the_capacity(organisation):
    event = EventFactory(organisation=organisation, capacity=3)
    people = [EmployeeFactory(organisation=organisation) for _ in range(8)]
    start = threading.Barrier(len(people))
    outcomes = []

    def attempt(employee):
        try:
            start.wait(10)
            services.register(actor=None, event=event, employee=employee, now=NOW)
            outcomes.append("registered")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["refused"] * 5 + ["registered"] * 3, outcomes
    assert Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count() == 3
