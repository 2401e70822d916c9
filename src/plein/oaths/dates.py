"""Calendar arithmetic for due dates: whole months, clamped to the end of the month.

29 February 2024 + 3 months is 29 May 2024; 30 November 2023 + 3 months is 29 February 2024 (a leap year) and
30 November 2024 + 3 months is 28 February 2025.
"""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_date(start: date, months: int) -> date:
    """The last day on which the oath is on time: the start date plus the term."""
    return add_months(start, months)


def overdue_start_cutoff(on: date, months: int) -> date:
    """The earliest start date whose due date is on or after ``on``.

    A person who started before this date and has no oath is overdue on ``on``. ``add_months`` never decreases when
    the start date increases, so "due date before ``on``" is exactly "start date before the cutoff", which lets the
    database filter and count without month arithmetic in SQL.
    """
    candidate = add_months(on, -months)
    while due_date(candidate - timedelta(days=1), months) >= on:
        candidate -= timedelta(days=1)
    while due_date(candidate, months) < on:
        candidate += timedelta(days=1)
    return candidate
