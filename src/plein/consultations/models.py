"""The consultations register: who asked the integrity coordinator or a confidential adviser for advice, about what,
and what was done. No report contents: a consultation is a conversation, recorded by its topic and its outcome.

The topic and action lists are configurable per organisation; their ``code`` is stable (import, export and the annual
report's JSON use it) and their labels come in Dutch and English.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plein.core.models import Organisation

MAX_NOTE_LENGTH = 500
MAX_NAME_LENGTH = 200

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use lowercase letters, digits and _ only, starting with a letter (at most 40 characters)."),
)


class Requester(models.TextChoices):
    """Who asked. The codes are stable (import, export and the annual report)."""

    EMPLOYEE = "medewerker", pgettext_lazy("consultation requester", "Employee")
    MANAGER = "leidinggevende", pgettext_lazy("consultation requester", "Manager")
    EXTERNAL = "extern", pgettext_lazy("consultation requester", "External")


class ConsultationSettings(models.Model):
    """The organisation's choices for the register. Without a row, the defaults apply (no name fields)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="consultation_settings")
    record_names = models.BooleanField(
        _("record the name of the person who asked"),
        default=False,
        help_text=_(
            "Off by default: store only what the register needs. When off, the form and the export have no name."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")

    def __str__(self) -> str:
        return str(self.organisation)


class ListEntry(models.Model):
    """A configurable list entry: a stable code with a Dutch and an English label."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name_nl = models.CharField(_("name in Dutch"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        language = (translation.get_language() or "nl").split("-")[0]
        if language == "nl":
            return self.name_nl or self.name_en
        return self.name_en or self.name_nl


class Topic(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_consultation_topic")]


class Action(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("consultation action")
        verbose_name_plural = _("consultation actions")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_consultation_action")]


class ConsultationQuerySet(models.QuerySet):
    def current(self):
        """Records in the register: removed ones are left out of every list, export and figure."""
        return self.filter(removed_at__isnull=True)


class Consultation(models.Model):
    class Source(models.TextChoices):
        FORM = "formulier", _("Recorded in the register")
        IMPORT = "import", _("Imported")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="consultations")
    date = models.DateField(_("date"))
    requester = models.CharField(_("asked by"), max_length=20, choices=Requester.choices)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("topic"))
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("what was done")
    )
    # The integrity coordinator or confidential adviser who held the conversation; empty for an imported record
    # without a handler.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    note = models.CharField(_("short note"), max_length=MAX_NOTE_LENGTH, blank=True)
    asker_name = models.CharField(_("name of the person who asked"), max_length=MAX_NAME_LENGTH, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FORM)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Removal: the record leaves the register (lists, exports, figures); its note and name are wiped; the reason
    # and who removed it stay in the history.
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organisation", "date"], name="consultation_org_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic.code}"


class ConsultationEvent(models.Model):
    """The history of one record: appended, never edited."""

    class Kind(models.TextChoices):
        CREATED = "aangemaakt", _("Recorded")
        IMPORTED = "geimporteerd", _("Imported")
        CHANGED = "gewijzigd", _("Changed")
        REMOVED = "verwijderd", _("Removed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    # For a change: {field: [old, new]} with codes and dates; the note and the name are marked as changed only.
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"
