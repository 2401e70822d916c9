"""The learning app's policy figures, read from ``settings.PLEIN`` with sane defaults.

Read them through these functions (never at import time), so that a changed configuration applies at once.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # A new mandatory training: months to complete it (the form's default; each requirement keeps its own term).
    "LEARNING_DUE_MONTHS": 12,
    # The integrity workshop for new managers: completed within this many months of starting.
    "LEARNING_NEW_MANAGER_MONTHS": 6,
    # Positions that count as managerial for "managers" (besides the manager role and having direct reports).
    "LEARNING_MANAGER_POSITION_CODES": [],
    # Reminders about a mandatory training: days before the due date, and days after it.
    "LEARNING_REMINDER_DAYS_BEFORE": [30],
    "LEARNING_REMINDER_DAYS_AFTER": [1, 30],
    # The course whose completion is the "training coverage" of the annual report.
    "LEARNING_COVERAGE_COURSE": "morele-oordeelsvorming",
    # Uploaded e-learning packages: the largest size and the file types accepted.
    "LEARNING_MODULE_MAX_BYTES": 100 * 1024 * 1024,
    "LEARNING_MODULE_EXTENSIONS": ["zip", "pdf", "pptx", "docx", "odp", "odt", "mp4"],
}


def _get(name: str):
    value = getattr(settings, "PLEIN", {}).get(name)
    return DEFAULTS[name] if value is None else value


def _positive(name: str) -> int:
    try:
        value = int(_get(name))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be a whole number of months") from exc
    if value < 1:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be at least 1")
    return value


def due_months() -> int:
    return _positive("LEARNING_DUE_MONTHS")


def new_manager_months() -> int:
    return _positive("LEARNING_NEW_MANAGER_MONTHS")


def manager_position_codes() -> list[str]:
    return [str(code).strip() for code in _get("LEARNING_MANAGER_POSITION_CODES") if str(code).strip()]


def _days(name: str) -> list[int]:
    try:
        return [abs(int(str(d).strip())) for d in _get(name)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"PLEIN[{name!r}] must be a list of whole numbers of days, such as 30,7") from exc


def reminder_offsets() -> list[int]:
    """Reminder moments as days relative to the due date: negative before, positive after, sorted."""
    before = [-d for d in _days("LEARNING_REMINDER_DAYS_BEFORE")]
    after = _days("LEARNING_REMINDER_DAYS_AFTER")
    return sorted(set(before + after))


def coverage_course_code() -> str:
    return str(_get("LEARNING_COVERAGE_COURSE") or "")


def module_max_bytes() -> int:
    return int(_get("LEARNING_MODULE_MAX_BYTES"))


def module_extensions() -> list[str]:
    return [str(ext).lower().lstrip(".") for ext in _get("LEARNING_MODULE_EXTENSIONS")]
