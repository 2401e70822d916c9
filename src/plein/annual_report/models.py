"""Jaarverslag: the annual integrity report per year, its texts, the integrity plan's actions and generation jobs.

The figures are not stored: they are computed from the other apps' registers each time (``selectors.build_report``),
except when a report is published. Publishing freezes everything the public sees (figures, texts, scorecard, plan
actions) in ``AnnualReport.snapshot``, so that the public page and the PDF never change afterwards, whatever happens
in the registers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import Organisation

MIN_YEAR = 2000
MAX_YEAR = 2100


class AnnualReport(models.Model):
    """The report of one organisation for one year, with its state: draft → awaiting approval → approved → published."""

    class Status(models.TextChoices):
        DRAFT = "concept", _("Draft")
        SUBMITTED = "ter_goedkeuring", _("Awaiting approval")
        APPROVED = "goedgekeurd", _("Approved")
        PUBLISHED = "gepubliceerd", _("Published")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted for approval"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The published report as the public sees it (the JSON of the published version plus texts); empty before.
    snapshot = models.JSONField(default=dict, blank=True)
    # The published PDF, rendered from the snapshot once; kept so that every download is the same document.
    published_pdf = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="unique_annual_report_year")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Texts can change until the report is approved; approval and publication freeze them."""
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


class ReportText(models.Model):
    """A text the integrity coordinator writes for one year: a section's narrative or the meaning of one figure.

    ``kind`` says which: ``section`` (``key`` is a section code, such as ``inleiding``) or ``figure`` (``key`` is a
    figure key, such as ``oath.sworn``). The codes are listed in ``plein.annual_report.sections``.
    """

    class Kind(models.TextChoices):
        SECTION = "section", _("Section text")
        FIGURE = "figure", _("Meaning of a figure")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="texts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=80)
    text = models.TextField(_("text"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["report", "kind", "key"], name="unique_annual_report_text")]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}:{self.key}"


class PlanAction(models.Model):
    """An action of the integrity plan ("Blik naar de toekomst"): theme, owner, planned quarter, status and a note."""

    class Status(models.TextChoices):
        PLANNED = "gepland", _("Planned")
        IN_PROGRESS = "lopend", _("In progress")
        DONE = "afgerond", _("Done")
        POSTPONED = "uitgesteld", _("Postponed")
        CANCELLED = "vervallen", _("Cancelled")

    class Module(models.TextChoices):
        """The part of Integriteitsplein an action concerns; the report links to it."""

        NONE = "", _("None")
        PORTAL = "portal", _("Integrity portal")
        REPORTS = "reports", _("Reporting channel")
        OATHS = "oaths", _("Oath of office")
        POSITIONS = "positions", _("Positions and screening")
        DECLARATIONS = "declarations", _("Declarations")
        DELIBERATION = "deliberation", _("Moral deliberation")
        LEARNING = "learning", _("Learning and awareness")
        ANNUAL_REPORT = "annual_report", _("Annual report")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plan_actions")
    title = models.CharField(_("action"), max_length=200)
    theme = models.CharField(_("theme"), max_length=100, help_text=_("For example: communication, policy, screening."))
    owner = models.CharField(
        _("owner"),
        max_length=150,
        help_text=_("A team or a role, not a person's name: the published report shows it."),
    )
    planned_year = models.PositiveSmallIntegerField(
        _("planned year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    planned_quarter = models.PositiveSmallIntegerField(
        _("planned quarter"),
        choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
        null=True,
        blank=True,
        help_text=_("Leave empty when the action is planned for the year as a whole."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    note = models.TextField(_("note"), blank=True)
    module = models.CharField(_("concerns"), max_length=20, choices=Module.choices, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("integrity plan action")
        verbose_name_plural = _("integrity plan actions")
        ordering = ["planned_year", "planned_quarter", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_quarter__isnull=True) | Q(planned_quarter__gte=1, planned_quarter__lte=4),
                name="plan_action_quarter_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned_label(self) -> str:
        return f"Q{self.planned_quarter} {self.planned_year}" if self.planned_quarter else str(self.planned_year)


class GenerationJob(models.Model):
    """A report file being made in the background (PDF, DOCX, HTML or JSON), with its progress for the status page."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX (Word)"
        HTML = "html", "HTML"
        JSON = "json", "JSON"

    class State(models.TextChoices):
        QUEUED = "wachtrij", _("Waiting to start")
        RUNNING = "bezig", _("Being made")
        DONE = "klaar", _("Ready")
        FAILED = "mislukt", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="annual_report_jobs")
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    published = models.BooleanField(_("published version (small counts hidden)"), default=False)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    content = models.BinaryField(blank=True, default=b"")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report file job")
        verbose_name_plural = _("report file jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.format} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
