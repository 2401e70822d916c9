"""Reads of Functies & screening. Query-count aware: every list is built in a fixed number of queries.

Public surface for other apps:

* ``designation_for_position(position)``: what a position is designated for (VOG, financial interests, publication
  of outside activities, ondermijning, cybersecurity).
* ``positions_designated_for(kind, organisation=None)``: the positions designated for ``kind`` (``vog``,
  ``financial_interests``, ``publish_outside_activities``, ``ondermijning``, ``cybersecurity``).
* ``annual_figures(organisation, year)``: the figures for the annual report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, Position, User
from plein.core.selectors import employee_for, managed_units_q, user_roles
from plein.positions import integrations
from plein.positions.dates import add_months, new_hire_months
from plein.positions.models import (
    AREA_CODES,
    DESIGNATION_FIELDS,
    HOLDER_DESIGNATIONS,
    Area,
    DesignationKind,
    OutsideActivitiesTalk,
    PositionProfile,
    PositionProfileHistory,
    ReviewItem,
    ReviewRound,
    RiskLevel,
    VogScreening,
    designated_q,
)

# --- designations (public surface) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Designation:
    """What a position is designated for. A position that is not in the inventory yet has every flag off."""

    inventoried: bool = False
    vulnerable_areas: tuple[str, ...] = ()
    risk_level: str = RiskLevel.NONE
    vog_required: bool = False
    vog_screening_areas: tuple[str, ...] = ()
    financial_interests: bool = False
    publish_outside_activities: bool = False
    ondermijning_relevant: bool = False
    cybersecurity_relevant: bool = False
    reviewed_on: dt.date | None = None
    next_review_due: dt.date | None = None

    def is_designated_for(self, kind: str) -> bool:
        return bool(getattr(self, _designation_field(kind)))

    @property
    def is_designated(self) -> bool:
        return any(getattr(self, name) for name in HOLDER_DESIGNATIONS)


def _designation_field(kind: str) -> str:
    try:
        return DESIGNATION_FIELDS[DesignationKind(kind)]
    except ValueError:
        raise ValueError(
            f"Unknown designation kind {kind!r}; use one of {', '.join(DesignationKind.values)}."
        ) from None


def _designation(profile: PositionProfile | None) -> Designation:
    if profile is None:
        return Designation()
    return Designation(
        inventoried=True,
        vulnerable_areas=tuple(code for code in AREA_CODES if code in profile.vulnerable_areas),
        risk_level=profile.risk_level,
        vog_required=profile.vog_required,
        vog_screening_areas=tuple(profile.vog_screening_areas),
        financial_interests=profile.financial_interests,
        publish_outside_activities=profile.publish_outside_activities,
        ondermijning_relevant=profile.ondermijning_relevant,
        cybersecurity_relevant=profile.cybersecurity_relevant,
        reviewed_on=profile.reviewed_on,
        next_review_due=profile.next_review_due,
    )


def profile_of(position: Position | None) -> PositionProfile | None:
    """The inventory of a position, or None. Uses the cached relation when the caller selected it."""
    if position is None:
        return None
    try:
        return position.profile
    except PositionProfile.DoesNotExist:
        return None


def designation_for_position(position: Position | None) -> Designation:
    """What ``position`` is designated for. One query at most (none when ``profile`` was selected along)."""
    return _designation(profile_of(position))


def positions_designated_for(kind: str, organisation: Organisation | None = None) -> QuerySet[Position]:
    """Positions designated for ``kind``: ``financial_interests``, ``publish_outside_activities``, ``vog``,
    ``ondermijning`` or ``cybersecurity``. Raises ``ValueError`` for another kind."""
    qs = Position.objects.filter(**{f"profile__{_designation_field(kind)}": True}).select_related("unit", "profile")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("code")


# --- who sees which positions -------------------------------------------------------------------------------------


def manager_positions_q(user: User, prefix: str = "") -> Q:
    """A manager's positions: those of the units they manage (and below), and those held by people in service in
    those units (a team manager reviews the positions of their team, even when a position belongs to the domain)."""
    held = Employee.objects.in_service().filter(managed_units_q(user, "unit__")).values("position_id")
    return managed_units_q(user, f"{prefix}unit__") | Q(**{f"{prefix}pk__in": held})


def sees_all_positions(user: User) -> bool:
    return bool(user_roles(user) & {R.INTEGRITY_COORDINATOR, R.HR})


def positions_visible_to(user: User, organisation: Organisation) -> QuerySet[Position]:
    """Need-to-know: the IC and HR see every position; a manager those of their own units; others none."""
    base = Position.objects.filter(organisation=organisation).select_related("unit", "profile", "profile__reviewed_by")
    if sees_all_positions(user):
        return base
    if R.MANAGER in user_roles(user):
        return base.filter(manager_positions_q(user))
    return base.none()


class ReviewState:
    CURRENT = "current"
    OVERDUE = "overdue"
    NEVER = "never"
    NOT_INVENTORIED = "not_inventoried"

    LABELS = {
        CURRENT: _("Up to date"),
        OVERDUE: _("Review overdue"),
        NEVER: _("Never reviewed"),
        NOT_INVENTORIED: _("Not in the inventory yet"),
    }


def review_state(profile: PositionProfile | None, today: dt.date) -> str:
    if profile is None:
        return ReviewState.NOT_INVENTORIED
    if profile.reviewed_on is None or profile.next_review_due is None:
        return ReviewState.NEVER
    if profile.next_review_due < today:
        return ReviewState.OVERDUE
    return ReviewState.CURRENT


def lapsed_q(today: dt.date, prefix: str = "") -> Q:
    """Positions in the inventory whose review has lapsed: never reviewed, or the next review was due before today."""
    return Q(**{f"{prefix}profile__isnull": False}) & (
        Q(**{f"{prefix}profile__next_review_due__isnull": True}) | Q(**{f"{prefix}profile__next_review_due__lt": today})
    )


INVENTORY_FILTERS = {
    "designated": lambda today: designated_q("profile__"),
    "vulnerable": lambda today: Q(profile__is_vulnerable=True),
    "lapsed": lambda today: lapsed_q(today),
    "not_inventoried": lambda today: Q(profile__isnull=True),
    "ondermijning": lambda today: Q(profile__ondermijning_relevant=True),
    "cybersecurity": lambda today: Q(profile__cybersecurity_relevant=True),
}


def filter_positions(
    qs: QuerySet[Position],
    *,
    today: dt.date,
    text: str = "",
    unit: OrgUnit | None = None,
    show: str = "",
) -> QuerySet[Position]:
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(title__icontains=text))
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    if show in INVENTORY_FILTERS:
        qs = qs.filter(INVENTORY_FILTERS[show](today))
    return qs


@dataclass
class InventoryRow:
    position: Position
    profile: PositionProfile | None
    state: str

    @property
    def state_label(self):
        return ReviewState.LABELS[self.state]


def inventory_rows(positions, today: dt.date) -> list[InventoryRow]:
    """Rows for a page of positions (selected with their profile: no further queries)."""
    rows = []
    for position in positions:
        profile = profile_of(position)
        rows.append(InventoryRow(position, profile, review_state(profile, today)))
    return rows


def lapsed_positions(user: User, organisation: Organisation, today: dt.date) -> QuerySet[Position]:
    """The overview "review lapsed", oldest first (never reviewed on top)."""
    return positions_visible_to(user, organisation).filter(lapsed_q(today)).order_by("profile__next_review_due", "code")


def position_history(profile: PositionProfile) -> QuerySet[PositionProfileHistory]:
    return profile.history.select_related("changed_by").order_by("-version")


# --- review rounds ------------------------------------------------------------------------------------------------


def _item_counts() -> dict:
    return {
        "total": Count("items", distinct=True),
        "approved": Count("items", filter=Q(items__status=ReviewItem.Status.APPROVED), distinct=True),
        "submitted": Count("items", filter=Q(items__status=ReviewItem.Status.SUBMITTED), distinct=True),
    }


def rounds_visible_to(user: User, organisation: Organisation) -> QuerySet[ReviewRound]:
    """The IC sees every round; a manager the rounds with positions of their units; others none."""
    base = ReviewRound.objects.filter(organisation=organisation).select_related("started_by")
    roles = user_roles(user)
    if R.INTEGRITY_COORDINATOR in roles:
        return base.annotate(**_item_counts()).order_by("-started_at")
    if R.MANAGER in roles:
        mine = ReviewItem.objects.filter(manager_positions_q(user, "position__"))
        return base.filter(pk__in=mine.values("round_id")).annotate(**_item_counts()).order_by("-started_at")
    return base.none()


def round_items_visible_to(user: User, review_round: ReviewRound, *, status: str = "") -> QuerySet[ReviewItem]:
    qs = review_round.items.select_related(
        "position", "position__unit", "reviewed_by", "approved_by", "position__profile"
    ).order_by("unit_path", "position__code")
    roles = user_roles(user)
    if R.INTEGRITY_COORDINATOR not in roles:
        qs = qs.filter(manager_positions_q(user, "position__")) if R.MANAGER in roles else qs.none()
    if status in ReviewItem.Status.values:
        qs = qs.filter(status=status)
    return qs


@dataclass
class UnitProgress:
    unit_path: str
    total: int
    approved: int
    submitted: int
    open: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.approved == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0


def round_progress(user: User, review_round: ReviewRound) -> list[UnitProgress]:
    """Progress per unit (the unit of each position when the round started), in one query."""
    qs = round_items_visible_to(user, review_round).order_by()
    rows = (
        qs.values("unit_path")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(status=ReviewItem.Status.APPROVED)),
            submitted=Count("pk", filter=Q(status=ReviewItem.Status.SUBMITTED)),
        )
        .order_by("unit_path")
    )
    return [
        UnitProgress(
            unit_path=row["unit_path"],
            total=row["total"],
            approved=row["approved"],
            submitted=row["submitted"],
            open=row["total"] - row["approved"] - row["submitted"],
        )
        for row in rows
    ]


def open_items_for_manager(user: User, organisation: Organisation) -> QuerySet[ReviewItem]:
    if R.MANAGER not in user_roles(user):
        return ReviewItem.objects.none()
    return ReviewItem.objects.filter(
        manager_positions_q(user, "position__"),
        round__organisation=organisation,
        round__status=ReviewRound.Status.OPEN,
        status__in=ReviewItem.OPEN_STATUSES,
    )


def reviewable_item_ids(user: User, review_round: ReviewRound) -> set[int]:
    """Ids of the open items of a round that ``user`` may review as a manager (one query)."""
    if R.MANAGER not in user_roles(user) or review_round.status != ReviewRound.Status.OPEN:
        return set()
    return set(
        review_round.items.filter(
            manager_positions_q(user, "position__"), status__in=ReviewItem.OPEN_STATUSES
        ).values_list("pk", flat=True)
    )


def items_awaiting_approval(organisation: Organisation) -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(
        round__organisation=organisation,
        round__status=ReviewRound.Status.OPEN,
        status=ReviewItem.Status.SUBMITTED,
    )


# --- screening of people ------------------------------------------------------------------------------------------


def valid_vog_q(today: dt.date, prefix: str = "") -> Q:
    """A VOG that is valid on ``today``: received, dated, and re-screening not yet due."""
    return Q(
        **{
            f"{prefix}received_on__isnull": False,
            f"{prefix}valid_from__isnull": False,
            f"{prefix}valid_from__lte": today,
        }
    ) & (Q(**{f"{prefix}rescreening_due__isnull": True}) | Q(**{f"{prefix}rescreening_due__gt": today}))


def has_valid_vog(today: dt.date) -> Exists:
    return Exists(VogScreening.objects.filter(valid_vog_q(today), employee=OuterRef("pk")))


def _with_screening(qs: QuerySet[Employee], today: dt.date) -> QuerySet[Employee]:
    return (
        qs.select_related("unit", "position", "position__profile", "outside_activities_talk")
        .annotate(has_valid_vog=has_valid_vog(today))
        .prefetch_related(
            Prefetch("vog_screenings", queryset=VogScreening.objects.order_by("-requested_on", "-pk"), to_attr="vogs")
        )
    )


def designated_people(
    organisation: Organisation,
    today: dt.date,
    *,
    unit: OrgUnit | None = None,
    text: str = "",
    missing_only: bool = False,
) -> QuerySet[Employee]:
    """People in service in a position with a designation for its holder (VOG, financial interests, publication).

    ``missing_only`` keeps the people who lack a valid VOG where one is required, or whose financial-interests
    declaration is missing where the position is designated for it (when the declarations app can tell).
    """
    qs = (
        Employee.objects.in_service(today).filter(organisation=organisation).filter(designated_q("position__profile__"))
    )
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    if text:
        qs = qs.filter(Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(personnel_number__iexact=text))
    qs = _with_screening(qs, today)
    if missing_only:
        missing = Q(position__profile__vog_required=True, has_valid_vog=False)
        declared = integrations.financial_interests_declared_ids(organisation)
        if declared is not None:
            missing |= Q(position__profile__financial_interests=True) & ~Q(pk__in=declared)
        qs = qs.filter(missing)
    return qs.order_by("last_name", "first_name", "pk")


def new_hires(organisation: Organisation, today: dt.date, *, unit: OrgUnit | None = None) -> QuerySet[Employee]:
    """New hires in designated positions: starting from ``POSITION_NEW_HIRE_MONTHS`` ago, including future starts."""
    since = add_months(today, -new_hire_months())
    qs = Employee.objects.filter(organisation=organisation, start_date__gte=since).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    qs = qs.filter(designated_q("position__profile__"))
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    return _with_screening(qs, today).order_by("start_date", "last_name", "pk")


class Status:
    DONE = "done"
    MISSING = "missing"
    LATE = "late"
    OPEN = "open"
    UNKNOWN = "unknown"
    NOT_NEEDED = "not_needed"

    LABELS = {
        NOT_NEEDED: _("Not needed"),
        DONE: _("Done"),
        MISSING: _("Missing"),
        LATE: _("Done, but late"),
        OPEN: _("Not yet"),
        UNKNOWN: _("Unknown"),
    }


@dataclass
class ChecklistItem:
    code: str
    label: str
    status: str
    note: str = ""

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def missing(self) -> bool:
        return self.status in (Status.MISSING, Status.LATE)


class VogState:
    VALID = "valid"
    EXPIRED = "expired"
    REQUESTED = "requested"
    NONE = "none"
    NOT_REQUIRED = "not_required"

    LABELS = {
        VALID: _("Valid"),
        EXPIRED: _("Re-screening due"),
        REQUESTED: _("Requested, not yet received"),
        NONE: _("No VOG"),
        NOT_REQUIRED: _("Not required"),
    }


@dataclass
class PersonScreening:
    employee: Employee
    profile: PositionProfile | None
    vogs: list[VogScreening]
    talk: OutsideActivitiesTalk | None
    oath: str | None
    financial_interests_declared: bool | None
    today: dt.date
    checklist: list[ChecklistItem] = field(default_factory=list)

    @property
    def latest_vog(self) -> VogScreening | None:
        return self.vogs[0] if self.vogs else None

    @property
    def vog_state(self) -> str:
        if self.profile is None or not self.profile.vog_required:
            return VogState.NOT_REQUIRED
        if any(vog.is_valid_on(self.today) for vog in self.vogs):
            return VogState.VALID
        if any(vog.received_on for vog in self.vogs):
            return VogState.EXPIRED
        if self.vogs:
            return VogState.REQUESTED
        return VogState.NONE

    @property
    def vog_state_label(self):
        return VogState.LABELS[self.vog_state]

    @property
    def vog_missing(self) -> bool:
        return self.vog_state not in (VogState.VALID, VogState.NOT_REQUIRED)

    @property
    def financial_interests_state(self) -> str:
        if self.profile is None or not self.profile.financial_interests:
            return ""
        if self.financial_interests_declared is None:
            return Status.UNKNOWN
        return Status.DONE if self.financial_interests_declared else Status.MISSING

    @property
    def financial_interests_label(self):
        state = self.financial_interests_state
        return Status.LABELS[state] if state else ""

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.checklist if item.missing]

    @property
    def unknown(self) -> list[ChecklistItem]:
        return [item for item in self.checklist if item.status == Status.UNKNOWN]


def _vog_checklist_item(person: PersonScreening) -> ChecklistItem:
    label = _("Certificate of conduct (VOG) before the start date")
    start = person.employee.start_date
    received = sorted((v for v in person.vogs if v.received_on and v.valid_from), key=lambda v: v.received_on)
    if received:
        first = received[0]
        if start is None or first.received_on <= start:
            return ChecklistItem("vog", label, Status.DONE)
        return ChecklistItem("vog", label, Status.LATE, _("Received after the start date."))
    if start is not None and start > person.today:
        note = _("Requested; not yet received.") if person.vogs else _("Not requested yet.")
        return ChecklistItem("vog", label, Status.OPEN, note)
    note = _("Requested; not yet received.") if person.vogs else _("Not requested.")
    return ChecklistItem("vog", label, Status.MISSING, note)


def _checklist(person: PersonScreening) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    profile = person.profile
    if profile is not None and profile.vog_required:
        items.append(_vog_checklist_item(person))
    oath_label = _("Oath or affirmation")
    if person.oath is None:
        items.append(ChecklistItem("oath", oath_label, Status.UNKNOWN, _("The oath register cannot be read here yet.")))
    elif person.oath != Status.NOT_NEEDED:
        items.append(ChecklistItem("oath", oath_label, person.oath))
    talk_label = _("Talk about outside activities at the employment-terms interview")
    if person.talk is not None:
        items.append(ChecklistItem("talk", talk_label, Status.DONE))
    else:
        items.append(ChecklistItem("talk", talk_label, Status.MISSING))
    if profile is not None and profile.financial_interests:
        label = _("Financial-interests declaration")
        state = person.financial_interests_state
        note = _("The declarations register cannot be read here yet.") if state == Status.UNKNOWN else ""
        items.append(ChecklistItem("financial_interests", label, state, note))
    return items


def _talk_of(employee: Employee) -> OutsideActivitiesTalk | None:
    try:
        return employee.outside_activities_talk
    except OutsideActivitiesTalk.DoesNotExist:
        return None


def screening_rows(employees, organisation: Organisation, today: dt.date) -> list[PersonScreening]:
    """Screening state and checklist for a page of people selected by ``designated_people`` or ``new_hires``.

    Oath and declaration statuses come from the other apps in one query each for the whole page.
    """
    employees = list(employees)
    ids = [e.pk for e in employees]
    oaths = integrations.oath_statuses(organisation, ids, today)
    declared = integrations.financial_interests_declared_ids(organisation)
    declared_done = (
        set(declared.filter(pk__in=ids).values_list("pk", flat=True)) if declared is not None and ids else set()
    )
    rows = []
    for employee in employees:
        person = PersonScreening(
            employee=employee,
            profile=profile_of(employee.position),
            vogs=list(employee.vogs) if hasattr(employee, "vogs") else list(employee.vog_screenings.all()),
            talk=_talk_of(employee),
            oath=None if oaths is None else oaths.get(employee.pk, Status.UNKNOWN),
            financial_interests_declared=None if declared is None else employee.pk in declared_done,
            today=today,
        )
        person.checklist = _checklist(person)
        rows.append(person)
    return rows


def person_screening(employee: Employee, today: dt.date) -> PersonScreening:
    qs = _with_screening(Employee.objects.filter(pk=employee.pk), today)
    return screening_rows(qs, employee.organisation, today)[0]


def own_screening(user: User, today: dt.date) -> PersonScreening | None:
    """The screening state of the user themself, when their position has a designation; otherwise None."""
    employee = employee_for(user)
    if employee is None or employee.position_id is None:
        return None
    person = person_screening(employee, today)
    if person.profile is None or not person.profile.is_designated:
        return None
    return person


def new_hires_missing_count(organisation: Organisation, today: dt.date) -> int:
    """New hires in designated positions who still miss a VOG (where required) or the outside-activities talk."""
    qs = new_hires(organisation, today).order_by()
    return (
        qs.filter(
            Q(position__profile__vog_required=True, has_valid_vog=False) | Q(outside_activities_talk__isnull=True)
        )
        .values("pk")
        .count()
    )


# --- coverage, export and figures ---------------------------------------------------------------------------------


@dataclass
class UnitCoverage:
    unit: OrgUnit | None
    positions: int = 0
    inventoried: int = 0
    current: int = 0
    vulnerable: int = 0
    vog_required: int = 0
    financial_interests: int = 0
    publish_outside_activities: int = 0
    people_vog_required: int = 0
    people_valid_vog: int = 0

    @property
    def label(self):
        return self.unit.path if self.unit else _("No unit")

    @property
    def inventoried_percent(self) -> int:
        return round(100 * self.inventoried / self.positions) if self.positions else 0

    @property
    def current_percent(self) -> int:
        return round(100 * self.current / self.positions) if self.positions else 0

    @property
    def vog_percent(self) -> int | None:
        return round(100 * self.people_valid_vog / self.people_vog_required) if self.people_vog_required else None


def coverage_per_unit(organisation: Organisation, today: dt.date) -> tuple[list[UnitCoverage], UnitCoverage]:
    """Per unit (the unit a position or person belongs to directly): how much of the inventory is done and
    up to date, how many positions are designated, and how many people in VOG positions have a valid VOG.
    Three queries, whatever the number of units, positions and people."""
    units = {u.pk: UnitCoverage(u) for u in OrgUnit.objects.filter(organisation=organisation).order_by("path")}
    rows: dict[int | None, UnitCoverage] = dict(units)
    position_counts = (
        Position.objects.filter(organisation=organisation)
        .values("unit_id")
        .annotate(
            positions=Count("pk"),
            inventoried=Count("pk", filter=Q(profile__isnull=False)),
            current=Count("pk", filter=Q(profile__next_review_due__gte=today)),
            vulnerable=Count("pk", filter=Q(profile__is_vulnerable=True)),
            vog_required=Count("pk", filter=Q(profile__vog_required=True)),
            financial_interests=Count("pk", filter=Q(profile__financial_interests=True)),
            publish_outside_activities=Count("pk", filter=Q(profile__publish_outside_activities=True)),
        )
        .order_by()
    )
    for row in position_counts:
        target = rows.setdefault(row["unit_id"], UnitCoverage(None))
        for name in (
            "positions",
            "inventoried",
            "current",
            "vulnerable",
            "vog_required",
            "financial_interests",
            "publish_outside_activities",
        ):
            setattr(target, name, row[name])
    people = (
        Employee.objects.in_service(today)
        .filter(organisation=organisation, position__profile__vog_required=True)
        .values("unit_id")
        .annotate(
            people_vog_required=Count("pk"),
            people_valid_vog=Count(
                "pk", filter=Exists(VogScreening.objects.filter(valid_vog_q(today), employee=OuterRef("pk")))
            ),
        )
        .order_by()
    )
    for row in people:
        target = rows.setdefault(row["unit_id"], UnitCoverage(None))
        target.people_vog_required = row["people_vog_required"]
        target.people_valid_vog = row["people_valid_vog"]
    result = [units[pk] for pk in units] + ([rows[None]] if None in rows else [])
    total = UnitCoverage(None)
    for row in result:
        for name in (
            "positions",
            "inventoried",
            "current",
            "vulnerable",
            "vog_required",
            "financial_interests",
            "publish_outside_activities",
            "people_vog_required",
            "people_valid_vog",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return result, total


EXPORT_FOCUS = {
    "all": Q(),
    "ondermijning": Q(profile__ondermijning_relevant=True),
    "cybersecurity": Q(profile__cybersecurity_relevant=True),
}

EXPORT_HEADERS = (
    "functiecode",
    "functienaam",
    "organisatieonderdeel",
    "kwetsbare_gebieden",
    "vog_vereist",
    "financiele_belangen_melden",
    "nevenfuncties_openbaar",
    "laatst_beoordeeld",
    "risiconiveau",
    "screeningsgebieden_vog",
    "ondermijning",
    "cybersecurity",
    "volgende_beoordeling",
    "toelichting",
)


def designated_positions_for_export(organisation: Organisation, focus: str = "all") -> list[list]:
    """Rows of designated or vulnerable positions for the export; the first columns match ``import_positions``."""
    designated = designated_q("profile__") | Q(profile__is_vulnerable=True)
    designated |= Q(profile__ondermijning_relevant=True) | Q(profile__cybersecurity_relevant=True)
    qs = (
        Position.objects.filter(organisation=organisation)
        .filter(designated)
        .filter(EXPORT_FOCUS.get(focus, EXPORT_FOCUS["all"]))
        .select_related("unit", "profile")
        .order_by("code")
    )
    labels = dict(Area.choices)
    rows = []
    for position in qs:
        p = position.profile
        yes = {True: "ja", False: "nee"}
        rows.append(
            [
                position.code,
                position.title,
                position.unit.path if position.unit else "",
                "|".join(code for code in AREA_CODES if code in p.vulnerable_areas),
                yes[p.vog_required],
                yes[p.financial_interests],
                yes[p.publish_outside_activities],
                p.reviewed_on,
                p.risk_level,
                "|".join(p.vog_screening_areas),
                yes[p.ondermijning_relevant],
                yes[p.cybersecurity_relevant],
                p.next_review_due,
                "; ".join(f"{labels[c]}: {r}" for c, r in p.vulnerable_areas.items() if r),
            ]
        )
    return rows


def _year_end(year: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, 12, 31, 23, 59, 59, 999999))


def annual_figures(organisation: Organisation, year: int) -> dict[str, int]:
    """Figures of year ``year`` for the annual report.

    Counting rules. Stock figures describe the inventory as it stood at the end of 31 December of ``year``, rebuilt
    from the append-only history (the last snapshot of each position written by then):

    * ``positions_inventoried``: positions in the inventory;
    * ``vulnerable``: positions with vulnerable actions in at least one screening area;
    * ``vog_required``, ``financial_interests``, ``publish_outside_activities``: positions designated for it;
    * ``review_overdue``: positions whose next review was due on or before 31 December, or never reviewed.

    Flow figures count a record in ``year`` when its defining date falls in it:

    * ``positions_reviewed``: reviews whose review date falls in the year (one per position and date);
    * ``vog_received``: VOGs whose date received falls in the year;
    * ``rounds_started`` / ``rounds_completed``: review rounds by their start / completion date.
    """
    end = _year_end(year)
    last = (
        PositionProfileHistory.objects.filter(profile=OuterRef("profile"), changed_at__lte=end)
        .order_by("-version")
        .values("pk")[:1]
    )
    snapshots = list(
        PositionProfileHistory.objects.filter(organisation=organisation, changed_at__lte=end)
        .filter(pk=Subquery(last))
        .values_list("snapshot", flat=True)
    )
    year_end_day = dt.date(year, 12, 31)
    overdue = 0
    for snap in snapshots:
        due = snap.get("next_review_due")
        if not snap.get("reviewed_on") or not due or dt.date.fromisoformat(due) <= year_end_day:
            overdue += 1
    reviews = set(
        PositionProfileHistory.objects.filter(organisation=organisation, changed_at__lte=end)
        .values_list("profile_id", "snapshot__reviewed_on")
        .distinct()
    )
    reviewed = sum(1 for _pk, day in reviews if day and str(day).startswith(f"{year}-"))
    rounds = ReviewRound.objects.filter(organisation=organisation)
    return {
        "positions_inventoried": len(snapshots),
        "vulnerable": sum(1 for s in snapshots if s.get("vulnerable_areas")),
        "vog_required": sum(1 for s in snapshots if s.get("vog_required")),
        "financial_interests": sum(1 for s in snapshots if s.get("financial_interests")),
        "publish_outside_activities": sum(1 for s in snapshots if s.get("publish_outside_activities")),
        "review_overdue": overdue,
        "positions_reviewed": reviewed,
        "vog_received": VogScreening.objects.filter(organisation=organisation, received_on__year=year).count(),
        "rounds_started": rounds.filter(started_at__year=year).count(),
        "rounds_completed": rounds.filter(completed_at__year=year).count(),
    }
