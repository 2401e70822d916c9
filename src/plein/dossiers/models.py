"""Case handling (Dossiers): the handling side of the reporting channel.

The reporter side, the report's content and all cryptography stay in ``plein.reports``; this app adds what a team
needs to work a report from receipt to closure (see ``docs/adr/0004-dossiers-app.md``).

CONTRACT (relied on by retention and statistics; keep stable)
-------------------------------------------------------------
``Case``
    One per ``reports.Report`` (``report.case``), created in the same transaction as the report.
    ``stage``: one of ``Stage`` (ontvangen, ontvangstbevestiging, beoordeling, onderzoek, besluit, terugkoppeling,
    afgesloten, doorverwezen, niet_ontvankelijk). ``category``: a code of the organisation's category list
    (``CaseCategory``, defaults in ``DEFAULT_CATEGORIES``), blank while unclassified. ``outcome``: one of ``Outcome``
    (substantiated, partly_substantiated, not_substantiated, not_investigated), blank until decided.
    ``legal_hold`` / ``legal_hold_reason`` / ``legal_hold_set_at`` / ``legal_hold_set_by``: a hold stops retention.
    ``purged_at``: set when retention removed the contents.
    Statistics use ``Case.stage``, ``category``, ``outcome`` and ``report.channel``, ``report.received_at``,
    ``report.acknowledged_at``, ``report.closed_at``; the services of this app keep the ``Report`` fields (status,
    category, outcome, acknowledge_before, feedback_before, acknowledged_at, closed_at) in sync. A case is closed when
    its stage is terminal (afgesloten, doorverwezen, niet_ontvankelijk): then ``report.closed_at`` is set.

``CaseEvent``
    The append-only timeline (``case.events``): ``kind``, ``stage_from``/``stage_to``, ``actor`` (null for the
    reporter or the system), ``created_at``, ``data`` (plain codes only, never content) and ``ciphertext``: the "why"
    or other content, a SecretBox ciphertext under the report key (like ``reports.Message``). An empty ciphertext means
    "no text" for a fresh event and "removed by retention" once ``case.purged_at`` is set; the templates show it so.

Content fields that retention blanks (all ciphertexts under the report key, in this app):
    ``CaseEvent.ciphertext``, ``OralRecordVersion.ciphertext``, ``RevealRequest.ciphertext``.
Everything else here is plain metadata: stages, dates, codes, who did what.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plein.core.models import Organisation


class Stage(models.TextChoices):
    ONTVANGEN = "ontvangen", pgettext_lazy("case stage", "Received")
    ONTVANGSTBEVESTIGING = "ontvangstbevestiging", pgettext_lazy("case stage", "Receipt confirmed")
    BEOORDELING = "beoordeling", pgettext_lazy("case stage", "Assessment")
    ONDERZOEK = "onderzoek", pgettext_lazy("case stage", "Investigation")
    BESLUIT = "besluit", pgettext_lazy("case stage", "Decision")
    TERUGKOPPELING = "terugkoppeling", pgettext_lazy("case stage", "Feedback to the reporter")
    AFGESLOTEN = "afgesloten", pgettext_lazy("case stage", "Closed")
    DOORVERWEZEN = "doorverwezen", pgettext_lazy("case stage", "Referred")
    NIET_ONTVANKELIJK = "niet_ontvankelijk", pgettext_lazy("case stage", "Not admissible")


TERMINAL_STAGES = (Stage.AFGESLOTEN, Stage.DOORVERWEZEN, Stage.NIET_ONTVANKELIJK)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY_SUBSTANTIATED = "partly_substantiated", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    NOT_INVESTIGATED = "not_investigated", _("Not investigated")


class Investigation(models.TextChoices):
    NONE = "", _("Not decided")
    INTERNAL = "internal", _("Internal investigators")
    EXTERNAL = "external", _("External agency")


class Referral(models.TextChoices):
    NONE = "", _("Not referred")
    MANAGER = "manager", _("To a manager")
    EXTERNAL_AUTHORITY = "external_authority", _("To an external authority")


class CaseCategory(models.Model):
    """A violation category of an organisation. The code is stable (statistics and exports use it)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="case_categories")
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")
        ordering = ["order", "label"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_case_category_code")]

    def __str__(self) -> str:
        return self.label


class ChannelWorkflow(models.Model):
    """Per-channel handling set-up. Without a row (or with empty values) the defaults of ``workflow.py`` apply."""

    channel = models.OneToOneField("reports.Channel", on_delete=models.CASCADE, related_name="workflow")
    # {"<from stage>": {"<to stage>": ["<role code>", ...]}}; empty means the default transitions.
    transitions = models.JSONField(_("transitions"), default=dict, blank=True)
    acknowledgement_days = models.PositiveSmallIntegerField(_("days to confirm receipt"), null=True, blank=True)
    feedback_months = models.PositiveSmallIntegerField(_("months to give feedback"), null=True, blank=True)
    acknowledgement_reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the receipt deadline"), default=2
    )
    feedback_reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the feedback deadline"), default=14
    )
    max_extension_months = models.PositiveSmallIntegerField(_("longest extension (months)"), default=3)
    regulation_url = models.URLField(_("regulation (web address)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("channel workflow")
        verbose_name_plural = _("channel workflows")

    def __str__(self) -> str:
        return f"{self.channel}"


class Case(models.Model):
    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="case")
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.ONTVANGEN, db_index=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    # Deadlines (dates in Europe/Amsterdam). They only ever move forward.
    acknowledge_due = models.DateField(_("confirm receipt before"), db_index=True)
    # Empty until receipt is confirmed: the feedback term runs from the acknowledgement (Wbk).
    feedback_due = models.DateField(_("give feedback before"), null=True, blank=True, db_index=True)
    feedback_given_at = models.DateTimeField(_("feedback given"), null=True, blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_due_before_extension = models.DateField(_("feedback deadline before the extension"), null=True, blank=True)
    investigation = models.CharField(
        _("investigated by"), max_length=20, choices=Investigation.choices, blank=True, default=""
    )
    external_agency = models.CharField(_("external agency"), max_length=200, blank=True)
    referral = models.CharField(_("referred"), max_length=30, choices=Referral.choices, blank=True, default="")
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision-maker"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=200, blank=True)
    legal_hold_set_at = models.DateTimeField(null=True, blank=True)
    legal_hold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purged_at = models.DateTimeField(_("contents removed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-report__received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=[s.value for s in Stage]), name="case_stage_is_known"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in Outcome]), name="case_outcome_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}"

    @property
    def is_closed(self) -> bool:
        return self.stage in TERMINAL_STAGES

    @property
    def extended(self) -> bool:
        return self.extended_at is not None


class CaseEvent(models.Model):
    """One step on a case's timeline. Append-only: never updated (retention only blanks ``ciphertext``)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Report received")
        STAGE = "stage", _("Stage changed")
        ACKNOWLEDGED = "acknowledged", _("Receipt confirmed")
        LETTER = "letter", _("Acknowledgement letter sent")
        NOTE = "note", _("Note")
        CLASSIFIED = "classified", _("Category set")
        INVESTIGATION = "investigation", _("Investigation arranged")
        DECISION = "decision", _("Decision recorded")
        EXTENSION = "extension", _("Feedback deadline extended")
        ASSIGNED = "assigned", _("Assigned")
        UNASSIGNED = "unassigned", _("Assignment ended")
        EXCLUDED = "excluded", _("Handler excluded")
        ACCESS = "access", _("Access granted")
        ORAL = "oral", _("Oral report registered")
        ORAL_VERSION = "oral_version", _("Oral report corrected")
        ORAL_SHARED = "oral_shared", _("Oral report shared with the reporter")
        ORAL_APPROVED = "oral_approved", _("Oral report approved by the reporter")
        REVEAL_REQUESTED = "reveal_requested", _("Identity reveal requested")
        REVEAL_APPROVED = "reveal_approved", _("Identity reveal approved")
        REVEAL_REJECTED = "reveal_rejected", _("Identity reveal refused")
        REVEAL_CONSENT = "reveal_consent", _("Reporter consented to reveal their identity")
        REVEALED = "revealed", _("Identity revealed")
        REMINDER = "reminder", _("Deadline reminder sent")
        ESCALATION = "escalation", _("Missed deadline escalated")
        LEGAL_HOLD = "legal_hold", _("Legal hold changed")
        PURGED = "purged", _("Contents removed by retention")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    stage_from = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    stage_to = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict, blank=True)  # plain codes only (a category, an outcome, a date)
    ciphertext = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class Assignment(models.Model):
    """A team member working a case. Ended assignments stay (``ended_at``), so the history is kept."""

    class Kind(models.TextChoices):
        HANDLER = "handler", _("Case handler")
        INVESTIGATOR = "investigator", _("Investigator")
        STAND_IN = "stand_in", _("Stand-in")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments")
    kind = models.CharField(_("as"), max_length=20, choices=Kind.choices)
    # For a stand-in: whom they stand in for, and until when (inclusive).
    stands_in_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    until = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "kind"], condition=Q(ended_at__isnull=True), name="unique_active_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.user} ({self.kind})"


class Exclusion(models.Model):
    """A handler excluded from a case for a conflict of interest: their wrapped key was removed and is never re-made."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_exclusions")
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    excluded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_case_exclusion")]

    def __str__(self) -> str:
        return f"{self.case}: {self.user}"


class DeadlineNotice(models.Model):
    """A reminder or escalation that was sent. Unique per case, kind and deadline: it is never sent twice."""

    class Kind(models.TextChoices):
        ACK_REMINDER = "ack_reminder", _("Receipt deadline reminder")
        ACK_ESCALATION = "ack_escalation", _("Receipt deadline missed")
        FEEDBACK_REMINDER = "feedback_reminder", _("Feedback deadline reminder")
        FEEDBACK_ESCALATION = "feedback_escalation", _("Feedback deadline missed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due = models.DateField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "due"], name="unique_deadline_notice")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.due}"


class OralRecord(models.Model):
    """A report received by phone or in a meeting, with its transcript or minutes in versions (Directive art. 18)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Telephone")
        MEETING = "meeting", _("Meeting")

    class Approval(models.TextChoices):
        DRAFT = "draft", _("Not yet shared with the reporter")
        PENDING = "pending", _("Waiting for the reporter")
        CORRECTION = "correction", _("The reporter asked for a correction")
        APPROVED = "approved", _("Approved by the reporter")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="oral_records")
    kind = models.CharField(_("received by"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date of the conversation"))
    approval = models.CharField(_("approval"), max_length=20, choices=Approval.choices, default=Approval.DRAFT)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("oral report")
        verbose_name_plural = _("oral reports")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.held_on}"


class OralRecordVersion(models.Model):
    """One version of the transcript or minutes. New versions are appended; none is changed."""

    record = models.ForeignKey(OralRecord, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    ciphertext = models.BinaryField(blank=True, default=b"")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("oral report version")
        verbose_name_plural = _("oral report versions")
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="unique_oral_record_version")]

    def __str__(self) -> str:
        return f"{self.record} v{self.number}"


class RevealRequest(models.Model):
    """A request to see a confidential reporter's identity: approved by a second team member, or by the reporter."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        ASKED_REPORTER = "asked_reporter", _("Waiting for the reporter's consent")
        APPROVED = "approved", _("Approved by a second handler")
        CONSENTED = "consented", _("The reporter consented")
        REJECTED = "rejected", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reveal_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=30)  # a code of reports.services.REVEAL_REASONS
    ciphertext = models.BinaryField(blank=True, default=b"")  # the explanation, under the report key
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity reveal request")
        verbose_name_plural = _("identity reveal requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.state}"

    @property
    def granted(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.CONSENTED)
