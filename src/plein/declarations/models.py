"""Verklaringen: outside activities, financial interests, and gifts and invitations.

* ``OutsideActivity`` is a declaration of an outside activity (nevenfunctie) by an employee, or by a ``Candidate`` at
  the employment-terms interview. Its current state is on the row; ``ActivityEvent`` is the append-only history
  (every declaration, change, advice, decision, objection, confirmation and ending is a new event, never edited).
* ``Candidate`` is a person who is not in service yet. HR or the integrity coordinator records their declarations
  before the start date; on hiring, ``services.attach_candidate`` moves them to the employee.
* ``Campaign`` is the yearly round in which employees confirm or update their declarations; ``Participant`` is one
  person in it (their confirmation is recorded there) and ``CampaignReminder`` one reminder sent to them.
* ``FinancialInterest`` is a financial interest or a securities transaction of an employee in a designated position;
  ``FinancialStatement`` records that someone declared their financial interests complete (or that they have none).
* ``Gift`` is a gift or invitation, received or offered.

Rows are written only through ``plein.declarations.services``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import Employee, Organisation, OrgUnit, Position

MAX_HOURS_PER_MONTH = 744  # 31 days x 24 hours


class AppendOnlyError(RuntimeError):
    """History rows are never changed or deleted (only cascaded away with the person they belong to)."""


class Decision(models.TextChoices):
    """The decision on an outside activity. The codes are stable: exports, the import and the figures use them."""

    PENDING = "in_behandeling", _("Being assessed")
    ALLOWED = "toegestaan", _("Allowed")
    ALLOWED_WITH_CONDITIONS = "toegestaan_onder_voorwaarden", _("Allowed with conditions")
    REFUSED = "geweigerd", _("Refused")


ALLOWING = (Decision.ALLOWED, Decision.ALLOWED_WITH_CONDITIONS)
FINAL_DECISIONS = (Decision.ALLOWED, Decision.ALLOWED_WITH_CONDITIONS, Decision.REFUSED)


class Candidate(models.Model):
    """Someone who is not in service yet, met at the employment-terms interview."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    first_name = models.CharField(_("first name"), max_length=100)
    infix = models.CharField(_("infix"), max_length=30, blank=True)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    position = models.ForeignKey(
        Position, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("position")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    start_date = models.DateField(_("planned start date"))
    interview_on = models.DateField(_("employment-terms interview on"))
    has_no_activities = models.BooleanField(_("has no outside activities"), default=False)
    employee = models.OneToOneField(
        Employee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declarations_candidate",
        verbose_name=_("employee"),
    )
    hired_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["start_date", "last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interview_on__lte=models.F("start_date")), name="declarations_interview_before_start"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.infix, self.last_name) if part)


class OutsideActivity(models.Model):
    """A declared outside activity (nevenfunctie), with its current state. History: ``ActivityEvent``."""

    class Status(models.TextChoices):
        AWAITING_ADVICE = "advies", _("Waiting for advice from the integrity coordinator")
        AWAITING_DECISION = "beoordeling", _("Waiting for the manager's decision")
        DECIDED = "besloten", _("Decided")

    class Source(models.TextChoices):
        EMPLOYEE = "medewerker", _("Declared by the employee")
        INTERVIEW = "gesprek", _("Recorded at the employment-terms interview")
        IMPORT = "import", _("Imported")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outside_activities",
        verbose_name=_("employee"),
    )
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("candidate"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.EMPLOYEE)
    declared_on = models.DateField(_("declaration date"))
    external_organisation = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role or activity"), max_length=300)
    paid = models.BooleanField(_("paid"))
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month"), validators=[MinValueValidator(0), MaxValueValidator(MAX_HOURS_PER_MONTH)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    relation_to_work = models.TextField(_("relation to your own work"), blank=True)
    # Risk questions. None: not answered (imported declarations).
    conflict_of_interest = models.BooleanField(_("possible conflict of interest"), null=True)
    uses_information = models.BooleanField(_("uses information from work"), null=True)
    time_burden = models.BooleanField(_("affects working hours or availability"), null=True)
    reputation_risk = models.BooleanField(_("risk for the reputation of the organisation"), null=True)
    risk_explanation = models.TextField(_("explanation of the risks"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    advice_needed = models.BooleanField(_("advice of the integrity coordinator needed"), default=False)
    advice = models.TextField(_("advice"), blank=True)
    advice_on = models.DateField(_("advice given on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=40, choices=Decision.choices, default=Decision.PENDING)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_on = models.DateField(_("end recorded on"), null=True, blank=True)
    last_confirmed_on = models.DateField(_("last confirmed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outside activity")
        verbose_name_plural = _("outside activities")
        ordering = ["-declared_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="declarations_activity_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_month__gte=0) & Q(hours_per_month__lte=MAX_HOURS_PER_MONTH),
                name="declarations_activity_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(employee__isnull=False) | Q(candidate__isnull=False),
                name="declarations_activity_has_person",
            ),
            models.CheckConstraint(
                condition=(Q(decision="in_behandeling") & Q(decided_on__isnull=True))
                | (~Q(decision="in_behandeling") & Q(decided_on__isnull=False)),
                name="declarations_activity_decision_has_date",
            ),
        ]
        indexes = [
            # The order of the outside-activities register (status, newest first): PostgreSQL walks this index
            # and joins only the rows of the page, instead of joining and sorting every activity (issue 12). Its
            # prefix serves what the (organisation, status) index served.
            models.Index(fields=["organisation", "status", "-declared_on", "-id"], name="decl_activity_order_idx"),
            models.Index(fields=["organisation", "declared_on"]),
            models.Index(fields=["organisation", "decided_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.role} – {self.external_organisation}"

    @property
    def person_name(self) -> str:
        if self.employee_id:
            return self.employee.full_name
        return self.candidate.full_name if self.candidate_id else ""

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DECIDED

    @property
    def is_allowed(self) -> bool:
        return self.decision in ALLOWING

    @property
    def risk_answers(self) -> list[tuple[str, bool | None]]:
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in ("conflict_of_interest", "uses_information", "time_burden", "reputation_risk")
        ]

    @property
    def any_risk(self) -> bool:
        return any(answer for _label, answer in self.risk_answers)

    def has_ended(self, today) -> bool:
        return self.end_date is not None and self.end_date < today


class HistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The declaration history is append-only.")

    def delete(self):
        raise AppendOnlyError("The declaration history is append-only.")


class ActivityEvent(models.Model):
    """One step in the history of an outside activity. Append-only: rows are never changed or deleted."""

    class Kind(models.TextChoices):
        DECLARED = "gemeld", _("Declared")
        RECORDED_AT_INTERVIEW = "gesprek", _("Recorded at the employment-terms interview")
        IMPORTED = "geimporteerd", _("Imported")
        ADVICE_REQUESTED = "advies_gevraagd", _("Advice requested")
        ADVICE_GIVEN = "advies_gegeven", _("Advice given")
        DECIDED = "besloten", _("Decided")
        OBJECTED = "bezwaar", _("Objection")
        CHANGED = "gewijzigd", _("Declaration changed")
        ENDED = "beeindigd", _("Activity ended")
        CONFIRMED = "bevestigd", _("Confirmed")
        ATTACHED = "in_dienst", _("Attached to the employee on hiring")

    activity = models.ForeignKey(OutsideActivity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=40, choices=Decision.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    # The declared fields after this step (for declared, changed and imported events).
    snapshot = models.JSONField(default=dict, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The declaration history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The declaration history is append-only.")


class Campaign(models.Model):
    """The yearly round in which employees confirm or update their declarations."""

    class Scope(models.TextChoices):
        ALL = "iedereen", _("All employees")
        DESIGNATED = "aangewezen", _("Employees in designated positions")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("who takes part"), max_length=20, choices=Scope.choices)
    started_on = models.DateField(_("started on"))
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the participants"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="declarations_one_campaign_per_year"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("started_on")), name="declarations_campaign_deadline_after_start"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Declarations campaign %(year)s") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Participant(models.Model):
    """One person in a campaign; their confirmation is recorded here."""

    class Response(models.TextChoices):
        CONFIRMED = "bevestigd", _("Confirmed that the declarations are complete")
        NONE = "geen", _("Has no outside activities")

    class FinancialResponse(models.TextChoices):
        COMPLETE = "volledig", _("Financial interests declared completely")
        NONE = "geen", _("Has no financial interests to declare")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="declaration_campaigns")
    # The unit when the campaign started, so that completion per unit does not move when people move.
    unit = models.ForeignKey(OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    financial_interests_required = models.BooleanField(default=False)
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True)
    financial_response = models.CharField(
        _("financial interests"), max_length=20, choices=FinancialResponse.choices, blank=True
    )
    activities_confirmed = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign participant")
        verbose_name_plural = _("campaign participants")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee"], name="declarations_one_participation"),
        ]
        indexes = [models.Index(fields=["campaign", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.employee_id}"

    @property
    def is_done(self) -> bool:
        return self.confirmed_at is not None


class CampaignReminder(models.Model):
    """One reminder about an unconfirmed campaign participation. Planned once, sent once (idempotent)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reminders")
    days_before_deadline = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign reminder")
        verbose_name_plural = _("campaign reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "days_before_deadline"], name="declarations_unique_campaign_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.days_before_deadline}"


class FinancialInterest(models.Model):
    """A financial interest or securities transaction. Only the employee and the integrity coordinator see it."""

    class Kind(models.TextChoices):
        INTEREST = "belang", _("Financial interest")
        TRANSACTION = "transactie", _("Securities transaction")

    class Status(models.TextChoices):
        SUBMITTED = "ingediend", _("Waiting for review")
        REVIEWED = "beoordeeld", _("Reviewed")

    class Assessment(models.TextChoices):
        NO_OBJECTION = "geen_bezwaar", _("No objection")
        MEASURES = "maatregelen", _("Measures agreed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="financial_interests")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    institution = models.CharField(_("company or institution"), max_length=200)
    transaction_date = models.DateField(_("transaction date"), null=True, blank=True)
    relation_to_work = models.TextField(_("relation to your own work"), blank=True)
    declared_on = models.DateField(_("declaration date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("financial interest")
        verbose_name_plural = _("financial interests")
        ordering = ["-declared_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="transactie") | Q(transaction_date__isnull=False),
                name="declarations_transaction_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.description


class FinancialStatement(models.Model):
    """An employee declared their financial interests complete, or that they have none."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="financial_statements")
    made_on = models.DateField(_("made on"))
    has_interests = models.BooleanField(_("has financial interests"))
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("financial interests statement")
        verbose_name_plural = _("financial interests statements")
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.made_on}"


class GiftDecision(models.TextChoices):
    """What happens with a gift or invitation. Stable codes, used in exports and figures."""

    PENDING = "in_behandeling", _("Waiting for a decision")
    AUTO_ACCEPTED = "automatisch_geaccepteerd", _("Accepted automatically (up to the threshold)")
    KEEP = "behouden", _("Keep")
    RETURN = "teruggeven", _("Return")
    HAND_OVER = "afgeven_aan_organisatie", _("Hand over to the organisation")


class Gift(models.Model):
    """A gift or invitation, received or offered."""

    class Kind(models.TextChoices):
        GIFT = "geschenk", _("Gift")
        INVITATION = "uitnodiging", _("Invitation")

    class Direction(models.TextChoices):
        RECEIVED = "ontvangen", _("Received")
        OFFERED = "aangeboden", _("Offered")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="gifts")
    kind = models.CharField(_("gift or invitation"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("received or offered"), max_length=20, choices=Direction.choices)
    counterparty = models.CharField(_("from or to whom"), max_length=200)
    description = models.CharField(_("what"), max_length=300)
    occasion = models.CharField(_("occasion"), max_length=300)
    estimated_value = models.DecimalField(_("estimated value in euros"), max_digits=9, decimal_places=2)
    date = models.DateField(_("date"))
    declared_on = models.DateField(_("declaration date"))
    decision = models.CharField(_("decision"), max_length=30, choices=GiftDecision.choices)
    decision_note = models.TextField(_("explanation"), blank=True)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("gift or invitation")
        verbose_name_plural = _("gifts and invitations")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_value__gte=0), name="declarations_gift_value_not_negative"),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self) -> str:
        return self.description

    @property
    def is_pending(self) -> bool:
        return self.decision == GiftDecision.PENDING
