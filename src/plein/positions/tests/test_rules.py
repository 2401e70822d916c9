import pytest

from plein.core import roles as R
from plein.core.tests.factories import EmployeeFactory, OrgUnitFactory
from plein.positions.tests.helpers import make_position

pytestmark = pytest.mark.django_db

IC, HR, MANAGER, AUDITOR, ADMIN = R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER, R.AUDITOR, R.FUNCTIONAL_ADMIN
OTHERS = (R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY, R.FACILITATOR, R.EDITOR)

# permission → the roles that hold it without an object. Everyone else is refused (deny by default).
EXPECTED = {
    "positions.view_inventory": {IC, HR, MANAGER},
    "positions.change_position": {IC, HR},
    "positions.import_positions": {IC, HR},
    "positions.export_positions": {IC, HR},
    "positions.view_rounds": {IC, MANAGER},
    "positions.manage_rounds": {IC},
    "positions.view_screening": {HR},
    "positions.change_screening": {HR},
    "positions.view_coverage": {IC, HR, AUDITOR},
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
@pytest.mark.parametrize("role", [IC, HR, MANAGER, AUDITOR, ADMIN, *OTHERS])
def test_permission_matrix(make_user, unit, perm, role):
    user = make_user(role, unit=unit)
    assert user.has_perm(perm) is (role in EXPECTED[perm])


def test_plain_employee_sees_only_their_own_screening(make_user):
    user = make_user()
    assert user.has_perm("positions.view_own_screening")
    for perm in EXPECTED:
        assert not user.has_perm(perm)


def test_account_without_employee_record_gets_nothing(db):
    from plein.core.tests.factories import UserFactory

    user = UserFactory()
    assert not user.has_perm("positions.view_own_screening")
    assert not user.has_perm("positions.view_inventory")


def test_manager_views_and_reviews_only_own_positions(organisation, make_user):
    own = OrgUnitFactory(organisation=organisation, name="Ruimte")
    sub = OrgUnitFactory(organisation=organisation, name="Team Water", parent=own)
    other = OrgUnitFactory(organisation=organisation, name="Bedrijfsvoering")
    mine = make_position(organisation, sub)
    theirs = make_position(organisation, other)
    held_in_my_team = make_position(organisation, other)
    EmployeeFactory(organisation=organisation, unit=sub, position=held_in_my_team)
    manager = make_user(MANAGER, unit=own)
    for perm in ("positions.view_position", "positions.review_position"):
        assert manager.has_perm(perm, mine)
        assert manager.has_perm(perm, held_in_my_team)
        assert not manager.has_perm(perm, theirs)
        assert not manager.has_perm(perm, None)
    # The IC and HR view every position, but review nothing: that is the managers' work.
    for role in (IC, HR):
        user = make_user(role)
        assert user.has_perm("positions.view_position", theirs)
        assert not user.has_perm("positions.review_position", theirs)
    for role in (AUDITOR, ADMIN, *OTHERS):
        assert not make_user(role).has_perm("positions.view_position", mine)
