"""Reads of Leren & bewustwording. Query-count aware: lists are annotated in the database, never a query per row.

Mandatory training is derived, not stored. A ``Requirement`` applies to an employee in service who is in its audience
(everyone, or managers) and, for ``new_starters_only``, started on or after ``applies_from``. Their term runs from the
later of their start date and ``applies_from``; the training is due ``due_months`` months after that. It is *done*
when they attended an event of the requirement's course (on the attendance list, by completing the e-learning module
or by an import), *overdue* when not done and the due date has passed, and *due* otherwise.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, OrgUnit, RoleAssignment, User
from plein.core.selectors import employee_for, managed_units_q, need_to_know, user_roles
from plein.learning import conf
from plein.learning.dates import due_date, overdue_cutoff
from plein.learning.models import Attendance, Course, Event, Kind, Registration, Requirement

STATUS_DONE = "done"
STATUS_DUE = "due"
STATUS_OVERDUE = "overdue"
STATUSES = (STATUS_DUE, STATUS_OVERDUE, STATUS_DONE)

WHEN_UPCOMING = "upcoming"
WHEN_PAST = "past"


def _today() -> date:
    return timezone.localdate()


def name_key(employee: Employee) -> tuple[str, str, int]:
    """Sort key by last name as people read a list: "Çelik" between "Bakker" and "De Vries"."""

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()

    return plain(employee.last_name), plain(employee.first_name), employee.pk


# --- events ---------------------------------------------------------------------------------------------------------


def _count(model, **lookups) -> Subquery:
    """A correlated COUNT over ``model`` rows of ``OuterRef('pk')`` (an event), as one subquery column."""
    qs = model.objects.filter(event=OuterRef("pk"), **lookups).order_by().values("event")
    return Coalesce(
        Subquery(qs.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Add ``registered_count`` (open registrations) and ``attended_count`` to each event, in the same query."""
    return qs.annotate(
        registered_count=_count(Registration, status=Registration.Status.REGISTERED),
        attended_count=_count(Attendance),
    )


def upcoming_events(organisation: Organisation, limit: int = 5, *, today: date | None = None) -> list[Event]:
    """The next events of the public calendar, soonest first, for the portal's home page.

    Each has ``title``, ``kind`` (and ``get_kind_display``), ``start`` (a datetime, or the day when there is no start
    time), ``starts_at``, ``date``, ``location`` and ``url``. One query; nothing personal.
    """
    today = today or _today()
    qs = Event.objects.filter(organisation=organisation, in_public_feed=True, date__gte=today)
    return list(qs.order_by("date", "start_time", "pk")[: max(int(limit), 0)])


def events(organisation: Organisation, *, when: str = WHEN_UPCOMING, kind: str = "", today: date | None = None):
    """Events with their counts: upcoming (running today or later, soonest first) or past (latest first)."""
    today = today or _today()
    qs = with_counts(Event.objects.filter(organisation=organisation).select_related("course"))
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if when == WHEN_PAST:
        return qs.filter(Q(end_date__lt=today) | Q(end_date__isnull=True, date__lt=today)).order_by(
            "-date", "-start_time", "-pk"
        )
    return qs.filter(Q(end_date__gte=today) | Q(date__gte=today)).order_by("date", "start_time", "pk")


def event_for(organisation: Organisation, pk: int) -> Event | None:
    """One event with its counts, its course and the ids of the people who keep its attendance list."""
    event = with_counts(Event.objects.filter(organisation=organisation, pk=pk).select_related("course")).first()
    if event is not None:
        event.host_ids = set(event.hosts.values_list("pk", flat=True))
    return event


def event_by_code(organisation: Organisation, code: str) -> Event | None:
    return Event.objects.filter(organisation=organisation, code=code).first()


def registered_event_ids(employee: Employee | None, events: list[Event]) -> set[int]:
    """Which of these events the employee is registered for, in one query."""
    if employee is None or not events:
        return set()
    return set(
        Registration.objects.filter(
            employee=employee, event__in=[e.pk for e in events], status=Registration.Status.REGISTERED
        ).values_list("event_id", flat=True)
    )


def registration_of(event: Event, employee: Employee | None) -> Registration | None:
    if employee is None:
        return None
    return Registration.objects.filter(event=event, employee=employee).first()


def attendance_of(event: Event, employee: Employee | None) -> Attendance | None:
    if employee is None:
        return None
    return Attendance.objects.filter(event=event, employee=employee).first()


def places_left(event: Event) -> int | None:
    """Free places of an event annotated by ``with_counts``; None when there is no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.registered_count, 0)


def feed_events(organisation: Organisation, *, today: date | None = None) -> list[Event]:
    """Every upcoming event of the public calendar (running today or later)."""
    today = today or _today()
    return list(
        Event.objects.filter(organisation=organisation, in_public_feed=True)
        .filter(Q(end_date__gte=today) | Q(date__gte=today))
        .order_by("date", "start_time", "pk")
    )


def courses(organisation: Organisation) -> list[Course]:
    return list(Course.objects.filter(organisation=organisation).order_by("title"))


def courses_by_code(organisation: Organisation) -> dict[str, Course]:
    return {c.code.casefold(): c for c in Course.objects.filter(organisation=organisation)}


# --- attendance list ------------------------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    employee: Employee
    registration: Registration | None
    attendance: Attendance | None

    @property
    def present(self) -> bool:
        return self.attendance is not None


def attendance_list(event: Event) -> list[AttendanceRow]:
    """Everyone registered for the event and everyone recorded as present, by name, in two queries."""
    registrations = {
        r.employee_id: r
        for r in Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).select_related(
            "employee", "employee__unit"
        )
    }
    attendances = {
        a.employee_id: a for a in Attendance.objects.filter(event=event).select_related("employee", "employee__unit")
    }
    rows = []
    for employee_id in set(registrations) | set(attendances):
        registration, attendance = registrations.get(employee_id), attendances.get(employee_id)
        employee = (registration or attendance).employee
        rows.append(AttendanceRow(employee, registration, attendance))
    return sorted(rows, key=lambda row: name_key(row.employee))


def employee_by_number(organisation: Organisation, personnel_number: str) -> Employee | None:
    return Employee.objects.filter(organisation=organisation, personnel_number=personnel_number.strip()).first()


# --- the employee's own record --------------------------------------------------------------------------------------


def own_employee(user: User) -> Employee | None:
    return employee_for(user)


def registrations_of(employee: Employee, *, today: date | None = None) -> list[Registration]:
    """The employee's open registrations for events from today on, soonest first."""
    today = today or _today()
    return list(
        Registration.objects.filter(employee=employee, status=Registration.Status.REGISTERED)
        .filter(Q(event__end_date__gte=today) | Q(event__date__gte=today))
        .select_related("event")
        .order_by("event__date", "event__start_time", "pk")
    )


def attendances_of(employee: Employee) -> list[Attendance]:
    """What the employee took part in, latest first: their learning record."""
    return list(
        Attendance.objects.filter(employee=employee)
        .select_related("event", "event__course")
        .order_by("-attended_on", "-pk")
    )


def open_elearning(organisation: Organisation, employee: Employee | None, *, today: date | None = None) -> list[Event]:
    """E-learning modules available today that the employee has not completed."""
    today = today or _today()
    qs = Event.objects.filter(organisation=organisation, kind=Kind.ELEARNING, date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    if employee is not None:
        qs = qs.exclude(attendances__employee=employee)
    return list(qs.select_related("course").order_by("date", "pk"))


# --- mandatory training ---------------------------------------------------------------------------------------------


def active_requirements(organisation: Organisation) -> list[Requirement]:
    return list(
        Requirement.objects.filter(organisation=organisation, is_active=True)
        .select_related("course")
        .order_by("course__title", "pk")
    )


def all_requirements(organisation: Organisation) -> list[Requirement]:
    return list(
        Requirement.objects.filter(organisation=organisation)
        .select_related("course")
        .order_by("-is_active", "course__title", "pk")
    )


def is_manager_q(on: date) -> Q:
    """Employees who count as managers on ``on``: the manager role, direct reports in service, or a listed position."""
    role = RoleAssignment.objects.filter(user=OuterRef("user"), role=R.MANAGER, revoked_at__isnull=True)
    reports = Employee.objects.filter(manager=OuterRef("pk")).in_service(on)
    q = Q(Exists(role)) | Q(Exists(reports))
    codes = conf.manager_position_codes()
    if codes:
        q |= Q(position__code__in=codes)
    return q


def _in_service(organisation_id: int, on: date) -> QuerySet[Employee]:
    return Employee.objects.filter(organisation_id=organisation_id).in_service(on)


def targeted(qs: QuerySet[Employee], requirement: Requirement, *, on: date) -> QuerySet[Employee]:
    """Narrow ``qs`` (employees) to the requirement's target group on ``on``."""
    if requirement.audience == Requirement.Audience.MANAGERS:
        qs = qs.filter(is_manager_q(on))
    if requirement.new_starters_only:
        qs = qs.filter(start_date__gte=requirement.applies_from)
    return qs


def target_population(requirement: Requirement, *, on: date) -> QuerySet[Employee]:
    """Everyone the requirement applies to on ``on`` (in service, in the audience)."""
    return targeted(_in_service(requirement.organisation_id, on), requirement, on=on)


def _completions(course_id: int, *, on: date | None = None) -> QuerySet[Attendance]:
    """Attendance that completes ``course_id`` for ``OuterRef('pk')`` (an employee), optionally by ``on``."""
    qs = Attendance.objects.filter(employee=OuterRef("pk"), event__course_id=course_id)
    if on is not None:
        qs = qs.filter(attended_on__lte=on)
    return qs


def done_q(requirement: Requirement, *, on: date | None = None) -> Q:
    return Q(Exists(_completions(requirement.course_id, on=on)))


def overdue_q(requirement: Requirement, *, on: date) -> Q:
    """Not done and the due date lies before ``on`` (see ``dates.overdue_cutoff``)."""
    cutoff = overdue_cutoff(on, requirement.due_months)
    if requirement.applies_from >= cutoff:
        return Q(pk__in=[])
    return ~done_q(requirement, on=on) & (Q(start_date__lt=cutoff) | Q(start_date__isnull=True))


def counted_from(requirement: Requirement, start_date: date | None) -> date:
    if start_date is None:
        return requirement.applies_from
    return max(start_date, requirement.applies_from)


@dataclass(frozen=True)
class RequirementStatus:
    requirement: Requirement
    status: str
    due_date: date
    completed_on: date | None = None

    @property
    def is_done(self) -> bool:
        return self.status == STATUS_DONE

    @property
    def is_overdue(self) -> bool:
        return self.status == STATUS_OVERDUE


def status_of(requirement: Requirement, start_date: date | None, completed_on: date | None, *, today: date):
    due = due_date(counted_from(requirement, start_date), requirement.due_months)
    if completed_on is not None:
        status = STATUS_DONE
    elif due < today:
        status = STATUS_OVERDUE
    else:
        status = STATUS_DUE
    return RequirementStatus(requirement, status, due, completed_on)


def _completion_key(requirement: Requirement) -> str:
    return f"completed_{requirement.pk}"


def annotate_completions(qs: QuerySet[Employee], requirements: list[Requirement]) -> QuerySet[Employee]:
    """Add ``completed_<requirement pk>`` (the last day the employee completed the course, or None) per requirement."""
    annotations = {}
    for requirement in requirements:
        latest = (
            Attendance.objects.filter(employee=OuterRef("pk"), event__course_id=requirement.course_id)
            .order_by()
            .values("employee")
            .annotate(last=Max("attended_on"))
            .values("last")[:1]
        )
        annotations[_completion_key(requirement)] = Subquery(latest)
    return qs.annotate(**annotations) if annotations else qs


def applies_to(requirement: Requirement, employee: Employee, *, is_manager: bool) -> bool:
    if requirement.audience == Requirement.Audience.MANAGERS and not is_manager:
        return False
    if requirement.new_starters_only:
        return employee.start_date is not None and employee.start_date >= requirement.applies_from
    return True


def employee_is_manager(employee: Employee, *, on: date) -> bool:
    return Employee.objects.filter(pk=employee.pk).filter(is_manager_q(on)).exists()


def requirements_for(employee: Employee | None, *, today: date | None = None) -> list[RequirementStatus]:
    """The mandatory trainings that apply to the employee today, with their status. A fixed number of queries."""
    if employee is None:
        return []
    today = today or _today()
    if not Employee.objects.filter(pk=employee.pk).in_service(today).exists():
        return []
    requirements = active_requirements(employee.organisation)
    if not requirements:
        return []
    annotated = (
        annotate_completions(Employee.objects.filter(pk=employee.pk), requirements)
        .annotate(is_manager=Exists(Employee.objects.filter(pk=OuterRef("pk")).filter(is_manager_q(today))))
        .first()
    )
    out = []
    for requirement in requirements:
        if applies_to(requirement, annotated, is_manager=annotated.is_manager):
            completed = getattr(annotated, _completion_key(requirement))
            out.append(status_of(requirement, annotated.start_date, completed, today=today))
    return out


def next_events_of(organisation: Organisation, course_ids: set[int], *, today: date | None = None) -> dict[int, Event]:
    """The first upcoming event with free places per course, for "register for a session" links (two queries)."""
    if not course_ids:
        return {}
    today = today or _today()
    found: dict[int, Event] = {}
    qs = with_counts(
        Event.objects.filter(organisation=organisation, course_id__in=course_ids, date__gte=today)
    ).order_by("date", "start_time", "pk")
    for event in qs:
        if event.course_id in found:
            continue
        if event.is_elearning or event.capacity is None or event.registered_count < event.capacity:
            found[event.course_id] = event
    return found


# --- records of others: the overview and one person's record ----------------------------------------------------------


def records_visible_to(user: User, organisation: Organisation, *, today: date | None = None) -> QuerySet[Employee]:
    """Need-to-know: HR and the IC see everyone in service; a manager the units they manage; others nobody."""
    today = today or _today()
    qs = _in_service(organisation.pk, today).select_related("unit", "position")
    return need_to_know(user, qs)


@dataclass
class RecordRow:
    employee: Employee
    statuses: list[RequirementStatus | None] = field(default_factory=list)


def record_rows(employees: list[Employee], requirements: list[Requirement], *, today: date) -> list[RecordRow]:
    """Rows of employees annotated by ``annotate_records``: one status (or None: does not apply) per requirement."""
    rows = []
    for employee in employees:
        statuses = []
        for requirement in requirements:
            if applies_to(requirement, employee, is_manager=employee.is_manager):
                completed = getattr(employee, _completion_key(requirement))
                statuses.append(status_of(requirement, employee.start_date, completed, today=today))
            else:
                statuses.append(None)
        rows.append(RecordRow(employee, statuses))
    return rows


def annotate_records(qs: QuerySet[Employee], requirements: list[Requirement], *, today: date) -> QuerySet[Employee]:
    qs = annotate_completions(qs, requirements)
    return qs.annotate(is_manager=Exists(Employee.objects.filter(pk=OuterRef("pk")).filter(is_manager_q(today))))


def filter_records(
    qs: QuerySet[Employee],
    *,
    unit: OrgUnit | None = None,
    search: str = "",
    requirement: Requirement | None = None,
    status: str = "",
    today: date | None = None,
) -> QuerySet[Employee]:
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(personnel_number__iexact=search)
        )
    if requirement is not None:
        today = today or _today()
        qs = targeted(qs, requirement, on=today)
        if status == STATUS_DONE:
            qs = qs.filter(done_q(requirement))
        elif status == STATUS_OVERDUE:
            qs = qs.filter(overdue_q(requirement, on=today))
        elif status == STATUS_DUE:
            qs = qs.exclude(done_q(requirement)).exclude(overdue_q(requirement, on=today))
    return qs


def record_employee(organisation: Organisation, pk: int) -> Employee | None:
    return (
        Employee.objects.filter(organisation=organisation, pk=pk)
        .select_related("unit", "position", "organisation")
        .first()
    )


# --- coverage per unit ----------------------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    unit: OrgUnit | None
    label: str
    employees: int
    done: int
    overdue: int

    @property
    def percentage(self) -> int:
        return round(100 * self.done / self.employees) if self.employees else 0


@dataclass
class Coverage:
    requirement: Requirement
    rows: list[CoverageRow]
    reference_date: date

    @property
    def employees(self) -> int:
        return sum(r.employees for r in self.rows)

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def percentage(self) -> int:
        return round(100 * self.done / self.employees) if self.employees else 0


def coverage_scope(user: User) -> Q | None:
    """Whose counts the user may see: everyone (IC, HR), their own units (manager), or nobody (None)."""
    roles = user_roles(user)
    if roles & {R.INTEGRITY_COORDINATOR, R.HR}:
        return Q()
    if R.MANAGER in roles:
        return managed_units_q(user)
    return None


def coverage(requirement: Requirement, *, scope: Q, on: date | None = None) -> Coverage:
    """Per unit: how many people the requirement applies to, how many completed it and how many are overdue on
    ``on`` (default today). Two queries, whatever the number of people or units."""
    on = on or _today()
    population = target_population(requirement, on=on).filter(scope)
    counts = (
        population.order_by()
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=done_q(requirement, on=on)),
            overdue=Count("pk", filter=overdue_q(requirement, on=on)),
        )
    )
    counts = list(counts)
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[row["unit_id"] for row in counts if row["unit_id"]])}
    rows = []
    for row in counts:
        unit = units.get(row["unit_id"])
        rows.append(CoverageRow(unit, unit.path if unit else "–", row["n"], row["done"], row["overdue"]))
    rows.sort(key=lambda r: r.label)
    return Coverage(requirement, rows, on)


def targeted_q(requirement: Requirement, *, on: date) -> Q:
    """The requirement's target group on ``on``, as a condition on employees (see ``targeted``)."""
    q = Q()
    if requirement.audience == Requirement.Audience.MANAGERS:
        q &= is_manager_q(on)
    if requirement.new_starters_only:
        q &= Q(start_date__gte=requirement.applies_from)
    return q


def _count_where(q: Q) -> Count:
    return Count("pk", filter=q) if q else Count("pk")


def coverage_of_all(
    organisation: Organisation, requirements: list[Requirement], *, scope: Q, on: date | None = None
) -> list[Coverage]:
    """``coverage`` of every requirement in two queries, whatever the number of requirements, people or units
    (issue 12): one grouped query over the people in service with three conditional counts per requirement, and one
    for the units."""
    on = on or _today()
    if not requirements:
        return []
    annotations = {}
    for i, requirement in enumerate(requirements):
        target = targeted_q(requirement, on=on)
        annotations[f"n{i}"] = _count_where(target)
        annotations[f"done{i}"] = Count("pk", filter=target & done_q(requirement, on=on))
        annotations[f"overdue{i}"] = Count("pk", filter=target & overdue_q(requirement, on=on))
    counts = list(_in_service(organisation.pk, on).filter(scope).order_by().values("unit_id").annotate(**annotations))
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[row["unit_id"] for row in counts if row["unit_id"]])}
    result = []
    for i, requirement in enumerate(requirements):
        rows = []
        for row in counts:
            if not row[f"n{i}"]:
                continue
            unit = units.get(row["unit_id"])
            rows.append(
                CoverageRow(unit, unit.path if unit else "–", row[f"n{i}"], row[f"done{i}"], row[f"overdue{i}"])
            )
        rows.sort(key=lambda r: r.label)
        result.append(Coverage(requirement, rows, on))
    return result


# --- figures for the annual report ----------------------------------------------------------------------------------


def _participants(event: Event) -> int:
    """E-learning: completions in the year; other events: attendance when it was taken, else the registrations."""
    if event.is_elearning:
        return event.attended_in_year
    return event.attended_count if event.attended_count else event.registered_count


def annual_figures(organisation: Organisation, year: int, *, today: date | None = None) -> dict:
    """Figures of Leren & bewustwording for the annual report of ``year``. Counting rules:

    - ``events`` and ``per_kind``: every event dated in ``year`` (e-learning modules by the day they became
      available); its participants are the people recorded as present, or, when no attendance was taken, the open
      registrations; for an e-learning module, the people who completed it in ``year``;
    - ``training_coverage``: of the employees in service at the end of the year (today, for the running year), the
      share who completed the course ``LEARNING_COVERAGE_COURSE`` ("morele oordeelsvorming") by that day;
    - ``elearning_completions``: e-learning modules completed in ``year`` (any module, by completion date).

    Raw counts: the annual report suppresses small counts when it publishes.
    """
    today = today or _today()
    reference = min(date(year, 12, 31), today)
    held = list(
        with_counts(Event.objects.filter(organisation=organisation, date__year=year))
        .annotate(attended_in_year=_count(Attendance, attended_on__year=year))
        .order_by("date", "start_time", "pk")
    )
    rows = [
        {
            "title": e.title,
            "date": e.date.isoformat(),
            "kind": e.kind,
            "kind_label": str(e.get_kind_display()),
            "participants": _participants(e),
        }
        for e in held
    ]
    per_kind = []
    for code, label in Kind.choices:
        members = [r for r in rows if r["kind"] == code]
        per_kind.append(
            {
                "kind": code,
                "label": str(label),
                "events": len(members),
                "participants": sum(r["participants"] for r in members),
            }
        )
    course = Course.objects.filter(organisation=organisation, code__iexact=conf.coverage_course_code()).first()
    headcount = _in_service(organisation.pk, reference).count()
    completed = 0
    if course is not None:
        completed = (
            _in_service(organisation.pk, reference).filter(Exists(_completions(course.pk, on=reference))).count()
        )
    elearning = Attendance.objects.filter(
        event__organisation=organisation, event__kind=Kind.ELEARNING, attended_on__year=year
    ).count()
    return {
        "year": year,
        "reference_date": reference,
        "events": rows,
        "events_total": len(rows),
        "participants_total": sum(r["participants"] for r in rows),
        "per_kind": per_kind,
        "training_coverage": {
            "course": course.title if course else "",
            "course_code": course.code if course else conf.coverage_course_code(),
            "employees": headcount,
            "completed": completed,
            "percentage": round(100 * completed / headcount) if headcount and course else None,
        },
        "elearning_completions": elearning,
    }


def figure_years(organisation: Organisation) -> list[int]:
    """Years with an event, newest first."""
    years = (
        Event.objects.filter(organisation=organisation)
        .annotate(y=ExtractYear("date"))
        .values_list("y", flat=True)
        .distinct()
    )
    return sorted({y for y in years if y}, reverse=True)


def hosts_of(event: Event) -> list[Employee]:
    return sorted(event.hosts.all(), key=name_key)


def events_with_hosts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.prefetch_related(Prefetch("hosts", queryset=Employee.objects.order_by("last_name", "first_name")))
