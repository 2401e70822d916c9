from datetime import date

import pytest

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory
from plein.oaths.tests.factories import taken

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    "oaths.manage_oaths",
    "oaths.view_obligations",
    "oaths.view_own_oath",
    "oaths.register_for_ceremony",
    "oaths.view_figures",
]

# role → the permissions it has (without an object). Everyone with an employee record is an employee.
EXPECTED = {
    None: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.MANAGER: {"oaths.view_obligations", "oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.HR: set(PERMISSIONS),
    R.INTEGRITY_COORDINATOR: set(PERMISSIONS),
    R.AUDITOR: {"oaths.view_figures", "oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.FUNCTIONAL_ADMIN: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.EDITOR: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.CONFIDENTIAL_ADVISER: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.INVESTIGATOR: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.COMPETENT_AUTHORITY: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
    R.FACILITATOR: {"oaths.view_own_oath", "oaths.register_for_ceremony"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permissions_per_role(make_user, unit, role):
    user = make_user(role, unit=unit) if role else make_user()
    granted = {perm for perm in PERMISSIONS if user.has_perm(perm)}
    assert granted == EXPECTED[role]


def test_account_without_employee_record_has_nothing(db):
    from plein.core.tests.factories import UserFactory

    user = UserFactory()
    assert not any(user.has_perm(perm) for perm in PERMISSIONS)


def test_anonymous_has_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not any(AnonymousUser().has_perm(perm) for perm in PERMISSIONS)


@pytest.mark.parametrize("role", [None, R.MANAGER, R.AUDITOR, R.FUNCTIONAL_ADMIN])
def test_confirmation_only_own_for_non_managers(organisation, make_user, unit, role):
    user = make_user(role, unit=unit) if role else make_user()
    own = taken(user.employee, date(2024, 3, 1))
    someone = EmployeeFactory(organisation=organisation, unit=unit, start_date=date(2024, 1, 1))
    other = taken(someone, date(2024, 3, 1))
    assert user.has_perm("oaths.view_confirmation", own)
    assert user.has_perm("oaths.withdraw_registration", own)
    assert not user.has_perm("oaths.view_confirmation", other)
    assert not user.has_perm("oaths.withdraw_registration", other)
    assert not user.has_perm("oaths.view_confirmation")


@pytest.mark.parametrize("role", [R.HR, R.INTEGRITY_COORDINATOR])
def test_hr_and_ic_see_every_confirmation(organisation, make_user, role):
    user = make_user(role)
    someone = EmployeeFactory(organisation=organisation, start_date=date(2024, 1, 1))
    assert user.has_perm("oaths.view_confirmation", taken(someone, date(2024, 3, 1)))
