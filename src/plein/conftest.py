"""Fixtures shared by every app's tests."""

import pytest

from plein.core import roles as R
from plein.core.tests.factories import (
    EmployeeFactory,
    OrganisationFactory,
    OrgUnitFactory,
    RoleAssignmentFactory,
    UserFactory,
)


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def unit(organisation):
    return OrgUnitFactory(organisation=organisation, name="Directie", kind="directie")


@pytest.fixture
def make_user(organisation):
    """make_user(*roles, unit=None): an account with an employee record and the given roles."""

    def make(*roles, unit=None, employee_unit=None, **employee_fields):
        user = UserFactory()
        EmployeeFactory(organisation=organisation, user=user, email=user.email, unit=employee_unit or unit, **employee_fields)
        for role in roles:
            RoleAssignmentFactory(
                organisation=organisation, user=user, role=role, unit=unit if role == R.MANAGER else None
            )
        return user

    return make


@pytest.fixture
def employee_user(make_user):
    return make_user()


@pytest.fixture
def ic_user(make_user):
    return make_user(R.INTEGRITY_COORDINATOR)
