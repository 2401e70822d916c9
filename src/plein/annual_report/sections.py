"""The report's sections and the figures each one shows. The codes are stable: texts are stored under them.

Section codes are the keys of the narrative texts (``ReportText`` of kind ``section``); figure keys are dotted paths
into the JSON (``oath.sworn``) and the keys of the per-figure comments ("duiding", ``ReportText`` of kind
``figure``). Titles and labels are translatable; the texts themselves are data that the integrity coordinator writes.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FigureSpec:
    key: str  # dotted path into the report's JSON
    label: str
    kind: str = "count"  # count | percentage | ratio | days


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    figures: tuple[FigureSpec, ...] = ()
    help: str = ""


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "inleiding",
        _("Introduction"),
        (FigureSpec("employees.at_year_end", _("Employees in service at the end of the year")),),
        help=_("Why integrity matters this year, what changed and what stood out."),
    ),
    SectionSpec(
        "integriteitsstructuur",
        _("Integrity structure"),
        (FigureSpec("structure_total", _("Roles in the integrity structure")),),
        help=_("Who has a task in promoting integrity, and how they work together."),
    ),
    SectionSpec(
        "ambtseed",
        _("Oath of office"),
        (
            FigureSpec("oath.ceremonies", _("Ceremonies held")),
            FigureSpec("oath.sworn", _("Oaths and affirmations taken")),
            FigureSpec("oath.oath", _("of which oath")),
            FigureSpec("oath.affirmation", _("of which affirmation")),
            FigureSpec(
                "oath.within_term.percentage", _("Taken within the term (of those due this year)"), "percentage"
            ),
            FigureSpec("oath.overdue_at_year_end", _("Overdue at the end of the year")),
        ),
        help=_("How the ceremonies went and what was discussed."),
    ),
    SectionSpec(
        "meldingen",
        _("Reports and consultations"),
        (
            FigureSpec("reports.received", _("Reports received")),
            FigureSpec("reports.anonymous", _("of which anonymous")),
            FigureSpec("reports.acknowledged_within_term", _("Receipt confirmed within the term")),
            FigureSpec("reports.feedback_within_term", _("Feedback given within the term")),
            FigureSpec("reports.closed", _("Reports closed")),
            FigureSpec("reports.substantiated", _("Found to be substantiated")),
            FigureSpec("reports.per_100_employees", _("Reports per 100 employees"), "ratio"),
            FigureSpec("consultations.total", _("Consultations")),
        ),
        help=_("What was reported, what people asked the integrity coordinator about, and what was done."),
    ),
    SectionSpec(
        "nevenfuncties",
        _("Outside activities and other declarations"),
        (
            FigureSpec("outside_activities.declared", _("Outside activities declared")),
            FigureSpec("outside_activities.decided", _("Decisions taken")),
            FigureSpec("outside_activities.active_at_year_end", _("Outside activities at the end of the year")),
            FigureSpec("outside_activities.published", _("Of which in the public register")),
            FigureSpec("outside_activities.consultations", _("Consultations about outside activities")),
            FigureSpec(
                "outside_activities.campaign_completion.percent", _("Yearly confirmation completed"), "percentage"
            ),
            FigureSpec("outside_activities.gifts", _("Gifts and invitations declared")),
        ),
        help=_("Outside activities, financial interests, gifts and invitations."),
    ),
    SectionSpec(
        "functies",
        _("Positions and screening"),
        (
            FigureSpec("positions.vulnerable", _("Vulnerable positions")),
            FigureSpec("positions.vog_required", _("Positions that require a certificate of conduct (VOG)")),
            FigureSpec("positions.review_overdue", _("Positions whose review is overdue")),
            FigureSpec("positions.vog_received", _("Certificates of conduct received")),
        ),
        help=_("The inventory of vulnerable positions and the screening of new employees."),
    ),
    SectionSpec(
        "moreel_beraad",
        _("Moral deliberation"),
        (
            FigureSpec("deliberation.facilitators", _("Facilitators")),
            FigureSpec("deliberation.sessions", _("Sessions held")),
            FigureSpec("deliberation.participants", _("Participants")),
        ),
        help=_("How teams used moral deliberation and what the facilitators did."),
    ),
    SectionSpec(
        "bewustwording",
        _("Awareness and training"),
        (
            FigureSpec("learning.events_total", _("Activities held")),
            FigureSpec("learning.participants_total", _("Participants")),
            FigureSpec("learning.training_coverage.percentage", _("Training coverage"), "percentage"),
        ),
        help=_("Trainings, workshops, meetings and other activities of the year."),
    ),
    SectionSpec(
        "basisnormen",
        _("Basic norms for integrity"),
        (),
        help=_("What the scorecard says, and what the organisation will do about the norms that are not green."),
    ),
    SectionSpec(
        "toekomst",
        _("Looking ahead"),
        (),
        help=_("The plans for next year. The actions of the integrity plan are listed below the text."),
    ),
)

SECTION_CODES = tuple(s.code for s in SECTIONS)
FIGURE_KEYS = tuple(f.key for s in SECTIONS for f in s.figures)


def section(code: str) -> SectionSpec | None:
    return next((s for s in SECTIONS if s.code == code), None)
