"""The report as a document: sections with their text, figures (with their meaning), tables and charts.

``build_document(data, texts)`` turns the report's JSON (``selectors.build_report`` or a published snapshot) and the
integrity coordinator's texts into one structure that the HTML page, the PDF and the DOCX all render, so the three
never differ in content. Section titles and labels are translated at render time; the texts are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from plein.annual_report import charts
from plein.annual_report.basic_norms import STATUS_LABELS
from plein.annual_report.privacy import fewer_than
from plein.annual_report.sections import SECTIONS, FigureSpec, SectionSpec

# Labels of the other apps' stable codes (their selectors give codes; the same English texts as in those apps).
CODE_LABELS = {
    "in_behandeling": gettext_lazy("Being assessed"),
    "toegestaan": gettext_lazy("Allowed"),
    "toegestaan_onder_voorwaarden": gettext_lazy("Allowed with conditions"),
    "geweigerd": gettext_lazy("Refused"),
    "automatisch_geaccepteerd": gettext_lazy("Accepted automatically (up to the threshold)"),
    "behouden": gettext_lazy("Keep"),
    "teruggeven": gettext_lazy("Return"),
    "afgeven_aan_organisatie": gettext_lazy("Hand over to the organisation"),
    "medewerker": gettext_lazy("Employees"),
    "leidinggevende": gettext_lazy("Managers"),
    "extern": gettext_lazy("Externals"),
    "unclassified": gettext_lazy("Not classified yet"),
}
GIFT_PENDING_LABEL = gettext_lazy("Waiting for a decision")

TREND_CHARTS = {
    "inleiding": ("employees.at_year_end", gettext_lazy("Employees in service at the end of the year")),
    "ambtseed": ("oath.sworn", gettext_lazy("Oaths and affirmations taken")),
    "meldingen": ("reports.received", gettext_lazy("Reports received")),
    "nevenfuncties": ("outside_activities.declared", gettext_lazy("Outside activities declared")),
    "bewustwording": ("learning.participants_total", gettext_lazy("Participants in awareness activities")),
}
EXTRA_TREND_CHARTS = {
    "meldingen": ("consultations.total", gettext_lazy("Consultations")),
}


@dataclass
class Figure:
    key: str
    label: str
    value: object
    display: str
    comment: str = ""
    suppressed: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    status: str = ""
    numeric: bool = False


@dataclass
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list]
    numeric: set[int] = field(default_factory=set)  # column indexes that hold numbers (right-aligned)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → URL
    statuses: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → green/amber/red/unknown

    @property
    def cell_rows(self) -> list[list[Cell]]:
        return [
            [
                Cell(str(value), self.links.get((r, c), ""), self.statuses.get((r, c), ""), c in self.numeric)
                for c, value in enumerate(row)
            ]
            for r, row in enumerate(self.rows)
        ]


@dataclass
class TrendChart:
    chart: charts.Chart
    table: Table


@dataclass
class Paragraph:
    text: str
    quote: bool = False


@dataclass
class Section:
    code: str
    number: int
    title: str
    paragraphs: list[Paragraph]
    figures: list[Figure]
    tables: list[Table]
    charts: list[TrendChart]
    notes: list[str]
    help: str = ""
    edit_url: str = ""  # set by the preview when the viewer may edit the texts


@dataclass
class Document:
    organisation: str
    year: int
    title: str
    published: bool
    reference_date: str
    generated_at: str
    year_complete: bool
    threshold: int
    sections: list[Section]
    summary: list[Figure]
    data: dict


def paragraphs(text: str) -> list[Paragraph]:
    """Plain text to paragraphs: a blank line starts a new one; lines starting with "> " are a quotation."""
    out = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith(">") for line in lines):
            out.append(Paragraph(" ".join(line.lstrip()[1:].strip() for line in lines), quote=True))
        else:
            out.append(Paragraph(" ".join(line.strip() for line in lines)))
    return out


def value_at(data: dict, key: str):
    node = data
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


class Formatter:
    def __init__(self, data: dict):
        privacy = data.get("privacy") or {}
        self.threshold = privacy.get("threshold", 5)
        self.suppressed = set(privacy.get("suppressed") or [])

    def is_suppressed(self, path: str) -> bool:
        return path in self.suppressed

    def number(self, value, path: str = "", kind: str = "count") -> str:
        if path and path in self.suppressed:
            return fewer_than(self.threshold)
        if value is None:
            return _("not available")
        if kind == "percentage":
            return f"{number_format(value, force_grouping=True)}%"
        if kind == "ratio" or isinstance(value, float):
            return number_format(value, decimal_pos=2, force_grouping=True)
        return number_format(value, force_grouping=True)


def _label(code: str, names: dict | None = None) -> str:
    if names and code in names:
        return str(names[code])
    if code in CODE_LABELS:
        return str(CODE_LABELS[code])
    return code.replace("_", " ").replace("-", " ").capitalize()


def _breakdown(
    fmt: Formatter, table_id: str, caption: str, header: str, data: dict, path: str, names=None
) -> Table | None:
    breakdown = value_at(data, path)
    if not isinstance(breakdown, dict) or not breakdown:
        return None
    rows = [[_label(code, names), fmt.number(value, f"{path}.{code}")] for code, value in breakdown.items()]
    return Table(table_id, caption, [header, pgettext("quantity", "Number")], rows, numeric={1})


def _figures(spec: SectionSpec, data: dict, comments: dict, fmt: Formatter) -> list[Figure]:
    out = []
    for f in spec.figures:
        value = value_at(data, f.key)
        if value is None and not fmt.is_suppressed(f.key) and not _applies(f, data):
            continue
        out.append(
            Figure(
                key=f.key,
                label=str(f.label),
                value=value,
                display=fmt.number(value, f.key, f.kind),
                comment=comments.get(f.key, ""),
                suppressed=fmt.is_suppressed(f.key),
            )
        )
    return out


def _applies(figure: FigureSpec, data: dict) -> bool:
    """Whether a missing value should still be shown as "not available" (its module could give it)."""
    # Without a campaign that year the completion does not apply: leave the line out.
    return figure.key != "outside_activities.campaign_completion.percent"


def _trend_chart(section_code: str, key: str, title, data: dict) -> tuple[charts.Chart, Table] | None:
    trends = data.get("trends") or {}
    values = (trends.get("series") or {}).get(key)
    if not values:
        return None
    labels = [str(y) for y in trends["years"]]
    chart_id = f"chart-{section_code}-{key.replace('.', '-').replace('_', '-')}"
    chart = charts.bar_chart(chart_id, str(title), labels, values)
    fmt = Formatter({})
    table = Table(
        f"{chart_id}-data",
        _("%(title)s per year (the numbers of the chart)") % {"title": title},
        [_("Year"), str(title)],
        [[label, fmt.number(v)] for label, v in zip(labels, values, strict=True)],
        numeric={1},
    )
    return chart, table


def _section_tables(code: str, data: dict, fmt: Formatter) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    notes: list[str] = []
    if code == "integriteitsstructuur":
        rows = [[g["label"], fmt.number(g["count"]), ", ".join(g["holders"]) or "–"] for g in data.get("structure", [])]
        if rows:
            tables.append(
                Table(
                    "table-structure",
                    _("The integrity structure"),
                    [_("Role"), pgettext("quantity", "Number"), _("Who")],
                    rows,
                    {1},
                )
            )
        else:
            notes.append(_("The integrity structure has not been filled in yet."))
    elif code == "ambtseed":
        oath = data["oath"]
        if not oath["available"]:
            notes.append(_("The oath register is not available, so these figures are missing."))
        elif oath.get("median_days_to_oath") is not None:
            notes.append(
                _("Half of the oaths were taken within %(days)s days of starting work.")
                % {"days": fmt.number(round(oath["median_days_to_oath"]))}
            )
    elif code == "meldingen":
        reports = data["reports"]
        if reports["available"]:
            t = _breakdown(
                fmt,
                "table-channels",
                _("Reports per channel"),
                _("Channel"),
                data,
                "reports.by_channel",
                reports.get("channel_names"),
            )
            if t:
                tables.append(t)
            t = _breakdown(
                fmt, "table-categories", _("Reports per category"), _("Category"), data, "reports.by_category"
            )
            if t:
                tables.append(t)
        else:
            notes.append(_("The reporting channel is not available, so report figures are missing."))
        bench = data.get("benchmark") or {}
        if bench.get("references"):
            rows = [
                [
                    _("This organisation, %(year)d") % {"year": data["year"]},
                    fmt.number(bench.get("per_100_employees"), kind="ratio"),
                    _("Reports received and employees at the end of the year"),
                ]
            ]
            rows += [
                [r["label"], fmt.number(r["per_100_employees"], kind="ratio"), r["source"]] for r in bench["references"]
            ]
            tables.append(
                Table(
                    "table-benchmark",
                    _("Reports per 100 employees compared with published reference values"),
                    [_("Compared with"), _("Reports per 100 employees"), _("Source")],
                    rows,
                    {1},
                )
            )
        consultations = data["consultations"]
        if consultations["available"]:
            t = _breakdown(
                fmt,
                "table-requesters",
                _("Consultations by who asked"),
                _("Asked by"),
                data,
                "consultations.by_requester",
            )
            if t:
                tables.append(t)
            t = _breakdown(
                fmt,
                "table-topics",
                _("Consultations by topic"),
                _("Topic"),
                data,
                "consultations.by_topic",
                consultations.get("topic_names"),
            )
            if t:
                tables.append(t)
            top = consultations.get("most_frequent_topic")
            if top:
                notes.append(
                    _("The most frequent topic of consultation was: %(topic)s.")
                    % {"topic": _label(top, consultations.get("topic_names"))}
                )
        else:
            notes.append(_("The consultations register is not available yet, so consultations are not counted here."))
    elif code == "nevenfuncties":
        if data["outside_activities"]["available"]:
            t = _breakdown(
                fmt,
                "table-decisions",
                _("Outside activities declared this year, by decision"),
                _("Decision"),
                data,
                "outside_activities.by_decision",
            )
            if t:
                tables.append(t)
            names = {"in_behandeling": GIFT_PENDING_LABEL}
            t = _breakdown(
                fmt,
                "table-gifts",
                _("Gifts and invitations by decision"),
                _("Decision"),
                data,
                "outside_activities.gifts_by_decision",
                names,
            )
            if t:
                tables.append(t)
        else:
            notes.append(_("The declarations register is not available, so these figures are missing."))
    elif code == "functies":
        if not data["positions"]["available"]:
            notes.append(_("The positions register is not available, so these figures are missing."))
    elif code == "moreel_beraad":
        if data["deliberation"].get("source") == "structure":
            notes.append(
                _(
                    "The moral deliberation register is not available yet: the facilitators are counted from the integrity structure."
                )
            )
    elif code == "bewustwording":
        learning = data["learning"]
        events = learning.get("events") or []
        if events:
            rows = [
                [
                    date_format(_date(e["date"]), "j F Y"),
                    e["title"],
                    e.get("kind_label") or e["kind"],
                    fmt.number(e["participants"], f"learning.events.{i}.participants"),
                ]
                for i, e in enumerate(events)
            ]
            tables.append(
                Table(
                    "table-events",
                    _("Activities of %(year)d") % {"year": data["year"]},
                    [_("Date"), _("Activity"), _("Kind"), _("Participants")],
                    rows,
                    {3},
                )
            )
        elif learning["available"]:
            notes.append(_("No activities were held this year."))
        else:
            notes.append(_("The learning module is not available, so activities are missing."))
        portal = data.get("portal") or {}
        acknowledgements = [a for a in portal.get("acknowledgements", []) if a.get("employees") is not None]
        if acknowledgements:
            rows = [
                [a["document"], a["version"], fmt.number(a.get("coverage_percentage"), kind="percentage")]
                for a in acknowledgements
            ]
            tables.append(
                Table(
                    "table-acknowledgements",
                    _("Codes of conduct: who confirmed they read them"),
                    [_("Document"), _("Version"), _("Confirmed")],
                    rows,
                    {2},
                )
            )
    elif code == "basisnormen":
        rows, links, statuses = [], {}, {}
        for i, norm in enumerate(data.get("basic_norms", [])):
            rows.append(
                [
                    norm["number"],
                    norm["title"],
                    str(STATUS_LABELS.get(norm["status"], norm["status"])),
                    norm["evidence"],
                ]
            )
            statuses[(i, 2)] = norm["status"]
            if norm.get("evidence_url") and not data.get("published"):
                links[(i, 3)] = norm["evidence_url"]
        tables.append(
            Table(
                "table-basic-norms",
                _("Scorecard of the 13 basic norms for integrity"),
                [_("No."), _("Basic norm"), _("Status"), _("Evidence in the system")],
                rows,
                {0},
                links,
                statuses,
            )
        )
    elif code == "toekomst":
        actions = data.get("plan_actions") or []
        if actions:
            rows, links = [], {}
            for i, a in enumerate(actions):
                rows.append([a["title"], a["theme"], a["owner"], a["planned"], a["status_label"], a["note"] or "–"])
                if a.get("module_url") and not data.get("published"):
                    links[(i, 0)] = a["module_url"]
            tables.append(
                Table(
                    "table-plan",
                    _("Actions of the integrity plan"),
                    [_("Action"), _("Theme"), _("Owner"), _("Planned"), _("Status"), _("Note")],
                    rows,
                    links=links,
                )
            )
        else:
            notes.append(_("No actions of the integrity plan have been recorded."))
    return tables, notes


def _date(value):
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def build_document(data: dict, texts: dict) -> Document:
    fmt = Formatter(data)
    section_texts = texts.get("sections", {})
    comments = texts.get("figures", {})
    sections = []
    for number, spec in enumerate(SECTIONS, start=1):
        tables, notes = _section_tables(spec.code, data, fmt)
        section_charts = []
        for source in (TREND_CHARTS, EXTRA_TREND_CHARTS):
            if spec.code in source:
                key, title = source[spec.code]
                found = _trend_chart(spec.code, key, title, data)
                if found:
                    section_charts.append(TrendChart(*found))
        sections.append(
            Section(
                code=spec.code,
                number=number,
                title=str(spec.title),
                paragraphs=paragraphs(section_texts.get(spec.code, "")),
                figures=_figures(spec, data, comments, fmt),
                tables=tables,
                charts=section_charts,
                notes=notes,
                help=str(spec.help),
            )
        )
    summary_keys = (
        ("oath.ceremonies", _("Oath ceremonies")),
        ("oath.sworn", _("Oaths and affirmations")),
        ("reports.received", _("Reports received")),
        ("consultations.total", _("Consultations")),
        ("outside_activities.declared", _("Outside activities declared")),
        ("deliberation.facilitators", _("Moral deliberation facilitators")),
        ("learning.events_total", _("Awareness activities")),
    )
    summary = [
        Figure(key, str(label), value_at(data, key), fmt.number(value_at(data, key), key))
        for key, label in summary_keys
        if value_at(data, key) is not None
    ]
    return Document(
        organisation=data["organisation"],
        year=data["year"],
        title=_("Annual integrity report %(year)d") % {"year": data["year"]},
        published=bool(data.get("published")),
        reference_date=date_format(_date(data["reference_date"]), "j F Y") if data.get("reference_date") else "",
        generated_at=data.get("generated_at", ""),
        year_complete=bool(data.get("year_complete", True)),
        threshold=fmt.threshold,
        sections=sections,
        summary=summary,
        data=data,
    )
