"""Role administration (the functional administrator) and the audit log (the IC and the auditor).

Need-to-know: the role pages show an account's name, e-mail address, unit and roles, and nothing else. The views hand
the templates plain rows with only those fields, so that no template can reach further into the personal record.
Every page that shows people, and the audit log itself, is audited.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plein.core import roles as R
from plein.core.forms_admin import AuditFilterForm, GrantRoleForm, RoleSearchForm
from plein.core.models import AuditEvent, Organisation, RoleAssignment, User
from plein.core.permissions import permission_required
from plein.core.selectors import user_roles
from plein.core.services.audit import ChainStatus, record_event, verify_since_checkpoint
from plein.core.services.roles import grant_role, revoke_role

PAGE_SIZE = 50


@dataclass(frozen=True)
class RoleRow:
    """What the role administration may show of a role assignment."""

    pk: int
    code: str
    label: str
    unit: str


@dataclass(frozen=True)
class AccountRow:
    """What the role administration may show of a person: name, e-mail address, unit and roles. Nothing else."""

    pk: int
    name: str
    email: str
    unit: str
    roles: list[RoleRow]


def _organisation(request) -> Organisation | None:
    org = request.organisation
    if not org:
        return None
    return getattr(org, "_wrapped", org)  # the instance behind the lazy object of the middleware


def _acting_role(user: User, *candidates: str) -> str:
    """The role in which the user does this: the first of ``candidates`` they hold."""
    held = user_roles(user)
    return next((code for code in candidates if code in held), "")


def _role_row(assignment: RoleAssignment) -> RoleRow:
    role = R.ROLES.get(assignment.role)
    return RoleRow(
        pk=assignment.pk,
        code=assignment.role,
        label=str(role.label) if role else assignment.role,
        unit=assignment.unit.name if assignment.unit_id else "",
    )


def _accounts(organisation: Organisation | None) -> QuerySet[User]:
    """Accounts of the organisation's people, and accounts without an employee record (an outside auditor)."""
    active = RoleAssignment.objects.filter(organisation=organisation, revoked_at__isnull=True).select_related("unit")
    return (
        User.objects.filter(Q(employee__organisation=organisation) | Q(employee__isnull=True))
        .select_related("employee__unit")
        .prefetch_related(Prefetch("role_assignments", queryset=active, to_attr="active_role_assignments"))
        .order_by("email")
    )


def _display_name(user: User) -> str:
    employee = getattr(user, "employee", None)
    return (employee.full_name if employee else "") or user.display_name or user.email


def _account_row(user: User) -> AccountRow:
    employee = getattr(user, "employee", None)
    return AccountRow(
        pk=user.pk,
        name=_display_name(user),
        email=user.email,
        unit=employee.unit.name if employee and employee.unit_id else "",
        roles=[_role_row(a) for a in user.active_role_assignments],
    )


@permission_required("core.manage_roles")
@require_GET
def role_list(request):
    organisation = _organisation(request)
    form = RoleSearchForm(request.GET or None)
    qs = _accounts(organisation)
    if form.is_bound and form.is_valid():
        qs = form.filter(qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_account_row(user) for user in page.object_list]
    record_event(
        actor=request.user,
        action="roles.list",
        organisation=organisation,
        role=_acting_role(request.user, R.FUNCTIONAL_ADMIN),
        data={"page": page.number, "results": page.paginator.count},
    )
    return render(request, "core/admin/role_list.html", {"form": form, "page": page, "rows": rows})


@permission_required("core.manage_roles")
@require_http_methods(["GET", "POST"])
def role_account(request, user_id: int):
    """One account's roles: grant (POST), revoke (a form per role, see ``role_revoke``) and the history."""
    organisation = _organisation(request)
    account = get_object_or_404(_accounts(organisation), pk=user_id)
    form = GrantRoleForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        unit = form.cleaned_data["unit"]
        try:
            grant_role(actor=request.user, user=account, role=role, unit=unit, organisation=organisation)
        except ValidationError as exc:
            form.add_error(None, exc)  # a dict of field errors lands on its fields
        else:
            label, name = R.ROLES[role].label, _display_name(account)
            if unit is not None:
                messages.success(
                    request,
                    _("%(name)s now has the role %(role)s for %(unit)s.")
                    % {"name": name, "role": label, "unit": unit.name},
                )
            else:
                messages.success(request, _("%(name)s now has the role %(role)s.") % {"name": name, "role": label})
            return redirect("core:role_account", user_id=account.pk)
    if request.method == "POST":
        # Invalid input, or the service refused (duplicate, missing unit, own roles): nothing was changed.
        messages.error(request, _("The role was not granted. Correct the errors below and try again."))

    history = (
        RoleAssignment.objects.filter(organisation=organisation, user=account)
        .select_related("unit", "granted_by", "revoked_by")
        .order_by("-granted_at", "-pk")
    )
    record_event(
        actor=request.user,
        action="roles.view",
        organisation=organisation,
        target=account,
        role=_acting_role(request.user, R.FUNCTIONAL_ADMIN),
    )
    return render(
        request,
        "core/admin/role_account.html",
        {
            "account": _account_row(account),
            "form": form,
            "is_self": account.pk == request.user.pk,
            "history": [
                {
                    "role": _role_row(a),
                    "granted_at": a.granted_at,
                    "granted_by": a.granted_by.email if a.granted_by else "",
                    "revoked_at": a.revoked_at,
                    "revoked_by": a.revoked_by.email if a.revoked_by else "",
                }
                for a in history
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("core.manage_roles")
@require_POST
def role_revoke(request, user_id: int, assignment_id: int):
    organisation = _organisation(request)
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("user__employee", "unit"),
        pk=assignment_id,
        user_id=user_id,
        organisation=organisation,
    )
    try:
        revoke_role(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The role %(role)s of %(name)s has been revoked. It stays in the history.")
            % {"role": _role_row(assignment).label, "name": _display_name(assignment.user)},
        )
    return redirect("core:role_account", user_id=user_id)


def chain_status(request) -> ChainStatus:
    """The chain verified since the last checkpoint, with the last full verification; at most once per request.

    Not the whole chain: that takes seconds at 100,000 events and grows with every event (issue 12). The full
    verification is ``./plein verify_audit``; the page shows when it last ran and what it found."""
    result = getattr(request, "_plein_chain_status", None)
    if result is None:
        result = request._plein_chain_status = verify_since_checkpoint()
    return result


@dataclass(frozen=True)
class EventRow:
    seq: int
    occurred_at: object
    actor: str
    role: str
    action: str
    target_type: str
    target_id: str
    data: list[tuple[str, str]]


def _event_row(event: AuditEvent) -> EventRow:
    role = R.ROLES.get(event.role)
    data = event.data if isinstance(event.data, dict) else {"value": event.data}
    return EventRow(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=event.actor_label,
        role=str(role.label) if role else event.role,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        data=[(str(k), "" if v is None else str(v)) for k, v in sorted(data.items())],
    )


@permission_required("core.view_audit_log")
@require_GET
def audit_log(request):
    organisation = _organisation(request)
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True)).order_by("-seq")
    filters: list[str] = []
    if form.is_bound:
        if form.is_valid():
            qs = form.filter(qs)
            filters = form.used_filters()
        else:
            qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    events = [_event_row(e) for e in page.object_list]
    chain = chain_status(request)
    # Reading the log is itself an event; it is written after the page was read, so it shows on the next visit.
    record_event(
        actor=request.user,
        action="audit.view",
        organisation=organisation,
        role=_acting_role(request.user, R.INTEGRITY_COORDINATOR, R.AUDITOR),
        data={"page": page.number, "results": page.paginator.count, "filters": filters},
    )
    return render(request, "core/admin/audit_log.html", {"form": form, "page": page, "events": events, "chain": chain})
