"""Who may do what in Leren & bewustwording. Deny by default; need-to-know.

- Every employee sees the events, registers and unregisters, completes e-learning modules and sees their own
  learning record. Editors see the events too (they write about them on the portal), but no one's record.
- The people who keep an event's attendance list (its hosts, for example a member of the works council) take
  attendance at that event only.
- HR and the integrity coordinator manage events, courses and mandatory trainings, take attendance anywhere and see
  everyone's learning record and the coverage of every unit.
- A manager sees the learning records and the coverage of the units they manage (and the units below them).
- The auditor sees aggregate figures only.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import (
    is_auditor,
    is_editor,
    is_employee,
    is_hr,
    is_integrity_coordinator,
    is_manager,
    manages_employee,
)
from plein.core.selectors import employee_for

is_learning_manager = is_hr | is_integrity_coordinator


@object_rule("own event", "only at the events whose attendance list they keep", roles=[R.EMPLOYEE])
def hosts_event(user, event) -> bool:
    if event is None:
        return False
    employee = employee_for(user)
    if employee is None:
        return False
    hosts = getattr(event, "host_ids", None)
    if hosts is None:
        hosts = set(event.hosts.values_list("pk", flat=True))
    return employee.pk in hosts


rules.add_perm("learning.view_events", is_employee | is_manager | is_learning_manager | is_editor)
rules.add_perm("learning.register", is_employee)
rules.add_perm("learning.complete_elearning", is_employee)
rules.add_perm("learning.view_own_record", is_employee)
rules.add_perm("learning.manage_events", is_learning_manager)
rules.add_perm("learning.take_attendance", is_learning_manager | hosts_event)
rules.add_perm("learning.view_records", is_learning_manager | is_manager)
rules.add_perm("learning.view_record", is_learning_manager | manages_employee)
rules.add_perm("learning.view_coverage", is_learning_manager | is_manager)
rules.add_perm("learning.view_figures", is_learning_manager | is_auditor)
