"""The load benchmark's smoke run (issue 13, "Must show" 5): ``benchmarks/load.py --smoke`` must pass.

20 concurrent clients for 10 s against gunicorn on this test's database (a file SQLite copy, or the PostgreSQL test
database): portal browsing, report submissions, receipt logins and case handling, with zero errors, zero lost
submissions and no memory growth. The full 60 s run (and longer, ``--seconds``) is in docs/verification.md.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plein.core.tests.test_crash_safety import _database_url, _set_up

ROOT = Path(os.environ.get("PLEIN_ROOT") or Path(__file__).absolute().parents[4])


@pytest.mark.django_db(transaction=True)
def test_load_smoke_run_has_no_errors_and_loses_nothing(tmp_path):
    from django.db import connection

    email, _recovery = _set_up()
    database_url = _database_url(tmp_path)
    connection.close()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "load.py"),
            "--smoke",
            "--workdir",
            str(tmp_path),
            "--database-url",
            database_url,
            "--handler",
            email,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr[-3000:]
    print(result.stdout)  # the figures, shown with -s
    assert result.returncode == 0, output
    assert "errors: 0; lost submissions: 0" in result.stdout, output
    assert "RESULT: ok" in result.stdout, output
