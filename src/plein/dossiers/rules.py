"""Who may do what in case handling. Deny by default.

A case is seen by the team of its report (``reports.view_report``: a handling role, team membership and a wrapped
key; investigators only when assigned). Moving a case is further limited per transition by the channel's workflow
(``workflow.py``), checked in the services. The functional administrator and the integrity coordinator configure the
workflow and the categories; the administrator still reads nothing.
"""

import rules

from plein.core import roles as R
from plein.core.rules import has_role, is_auditor, is_functional_admin
from plein.reports.rules import is_channel_member, is_handler, is_report_recipient

is_coordinator = has_role(R.INTEGRITY_COORDINATOR)


rules.add_perm("dossiers.view_case", is_handler & is_report_recipient)
rules.add_perm("dossiers.register_oral_report", is_handler & is_channel_member)
rules.add_perm("dossiers.manage_workflow", is_functional_admin | is_coordinator)
# Statistics and retention (docs/dossiers-statistics.md): the IC sees exact counts, the auditor only the published
# (suppressed) figures; the retention preview (metadata only) and run by the IC or the functional administrator.
rules.add_perm("dossiers.view_statistics", is_coordinator | is_auditor)
rules.add_perm("dossiers.view_exact_statistics", is_coordinator)
rules.add_perm("dossiers.apply_retention", is_coordinator | is_functional_admin)
rules.add_perm("dossiers.set_legal_hold", is_coordinator)
