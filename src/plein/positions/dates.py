"""Small date helpers and the figures of this app from ``settings.PLEIN``."""

import calendar
import datetime as dt

from django.conf import settings


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def review_years() -> int:
    """Years after a review that the next review of a position's designation is due (POSITION_REVIEW_YEARS)."""
    return int(settings.PLEIN.get("POSITION_REVIEW_YEARS", 3))


def rescreening_years() -> int:
    """Years after the VOG date that re-screening is due (VOG_RESCREENING_YEARS; 0 means no periodic re-screening)."""
    return int(settings.PLEIN.get("VOG_RESCREENING_YEARS", 5))


def new_hire_months() -> int:
    return int(settings.PLEIN.get("POSITION_NEW_HIRE_MONTHS", 6))


def next_review_due(reviewed_on: dt.date | None) -> dt.date | None:
    return add_years(reviewed_on, review_years()) if reviewed_on else None


def default_rescreening_due(valid_from: dt.date | None) -> dt.date | None:
    years = rescreening_years()
    return add_years(valid_from, years) if valid_from and years > 0 else None
