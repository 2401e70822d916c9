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


@pytest.fixture(autouse=True)
def _mfa_enforcement(request, settings):
    """MFA enforcement (plein.core.middleware_mfa) is off in tests unless the test is marked ``mfa_enforced``.

    Most tests log privileged users in with ``client.force_login(user)``, which passes no second factor; they test
    permissions, not MFA. Tests of MFA itself, and tests that want a privileged login exactly as in production, use
    ``@pytest.mark.mfa_enforced`` and log in with ``plein.core.tests.auth_helpers.login_with_mfa(client, user)``.
    """
    settings.PLEIN_MFA_OPTIONAL = request.node.get_closest_marker("mfa_enforced") is None


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
