"""Import people from the HR system's export (CSV or XLSX): employees, their units, positions and managers.

The format is described in ``docs/import-people.md``. The import is an upsert by personnel number within one
organisation, all-or-nothing, and idempotent: importing the same file twice changes nothing the second time.
A column that is optional and absent from the file leaves that field alone; a column that is present but empty
clears it. People who are not in the file are left alone (give them an ``uit_dienst`` date instead).

Cost: a fixed number of queries, whatever the size of the file (bulk_create / bulk_update in batches).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.importing import (
    PHASE_WRITE,
    CellError,
    Column,
    ImportPlan,
    ImportResult,
    ProgressCallback,
    Row,
    TabularImporter,
    as_choice,
    as_date,
    as_email,
    as_text,
    cell_text,
    shown,
)
from plein.core.models import Employee, EmploymentType, Organisation, OrgUnit, Position

BATCH_SIZE = 1000
UNIT_NAME_MAX = OrgUnit._meta.get_field("name").max_length
UNIT_PATH_MAX = OrgUnit._meta.get_field("path").max_length

EMPLOYMENT_TYPE_ALIASES = {
    "permanent": EmploymentType.PERMANENT,
    "temporary": EmploymentType.TEMPORARY,
    "hired": EmploymentType.HIRED,
    "external": EmploymentType.HIRED,
    "intern": EmploymentType.INTERN,
    "stagiaire": EmploymentType.INTERN,
}


def as_unit_path():
    """``Directie / Ruimte en Water / Team Water`` → ``Directie/Ruimte en Water/Team Water``."""

    def parse(value: Any) -> str:
        parts = [" ".join(part.split()) for part in cell_text(value).strip("/").split("/")]
        if any(not part for part in parts):
            raise CellError(
                _("“%(value)s” has an empty part between two slashes. Write it as Directie/Domein/Team.")
                % {"value": shown(value)}
            )
        for part in parts:
            if len(part) > UNIT_NAME_MAX:
                raise CellError(
                    _("The unit name “%(name)s” is too long: at most %(max)d characters are allowed.")
                    % {"name": shown(part), "max": UNIT_NAME_MAX}
                )
            if any(ord(char) < 32 or ord(char) == 127 for char in part):
                raise CellError(_("The text contains a line break or another invisible control character."))
        path = "/".join(parts)
        if len(path) > UNIT_PATH_MAX:
            raise CellError(
                _("The unit path is too long: at most %(max)d characters are allowed.") % {"max": UNIT_PATH_MAX}
            )
        return path

    return parse


def _max(field_name: str) -> int:
    return Employee._meta.get_field(field_name).max_length


COLUMNS = (
    Column(
        "personnel_number",
        "personeelsnummer",
        aliases=("personnel_number", "employee_number"),
        parser=as_text(_max("personnel_number")),
    ),
    Column("first_name", "voornaam", aliases=("first_name",), parser=as_text(_max("first_name"))),
    Column(
        "infix",
        "tussenvoegsel",
        aliases=("infix", "tussenvoegsels"),
        parser=as_text(_max("infix")),
        required=False,
        blank=True,
        empty="",
    ),
    Column("last_name", "achternaam", aliases=("last_name", "surname"), parser=as_text(_max("last_name"))),
    Column(
        "email", "email", aliases=("e-mail", "e-mailadres", "email_address"), parser=as_email(), blank=True, empty=""
    ),
    Column("unit", "organisatieonderdeel", aliases=("unit", "afdeling"), parser=as_unit_path()),
    Column(
        "position_code",
        "functiecode",
        aliases=("position_code",),
        parser=as_text(Position._meta.get_field("code").max_length),
        required=False,
        blank=True,
        empty="",
    ),
    Column(
        "position_title",
        "functienaam",
        aliases=("position_title", "position"),
        parser=as_text(Position._meta.get_field("title").max_length),
        required=False,
        blank=True,
        empty="",
    ),
    Column(
        "manager",
        "leidinggevende",
        aliases=("manager",),
        parser=as_text(_max("personnel_number")),
        required=False,
        blank=True,
        empty="",
    ),
    Column(
        "employment_type",
        "dienstverband",
        aliases=("employment_type",),
        parser=as_choice(EmploymentType, aliases=EMPLOYMENT_TYPE_ALIASES),
    ),
    Column("start_date", "in_dienst", aliases=("start_date",), parser=as_date()),
    Column("end_date", "uit_dienst", aliases=("end_date",), parser=as_date(), required=False, blank=True),
)

# Employee field → the column that sets it. For unit, position and manager the plan compares natural keys (path,
# code, personnel number), so that a dry run needs no ids and a manager later in the file is no special case.
FIELD_COLUMNS = {
    "first_name": "first_name",
    "infix": "infix",
    "last_name": "last_name",
    "email": "email",
    "unit": "unit",
    "position": "position_code",
    "manager": "manager",
    "employment_type": "employment_type",
    "start_date": "start_date",
    "end_date": "end_date",
}
DEFAULTS = {"infix": "", "email": "", "unit": None, "position": None, "manager": None, "end_date": None}


def unit_kind(depth: int) -> str:
    if depth == 0:
        return OrgUnit.Kind.DIRECTORATE
    if depth == 1:
        return OrgUnit.Kind.DOMAIN
    return OrgUnit.Kind.TEAM


@dataclass
class PeoplePlan:
    fields: list[str]  # the employee fields the file sets
    new_units: list[str] = field(default_factory=list)  # paths, parents first
    new_positions: dict[str, str] = field(default_factory=dict)  # code → title
    renamed_positions: dict[str, str] = field(default_factory=dict)  # code → new title
    creates: list[tuple[str, dict]] = field(default_factory=list)  # (personnel number, values)
    updates: list[tuple[int, dict]] = field(default_factory=list)  # (employee pk, values)


class PeopleImporter(TabularImporter):
    columns = COLUMNS
    detail_labels = {
        "units_created": _("New organisational units"),
        "positions_created": _("New positions"),
        "positions_updated": _("Positions with a new title"),
    }

    def __init__(self, *, organisation: Organisation, progress: ProgressCallback | None = None):
        super().__init__(organisation=organisation, progress=progress)

    # --- checking and planning

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        org = self.organisation
        present = self.header.keys
        fields = [name for name, column in FIELD_COLUMNS.items() if column in present]
        existing = {
            record["personnel_number"]: record
            for record in Employee.objects.filter(organisation=org).values(
                "pk",
                "personnel_number",
                "first_name",
                "infix",
                "last_name",
                "email",
                "employment_type",
                "start_date",
                "end_date",
                unit_path=F("unit__path"),
                position_code=F("position__code"),
                manager_number=F("manager__personnel_number"),
            )
        }
        first_line = self.check_unique(rows, "personnel_number")
        rows = [
            row for row in rows if row.get("personnel_number") and first_line[row.get("personnel_number")] == row.line
        ]

        self._check_dates(rows, present, existing)
        new_positions, renamed_positions = self._check_positions(rows, present, org)
        if "manager" in present:
            self._check_managers(rows, existing)
        if self.result.errors:
            return None

        plan = PeoplePlan(fields=fields, new_positions=new_positions, renamed_positions=renamed_positions)
        plan.new_units = self._new_units(rows, org) if "unit" in present else []
        unchanged = 0
        for row in rows:
            values = {name: self._value(row, name) for name in fields}
            old = existing.get(row.get("personnel_number"))
            if old is None:
                plan.creates.append((row.get("personnel_number"), {**DEFAULTS, **values}))
            elif any(values[name] != _current(old, name) for name in fields):
                plan.updates.append((old["pk"], values))
            else:
                unchanged += 1
        return ImportPlan(
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=unchanged,
            details={
                "units_created": len(plan.new_units),
                "positions_created": len(plan.new_positions),
                "positions_updated": len(plan.renamed_positions),
            },
            data=plan,
        )

    @staticmethod
    def _value(row: Row, name: str) -> Any:
        value = row.get(FIELD_COLUMNS[name])
        if name in {"position", "manager"}:
            return value or None
        return value

    def _check_dates(self, rows: list[Row], present: set[str], existing: dict) -> None:
        for row in rows:
            old = existing.get(row.get("personnel_number")) or {}
            start = row.get("start_date") if "start_date" in present else old.get("start_date")
            end = row.get("end_date") if "end_date" in present else old.get("end_date")
            if start and end and end < start:
                self.error(
                    row.line,
                    "end_date" if "end_date" in present else "start_date",
                    _("The end date %(end)s is before the start date %(start)s.")
                    % {"end": end.strftime("%d-%m-%Y"), "start": start.strftime("%d-%m-%Y")},
                )

    def _check_positions(self, rows: list[Row], present: set[str], org: Organisation) -> tuple[dict, dict]:
        if "position_code" not in present:
            if "position_title" in present:
                self.error(
                    1,
                    "",
                    _("The column functiecode (position_code) is missing; functienaam cannot be used without it."),
                )
            return {}, {}
        db_titles = dict(Position.objects.filter(organisation=org).values_list("code", "title"))
        titles: dict[str, tuple[str, int]] = {}
        for row in rows:
            code, title = row.get("position_code"), row.get("position_title")
            if not code:
                if title:
                    self.error(
                        row.line,
                        "position_code",
                        _("A position title is filled in without a position code. Fill in the code as well."),
                    )
                continue
            if not title:
                continue
            if code in titles and titles[code][0] != title:
                self.error(
                    row.line,
                    "position_title",
                    _(
                        "Position %(code)s is called “%(other)s” on line %(line)d. Use the same title on every "
                        "line with this code."
                    )
                    % {"code": shown(code), "other": shown(titles[code][0]), "line": titles[code][1]},
                )
            titles.setdefault(code, (title, row.line))
        for row in rows:
            code = row.get("position_code")
            if code and code not in titles and code not in db_titles and "position_code" in row:
                self.error(
                    row.line,
                    "position_title",
                    _("Position %(code)s is new. Fill in its title (functienaam).") % {"code": shown(code)},
                )
        new = {code: title for code, (title, _line) in titles.items() if code not in db_titles}
        renamed = {
            code: title for code, (title, _line) in titles.items() if code in db_titles and db_titles[code] != title
        }
        return new, renamed

    def _check_managers(self, rows: list[Row], existing: dict) -> None:
        known = set(existing) | {row.get("personnel_number") for row in rows}
        # The final manager graph: the database, overlaid with the file.
        graph: dict[str, str | None] = {number: record["manager_number"] for number, record in existing.items()}
        line_of: dict[str, int] = {}
        for row in rows:
            number, manager = row.get("personnel_number"), row.get("manager")
            line_of[number] = row.line
            if "manager" not in row:
                continue  # the cell did not parse; already reported
            if manager and manager == number:
                self.error(row.line, "manager", _("Someone cannot be their own manager."))
                graph[number] = None
            elif manager and manager not in known:
                self.error(
                    row.line,
                    "manager",
                    _("The manager %(number)s is not in this file and not in the system.") % {"number": shown(manager)},
                )
                graph[number] = None
            else:
                graph[number] = manager or None
        for cycle in _cycles(graph):
            for number in cycle:
                if number not in line_of:
                    continue
                start = cycle.index(number)  # the loop as seen from this line's person
                loop = " → ".join([*cycle[start:], *cycle[:start], number])
                self.error(
                    line_of[number],
                    "manager",
                    _(
                        "The managers form a loop: %(loop)s. Someone at the top of the chain must have no manager, "
                        "or a manager outside the loop."
                    )
                    % {"loop": loop},
                )

    def _new_units(self, rows: list[Row], org: Organisation) -> list[str]:
        existing = set(OrgUnit.objects.filter(organisation=org).values_list("path", flat=True))
        wanted: set[str] = set()
        for row in rows:
            parts = row.get("unit").split("/")
            for depth in range(len(parts)):
                wanted.add("/".join(parts[: depth + 1]))
        return sorted(wanted - existing, key=lambda path: (path.count("/"), path))

    # --- writing

    def apply(self, plan: ImportPlan) -> None:
        org = self.organisation
        data: PeoplePlan = plan.data
        total = len(data.creates) + len(data.updates)
        done = 0

        units = self._create_units(data.new_units, org)
        positions = self._save_positions(data, org)
        employees = dict(Employee.objects.filter(organisation=org).values_list("personnel_number", "pk"))

        def resolve(values: dict) -> dict:
            resolved = {}
            for name, value in values.items():
                if name == "unit":
                    resolved["unit_id"] = units[value] if value else None
                elif name == "position":
                    resolved["position_id"] = positions[value] if value else None
                elif name == "manager":
                    resolved["manager_id"] = employees.get(value) if value else None
                else:
                    resolved[name] = value
            return resolved

        later_managers: list[tuple[str, str]] = []  # (employee, manager) where the manager is new too
        for batch in _batches(data.creates):
            new = []
            for number, values in batch:
                new.append(Employee(organisation=org, personnel_number=number, **resolve(values)))
                if values.get("manager") and values["manager"] not in employees:
                    later_managers.append((number, values["manager"]))
            Employee.objects.bulk_create(new)
            done += len(batch)
            self.report_progress(PHASE_WRITE, done, total)
        if data.creates:
            employees = dict(Employee.objects.filter(organisation=org).values_list("personnel_number", "pk"))

        now = timezone.now()
        for batch in _batches(data.updates):
            changed = [Employee(pk=pk, updated_at=now, **resolve(values)) for pk, values in batch]
            Employee.objects.bulk_update(changed, [*data.fields, "updated_at"])
            done += len(batch)
            self.report_progress(PHASE_WRITE, done, total)
        for batch in _batches(later_managers):
            Employee.objects.bulk_update(
                [Employee(pk=employees[number], manager_id=employees[manager]) for number, manager in batch],
                ["manager"],
            )

    def _create_units(self, paths: list[str], org: Organisation) -> dict[str, int]:
        units = dict(OrgUnit.objects.filter(organisation=org).values_list("path", "pk"))
        by_depth: dict[int, list[str]] = defaultdict(list)
        for path in paths:
            by_depth[path.count("/")].append(path)
        for depth in sorted(by_depth):
            OrgUnit.objects.bulk_create(
                [
                    OrgUnit(
                        organisation=org,
                        parent_id=units[path.rsplit("/", 1)[0]] if depth else None,
                        name=path.rsplit("/", 1)[-1],
                        kind=unit_kind(depth),
                        path=path,
                        depth=depth,
                    )
                    for path in by_depth[depth]
                ],
                batch_size=BATCH_SIZE,
            )
            units = dict(OrgUnit.objects.filter(organisation=org).values_list("path", "pk"))
        return units

    def _save_positions(self, data: PeoplePlan, org: Organisation) -> dict[str, int]:
        if data.new_positions:
            Position.objects.bulk_create(
                [Position(organisation=org, code=code, title=title) for code, title in data.new_positions.items()],
                batch_size=BATCH_SIZE,
            )
        if data.renamed_positions:
            ids = dict(Position.objects.filter(organisation=org).values_list("code", "pk"))
            Position.objects.bulk_update(
                [Position(pk=ids[code], title=title) for code, title in data.renamed_positions.items()],
                ["title"],
                batch_size=BATCH_SIZE,
            )
        return dict(Position.objects.filter(organisation=org).values_list("code", "pk"))

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        from plein.core.services.audit import record_event

        record_event(
            actor=None,
            action="people.import",
            organisation=self.organisation,
            data={"created": result.created, "updated": result.updated},
        )


def _current(record: dict, name: str) -> Any:
    if name == "unit":
        return record["unit_path"]
    if name == "position":
        return record["position_code"]
    if name == "manager":
        return record["manager_number"]
    return record[name]


def _cycles(graph: dict[str, str | None]) -> list[list[str]]:
    """Every loop in a graph where each node has at most one outgoing edge (its manager). Self-loops excluded."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles = []
    for start in graph:
        if start in state:
            continue
        walk: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            position[node] = len(walk)
            walk.append(node)
            node = graph.get(node)
        if node is not None and state.get(node) == 1:
            cycle = walk[position[node] :]
            if len(cycle) > 1:
                cycles.append(cycle)
        for visited in walk:
            state[visited] = 2
    return cycles


def _batches(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_people(
    source,
    *,
    organisation: Organisation,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    filename: str = "",
) -> ImportResult:
    """Import people from a CSV or XLSX file (a path, bytes or a binary file object). Writes nothing on any error."""
    return PeopleImporter(organisation=organisation, progress=progress).run(source, dry_run=dry_run, filename=filename)
