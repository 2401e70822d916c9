"""Who may do what in the portal. Deny by default.

- Portal pages (home, knowledge pages, news, documents, polls) are readable by everyone, without logging in: they
  hold no personal data (docs/portal.md, "Public or not").
- The editors (role Editor) and the integrity coordinator work in the CMS (/cms/). Access to the CMS follows the role
  at every request (``wagtailadmin.access_admin`` below); what they may edit there follows the Wagtail groups that
  ``services.sync_cms_groups`` keeps in line with the roles. Editors see no personal registers.
- Editors and the integrity coordinator register policy documents and their versions, and run polls.
- Only the integrity coordinator starts or closes an acknowledgement campaign. Coverage per unit is for the
  integrity coordinator and HR (all units) and managers (their own units, filtered by ``selectors.campaign_coverage``).
- Every employee acknowledges a version and votes in a poll, once.
- The auditor sees only the aggregate figures (through the annual report).
"""

import rules

from plein.core.rules import is_editor, is_employee, is_hr, is_integrity_coordinator, is_manager

is_portal_editor = is_editor | is_integrity_coordinator

# Wagtail asks this permission on every CMS view. Granting it by role (not by group) means that a revoked role
# closes the CMS at once, even before the group membership is brought in line.
rules.add_perm("wagtailadmin.access_admin", is_portal_editor)

rules.add_perm("portal.manage_policy_documents", is_portal_editor)
rules.add_perm("portal.manage_acknowledgement_campaigns", is_integrity_coordinator)
rules.add_perm("portal.view_acknowledgement_coverage", is_integrity_coordinator | is_hr | is_manager)
rules.add_perm("portal.view_policy_admin", is_portal_editor | is_hr | is_manager)
rules.add_perm("portal.acknowledge_policy", is_employee)
rules.add_perm("portal.manage_polls", is_portal_editor)
rules.add_perm("portal.vote_in_poll", is_employee)
