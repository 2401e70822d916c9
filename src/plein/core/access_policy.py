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
COVERED_NAMESPACES = frozenset(
    {
        "core",
        "oaths",
        "positions",
        "declarations",
        "reports",
        "dossiers",
        "dossiers_oversight",
        "api_tokens",
        "consultations",
        "learning",
        "deliberation",
        "annual_report",
        "portal",
    }
)
NOT_YET_COVERED_NAMESPACES: tuple[str, ...] = (
    "admin",  # the Django admin: superusers only (test_url_policy)
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
    # Jaarverslag (issue 11): the IC writes, the competent authority (directie) approves, publishes and reopens, the
    # auditor reads; a published report is public. A generated file is its requester's own (the IC's here).
    "annual_report:approve": _access(R.COMPETENT_AUTHORITY),
    "annual_report:edit_section": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:file_request": _access(R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY, R.AUDITOR),
    "annual_report:index": _access(R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY, R.AUDITOR),
    "annual_report:job": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:job_download": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:job_status": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:plan": _access(R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY, R.AUDITOR),
    "annual_report:plan_create": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:plan_delete": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:plan_edit": _access(R.INTEGRITY_COORDINATOR),
    "annual_report:public_index": _access(*EVERYONE),
    "annual_report:public_json": _access(*EVERYONE),
    "annual_report:public_pdf": _access(*EVERYONE),
    "annual_report:public_report": _access(*EVERYONE),
    "annual_report:publish": _access(R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY),
    "annual_report:reopen": _access(R.COMPETENT_AUTHORITY),
    "annual_report:report": _access(R.INTEGRITY_COORDINATOR, R.COMPETENT_AUTHORITY, R.AUDITOR),
    "annual_report:submit": _access(R.INTEGRITY_COORDINATOR),
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
    # Moreel beraad (issue 9). The owner asked for the session, leads it as its assigned facilitator and proposed the
    # library dilemma; the unit manager takes part in the session. The facilitator column is a facilitator assigned
    # to nothing here, and the IC plans sessions but does not see what is said in them.
    "deliberation:facilitator_edit": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "deliberation:facilitator_list": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:figures": _access(R.INTEGRITY_COORDINATOR, R.AUDITOR),
    "deliberation:index": _access(*STAFF),
    "deliberation:join": _access(*STAFF),
    "deliberation:library": _access(*STAFF),
    "deliberation:library_entry": _access(OWNER, R.INTEGRITY_COORDINATOR),  # a proposal, not yet published
    "deliberation:library_feature": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:library_new": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:library_review": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:library_withdraw": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:method_change": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:method_create": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:method_detail": _access(OWNER, R.INTEGRITY_COORDINATOR, R.FACILITATOR),
    "deliberation:method_list": _access(OWNER, R.INTEGRITY_COORDINATOR, R.FACILITATOR),
    "deliberation:monthly": _access(*STAFF),
    "deliberation:monthly_vote": _access(*STAFF),
    "deliberation:participate": _access(UNIT_MANAGER),
    "deliberation:participate_live": _access(UNIT_MANAGER),
    "deliberation:projection": _access(OWNER, UNIT_MANAGER),
    "deliberation:projection_live": _access(OWNER, UNIT_MANAGER),
    "deliberation:proposal_change": _access(OWNER),
    "deliberation:propose": _access(OWNER),
    "deliberation:record_pdf": _access(OWNER, UNIT_MANAGER),
    "deliberation:request_create": _access(*STAFF),
    "deliberation:request_decline": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:request_detail": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "deliberation:request_list": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:request_plan": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:request_withdraw": _access(OWNER),
    "deliberation:session_add": _access(OWNER, UNIT_MANAGER),
    "deliberation:session_cancel": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "deliberation:session_choice": _access(OWNER, UNIT_MANAGER),
    "deliberation:session_close": _access(OWNER),
    "deliberation:session_code": _access(OWNER),
    "deliberation:session_create": _access(R.INTEGRITY_COORDINATOR),
    "deliberation:session_dilemma": _access(OWNER),
    "deliberation:session_invite": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "deliberation:session_list": _access(OWNER, R.INTEGRITY_COORDINATOR, R.FACILITATOR),
    "deliberation:session_matrix": _access(OWNER),
    "deliberation:session_plan": _access(OWNER, R.INTEGRITY_COORDINATOR),
    "deliberation:session_present": _access(OWNER),
    "deliberation:session_remove": _access(OWNER),
    "deliberation:session_start": _access(OWNER),
    "deliberation:session_step": _access(OWNER),
    "deliberation:session_text": _access(OWNER),
    "deliberation:workspace": _access(OWNER),
    # Leren & bewustwording (issue 10). The owner keeps the event's attendance list (a host) and is registered for it;
    # a learning record is seen by HR, the IC and the manager of the person's unit (their own one under "mine").
    "learning:attendance": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:attendance_add": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:attendance_update": _access(OWNER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:complete": _access(*STAFF),
    "learning:course_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:coverage": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:event_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:event_detail": _access(*STAFF),
    "learning:event_edit": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:event_ics": _access(*STAFF),
    "learning:events": _access(*STAFF),
    "learning:feed": _access(*EVERYONE),
    "learning:figures": _access(R.INTEGRITY_COORDINATOR, R.HR, R.AUDITOR),
    "learning:mine": _access(*STAFF),
    "learning:module_download": _access(*STAFF),
    "learning:record": _access(UNIT_MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:records": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "learning:register": _access(*STAFF),
    "learning:requirement_create": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:requirement_stop": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:requirements": _access(R.INTEGRITY_COORDINATOR, R.HR),
    "learning:unregister": _access(*STAFF),
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
    # The portal (issue 10): public polls and search; every employee votes and acknowledges; editors and the IC keep
    # policy documents and polls; acknowledgement coverage (per person) is for the IC, HR and managers, not editors.
    "portal:acknowledge": _access(*STAFF),
    "portal:campaign_close": _access(R.INTEGRITY_COORDINATOR),
    "portal:campaign_coverage": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR),
    "portal:campaign_start": _access(R.INTEGRITY_COORDINATOR),
    "portal:policy_admin": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR, R.EDITOR),
    "portal:policy_document": _access(UNIT_MANAGER, R.MANAGER, R.INTEGRITY_COORDINATOR, R.HR, R.EDITOR),
    "portal:policy_document_create": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:policy_document_edit": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:policy_version_create": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:policy_version_edit": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:poll_admin": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:poll_close": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:poll_create": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:poll_detail": _access(*EVERYONE),
    "portal:poll_edit": _access(R.INTEGRITY_COORDINATOR, R.EDITOR),
    "portal:poll_list": _access(*EVERYONE),
    "portal:poll_vote": _access(*STAFF),
    "portal:search": _access(*EVERYONE),
    # Dossiers (issue 5). The channel's team is the IC, an investigator and a confidential adviser; the reporter kept
    # the report from the adviser (excluded: no key, no case) and the case is assigned to the investigator (who sees
    # only assigned cases; a locked vault sends them to unlock it, which counts as allowed). Which step each member
    # may take (assigning, deciding, four-eyes identity reveal) is checked in the services and tested in dossiers.
    # Registering an oral report is for every handling role; the reporter's pages need a receipt session (nobody
    # here); settings for the functional administrator and the IC.
    "dossiers:assign": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:case": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:classify": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:decide": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:exclude": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:extend": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:letter": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:note": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:oral_new": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:oral_record": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:oral_report_new": _access(
        R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY
    ),
    "dossiers:oral_share": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:reporter_consent": _access(),
    "dossiers:reporter_oral": _access(),
    "dossiers:reveal_decide": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:reveal_request": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:reveal_show": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:settings": _access(R.FUNCTIONAL_ADMIN, R.INTEGRITY_COORDINATOR),
    "dossiers:transition": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:unassign": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "dossiers:workflow": _access(R.FUNCTIONAL_ADMIN, R.INTEGRITY_COORDINATOR),
    # Dossiers statistics and retention (issue 5): statistics for the IC and the auditor (published figures with small
    # counts hidden for the auditor), retention for the IC and the functional administrator, legal hold for the IC.
    "dossiers_oversight:legal_hold": _access(R.INTEGRITY_COORDINATOR),
    "dossiers_oversight:retention": _access(R.INTEGRITY_COORDINATOR, R.FUNCTIONAL_ADMIN),
    "dossiers_oversight:retention_run": _access(R.INTEGRITY_COORDINATOR, R.FUNCTIONAL_ADMIN),
    "dossiers_oversight:statistics": _access(R.INTEGRITY_COORDINATOR, R.AUDITOR),
    "dossiers_oversight:statistics_export": _access(R.INTEGRITY_COORDINATOR, R.AUDITOR),
    "reports:admin_channel_edit": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channel_new": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channel_team": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_channels": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_recovery": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_team_member_confirm": _access(R.FUNCTIONAL_ADMIN),
    "reports:admin_team_member_remove": _access(R.FUNCTIONAL_ADMIN),
    "reports:channel_team": _access(R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR),
    "reports:inbox": _access(R.INTEGRITY_COORDINATOR, R.CONFIDENTIAL_ADVISER, R.INVESTIGATOR, R.COMPETENT_AUTHORITY),
    "reports:receipt_login": _access(*EVERYONE),
    "reports:report": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "reports:report_acknowledge": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "reports:report_attachment": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "reports:report_reply": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
    "reports:report_reveal_identity": _access(R.INTEGRITY_COORDINATOR, R.INVESTIGATOR),
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


# The REST API (/api/) is token-authenticated, with scopes, and ignores sessions, so its routes get a table of their
# own with the visitors that matter there (issue 13: "every URL and API route"). Every route of API_NAMESPACES must
# have an entry; test_access_matrix.py sends every method the route accepts as every token visitor.
NO_TOKEN = "no_token"  # no Authorization header at all
SESSION = "session"  # logged in on the website as the integrity coordinator, but no token
WRONG_SCOPE = "wrong_scope"  # a valid token of this organisation without the scope the route needs
OTHER_ORGANISATION_TOKEN = "other_organisation_token"  # the right scope, but of another organisation
RIGHT_SCOPE = "right_scope"  # a valid token of this organisation with the route's scope
API_WHO: tuple[str, ...] = (NO_TOKEN, SESSION, WRONG_SCOPE, OTHER_ORGANISATION_TOKEN, RIGHT_SCOPE)
API_NAMESPACES = frozenset({"api"})


def _api_access(*who: str, why: str = "") -> Access:
    unknown = set(who) - set(API_WHO)
    if unknown:
        raise ValueError(f"unknown API visitors in the access policy: {sorted(unknown)}")
    return Access(frozenset(who), why)


# "Allowed" for another organisation's token on a list or a write means: it answers, about (or into) its own
# organisation only; the test asserts that no record of this organisation is in the answer. Its objects are another
# organisation's: a detail route with this organisation's record answers 404 to it.
_OWN_ORGANISATION = "answers with (or writes into) the token's own organisation only"
API_POLICY: dict[str, Access] = {
    "api:docs": _api_access(*API_WHO, why="the API's documentation page: no data"),
    "api:person-detail": _api_access(RIGHT_SCOPE),
    "api:person-list": _api_access(OTHER_ORGANISATION_TOKEN, RIGHT_SCOPE, why=_OWN_ORGANISATION),
    "api:person-sync": _api_access(OTHER_ORGANISATION_TOKEN, RIGHT_SCOPE, why=_OWN_ORGANISATION),
    "api:position-detail": _api_access(RIGHT_SCOPE),
    "api:position-list": _api_access(OTHER_ORGANISATION_TOKEN, RIGHT_SCOPE, why=_OWN_ORGANISATION),
    "api:schema": _api_access(*API_WHO, why="the OpenAPI schema: the API's shape, no data"),
    "api:unit-detail": _api_access(RIGHT_SCOPE),
    "api:unit-list": _api_access(OTHER_ORGANISATION_TOKEN, RIGHT_SCOPE, why=_OWN_ORGANISATION),
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
    out += [
        "",
        "### API routes by token",
        "",
        "The REST API (`/api/`) takes no session: a request carries a token with scopes (`Authorization: Bearer`). "
        "Every method a route accepts was sent as: *no token*; a *session* of the integrity coordinator without a "
        "token; a token of this organisation with the *wrong scope*; a token with the right scope of *another "
        "organisation* (✓ on a list or a write means it answers about or writes into its own organisation only, "
        "checked in the answer; this organisation's records are not found for it); the *right scope*.",
        "",
        "| Route | no token | session | wrong scope | other org token | right scope |",
        "|---|---|---|---|---|---|",
    ]
    for name in sorted(API_POLICY):
        allowed = API_POLICY[name].allowed
        out.append(f"| `{name}` | " + " | ".join("✓" if who in allowed else "–" for who in API_WHO) + " |")
    return "\n".join(out) + "\n"
