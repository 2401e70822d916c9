"""Fixtures of the learning tests: a frozen day, a unit tree and people in it."""

import datetime as dt

import pytest
import time_machine

from plein.core import roles as R
from plein.core.tests.factories import OrgUnitFactory

TODAY = dt.date(2025, 9, 1)
NOW = dt.datetime(2025, 9, 1, 10, 0)


@pytest.fixture
def frozen():
    """1 September 2025, 10:00 in Amsterdam (time_machine), for tests that use the clock."""
    from zoneinfo import ZoneInfo

    with time_machine.travel(NOW.replace(tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False):
        yield


@pytest.fixture
def team(organisation, unit):
    return OrgUnitFactory(organisation=organisation, parent=unit, name="Team Water")


@pytest.fixture
def other_team(organisation, unit):
    return OrgUnitFactory(organisation=organisation, parent=unit, name="Team Wegen")


@pytest.fixture
def me(make_user, team):
    return make_user(employee_unit=team, start_date=dt.date(2015, 1, 1), first_name="Sanne", last_name="Visser")


@pytest.fixture
def boss(make_user, team):
    return make_user(R.MANAGER, unit=team, employee_unit=team, start_date=dt.date(2010, 1, 1), last_name="Baas")


@pytest.fixture
def ic(make_user):
    return make_user(R.INTEGRITY_COORDINATOR, start_date=dt.date(2012, 1, 1))


@pytest.fixture
def hr(make_user):
    return make_user(R.HR, start_date=dt.date(2012, 1, 1))


def login(client, user):
    client.force_login(user)
    return client
