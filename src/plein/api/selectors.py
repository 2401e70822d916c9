"""Reads of the API app."""

from django.db.models import QuerySet

from plein.core.models import Organisation

from .models import ApiToken


def tokens_for(organisation: Organisation | None) -> QuerySet[ApiToken]:
    """The organisation's tokens, newest first, with who made and revoked them (one query)."""
    return (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )
