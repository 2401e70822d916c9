"""Who may do what with the annual report. Deny by default.

- The integrity coordinator (IC) writes the report: picks a year, previews every figure, edits the texts and the
  meaning of the figures, keeps the integrity plan's actions, submits the report for approval and publishes it once
  approved. They download every version (draft or published, PDF, Word, HTML, JSON).
- The competent authority (the directie) previews the report, approves it, publishes it, and can reopen an approved
  or published report for correction.
- The auditor (for example the Rekenkamer) reads the preview, the plan and the files: the report holds aggregate
  figures only.
- Anyone, without logging in, reads a published report (the public page, its PDF and its JSON).
"""

import rules

from plein.core.rules import is_auditor, is_competent_authority, is_integrity_coordinator

rules.add_perm("annual_report.view_report", is_integrity_coordinator | is_competent_authority | is_auditor)
rules.add_perm("annual_report.edit_report", is_integrity_coordinator)
rules.add_perm("annual_report.submit_report", is_integrity_coordinator)
rules.add_perm("annual_report.approve_report", is_competent_authority)
rules.add_perm("annual_report.publish_report", is_integrity_coordinator | is_competent_authority)
rules.add_perm("annual_report.reopen_report", is_competent_authority)
rules.add_perm("annual_report.download_report", is_integrity_coordinator | is_competent_authority | is_auditor)
rules.add_perm("annual_report.view_plan", is_integrity_coordinator | is_competent_authority | is_auditor)
rules.add_perm("annual_report.manage_plan", is_integrity_coordinator)
