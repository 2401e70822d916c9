"""The access policy: for every route, who may use it. One declared table, checked by a generated test.

``POLICY`` maps each URL name of the covered namespaces to the accounts that are allowed to open it. The others are
refused (401/403/404, or sent to the login page). Besides the roles of ``plein.core.roles`` there are four kinds of
visitor:

* ``anonymous``: not logged in;
* ``other_organisation``: an account of another organisation, holding every role there;
* ``owner``: the employee whose record the object is (their own declaration, registration, screening ...);
* ``unit_manager``: the manager of the owner's unit (the ``manager`` column is a manager of another unit).

Every role account is an employee in a unit of its own; the objects of the object routes (``<int:pk>``) belong to
another employee, so a route that shows someone else's record without checking (IDOR) is caught.
``plein/core/tests/test_access_matrix.py`` requests every route as every visitor and compares with this table; a route
of a covered namespace without an entry fails the suite. ``./plein permissions_table`` renders the table into
``docs/permissions.md`` ("Access matrix by route").

"Allowed" means the route answers (a page, a download, a form error or a redirect after a POST); for a route that only
takes POST, an empty POST is sent (inside a rolled-back transaction).
"""

from __future__ import annotations

from dataclasses import dataclass

from plein.core import roles as R

ALLOWED = "allowed"
DENIED = "denied"

ANONYMOUS = "anonymous"
OTHER_ORGANISATION = "other_organisation"
OWNER = "owner"
UNIT_MANAGER = "unit_manager"
# Every visitor of the matrix, in the table's column order.
WHO: tuple[str, ...] = (ANONYMOUS, OTHER_ORGANISATION, OWNER, UNIT_MANAGER, *R.ROLES)

# Namespaces whose every route must have an entry. The others are checked by plein.core.url_policy (anonymous
# visitors, API tokens) and by their own apps' permission tests, and are listed here until they join the matrix.
COVERED_NAMESPACES = frozenset({"core", "oaths", "positions", "declarations", "reports", "api_tokens", "consultations"})
NOT_YET_COVERED_NAMESPACES: tuple[str, ...] = (
    "portal",  # the portal (issue 10): public pages and the editors' management pages
    "admin",  # the Django admin: superusers only (test_url_policy)
    "api",  # the REST API: tokens with scopes, no sessions (test_url_policy, plein.api tests)
    "(root)",  # unnamespaced: allauth's account pages, set_language, Wagtail's page and document routes
    "wagtailadmin_pages",  # Wagtail's CMS (/cms/): editors and the integrity coordinator (ADR 0003)
    "wagtailadmin_workflows",
    "wagtailadmin_reports",
    "wagtailadmin_api",
    "wagtailadmin_collections",
    "wagtailadmin_editing_sessions",
    "wagtailimages",
    "wagtailimages_chooser",
    "wagtaildocs",
    "wagtaildocs_chooser",
    "wagtailsites",
    "wagtailsettings",
    "wagtailsnippets",
    "wagtailusers_users",
    "wagtailusers_groups",
    "learning",  # Leren & bewustwording: being built (issue 11)
    "deliberation",  # Moreel beraad: being built
    "annual_report",  # Jaarverslag: being built
    "dossiers_oversight",  # Dossiers statistics and retention (issue 5): every role tested in dossiers/tests
)


def namespace_of(route) -> str:
    name = getattr(route, "name", route)
    return name.split(":", 1)[0] if ":" in name else "(root)"


@dataclass(frozen=True)
class Access:
    allowed: frozenset[str]
    why: str = ""


def _access(*who: str, why: str = "") -> Access:
    unknown = set(who) - set(WHO)
    if unknown:
        raise ValueError(f"unknown visitors in the access policy: {sorted(unknown)}")
    return Access(frozenset(who), why)


EVERYONE = (ANONYMOUS, OTHER_ORGANISATION, OWNER, UNIT_MANAGER, *R.ROLES)
LOGGED_IN = (OTHER_ORGANISATION, OWNER, UNIT_MANAGER, *R.ROLES)
# Accounts with an employee record in this organisation (every role account, the owner and the unit manager).
STAFF = (OWNER, UNIT_MANAGER, *R.ROLES)

POLICY: dict[str, Access] = {
    "api_tokens:list": _access(R.FUNCTIONAL_ADMIN),
    "api_tokens:revoke": _access(R.FUNCTIONAL_ADMIN),
    "core:audit_log": _access(R.INTEGRITY_COORDINATOR, R.AUDITOR),
    # The consultations register (ADR 0005): the IC sees and keeps every record; a confidential adviser records
    # and sees only their own (the object here was recorded by the IC, so the adviser is refused).
    "consultations:action_change": _access(R.INTEGRITY_COORDINATOR),
    "consultations:action_create": _access(R.INTEGRITY_COORDINATOR),
    "consultations:change": _access(R.INTEGRITY_COORDINATOR),
    "consultations:create": _access(R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER),
    "consultations:detail": _access(R.INTEGRITY_COORDINATOR),
    "consultations:export": _access(R.INTEGRITY_COORDINATOR),
    "consultations:list": _access(R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER),
    "consultations:remove": _access(R.INTEGRITY_COORDINATOR),
    "consultations:settings": _access(R.INTEGRITY_COORDINATOR),
    "consultations:topic_change": _access(R.INTEGRITY_COORDINATOR),
    "consultations:topic_create": _access(R.INTEGRITY_COORDINATOR),
    "core:healthz": _access(*EVERYONE),
    "core:home": _access(*EVERYONE),
    "core:people": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "core:role_account": _access(R.FUNCTIONAL_ADMIN),
    "core:role_list": _access(R.FUNCTIONAL_ADMIN),
    "core:role_revoke": _access(R.FUNCTIONAL_ADMIN),
    # Any account may open its own start page; one without an employee record or a role here sees no to-dos.
    "core:start": _access(*LOGGED_IN),
    "core:structure": _access(*EVERYONE),
    "core:theme_css": _access(*EVERYONE),
    "declarations:activity_advise": _access(R.INTEGRITY_COORDINATOR),
    "declarations:activity_change": _access(OWNER),
    "declarations:activity_create": _access(*STAFF),
    "declarations:activity_decide": _access(UNIT_MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:activity_detail": _access(OWNER, UNIT_MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:activity_end": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "declarations:activity_export": _access(R.INTEGRITY_COORDINATOR),
    "declarations:activity_list": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:activity_object": _access(OWNER),
    "declarations:activity_request_advice": _access(UNIT_MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:campaign_close": _access(R.INTEGRITY_COORDINATOR),
    "declarations:campaign_detail": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:campaign_list": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:campaign_remind": _access(R.INTEGRITY_COORDINATOR),
    "declarations:campaign_start": _access(R.INTEGRITY_COORDINATOR),
    "declarations:candidate_activity_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "declarations:candidate_attach": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "declarations:candidate_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "declarations:candidate_detail": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "declarations:candidate_list": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "declarations:confirm": _access(*STAFF),
    "declarations:figures": _access(R.INTEGRITY_COORDINATOR, R.AUDITOR),
    "declarations:gift_create": _access(*STAFF),
    "declarations:gift_decide": _access(UNIT_MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:gift_detail": _access(OWNER, UNIT_MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:gift_export": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:gift_list": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "declarations:interest_create": _access(*STAFF),
    "declarations:interest_detail": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "declarations:interest_list": _access(R.INTEGRITY_COORDINATOR),
    "declarations:interest_statement": _access(*STAFF),
    "declarations:mine": _access(*STAFF),
    "declarations:public_register": _access(*EVERYONE),
    "declarations:public_register_export": _access(*EVERYONE),
    "oaths:ceremony_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_detail": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_edit": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_invite": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_list": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_record_pdf": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:ceremony_register_employee": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:check_in": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:check_in_list": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:confirmation": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:confirmation_pdf": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:dilemma_add": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:dilemma_remove": _access(),
    "oaths:figures": _access(R.INTEGRITY_COORDINATOR, R.HR, R.AUDITOR),
    "oaths:individual": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:mine": _access(*STAFF),
    "oaths:overview": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:self_register": _access(*STAFF),
    "oaths:texts": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "oaths:withdraw": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "positions:coverage": _access(R.INTEGRITY_COORDINATOR, R.HR, R.AUDITOR),
    "positions:detail": _access(UNIT_MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "positions:edit": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "positions:export": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "positions:inventory": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "positions:item_approve": _access(R.INTEGRITY_COORDINATOR),
    "positions:item_return": _access(R.INTEGRITY_COORDINATOR),
    "positions:item_review": _access(UNIT_MANAGER),
    "positions:lapsed": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "positions:mine": _access(*STAFF),
    "positions:new_hires": _access(R.HR),
    "positions:person": _access(R.HR),
    "positions:round": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "positions:round_approve": _access(R.INTEGRITY_COORDINATOR),
    "positions:round_start": _access(R.INTEGRITY_COORDINATOR),
    "positions:rounds": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR),
    "positions:screening": _access(R.HR),
    "positions:talk": _access(R.HR),
    "positions:vog_add": _access(R.HR),
    "positions:vog_edit": _access(R.HR),
    "reports:admin_channel_edit": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channel_new": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channel_team": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channels": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_recovery": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_team_member_confirm": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_team_member_remove": _access(R.FUNCTIONAL_ADMIN),
    "reports:channel_team": _access(R.INTEGRITY_COORDINATOR),
    "reports:inbox": _access(R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY),
    "reports:receipt_login": _access(*EVERYONE),
    "reports:report": _access(R.INTEGRITY_COORDINATOR),
    "reports:report_acknowledge": _access(R.INTEGRITY_COORDINATOR),
    "reports:report_attachment": _access(R.INTEGRITY_COORDINATOR),
    "reports:report_reply": _access(R.INTEGRITY_COORDINATOR),
    "reports:report_reveal_identity": _access(R.INTEGRITY_COORDINATOR),
    "reports:reporter_attachment": _access(),
    "reports:reporter_logout": _access(*EVERYONE),
    "reports:reporter_report": _access(),
    "reports:start": _access(*EVERYONE),
    "reports:submit": _access(*EVERYONE),
    "reports:vault_lock": _access(
        R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY
    ),
    "reports:vault_reset": _access(
        R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY
    ),
    "reports:vault_setup": _access(
        R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY
    ),
    "reports:vault_unlock": _access(
        R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY
    ),
}


def render_observed(observed: dict[str, dict[str, str]]) -> str:
    """The matrix as the code answered it, in POLICY's format, for a reviewer to compare with the table."""
    lines = []
    for name in sorted(observed):
        allowed = [who for who in WHO if observed[name][who] == ALLOWED]
        odd = {who: got for who, got in observed[name].items() if got not in (ALLOWED, DENIED)}
        lines.append(f'    "{name}": _access({", ".join(_code(w) for w in allowed)}),' + (f"  # {odd}" if odd else ""))
    return "\n".join(lines)


def _code(who: str) -> str:
    constants = {ANONYMOUS: "ANONYMOUS", OTHER_ORGANISATION: "OTHER_ORGANISATION", OWNER: "OWNER"}
    constants[UNIT_MANAGER] = "UNIT_MANAGER"
    if who in constants:
        return constants[who]
    return "R." + next(name for name in dir(R) if getattr(R, name) == who and name.isupper())


def render_markdown() -> str:
    """The "Access matrix by route" section of docs/permissions.md."""
    short = {ANONYMOUS: "anon", OTHER_ORGANISATION: "other org", OWNER: "owner", UNIT_MANAGER: "unit mgr"}
    headers = [short.get(who) or str(R.ROLES[who].label) for who in WHO]
    out = [
        "## Access matrix by route",
        "",
        "<!-- Generated from plein/core/access_policy.py by `./plein permissions_table`; "
        "plein/core/tests/test_access_matrix.py checks every cell against the running code. -->",
        "",
        "Who may open each route (✓) and who is refused (–). *anon* = not logged in; *other org* = an account of "
        "another organisation with every role there; *owner* = the employee whose record the object is; "
        "*unit mgr* = the manager of the owner's unit (the Manager column manages another unit). Objects always "
        "belong to someone else than the role's own account, so a missing object check would show up here. "
        f"Covered: {', '.join(sorted(COVERED_NAMESPACES))}; the other namespaces are checked by the URL policy "
        "test and their apps' permission tests.",
        "",
        "| Route | " + " | ".join(headers) + " |",
        "|---|" + "---|" * len(WHO),
    ]
    for name in sorted(POLICY):
        allowed = POLICY[name].allowed
        out.append(f"| `{name}` | " + " | ".join("✓" if who in allowed else "–" for who in WHO) + " |")
    return "\n".join(out) + "\n"
