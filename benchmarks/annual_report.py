"""Benchmark: the annual report of an organisation with 20,000 employees and ten years of records.

Targets (issue 11): the JSON under 2 s and the PDF under 10 s. The script fills a database once (kept in a file, so a
second run starts at once), then times, for the last complete year, building the report's figures from the registers
and writing the JSON, and building the figures and laying out the PDF. Each measurement starts cold (no memoised
figure is reused) and is repeated; the median counts. Exit status 1 when a target is missed.

The data comes from ``plein.core.scale`` (``./plein generate_scale_data``) when that module is installed: every app's
records with realistic shares. Without it, the script imports comparable data itself through the apps' import
services (people, positions, oaths with ceremonies, outside activities, events and attendance) and submits reports
through the reporting channel's service.

Run it from the project root:

    .venv/bin/python benchmarks/annual_report.py                              # 20,000 employees, 10 years
    .venv/bin/python benchmarks/annual_report.py --employees 2000 --years 5   # a quick run
    .venv/bin/python benchmarks/annual_report.py --db /tmp/other.sqlite3 --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/annual_report.py
"""

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--employees", type=int, default=20_000)
parser.add_argument("--years", type=int, default=10)
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--db", default="/tmp/plein-bench-annual-report-{employees}-{years}.sqlite3")
parser.add_argument("--own-data", action="store_true", help="Do not use plein.core.scale; import data here.")
args = parser.parse_args()

os.environ.setdefault("PLEIN_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///" + args.db.format(employees=args.employees, years=args.years))
os.environ.setdefault("PLEIN_VAR_DIR", "/tmp/plein-bench-var")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402

# PLEIN_ENV=test switches the trend cache off; the benchmark measures with it (cold: emptied first, and warm).
settings.PLEIN["ANNUAL_REPORT_TREND_CACHE_SECONDS"] = 900

from django.core.management import call_command  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from plein.core.models import Organisation  # noqa: E402

JSON_TARGET, PDF_TARGET = 2.0, 10.0
TODAY = timezone.localdate()
YEAR = TODAY.year - 1

logging.disable(logging.INFO)


def say(message: str) -> None:
    print(message, flush=True)


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run(importer, header, rows, label):
    started = time.monotonic()
    result = importer.run(csv_bytes(header, rows), filename=f"{label}.csv")
    if result.errors:
        raise SystemExit(f"{label}: {[(e.line, str(e.message)) for e in result.errors[:5]]}")
    say(f"  {label}: {len(rows):,} rows in {time.monotonic() - started:.0f} s")


def own_data(employees: int, years: int) -> Organisation:
    """Comparable data through the apps' import services (used when plein.core.scale is not installed)."""
    from plein.core.services.people_import import import_people
    from plein.declarations.importers import OutsideActivityImporter
    from plein.learning.importers import AttendanceImporter, EventImporter
    from plein.oaths.importers import OathImporter
    from plein.positions.importers import PositionImporter

    rng = random.Random(11)
    organisation = Organisation.objects.create(name="Provincie Benchmark", slug="benchmark")
    first_year = TODAY.year - years
    teams = [f"Directie/Domein {d}/Team {t}" for d in range(1, 6) for t in range(1, 9)]
    positions = [f"F{n:03d}" for n in range(300)]
    run(
        PositionImporter(organisation=organisation),
        [
            "functiecode",
            "functienaam",
            "organisatieonderdeel",
            "kwetsbare_gebieden",
            "vog_vereist",
            "financiele_belangen_melden",
            "nevenfuncties_openbaar",
            "laatst_beoordeeld",
        ],
        [
            [
                code,
                f"Functie {code}",
                "",
                rng.choice(["", "informatie", "geld|diensten"]),
                rng.choice(["ja", "nee"]),
                rng.choice(["ja", "nee", "nee", "nee"]),
                rng.choice(["ja", "nee", "nee"]),
                (TODAY - timedelta(days=rng.randint(30, 1800))).isoformat(),
            ]
            for code in positions
        ],
        "positions",
    )
    people = []
    # Everyone in service today, plus about 6% per year who left and were replaced.
    total = employees + int(employees * 0.06 * years)
    for number in range(1, total + 1):
        start = date(first_year - rng.randint(0, 20), 1, 1) + timedelta(days=rng.randint(0, 364))
        if rng.random() < 0.55:
            start = date(first_year, 1, 1) + timedelta(days=rng.randint(0, years * 365))
        end = None
        if number > employees:
            end = min(start + timedelta(days=rng.randint(60, 3000)), TODAY - timedelta(days=1))
            end = max(end, start)
        people.append((f"B{number:06d}", start, end, rng.choice(["vast", "vast", "vast", "tijdelijk", "stagiair"])))
    started = time.monotonic()
    result = import_people(
        csv_bytes(
            [
                "personeelsnummer",
                "voornaam",
                "achternaam",
                "email",
                "organisatieonderdeel",
                "functiecode",
                "dienstverband",
                "in_dienst",
                "uit_dienst",
            ],
            [
                [n, "Voornaam", f"Achternaam {n}", "", rng.choice(teams), rng.choice(positions), kind, start, end or ""]
                for n, start, end, kind in people
            ],
        ),
        organisation=organisation,
        filename="people.csv",
    )
    if result.errors:
        raise SystemExit(f"people: {[(e.line, str(e.message)) for e in result.errors[:5]]}")
    say(f"  people: {len(people):,} rows in {time.monotonic() - started:.0f} s")

    oaths = []
    for n, start, _end, _kind in people:
        if start.year >= first_year:
            taken = start + timedelta(days=rng.randint(7, 120))
            if taken < TODAY:
                label = f"Ambtseed {taken.year}-{taken.month:02d}" if rng.random() < 0.85 else ""
                if label:
                    taken = date(taken.year, taken.month, 15) if date(taken.year, taken.month, 15) < TODAY else taken
                oaths.append([n, taken, rng.choice(["eed", "belofte"]), label])
    run(
        OathImporter(organisation=organisation, today=TODAY),
        ["personeelsnummer", "datum", "vorm", "bijeenkomst"],
        oaths,
        "oaths",
    )

    activities = []
    for i, (n, start, _end, _kind) in enumerate(people):
        if rng.random() < 0.3:
            declared = max(start, date(first_year, 1, 1)) + timedelta(days=rng.randint(0, 900))
            if declared >= TODAY:
                continue
            decision = rng.choice(["toegestaan"] * 6 + ["toegestaan_onder_voorwaarden", "geweigerd", "in_behandeling"])
            decided = "" if decision == "in_behandeling" else min(declared + timedelta(days=rng.randint(3, 40)), TODAY)
            activities.append(
                [n, declared, f"Vereniging {i}", "Bestuurslid", "nee", 4, declared, "", decision, decided]
            )
    run(
        OutsideActivityImporter(organisation=organisation),
        [
            "personeelsnummer",
            "meldingsdatum",
            "organisatie",
            "omschrijving",
            "bezoldigd",
            "uren_per_maand",
            "begindatum",
            "einddatum",
            "besluit",
            "besluitdatum",
        ],
        activities,
        "outside activities",
    )

    events, attendance = [], []
    for year in range(first_year, TODAY.year):
        for k in range(30):
            code = f"EV-{year}-{k:02d}"
            events.append(
                [
                    code,
                    f"Training integriteit {k}",
                    rng.choice(["training", "workshop", "bijeenkomst"]),
                    date(year, 1, 1) + timedelta(days=rng.randint(0, 360)),
                    "IC",
                ]
            )
            for n, _s, _e, _k in rng.sample(people, 25):
                attendance.append([code, n])
    run(EventImporter(organisation=organisation), ["code", "titel", "soort", "datum", "organisator"], events, "events")
    run(
        AttendanceImporter(organisation=organisation, today=TODAY),
        ["code", "personeelsnummer"],
        attendance,
        "attendance",
    )

    from plein.reports import services as reports

    started = time.monotonic()
    reports.set_up_reporting(organisation=organisation, actor=None)
    channels = [
        reports.create_channel(
            organisation=organisation,
            actor=None,
            code=code,
            name=code,
            description="",
            questionnaire=[],
            anonymity_allowed=True,
            retention_days=3650,
            category="",
            is_active=True,
            order=i,
        )
        for i, code in enumerate(["misstand", "integriteit", "ondermijning"])
    ]
    count = int(employees / 1000 * 4 * years)
    for _ in range(count):
        day = date(first_year, 1, 1) + timedelta(days=rng.randint(0, years * 365 - 1))
        reports.submit_report(
            channel=rng.choice(channels),
            mode="anonymous",
            answers=[],
            identity=None,
            form_token=reports.issue_form_token(),
            received_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10)),
        )
    say(f"  reports: {count:,} in {time.monotonic() - started:.0f} s")
    return organisation


def organisation_for_benchmark() -> Organisation:
    call_command("migrate", verbosity=0)
    found = Organisation.objects.order_by("pk").first()
    if found is not None:
        say(f"Using the data already in the database ({found.name}).")
        return found
    started = time.monotonic()
    try:
        if args.own_data:
            raise ImportError
        from plein.core import scale
    except ImportError:
        say(f"Importing {args.employees:,} employees and {args.years} years of records through the import services")
        organisation = own_data(args.employees, args.years)
    else:
        say(f"Generating scale data: {args.employees:,} employees, {args.years} years (plein.core.scale)")
        organisation = scale.generate(
            employees=args.employees, years=args.years, fast_kdf=True, progress=say
        ).organisation
    say(f"Data ready in {time.monotonic() - started:.0f} s.")
    return organisation


def timed(fn, repeat: int, *, cold: bool = True) -> tuple[float, object]:
    """The median time of ``fn``; ``cold`` empties the cache first (no trend year comes from it)."""
    from django.core.cache import cache

    times, result = [], None
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    from plein.annual_report import rendering, selectors
    from plein.core.models import Employee

    organisation = organisation_for_benchmark()
    headcount = Employee.objects.filter(organisation=organisation).in_service(date(YEAR, 12, 31)).count()
    say(f"{organisation.name}: {headcount:,} employees in service on 31-12-{YEAR}; report of {YEAR}.")
    with translation.override("nl"):
        rendering.render("pdf", selectors.build_report(organisation, YEAR - 1), {})  # warm up fonts and templates
        json_time, content = timed(
            lambda: rendering.render_json(selectors.build_report(organisation, YEAR, today=TODAY)), args.repeat
        )
        published_time, _ = timed(
            lambda: rendering.render_json(selectors.build_report(organisation, YEAR, published=True, today=TODAY)),
            args.repeat,
        )
        warm_time, _ = timed(
            lambda: rendering.render_json(selectors.build_report(organisation, YEAR, today=TODAY)),
            args.repeat,
            cold=False,
        )
        pdf_time, pdf = timed(
            lambda: rendering.render("pdf", selectors.build_report(organisation, YEAR, today=TODAY), {}), args.repeat
        )
    say(f"JSON                {json_time:6.2f} s  (target {JSON_TARGET:.0f} s, {len(content):,} bytes)")
    say(f"JSON, published     {published_time:6.2f} s")
    say(f"JSON, warm cache    {warm_time:6.2f} s  (the trend's earlier years from the cache)")
    say(f"PDF                 {pdf_time:6.2f} s  (target {PDF_TARGET:.0f} s, {len(pdf):,} bytes)")
    ok = json_time < JSON_TARGET and published_time < JSON_TARGET and pdf_time < PDF_TARGET
    say("OK: within the targets." if ok else "TOO SLOW: a target was missed.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
