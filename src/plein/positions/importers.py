"""``./plein import_positions FILE``: the inventory of positions from a CSV or XLSX file.

Columns (Dutch names; English aliases in brackets):

* ``functiecode`` (position_code), ``functienaam`` (position_title), ``organisatieonderdeel`` (unit: an existing
  unit path such as ``Directie/Ruimte en Water/Team Water``, or empty);
* ``kwetsbare_gebieden`` (vulnerable_areas): area codes separated by ``|``, from
  ``informatie|geld|goederen|diensten|zakelijke_transacties|proces|aansturing|personen``; may be empty;
* ``vog_vereist``, ``financiele_belangen_melden``, ``nevenfuncties_openbaar``: ``ja`` or ``nee``;
* ``laatst_beoordeeld`` (last_reviewed): a date; needed when the position has a designation;
* optional: ``risiconiveau`` (geen/laag/midden/hoog), ``screeningsgebieden_vog`` (area codes for the VOG; default the
  vulnerable areas), ``ondermijning`` and ``cybersecurity`` (ja/nee). The export of designated positions has these
  columns, so it can be imported again.

An upsert by position code; all-or-nothing: one bad row (an unknown area code, a unit that does not exist, a code
that appears twice) imports nothing, and every problem is listed with its line number.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.importing import (
    CellError,
    Column,
    ImportPlan,
    ImportResult,
    Row,
    TabularImporter,
    as_bool,
    as_choice,
    as_date,
    as_text,
    cell_text,
    shown,
)
from plein.core.models import OrgUnit, Position, User
from plein.positions import services
from plein.positions.models import AREA_CODES, RiskLevel
from plein.positions.selectors import profile_of

CODE_MAX = Position._meta.get_field("code").max_length
TITLE_MAX = Position._meta.get_field("title").max_length


def as_area_codes():
    """``geld | informatie`` → ``["informatie", "geld"]`` (in the fixed order of the areas)."""

    def parse(value: Any) -> list[str]:
        codes = [part.strip().casefold() for part in cell_text(value).split("|") if part.strip()]
        unknown = [code for code in codes if code not in AREA_CODES]
        if unknown:
            raise CellError(
                _("“%(value)s” is not a screening area. Use codes separated by |, from: %(codes)s.")
                % {"value": shown(unknown[0]), "codes": "|".join(AREA_CODES)}
            )
        return [code for code in AREA_CODES if code in codes]

    return parse


def as_unit_path():
    """``Directie / Ruimte en Water`` → ``Directie/Ruimte en Water`` (spaces around slashes do not matter)."""

    def parse(value: Any) -> str:
        parts = [" ".join(part.split()) for part in cell_text(value).strip("/").split("/")]
        return "/".join(parts)

    return parse


class PositionImporter(TabularImporter):
    columns = (
        Column("code", "functiecode", aliases=("position_code", "code"), parser=as_text(CODE_MAX)),
        Column("title", "functienaam", aliases=("position_title", "title"), parser=as_text(TITLE_MAX)),
        Column("unit", "organisatieonderdeel", aliases=("unit",), parser=as_unit_path(), blank=True, empty=""),
        Column(
            "areas", "kwetsbare_gebieden", aliases=("vulnerable_areas",), parser=as_area_codes(), blank=True, empty=[]
        ),
        Column("vog_required", "vog_vereist", aliases=("vog_required",), parser=as_bool()),
        Column(
            "financial_interests",
            "financiele_belangen_melden",
            aliases=("financial_interests", "financiële_belangen_melden"),
            parser=as_bool(),
        ),
        Column(
            "publish_outside_activities",
            "nevenfuncties_openbaar",
            aliases=("publish_outside_activities",),
            parser=as_bool(),
        ),
        Column("reviewed_on", "laatst_beoordeeld", aliases=("last_reviewed",), parser=as_date(), blank=True),
        Column(
            "risk_level",
            "risiconiveau",
            aliases=("risk_level",),
            parser=as_choice(RiskLevel, aliases={"none": "geen", "low": "laag", "medium": "midden", "high": "hoog"}),
            required=False,
            blank=True,
        ),
        Column(
            "vog_areas",
            "screeningsgebieden_vog",
            aliases=("vog_screening_areas",),
            parser=as_area_codes(),
            required=False,
            blank=True,
        ),
        Column("ondermijning", "ondermijning", aliases=("subversion",), parser=as_bool(), required=False, blank=True),
        Column("cybersecurity", "cybersecurity", parser=as_bool(), required=False, blank=True),
    )
    detail_labels = {"positions_created": _("New positions")}

    def __init__(self, *, organisation=None, progress=None, actor: User | None = None, reviewer: User | None = None):
        super().__init__(organisation=organisation, progress=progress)
        self.actor = actor
        self.reviewer = reviewer

    def plan(self, rows: list[Row]) -> ImportPlan | None:
        self.check_unique(rows, "code")
        units = {u.path.casefold(): u for u in OrgUnit.objects.filter(organisation=self.organisation)}
        existing = {
            p.code: p for p in Position.objects.filter(organisation=self.organisation).select_related("unit", "profile")
        }
        today = timezone.localdate()
        entries: list[services.ImportEntry] = []
        for row in rows:
            unit = None
            if row.get("unit"):
                unit = units.get(row.get("unit").casefold())
                if unit is None:
                    row.valid = False
                    self.error(
                        row.line,
                        "unit",
                        _("The unit “%(path)s” does not exist. Write the full path, such as Directie/Domein/Team.")
                        % {"path": shown(row.get("unit"))},
                    )
            if not row.valid:
                continue
            entry = self._entry(row, unit, existing.get(row.get("code")), today)
            if entry is not None:
                entries.append(entry)
        if self.result.errors:
            return None
        created, updated, unchanged = services.plan_position_import(entries)
        return ImportPlan(
            created=created,
            updated=updated,
            unchanged=unchanged,
            details={"positions_created": sum(1 for e in entries if e.position is None)},
            data=entries,
        )

    def _entry(self, row: Row, unit, position, today) -> services.ImportEntry | None:
        profile = profile_of(position)
        current = services.profile_values(profile)
        areas = row.get("areas") or []
        rationales = {code: current["vulnerable_areas"].get(code, "") for code in areas}
        vog_required = row.get("vog_required")
        vog_areas = row.get("vog_areas") if "vog_areas" in row and row.get("vog_areas") else None
        if vog_areas is None:
            vog_areas = list(areas) if vog_required else []
        if vog_required and not vog_areas:
            row.valid = False
            self.error(
                row.line,
                "vog_required",
                _("A VOG is required, but no screening areas are given: fill in kwetsbare_gebieden."),
            )
            return None
        reviewed_on = row.get("reviewed_on")
        values = {
            "vulnerable_areas": rationales,
            "risk_level": row.get("risk_level") or (current["risk_level"] if position else RiskLevel.NONE),
            "vog_required": vog_required,
            "vog_screening_areas": vog_areas if vog_required else [],
            "financial_interests": row.get("financial_interests"),
            "publish_outside_activities": row.get("publish_outside_activities"),
            "ondermijning_relevant": row.get("ondermijning")
            if row.get("ondermijning") is not None
            else current["ondermijning_relevant"],
            "cybersecurity_relevant": row.get("cybersecurity")
            if row.get("cybersecurity") is not None
            else current["cybersecurity_relevant"],
            "reviewed_on": reviewed_on,
            "reviewed_by": current["reviewed_by"] if reviewed_on == current["reviewed_on"] else self.reviewer,
        }
        try:
            values = services.clean_profile_values(values, today=today)
        except ValidationError as exc:
            row.valid = False
            for field, errors in exc.message_dict.items():
                column = "reviewed_on" if field == "reviewed_on" else "vog_required"
                if field == "reviewed_on" and not reviewed_on:
                    errors = [_("A designation needs a review date: fill in laatst_beoordeeld.")]
                for message in errors:
                    self.error(row.line, column, message)
            return None
        return services.ImportEntry(
            line=row.line, code=row.get("code"), title=row.get("title"), unit=unit, position=position, values=values
        )

    def apply(self, plan: ImportPlan) -> None:
        services.import_positions(actor=self.actor, organisation=self.organisation, entries=plan.data)

    def after_apply(self, plan: ImportPlan, result: ImportResult) -> None:
        """The audit event is written by ``services.import_positions``."""
