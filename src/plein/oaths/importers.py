"""``./plein import_oaths FILE``: historical oath and affirmation registrations from a CSV or XLSX file.

Columns (Dutch names; English aliases in brackets):

* ``personeelsnummer`` (personnel_number): an existing employee of the organisation;
* ``datum`` (date): the day the oath or affirmation was taken, not in the future;
* ``vorm`` (form): ``eed`` or ``belofte`` (also ``oath`` or ``affirmation``);
* ``bijeenkomst`` (ceremony), optional: a label. Rows with the same label and the same date belong to one ceremony;
  it is created when it does not exist yet. Without a label the oath was taken individually.

All or nothing: one bad row imports nothing, and every problem is listed with its line number. Importing the same
file again changes nothing (identical records are counted as unchanged). A record that conflicts with what is
already registered (another form on that day, or another oath in the same employment) is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.importing import (
    PHASE_READ,
    PHASE_WRITE,
    Column,
    ImportPlan,
    ImportResult,
    Row,
    TabularImporter,
    as_choice,
    as_date,
    as_text,
)
from plein.core.models import Employee, User
from plein.oaths import selectors, services
from plein.oaths.models import Ceremony, Form, Registration

LABEL_MAX = Ceremony._meta.get_field("title").max_length


@dataclass(frozen=True)
class ImportEntry:
    line: int
    employee: Employee
    taken_on: date
    form: str
    label: str


class OathImporter(TabularImporter):
    columns = (
        Column("personnel_number", "personeelsnummer", aliases=("personnel_number",), parser=as_text(30)),
        Column("date", "datum", aliases=("date",), parser=as_date()),
        Column(
            "form",
            "vorm",
            aliases=("form",),
            parser=as_choice(Form, aliases={"oath": Form.OATH, "affirmation": Form.AFFIRMATION}),
        ),
        Column(
            "label",
            "bijeenkomst",
            aliases=("ceremony",),
            parser=as_text(LABEL_MAX),
            required=False,
            blank=True,
            empty="",
        ),
    )
    detail_labels = {
        "ceremonies_created": _("Ceremonies created"),
        "registrations_withdrawn": _("Open registrations withdrawn"),
    }

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None, today: date | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor
        self.today = today or timezone.localdate()

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        numbers = {row.get("personnel_number") for row in rows if row.get("personnel_number")}
        employees = {
            e.personnel_number: e
            for e in Employee.objects.filter(organisation=self.organisation, personnel_number__in=numbers)
        }
        existing: dict[int, list[Registration]] = {}
        for registration in Registration.objects.filter(
            employee__in=employees.values(), status=Registration.Status.TAKEN
        ).order_by("taken_on"):
            existing.setdefault(registration.employee_id, []).append(registration)

        entries: list[ImportEntry] = []
        unchanged = 0
        seen_day: dict[tuple[int, date], int] = {}
        seen_period: dict[tuple[int, date], int] = {}
        for row in rows:
            self.report_progress(PHASE_READ, row.line - 1, len(rows))
            if not row.valid:
                continue
            number, taken_on, form = row.get("personnel_number"), row.get("date"), row.get("form")
            employee = employees.get(number)
            if employee is None:
                self.error(
                    row.line,
                    "personnel_number",
                    _("There is nobody with personnel number %(number)s. Import the people first, or check the number.")
                    % {"number": number},
                )
                continue
            if taken_on > self.today:
                self.error(row.line, "date", _("The date is in the future. Only oaths already taken can be imported."))
                continue
            day_key = (employee.pk, taken_on)
            if day_key in seen_day:
                self.error(
                    row.line,
                    "date",
                    _("Personnel number %(number)s already has a row for this date, on line %(line)d.")
                    % {"number": number, "line": seen_day[day_key]},
                )
                continue
            seen_day[day_key] = row.line
            period = employee.start_date if employee.start_date and employee.start_date <= taken_on else None
            if period is not None:
                period_key = (employee.pk, period)
                if period_key in seen_period:
                    self.error(
                        row.line,
                        "date",
                        _(
                            "Personnel number %(number)s already took the oath for this employment on line %(line)d. "
                            "One oath per employment is enough."
                        )
                        % {"number": number, "line": seen_period[period_key]},
                    )
                    continue
                seen_period[period_key] = row.line
            same, conflict = self._compare(existing.get(employee.pk, []), taken_on, form, period)
            if conflict:
                self.error(row.line, "date", conflict)
                continue
            if same:
                unchanged += 1
                continue
            entries.append(ImportEntry(row.line, employee, taken_on, form, row.get("label") or ""))
        labels = {(e.label, e.taken_on) for e in entries if e.label}
        known = selectors.ceremonies_by_import_label(self.organisation, labels)
        listed = selectors.registrations_at(list(known.values()))
        for entry in entries:
            ceremony = known.get((entry.label, entry.taken_on)) if entry.label else None
            status = listed.get((ceremony.pk, entry.employee.pk)) if ceremony else None
            if status is not None:
                self.error(
                    entry.line,
                    "label",
                    _("This person is already on the list of this ceremony (%(status)s). Correct the row or the list.")
                    % {"status": Registration.Status(status).label.lower()},
                )
        if self.result.errors:
            return None
        return ImportPlan(
            created=len(entries),
            unchanged=unchanged,
            details={"ceremonies_created": len(labels - set(known))},
            data=entries,
        )

    def _compare(self, registrations: list[Registration], taken_on: date, form: str, period: date | None):
        """(identical record exists, conflict message)."""
        for registration in registrations:
            if registration.taken_on == taken_on:
                if registration.form == form:
                    return True, ""
                return False, _(
                    "On this date a %(form)s is already registered for this person. Correct the row or the register."
                ) % {"form": registration.get_form_display().lower()}
            if period is not None and registration.period_start == period:
                return False, _(
                    "This person already took the oath for this employment, on %(date)s. One oath per employment "
                    "is enough."
                ) % {"date": registration.taken_on.strftime("%d-%m-%Y")}
        return False, ""

    def apply(self, plan: ImportPlan) -> None:
        withdrawn = services.import_oath_records(
            actor=self.actor,
            organisation=self.organisation,
            records=[(e.employee, e.taken_on, e.form, e.label) for e in plan.data],
            progress=lambda done, total: self.report_progress(PHASE_WRITE, done, total),
        )
        plan.details["registrations_withdrawn"] = withdrawn

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        """The audit event is written by ``services.import_oath_records``."""
        result.details = dict(plan.details)
