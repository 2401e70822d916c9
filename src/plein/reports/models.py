"""The reporting channel (Meldkanaal).

Only plain metadata is stored in the clear: the channel, dates, status, deadlines, category, outcome and the mode
(named, confidential or anonymous). Everything a reporter or handler writes, the reporter's identity, attachment
contents and names, and the list of people excluded from a report are ciphertexts (see ``crypto.py`` and
``docs/security.md``). No model links a report to an account, a session, an IP address or a device.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plein.core.models import Organisation


class OrganisationKey(models.Model):
    """The organisation's reporting set-up: the recovery public key and the receipt salt with its Argon2 cost.

    The recovery private key is shown once at set-up and kept offline; it is never stored.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="reporting_key")
    recovery_public_key = models.BinaryField(_("recovery public key"))
    receipt_salt = models.BinaryField(_("receipt salt"))
    receipt_opslimit = models.PositiveIntegerField()
    receipt_memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("reporting key set-up")
        verbose_name_plural = _("reporting key set-ups")

    def __str__(self) -> str:
        return f"{self.organisation}"


class Channel(models.Model):
    """A report type with its own questionnaire, team, retention period and anonymity setting."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("Short text")
        TEXTAREA = "textarea", _("Long text")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="report_channels")
    code = models.SlugField(_("code"), max_length=60, help_text=_("Short name used in web addresses."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what can be reported here"), blank=True)
    questionnaire = models.JSONField(_("questionnaire"), default=list, blank=True)
    anonymity_allowed = models.BooleanField(_("anonymous reports allowed"), default=True)
    retention_days = models.PositiveIntegerField(_("retention period after closure (days)"), default=5 * 365)
    category = models.CharField(
        _("default category"), max_length=60, blank=True, help_text=_("Given to new reports of this channel.")
    )
    is_active = models.BooleanField(_("open for reports"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ChannelMembership",
        through_fields=("channel", "user"),
        related_name="report_channels",
        blank=True,
    )

    class Meta:
        verbose_name = _("reporting channel")
        verbose_name_plural = _("reporting channels")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_channel_code")]

    def __str__(self) -> str:
        return self.name


class ChannelMembership(models.Model):
    """A handler in a channel's team.

    New reports are wrapped for every *confirmed* member whose current vault key is the key that was confirmed (and who
    is not excluded). Confirmation is done by a confirmed team member with an unlocked vault or with the recovery key
    (who re-wrap the existing reports at the same time); only for a channel without any confirmed member may the
    functional administrator confirm the first team. So neither the functional administrator nor someone who took over
    a handler's login can silently start receiving reports.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_memberships")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_public_key = models.BinaryField(blank=True, default=b"")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["channel", "user__display_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["channel", "user"], name="unique_channel_member")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.user}"


class HandlerKey(models.Model):
    """A handler's Curve25519 key pair. The private key is stored only encrypted under their vault passphrase."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_key")
    public_key = models.BinaryField()
    encrypted_private_key = models.BinaryField()
    salt = models.BinaryField()
    opslimit = models.PositiveIntegerField()
    memlimit = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("handler key")
        verbose_name_plural = _("handler keys")

    def __str__(self) -> str:
        return f"{self.user}"


class Report(models.Model):
    class Mode(models.TextChoices):
        NAMED = "named", _("With my name")
        CONFIDENTIAL = "confidential", _("Confidential")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Receipt confirmed")
        IN_PROGRESS = "in_progress", _("Being handled")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reports")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="reports")
    reference = models.CharField(_("reference"), max_length=20)
    mode = models.CharField(_("way of reporting"), max_length=20, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    category = models.CharField(_("category"), max_length=60, blank=True)
    outcome = models.CharField(_("outcome"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    acknowledge_before = models.DateField(_("acknowledge before"))
    feedback_before = models.DateField(_("feedback before"))
    acknowledged_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_reporter_activity_at = models.DateTimeField(null=True, blank=True)
    last_team_activity_at = models.DateTimeField(null=True, blank=True)
    # SecretBox ciphertexts under the report key.
    content_ciphertext = models.BinaryField()
    identity_ciphertext = models.BinaryField(blank=True, default=b"")
    exclusions_ciphertext = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="unique_report_reference")]
        indexes = [models.Index(fields=["organisation", "channel", "received_at"])]

    def __str__(self) -> str:
        return self.reference


class ReportKey(models.Model):
    """The report key wrapped for one recipient: a handler, the recovery key, or the reporter's receipt key."""

    class Kind(models.TextChoices):
        HANDLER = "handler", _("Handler")
        RECOVERY = "recovery", _("Recovery key")
        RECEIPT = "receipt", _("Receipt code")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="report_keys"
    )
    # For the receipt: blake2b of the first half of the Argon2id output, hex. Unique, so a code finds one report.
    lookup = models.CharField(max_length=64, null=True, blank=True, unique=True)
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("wrapped report key")
        verbose_name_plural = _("wrapped report keys")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"], condition=Q(kind="handler"), name="unique_report_key_per_handler"
            ),
            models.UniqueConstraint(
                fields=["report", "kind"], condition=~Q(kind="handler"), name="unique_report_key_per_kind"
            ),
            models.CheckConstraint(
                condition=(Q(kind="handler") & Q(user__isnull=False) & Q(lookup__isnull=True))
                | (Q(kind="recovery") & Q(user__isnull=True) & Q(lookup__isnull=True))
                | (Q(kind="receipt") & Q(user__isnull=True) & Q(lookup__isnull=False)),
                name="report_key_recipient_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.kind}"


class Message(models.Model):
    """One message of the dialogue between the reporter and the team. The text is a ciphertext."""

    class Direction(models.TextChoices):
        FROM_REPORTER = "reporter", _("From the reporter")
        FROM_TEAM = "team", _("From the team")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    # The handler who wrote it; always empty for the reporter.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField()
    ciphertext = models.BinaryField()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(direction="reporter") | Q(author__isnull=True), name="reporter_message_has_no_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.pk}"


class Attachment(models.Model):
    """An encrypted file. The stored name is random; the original name and type are in ``meta_ciphertext``."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    direction = models.CharField(max_length=20, choices=Message.Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    storage_name = models.CharField(max_length=200, unique=True)
    file_key_ciphertext = models.BinaryField()
    meta_ciphertext = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(direction="reporter") | Q(author__isnull=True), name="reporter_attachment_has_no_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} attachment #{self.pk}"


class UsedFormToken(models.Model):
    """One-time tokens of the report form that have been used, so that a double submit creates one report.

    Only a hash of the token and the day it was used; rows older than the token's validity are removed.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    used_on = models.DateField()

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self) -> str:
        return self.token_hash[:12]
