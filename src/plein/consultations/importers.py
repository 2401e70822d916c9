"""``./plein import_consultations FILE``: an existing consultations register from a CSV or XLSX file.

Columns (Dutch names; English aliases in brackets):

``datum`` (date: YYYY-MM-DD or DD-MM-YYYY, not in the future), ``vrager`` (requester: medewerker, leidinggevende or
extern), ``onderwerp`` (topic: a topic code of the organisation, such as nevenfuncties), ``afhandeling`` (action: an
action code, such as luisterend_oor) and, optional, ``behandelaar`` (handler: the personnel number of the integrity
coordinator or confidential adviser; that employee's account becomes the handler) and ``notitie`` (note). A ``naam``
(name) column is read only when the organisation records names; otherwise it is ignored with a warning.

Every row is a new record: the file is a register, not a list of changes. All-or-nothing: one bad row imports nothing,
and every problem is listed with its line number.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.consultations import selectors, services
from plein.consultations.models import (
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    Consultation,
    ConsultationEvent,
    Requester,
)
from plein.core.importing import (
    Column,
    ImportPlan,
    ImportResult,
    Row,
    TabularImporter,
    as_choice,
    as_date,
    as_text,
    shown,
)
from plein.core.models import Employee, User
from plein.core.services.audit import record_event

BASE_COLUMNS = (
    Column("date", "datum", aliases=("date",), parser=as_date()),
    Column(
        "requester",
        "vrager",
        aliases=("requester", "asked_by"),
        parser=as_choice(
            Requester, aliases={"employee": "medewerker", "manager": "leidinggevende", "external": "extern"}
        ),
    ),
    Column("topic", "onderwerp", aliases=("topic",), parser=as_text(40)),
    Column("action", "afhandeling", aliases=("action",), parser=as_text(40)),
    Column("handler", "behandelaar", aliases=("handler",), parser=as_text(30), required=False, blank=True, empty=""),
    Column("note", "notitie", aliases=("note",), parser=as_text(MAX_NOTE_LENGTH), required=False, blank=True, empty=""),
)
NAME_COLUMN = Column(
    "asker_name", "naam", aliases=("name",), parser=as_text(MAX_NAME_LENGTH), required=False, blank=True, empty=""
)


class ConsultationImporter(TabularImporter):
    columns = BASE_COLUMNS

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor
        self.record_names = bool(organisation and selectors.settings_for(organisation).record_names)
        if self.record_names:
            self.columns = (*BASE_COLUMNS, NAME_COLUMN)

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        services.ensure_default_lists(self.organisation)
        topics = {t.code: t for t in selectors.topics(self.organisation)}
        actions = {a.code: a for a in selectors.actions(self.organisation)}
        accounts = {
            e.personnel_number: e
            for e in Employee.objects.filter(organisation=self.organisation).select_related("user")
        }
        today = timezone.localdate()
        creates = []
        for row in rows:
            date = row.get("date")
            if date is not None and date > today:
                row.valid = False
                self.error(row.line, "date", _("The date cannot be in the future."))
            topic = self._lookup(row, "topic", topics)
            action = self._lookup(row, "action", actions)
            handler = None
            number = row.get("handler")
            if number:
                employee = accounts.get(number)
                if employee is None:
                    row.valid = False
                    self.error(
                        row.line,
                        "handler",
                        _("There is no employee with personnel number “%(number)s”. Import the people first.")
                        % {"number": shown(number)},
                    )
                elif employee.user is None:
                    row.valid = False
                    self.error(
                        row.line,
                        "handler",
                        _("The employee with personnel number “%(number)s” has no account, so cannot be the handler.")
                        % {"number": shown(number)},
                    )
                else:
                    handler = employee.user
            if not row.valid:
                continue
            creates.append(
                Consultation(
                    organisation=self.organisation,
                    date=date,
                    requester=row.get("requester"),
                    topic=topic,
                    action=action,
                    handler=handler,
                    note=row.get("note") or "",
                    asker_name=(row.get("asker_name") or "") if self.record_names else "",
                    source=Consultation.Source.IMPORT,
                )
            )
        if self.result.errors:
            return None
        return ImportPlan(created=len(creates), data=creates)

    def _lookup(self, row: Row, key: str, entries: dict):
        code = (row.get(key) or "").strip().lower()
        if not code:
            return None
        found = entries.get(code)
        if found is None:
            row.valid = False
            self.error(
                row.line,
                key,
                _("“%(value)s” is not a code of the list. Use one of: %(choices)s.")
                % {"value": shown(row.get(key)), "choices": ", ".join(entries)},
            )
        return found

    def apply(self, plan: ImportPlan) -> None:
        creates = plan.data
        now = timezone.now()
        name = str(self.actor) if self.actor else ""
        with transaction.atomic():
            done = 0
            for start in range(0, len(creates), 500):
                batch = Consultation.objects.bulk_create(creates[start : start + 500])
                # bulk_create sets primary keys on PostgreSQL and on SQLite 3.35+; fall back to reading them back.
                if any(item.pk is None for item in batch):  # pragma: no cover - old SQLite only
                    raise RuntimeError("bulk_create did not return primary keys")
                ConsultationEvent.objects.bulk_create(
                    ConsultationEvent(
                        consultation=item,
                        kind=ConsultationEvent.Kind.IMPORTED,
                        occurred_at=now,
                        actor=self.actor,
                        actor_name=name,
                    )
                    for item in batch
                )
                done += len(batch)
                self.report_progress("write", done, len(creates))

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        record_event(
            actor=self.actor,
            action="consultations.imported",
            organisation=self.organisation,
            role=selectors.acting_role(self.actor),
            data={"created": result.created},
        )
