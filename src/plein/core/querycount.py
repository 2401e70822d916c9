"""Constant query counts: the mechanism behind ``plein/core/tests/test_query_counts.py``.

Every list page, detail page and API list must use the same number of database queries whatever the amount of data
(issue 12): a page that runs one query per row gets slower with every employee, case and year. The test suite checks
this for every page listed in ``CASES`` of the test module, one line per page::

    QueryCase("oaths:ceremony_detail", role=R.HR, grow=grow_oaths, kwargs=lambda w: {"pk": w.anchor("ceremony").pk})

For each case the data is grown to ``SMALL`` units, the page is requested (once to warm caches such as content types
and Wagtail's site root, then once counted), the data is grown to ``3 × SMALL`` units and the page is counted again.
The two counts must be equal. ``grow`` adds records of every kind the page shows (rows, and the children of the
object a detail page shows), so an N+1 query anywhere on the page makes the second count larger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

SMALL = 3
LARGE = 3 * SMALL


@dataclass(frozen=True)
class QueryCase:
    """One page to check: its URL name, who asks for it, and how to grow the data it shows."""

    url: str
    # The role of the requesting account (plein.core.roles); "employee" for an employee without another role,
    # None for an anonymous visitor. API cases use a token instead (``api=True``).
    role: str | None
    grow: Callable
    kwargs: Callable | None = None  # world -> URL keyword arguments (for detail pages)
    query: dict = field(default_factory=dict)  # GET parameters
    api: bool = False
    vault: bool = False  # a handler with an unlocked vault (report pages)
    expect: int = 200
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.url


@dataclass
class Count:
    queries: int
    status: int
    statements: list[str]


def count_queries(do_request: Callable) -> Count:
    """Run ``do_request`` twice (warm-up, then counted) and return the second run's queries and status."""
    do_request()
    with CaptureQueriesContext(connection) as captured:
        response = do_request()
    return Count(len(captured), response.status_code, [q["sql"] for q in captured.captured_queries])


def explain_difference(small: Count, large: Count, limit: int = 12) -> str:
    """The statements that occur more often at the larger size, for the failure message."""
    from collections import Counter

    def shape(sql: str) -> str:
        import re

        sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)  # literals (hashes, names)
        return re.sub(r"\d+", "N", sql)[:300]  # numbers, savepoint names

    before, after = Counter(map(shape, small.statements)), Counter(map(shape, large.statements))
    grown = [(after[s] - before[s], s) for s in after if after[s] > before[s]]
    grown.sort(reverse=True)
    return "\n".join(f"  +{n}: {s}" for n, s in grown[:limit])
