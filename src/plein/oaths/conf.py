"""The oath's legal figures and policy choices, read from ``settings.PLEIN`` with sane defaults.

Read them through these functions (never cache them at import time), so that a changed configuration applies at once.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # Ambtenarenwet art. 5: the oath or affirmation is taken when entering service, within this many months.
    "OATH_TERM_MONTHS": 3,
    # Employment types that must take the oath; externals (inhuur) are not civil servants of the organisation.
    "OATH_EMPLOYMENT_TYPES": ["vast", "tijdelijk", "stagiair"],
    # Someone who leaves and comes back: does an oath taken in an earlier period of employment still count?
    "OATH_EARLIER_OATH_COUNTS": True,
    # Reminders to the employee and their manager: days before the due date, and days after it.
    "OATH_REMINDER_DAYS_BEFORE": [14],
    "OATH_REMINDER_DAYS_AFTER": [1, 30],
}


def _get(name: str):
    value = getattr(settings, "PLEIN", {}).get(name)
    return DEFAULTS[name] if value is None else value


def term_months() -> int:
    return int(_get("OATH_TERM_MONTHS"))


def employment_types() -> list[str]:
    return [str(code) for code in _get("OATH_EMPLOYMENT_TYPES")]


def earlier_oath_counts() -> bool:
    return bool(_get("OATH_EARLIER_OATH_COUNTS"))


def _days(name: str) -> list[int]:
    try:
        return [abs(int(str(d).strip())) for d in _get(name)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be a list of whole numbers of days, such as 14,30") from exc


def reminder_offsets() -> list[int]:
    """Reminder moments as days relative to the due date: negative before, positive after, sorted."""
    before = [-d for d in _days("OATH_REMINDER_DAYS_BEFORE")]
    after = _days("OATH_REMINDER_DAYS_AFTER")
    return sorted(set(before + after))
