"""Reads of the oath register. Query-count aware: lists are annotated in the database, never a query per row.

Obligations are derived, not stored. An employee has an oath obligation when they have a start date, their
employment type is one of ``OATH_EMPLOYMENT_TYPES`` and they have not left. It is due on the start date plus
``OATH_TERM_MONTHS`` (see ``dates.py``). It is *done* when there is an oath or affirmation that counts: any oath of
this person if ``OATH_EARLIER_OATH_COUNTS`` is on (the default), otherwise only one taken on or after the current
start date (someone who left and came back takes it again). It is *overdue* when not done and the due date has passed,
and *due* otherwise.
"""

import statistics
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from plein.core import pagecache
from plein.core.models import Employee, Organisation, User
from plein.core.selectors import employee_for, need_to_know
from plein.oaths import conf
from plein.oaths.dates import due_date, overdue_start_cutoff
from plein.oaths.models import Ceremony, CeremonyDilemma, Form, OathText, Registration

STATUS_DUE = "due"
STATUS_OVERDUE = "overdue"
STATUS_DONE = "done"
STATUSES = (STATUS_DUE, STATUS_OVERDUE, STATUS_DONE)

# The overview's order: who started longest ago first, then by name.
OVERVIEW_ORDER = ("start_date", "last_name", "first_name", "pk")


# --- obligations ----------------------------------------------------------------------------------------------------


def _counting_oaths(*, on: date | None = None) -> QuerySet[Registration]:
    """Taken oaths that fulfil the obligation of ``OuterRef('pk')`` (an employee), optionally taken by ``on``."""
    qs = Registration.objects.filter(employee=OuterRef("pk"), status=Registration.Status.TAKEN)
    if not conf.earlier_oath_counts():
        qs = qs.filter(taken_on__gte=OuterRef("start_date"))
    if on is not None:
        qs = qs.filter(taken_on__lte=on)
    return qs


def obligation_population(organisation: Organisation, *, on: date) -> QuerySet[Employee]:
    """Everyone with an oath obligation on ``on``: a start date, an oath-bound employment type, not left."""
    return Employee.objects.filter(
        organisation=organisation,
        start_date__isnull=False,
        employment_type__in=conf.employment_types(),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


def _status_case(done, *, today: date) -> Case:
    cutoff = overdue_start_cutoff(today, conf.term_months())
    return Case(
        When(done, then=Value(STATUS_DONE)),
        When(start_date__lt=cutoff, then=Value(STATUS_OVERDUE)),
        default=Value(STATUS_DUE),
    )


def _latest_oath(qs: QuerySet[Employee]) -> QuerySet[Employee]:
    """Add ``oath_taken_on``, ``oath_form`` and ``oath_registration_id`` of the latest counting oath (or None)."""
    latest = _counting_oaths().order_by("-taken_on", "-pk")
    return qs.annotate(
        oath_taken_on=Subquery(latest.values("taken_on")[:1]),
        oath_form=Subquery(latest.values("form")[:1]),
        oath_registration_id=Subquery(latest.values("pk")[:1]),
    )


def annotate_obligations(qs: QuerySet[Employee], *, today: date) -> QuerySet[Employee]:
    """Add ``oath_status``, ``oath_taken_on`` and ``oath_form`` (the latest counting oath) to each employee."""
    return _latest_oath(qs.annotate(oath_done=Exists(_counting_oaths()))).annotate(
        oath_status=_status_case(Q(oath_done=True), today=today)
    )


def _done_over_many():
    """Whether the employee has a counting oath, written for a scan over thousands of people (issue 12).

    PostgreSQL gets ``id IN (taken oaths)``: one hashed lookup, and estimated as such. A correlated EXISTS is
    estimated per row, which over 20,000 people pushes the plan past ``jit_above_cost`` so that every request spent
    10-50 ms compiling it. SQLite answers the correlated EXISTS fastest, from the (employee, status) index; and when
    only oaths from the current employment count, the subquery needs the row's start date anyway.
    """
    if connection.vendor == "postgresql" and conf.earlier_oath_counts():
        return Q(pk__in=Registration.objects.filter(status=Registration.Status.TAKEN).values("employee_id"))
    return Exists(_counting_oaths())


def annotate_status(qs: QuerySet[Employee], *, today: date) -> QuerySet[Employee]:
    """Add only ``oath_status``: enough to count, filter and order everyone in one cheap scan."""
    return qs.annotate(oath_status=_status_case(_done_over_many(), today=today))


@dataclass(frozen=True)
class Obligation:
    employee: Employee
    start_date: date
    due_date: date
    status: str
    taken_on: date | None = None
    form: str = ""
    registration_id: int | None = None

    @property
    def is_done(self) -> bool:
        return self.status == STATUS_DONE

    @property
    def is_overdue(self) -> bool:
        return self.status == STATUS_OVERDUE

    def get_form_display(self) -> str:
        return str(Form(self.form).label) if self.form else ""


def to_obligation(employee: Employee) -> Obligation:
    """An annotated employee (see ``annotate_obligations``) as an ``Obligation``; no query."""
    return Obligation(
        employee=employee,
        start_date=employee.start_date,
        due_date=due_date(employee.start_date, conf.term_months()),
        status=employee.oath_status,
        taken_on=employee.oath_taken_on,
        form=employee.oath_form or "",
        registration_id=employee.oath_registration_id,
    )


def obligation_for(employee: Employee | None, *, today: date) -> Obligation | None:
    """The obligation of one employee, or None when they have none (no start date, external, left)."""
    if employee is None:
        return None
    annotated = (
        annotate_obligations(obligation_population(employee.organisation, on=today), today=today)
        .filter(pk=employee.pk)
        .select_related("unit", "manager", "organisation")
        .first()
    )
    return to_obligation(annotated) if annotated else None


def obligations_visible_to(user: User, organisation: Organisation, *, today: date) -> QuerySet[Employee]:
    """Need-to-know: HR and the IC see everyone; a manager sees their own units; nobody else sees anyone."""
    qs = annotate_obligations(obligation_population(organisation, on=today), today=today).select_related(
        "unit", "position"
    )
    return need_to_know(user, qs)


def obligation_scope(user: User, organisation: Organisation, *, today: date) -> QuerySet[Employee]:
    """``obligations_visible_to`` for the overview: the same people, with only the status annotated and no joins.

    Counting, filtering and paging go over everyone (some 20,000 people); the latest oath, the unit and the position
    are fetched for one page only, by ``obligation_rows`` (issue 12).
    """
    qs = annotate_status(obligation_population(organisation, on=today), today=today)
    return need_to_know(user, qs)


def obligation_rows(page_ids: QuerySet, *, today: date) -> list[Obligation]:
    """The obligations of one page, in the overview's order, in one query.

    ``page_ids`` is a sliced ``values("pk")`` of ``obligation_scope`` (a page of at most a few dozen people), used as
    a subquery. Done means a counting oath exists, which is exactly when the latest counting oath is not None.
    """
    cutoff = overdue_start_cutoff(today, conf.term_months())
    employees = (
        _latest_oath(Employee.objects.filter(pk__in=page_ids))
        .select_related("unit", "position")
        .order_by(*OVERVIEW_ORDER)
    )
    term = conf.term_months()
    return [
        Obligation(
            employee=e,
            start_date=e.start_date,
            due_date=due_date(e.start_date, term),
            status=STATUS_DONE
            if e.oath_registration_id is not None
            else (STATUS_OVERDUE if e.start_date < cutoff else STATUS_DUE),
            taken_on=e.oath_taken_on,
            form=e.oath_form or "",
            registration_id=e.oath_registration_id,
        )
        for e in employees
    ]


def filter_obligations(
    qs: QuerySet[Employee],
    *,
    status: str = "",
    unit=None,
    started_from: date | None = None,
    started_to: date | None = None,
    search: str = "",
) -> QuerySet[Employee]:
    if status in STATUSES:
        qs = qs.filter(oath_status=status)
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    if started_from:
        qs = qs.filter(start_date__gte=started_from)
    if started_to:
        qs = qs.filter(start_date__lte=started_to)
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(personnel_number__iexact=search)
        )
    return qs


def status_counts(qs: QuerySet[Employee]) -> dict[str, int]:
    """Due, overdue and done in one query."""
    rows = qs.order_by().values("oath_status").annotate(n=Count("pk"))
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row["oath_status"]] = row["n"]
    return counts


def overview_status_counts(qs: QuerySet[Employee]) -> dict[str, int]:
    """``status_counts`` for the overview, which asks them on every view: checking some 20,000 people for a taken
    oath is the page's largest cost, so the counts of the same selection (the same SQL: scope, filters, today) are
    kept until the next change made through the web or the API, for a minute at most (``pagecache.memoised``)."""
    grouped = qs.order_by().values("oath_status").annotate(n=Count("pk"))
    return pagecache.memoised("oaths.status_counts", grouped.query.sql_with_params(), lambda: status_counts(qs))


def open_obligations(organisation: Organisation, *, today: date) -> QuerySet[Employee]:
    """Everyone whose obligation is not done yet (due or overdue), with their manager, for reminders."""
    return (
        annotate_obligations(obligation_population(organisation, on=today), today=today)
        .filter(oath_done=False)
        .select_related("manager", "organisation")
        .order_by("start_date", "pk")
    )


def overdue_count(organisation: Organisation, *, at: date) -> int:
    """How many people were overdue on ``at``: obliged then, due date before ``at``, no counting oath taken by ``at``."""
    cutoff = overdue_start_cutoff(at, conf.term_months())
    return (
        obligation_population(organisation, on=at)
        .filter(start_date__lt=cutoff)
        .exclude(Exists(_counting_oaths(on=at)))
        .count()
    )


# --- texts ----------------------------------------------------------------------------------------------------------


def text_in_effect(organisation: Organisation, form: str, *, on: date) -> OathText | None:
    return (
        OathText.objects.filter(organisation=organisation, form=form, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def oath_texts(organisation: Organisation) -> list[OathText]:
    return list(OathText.objects.filter(organisation=organisation).order_by("form", "-effective_from"))


# --- ceremonies -----------------------------------------------------------------------------------------------------

_ACTIVE = [Registration.Status.REGISTERED, Registration.Status.TAKEN]


def ceremonies(organisation: Organisation) -> QuerySet[Ceremony]:
    """Every ceremony with its counts, newest first; the counts are subqueries, so a page is one query."""
    return (
        Ceremony.objects.filter(organisation=organisation)
        .annotate(
            active_count=Count("registrations", filter=Q(registrations__status__in=_ACTIVE), distinct=True),
            taken_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.TAKEN), distinct=True
            ),
        )
        .order_by("-date", "-start_time", "-pk")
    )


def ceremony_with_counts(organisation: Organisation, pk: int) -> Ceremony | None:
    return ceremonies(organisation).select_related("chair").filter(pk=pk).first()


def name_key(employee: Employee) -> tuple[str, str, int]:
    """Sort key by last name as people read a list: "Çelik" between "Bakker" and "De Vries"."""

    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()

    return plain(employee.last_name), plain(employee.first_name), employee.pk


def ceremony_registrations(ceremony: Ceremony) -> list[Registration]:
    """The registrations of a ceremony for the check-in list and the official record, by name."""
    registrations = (
        Registration.objects.filter(ceremony=ceremony)
        .exclude(status=Registration.Status.WITHDRAWN)
        .select_related("employee", "employee__unit", "text")
    )
    return sorted(registrations, key=lambda r: name_key(r.employee))


def ceremony_dilemmas(ceremony: Ceremony) -> list[CeremonyDilemma]:
    return list(ceremony.dilemmas.order_by("pk"))


def open_ceremonies(organisation: Organisation, *, today: date) -> list[Ceremony]:
    """Ceremonies from today on that still have room."""
    return [
        c
        for c in ceremonies(organisation).filter(date__gte=today).order_by("date", "start_time", "pk")
        if c.active_count < c.capacity
    ]


def invitations_for(employee: Employee, *, today: date) -> list[Ceremony]:
    return list(
        Ceremony.objects.filter(invitations__employee=employee, date__gte=today).order_by("date", "start_time", "pk")
    )


def registrations_of(employee: Employee) -> list[Registration]:
    """An employee's own registrations, newest first."""
    return list(
        Registration.objects.filter(employee=employee)
        .select_related("ceremony", "text")
        .order_by("-taken_on", "-registered_at", "-pk")
    )


def open_registration(employee: Employee) -> Registration | None:
    return (
        Registration.objects.filter(employee=employee, status=Registration.Status.REGISTERED)
        .select_related("ceremony")
        .first()
    )


def registration_for_confirmation(pk: int) -> Registration | None:
    return (
        Registration.objects.filter(pk=pk, status=Registration.Status.TAKEN)
        .select_related("employee", "employee__unit", "ceremony", "text", "organisation")
        .first()
    )


def registration_for_check_in(ceremony: Ceremony, pk: int) -> Registration | None:
    return Registration.objects.filter(ceremony=ceremony, pk=pk).select_related("employee").first()


def ceremonies_by_import_label(organisation: Organisation, keys: set[tuple[str, date]]) -> dict:
    """Ceremonies made by earlier imports, by (label, date)."""
    if not keys:
        return {}
    labels = {label for label, _day in keys}
    found = Ceremony.objects.filter(organisation=organisation, import_label__in=labels)
    return {(c.import_label, c.date): c for c in found if (c.import_label, c.date) in keys}


def registrations_at(ceremonies: list[Ceremony]) -> dict[tuple[int, int], str]:
    """(ceremony id, employee id) → status, for every registration at these ceremonies."""
    if not ceremonies:
        return {}
    rows = Registration.objects.filter(ceremony__in=ceremonies).values_list("ceremony_id", "employee_id", "status")
    return {(c, e): status for c, e, status in rows}


def employee_by_number(organisation: Organisation, personnel_number: str) -> Employee | None:
    return (
        Employee.objects.filter(organisation=organisation, personnel_number=personnel_number.strip())
        .select_related("organisation", "unit", "manager")
        .first()
    )


def own_employee(user: User) -> Employee | None:
    return employee_for(user)


# --- figures --------------------------------------------------------------------------------------------------------


def annual_figures(organisation: Organisation, year: int, *, overdue_at: date | None = None) -> dict:
    """Figures for the annual report. A record counts in year Y when its defining date falls in Y.

    - ``ceremonies_held``: ceremonies dated in Y with at least one oath or affirmation taken there.
    - ``sworn``: oaths and affirmations taken in Y (at a ceremony, individually or imported), split into ``oath`` and
      ``affirmation``.
    - ``overdue``: people overdue on ``overdue_at`` (default 31 December of Y, or today while Y is not over yet),
      see ``overdue_count``.
    - ``median_days_to_oath``: median days from the start of the employment to the oath, over the oaths taken in Y
      whose start of employment is known and not after the oath; ``None`` when there are none.
    """
    taken = Registration.objects.filter(
        organisation=organisation, status=Registration.Status.TAKEN, taken_on__year=year
    )
    split = taken.aggregate(
        sworn=Count("pk"),
        oath=Count("pk", filter=Q(form=Form.OATH)),
        affirmation=Count("pk", filter=Q(form=Form.AFFIRMATION)),
    )
    held = (
        Ceremony.objects.filter(organisation=organisation, date__year=year)
        .filter(Exists(Registration.objects.filter(ceremony=OuterRef("pk"), status=Registration.Status.TAKEN)))
        .count()
    )
    spans = [
        (taken_on - start).days
        for taken_on, start in taken.filter(period_start__isnull=False, period_start__lte=F("taken_on")).values_list(
            "taken_on", "period_start"
        )
    ]
    at = overdue_at or min(date(year, 12, 31), timezone.localdate())
    return {
        "year": year,
        "ceremonies_held": held,
        "sworn": split["sworn"],
        "oath": split["oath"],
        "affirmation": split["affirmation"],
        "overdue": overdue_count(organisation, at=at),
        "overdue_at": at,
        "median_days_to_oath": statistics.median(spans) if spans else None,
    }


def figure_years(organisation: Organisation) -> list[int]:
    """Years with a taken oath or a ceremony, newest first."""
    years = set(
        Registration.objects.filter(organisation=organisation, status=Registration.Status.TAKEN)
        .annotate(y=ExtractYear("taken_on"))
        .values_list("y", flat=True)
        .distinct()
    )
    years |= set(
        Ceremony.objects.filter(organisation=organisation)
        .annotate(y=ExtractYear("date"))
        .values_list("y", flat=True)
        .distinct()
    )
    return sorted((y for y in years if y), reverse=True)
