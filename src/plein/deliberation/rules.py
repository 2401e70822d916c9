"""Who may do what in moral deliberation. Deny by default.

- Every employee (managers too) asks for a session, joins one with a code, reads the published library and votes on the
  dilemma of the month. A request is seen by the person who made it, the integrity coordinator and the facilitators
  assigned to it.
- The integrity coordinator keeps the facilitator register, the methods, the requests and the planning, reviews and
  publishes library dilemmas and chooses the dilemma of the month. The coordinator does not see what is said in a
  session, unless they take part in it themselves.
- Session content is seen by the session's facilitators (the facilitator role and assigned to the session) and its
  participants, and by nobody else: not by managers, HR, the functional administrator or the auditor.
- The auditor sees the figures only.
"""

import rules

from plein.core import roles as R
from plein.core.object_rules import object_rule
from plein.core.rules import is_auditor, is_employee, is_facilitator, is_integrity_coordinator
from plein.core.selectors import employee_for

_ASSIGNED = ("assigned", "only the requests and sessions they were assigned to")


def _employee_id(user) -> int | None:
    employee = employee_for(user)
    return employee.pk if employee is not None else None


@object_rule("own request", "only the requests they made themselves", roles=[R.EMPLOYEE])
def is_own_request(user, deliberation_request) -> bool:
    if deliberation_request is None or not getattr(user, "is_authenticated", False):
        return False
    return deliberation_request.requested_by_id == user.pk


def _facilitates(user, session) -> bool:
    employee_id = _employee_id(user)
    if employee_id is None or session is None or session.pk is None:
        return False
    return session.facilitators.filter(employee_id=employee_id).exists()


@object_rule(*_ASSIGNED, roles=[R.FACILITATOR])
def is_assigned_to_session(user, session) -> bool:
    return _facilitates(user, session)


@object_rule(*_ASSIGNED, roles=[R.FACILITATOR])
def is_assigned_to_request(user, deliberation_request) -> bool:
    if deliberation_request is None or deliberation_request.pk is None:
        return False
    from plein.deliberation.models import Session

    session = Session.objects.filter(request_id=deliberation_request.pk).first()
    return session is not None and _facilitates(user, session)


@object_rule("participant", "only the sessions they take part in", roles=[R.EMPLOYEE])
def is_session_participant(user, session) -> bool:
    employee_id = _employee_id(user)
    if employee_id is None or session is None or session.pk is None:
        return False
    return session.participants.filter(employee_id=employee_id).exists()


@object_rule("own record", "only their own entry in the facilitator register", roles=[R.FACILITATOR])
def is_own_facilitator_record(user, facilitator) -> bool:
    employee_id = _employee_id(user)
    return facilitator is not None and employee_id is not None and facilitator.employee_id == employee_id


@object_rule(
    "own proposal", "only the dilemmas they proposed themselves, until they are published", roles=[R.FACILITATOR]
)
def is_own_open_proposal(user, entry) -> bool:
    if entry is None or not getattr(user, "is_authenticated", False):
        return False
    return entry.proposed_by_id == user.pk and entry.status in ("voorgesteld", "teruggestuurd")


@object_rule("published", "only dilemmas that the coordinator has published", roles=[R.EMPLOYEE])
def is_published_entry(user, entry) -> bool:
    return entry is not None and entry.status == "gepubliceerd"


leads_session = is_facilitator & is_assigned_to_session

# Requests
rules.add_perm("deliberation.ask", is_employee)
rules.add_perm(
    "deliberation.view_request",
    is_integrity_coordinator | is_own_request | (is_facilitator & is_assigned_to_request),
)
rules.add_perm("deliberation.withdraw_request", is_own_request)
rules.add_perm("deliberation.manage_requests", is_integrity_coordinator)

# Facilitators and methods
rules.add_perm("deliberation.manage_facilitators", is_integrity_coordinator)
rules.add_perm(
    "deliberation.change_availability", is_integrity_coordinator | (is_facilitator & is_own_facilitator_record)
)
rules.add_perm("deliberation.view_methods", is_integrity_coordinator | is_facilitator)
rules.add_perm("deliberation.manage_methods", is_integrity_coordinator)

# Sessions: planning (no content) and the session itself (content)
rules.add_perm("deliberation.view_sessions", is_integrity_coordinator | is_facilitator)
rules.add_perm("deliberation.plan_sessions", is_integrity_coordinator)
rules.add_perm("deliberation.manage_session", is_integrity_coordinator | leads_session)
rules.add_perm("deliberation.lead_session", leads_session)
rules.add_perm("deliberation.view_session_content", leads_session | is_session_participant)
rules.add_perm("deliberation.contribute", is_session_participant)
rules.add_perm("deliberation.join_session", is_employee)

# The case library and the dilemma of the month
rules.add_perm("deliberation.view_library", is_employee | is_integrity_coordinator)
rules.add_perm(
    "deliberation.view_library_entry",
    is_integrity_coordinator | (is_employee & is_published_entry) | is_own_open_proposal,
)
rules.add_perm("deliberation.propose_dilemma", leads_session)
rules.add_perm("deliberation.change_proposal", is_own_open_proposal)
rules.add_perm("deliberation.review_library", is_integrity_coordinator)
rules.add_perm("deliberation.vote", is_employee)
rules.add_perm("deliberation.choose_dilemma_of_the_month", is_integrity_coordinator)

rules.add_perm("deliberation.view_figures", is_integrity_coordinator | is_auditor)
