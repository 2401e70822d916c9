"""Who may do what with declarations. Deny by default; need-to-know.

- Every employee declares their own outside activities, gifts and invitations, and (in a designated position) their
  financial interests; they see only their own declarations, and can object, change or end them.
- A manager sees and decides on the outside activities and gifts of the people in the units they manage (and the
  units below them); never on their own. They see the campaign completion of their units.
- The integrity coordinator (IC) sees everything, gives advice, decides when needed, runs the campaign, keeps the
  registers, and is the only one besides the employee who sees financial interests.
- HR records declarations of candidates at the employment-terms interview and sees those; nothing else here.
- The auditor sees aggregate figures only. Anyone, without logging in, sees the public register.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import is_auditor, is_employee, is_hr, is_integrity_coordinator, is_manager
from plein.core.selectors import employee_for, managed_units


def _unit_of(obj):
    """The unit that decides who manages a declaration: the employee's, or the candidate's intended unit."""
    employee = getattr(obj, "employee", None)
    if employee is not None:
        return employee.unit
    candidate = getattr(obj, "candidate", None)
    if candidate is not None:
        return candidate.unit
    return getattr(obj, "unit", None)


@object_rule("own declaration", "only their own declarations", roles=[R.EMPLOYEE])
def is_own_declaration(user, obj) -> bool:
    if obj is None:
        return False
    employee = employee_for(user)
    return employee is not None and getattr(obj, "employee_id", None) == employee.pk


@object_rule("unit", "only for people in the units they manage (and the units below them)", roles=[R.MANAGER])
def manages_declarant(user, obj) -> bool:
    if obj is None:
        return False
    unit = _unit_of(obj)
    if unit is None:
        return False
    return any(unit.path == u.path or unit.path.startswith(u.path + "/") for u in managed_units(user))


@object_rule("interview", "only declarations recorded at an employment-terms interview", roles=[R.HR])
def recorded_at_interview(user, obj) -> bool:
    return obj is not None and getattr(obj, "candidate_id", None) is not None


# Declaring and one's own records.
rules.add_perm("declarations.declare", is_employee)
rules.add_perm(
    "declarations.view_activity",
    is_own_declaration | is_integrity_coordinator | manages_declarant | (is_hr & recorded_at_interview),
)
rules.add_perm("declarations.change_activity", is_own_declaration)
rules.add_perm("declarations.end_activity", is_own_declaration | is_integrity_coordinator)

# Assessment: the manager decides, the IC advises (and may decide); nobody decides on their own declaration.
rules.add_perm("declarations.view_assessments", is_manager | is_integrity_coordinator)
rules.add_perm("declarations.decide_activity", (manages_declarant | is_integrity_coordinator) & ~is_own_declaration)
rules.add_perm("declarations.give_advice", is_integrity_coordinator)
rules.add_perm("declarations.export_activities", is_integrity_coordinator)

# The employment-terms interview.
rules.add_perm("declarations.manage_candidates", is_hr | is_integrity_coordinator)

# The yearly campaign.
rules.add_perm("declarations.manage_campaigns", is_integrity_coordinator)
rules.add_perm("declarations.view_campaign_progress", is_integrity_coordinator | is_manager)

# Financial interests: only the employee themself and the IC (compliance).
rules.add_perm("declarations.view_financial_interests", is_integrity_coordinator)
rules.add_perm("declarations.view_financial_interest", is_own_declaration | is_integrity_coordinator)
rules.add_perm("declarations.review_financial_interests", is_integrity_coordinator)

# Gifts and invitations.
rules.add_perm("declarations.view_gift_register", is_manager | is_integrity_coordinator)
rules.add_perm("declarations.view_gift", is_own_declaration | is_integrity_coordinator | manages_declarant)
rules.add_perm("declarations.decide_gift", (manages_declarant | is_integrity_coordinator) & ~is_own_declaration)

# Figures for the annual report: aggregates only.
rules.add_perm("declarations.view_figures", is_integrity_coordinator | is_auditor)
