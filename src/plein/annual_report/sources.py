"""The one place where the annual report reads the other apps: only through their public selectors.

Every app is optional. ``selector(app, name)`` returns the function when the app offers it, else None; the report
then says that the figure is not available instead of showing a zero. Results are memoised per ``Sources`` object,
so a figure that several sections, the trend and the scorecard need is computed once per report.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.utils import translation

from plein.annual_report import conf
from plein.core.models import Employee, Organisation

APPS = (
    "oaths",
    "reports",
    "dossiers",
    "consultations",
    "declarations",
    "positions",
    "deliberation",
    "learning",
    "portal",
)


def selector(app: str, name: str) -> Callable | None:
    """``plein.<app>.selectors.<name>`` when that app is installed and the function exists (read at call time)."""
    if not apps.is_installed(f"plein.{app}"):
        return None  # the code may be there while the app (and its tables) is not
    module_name = f"plein.{app}.selectors"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing selectors module means "not available"; a broken import inside it is a real error.
        if exc.name in (module_name, f"plein.{app}"):
            return None
        raise
    found = getattr(module, name, None)
    return found if callable(found) else None


class Sources:
    """Memoised reads for one organisation. ``today`` bounds "the end of the year" for the running year."""

    def __init__(self, organisation: Organisation, *, today: date, cache_before: int | None = None) -> None:
        self.organisation = organisation
        self.today = today
        # Figures of complete years before ``cache_before`` (the trend's earlier years) may come from the cache.
        self.cache_before = cache_before
        self._memo: dict[tuple, Any] = {}

    def _memoised(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def reference_date(self, year: int) -> date:
        """The day stock figures describe: 31 December of ``year``, or today while the year is not over."""
        return min(date(year, 12, 31), self.today)

    def available(self, app: str) -> bool:
        return selector(app, "annual_figures") is not None

    def figures(self, app: str, year: int) -> dict | None:
        """``plein.<app>.selectors.annual_figures(organisation, year)``, or None when the app does not offer it."""

        def compute():
            fn = selector(app, "annual_figures")
            if fn is None:
                return None
            if app == "oaths":
                return fn(self.organisation, year, overdue_at=self.reference_date(year))
            if app == "learning":
                return fn(self.organisation, year, today=self.today)
            return fn(self.organisation, year)

        def cached():
            seconds = conf.trend_cache_seconds()
            if not seconds or self.cache_before is None or year >= self.cache_before or year >= self.today.year:
                return compute()
            org = self.organisation
            key = f"annual_report:figures:{org.pk}:{org.slug}:{app}:{year}:{translation.get_language() or ''}"
            found = cache.get(key)
            if found is None:
                found = compute()
                cache.set(key, found, seconds)
            return found

        return self._memoised(("figures", app, year), cached)

    def call(self, app: str, name: str, *args, **kwargs) -> Any:
        """Any other selector of an app, memoised; None when it does not exist."""
        fn = selector(app, name)
        if fn is None:
            return None
        key = ("call", app, name, args, tuple(sorted(kwargs.items())))
        return self._memoised(key, lambda: fn(*args, **kwargs))

    # --- core (everyone may read core) ---------------------------------------------------------------------------

    def employees_at(self, day: date) -> int:
        """People in the personnel register in service on ``day`` (the headcount for "per 100 employees")."""
        return self._memoised(
            ("employees", day),
            lambda: Employee.objects.filter(organisation=self.organisation).in_service(day).count(),
        )

    def structure_roles(self) -> list:
        from plein.core.selectors import structure_roles

        return self._memoised(("structure",), lambda: structure_roles(self.organisation))
