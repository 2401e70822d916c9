"""``./plein import_events FILE`` and ``./plein import_attendance FILE``: historical activities and who took part.

Events (Dutch column names; English aliases in brackets):

* ``code`` (event_code): the event's own code, unique in the organisation, such as ``MOO-2024-03``. A code that exists
  already updates that event;
* ``titel`` (title);
* ``soort`` (kind): ``training``, ``workshop``, ``lezing``, ``voorstelling``, ``bijeenkomst`` or ``e-learning``
  (also lecture, show, meeting, elearning);
* ``datum`` (date): the day of the event (for e-learning: the day the module became available);
* ``organisator`` (organiser): may be empty;
* ``locatie`` (location), optional;
* ``cursus`` (course), optional: the code of a course, for example ``morele-oordeelsvorming``. Without it, an event
  whose title is exactly the title of a course belongs to that course, so that imported sessions of a mandatory
  training count for it.

Attendance: ``code`` (the event's), ``personeelsnummer`` (personnel_number), and optionally ``datum`` (date): the day
they took part, by default the day of the event. Attendance is recorded only for events that have taken place.

All or nothing: one bad row imports nothing, and every problem is listed with its line number. Importing the same
file again changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from plein.core.importing import (
    CellError,
    Column,
    ImportPlan,
    Row,
    TabularImporter,
    as_choice,
    as_date,
    as_text,
    shown,
)
from plein.core.models import Employee, User
from plein.learning import selectors, services
from plein.learning.models import Attendance, Event, Kind

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KIND_ALIASES = {
    "lecture": Kind.LECTURE,
    "show": Kind.SHOW,
    "meeting": Kind.MEETING,
    "elearning": Kind.ELEARNING,
    "e learning": Kind.ELEARNING,
}


def as_code(max_length: int = 50):
    text = as_text(max_length)

    def parse(value: Any) -> str:
        code = text(value)
        if not _CODE.match(code):
            raise CellError(
                _(
                    "“%(value)s” is not a valid code. Use letters, digits, dots, hyphens and underscores, for example MOO-2024-03."
                )
                % {"value": shown(value)}
            )
        return code

    return parse


def _day(value: date) -> str:
    return date_format(value, "j F Y")


class EventImporter(TabularImporter):
    columns = (
        Column("code", "code", aliases=("event_code",), parser=as_code(50)),
        Column("title", "titel", aliases=("title",), parser=as_text(200)),
        Column("kind", "soort", aliases=("kind", "type"), parser=as_choice(Kind, aliases=KIND_ALIASES)),
        Column("date", "datum", aliases=("date",), parser=as_date()),
        Column(
            "organiser", "organisator", aliases=("organiser", "organizer"), parser=as_text(200), blank=True, empty=""
        ),
        Column("location", "locatie", aliases=("location",), parser=as_text(200), required=False, blank=True, empty=""),
        Column("course", "cursus", aliases=("course",), parser=as_text(50), required=False, blank=True, empty=""),
    )

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        existing = {e.code.casefold(): e for e in Event.objects.filter(organisation=self.organisation).exclude(code="")}
        courses = selectors.courses_by_code(self.organisation)
        by_title = {c.title.casefold(): c for c in courses.values()}
        first: dict[str, int] = {}
        creates: list[dict] = []
        updates: list[tuple[Event, dict]] = []
        unchanged = 0
        for row in rows:
            code = row.get("code")
            if code:
                key = code.casefold()
                if key in first:
                    self.error(
                        row.line,
                        "code",
                        _("The code “%(code)s” also appears on line %(line)d. Each event may appear only once.")
                        % {"code": shown(code), "line": first[key]},
                    )
                    continue
                first[key] = row.line
            if not row.valid:
                continue
            course = None
            explicit = bool(row.get("course"))
            if explicit:
                course = courses.get(row.get("course").casefold())
                if course is None:
                    self.error(
                        row.line,
                        "course",
                        _("There is no course with the code “%(code)s”. Check the code, or leave the cell empty.")
                        % {"code": shown(row.get("course"))},
                    )
                    continue
            else:
                course = by_title.get(row.get("title").casefold())
            values = {
                "title": row.get("title"),
                "kind": row.get("kind"),
                "date": row.get("date"),
                "organiser": row.get("organiser") or "",
            }
            if "location" in row:
                values["location"] = row.get("location") or ""
            event = existing.get(code.casefold())
            if event is None:
                values.update(
                    code=code,
                    course=course,
                    registration_required=values["kind"] != Kind.ELEARNING,
                )
                creates.append(values)
                continue
            if explicit or (event.course_id is None and course is not None):
                values["course"] = course
            if event.end_date and values["date"] > event.end_date:
                self.error(
                    row.line,
                    "date",
                    _("This event ends on %(end)s, so its date cannot be after that. Change the end date first.")
                    % {"end": _day(event.end_date)},
                )
                continue
            changed = {name: value for name, value in values.items() if getattr(event, name) != value}
            if changed:
                updates.append((event, changed))
            else:
                unchanged += 1
        if self.result.errors:
            return None
        return ImportPlan(created=len(creates), updated=len(updates), unchanged=unchanged, data=(creates, updates))

    def apply(self, plan: ImportPlan) -> None:
        creates, updates = plan.data
        services.import_events(actor=self.actor, organisation=self.organisation, creates=creates, updates=updates)


@dataclass(frozen=True)
class AttendanceEntry:
    event: Event
    employee: Employee
    day: date


class AttendanceImporter(TabularImporter):
    columns = (
        Column("code", "code", aliases=("event_code",), parser=as_text(50)),
        Column("personnel_number", "personeelsnummer", aliases=("personnel_number",), parser=as_text(30)),
        Column("date", "datum", aliases=("date",), parser=as_date(), required=False, blank=True, empty=None),
    )

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None, today: date | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor
        self.today = today or timezone.localdate()

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        codes = {row.get("code").casefold() for row in rows if row.get("code")}
        events = {
            e.code.casefold(): e
            for e in Event.objects.filter(organisation=self.organisation).exclude(code="")
            if e.code.casefold() in codes
        }
        numbers = {row.get("personnel_number") for row in rows if row.get("personnel_number")}
        employees = {
            e.personnel_number: e
            for e in Employee.objects.filter(organisation=self.organisation, personnel_number__in=numbers)
        }
        recorded = set(
            Attendance.objects.filter(event__in=list(events.values())).values_list("event_id", "employee_id")
        )
        seen: dict[tuple[int, int], int] = {}
        entries: list[AttendanceEntry] = []
        unchanged = 0
        for row in rows:
            if not row.valid:
                continue
            code, number = row.get("code"), row.get("personnel_number")
            event = events.get(code.casefold())
            employee = employees.get(number)
            problem = False
            if event is None:
                self.error(
                    row.line,
                    "code",
                    _("There is no event with the code “%(code)s”. Import the events first, or check the code.")
                    % {"code": shown(code)},
                )
                problem = True
            if employee is None:
                self.error(
                    row.line,
                    "personnel_number",
                    _("There is nobody with personnel number %(number)s. Import the people first, or check the number.")
                    % {"number": shown(number)},
                )
                problem = True
            if problem:
                continue
            if event.date > self.today:
                self.error(
                    row.line,
                    "code",
                    _("The event %(code)s takes place on %(date)s. Attendance can be imported once it has taken place.")
                    % {"code": event.code, "date": _day(event.date)},
                )
                continue
            day = row.get("date") or event.date
            if not self._day_fits(row, event, day):
                continue
            key = (event.pk, employee.pk)
            if key in seen:
                self.error(
                    row.line,
                    "personnel_number",
                    _("Personnel number %(number)s is already listed for %(code)s on line %(line)d.")
                    % {"number": number, "code": event.code, "line": seen[key]},
                )
                continue
            seen[key] = row.line
            if key in recorded:
                unchanged += 1
                continue
            entries.append(AttendanceEntry(event, employee, day))
        if self.result.errors:
            return None
        return ImportPlan(created=len(entries), unchanged=unchanged, data=entries)

    def _day_fits(self, row: Row, event: Event, day: date) -> bool:
        if day > self.today:
            self.error(
                row.line, "date", _("The date is in the future. Only attendance that took place can be imported.")
            )
            return False
        last = self.today if event.is_elearning else event.last_day
        if day < event.date or day > last:
            if event.is_elearning:
                message = _("The module %(code)s is available from %(date)s; the date cannot be before that.") % {
                    "code": event.code,
                    "date": _day(event.date),
                }
            else:
                message = _("The event %(code)s took place on %(date)s. Leave the date empty or use that day.") % {
                    "code": event.code,
                    "date": _day(event.date),
                }
            self.error(row.line, "date", message)
            return False
        return True

    def apply(self, plan: ImportPlan) -> None:
        services.import_attendance(
            actor=self.actor,
            organisation=self.organisation,
            records=[(e.event, e.employee, e.day) for e in plan.data],
        )
