"""The canary test (issue 4, "Must show" 3): no secret reaches the database, the media folder or the logs.

Reports, messages, files, the reporter's identity, the vault passphrase, the receipt codes and the recovery key all
carry unique canary strings. The whole flow runs through the real views. Then every byte of the database (the SQLite
file with its WAL, or a ``pg_dump`` on PostgreSQL), of the media folder and of the captured logs (with DEBUG on, so
every SQL statement and its parameters are logged) is searched for each canary in every encoding we can think of.
"""

import base64
import json
import logging
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.db import connection

PURPOSES = [
    "name",
    "email",
    "phone",
    "text",
    "place",
    "who",
    "filename",
    "file",
    "pdf",
    "pdf_author",
    "anon_text",
    "exif",
    "reporter_message",
    "reporter_file",
    "team_message",
    "team_file",
    "ack",
    "passphrase",
]


def make_canaries() -> dict[str, str]:
    return {purpose: f"Canary{purpose.title().replace('_', '')}{uuid.uuid4().hex[:16]}" for purpose in PURPOSES}


def _b64_cores(raw: bytes) -> set[bytes]:
    """Base64 of ``raw`` at every alignment inside a larger text, without the characters that depend on neighbours."""
    cores = set()
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + raw).rstrip(b"=")
            start = -(-shift * 4 // 3)  # characters that still mix in the padding bytes
            core = encoded[start + 1 : -3]
            if len(core) >= 12:
                cores.add(core)
    return cores


def encodings(secret: str) -> set[bytes]:
    raw = secret.encode("utf-8")
    forms = {
        raw,
        raw.lower(),
        raw.upper(),
        secret.encode("utf-16-le"),
        secret.encode("utf-16-be"),
        secret.encode("utf-32-le"),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        urllib.parse.quote(secret).encode(),
        urllib.parse.quote_plus(secret).encode(),
        json.dumps(secret).encode(),
    }
    forms |= _b64_cores(raw)
    forms |= _b64_cores(secret.encode("utf-16-le"))
    return forms


def test_encodings_find_what_they_should():
    secret = "CanaryTest0123456789abcdef"
    blob = b"xx" + base64.b64encode(b"ab" + secret.encode() + b"cd") + b"yy" + secret.encode("utf-16-le")
    found = [form for form in encodings(secret) if form in blob]
    assert len(found) >= 2
    assert not [form for form in encodings(secret) if form in b"random bytes without it"]


def scan(blobs: dict[str, bytes], secrets: dict[str, str]) -> list[str]:
    hits = []
    for purpose, secret in secrets.items():
        for form in encodings(secret):
            for where, blob in blobs.items():
                if form in blob:
                    hits.append(f"{purpose} found in {where}")
    return sorted(set(hits))


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root.parent)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _secrets(canaries: dict, made: dict) -> dict:
    out = dict(canaries)
    for purpose, value in made.items():
        out[purpose] = value
        if purpose.startswith("receipt"):
            out[purpose + "_digits"] = value.replace(" ", "")
        if purpose == "recovery":
            out["recovery_compact"] = value.replace(" ", "")
    return out


def _run_sqlite_subprocess(tmp_path: Path, canaries: dict) -> tuple[dict[str, bytes], dict]:
    (tmp_path / "db").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "logs").mkdir()
    canary_file = tmp_path / "canaries.json"
    canary_file.write_text(json.dumps(canaries))
    db_file = tmp_path / "db" / "plein.sqlite3"
    # A file copy of the (migrated, empty) test database, so that the subprocess need not run every migration again.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(db_file)])
    env = {
        **os.environ,
        "PLEIN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "plein.settings",
        "DATABASE_URL": f"sqlite:///{db_file}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "1",
        "LOG_LEVEL": "DEBUG",
        "PLEIN_DEMO_MFA_OPTIONAL": "1",
        "PYTHONWARNINGS": "ignore",
    }
    with open(tmp_path / "logs" / "stdout.log", "wb") as out, open(tmp_path / "logs" / "stderr.log", "wb") as err:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("canary_run.py")), str(tmp_path), str(canary_file)],
            env=env,
            stdout=out,
            stderr=err,
            timeout=600,
            check=False,
        )
    stderr_tail = (tmp_path / "logs" / "stderr.log").read_bytes()[-3000:].decode(errors="replace")
    assert result.returncode == 0, f"the canary scenario failed:\n{stderr_tail}"
    made = json.loads((tmp_path / "made.json").read_text())
    logs = (tmp_path / "logs" / "stderr.log").read_bytes()
    assert b"INSERT INTO" in logs and b"reports_report" in logs, "SQL was not logged: the log check would prove nothing"
    blobs = {**_files(tmp_path / "db"), **_files(tmp_path / "media"), **_files(tmp_path / "logs")}
    assert any(name.startswith("media/") for name in blobs), "no encrypted files were written"
    assert any(name.endswith(".sqlite3") for name in blobs)
    return blobs, made


def _run_postgres_in_process(tmp_path: Path, canaries: dict, settings) -> tuple[dict[str, bytes], dict]:
    from django.test.utils import CaptureQueriesContext

    from plein.reports.tests.canary_scenario import run

    settings.MEDIA_ROOT = tmp_path / "media"
    log_file = tmp_path / "logs" / "app.log"
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    loggers = [root, logging.getLogger("django"), logging.getLogger("django.db.backends")]
    old_levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        with CaptureQueriesContext(connection):  # forces the debug cursor: every SQL statement is logged
            made = run(canaries)
    finally:
        for lg, level in zip(loggers, old_levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
        handler.close()
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "postgres",
            db["NAME"],
        ],
        env=env,
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
    assert b"reports_report" in dump and b"COPY public.reports_reportkey" in dump
    logs = log_file.read_bytes()
    assert b"INSERT INTO" in logs, "SQL was not logged: the log check would prove nothing"
    blobs = {"pg_dump": dump, **_files(tmp_path / "media"), **_files(tmp_path / "logs")}
    assert any(name.startswith("media/") for name in blobs)
    return blobs, made


@pytest.mark.django_db(transaction=True)
def test_no_secret_reaches_the_database_media_or_logs(tmp_path, settings):
    canaries = make_canaries()
    if connection.vendor == "postgresql":
        blobs, made = _run_postgres_in_process(tmp_path, canaries, settings)
    else:
        blobs, made = _run_sqlite_subprocess(tmp_path, canaries)
    secrets = _secrets(canaries, made)
    assert {"receipt_named", "receipt_anon", "recovery"} <= set(made)
    assert sum(len(b) for b in blobs.values()) > 100_000
    hits = scan(blobs, secrets)
    assert hits == []
