"""Moreel beraad: facilitators, requests, methods (as data, with versions), sessions, the case library and the
dilemma of the month.

Confidentiality is part of the model. A request's situation is seen by the requester, the integrity coordinator and the
assigned facilitators. A session's content (everything below ``Session`` except ``Action`` and ``Participant``) is seen
by its facilitators and participants only, and is deleted after the retention period (``services.purge_expired_content``);
the agreed actions, the participant list and the figures stay. The case library holds anonymised dilemmas only.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plein.core.models import Employee, Organisation, OrgUnit


class Theme(models.TextChoices):
    """What a request, a session or a library dilemma is about. Used for the figures and to search the library."""

    CONFLICT_OF_INTEREST = "belangenverstrengeling", _("Conflicts of interest")
    GIFTS = "geschenken", _("Gifts and invitations")
    EXPRESSION = "meningsuiting", _("Freedom of expression and demonstrating")
    INFORMATION = "informatie", _("Confidential information")
    LOYALTY = "loyaliteit", _("Loyalty to colleagues and the organisation")
    CITIZENS = "burgers", _("Dealing with residents and businesses")
    RULES = "regels", _("Rules versus what feels right")
    LEADERSHIP = "leiderschap", _("Leadership and decisions")
    PRIVATE_LIFE = "prive", _("Private life and social media")
    OTHER = "anders", _("Other")


class Capture(models.TextChoices):
    """The structured parts of a session record. A method step says which parts are filled in at that step."""

    CASE = "casus", _("The case")
    DILEMMA = "dilemma", _("The dilemma: A versus B")
    FACTS = "feiten", _("Facts and open questions")
    STAKEHOLDERS = "betrokkenen", _("Stakeholders: rights, interests and wishes")
    VALUES = "waarden", _("Values and norms")
    OPTIONS = "opties", _("Options")
    CHOICES = "keuzes", _("Each participant's argued choice")
    MATRIX = "weging", _("Weighing matrix")
    CONCLUSIONS = "conclusies", _("Conclusions and actions")
    EVALUATION = "evaluatie", _("Evaluation")


# --- facilitators ---------------------------------------------------------------------------------------------------


class Facilitator(models.Model):
    """An employee in the register of facilitators (procesbegeleiders moreel beraad)."""

    class Training(models.TextChoices):
        IN_TRAINING = "in_opleiding", _("In training")
        CERTIFIED = "gecertificeerd", _("Certified")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="facilitators")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="facilitator_records", verbose_name=_("employee")
    )
    training_status = models.CharField(
        _("training"), max_length=20, choices=Training.choices, default=Training.IN_TRAINING
    )
    training_started_on = models.DateField(_("training started on"))
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    available = models.BooleanField(_("available for new sessions"), default=True)
    availability = models.CharField(
        _("availability"),
        max_length=300,
        blank=True,
        help_text=_("For example: Tuesdays and Thursdays, not in July."),
    )
    stopped_on = models.DateField(
        _("stopped on"), null=True, blank=True, help_text=_("Fill in when this person no longer leads sessions.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        ordering = ["employee__last_name", "employee__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "employee"], name="deliberation_one_facilitator_record"),
            models.CheckConstraint(
                condition=Q(training_status="gecertificeerd", certified_on__isnull=False)
                | Q(training_status="in_opleiding", certified_on__isnull=True),
                name="deliberation_certified_has_date",
            ),
            models.CheckConstraint(
                condition=Q(certified_on__isnull=True) | Q(certified_on__gte=models.F("training_started_on")),
                name="deliberation_certified_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.employee.full_name

    def is_active(self, on) -> bool:
        """Registered on ``on`` and not stopped: in training or certified."""
        return self.training_started_on <= on and (self.stopped_on is None or self.stopped_on > on)


# --- methods --------------------------------------------------------------------------------------------------------


class Method(models.Model):
    """A way of holding a session. Its content lives in versions; a change is a new version.

    ``organisation`` is empty for the built-in methods, which every organisation sees (data migration 0002).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="deliberation_methods"
    )
    key = models.SlugField(_("key"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="deliberation_unique_method_key"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(organisation__isnull=True), name="deliberation_unique_builtin_key"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class MethodVersion(models.Model):
    """One version of a method: its name, explanation and steps. Never edited once a session may use it.

    ``organisation`` is empty for a built-in version; an organisation's own change of a method is a version with
    that organisation, and only that organisation sees it.
    """

    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="versions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("what it is"), blank=True)
    suited_for = models.CharField(_("suited for"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("method version")
        verbose_name_plural = _("method versions")
        ordering = ["method", "-number"]
        constraints = [models.UniqueConstraint(fields=["method", "number"], name="deliberation_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


class MethodStep(models.Model):
    version = models.ForeignKey(MethodVersion, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    title = models.CharField(_("title"), max_length=200)
    instruction = models.TextField(_("instruction for the facilitator"), blank=True)
    questions = models.TextField(_("guiding questions"), blank=True, help_text=_("One question per line."))
    # Codes of ``Capture``: the parts of the record that are filled in at this step.
    captures = models.JSONField(_("what is recorded"), default=list, blank=True)

    class Meta:
        verbose_name = _("method step")
        verbose_name_plural = _("method steps")
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="deliberation_unique_step")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def capture_labels(self) -> list[str]:
        return [str(Capture(code).label) for code in self.captures if code in Capture.values]

    @property
    def capture_items(self) -> list[tuple[str, str]]:
        """(code, label) of each part of the record filled in at this step."""
        return [(code, str(Capture(code).label)) for code in self.captures if code in Capture.values]


# --- requests -------------------------------------------------------------------------------------------------------


class DeliberationRequest(models.Model):
    """A confidential request for a moral deliberation session, by an employee or a manager."""

    class Urgency(models.TextChoices):
        LOW = "geen_haast", _("No hurry: within two months")
        NORMAL = "binnen_maand", _("Within a month")
        HIGH = "spoed", _("Urgent: within two weeks")

    class Status(models.TextChoices):
        SUBMITTED = "ingediend", _("Waiting for the coordinator")
        PLANNED = "ingepland", _("Planned")
        DECLINED = "afgewezen", _("Declined")
        WITHDRAWN = "ingetrokken", _("Withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="deliberation_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="deliberation_requests"
    )
    requester = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requester")
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    situation = models.TextField(_("situation"), blank=True)
    team = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    team_description = models.CharField(_("group"), max_length=200, blank=True)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    preferred_dates = models.CharField(_("preferred dates"), max_length=500, blank=True)
    expected_participants = models.PositiveSmallIntegerField(
        _("number of participants"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    content_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for moral deliberation")
        verbose_name_plural = _("requests for moral deliberation")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{_('Request')} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("deliberation:request_detail", args=[self.pk])

    @property
    def group_label(self) -> str:
        return self.team_description or (self.team.name if self.team_id else "")


# --- sessions -------------------------------------------------------------------------------------------------------


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "gepland", _("Planned")
        RUNNING = "bezig", _("In progress")
        HELD = "gehouden", _("Held")
        CANCELLED = "geannuleerd", _("Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="deliberation_sessions")
    request = models.OneToOneField(
        DeliberationRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="session"
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("No names and no details of the case: the coordinator sees the title in the overview."),
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    team = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    method_version = models.ForeignKey(
        MethodVersion, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("method")
    )
    facilitators = models.ManyToManyField(Facilitator, related_name="sessions", verbose_name=_("facilitators"))
    scheduled_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    current_step = models.PositiveSmallIntegerField(default=1)
    join_code = models.CharField(max_length=8, blank=True)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    participant_count = models.PositiveSmallIntegerField(default=0)
    content_deleted_at = models.DateTimeField(null=True, blank=True)
    # Content (deleted after the retention period).
    case_description = models.TextField(_("the case"), blank=True)
    dilemma_question = models.TextField(_("the dilemma in one question"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-scheduled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["join_code"], condition=~Q(join_code=""), name="deliberation_unique_join_code"
            ),
            models.CheckConstraint(
                condition=~Q(status="gehouden") | Q(held_on__isnull=False), name="deliberation_held_has_date"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "held_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:workspace", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.RUNNING)

    def code_is_valid(self, now) -> bool:
        return bool(self.join_code) and self.join_code_expires_at is not None and now < self.join_code_expires_at


class Participant(models.Model):
    """Someone taking part in a session: invited, and joined once they entered the code (or were marked present)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("employee"))
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["employee__last_name", "employee__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "employee"], name="deliberation_one_participation")]

    def __str__(self) -> str:
        return self.employee.full_name


class SessionItem(models.Model):
    """Something recorded in a session. ``added_by`` is the participant who added it from their device (empty when the
    facilitator recorded it)."""

    added_by = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["pk"]


class Fact(SessionItem):
    class Kind(models.TextChoices):
        FACT = "feit", _("Fact")
        QUESTION = "vraag", _("Open question")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FACT)
    text = models.CharField(_("text"), max_length=500)

    class Meta(SessionItem.Meta):
        verbose_name = _("fact or open question")
        verbose_name_plural = _("facts and open questions")

    def __str__(self) -> str:
        return self.text


class Stakeholder(SessionItem):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("who"), max_length=200)
    rights = models.CharField(_("rights"), max_length=500, blank=True)
    interests = models.CharField(_("interests"), max_length=500, blank=True)
    wishes = models.CharField(_("wishes"), max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )

    class Meta(SessionItem.Meta):
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name


class ValueNorm(SessionItem):
    class Kind(models.TextChoices):
        VALUE = "waarde", _("Value")
        NORM = "norm", _("Norm")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="values")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VALUE)
    text = models.CharField(_("text"), max_length=300)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )

    class Meta(SessionItem.Meta):
        verbose_name = _("value or norm")
        verbose_name_plural = _("values and norms")

    def __str__(self) -> str:
        return self.text


class Option(SessionItem):
    """A course of action. ``side`` marks the two horns of the dilemma (A and B); other options are alternatives."""

    class Side(models.TextChoices):
        A = "a", "A"
        B = "b", "B"
        NONE = "", _("Alternative")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="options")
    side = models.CharField(max_length=1, choices=Side.choices, blank=True, default="")
    text = models.CharField(_("option"), max_length=300)
    cost = models.CharField(
        _("what it costs"), max_length=500, blank=True, help_text=_("The damage or the price of choosing this.")
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["pk"]  # the selectors put A and B first
        constraints = [
            models.UniqueConstraint(fields=["session", "side"], condition=~Q(side=""), name="deliberation_one_side")
        ]

    def __str__(self) -> str:
        return f"{self.side.upper()}: {self.text}" if self.side else self.text


class Choice(models.Model):
    """A participant's argued choice: "I choose … because of the value … despite …"."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="choices")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="choices", verbose_name=_("I choose"))
    because = models.CharField(_("because of the value"), max_length=300)
    despite = models.CharField(_("despite"), max_length=300, blank=True)
    limit_damage = models.CharField(_("how I limit the damage"), max_length=500, blank=True)
    needs = models.CharField(_("what I need"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("argued choice")
        verbose_name_plural = _("argued choices")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="deliberation_one_choice")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.option_id}"


class Score(models.Model):
    """One cell of the weighing matrix: how an option serves a stakeholder or a value, from -2 to +2."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="scores")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="scores")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    value = models.ForeignKey(ValueNorm, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.SmallIntegerField(validators=[MinValueValidator(-2), MaxValueValidator(2)])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.CheckConstraint(
                condition=Q(stakeholder__isnull=False, value__isnull=True)
                | Q(stakeholder__isnull=True, value__isnull=False),
                name="deliberation_score_one_criterion",
            ),
            models.CheckConstraint(condition=Q(score__gte=-2, score__lte=2), name="deliberation_score_range"),
            models.UniqueConstraint(
                fields=["option", "stakeholder"], condition=Q(stakeholder__isnull=False), name="deliberation_score_s"
            ),
            models.UniqueConstraint(
                fields=["option", "value"], condition=Q(value__isnull=False), name="deliberation_score_v"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option_id}: {self.score:+d}"


class Action(models.Model):
    """An agreed action with its owner. Kept after the session's content is deleted."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.CharField(_("who"), max_length=200)
    due_on = models.DateField(_("by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


# --- the case library (moresprudentie) -------------------------------------------------------------------------------


class LibraryEntry(models.Model):
    """An anonymised dilemma with its considerations: no names, no team. Proposed by a facilitator (or the
    coordinator), published after the coordinator's review."""

    class Status(models.TextChoices):
        PROPOSED = "voorgesteld", _("Waiting for review")
        RETURNED = "teruggestuurd", _("Returned for changes")
        PUBLISHED = "gepubliceerd", _("Published")
        WITHDRAWN = "ingetrokken", _("Withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="library_entries")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    situation = models.TextField(_("situation"), help_text=_("The case told without names, teams or dates."))
    question = models.CharField(_("the dilemma in one question"), max_length=300)
    option_a = models.CharField(_("option A"), max_length=300)
    option_b = models.CharField(_("option B"), max_length=300)
    considerations = models.TextField(
        _("considerations"), help_text=_("Who is involved, which values play a part, what weighs heavily and why.")
    )
    use_at_ceremonies = models.BooleanField(_("suitable for oath ceremonies"), default=False)
    use_in_trainings = models.BooleanField(_("suitable for trainings"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # Only while under review; cleared at publication, so that the library holds no link to a team or a person.
    source_session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note for the facilitator"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("library dilemma")
        verbose_name_plural = _("library dilemmas")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], condition=Q(number__isnull=False), name="deliberation_entry_number"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:library_entry", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"MB-{self.number:03d}" if self.number else ""


def new_poll_secret() -> bytes:
    return secrets.token_bytes(32)


class MonthlyDilemma(models.Model):
    """A library dilemma chosen as the dilemma of the month, with an anonymous poll: what would you choose?

    Unlinkable by construction: a vote adds one to a ``MonthlyOption`` tally (no row per vote, so no row order or time
    that could be matched), and a separate ``MonthlyVoter`` row holds HMAC-SHA256(``secret``, employee id) to refuse a
    second vote. No table holds both a voter and a choice. The secret is wiped when a later dilemma takes over.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="monthly_dilemmas")
    entry = models.ForeignKey(LibraryEntry, on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("month"))
    question = models.CharField(_("poll question"), max_length=300)
    secret = models.BinaryField(max_length=32, default=new_poll_secret, editable=False)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dilemma of the month")
        verbose_name_plural = _("dilemmas of the month")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="deliberation_one_dilemma_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="deliberation_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.entry}"


class MonthlyOption(models.Model):
    monthly = models.ForeignKey(MonthlyDilemma, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    # The tally, incremented in the database (F() + 1); there is no row per vote.
    votes = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["monthly", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class MonthlyVoter(models.Model):
    """ "This employee has voted", as a keyed hash, without the choice or the time. The key is random."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    monthly = models.ForeignKey(MonthlyDilemma, on_delete=models.CASCADE, related_name="voters")
    marker = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("poll participation")
        verbose_name_plural = _("poll participations")
        constraints = [models.UniqueConstraint(fields=["monthly", "marker"], name="deliberation_one_vote")]

    def __str__(self) -> str:
        return f"{self.monthly_id}:{self.marker[:8]}"
