"""The access roles of Integriteitsplein, defined in one place.

Each role has a purpose and says whether it requires a second factor. What each role may do is written as
``rules`` predicates in each app's ``rules.py``; ``./plein permissions_table`` (and the test suite) turns them into
``docs/permissions.md``, so the table cannot drift from the code. Deny by default: a permission that no rule grants is
refused.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    purpose: str
    requires_mfa: bool
    # Whether the role is assigned per unit (a manager manages a unit and what lies below it).
    unit_scoped: bool = False


EMPLOYEE = "employee"
MANAGER = "manager"
INTEGRITY_COORDINATOR = "integrity_coordinator"
CONFIDENTIAL_ADVISER = "confidential_adviser"
INVESTIGATOR = "investigator"
COMPETENT_AUTHORITY = "competent_authority"
HR = "hr"
FACILITATOR = "facilitator"
EDITOR = "editor"
FUNCTIONAL_ADMIN = "functional_admin"
AUDITOR = "auditor"

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            EMPLOYEE,
            _("Employee"),
            _("Every employee: reads the portal, declares, registers for events, reports, sees their own records."),
            requires_mfa=False,
        ),
        Role(
            MANAGER,
            _("Manager"),
            _("Sees and assesses the records of the people in their own unit; never sees reports."),
            requires_mfa=False,
            unit_scoped=True,
        ),
        Role(
            INTEGRITY_COORDINATOR,
            _("Integrity coordinator"),
            _("Runs the integrity system: registers, consultations, campaigns, the annual report and the audit log."),
            requires_mfa=True,
        ),
        Role(
            CONFIDENTIAL_ADVISER,
            _("Confidential adviser"),
            _("Records consultations and handles reports of the channels whose team they are in."),
            requires_mfa=True,
        ),
        Role(
            INVESTIGATOR,
            _("Investigator"),
            _("Sees only the cases assigned to them."),
            requires_mfa=True,
        ),
        Role(
            COMPETENT_AUTHORITY,
            _("Competent authority"),
            _("Decides on cases and measures (for example the provincial secretary)."),
            requires_mfa=True,
        ),
        Role(
            HR,
            _("HR"),
            _("Keeps people, positions, oaths and screening dates; imports from the HR system."),
            requires_mfa=True,
        ),
        Role(
            FACILITATOR,
            _("Facilitator"),
            _("Leads moral deliberation sessions and proposes dilemmas for the case library."),
            requires_mfa=True,
        ),
        Role(
            EDITOR,
            _("Editor"),
            _("Edits the portal's pages, news and documents; sees no personal registers."),
            requires_mfa=False,
        ),
        Role(
            FUNCTIONAL_ADMIN,
            _("Functional administrator"),
            _("Assigns roles and manages settings and channels; cannot read personal registers or reports."),
            requires_mfa=True,
        ),
        Role(
            AUDITOR,
            _("Auditor"),
            _("Read-only access to aggregate figures, policy and the audit log; nothing personal."),
            requires_mfa=False,
        ),
    ]
}

ASSIGNABLE_ROLES = [code for code in ROLES if code != EMPLOYEE]


def role_choices():
    return [(role.code, role.label) for role in ROLES.values()]


def assignable_role_choices():
    return [(code, ROLES[code].label) for code in ASSIGNABLE_ROLES]
