"""Who may do what in the oath register. Deny by default.

- HR and the integrity coordinator manage everything: obligations, ceremonies, check-in, texts, records, import.
- A manager sees the status of the people in the units they manage (and the units below them), read-only.
- Every employee sees their own obligation, registers for a ceremony and downloads their own confirmation.
- The auditor sees only aggregate figures. The functional administrator sees nothing personal here.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import is_auditor, is_employee, is_hr, is_integrity_coordinator, is_manager
from plein.core.selectors import employee_for

is_oath_manager = is_hr | is_integrity_coordinator


@object_rule("own oath", "only their own oath registration and confirmation", roles=[R.EMPLOYEE])
def is_own_registration(user, registration) -> bool:
    if registration is None:
        return False
    employee = employee_for(user)
    return employee is not None and registration.employee_id == employee.pk


rules.add_perm("oaths.manage_oaths", is_oath_manager)
rules.add_perm("oaths.view_obligations", is_oath_manager | is_manager)
rules.add_perm("oaths.view_own_oath", is_employee)
rules.add_perm("oaths.register_for_ceremony", is_employee)
rules.add_perm("oaths.view_confirmation", is_oath_manager | is_own_registration)
rules.add_perm("oaths.view_figures", is_oath_manager | is_auditor)
rules.add_perm("oaths.withdraw_registration", is_oath_manager | is_own_registration)
