"""Benchmark: the case inbox (``reports:inbox``, ``/meldingen/``) of one handler with 1,000 and 10,000 cases.

Issue 5 ("Quality"): the number of queries per page must stay the same as cases grow, and the p95 is recorded. The
script fills the database in bulk (reports with their case, the handler's wrapped key, some closed, acknowledged or
past a deadline; the ciphertexts are fake bytes, because the inbox shows metadata only and decrypts nothing), then
for each size requests each inbox variant with Django's test client as the handler: it counts the queries of one
request (after a warm-up request) and times ``--repeat`` requests (p50, p95, max). It prints a table and fails (exit
status 1) when a variant's query count differs between the sizes.

Variants: the default page (newest first), sorted by the next deadline (``?sorteer=deadline``), filtered on overdue
deadlines (``?termijn=overdue``), and the last page (``?page=<last>``, the deepest OFFSET).

Run it from the project root with the project's virtual environment (it makes its own test database: with the default
in-memory SQLite the migrations take a minute or two):

    .venv/bin/python benchmarks/dossier_inbox.py                          # 1,000 and 10,000 cases, 50 requests
    .venv/bin/python benchmarks/dossier_inbox.py --sizes 1000 10000 --repeat 100
    .venv/bin/python benchmarks/dossier_inbox.py --smoke                  # 20 and 60 cases, 3 requests
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/dossier_inbox.py

The suite runs the smoke sizes in-process (``src/plein/dossiers/tests/test_inbox_benchmark.py``) through ``run()``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE_SIZES = (20, 60)
VARIANTS = (
    ("newest first", {}),
    ("by deadline", {"sorteer": "deadline"}),
    ("overdue", {"termijn": "overdue"}),
    ("last page", {"page": "last"}),
)
PAGE_SIZE = 25


@dataclass
class Row:
    size: int
    variant: str
    queries: int
    p50: float
    p95: float
    worst: float


class Data:
    """Grows the cases of one organisation step by step, in bulk, for one handler (an integrity coordinator)."""

    def __init__(self):
        from plein.core import roles as R
        from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, RoleAssignmentFactory, UserFactory
        from plein.reports.models import Channel, ChannelMembership, HandlerKey

        self.organisation = OrganisationFactory(slug="inbox-benchmark", name="Provincie Inbox")
        self.handler = UserFactory()
        EmployeeFactory(organisation=self.organisation, user=self.handler, email=self.handler.email)
        RoleAssignmentFactory(organisation=self.organisation, user=self.handler, role=R.INTEGRITY_COORDINATOR)
        fake_key = bytes(32)
        HandlerKey.objects.create(
            user=self.handler,
            public_key=fake_key,
            encrypted_private_key=fake_key,
            salt=bytes(16),
            opslimit=1,
            memlimit=8192,
        )
        self.channels = []
        for order, code in enumerate(("misstand", "integriteit", "ongewenst-gedrag", "ondermijning")):
            channel = Channel.objects.create(
                organisation=self.organisation, code=code, name=code.replace("-", " ").title(), order=order
            )
            ChannelMembership.objects.create(
                channel=channel, user=self.handler, confirmed_public_key=fake_key, confirmed_at=self._now()
            )
            self.channels.append(channel)
        self.size = 0

    @staticmethod
    def _now():
        from django.utils import timezone

        return timezone.now()

    def grow_to(self, size: int, batch: int = 2000) -> None:
        from django.utils import timezone

        from plein.dossiers.models import TERMINAL_STAGES, Case, Stage
        from plein.reports.models import Report, ReportKey

        now = timezone.now()
        stages = list(Stage.values)
        for start in range(self.size, size, batch):
            end = min(size, start + batch)
            reports = []
            cases = []
            for i in range(start, end):
                received = now - timedelta(days=(i * 37) % 1100, minutes=i % 1440)
                day = timezone.localtime(received).date()
                stage = stages[i % len(stages)]
                closed = stage in TERMINAL_STAGES
                acknowledged = received + timedelta(days=2 + i % 9) if stage != Stage.ONTVANGEN else None
                reports.append(
                    Report(
                        organisation=self.organisation,
                        channel=self.channels[i % len(self.channels)],
                        reference=f"B-{i:06d}",
                        mode=Report.Mode.values[i % 3],
                        status=Report.Status.CLOSED if closed else Report.Status.IN_PROGRESS,
                        received_at=received,
                        acknowledge_before=day + timedelta(days=7),
                        feedback_before=day + timedelta(days=97),
                        acknowledged_at=acknowledged,
                        closed_at=received + timedelta(days=60) if closed else None,
                        content_ciphertext=b"\x00" * 64,
                    )
                )
                cases.append((stage, day, acknowledged, closed))
            Report.objects.bulk_create(reports, batch_size=500)
            Case.objects.bulk_create(
                [
                    Case(
                        report=report,
                        stage=stage,
                        acknowledge_due=day + timedelta(days=7),
                        feedback_due=(timezone.localtime(acknowledged).date() if acknowledged else day)
                        + timedelta(days=90),
                        feedback_given_at=report.closed_at if closed else None,
                    )
                    for report, (stage, day, acknowledged, closed) in zip(reports, cases, strict=True)
                ],
                batch_size=500,
            )
            ReportKey.objects.bulk_create(
                [
                    ReportKey(report=report, kind=ReportKey.Kind.HANDLER, user=self.handler, wrapped_key=b"\x00" * 80)
                    for report in reports
                ],
                batch_size=500,
            )
        self.size = size
        # Planner statistics, as after any bulk load (generate_scale_data does the same): without them PostgreSQL
        # joins the fresh tables with nested loops and one inbox page takes seconds.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(client, path: str, params: dict, repeat: int) -> tuple[int, float, float, float]:
    """(queries of one request after a warm-up, p50 ms, p95 ms, max ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, params)  # warm the caches (content types, the session, the translations)
    assert response.status_code == 200, (path, params, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    count = len(queries)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
    return count, _percentile(timings, 50), _percentile(timings, 95), max(timings)


def run(sizes: tuple[int, ...], repeat: int, *, progress=print) -> tuple[list[Row], list[str]]:
    """Grow to each size and measure every variant, in the current database. Returns the rows and the failures."""
    from django.test import Client
    from django.urls import reverse

    data = Data()
    client = Client()
    client.force_login(data.handler)
    path = reverse("reports:inbox")
    rows: list[Row] = []
    for size in sizes:
        started = time.perf_counter()
        data.grow_to(size)
        progress(f"{size:,} cases made in {time.perf_counter() - started:.1f} s")
        for label, params in VARIANTS:
            params = dict(params)
            if params.get("page") == "last":
                params["page"] = str(max(1, -(-size // PAGE_SIZE)))
            queries, p50, p95, worst = measure(client, path, params, repeat)
            rows.append(Row(size, label, queries, p50, p95, worst))
    failures = []
    for label, _params in VARIANTS:
        counts = sorted({row.queries for row in rows if row.variant == label})
        if len(counts) != 1:
            failures.append(f"the inbox ({label}) uses more queries with more cases: {counts}")
    return rows, failures


def table(rows: list[Row]) -> str:
    lines = [
        f"| {'cases':>7} | {'inbox variant':<13} | {'queries':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} |",
        f"|{'-' * 9}:|{'-' * 15}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.size:>7,} | {r.variant:<13} | {r.queries:>7} | {r.p50:>7.1f} | {r.p95:>7.1f} | {r.worst:>7.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1_000, 10_000], metavar="N")
    parser.add_argument("--repeat", type=int, default=50, help="requests timed per variant and size (default 50)")
    parser.add_argument("--smoke", action="store_true", help=f"tiny sizes {SMOKE_SIZES} and 3 requests")
    args = parser.parse_args(argv)
    sizes, repeat = (SMOKE_SIZES, 3) if args.smoke else (tuple(sorted(args.sizes)), args.repeat)

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("PLEIN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    print(f"Creating the test database ({connection.vendor}) ...", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(PLEIN_MFA_OPTIONAL=True):
            rows, failures = run(sizes, repeat, progress=lambda m: print(m, flush=True))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\nInbox of one handler ({connection.vendor}, {repeat} requests per line, Django test client):\n")
    print(table(rows))
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("\nOK: every inbox variant uses the same number of queries at every size.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
