"""Calendar arithmetic for due dates of mandatory trainings: whole months, clamped to the end of the month."""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(counted_from: date, months: int) -> date:
    """The last day on which the training is on time."""
    return add_months(counted_from, months)


def overdue_cutoff(on: date, months: int) -> date:
    """The earliest "counted from" date whose due date is on or after ``on``.

    Whoever's term started before this date and has not completed the training is overdue on ``on``. ``add_months``
    never decreases when its date increases, so the database can filter on the date without month arithmetic.
    """
    candidate = add_months(on, -months)
    while due_date(candidate - timedelta(days=1), months) >= on:
        candidate -= timedelta(days=1)
    while due_date(candidate, months) < on:
        candidate += timedelta(days=1)
    return candidate
