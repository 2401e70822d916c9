"""Functies & screening: the inventory of vulnerable positions, their designations, review rounds and screening.

* ``PositionProfile`` holds, for one core ``Position``, its vulnerable actions per VOG screening area (each with a short
  rationale), an overall risk level and the designations (VOG, financial interests, publication of outside activities,
  relevance for ondermijning and cybersecurity), with the reviewer, the review date and the next review due.
* ``PositionProfileHistory`` is the append-only history: every change writes a full snapshot; rows are never updated.
* ``ReviewRound`` / ``ReviewItem``: the IC starts an inventory round; managers review their positions; the IC approves.
* ``VogScreening`` records a certificate of conduct (VOG) without its content: only the dates.
* ``OutsideActivitiesTalk`` records that the talk about outside activities took place at the employment-terms
  interview of a new hire.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import Employee, Organisation, OrgUnit, Position


class Area(models.TextChoices):
    """The VOG screening areas (screeningsprofiel), used for the vulnerable actions of a position."""

    INFORMATION = "informatie", _("Information")
    MONEY = "geld", _("Money")
    GOODS = "goederen", _("Goods")
    SERVICES = "diensten", _("Services")
    BUSINESS_TRANSACTIONS = "zakelijke_transacties", _("Business transactions")
    PROCESS = "proces", _("Process")
    MANAGING = "aansturing", _("Managing the organisation")
    PERSONS = "personen", _("Persons")


AREA_CODES: tuple[str, ...] = tuple(Area.values)


class RiskLevel(models.TextChoices):
    NONE = "geen", _("None")
    LOW = "laag", _("Low")
    MEDIUM = "midden", _("Medium")
    HIGH = "hoog", _("High")


class DesignationKind(models.TextChoices):
    """What a position can be designated for; ``positions_designated_for(kind)`` takes these codes."""

    VOG = "vog", _("Certificate of conduct (VOG) required")
    FINANCIAL_INTERESTS = "financial_interests", _("Report financial interests")
    PUBLISH_OUTSIDE_ACTIVITIES = "publish_outside_activities", _("Publish outside activities")
    ONDERMIJNING = "ondermijning", _("Relevant for subversion resilience (ondermijning)")
    CYBERSECURITY = "cybersecurity", _("Relevant for cybersecurity")


# Designation kind → the boolean field that holds it.
DESIGNATION_FIELDS: dict[str, str] = {
    DesignationKind.VOG: "vog_required",
    DesignationKind.FINANCIAL_INTERESTS: "financial_interests",
    DesignationKind.PUBLISH_OUTSIDE_ACTIVITIES: "publish_outside_activities",
    DesignationKind.ONDERMIJNING: "ondermijning_relevant",
    DesignationKind.CYBERSECURITY: "cybersecurity_relevant",
}
# The designations that put obligations on the holder of the position (and make a new hire need a checklist).
HOLDER_DESIGNATIONS = ("vog_required", "financial_interests", "publish_outside_activities")


def designated_q(prefix: str = "") -> Q:
    """A filter for profiles with any designation that puts obligations on the holder."""
    q = Q()
    for name in HOLDER_DESIGNATIONS:
        q |= Q(**{f"{prefix}{name}": True})
    return q


class PositionProfile(models.Model):
    """The inventory and the designations of one position. Written only through ``plein.positions.services``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    position = models.OneToOneField(
        Position, on_delete=models.CASCADE, related_name="profile", verbose_name=_("position")
    )
    # Area code → a short rationale, for example {"geld": "Approves payments up to € 50,000"}.
    vulnerable_areas = models.JSONField(_("vulnerable actions"), default=dict, blank=True)
    # True when any area has vulnerable actions; kept by the services so that counts need no JSON lookups.
    is_vulnerable = models.BooleanField(default=False, editable=False)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    vog_required = models.BooleanField(_("certificate of conduct (VOG) required"), default=False)
    vog_screening_areas = models.JSONField(_("screening areas to ask for on the VOG"), default=list, blank=True)
    financial_interests = models.BooleanField(_("must report financial interests"), default=False)
    publish_outside_activities = models.BooleanField(_("outside activities are published"), default=False)
    ondermijning_relevant = models.BooleanField(_("relevant for subversion resilience (ondermijning)"), default=False)
    cybersecurity_relevant = models.BooleanField(_("relevant for cybersecurity"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_on = models.DateField(_("review date"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position inventory")
        verbose_name_plural = _("position inventories")
        ordering = ["position__code"]
        indexes = [models.Index(fields=["organisation", "next_review_due"])]

    def __str__(self) -> str:
        return str(self.position)

    @property
    def is_designated(self) -> bool:
        return any(getattr(self, name) for name in HOLDER_DESIGNATIONS)

    def area_rows(self) -> list[tuple[str, str, str]]:
        """(code, label, rationale) for every vulnerable area, in the fixed order of the areas."""
        return [
            (code, label, self.vulnerable_areas[code]) for code, label in Area.choices if code in self.vulnerable_areas
        ]

    def vog_area_labels(self) -> list[str]:
        labels = dict(Area.choices)
        return [str(labels[code]) for code in AREA_CODES if code in self.vog_screening_areas]

    def designation_labels(self) -> list[str]:
        return [str(DesignationKind(kind).label) for kind, name in DESIGNATION_FIELDS.items() if getattr(self, name)]


class AppendOnlyError(RuntimeError):
    pass


class HistoryQuerySet(models.QuerySet):
    """History rows are only ever added: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise AppendOnlyError("Position inventory history is append-only.")

    def delete(self):
        raise AppendOnlyError("Position inventory history is append-only.")


class PositionProfileHistory(models.Model):
    """One change of a position's inventory: a full snapshot after the change. Append-only."""

    class Change(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        REVIEWED = "reviewed", _("Reviewed")
        IMPORTED = "imported", _("Imported")
        ROUND_APPROVED = "round_approved", _("Approved in a review round")

    profile = models.ForeignKey(PositionProfile, on_delete=models.CASCADE, related_name="history")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    change = models.CharField(_("change"), max_length=20, choices=Change.choices)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    snapshot = models.JSONField(default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("position inventory history")
        verbose_name_plural = _("position inventory history")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["profile", "version"], name="unique_profile_history_version")]

    def __str__(self) -> str:
        return f"{self.profile_id} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Position inventory history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Position inventory history is append-only.")


class ReviewRound(models.Model):
    """An inventory round: every position (or every position in a unit) is reviewed by its manager."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Leave empty for all positions of the organisation."),
    )
    # The unit's path when the round started: the round keeps saying what it covered if the unit is removed later.
    unit_path = models.CharField(_("unit"), max_length=1000, blank=True)
    due_date = models.DateField(_("review before"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title


class ReviewItem(models.Model):
    """One position in a review round."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To be reviewed")
        RETURNED = "returned", _("Sent back to the manager")
        SUBMITTED = "submitted", _("Reviewed, waiting for approval")
        APPROVED = "approved", _("Approved")

    OPEN_STATUSES = (Status.PENDING, Status.RETURNED)

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="items")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+", verbose_name=_("position"))
    # The position's unit when the round started, for the progress per unit (the path is kept as text as well).
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    unit_path = models.CharField(_("unit"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # About the position, not about people: why it was sent back, or what the manager wants the IC to know.
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("position in a review round")
        verbose_name_plural = _("positions in a review round")
        ordering = ["position__code"]
        constraints = [models.UniqueConstraint(fields=["round", "position"], name="unique_round_position")]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round} – {self.position}"


class VogScreening(models.Model):
    """A certificate of conduct (VOG) for one person: only dates, never the content of the certificate."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="vog_screenings", verbose_name=_("employee")
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for position"),
    )
    requested_on = models.DateField(_("VOG requested on"))
    received_on = models.DateField(_("VOG received on"), null=True, blank=True)
    valid_from = models.DateField(_("VOG valid from"), null=True, blank=True, help_text=_("The date on the VOG."))
    rescreening_due = models.DateField(_("re-screening due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("VOG screening")
        verbose_name_plural = _("VOG screenings")
        ordering = ["-requested_on", "-pk"]
        indexes = [models.Index(fields=["employee", "received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=models.F("requested_on")),
                name="vog_received_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(received_on__isnull=False),
                name="vog_valid_from_needs_received",
            ),
        ]

    def __str__(self) -> str:
        return f"VOG {self.employee_id} {self.requested_on}"

    def is_valid_on(self, day) -> bool:
        return (
            self.received_on is not None
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.rescreening_due is None or self.rescreening_due > day)
        )


class OutsideActivitiesTalk(models.Model):
    """The talk about outside activities at a new hire's employment-terms interview took place (date only)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="outside_activities_talk", verbose_name=_("employee")
    )
    held_on = models.DateField(_("talk held on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outside activities talk")
        verbose_name_plural = _("outside activities talks")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.held_on}"
