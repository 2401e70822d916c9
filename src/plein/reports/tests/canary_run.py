"""Entry point for the canary test's subprocess: its own SQLite database file, media folder and logs.

    python canary_run.py WORKDIR CANARIES.json

The environment (set by the test) points DATABASE_URL at WORKDIR/db.sqlite3, MEDIA_ROOT at WORKDIR/media and turns on
DEBUG and LOG_LEVEL=DEBUG, so that even every SQL statement with its parameters is logged (to stderr, which the
test captures). Writes what the system generated (receipt codes, recovery key) to WORKDIR/made.json.
"""

import json
import sys
from pathlib import Path


def main() -> int:
    workdir = Path(sys.argv[1])
    canaries = json.loads(Path(sys.argv[2]).read_text())
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=True)  # test client host allowed, e-mail in memory; DEBUG logs every SQL statement
    call_command("migrate", verbosity=0, interactive=False)
    import logging

    # Log everything Django logs, every SQL statement with its parameters included (Django's default configuration
    # keeps the "django" logger at INFO; an operator could lower it). Loggers that settings pin higher stay pinned.
    logging.getLogger("django").setLevel(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    from plein.reports.tests.canary_scenario import run

    made = run(canaries)
    from django.db import connection

    connection.close()
    (workdir / "made.json").write_text(json.dumps(made))
    return 0


if __name__ == "__main__":
    sys.exit(main())
