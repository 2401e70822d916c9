"""Who may do what in Functies & screening. Deny by default.

* The IC and HR keep the inventory of positions and their designations; managers see and review only the positions
  of their own units.
* The IC runs review rounds (start, approve, send back); managers review their positions in a round.
* HR keeps the screening dates of people; no one sees VOG content, because none is stored.
* The auditor sees only the aggregate coverage; the functional administrator nothing of this app.
"""

import rules

from plein.core import roles as R
from plein.core.models import Employee
from plein.core.object_rules import object_rule
from plein.core.rules import is_auditor, is_employee, is_hr, is_integrity_coordinator, is_manager
from plein.core.selectors import managed_units, managed_units_q


def _in_managed_units(user, unit) -> bool:
    if unit is None:
        return False
    return any(unit.path == u.path or unit.path.startswith(u.path + "/") for u in managed_units(user))


@object_rule(
    "positions of own unit",
    "only for positions of the units they manage (and the units below them), or held by people in those units",
    roles=[R.MANAGER],
)
def manages_position(user, obj) -> bool:
    """``obj`` is a position, or a position in a review round."""
    position = getattr(obj, "position", obj)
    units = managed_units(user)
    if position is None or not units:
        return False
    if position.unit_id is not None and _in_managed_units(user, position.unit):
        return True
    return (
        Employee.objects.in_service().filter(position_id=position.pk).filter(managed_units_q(user, "unit__")).exists()
    )


rules.add_perm("positions.view_inventory", is_integrity_coordinator | is_hr | is_manager)
rules.add_perm("positions.view_position", is_integrity_coordinator | is_hr | manages_position)
rules.add_perm("positions.change_position", is_integrity_coordinator | is_hr)
rules.add_perm("positions.import_positions", is_integrity_coordinator | is_hr)
rules.add_perm("positions.export_positions", is_integrity_coordinator | is_hr)
rules.add_perm("positions.view_rounds", is_integrity_coordinator | is_manager)
rules.add_perm("positions.manage_rounds", is_integrity_coordinator)
rules.add_perm("positions.review_position", manages_position)
rules.add_perm("positions.view_screening", is_hr)
rules.add_perm("positions.change_screening", is_hr)
rules.add_perm("positions.view_coverage", is_integrity_coordinator | is_hr | is_auditor)
rules.add_perm("positions.view_own_screening", is_employee)
