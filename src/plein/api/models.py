"""Scoped API tokens for integrations (for example the HR system that syncs people and positions).

A token is shown once, when it is made. Only its SHA-256 digest is stored, with a short prefix that identifies it in
lists and in the audit log. A token belongs to one organisation, has one or more scopes, and always expires.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.models import Organisation, User


class Scope(models.TextChoices):
    """What a token may do. Each API view names the scopes it needs (``required_scopes``)."""

    HR_SYNC = "hr.sync", _("HR synchronisation: read and write people, organisational units and positions")
    REGISTERS_READ = "registers.read", _("Read the registers that the API offers")


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name of the integration"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    # "plein_<prefix>_<secret>": the prefix is not secret; it names the token in lists and in the audit log.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def status(self, now=None) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status() == self.Status.ACTIVE

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
