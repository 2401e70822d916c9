"""Reads of the declarations. Query-count aware: list pages are built in a fixed number of queries.

Public surface for other apps:

* ``annual_figures(organisation, year)``: the figures for the annual report (decision codes as in ``Decision``).
* ``public_register(organisation, today)``: the published outside activities (what the public page shows).
* ``employees_with_financial_interests_declared(organisation)``: the employees who made their financial-interests
  declaration (read by ``plein.positions`` for the new-hire checklist).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from plein.core import roles as R
from plein.core.models import Employee, Organisation, User
from plein.core.selectors import employee_for, managed_units_q, user_roles
from plein.declarations.models import (
    ALLOWING,
    ActivityEvent,
    Campaign,
    Candidate,
    Decision,
    FinancialInterest,
    FinancialStatement,
    Gift,
    GiftDecision,
    OutsideActivity,
    Participant,
)
from plein.positions.selectors import designation_for_position, positions_designated_for

PUBLISH = "publish_outside_activities"
FINANCIAL_INTERESTS = "financial_interests"

_ROLE_PREFERENCE = (R.INTEGRITY_COORDINATOR, R.HR, R.MANAGER, R.EMPLOYEE)


def acting_role(user: User | None) -> str:
    """The role in which ``user`` acts here, for the audit log."""
    if user is None:
        return ""
    roles = user_roles(user)
    return next((code for code in _ROLE_PREFERENCE if code in roles), "")


def own_employee(user: User) -> Employee | None:
    return employee_for(user)


def is_ic(user: User) -> bool:
    return R.INTEGRITY_COORDINATOR in user_roles(user)


# --- designations ----------------------------------------------------------------------------------------------------


def financial_interests_required(employee: Employee | None) -> bool:
    """Whether the employee's position is designated for declaring financial interests."""
    if employee is None or employee.position_id is None:
        return False
    return designation_for_position(employee.position).is_designated_for(FINANCIAL_INTERESTS)


def advice_called_for(employee: Employee | None, position=None) -> bool:
    """Whether the position calls for the integrity coordinator's advice on an outside activity: it is designated
    for publication of outside activities or for financial interests."""
    position = position if position is not None else (employee.position if employee is not None else None)
    if position is None:
        return False
    designation = designation_for_position(position)
    return designation.is_designated_for(PUBLISH) or designation.is_designated_for(FINANCIAL_INTERESTS)


# --- outside activities ----------------------------------------------------------------------------------------------


def _activities(organisation: Organisation) -> QuerySet[OutsideActivity]:
    return OutsideActivity.objects.filter(organisation=organisation).select_related(
        "employee", "employee__unit", "employee__position", "candidate", "candidate__unit"
    )


def activities_of(employee: Employee) -> list[OutsideActivity]:
    return list(_activities(employee.organisation).filter(employee=employee).order_by("-start_date", "-pk"))


def activity(organisation: Organisation, pk: int) -> OutsideActivity | None:
    return _activities(organisation).select_related("decided_by", "candidate__position").filter(pk=pk).first()


def activity_history(item: OutsideActivity) -> list[ActivityEvent]:
    return list(item.events.select_related("actor").order_by("occurred_at", "pk"))


def activities_visible_to(user: User, organisation: Organisation) -> QuerySet[OutsideActivity]:
    """Need-to-know: the IC sees all; a manager those of the people in their units (never their own here); HR those
    recorded at an interview; others none (they see their own on their own page)."""
    base = _activities(organisation)
    roles = user_roles(user)
    if R.INTEGRITY_COORDINATOR in roles:
        return base
    q = Q(pk__in=[])
    if R.MANAGER in roles:
        q |= managed_units_q(user, "employee__unit__") | (
            Q(employee__isnull=True) & managed_units_q(user, "candidate__unit__")
        )
    if R.HR in roles:
        q |= Q(candidate__isnull=False)
    own = employee_for(user)
    qs = base.filter(q)
    if own is not None:
        qs = qs.exclude(employee=own)
    return qs


def filter_activities(
    qs: QuerySet[OutsideActivity], *, status: str = "", decision: str = "", text: str = ""
) -> QuerySet[OutsideActivity]:
    if status:
        qs = qs.filter(status=status)
    if decision:
        qs = qs.filter(decision=decision)
    if text:
        qs = qs.filter(
            Q(employee__last_name__icontains=text)
            | Q(employee__first_name__icontains=text)
            | Q(employee__personnel_number__iexact=text)
            | Q(candidate__last_name__icontains=text)
            | Q(external_organisation__icontains=text)
            | Q(role__icontains=text)
        )
    return qs


# What a row of the outside-activities register shows: the page loads only these columns and joins (issue 12).
_REGISTER_FIELDS = (
    "employee",
    "candidate",
    "declared_on",
    "external_organisation",
    "role",
    "status",
    "decision",
    "employee__first_name",
    "employee__infix",
    "employee__last_name",
    "employee__unit__name",
    "candidate__first_name",
    "candidate__infix",
    "candidate__last_name",
    "candidate__unit__name",
)


@dataclass(frozen=True)
class RegisterRow:
    """One row of the outside-activities register, with its labels (translated once per page, not per row)."""

    pk: int
    name: str
    is_candidate: bool
    unit: str
    role: str
    external_organisation: str
    declared_on: dt.date
    status: str
    status_label: str
    decision: str
    decision_label: str


def register_rows(qs: QuerySet[OutsideActivity]) -> list[RegisterRow]:
    """The rows of one page of the register (``qs`` already sliced to the page), in one query."""
    statuses = {code: str(label) for code, label in OutsideActivity.Status.choices}
    decisions = {code: str(label) for code, label in Decision.choices}
    rows = []
    for a in qs:
        person = a.employee if a.employee_id else a.candidate
        rows.append(
            RegisterRow(
                pk=a.pk,
                name=a.employee.sort_name if a.employee_id else (a.candidate.full_name if a.candidate_id else ""),
                is_candidate=not a.employee_id,
                unit=person.unit.name if person is not None and person.unit_id else "",
                role=a.role,
                external_organisation=a.external_organisation,
                declared_on=a.declared_on,
                status=a.status,
                status_label=statuses.get(a.status, a.status),
                decision=a.decision,
                decision_label=decisions.get(a.decision, a.decision),
            )
        )
    return rows


def for_register(qs: QuerySet[OutsideActivity]) -> QuerySet[OutsideActivity]:
    """``qs`` with only the joins and columns the register's rows show (``register_rows``)."""
    return qs.select_related(None).select_related("employee__unit", "candidate__unit").only(*_REGISTER_FIELDS)


def status_counts(qs: QuerySet[OutsideActivity]) -> dict[str, int]:
    counts = dict.fromkeys(OutsideActivity.Status.values, 0)
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def active_q(day: dt.date, *, prefix: str = "", end_inclusive: bool = True) -> Q:
    """Allowed (with or without conditions), started on or before ``day`` and not ended before it.

    ``end_inclusive=False`` counts an activity that ends on ``day`` itself as no longer active (the year-end rule
    of the figures: the end date must be later than 31 December)."""
    end = f"{prefix}end_date__gte" if end_inclusive else f"{prefix}end_date__gt"
    return (
        Q(**{f"{prefix}decision__in": ALLOWING})
        & Q(**{f"{prefix}start_date__lte": day})
        & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{end: day}))
    )


def current_activities(employee: Employee, today: dt.date) -> list[OutsideActivity]:
    """What the employee confirms in a campaign: declarations not ended before today and not refused."""
    return list(
        OutsideActivity.objects.filter(employee=employee)
        .exclude(decision=Decision.REFUSED)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("start_date", "pk")
    )


def export_rows(qs: QuerySet[OutsideActivity]) -> list[list]:
    rows = []
    for a in qs.order_by("employee__last_name", "candidate__last_name", "start_date", "pk"):
        person = a.employee or a.candidate
        rows.append(
            [
                a.employee.personnel_number if a.employee_id else "",
                person.full_name if person else "",
                a.employee.unit.path if a.employee_id and a.employee.unit_id else "",
                a.declared_on,
                a.external_organisation,
                a.role,
                a.paid,
                a.hours_per_month,
                a.start_date,
                a.end_date,
                a.decision,
                a.decided_on,
                a.last_confirmed_on,
            ]
        )
    return rows


EXPORT_HEADERS = [
    "personeelsnummer",
    "naam",
    "organisatieonderdeel",
    "meldingsdatum",
    "organisatie",
    "omschrijving",
    "bezoldigd",
    "uren_per_maand",
    "begindatum",
    "einddatum",
    "besluit",
    "besluitdatum",
    "laatst_bevestigd",
]


# --- the public register ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    name: str
    sort_name: str
    position: str
    organisation: str
    role: str
    paid: bool
    last_confirmed: dt.date | None


def _in_service_q(day: dt.date, prefix: str) -> Q:
    """``Employee.objects.in_service(day)`` as a condition on a related employee (``prefix``, e.g. ``employee__``)."""
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


# What the public register shows (``public_entry``) and sorts on: the page loads only these columns.
_PUBLIC_FIELDS = (
    "external_organisation",
    "role",
    "paid",
    "start_date",
    "declared_on",
    "last_confirmed_on",
    "employee__first_name",
    "employee__infix",
    "employee__last_name",
    "employee__position__title",
)


def public_register_qs(organisation: Organisation, today: dt.date) -> QuerySet[OutsideActivity]:
    """Allowed, current outside activities of employees in service in a position designated for publication.

    The conditions on the employee are on the joined employee row, not ``employee_id IN (every employee in
    service)``: the database then starts from the few designated positions and their holders (through the
    ``position_id`` index) instead of scanning every employee of the organisation (issue 12)."""
    if organisation is None:
        return OutsideActivity.objects.none()
    designated = positions_designated_for(PUBLISH, organisation).values("pk")
    return (
        OutsideActivity.objects.filter(organisation=organisation, employee__organisation=organisation)
        .filter(_in_service_q(today, "employee__"))
        .filter(employee__position__in=designated)
        .filter(active_q(today))
        .select_related("employee", "employee__position")
        .only(*_PUBLIC_FIELDS)
        .order_by("employee__last_name", "employee__first_name", "employee__pk", "start_date", "pk")
    )


def filter_public(qs: QuerySet[OutsideActivity], text: str) -> QuerySet[OutsideActivity]:
    if not text:
        return qs
    return qs.filter(
        Q(employee__last_name__icontains=text)
        | Q(employee__first_name__icontains=text)
        | Q(employee__position__title__icontains=text)
        | Q(external_organisation__icontains=text)
        | Q(role__icontains=text)
    )


def public_entry(item: OutsideActivity) -> PublicEntry:
    """Only what the law makes public: name, position, the activity, paid or not, and when last confirmed."""
    return PublicEntry(
        name=item.employee.full_name,
        sort_name=item.employee.sort_name,
        position=item.employee.position.title if item.employee.position_id else "",
        organisation=item.external_organisation,
        role=item.role,
        paid=item.paid,
        last_confirmed=item.last_confirmed_on or item.declared_on,
    )


def public_register(organisation: Organisation, today: dt.date) -> list[PublicEntry]:
    return [public_entry(a) for a in public_register_qs(organisation, today)]


PUBLIC_HEADERS = ["naam", "functie", "organisatie", "nevenfunctie", "bezoldigd", "laatst_bevestigd"]


def public_rows(entries) -> list[list]:
    return [[e.name, e.position, e.organisation, e.role, e.paid, e.last_confirmed] for e in entries]


# --- candidates ------------------------------------------------------------------------------------------------------


def candidates(organisation: Organisation, *, hired: bool | None = None) -> QuerySet[Candidate]:
    qs = (
        Candidate.objects.filter(organisation=organisation)
        .select_related("position", "unit", "employee")
        .annotate(activity_count=Count("activities"))
    )
    if hired is not None:
        qs = qs.filter(employee__isnull=not hired)
    return qs.order_by(F("employee_id").asc(nulls_first=True), "start_date", "last_name", "pk")


def candidate(organisation: Organisation, pk: int) -> Candidate | None:
    return (
        Candidate.objects.filter(organisation=organisation, pk=pk)
        .select_related("position", "unit", "employee")
        .first()
    )


def candidate_activities(item: Candidate) -> list[OutsideActivity]:
    return list(item.activities.select_related("employee").order_by("start_date", "pk"))


# --- campaigns -------------------------------------------------------------------------------------------------------


def campaigns(organisation: Organisation) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(organisation=organisation)
        .annotate(
            participant_count=Count("participants"),
            done_count=Count("participants", filter=Q(participants__confirmed_at__isnull=False)),
        )
        .order_by("-year")
    )


def campaign(organisation: Organisation, pk: int) -> Campaign | None:
    return campaigns(organisation).filter(pk=pk).first()


def open_participation(employee: Employee | None) -> Participant | None:
    """The employee's participation in the open campaign, if any."""
    if employee is None:
        return None
    return (
        Participant.objects.filter(employee=employee, campaign__closed_on__isnull=True)
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )


@dataclass
class UnitProgress:
    unit_id: int | None
    path: str
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def campaign_progress(user: User, item: Campaign) -> tuple[list[UnitProgress], UnitProgress]:
    """Completion per unit (one query). A manager sees only the units they manage."""
    qs = Participant.objects.filter(campaign=item)
    if not is_ic(user):
        qs = qs.filter(managed_units_q(user, "unit__"))
    rows = (
        qs.order_by()
        .values("unit_id", "unit__path")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(confirmed_at__isnull=False)))
        .order_by("unit__path")
    )
    units = [UnitProgress(r["unit_id"], r["unit__path"] or "", r["total"], r["done"]) for r in rows]
    total = UnitProgress(None, "", sum(u.total for u in units), sum(u.done for u in units))
    return units, total


def open_participants(user: User, item: Campaign, unit_id: int | None = None) -> QuerySet[Participant]:
    qs = Participant.objects.filter(campaign=item, confirmed_at__isnull=True).select_related(
        "employee", "employee__position", "unit"
    )
    if not is_ic(user):
        qs = qs.filter(managed_units_q(user, "unit__"))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("employee__last_name", "employee__first_name", "pk")


# --- financial interests ---------------------------------------------------------------------------------------------


def financial_interests_of(employee: Employee) -> list[FinancialInterest]:
    return list(FinancialInterest.objects.filter(employee=employee).order_by("-declared_on", "-pk"))


def latest_statement(employee: Employee) -> FinancialStatement | None:
    return FinancialStatement.objects.filter(employee=employee).order_by("-made_on", "-pk").first()


def financial_interests(organisation: Organisation, *, status: str = "", text: str = "") -> QuerySet[FinancialInterest]:
    qs = FinancialInterest.objects.filter(organisation=organisation).select_related(
        "employee", "employee__unit", "employee__position", "reviewed_by"
    )
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(
            Q(employee__last_name__icontains=text)
            | Q(employee__personnel_number__iexact=text)
            | Q(institution__icontains=text)
            | Q(description__icontains=text)
        )
    return qs.order_by("status", "-declared_on", "-pk")


def financial_interest(organisation: Organisation, pk: int) -> FinancialInterest | None:
    return (
        FinancialInterest.objects.filter(organisation=organisation, pk=pk)
        .select_related("employee", "employee__unit", "employee__position", "reviewed_by")
        .first()
    )


def employees_with_financial_interests_declared(organisation: Organisation) -> QuerySet:
    """Ids of the employees who made a financial-interests declaration (a statement, or at least one interest)."""
    statements = FinancialStatement.objects.filter(employee=OuterRef("pk"))
    interests = FinancialInterest.objects.filter(employee=OuterRef("pk"))
    return (
        Employee.objects.filter(organisation=organisation).filter(Exists(statements) | Exists(interests)).values("pk")
    )


# --- gifts -----------------------------------------------------------------------------------------------------------


def gifts_of(employee: Employee) -> list[Gift]:
    return list(Gift.objects.filter(employee=employee).order_by("-date", "-pk"))


def gift(organisation: Organisation, pk: int) -> Gift | None:
    return (
        Gift.objects.filter(organisation=organisation, pk=pk)
        .select_related("employee", "employee__unit", "employee__position", "decided_by")
        .first()
    )


def gifts_visible_to(user: User, organisation: Organisation) -> QuerySet[Gift]:
    base = Gift.objects.filter(organisation=organisation).select_related("employee", "employee__unit")
    roles = user_roles(user)
    if R.INTEGRITY_COORDINATOR in roles:
        return base
    if R.MANAGER in roles:
        qs = base.filter(managed_units_q(user, "employee__unit__"))
        own = employee_for(user)
        return qs.exclude(employee=own) if own is not None else qs
    return base.none()


def filter_gifts(
    qs: QuerySet[Gift],
    *,
    text: str = "",
    decision: str = "",
    direction: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Gift]:
    if text:
        qs = qs.filter(
            Q(employee__last_name__icontains=text)
            | Q(employee__first_name__icontains=text)
            | Q(employee__personnel_number__iexact=text)
            | Q(counterparty__icontains=text)
            | Q(description__icontains=text)
            | Q(occasion__icontains=text)
        )
    if decision:
        qs = qs.filter(decision=decision)
    if direction:
        qs = qs.filter(direction=direction)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-pk")


GIFT_HEADERS = [
    "personeelsnummer",
    "naam",
    "datum",
    "soort",
    "richting",
    "van_of_aan",
    "omschrijving",
    "gelegenheid",
    "geschatte_waarde_eur",
    "besluit",
    "besluitdatum",
]


def gift_rows(qs: QuerySet[Gift]) -> list[list]:
    return [
        [
            g.employee.personnel_number,
            g.employee.full_name,
            g.date,
            g.kind,
            g.direction,
            g.counterparty,
            g.description,
            g.occasion,
            g.estimated_value,
            g.decision,
            g.decided_on,
        ]
        for g in qs
    ]


# --- start page counts -----------------------------------------------------------------------------------------------


def awaiting_decision_count(user: User, organisation: Organisation) -> int:
    """Outside activities and gifts that wait for this manager's decision (the IC: all that wait for a decision)."""
    activities = activities_visible_to(user, organisation).filter(status=OutsideActivity.Status.AWAITING_DECISION)
    gifts = gifts_visible_to(user, organisation).filter(decision=GiftDecision.PENDING)
    return activities.count() + gifts.count()


def awaiting_advice_count(organisation: Organisation) -> int:
    return OutsideActivity.objects.filter(
        organisation=organisation, status=OutsideActivity.Status.AWAITING_ADVICE
    ).count()


def unreviewed_financial_interests_count(organisation: Organisation) -> int:
    return FinancialInterest.objects.filter(
        organisation=organisation, status=FinancialInterest.Status.SUBMITTED
    ).count()


# --- figures for the annual report -----------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def annual_figures(organisation: Organisation, year: int) -> dict:
    """The declarations' figures for ``year``. Decision codes are the stable codes of ``Decision`` and
    ``GiftDecision``.

    * ``declared``: declarations with a declaration date in the year;
    * ``decided``: declarations with a decision date in the year;
    * ``by_decision``: the declarations of the year by their decision (``in_behandeling`` when not decided);
    * ``active_at_year_end``: decision toegestaan or toegestaan_onder_voorwaarden, begindatum on or before 31 December
      and einddatum empty or later (of employees; a candidate not yet hired is not counted);
    * ``published``: of those, the activities of employees in service at year end in a position designated for
      publication;
    * ``campaign_completion``: the year's campaign: participants, confirmed, percent (zeros when there was none);
    * ``gifts_by_decision``: gifts and invitations dated in the year, by decision;
    * ``consultations_about_outside_activities``: consultations dated in the year with the topic nevenfuncties, from
      the consultations register (through its selectors); None when that register is not installed.
    """
    first, last = _year_bounds(year)
    base = OutsideActivity.objects.filter(organisation=organisation).order_by()
    declared_qs = base.filter(declared_on__range=(first, last))
    by_decision = dict.fromkeys(Decision.values, 0)
    for row in declared_qs.values("decision").annotate(n=Count("pk")):
        by_decision[row["decision"]] = row["n"]
    active = base.filter(employee__isnull=False).filter(active_q(last, end_inclusive=False))
    designated = positions_designated_for(PUBLISH, organisation).values("pk")
    in_service = Employee.objects.in_service(last).filter(organisation=organisation).values("pk")
    published = active.filter(employee__position__in=designated, employee__in=in_service)
    campaign_row = (
        Participant.objects.filter(campaign__organisation=organisation, campaign__year=year)
        .order_by()
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(confirmed_at__isnull=False)))
    )
    total, done = campaign_row["total"] or 0, campaign_row["done"] or 0
    gifts = dict.fromkeys(GiftDecision.values, 0)
    for row in (
        Gift.objects.filter(organisation=organisation, date__range=(first, last))
        .order_by()
        .values("decision")
        .annotate(n=Count("pk"))
    ):
        gifts[row["decision"]] = row["n"]
    return {
        "year": year,
        "declared": sum(by_decision.values()),
        "decided": base.filter(decided_on__range=(first, last)).count(),
        "by_decision": by_decision,
        "active_at_year_end": active.count(),
        "published": published.count(),
        "campaign_completion": {
            "participants": total,
            "confirmed": done,
            "percent": round(100 * done / total) if total else 0,
        },
        "gifts_by_decision": gifts,
        "gifts": sum(gifts.values()),
        "consultations_about_outside_activities": _outside_activity_consultations(organisation, year),
    }


def _outside_activity_consultations(organisation: Organisation, year: int) -> int | None:
    """From the consultations register, only through its selectors; None ("not available") without it."""
    from django.apps import apps

    if not apps.is_installed("plein.consultations"):
        return None
    from plein.consultations.selectors import outside_activity_consultations

    return outside_activity_consultations(organisation, year)


def figure_years(organisation: Organisation) -> list[int]:
    years = set(
        OutsideActivity.objects.filter(organisation=organisation)
        .order_by()
        .values_list("declared_on__year", flat=True)
        .distinct()
    )
    years |= set(
        Gift.objects.filter(organisation=organisation).order_by().values_list("date__year", flat=True).distinct()
    )
    return sorted((y for y in years if y), reverse=True)
