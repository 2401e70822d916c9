"""``./plein load_demo [--seed S] [--today YYYY-MM-DD] [--replace]``: load the demo organisation "Provincie Veenland"."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core import demo


def iso_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("%(value)s is not a date; use YYYY-MM-DD.") % {"value": value}) from exc


def refuse_in_production() -> None:
    from django.conf import settings

    if settings.PLEIN_ENV == "production":
        raise CommandError(_("The demo organisation is never loaded when PLEIN_ENV=production."))


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the fictional demo organisation 'Provincie Veenland' (about 1,000 employees, the integrity structure "
        "and one demo account per role). The same seed and day give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=gettext_lazy("Random seed."))
        parser.add_argument(
            "--today",
            type=iso_day,
            default=None,
            help=gettext_lazy("The day the dates are relative to (YYYY-MM-DD); default: today."),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy("Delete the demo organisation first when it exists."),
        )

    def handle(self, *args, seed: int, today: date | None, replace: bool, **options):
        refuse_in_production()
        verbose = options.get("verbosity", 1) > 0
        try:
            result = demo.load_demo(
                seed=seed,
                today=today,
                replace=replace,
                progress=(lambda message: self.stdout.write(f"… {message}")) if verbose else None,
            )
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Loaded %(name)s: %(employees)d employees, %(units)d units, %(positions)d positions, "
                        "%(roles)d integrity structure roles and %(accounts)d demo accounts."
                    )
                    % {
                        "name": result.organisation.name,
                        "employees": result.employees,
                        "units": result.units,
                        "positions": result.positions,
                        "roles": result.structure_roles,
                        "accounts": result.accounts,
                    }
                )
            )
            if not result.passwords_set:
                self.stdout.write(
                    _("The demo accounts have no password: it is only set when PLEIN_ENV is demo or test.")
                )
