"""Ambtseed: oath texts, ceremonies, invitations, registrations and the reminders that were sent.

An employee's obligation is not stored: it follows from their start date, their employment type and the
configuration (see ``selectors.py``), so a changed configuration applies at once. What is stored is what happened:
who registered for which ceremony, who took the oath or affirmation, when, in whose presence and with which text.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import Employee, Organisation


class Form(models.TextChoices):
    OATH = "eed", _("Oath")
    AFFIRMATION = "belofte", _("Affirmation")


class OathText(models.Model):
    """One version of the oath or affirmation text of an organisation, in effect from a date.

    Versions are never edited once created: a new text is a new version. A registration records the version used.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="oath_texts")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    effective_from = models.DateField(_("in effect from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("oath text")
        verbose_name_plural = _("oath texts")
        ordering = ["form", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "form", "version"], name="oaths_unique_text_version"),
            models.UniqueConstraint(
                fields=["organisation", "form", "effective_from"], name="oaths_unique_text_effective_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} v{self.version}"


class Ceremony(models.Model):
    """A meeting at which new employees take the oath or affirmation (eedaflegging)."""

    class Format(models.TextChoices):
        CLASSIC = "klassiek", _("Oath only")
        INTERACTIVE = "interactief", _("Interactive: plenary part, oath and a light moral deliberation")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ceremonies")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_ceremonies",
        verbose_name=_("chair"),
    )
    # The chair's name and function as they appear on the official record, kept even if the employee leaves.
    chair_name = models.CharField(_("name of the chair"), max_length=200, blank=True)
    chair_title = models.CharField(
        _("function of the chair"), max_length=200, blank=True, help_text=_("For example: provinciesecretaris")
    )
    witnesses = models.TextField(_("witnesses"), blank=True, help_text=_("One name per line."))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    programme = models.TextField(_("programme"), blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.INTERACTIVE)
    # Registrations imported with a meeting label: the same label and date form one ceremony.
    import_label = models.CharField(_("import label"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ceremony")
        verbose_name_plural = _("ceremonies")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="oaths_ceremony_capacity_positive"),
            models.UniqueConstraint(
                fields=["organisation", "import_label", "date"],
                condition=~Q(import_label=""),
                name="oaths_unique_import_label_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"

    @property
    def chair_display(self) -> str:
        name = self.chair_name or (self.chair.full_name if self.chair else "")
        return f"{name} ({self.chair_title})" if name and self.chair_title else name

    @property
    def witness_list(self) -> list[str]:
        return [line.strip() for line in self.witnesses.splitlines() if line.strip()]


class CeremonyDilemma(models.Model):
    """A dilemma discussed in the light moral deliberation of a ceremony.

    Free text for now; ``library_reference`` is kept for the link to the dilemma library of the deliberation app.
    """

    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="dilemmas")
    question = models.CharField(_("dilemma"), max_length=500)
    library_reference = models.CharField(
        _("reference in the dilemma library"),
        max_length=100,
        blank=True,
        help_text=_("Optional. The number of the dilemma in the library of moral deliberation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dilemma used")
        verbose_name_plural = _("dilemmas used")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["ceremony", "question"], name="oaths_unique_dilemma")]

    def __str__(self) -> str:
        return self.question


class Invitation(models.Model):
    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="invitations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="oath_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-invited_at"]
        constraints = [models.UniqueConstraint(fields=["ceremony", "employee"], name="oaths_unique_invitation")]

    def __str__(self) -> str:
        return f"{self.employee} → {self.ceremony}"


class Registration(models.Model):
    """An employee's registration for a ceremony, and the oath or affirmation they took.

    ``status`` goes registered → taken (checked in) or absent, or withdrawn. HR's individual registrations and
    imported ones are ``taken`` from the start and may have no ceremony.
    """

    class Status(models.TextChoices):
        REGISTERED = "aangemeld", _("Registered")
        TAKEN = "afgelegd", _("Taken")
        ABSENT = "afwezig", _("Absent")
        WITHDRAWN = "afgemeld", _("Withdrawn")

    class Source(models.TextChoices):
        CEREMONY = "bijeenkomst", _("Ceremony")
        INDIVIDUAL = "individueel", _("Individually, outside a ceremony")
        IMPORT = "import", _("Imported")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="oath_registrations")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="oath_registrations", verbose_name=_("employee")
    )
    ceremony = models.ForeignKey(
        Ceremony,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("ceremony"),
    )
    form = models.CharField(_("oath or affirmation"), max_length=10, choices=Form.choices)
    text = models.ForeignKey(
        OathText, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("text version")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.CEREMONY)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    # The start date of the employment this oath belongs to (empty for an earlier, unknown period).
    period_start = models.DateField(_("start of the employment"), null=True, blank=True)
    sworn_before = models.CharField(_("in the presence of"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["employee__last_name", "employee__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ceremony", "employee"],
                condition=Q(ceremony__isnull=False),
                name="oaths_unique_registration_per_ceremony",
            ),
            # One open registration at a time: withdraw from one ceremony before registering for another.
            models.UniqueConstraint(
                fields=["employee"], condition=Q(status="aangemeld"), name="oaths_one_open_registration"
            ),
            # One oath per period of employment, and never two on one day.
            models.UniqueConstraint(
                fields=["employee", "period_start"],
                condition=Q(status="afgelegd", period_start__isnull=False),
                name="oaths_one_oath_per_employment",
            ),
            models.UniqueConstraint(
                fields=["employee", "taken_on"], condition=Q(status="afgelegd"), name="oaths_one_oath_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="afgelegd") | Q(taken_on__isnull=False), name="oaths_taken_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(source="bijeenkomst") | Q(ceremony__isnull=False),
                name="oaths_ceremony_source_has_ceremony",
            ),
            models.CheckConstraint(
                condition=~Q(source="individueel") | Q(ceremony__isnull=True, status="afgelegd"),
                name="oaths_individual_is_taken",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "taken_on"]),
            models.Index(fields=["employee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.employee} – {self.get_form_display()} ({self.get_status_display()})"


class Reminder(models.Model):
    """One reminder e-mail about an open obligation, planned and then sent once.

    The unique constraint makes planning idempotent; ``sent_at`` makes delivery idempotent.
    """

    class Recipient(models.TextChoices):
        EMPLOYEE = "medewerker", _("Employee")
        MANAGER = "leidinggevende", _("Manager")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="oath_reminders")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="oath_reminders")
    due_date = models.DateField(_("due date"))
    offset_days = models.IntegerField(_("days from the due date"))
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set instead of sending when the obligation was fulfilled before the reminder went out.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "due_date", "offset_days", "recipient"], name="oaths_unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.due_date} {self.offset_days:+d} {self.recipient}"
