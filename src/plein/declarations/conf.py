"""The declarations' policy figures, read from ``settings.PLEIN`` with sane defaults.

Read them through these functions (never at import time), so that a changed configuration applies at once.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # Gifts and invitations worth up to this are accepted automatically; above it, the manager or the integrity
    # coordinator decides.
    "GIFT_THRESHOLD_EUR": 50,
    # A higher estimated value is refused as a typing error.
    "GIFT_MAX_VALUE_EUR": 100_000,
    # The yearly campaign: weeks from the start to the default deadline, and reminder moments before the deadline.
    "DECLARATIONS_CAMPAIGN_WEEKS": 6,
    "DECLARATIONS_REMINDER_DAYS_BEFORE": [14, 3],
}


def _get(name: str):
    value = getattr(settings, "PLEIN", {}).get(name)
    return DEFAULTS[name] if value is None else value


def gift_threshold() -> Decimal:
    return Decimal(str(_get("GIFT_THRESHOLD_EUR")))


def gift_max_value() -> Decimal:
    return Decimal(str(_get("GIFT_MAX_VALUE_EUR")))


def campaign_weeks() -> int:
    return int(_get("DECLARATIONS_CAMPAIGN_WEEKS"))


def reminder_days_before() -> list[int]:
    """Days before the deadline on which a reminder goes out, largest first."""
    try:
        days = {abs(int(str(d).strip())) for d in _get("DECLARATIONS_REMINDER_DAYS_BEFORE")}
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PLEIN['DECLARATIONS_REMINDER_DAYS_BEFORE'] must be a list of whole numbers of days, such as 14,3"
        ) from exc
    return sorted(days, reverse=True)
