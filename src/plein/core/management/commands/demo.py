"""``./plein demo [--reset] [--port N] [--no-serve]``: migrate, load the demo province when the database is empty,
print the demo accounts and serve the site on 127.0.0.1.

A second run keeps the data and is fast. ``--reset`` deletes the SQLite database under ``var/`` first; it refuses
any other database. Static files come from WhiteNoise, since DEBUG is off in the demo.
"""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plein.core import demo
from plein.core.management.commands.load_demo import refuse_in_production
from plein.core.models import Organisation

DEFAULT_PORT = 8000


def port_number(value) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise CommandError(_("The port must be a number from 1 to 65535, not %(value)s.") % {"value": value})
    return port


class Command(BaseCommand):
    help = gettext_lazy(
        "Run the demo: migrate, load 'Provincie Veenland' when the database is empty, print the demo accounts and "
        "serve http://127.0.0.1:8000."
    )
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy("Delete the SQLite database under var/ first and start fresh."),
        )
        parser.add_argument("--port", default=None, help=gettext_lazy("Port to serve on (default: $PORT or 8000)."))
        parser.add_argument(
            "--no-serve",
            action="store_true",
            dest="no_serve",
            help=gettext_lazy("Prepare the database and print the accounts, but do not start the server."),
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=gettext_lazy("Random seed."))

    def handle(self, *args, reset: bool, port, no_serve: bool, seed: int, **options):
        refuse_in_production()
        port = port_number(port if port is not None else os.environ.get("PORT") or DEFAULT_PORT)
        verbose = options.get("verbosity", 1) > 0

        if reset:
            try:
                path = demo.reset_database()
            except demo.DemoError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("Deleted the demo database %(path)s; starting fresh.") % {"path": path})

        self.stdout.write(_("Bringing the database up to date (migrate)"))
        call_command("migrate", interactive=False, verbosity=0)

        existing = Organisation.objects.order_by("pk").first()
        if existing is None:
            self.stdout.write(_("Loading the demo organisation; this takes a few seconds."))
            try:
                demo.load_demo(
                    seed=seed, progress=(lambda message: self.stdout.write(f"… {message}")) if verbose else None
                )
            except demo.DemoError as exc:
                raise CommandError(str(exc)) from exc
        else:
            self.stdout.write(
                _("The database already holds %(name)s; keeping it (use --reset to start fresh).")
                % {"name": existing.name}
            )
            demo.ensure_demo_passwords()

        self.print_accounts()
        if no_serve:
            return
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Integriteitsplein runs at %(url)s. Stop it with Ctrl+C.") % {"url": url})
        )
        self.stdout.flush()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)

    def print_accounts(self) -> None:
        rows = demo.demo_accounts()
        if not rows:
            self.stdout.write(_("There are no demo accounts in this database."))
            return
        headers = (_("Role"), _("E-mail"), _("Password"), _("Name"))
        no_password = _("(none)")
        table = [(row["role"], row["email"], row["password"] or no_password, row["name"]) for row in rows]
        widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *table, strict=False)]

        def line(cells) -> str:
            return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo accounts")))
        self.stdout.write(line(headers))
        self.stdout.write(line("-" * width for width in widths))
        for cells in table:
            self.stdout.write(line(cells))
        if not any(row["password"] for row in rows):
            self.stdout.write(_("The demo password is only set when PLEIN_ENV is demo or test."))
