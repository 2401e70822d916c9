"""The annual report's configuration, read from ``settings.PLEIN`` with sane defaults (docs/annual-report.md).

Read it through these functions, never at import time, so that a changed configuration applies at once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # Published figures hide counts from 1 up to (not including) this threshold in breakdowns; zero is shown.
    "SMALL_COUNT_THRESHOLD": 5,
    # How many years the trend charts show (the report's year and the years before it).
    "ANNUAL_REPORT_TREND_YEARS": 5,
    # The figures of the trend's earlier (complete) years are kept this many seconds in the cache (0: never); the
    # report's own year is always counted afresh. None: 15 minutes, but 0 in the tests.
    "ANNUAL_REPORT_TREND_CACHE_SECONDS": None,
    # Published reference values for "reports per 100 employees", each with its source.
    "ANNUAL_REPORT_BENCHMARKS": [
        {
            "code": "navex_2024_median",
            "label": "NAVEX 2024, median (all regions)",
            "per_100_employees": 1.57,
            "source": "NAVEX, 2024 Whistleblowing & Incident Management Benchmark Report",
        },
        {
            "code": "navex_2024_europe",
            "label": "NAVEX 2024, median Europe",
            "per_100_employees": 0.67,
            "source": "NAVEX, 2024 Whistleblowing & Incident Management Benchmark Report",
        },
    ],
}


def _get(name: str):
    value = getattr(settings, "PLEIN", {}).get(name)
    return DEFAULTS[name] if value is None else value


def small_count_threshold() -> int:
    try:
        value = int(_get("SMALL_COUNT_THRESHOLD"))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured("PLEIN['SMALL_COUNT_THRESHOLD'] must be a whole number, such as 5") from exc
    if value < 1:
        raise ImproperlyConfigured("PLEIN['SMALL_COUNT_THRESHOLD'] must be 1 or more (1 hides nothing)")
    return value


def trend_years() -> int:
    try:
        value = int(_get("ANNUAL_REPORT_TREND_YEARS"))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured("PLEIN['ANNUAL_REPORT_TREND_YEARS'] must be a whole number, such as 5") from exc
    return max(1, min(value, 20))


def trend_cache_seconds() -> int:
    value = getattr(settings, "PLEIN", {}).get("ANNUAL_REPORT_TREND_CACHE_SECONDS")
    if value is None:
        return 0 if getattr(settings, "TESTING", False) else 15 * 60
    try:
        return max(0, int(value))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            "PLEIN['ANNUAL_REPORT_TREND_CACHE_SECONDS'] must be a whole number of seconds"
        ) from exc


@dataclass(frozen=True)
class Benchmark:
    code: str
    label: str
    per_100_employees: float
    source: str
    url: str = ""


def benchmarks() -> list[Benchmark]:
    out = []
    for item in _get("ANNUAL_REPORT_BENCHMARKS"):
        try:
            out.append(
                Benchmark(
                    code=str(item["code"]),
                    label=str(item["label"]),
                    per_100_employees=float(item["per_100_employees"]),
                    source=str(item.get("source", "")),
                    url=str(item.get("url", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                "Each entry of PLEIN['ANNUAL_REPORT_BENCHMARKS'] needs a code, a label, per_100_employees (a number) "
                "and a source."
            ) from exc
    return out
