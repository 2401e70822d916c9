"""Reads of the core domain. Query-count aware: callers get what they render in a fixed number of queries."""

from django.db.models import Prefetch, Q, QuerySet

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, RoleAssignment, StructureRole, User


def _default_organisation_qs() -> QuerySet[Organisation]:
    """The installation's organisation as a (lazy) one-row queryset: ORGANISATION_SLUG, else the first one."""
    from django.conf import settings

    slug = settings.PLEIN.get("ORGANISATION_SLUG")
    qs = Organisation.objects.all()
    if slug:
        return qs.filter(slug=slug)[:1]
    return qs.order_by("pk")[:1]


def default_organisation() -> Organisation | None:
    return _default_organisation_qs().first()


def in_this_organisation(prefix: str = "") -> Q:
    """Records of the installation's organisation only, as a subquery (no extra query).

    Role assignments and employee records of another organisation held in the same database give no rights here.
    """
    return Q(**{f"{prefix}organisation_id__in": _default_organisation_qs().values("pk")})


def active_assignments(user: User) -> list[RoleAssignment]:
    """The user's active role assignments, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_plein_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(in_this_organisation(), user=user, revoked_at__isnull=True).select_related(
                "unit", "organisation"
            )
        )
        user._plein_assignments = cached
    return cached


def user_roles(user: User) -> set[str]:
    """Codes of the roles the user holds. Everyone with an employee record is an employee."""
    if not getattr(user, "is_authenticated", False):
        return set()
    codes = {a.role for a in active_assignments(user)}
    if employee_for(user) is not None:
        codes.add(R.EMPLOYEE)
    return codes


def employee_for(user: User) -> Employee | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_plein_employee"):
        user._plein_employee = (
            Employee.objects.select_related("unit", "position", "manager")
            .filter(in_this_organisation(), user=user)
            .first()
        )
    return user._plein_employee


def managed_units(user: User) -> list[OrgUnit]:
    return [a.unit for a in active_assignments(user) if a.role == R.MANAGER and a.unit is not None]


def managed_units_q(user: User, prefix: str = "unit__") -> Q:
    """A filter for records whose unit lies in one of the units the user manages. Matches nothing if none."""
    q = Q(pk__in=[])
    for unit in managed_units(user):
        q |= unit.subtree_q(prefix)
    return q


def need_to_know(user: User, qs: QuerySet[Employee]) -> QuerySet[Employee]:
    """Need-to-know on people's records: HR and the IC see all of ``qs``; a manager the people in the units they
    manage; everyone else nobody."""
    roles = user_roles(user)
    if roles & {R.HR, R.INTEGRITY_COORDINATOR}:
        return qs
    if R.MANAGER in roles:
        return qs.filter(managed_units_q(user))
    return qs.none()


def people_visible_to(user: User, organisation: Organisation) -> QuerySet[Employee]:
    """Need-to-know: HR and the IC see everyone; a manager sees their own units; others see nobody."""
    return need_to_know(
        user, Employee.objects.filter(organisation=organisation).select_related("unit", "position", "manager")
    )


def structure_roles(organisation: Organisation) -> list[StructureRole]:
    return list(
        StructureRole.objects.filter(organisation=organisation, is_public=True)
        .select_related("employee", "employee__unit", "employee__position")
        .order_by("kind", "order", "name", "employee__last_name")
    )


def managers_by_unit(organisation: Organisation) -> list[OrgUnit]:
    """Units with the people who manage others in them, for the integrity structure page."""
    managers = Employee.objects.filter(organisation=organisation, reports_to_me__isnull=False).distinct()
    return list(
        OrgUnit.objects.filter(organisation=organisation, employees__in=managers)
        .distinct()
        .prefetch_related(
            Prefetch(
                "employees",
                queryset=Employee.objects.filter(pk__in=managers.values("pk")).select_related("position"),
                to_attr="manager_list",
            )
        )
        .order_by("path")
    )


def unit_tree(organisation: Organisation) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(organisation=organisation).order_by("path"))
