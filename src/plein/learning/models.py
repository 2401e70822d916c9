"""Leren & bewustwording: courses, events, registrations, attendance, mandatory training and reminders.

- A ``Course`` is what can be learned, independent of a date: "Morele oordeelsvorming", the integrity workshop for
  managers, an e-learning module's subject. A mandatory ``Requirement`` names a course.
- An ``Event`` is one dated activity: a training session, a workshop, a lecture, a show, a meeting, or an e-learning
  module (available from its date). It may belong to a course; attending it completes that course.
- A ``Registration`` is an employee's place at an event. A withdrawn registration is kept (status), so that one row
  per person and event is enough: the unique constraint makes a double registration impossible.
- An ``Attendance`` records that someone took part: checked on the attendance list, an e-learning module they marked
  done, or an imported record. A person's learning record is their attendances; nothing else is stored about them.
- A ``Reminder`` is one reminder about a mandatory training that was planned and then sent once.

Times are local (Europe/Amsterdam, ``TIME_ZONE``): an event has a date and optional start and end times, as people
write them in an invitation. ``starts_at`` gives the aware datetime where one is needed (the calendar files).
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plein.core.models import Employee, Organisation

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens and underscores only, for example MOO-2025-03."),
)


class Kind(models.TextChoices):
    """The kinds of activity. The codes are the ones the import uses (``soort``) and are stable."""

    TRAINING = "training", pgettext_lazy("kind of activity", "Training")
    WORKSHOP = "workshop", pgettext_lazy("kind of activity", "Workshop")
    LECTURE = "lezing", pgettext_lazy("kind of activity", "Lecture")
    SHOW = "voorstelling", pgettext_lazy("kind of activity", "Show")
    MEETING = "bijeenkomst", pgettext_lazy("kind of activity", "Meeting")
    ELEARNING = "e-learning", pgettext_lazy("kind of activity", "E-learning")


class Course(models.Model):
    """Something to learn, offered in one or more events (sessions or an e-learning module)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="learning_courses")
    code = models.CharField(_("code"), max_length=50, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="learning_unique_course_code")]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="learning_events")
    # The code links imported attendance to the event (import_events / import_attendance); empty for events made here.
    code = models.CharField(_("code"), max_length=50, blank=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("course"),
        help_text=_("Taking part completes this course, for example for a mandatory training."),
    )
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"), help_text=_("For an e-learning module: the day it becomes available."))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Only for an activity of several days, or the last day an e-learning module is available."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty when there is no limit."),
    )
    audience = models.CharField(
        _("for whom"), max_length=200, blank=True, help_text=_("For example: all employees, or managers.")
    )
    organiser = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("For example: the works council (Ondernemingsraad).")
    )
    led_by = models.CharField(_("led by"), max_length=200, blank=True)
    registration_required = models.BooleanField(
        _("registration"), default=True, help_text=_("Employees register for a place in advance.")
    )
    in_public_feed = models.BooleanField(
        _("in the public calendar"),
        default=True,
        help_text=_("Shown in the calendar feed that calendar apps can subscribe to without logging in."),
    )
    # E-learning: a link to the module, or a package that we serve ourselves as a download.
    module_url = models.URLField(_("link to the module"), blank=True)
    module_file = models.FileField(_("module package"), upload_to="learning/modules/", blank=True)
    # People who keep the attendance list of this event, besides HR and the integrity coordinator.
    hosts = models.ManyToManyField(
        Employee, blank=True, related_name="hosted_learning_events", verbose_name=_("attendance kept by")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("learning activity", "event")
        verbose_name_plural = _("events")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], condition=~Q(code=""), name="learning_unique_event_code"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="learning_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="learning_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("learning:event_detail", kwargs={"pk": self.pk})

    @property
    def url(self) -> str:
        return self.get_absolute_url()

    @property
    def is_elearning(self) -> bool:
        return self.kind == Kind.ELEARNING

    @property
    def starts_at(self) -> datetime | None:
        """The start as an aware datetime, or None for an event without a start time."""
        if self.start_time is None:
            return None
        return timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime | None:
        if self.end_time is None:
            return None
        return timezone.make_aware(datetime.combine(self.end_date or self.date, self.end_time))

    @property
    def start(self) -> datetime | object:
        """The start as shown in lists: the moment when there is a start time, else the day."""
        return self.starts_at or self.date

    @property
    def last_day(self):
        return self.end_date or self.date

    def has_begun(self, now: datetime) -> bool:
        """Whether the event has started at ``now`` (an event without a time starts at the end of its day)."""
        if self.start_time is None:
            return timezone.localdate(now) > self.date
        return now >= timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def has_module(self) -> bool:
        return bool(self.module_url or self.module_file)


class Registration(models.Model):
    """An employee's place at an event. Withdrawing keeps the row; registering again re-opens it."""

    class Status(models.TextChoices):
        REGISTERED = "aangemeld", _("Registered")
        WITHDRAWN = "afgemeld", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="learning_registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="learning_one_registration_per_event")
        ]
        indexes = [models.Index(fields=["event", "status"]), models.Index(fields=["employee", "status"])]

    def __str__(self) -> str:
        return f"{self.employee} → {self.event}"


class Attendance(models.Model):
    """That an employee took part in an event (or completed an e-learning module), and on which day."""

    class Source(models.TextChoices):
        LIST = "presentielijst", _("Attendance list")
        SELF = "zelf", _("Marked as done by the employee")
        IMPORT = "import", _("Imported")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="learning_attendances")
    attended_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-attended_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "employee"], name="learning_one_attendance_per_event")]
        indexes = [models.Index(fields=["employee", "attended_on"]), models.Index(fields=["event", "attended_on"])]

    def __str__(self) -> str:
        return f"{self.employee} @ {self.event}"


class Requirement(models.Model):
    """A mandatory course for a target group.

    Who: ``audience`` (all employees, or managers: an account with the manager role, people with direct reports, or a
    position listed in ``LEARNING_MANAGER_POSITION_CODES``), and with ``new_starters_only`` only those who started on
    or after ``applies_from``. When: within ``due_months`` months of the later of their start date and
    ``applies_from``. Done: they attended an event of the course (at any time).
    """

    class Audience(models.TextChoices):
        ALL = "iedereen", _("All employees")
        MANAGERS = "leidinggevenden", _("Managers (manager role or a managerial position)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="learning_requirements")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("course"))
    audience = models.CharField(_("for whom"), max_length=20, choices=Audience.choices, default=Audience.ALL)
    new_starters_only = models.BooleanField(
        _("only new starters"),
        default=False,
        help_text=_("Only people who started on or after the date below."),
    )
    applies_from = models.DateField(_("in force from"))
    due_months = models.PositiveSmallIntegerField(
        _("months to complete it"),
        validators=[MinValueValidator(1)],
        help_text=_("Counted from the start date, or from the date in force for people who were already here."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mandatory training")
        verbose_name_plural = _("mandatory trainings")
        ordering = ["course__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "course", "audience"],
                condition=Q(is_active=True),
                name="learning_one_active_requirement",
            ),
            models.CheckConstraint(condition=Q(due_months__gte=1), name="learning_due_months_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.get_audience_display()})"


class Reminder(models.Model):
    """One reminder about a mandatory training, planned and then sent once.

    The unique constraint makes planning idempotent; ``sent_at`` under a row lock makes sending idempotent.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="learning_reminders")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="reminders")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="learning_reminders")
    due_date = models.DateField(_("due date"))
    offset_days = models.IntegerField(_("days from the due date"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "employee", "due_date", "offset_days"], name="learning_unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.requirement_id} {self.due_date} {self.offset_days:+d}"
