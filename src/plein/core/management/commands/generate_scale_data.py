"""``./plein generate_scale_data --employees N --years Y [--seed S] [--today YYYY-MM-DD] [--fast-kdf]``.

Fills an empty database with a large organisation and every app's records over the years (``plein.core.scale``),
for performance work. A developer tool: its messages are not translated.
"""

import argparse
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plein.core import scale


def iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value} is not a date; use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Fill an empty database with scale data: the demo province grown to N employees, people joining and leaving "
        "over Y years, and every app's records over those years. The same seed, sizes and day give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, required=True, help="Current positions (people in service).")
        parser.add_argument("--years", type=int, required=True, help="Years of history.")
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED, help="Random seed.")
        parser.add_argument("--today", type=iso_day, default=None, help="The day the dates are relative to.")
        parser.add_argument(
            "--fast-kdf",
            action="store_true",
            help="Derive the reports' receipt codes with the cheapest Argon2id cost (benchmark databases only).",
        )

    def handle(self, *args, employees: int, years: int, seed: int, today, fast_kdf: bool, **options):
        if settings.PLEIN_ENV == "production":
            raise CommandError("Scale data is never generated when PLEIN_ENV=production.")
        verbose = options.get("verbosity", 1) > 0
        try:
            result = scale.generate(
                employees=employees,
                years=years,
                seed=seed,
                today=today,
                fast_kdf=fast_kdf,
                progress=(lambda message: self.stdout.write(message)) if verbose else None,
            )
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            self.stdout.write(f"Scale data for {result.organisation} in {result.seconds:.0f} s:")
            width = max(len(name) for name in result.counts)
            for name, count in result.counts.items():
                self.stdout.write(f"  {name:<{width}}  {count:>10,}")
