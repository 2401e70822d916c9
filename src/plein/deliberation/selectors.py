"""Reads of moral deliberation. Query-count aware: lists are annotated in the database, never a query per row.

``dilemma_of_the_month(organisation)`` is the portal's way in (see ``plein.portal.selectors``);
``annual_figures(organisation, year)`` is the annual report's.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.core.models import Employee, Organisation, User
from plein.core.selectors import employee_for, user_roles
from plein.deliberation.models import (
    Action,
    Capture,
    Choice,
    DeliberationRequest,
    Facilitator,
    Fact,
    LibraryEntry,
    Method,
    MethodStep,
    MethodVersion,
    MonthlyDilemma,
    MonthlyOption,
    MonthlyVoter,
    Option,
    Participant,
    Score,
    Session,
    Stakeholder,
    Theme,
    ValueNorm,
)

# --- methods --------------------------------------------------------------------------------------------------------


def _visible_versions(organisation: Organisation) -> QuerySet[MethodVersion]:
    """Versions an organisation may see: the built-in ones and its own, of built-in methods and its own methods."""
    return MethodVersion.objects.filter(
        Q(method__organisation__isnull=True) | Q(method__organisation=organisation),
        Q(organisation__isnull=True) | Q(organisation=organisation),
    )


def current_versions(organisation: Organisation) -> list[MethodVersion]:
    """The version in use of every method the organisation sees (the highest visible number), with ``step_count``."""
    versions = (
        _visible_versions(organisation)
        .select_related("method")
        .annotate(step_count=Count("steps"))
        .order_by("method_id", "-number")
    )
    current: dict[int, MethodVersion] = {}
    for version in versions:
        current.setdefault(version.method_id, version)
    return sorted(current.values(), key=lambda v: (v.method.organisation_id is not None, v.method_id))


def current_version(method: Method, organisation: Organisation) -> MethodVersion | None:
    return _visible_versions(organisation).filter(method=method).order_by("-number").first()


def method_version(pk: int, organisation: Organisation) -> MethodVersion | None:
    return (
        _visible_versions(organisation)
        .select_related("method", "created_by")
        .prefetch_related(Prefetch("steps", queryset=MethodStep.objects.order_by("number")))
        .filter(pk=pk)
        .first()
    )


def version_history(method: Method, organisation: Organisation) -> list[MethodVersion]:
    return list(
        _visible_versions(organisation)
        .filter(method=method)
        .select_related("created_by")
        .annotate(session_count=Count("sessions", filter=Q(sessions__organisation=organisation)))
        .order_by("-number")
    )


def session_method_choices(organisation: Organisation) -> list[MethodVersion]:
    return current_versions(organisation)


# --- facilitators ---------------------------------------------------------------------------------------------------


def facilitator_register(organisation: Organisation) -> QuerySet[Facilitator]:
    """Every facilitator with ``sessions_led`` (sessions held) and ``last_held`` (the date of the last one)."""
    held = Q(sessions__status=Session.Status.HELD)
    return (
        Facilitator.objects.filter(organisation=organisation)
        .select_related("employee", "employee__unit")
        .annotate(sessions_led=Count("sessions", filter=held), last_held=Max("sessions__held_on", filter=held))
        .order_by("employee__last_name", "employee__first_name", "pk")
    )


def plannable_facilitators(organisation: Organisation, *, today: date) -> QuerySet[Facilitator]:
    """Facilitators who can be assigned: registered, not stopped, and available for new sessions."""
    return (
        Facilitator.objects.filter(organisation=organisation, available=True, training_started_on__lte=today)
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gt=today))
        .select_related("employee")
        .order_by("employee__last_name", "employee__first_name", "pk")
    )


def facilitator_of(user: User, organisation: Organisation) -> Facilitator | None:
    employee = employee_for(user)
    if employee is None:
        return None
    return Facilitator.objects.filter(organisation=organisation, employee=employee).select_related("employee").first()


# --- requests -------------------------------------------------------------------------------------------------------


def requests_for_coordinator(organisation: Organisation, *, status: str = "") -> QuerySet[DeliberationRequest]:
    qs = DeliberationRequest.objects.filter(organisation=organisation).select_related("requester", "team", "session")
    if status:
        qs = qs.filter(status=status)
    urgency_rank = Case(
        When(urgency=DeliberationRequest.Urgency.HIGH, then=Value(0)),
        When(urgency=DeliberationRequest.Urgency.NORMAL, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    open_first = Case(
        When(status=DeliberationRequest.Status.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(open_first=open_first, urgency_rank=urgency_rank).order_by(
        "open_first", "urgency_rank", "-created_at", "-pk"
    )


def own_requests(user: User, organisation: Organisation) -> list[DeliberationRequest]:
    return list(
        DeliberationRequest.objects.filter(organisation=organisation, requested_by=user)
        .select_related("team", "session")
        .order_by("-created_at", "-pk")
    )


def request_in(organisation: Organisation, pk: int) -> DeliberationRequest | None:
    return (
        DeliberationRequest.objects.filter(organisation=organisation, pk=pk)
        .select_related("requester", "requester__unit", "team", "requested_by", "decided_by")
        .first()
    )


def session_of_request(deliberation_request: DeliberationRequest) -> Session | None:
    return (
        Session.objects.filter(request=deliberation_request)
        .select_related("method_version")
        .prefetch_related(_facilitators_prefetch())
        .first()
    )


# --- sessions -------------------------------------------------------------------------------------------------------


def _facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "facilitators",
        queryset=Facilitator.objects.select_related("employee").order_by("employee__last_name", "pk"),
        to_attr="facilitator_list",
    )


def _session_list(qs: QuerySet[Session]) -> QuerySet[Session]:
    return (
        qs.select_related("method_version", "team")
        .prefetch_related(_facilitators_prefetch())
        .annotate(
            invited_count=Count("participants", distinct=True),
            joined_count=Count("participants", filter=Q(participants__joined_at__isnull=False), distinct=True),
        )
        .order_by("-scheduled_at", "-pk")
    )


def sessions_overview(user: User, organisation: Organisation, *, status: str = "") -> QuerySet[Session]:
    """Planning data, no content: the coordinator sees every session, a facilitator the sessions they lead."""
    qs = Session.objects.filter(organisation=organisation)
    if status:
        qs = qs.filter(status=status)
    roles = user_roles(user)
    if R.INTEGRITY_COORDINATOR in roles:
        return _session_list(qs)
    employee = employee_for(user)
    if R.FACILITATOR in roles and employee is not None:
        return _session_list(qs.filter(facilitators__employee=employee).distinct())
    return qs.none()


def sessions_taking_part(user: User, organisation: Organisation) -> list[Session]:
    """Sessions the user is a participant of (invited or joined), newest first."""
    employee = employee_for(user)
    if employee is None:
        return []
    return list(
        _session_list(Session.objects.filter(organisation=organisation, participants__employee=employee)).exclude(
            status=Session.Status.CANCELLED
        )
    )


def sessions_leading(user: User, organisation: Organisation) -> list[Session]:
    employee = employee_for(user)
    if employee is None or R.FACILITATOR not in user_roles(user):
        return []
    return list(
        _session_list(
            Session.objects.filter(organisation=organisation, facilitators__employee=employee).distinct()
        ).filter(status__in=[Session.Status.PLANNED, Session.Status.RUNNING])
    )


def session_in(organisation: Organisation, pk: int) -> Session | None:
    return (
        Session.objects.filter(organisation=organisation, pk=pk)
        .select_related("method_version", "method_version__method", "team", "request", "organisation")
        .prefetch_related(_facilitators_prefetch())
        .first()
    )


def session_by_code(code: str) -> Session | None:
    return Session.objects.filter(join_code=code).exclude(join_code="").select_related("organisation").first()


def participant_of(session: Session, user: User) -> Participant | None:
    employee = employee_for(user)
    if employee is None:
        return None
    return Participant.objects.filter(session=session, employee=employee).select_related("employee").first()


def participants(session: Session) -> list[Participant]:
    return list(session.participants.select_related("employee", "employee__unit").order_by("employee__last_name", "pk"))


def steps(session: Session) -> list[MethodStep]:
    return list(MethodStep.objects.filter(version_id=session.method_version_id).order_by("number"))


def current_step(session: Session, step_list: list[MethodStep] | None = None) -> MethodStep | None:
    step_list = steps(session) if step_list is None else step_list
    return next((s for s in step_list if s.number == session.current_step), step_list[0] if step_list else None)


_SIDE_ORDER = Case(
    When(side=Option.Side.A, then=Value(0)),
    When(side=Option.Side.B, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def ordered_options(session: Session) -> QuerySet[Option]:
    return Option.objects.filter(session=session).annotate(side_rank=_SIDE_ORDER).order_by("side_rank", "pk")


@dataclass
class MatrixCell:
    criterion_key: str
    score: int | None


@dataclass
class MatrixRow:
    option: Option
    cells: list[MatrixCell]
    total: int
    # Bar geometry for the chart, in the SVG's own units.
    bar_x: float = 0
    bar_width: float = 0
    label_x: float = 0
    y: float = 0


@dataclass
class Criterion:
    key: str  # "s12" (stakeholder 12) or "v7" (value 7)
    kind: str  # "stakeholder" or "value"
    label: str
    weight: int
    obj: object


@dataclass
class Matrix:
    criteria: list[Criterion]
    rows: list[MatrixRow]
    max_total: int
    width: int = 640
    label_width: int = 0
    chart_height: int = 0
    zero_x: float = 0

    @property
    def is_empty(self) -> bool:
        return not self.criteria or not self.rows

    @property
    def has_scores(self) -> bool:
        return any(cell.score is not None for row in self.rows for cell in row.cells)

    @property
    def best(self) -> list[MatrixRow]:
        if not self.rows or not self.has_scores:
            return []
        top = max(row.total for row in self.rows)
        return [row for row in self.rows if row.total == top]


BAR_HEIGHT = 28
ROW_GAP = 14
CHART_PADDING = 10
CHART_LABEL_WIDTH = 250


def build_matrix(options: list[Option], stakeholders: list[Stakeholder], values: list[ValueNorm], scores: list[Score]):
    criteria = [Criterion(f"s{s.pk}", "stakeholder", s.name, s.weight, s) for s in stakeholders]
    criteria += [Criterion(f"v{v.pk}", "value", v.text, v.weight, v) for v in values]
    by_cell = {}
    for score in scores:
        key = f"s{score.stakeholder_id}" if score.stakeholder_id else f"v{score.value_id}"
        by_cell[(score.option_id, key)] = score.score
    rows = []
    for option in options:
        cells = [MatrixCell(c.key, by_cell.get((option.pk, c.key))) for c in criteria]
        total = sum((cell.score or 0) * c.weight for cell, c in zip(cells, criteria, strict=True))
        rows.append(MatrixRow(option=option, cells=cells, total=total))
    max_total = max([2 * sum(c.weight for c in criteria), 1])
    matrix = Matrix(criteria=criteria, rows=rows, max_total=max_total)
    # The chart: the option's name on the left; one horizontal bar per option from the zero line, to the right when
    # positive and to the left when negative. The total is written on the other side of the zero line.
    matrix.label_width = CHART_LABEL_WIDTH
    half = (matrix.width - CHART_LABEL_WIDTH - 2 * CHART_PADDING) / 2
    matrix.zero_x = CHART_LABEL_WIDTH + CHART_PADDING + half
    for i, row in enumerate(rows):
        length = half * abs(row.total) / max_total
        row.bar_width = round(length, 1)
        row.bar_x = round(matrix.zero_x if row.total >= 0 else matrix.zero_x - length, 1)
        row.y = CHART_PADDING + i * (BAR_HEIGHT + ROW_GAP)
        row.label_x = round(matrix.zero_x - 6 if row.total >= 0 else matrix.zero_x + 6, 1)
    matrix.chart_height = CHART_PADDING * 2 + max(len(rows), 1) * (BAR_HEIGHT + ROW_GAP)
    return matrix


@dataclass
class SessionRecord:
    """Everything recorded in a session, loaded in a fixed number of queries."""

    session: Session
    facts: list[Fact]
    stakeholders: list[Stakeholder]
    values: list[ValueNorm]
    options: list[Option]
    choices: list[Choice]
    actions: list[Action]
    matrix: Matrix
    participants: list[Participant] = field(default_factory=list)

    @property
    def dilemma_sides(self) -> list[Option]:
        return [o for o in self.options if o.side]

    @property
    def alternatives(self) -> list[Option]:
        return [o for o in self.options if not o.side]

    @property
    def fact_list(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == Fact.Kind.FACT]

    @property
    def question_list(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == Fact.Kind.QUESTION]

    @property
    def choice_tally(self) -> list[tuple[Option, int]]:
        counts: dict[int, int] = {}
        for choice in self.choices:
            counts[choice.option_id] = counts.get(choice.option_id, 0) + 1
        return [(o, counts[o.pk]) for o in self.options if o.pk in counts]

    def is_captured(self, capture: str) -> bool:
        """Whether anything has been recorded for this part of the record."""
        session = self.session
        return {
            Capture.CASE: bool(session.case_description.strip()),
            Capture.DILEMMA: bool(session.dilemma_question.strip() or self.dilemma_sides),
            Capture.FACTS: bool(self.facts),
            Capture.STAKEHOLDERS: bool(self.stakeholders),
            Capture.VALUES: bool(self.values),
            Capture.OPTIONS: bool(self.alternatives),
            Capture.CHOICES: bool(self.choices),
            Capture.MATRIX: self.matrix.has_scores,
            Capture.CONCLUSIONS: bool(session.conclusions.strip() or self.actions),
            Capture.EVALUATION: bool(session.evaluation.strip()),
        }.get(capture, False)

    @property
    def parts(self) -> list[tuple[str, str, bool]]:
        """(code, label, whether anything was recorded) for every part of the record, in order."""
        return [(code, str(label), self.is_captured(code)) for code, label in Capture.choices]

    def step_is_empty(self, step: MethodStep | None) -> bool:
        """A step that records something and has nothing recorded yet."""
        if step is None or not step.captures:
            return False
        return not any(self.is_captured(code) for code in step.captures)


def session_record(session: Session, *, with_participants: bool = False) -> SessionRecord:
    stakeholders = list(Stakeholder.objects.filter(session=session).select_related("added_by__employee").order_by("pk"))
    values = list(ValueNorm.objects.filter(session=session).select_related("added_by__employee").order_by("kind", "pk"))
    options = list(ordered_options(session).select_related("added_by__employee"))
    scores = list(Score.objects.filter(session=session))
    return SessionRecord(
        session=session,
        facts=list(Fact.objects.filter(session=session).select_related("added_by__employee").order_by("pk")),
        stakeholders=stakeholders,
        values=values,
        options=options,
        choices=list(
            Choice.objects.filter(session=session)
            .select_related("participant__employee", "option")
            .order_by("participant__employee__first_name", "pk")
        ),
        actions=list(Action.objects.filter(session=session).order_by("pk")),
        matrix=build_matrix(options, stakeholders, values, scores),
        participants=participants(session) if with_participants else [],
    )


def sessions_for_purge(organisation: Organisation | None, *, before) -> QuerySet[Session]:
    """Held or cancelled sessions whose content is older than ``before`` and still there."""
    qs = Session.objects.filter(content_deleted_at__isnull=True, closed_at__lt=before).filter(
        status__in=[Session.Status.HELD, Session.Status.CANCELLED]
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("closed_at", "pk")


def requests_for_purge(organisation: Organisation | None, *, before) -> QuerySet[DeliberationRequest]:
    """Declined or withdrawn requests decided before ``before`` whose situation is still there."""
    qs = DeliberationRequest.objects.filter(
        content_deleted_at__isnull=True,
        decided_at__lt=before,
        status__in=[DeliberationRequest.Status.DECLINED, DeliberationRequest.Status.WITHDRAWN],
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("decided_at", "pk")


# --- the case library -----------------------------------------------------------------------------------------------


USE_CEREMONIES = "eedaflegging"
USE_TRAININGS = "training"


def library(organisation: Organisation, *, q: str = "", theme: str = "", use: str = "") -> QuerySet[LibraryEntry]:
    """Published dilemmas, searchable by theme, by use and by words in the text."""
    qs = LibraryEntry.objects.filter(organisation=organisation, status=LibraryEntry.Status.PUBLISHED)
    if theme:
        qs = qs.filter(theme=theme)
    if use == USE_CEREMONIES:
        qs = qs.filter(use_at_ceremonies=True)
    elif use == USE_TRAININGS:
        qs = qs.filter(use_in_trainings=True)
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(question__icontains=word)
            | Q(situation__icontains=word)
            | Q(considerations__icontains=word)
        )
    return qs.order_by("-published_at", "-pk")


def theme_counts(organisation: Organisation) -> dict[str, int]:
    rows = (
        LibraryEntry.objects.filter(organisation=organisation, status=LibraryEntry.Status.PUBLISHED)
        .order_by()
        .values("theme")
        .annotate(n=Count("pk"))
    )
    return {row["theme"]: row["n"] for row in rows}


def review_queue(organisation: Organisation) -> list[LibraryEntry]:
    return list(
        LibraryEntry.objects.filter(organisation=organisation, status=LibraryEntry.Status.PROPOSED)
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )


def open_proposals_of(user: User, organisation: Organisation) -> list[LibraryEntry]:
    return list(
        LibraryEntry.objects.filter(
            organisation=organisation,
            proposed_by=user,
            status__in=[LibraryEntry.Status.PROPOSED, LibraryEntry.Status.RETURNED],
        ).order_by("-proposed_at", "-pk")
    )


def library_entry_in(organisation: Organisation, pk: int) -> LibraryEntry | None:
    return (
        LibraryEntry.objects.filter(organisation=organisation, pk=pk)
        .select_related("proposed_by", "reviewed_by")
        .first()
    )


def ceremony_dilemmas(organisation: Organisation) -> list[LibraryEntry]:
    """Published dilemmas suitable for oath ceremonies (the light variant), for the oath app and the ceremony pages."""
    return list(library(organisation, use=USE_CEREMONIES))


def entry_by_reference(organisation: Organisation, reference: str) -> LibraryEntry | None:
    """A published dilemma by its reference (``MB-007``) or number (``7``)."""
    digits = "".join(ch for ch in (reference or "") if ch.isdigit())
    if not digits:
        return None
    return library(organisation).filter(number=int(digits)).first()


# --- the dilemma of the month ---------------------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def current_monthly(organisation: Organisation, *, today: date | None = None) -> MonthlyDilemma | None:
    """The dilemma of the month: the one chosen for this month, or else the latest chosen before it."""
    month = first_of_month(today or timezone.localdate())
    return (
        MonthlyDilemma.objects.filter(organisation=organisation, month__lte=month, entry__status="gepubliceerd")
        .select_related("entry")
        .prefetch_related(Prefetch("options", queryset=MonthlyOption.objects.order_by("order", "pk")))
        .order_by("-month")
        .first()
    )


def monthly_in(organisation: Organisation, pk: int) -> MonthlyDilemma | None:
    return (
        MonthlyDilemma.objects.filter(organisation=organisation, pk=pk)
        .select_related("entry")
        .prefetch_related(Prefetch("options", queryset=MonthlyOption.objects.order_by("order", "pk")))
        .first()
    )


def monthly_list(organisation: Organisation) -> list[MonthlyDilemma]:
    return list(
        MonthlyDilemma.objects.filter(organisation=organisation)
        .select_related("entry")
        .annotate(vote_count=Count("voters"))
        .order_by("-month")[:24]
    )


def poll_is_open(monthly: MonthlyDilemma) -> bool:
    """Open while it is the current dilemma of the month and its secret has not been wiped."""
    return bool(bytes(monthly.secret or b""))


def voter_marker(monthly: MonthlyDilemma, employee: Employee) -> str | None:
    """HMAC-SHA256 of the employee's id under the poll's own secret; None once the secret has been wiped."""
    key = bytes(monthly.secret or b"")
    if not key:
        return None
    return hmac.new(key, f"{monthly.pk}:{employee.pk}".encode(), hashlib.sha256).hexdigest()


def has_voted(monthly: MonthlyDilemma, employee: Employee | None) -> bool:
    if employee is None:
        return False
    marker = voter_marker(monthly, employee)
    return marker is not None and MonthlyVoter.objects.filter(monthly=monthly, marker=marker).exists()


@dataclass(frozen=True)
class PollResult:
    label: str
    votes: int
    percent: int
    option_id: int


@dataclass(frozen=True)
class DilemmaOfTheMonth:
    """What the portal shows: the dilemma, a link to it, and the poll."""

    title: str
    summary: str
    question: str
    url: str
    month: date
    poll_question: str
    poll_url: str
    poll_open: bool
    total_votes: int
    results: tuple[PollResult, ...]
    reference: str = ""

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def poll(self) -> dict:
        return {
            "question": self.poll_question,
            "url": self.poll_url,
            "open": self.poll_open,
            "total_votes": self.total_votes,
            "results": self.results,
        }

    def __str__(self) -> str:
        return self.title


def poll_results(monthly: MonthlyDilemma) -> tuple[list[PollResult], int]:
    options = list(monthly.options.all())
    total = sum(o.votes for o in options)
    return [PollResult(o.label, o.votes, round(100 * o.votes / total) if total else 0, o.pk) for o in options], total


def _summary(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def dilemma_of_the_month(organisation: Organisation) -> DilemmaOfTheMonth | None:
    """The dilemma of the month for the portal: title, summary, question, link and the anonymous poll; None if the
    coordinator has not chosen one. Three queries, whatever the number of votes."""
    if organisation is None:
        return None
    monthly = current_monthly(organisation)
    if monthly is None:
        return None
    entry = monthly.entry
    results, total = poll_results(monthly)
    url = reverse("deliberation:monthly")
    return DilemmaOfTheMonth(
        title=entry.title,
        summary=_summary(entry.situation),
        question=entry.question,
        url=url,
        month=monthly.month,
        poll_question=monthly.question,
        poll_url=url,
        poll_open=poll_is_open(monthly),
        total_votes=total,
        results=tuple(results),
        reference=entry.reference,
    )


# --- the start page -------------------------------------------------------------------------------------------------


def upcoming_invitations(user: User, organisation: Organisation, *, now=None) -> list[Session]:
    employee = employee_for(user)
    if employee is None:
        return []
    now = now or timezone.now()
    return list(
        Session.objects.filter(
            organisation=organisation,
            participants__employee=employee,
            status__in=[Session.Status.PLANNED, Session.Status.RUNNING],
            scheduled_at__gte=now - timedelta(hours=12),
        ).order_by("scheduled_at")[:3]
    )


# --- figures --------------------------------------------------------------------------------------------------------


def annual_figures(organisation: Organisation, year: int) -> dict:
    """Figures for the annual report. A record counts in year Y when its defining date falls in Y.

    - ``facilitators``: facilitators registered at some moment in Y (in training or certified, not stopped before Y);
      of them ``facilitators_in_training`` were not yet certified at the end of Y (or when they stopped) and
      ``facilitators_certified`` were; ``certified_in_year`` got their certificate in Y.
    - ``requests``: requests made in Y.
    - ``sessions_held``: sessions held in Y; ``participants``: the people who took part in them (one per session);
      ``themes``: the sessions held in Y per theme code (every theme, zero included).
    - ``library_entries``: dilemmas published in Y; ``library_total``: dilemmas in the library at the end of Y.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    registered = Facilitator.objects.filter(organisation=organisation, training_started_on__lte=last).filter(
        Q(stopped_on__isnull=True) | Q(stopped_on__gt=first)
    )
    certified_by_end = Q(certified_on__isnull=False, certified_on__lte=last)
    facilitators = registered.order_by().aggregate(
        total=Count("pk"),
        certified=Count("pk", filter=certified_by_end),
        certified_in_year=Count("pk", filter=Q(certified_on__year=year)),
    )
    held = Session.objects.filter(organisation=organisation, status=Session.Status.HELD, held_on__year=year)
    held_totals = held.order_by().aggregate(sessions=Count("pk"))
    participant_total = sum(held.values_list("participant_count", flat=True))
    themes = dict.fromkeys(Theme.values, 0)
    for row in held.order_by().values("theme").annotate(n=Count("pk")):
        themes[row["theme"]] = row["n"]
    entries = LibraryEntry.objects.filter(organisation=organisation, published_at__isnull=False)
    published_in_year = entries.filter(published_at__year=year).count()
    end_of_year = timezone.make_aware(datetime(year + 1, 1, 1))
    in_library = (
        entries.filter(published_at__lt=end_of_year)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=end_of_year))
        .count()
    )
    return {
        "year": year,
        "facilitators": facilitators["total"],
        "facilitators_in_training": facilitators["total"] - facilitators["certified"],
        "facilitators_certified": facilitators["certified"],
        "certified_in_year": facilitators["certified_in_year"],
        "requests": DeliberationRequest.objects.filter(organisation=organisation, created_at__year=year).count(),
        "sessions_held": held_totals["sessions"],
        "participants": participant_total,
        "themes": themes,
        "library_entries": published_in_year,
        "library_total": in_library,
    }


def figure_years(organisation: Organisation) -> list[int]:
    years = set(
        Facilitator.objects.filter(organisation=organisation)
        .annotate(y=ExtractYear("training_started_on"))
        .values_list("y", flat=True)
    )
    years |= set(
        Session.objects.filter(organisation=organisation, held_on__isnull=False)
        .annotate(y=ExtractYear("held_on"))
        .values_list("y", flat=True)
    )
    years.add(timezone.localdate().year)
    return sorted((y for y in years if y), reverse=True)
