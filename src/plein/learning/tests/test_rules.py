"""Permissions per role: evaluated for real accounts that hold one role each."""

import pytest

from plein.core import roles as R
from plein.learning.selectors import event_for
from plein.learning.tests.factories import EventFactory, employee

pytestmark = pytest.mark.django_db

EXPECTED = {
    # permission: roles that have it (an account with an employee record always holds "employee" too)
    "learning.view_events": {R.EMPLOYEE, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR, R.EDITOR},
    "learning.register": {R.EMPLOYEE},
    "learning.complete_elearning": {R.EMPLOYEE},
    "learning.view_own_record": {R.EMPLOYEE},
    "learning.manage_events": {R.INTEGRITY_COORDINATOR, R.HR},
    "learning.take_attendance": {R.INTEGRITY_COORDINATOR, R.HR},
    "learning.view_records": {R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER},
    "learning.view_coverage": {R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER},
    "learning.view_figures": {R.INTEGRITY_COORDINATOR, R.HR, R.AUDITOR},
    "learning.view_record": {R.INTEGRITY_COORDINATOR, R.HR},
}


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_each_role_has_exactly_its_permissions(permission, organisation, make_user):
    from plein.core.tests.factories import RoleAssignmentFactory, UserFactory

    for role in R.ROLES:
        if role == R.EMPLOYEE:
            user = make_user()
        else:
            user = UserFactory()
            RoleAssignmentFactory(organisation=organisation, user=user, role=role)
        assert user.has_perm(permission) == (role in EXPECTED[permission]), (permission, role)


def test_anonymous_has_no_permission(organisation):
    from django.contrib.auth.models import AnonymousUser

    for permission in EXPECTED:
        assert not AnonymousUser().has_perm(permission)


def test_the_host_of_an_event_takes_attendance_there_only(organisation, make_user):
    user = make_user()
    mine = EventFactory(organisation=organisation)
    other = EventFactory(organisation=organisation)
    mine.hosts.add(user.employee)
    assert user.has_perm("learning.take_attendance", event_for(organisation, mine.pk))
    assert user.has_perm("learning.take_attendance", mine)  # also without the prefetched host ids
    assert not user.has_perm("learning.take_attendance", event_for(organisation, other.pk))
    assert not user.has_perm("learning.take_attendance")


def test_a_manager_sees_the_records_of_their_units_only(organisation, make_user, team, other_team):
    boss = make_user(R.MANAGER, unit=team)
    assert boss.has_perm("learning.view_record", employee(organisation, unit=team))
    assert not boss.has_perm("learning.view_record", employee(organisation, unit=other_team))
    assert not boss.has_perm("learning.view_record", None)
