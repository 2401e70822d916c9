"""``benchmarks/run --smoke`` works: tiny scale data, the real server, load on 127.0.0.1, a table of results.

The benchmark itself is not part of the test suite (issue 12); this proves that the harness runs end to end. The
smoke run needs a migrated SQLite database: on SQLite the test hands in its own (migrated) test database, copied to a
file, and keeps that copy in var/bench/ for the PostgreSQL pass of ``./plein test``, keyed by the migrations.
"""

import contextlib
import hashlib
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

ROOT = Path(settings.PROJECT_ROOT)
ROW = re.compile(
    r"^\| (?P<label>[^|]+?) \| (?P<rps>[\d.]+) \| (?P<p50>[\d.]+) \| (?P<p95>[\d.]+) \| (?P<p99>[\d.]+) \|"
)


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "plein").glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for name in ("django", "wagtail", "django-allauth", "django-tasks", "django-tasks-db", "django-taggit"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()[:16]


def template_database() -> Path | None:
    """A migrated SQLite database file: this test run's own, or the one an earlier run of these migrations left."""
    path = ROOT / "var" / "bench" / f"smoke-template-{migrations_fingerprint()}.sqlite3"
    if connection.vendor == "sqlite":
        import sqlite3

        from django.db.backends.sqlite3._functions import register

        # A dump, not sqlite3's backup: the test's open transaction would make a backup wait forever.
        connection.ensure_connection()
        script = "\n".join(connection.connection.iterdump())
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            register(target)  # the schema uses Django's SQL functions
            target.executescript(script)
        finally:
            target.close()
        partial.replace(path)
    return path if path.exists() else None


@pytest.mark.backend_independent
def test_the_smoke_run_measures_every_page_and_prints_the_table():
    template = template_database()
    command = [sys.executable, str(ROOT / "benchmarks" / "run"), "--smoke", "--no-install", "--output", "-"]
    if template is not None:
        command += ["--sqlite-template", str(template)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, f"benchmarks/run --smoke failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"

    out = done.stdout
    assert (
        "| Page | req/s | p50 ms | p95 ms | p99 ms | × bare Django | × bare Django (logged in) | × bare WSGI |" in out
    )
    rows = {m["label"]: m for m in (ROW.match(line) for line in out.splitlines()) if m}
    for label in ("Bare Django view", "Bare Django view (logged in)", "Bare WSGI hello-world", "Public register"):
        assert label in rows, f"no measurement for {label}:\n{out}"
        assert float(rows[label]["rps"]) > 0
    # Every page of the issue answered (200) and got a line, measured or not.
    for label in ("Portal home", "Start page", "Case inbox", "A case", "Oath overview", "Outside activities"):
        line = next((ln for ln in out.splitlines() if ln.startswith(f"| {label}")), "")
        assert line and "answered" not in line, f"{label}: {line or 'missing'}\n{out}"
    assert "Peak RSS of one worker" in out
    assert "### SQLite" in out and "Measured " in out
