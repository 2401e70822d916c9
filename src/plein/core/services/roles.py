"""Granting and revoking access roles. Every change is audited; revoking keeps the history.

Roles are defined in ``plein.core.roles``. ``employee`` is implicit (everyone with an employee record holds it) and
cannot be granted. Nobody changes their own roles: a functional administrator who could grant themselves HR would
read the personal registers that they must not see (separation of duties).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plein.core import roles as R
from plein.core.models import Organisation, OrgUnit, RoleAssignment, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event


def _acting_role(actor: User | None) -> str:
    if actor is not None and R.FUNCTIONAL_ADMIN in user_roles(actor):
        return R.FUNCTIONAL_ADMIN
    return ""


def _forget_cached_roles(user: User) -> None:
    """``selectors.active_assignments`` caches on the user object; a change must not leave it stale."""
    user.__dict__.pop("_plein_assignments", None)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_not_self(actor: User | None, user_id: int) -> None:
    if actor is not None and actor.pk == user_id:
        raise ValidationError(
            _("You cannot change your own roles. Ask another functional administrator."), code="own_roles"
        )


def grant_role(
    *, actor: User | None, user: User, role: str, unit: OrgUnit | None = None, organisation: Organisation
) -> RoleAssignment:
    """Give ``user`` the ``role`` (for ``unit`` when the role is assigned per unit). Raises ``ValidationError``."""
    definition = R.ROLES.get(role)
    if definition is None:
        raise _field_error("role", _("This role does not exist."), "unknown_role")
    if role == R.EMPLOYEE:
        raise _field_error(
            "role", _("Everyone with an employee record is an employee; this role cannot be granted."), "implicit_role"
        )
    if definition.unit_scoped and unit is None:
        raise _field_error(
            "unit",
            _("Choose the unit for this role: %(role)s is given per unit.") % {"role": definition.label},
            "unit_required",
        )
    if not definition.unit_scoped and unit is not None:
        raise _field_error(
            "unit",
            _("%(role)s is not given per unit. Leave the unit empty.") % {"role": definition.label},
            "unit_not_allowed",
        )
    if unit is not None and unit.organisation_id != organisation.pk:
        raise _field_error("unit", _("This unit belongs to another organisation."), "foreign_unit")
    _check_not_self(actor, user.pk)

    with transaction.atomic():
        # Serialise changes to one account, so that two administrators cannot grant the same role twice.
        User.objects.select_for_update().filter(pk=user.pk).first()
        duplicate = RoleAssignment.objects.filter(
            organisation=organisation, user=user, role=role, unit=unit, revoked_at__isnull=True
        ).exists()
        if duplicate:
            raise ValidationError(_("%(user)s already has this role.") % {"user": user}, code="duplicate")
        assignment = RoleAssignment.objects.create(
            organisation=organisation, user=user, role=role, unit=unit, granted_by=actor
        )
        record_event(
            actor=actor,
            action="role.grant",
            organisation=organisation,
            target=user,
            role=_acting_role(actor),
            data={"role": role, "unit": unit.pk if unit else None, "assignment": assignment.pk},
        )
    _forget_cached_roles(user)
    return assignment


def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> RoleAssignment:
    """End an assignment. The row stays, with ``revoked_at`` and ``revoked_by``. Raises ``ValidationError``."""
    _check_not_self(actor, assignment.user_id)
    with transaction.atomic():
        current = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
        if current.revoked_at is not None:
            raise ValidationError(_("This role was already revoked."), code="already_revoked")
        current.revoked_at = timezone.now()
        current.revoked_by = actor
        current.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action="role.revoke",
            organisation=current.organisation,
            target=current.user,
            role=_acting_role(actor),
            data={"role": current.role, "unit": current.unit_id, "assignment": current.pk},
        )
    assignment.revoked_at = current.revoked_at
    assignment.revoked_by = current.revoked_by
    _forget_cached_roles(current.user)
    if RoleAssignment.user.is_cached(assignment):
        _forget_cached_roles(assignment.user)
    return current
