"""``./plein import_outside_activities FILE``: outside activities from a CSV or XLSX file.

Columns (Dutch names; English aliases in brackets):

``personeelsnummer`` (personnel_number), ``meldingsdatum`` (declaration_date), ``organisatie`` (organisation),
``omschrijving`` (description), ``bezoldigd`` (paid: ja/nee), ``uren_per_maand`` (hours_per_month: 0-744),
``begindatum`` (start_date), ``einddatum`` (end_date, may be empty), ``besluit`` (decision: toegestaan,
toegestaan_onder_voorwaarden, geweigerd or in_behandeling) and ``besluitdatum`` (decision_date: empty exactly when the
decision is in_behandeling).

An upsert by personnel number, organisation, description and start date; all-or-nothing: one bad row imports
nothing, and every problem is listed with its line number.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.importing import (
    Column,
    ImportPlan,
    ImportResult,
    Row,
    TabularImporter,
    as_bool,
    as_choice,
    as_date,
    as_int,
    as_text,
    shown,
)
from plein.core.models import Employee, User
from plein.core.services.audit import record_event
from plein.declarations.models import MAX_HOURS_PER_MONTH, ActivityEvent, Decision, OutsideActivity
from plein.declarations.services import _snapshot

FIELDS = (
    "declared_on",
    "external_organisation",
    "role",
    "paid",
    "hours_per_month",
    "start_date",
    "end_date",
    "decision",
    "decided_on",
)


class OutsideActivityImporter(TabularImporter):
    columns = (
        Column("personnel_number", "personeelsnummer", aliases=("personnel_number",), parser=as_text(30)),
        Column("declared_on", "meldingsdatum", aliases=("declaration_date",), parser=as_date()),
        Column("external_organisation", "organisatie", aliases=("organisation",), parser=as_text(200)),
        Column("role", "omschrijving", aliases=("description",), parser=as_text(300)),
        Column("paid", "bezoldigd", aliases=("paid",), parser=as_bool()),
        Column(
            "hours_per_month",
            "uren_per_maand",
            aliases=("hours_per_month",),
            parser=as_int(0, MAX_HOURS_PER_MONTH),
        ),
        Column("start_date", "begindatum", aliases=("start_date",), parser=as_date()),
        Column("end_date", "einddatum", aliases=("end_date",), parser=as_date(), blank=True),
        Column("decision", "besluit", aliases=("decision",), parser=as_choice(Decision)),
        Column("decided_on", "besluitdatum", aliases=("decision_date",), parser=as_date(), blank=True),
    )

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        employees = {
            e.personnel_number: e
            for e in Employee.objects.filter(organisation=self.organisation).only("pk", "personnel_number")
        }
        existing = {
            (a.employee_id, a.external_organisation.casefold(), a.role.casefold(), a.start_date): a
            for a in OutsideActivity.objects.filter(organisation=self.organisation, employee__isnull=False)
        }
        today = timezone.localdate()
        seen: dict[tuple, int] = {}
        creates, updates = [], []
        unchanged = 0
        for row in rows:
            employee = None
            number = row.get("personnel_number")
            if number:
                employee = employees.get(number)
                if employee is None:
                    row.valid = False
                    self.error(
                        row.line,
                        "personnel_number",
                        _("There is no employee with personnel number “%(number)s”. Import the people first.")
                        % {"number": shown(number)},
                    )
            self._check_dates(row, today)
            if not row.valid:
                continue
            key = (
                employee.pk,
                row.get("external_organisation").casefold(),
                row.get("role").casefold(),
                row.get("start_date"),
            )
            if key in seen:
                self.error(
                    row.line,
                    "",
                    _("This activity (same person, organisation, description and start date) is on line %(line)d too.")
                    % {"line": seen[key]},
                )
                continue
            seen[key] = row.line
            values = {name: row.get(name) for name in FIELDS}
            current = existing.get(key)
            if current is None:
                creates.append((employee, values))
            elif all(getattr(current, name) == value for name, value in values.items()):
                unchanged += 1
            else:
                updates.append((current, values))
        if self.result.errors:
            return None
        return ImportPlan(created=len(creates), updated=len(updates), unchanged=unchanged, data=(creates, updates))

    def _check_dates(self, row: Row, today) -> None:
        start, end = row.get("start_date"), row.get("end_date")
        declared, decided, decision = row.get("declared_on"), row.get("decided_on"), row.get("decision")
        if start and end and end < start:
            row.valid = False
            self.error(row.line, "end_date", _("The end date cannot be before the start date."))
        if declared and declared > today:
            row.valid = False
            self.error(row.line, "declared_on", _("The declaration date cannot be in the future."))
        if decision and decision != Decision.PENDING and decided is None and "decided_on" in row:
            row.valid = False
            self.error(row.line, "decided_on", _("A decision needs a decision date."))
        if decision == Decision.PENDING and decided is not None:
            row.valid = False
            self.error(row.line, "decided_on", _("A declaration that is in_behandeling has no decision date yet."))
        if decided and declared and decided < declared:
            row.valid = False
            self.error(row.line, "decided_on", _("The decision date cannot be before the declaration date."))
        if decided and decided > today:
            row.valid = False
            self.error(row.line, "decided_on", _("The decision date cannot be in the future."))

    def apply(self, plan: ImportPlan) -> None:
        creates, updates = plan.data
        now = timezone.now()
        name = str(self.actor) if self.actor else ""
        total = len(creates) + len(updates)
        done = 0
        with transaction.atomic():
            for employee, values in creates:
                item = OutsideActivity.objects.create(
                    organisation=self.organisation,
                    employee=employee,
                    source=OutsideActivity.Source.IMPORT,
                    status=self._status(values["decision"]),
                    last_confirmed_on=values["declared_on"],
                    **values,
                )
                self._event(item, values, now, name)
                done += 1
                if done % 500 == 0:
                    self.report_progress("write", done, total)
            for item, values in updates:
                for field, value in values.items():
                    setattr(item, field, value)
                item.status = self._status(values["decision"])
                item.version += 1
                item.save()
                self._event(item, values, now, name)
                done += 1

    @staticmethod
    def _status(decision: str) -> str:
        return (
            OutsideActivity.Status.AWAITING_DECISION if decision == Decision.PENDING else OutsideActivity.Status.DECIDED
        )

    def _event(self, item: OutsideActivity, values: dict, now, name: str) -> None:
        ActivityEvent.objects.create(
            activity=item,
            kind=ActivityEvent.Kind.IMPORTED,
            occurred_at=now,
            actor=self.actor,
            actor_name=name,
            decision=values["decision"],
            snapshot=_snapshot(item),
        )

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        record_event(
            actor=self.actor,
            action="declarations.activities_imported",
            organisation=self.organisation,
            data={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
