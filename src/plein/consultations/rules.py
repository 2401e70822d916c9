"""Who may do what with the consultations register. Deny by default; need-to-know (ADR 0005).

- The integrity coordinator (IC) keeps the register: sees, changes and removes every record of the organisation,
  exports it, and manages the topic and action lists and the name setting.
- A confidential adviser records consultations and sees, changes and removes only the records they made themselves.
  What someone confided to one confidential adviser is not shown to another.
- Nobody else: not the functional administrator, HR, managers, the auditor (who sees the aggregate figures in the
  annual report) or the employee the conversation was about.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import is_confidential_adviser, is_integrity_coordinator


@object_rule("own consultation", "only the consultations they recorded themselves", roles=[R.CONFIDENTIAL_ADVISER])
def recorded_it(user, obj) -> bool:
    return obj is not None and getattr(obj, "handler_id", None) is not None and obj.handler_id == user.pk


rules.add_perm("consultations.view_register", is_integrity_coordinator | is_confidential_adviser)
rules.add_perm("consultations.record", is_integrity_coordinator | is_confidential_adviser)
rules.add_perm("consultations.view_consultation", is_integrity_coordinator | (is_confidential_adviser & recorded_it))
rules.add_perm("consultations.change_consultation", is_integrity_coordinator | (is_confidential_adviser & recorded_it))
rules.add_perm("consultations.export", is_integrity_coordinator)
rules.add_perm("consultations.import", is_integrity_coordinator)
rules.add_perm("consultations.manage_lists", is_integrity_coordinator)
