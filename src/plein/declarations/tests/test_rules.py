"""Permissions for every role, without and with an object (need-to-know)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from plein.core import roles as R
from plein.core.tests.factories import OrgUnitFactory, UserFactory
from plein.declarations import services
from plein.declarations.tests.helpers import TODAY, activity_data, declare, person

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    "declarations.declare",
    "declarations.view_assessments",
    "declarations.give_advice",
    "declarations.export_activities",
    "declarations.manage_candidates",
    "declarations.manage_campaigns",
    "declarations.view_campaign_progress",
    "declarations.view_financial_interests",
    "declarations.review_financial_interests",
    "declarations.view_gift_register",
    "declarations.view_figures",
]
EMPLOYEE = {"declarations.declare"}
EXPECTED = {
    None: EMPLOYEE,
    R.MANAGER: EMPLOYEE
    | {"declarations.view_assessments", "declarations.view_campaign_progress", "declarations.view_gift_register"},
    R.INTEGRITY_COORDINATOR: set(PERMISSIONS),
    R.HR: EMPLOYEE | {"declarations.manage_candidates"},
    R.AUDITOR: EMPLOYEE | {"declarations.view_figures"},
    R.FUNCTIONAL_ADMIN: EMPLOYEE,
    R.EDITOR: EMPLOYEE,
    R.CONFIDENTIAL_ADVISER: EMPLOYEE,
    R.INVESTIGATOR: EMPLOYEE,
    R.COMPETENT_AUTHORITY: EMPLOYEE,
    R.FACILITATOR: EMPLOYEE,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permissions_per_role(make_user, unit, role):
    user = make_user(role, unit=unit) if role else make_user()
    assert {perm for perm in PERMISSIONS if user.has_perm(perm)} == EXPECTED[role]


def test_account_without_employee_record_and_anonymous_have_nothing(db):
    for user in (UserFactory(), AnonymousUser()):
        assert not any(user.has_perm(perm) for perm in PERMISSIONS)


@pytest.fixture
def world(organisation, unit, make_user):
    """An employee and a colleague in a team under ``unit``, someone elsewhere, and their declarations."""
    team = OrgUnitFactory(organisation=organisation, parent=unit, name="Team A")
    elsewhere = OrgUnitFactory(organisation=organisation, name="Elders")
    me = make_user(employee_unit=team)
    colleague = person(organisation, team)
    stranger = person(organisation, elsewhere)
    own = declare(me.employee)
    return {
        "me": me,
        "own": own,
        "colleague": declare(colleague, actor=None),
        "stranger": declare(stranger, actor=None),
        "own_gift": services.declare_gift(actor=None, employee=me.employee, data=_gift(), today=TODAY),
        "colleague_gift": services.declare_gift(actor=None, employee=colleague, data=_gift(), today=TODAY),
        "stranger_gift": services.declare_gift(actor=None, employee=stranger, data=_gift(), today=TODAY),
        "team": team,
    }


def _gift():
    return services.GiftInput("geschenk", "ontvangen", "X", "Wijn", "Kerst", "80", TODAY)


def test_employee_sees_only_their_own(world):
    me = world["me"]
    assert me.has_perm("declarations.view_activity", world["own"])
    assert me.has_perm("declarations.change_activity", world["own"])
    assert me.has_perm("declarations.end_activity", world["own"])
    assert me.has_perm("declarations.view_gift", world["own_gift"])
    for other in ("colleague", "stranger"):
        assert not me.has_perm("declarations.view_activity", world[other])
        assert not me.has_perm("declarations.change_activity", world[other])
        assert not me.has_perm("declarations.view_gift", world[f"{other}_gift"])
    assert not me.has_perm("declarations.decide_activity", world["own"])
    assert not me.has_perm("declarations.decide_gift", world["own_gift"])


def test_manager_sees_and_decides_only_their_units_and_never_their_own(world, make_user, unit):
    boss = make_user(R.MANAGER, unit=unit, employee_unit=world["team"])
    own = declare(boss.employee)
    assert boss.has_perm("declarations.view_activity", world["colleague"])
    assert boss.has_perm("declarations.decide_activity", world["colleague"])
    assert boss.has_perm("declarations.decide_gift", world["colleague_gift"])
    assert not boss.has_perm("declarations.view_activity", world["stranger"])
    assert not boss.has_perm("declarations.decide_activity", world["stranger"])
    assert not boss.has_perm("declarations.view_gift", world["stranger_gift"])
    assert boss.has_perm("declarations.view_activity", own)
    assert not boss.has_perm("declarations.decide_activity", own)
    assert not boss.has_perm("declarations.change_activity", world["colleague"])


def test_ic_sees_all_but_does_not_decide_their_own(world, make_user):
    ic = make_user(R.INTEGRITY_COORDINATOR)
    for key in ("own", "colleague", "stranger"):
        assert ic.has_perm("declarations.view_activity", world[key])
        assert ic.has_perm("declarations.decide_activity", world[key])
    own = declare(ic.employee)
    assert not ic.has_perm("declarations.decide_activity", own)


def test_financial_interests_only_own_and_ic(organisation, unit, make_user):
    holder = make_user(employee_unit=unit)
    from plein.declarations.tests.helpers import designate

    designate(holder.employee.position, financial=True)
    interest = services.declare_financial_interest(
        actor=holder, employee=holder.employee, kind="belang", description="Aandelen", institution="X", today=TODAY
    )
    assert holder.has_perm("declarations.view_financial_interest", interest)
    assert make_user(R.INTEGRITY_COORDINATOR).has_perm("declarations.view_financial_interest", interest)
    for role in (R.MANAGER, R.HR, R.AUDITOR, R.FUNCTIONAL_ADMIN, None):
        user = make_user(role, unit=unit) if role else make_user()
        assert not user.has_perm("declarations.view_financial_interest", interest), role
        assert not user.has_perm("declarations.view_financial_interests"), role


def test_hr_sees_only_interview_declarations(organisation, unit, make_user):
    hr = make_user(R.HR)
    candidate = services.create_candidate(
        actor=hr,
        organisation=organisation,
        first_name="A",
        last_name="B",
        interview_on=dt.date(2025, 5, 1),
        start_date=dt.date(2025, 8, 1),
    )
    interview = services.record_candidate_activity(actor=hr, candidate=candidate, data=activity_data(), today=TODAY)
    ordinary = declare(person(organisation, unit), actor=None)
    assert hr.has_perm("declarations.view_activity", interview)
    assert not hr.has_perm("declarations.view_activity", ordinary)
    assert not hr.has_perm("declarations.decide_activity", interview)
    # Another role does not get interview declarations through the interview rule.
    assert not make_user(R.AUDITOR).has_perm("declarations.view_activity", interview)
