"""Object rules of the core domain, as ``rules`` predicates. Deny by default."""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.selectors import active_assignments, managed_units, user_roles


def has_role(*codes: str):
    """A predicate that is true when the user holds any of the given roles."""
    wanted = frozenset(codes)

    @rules.predicate(name=f"has_role({', '.join(sorted(wanted))})")
    def predicate(user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        # The assigned roles first; the employee record (the employee role) is read only when that role is asked
        # for and no assignment answered: most checks of a page then cost no query for it (issue 12).
        if any(a.role in wanted for a in active_assignments(user)):
            return True
        return R.EMPLOYEE in wanted and R.EMPLOYEE in user_roles(user)

    return predicate


is_employee = has_role(R.EMPLOYEE)
is_manager = has_role(R.MANAGER)
is_integrity_coordinator = has_role(R.INTEGRITY_COORDINATOR)
is_confidential_adviser = has_role(R.CONFIDENTIAL_ADVISER)
is_investigator = has_role(R.INVESTIGATOR)
is_competent_authority = has_role(R.COMPETENT_AUTHORITY)
is_hr = has_role(R.HR)
is_facilitator = has_role(R.FACILITATOR)
is_editor = has_role(R.EDITOR)
is_functional_admin = has_role(R.FUNCTIONAL_ADMIN)
is_auditor = has_role(R.AUDITOR)


@object_rule("unit", "only for people in the units they manage (and the units below them)", roles=[R.MANAGER])
def manages_employee(user, employee) -> bool:
    if employee is None or employee.unit_id is None:
        return False
    unit_path = employee.unit.path
    return any(unit_path == u.path or unit_path.startswith(u.path + "/") for u in managed_units(user))


rules.add_perm("core.view_people", is_hr | is_integrity_coordinator | is_manager)
rules.add_perm("core.view_employee", is_hr | is_integrity_coordinator | manages_employee)
rules.add_perm("core.import_people", is_hr)

# Role administration and the audit log (issue 3). The functional administrator manages roles but reads no registers.
rules.add_perm("core.manage_roles", is_functional_admin)
rules.add_perm("core.view_audit_log", is_integrity_coordinator | is_auditor)
