from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plein.oaths.dates import add_months, due_date, overdue_start_cutoff


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 3, date(2024, 5, 29)),  # leap day start
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # ends in a leap February
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # ends in a normal February
        (date(2024, 11, 29), 3, date(2025, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 10, 15), 3, date(2025, 1, 15)),  # over the turn of the year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_due_date_is_start_plus_term():
    assert due_date(date(2024, 2, 29), 3) == date(2024, 5, 29)
    assert due_date(date(2024, 2, 29), 6) == date(2024, 8, 29)


@pytest.mark.parametrize(
    ("on", "months"),
    [
        (date(2024, 5, 30), 3),
        (date(2024, 2, 29), 3),
        (date(2024, 3, 1), 3),
        (date(2025, 2, 28), 3),
        (date(2025, 3, 1), 3),
        (date(2024, 3, 1), 1),
        (date(2024, 3, 31), 1),
    ],
)
def test_overdue_cutoff_is_exact(on, months):
    cutoff = overdue_start_cutoff(on, months)
    assert due_date(cutoff, months) >= on
    assert due_date(cutoff - timedelta(days=1), months) < on


def test_leap_day_start_is_overdue_from_30_may():
    start = date(2024, 2, 29)
    assert start >= overdue_start_cutoff(date(2024, 5, 29), 3)  # on time on the due date itself
    assert start < overdue_start_cutoff(date(2024, 5, 30), 3)  # overdue the day after


@given(
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    months=st.integers(min_value=0, max_value=36),
)
def test_cutoff_property(on, months):
    cutoff = overdue_start_cutoff(on, months)
    assert due_date(cutoff, months) >= on
    assert due_date(cutoff - timedelta(days=1), months) < on
