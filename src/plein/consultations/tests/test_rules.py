"""Permissions for every role, without and with an object (need-to-know, ADR 0005)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from plein.consultations.tests.helpers import record
from plein.core import roles as R
from plein.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    "consultations.view_register",
    "consultations.record",
    "consultations.export",
    "consultations.import",
    "consultations.manage_lists",
]
ADVISER = {"consultations.view_register", "consultations.record"}
EXPECTED = {role: set() for role in R.ROLES} | {
    None: set(),
    R.INTEGRITY_COORDINATOR: set(PERMISSIONS),
    R.CONFIDENTIAL_ADVISER: ADVISER,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permissions_per_role(make_user, unit, role):
    user = make_user(role, unit=unit) if role else make_user()
    assert {perm for perm in PERMISSIONS if user.has_perm(perm)} == EXPECTED[role]


def test_account_without_employee_record_and_anonymous_have_nothing(db):
    for user in (UserFactory(), AnonymousUser()):
        assert not any(user.has_perm(perm) for perm in PERMISSIONS)


@pytest.mark.parametrize("role", [r for r in R.ROLES if r not in (R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER)])
def test_nobody_else_sees_a_record_not_even_the_person_who_recorded_it_without_the_role(
    organisation, unit, make_user, role
):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    item = record(organisation, ic)
    user = make_user(role, unit=unit)
    assert not user.has_perm("consultations.view_consultation", item)
    assert not user.has_perm("consultations.change_consultation", item)
    # A former adviser (the role revoked) no longer sees what they recorded.
    item.handler = user
    assert not user.has_perm("consultations.view_consultation", item)


def test_adviser_sees_and_changes_only_their_own(organisation, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    adviser = make_user(R.CONFIDENTIAL_ADVISER)
    colleague = make_user(R.CONFIDENTIAL_ADVISER)
    own = record(organisation, adviser)
    theirs = record(organisation, colleague)
    by_ic = record(organisation, ic)
    assert adviser.has_perm("consultations.view_consultation", own)
    assert adviser.has_perm("consultations.change_consultation", own)
    for item in (theirs, by_ic):
        assert not adviser.has_perm("consultations.view_consultation", item)
        assert not adviser.has_perm("consultations.change_consultation", item)
    for item in (own, theirs, by_ic):
        assert ic.has_perm("consultations.view_consultation", item)
        assert ic.has_perm("consultations.change_consultation", item)
    assert not adviser.has_perm("consultations.view_consultation", None)


def test_the_permissions_table_shows_the_need_to_know(db):
    from plein.core.object_rules import SCOPES

    assert SCOPES["own consultation"].roles == frozenset({R.CONFIDENTIAL_ADVISER})
