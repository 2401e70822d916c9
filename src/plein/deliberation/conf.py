"""Moral deliberation's policy choices, read from ``settings.PLEIN`` with sane defaults.

Read them through these functions (never at import time), so that a changed configuration applies at once.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # Session content (the case, the dilemma, stakeholders, choices, the weighing, conclusions, evaluation) and the
    # situation of a request are deleted this many months after the session was held, cancelled or the request was
    # closed. The agreed actions, the participant list and the figures are kept.
    "DELIBERATION_RETENTION_MONTHS": 12,
    # How long a join code works after the facilitator made it.
    "DELIBERATION_JOIN_CODE_MINUTES": 180,
    # Wrong join codes one account may try in DELIBERATION_JOIN_LOCKOUT_MINUTES before it must wait.
    "DELIBERATION_JOIN_MAX_FAILURES": 10,
    "DELIBERATION_JOIN_LOCKOUT_MINUTES": 15,
}


def _get(name: str):
    value = getattr(settings, "PLEIN", {}).get(name)
    return DEFAULTS[name] if value is None else value


def _positive(name: str) -> int:
    try:
        value = int(_get(name))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be a whole number") from exc
    if value < 1:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be 1 or more")
    return value


def retention_months() -> int:
    return _positive("DELIBERATION_RETENTION_MONTHS")


def join_code_minutes() -> int:
    return _positive("DELIBERATION_JOIN_CODE_MINUTES")


def join_max_failures() -> int:
    return _positive("DELIBERATION_JOIN_MAX_FAILURES")


def join_lockout_minutes() -> int:
    return _positive("DELIBERATION_JOIN_LOCKOUT_MINUTES")
