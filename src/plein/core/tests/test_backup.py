"""Backup and restore (issue 13, "Must show" 4): a round trip through ``./plein backup`` and ``./plein restore``.

The source installation runs the reporting channel's canary scenario (plein.reports.tests.canary_scenario: reports,
messages and files with unique canary strings through the real views). While a second process keeps appending audit
events to it (the server "keeps serving"), ``./plein backup`` writes the archive. ``./plein restore`` puts it into a
new, empty installation; there the reports are decrypted with the handler's vault passphrase, with the recovery key
and with the receipt codes, and the audit chain is intact. The archive, compressed and decompressed, holds no
canary in any encoding. On PostgreSQL (DATABASE_URL postgres) the restore goes into a second database.

Every installation runs in subprocesses with its own database, MEDIA_ROOT and PLEIN_VAR_DIR. This module is also the
helper those subprocesses run: ``python test_backup.py write-events|verify ...``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

HERE = Path(__file__).absolute()
PLEIN = Path(sys.executable).with_name("plein")


# --- installations in subprocesses ---------------------------------------------------------------------------


def _env(root: Path, database_url: str) -> dict[str, str]:
    (root / "media").mkdir(parents=True, exist_ok=True)
    (root / "var").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "PLEIN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "plein.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(root / "media"),
        "PLEIN_VAR_DIR": str(root / "var"),
        "PLEIN_DEMO_MFA_OPTIONAL": "1",
        "PYTHONWARNINGS": "ignore",
    }


def _run(args: list[str], env: dict, *, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _plein(env: dict, *args: str) -> subprocess.CompletedProcess:
    return _run([str(PLEIN), *args], env)


def _postgres_url(name: str) -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


class EventWriter:
    """A second process that appends audit events to the source installation until told to stop (at most 60 s)."""

    def __init__(self, env: dict, workdir: Path):
        self.stop_file = workdir / "stop-writer"
        self.ready_file = workdir / "writer-ready"
        self.count_file = workdir / "writer-count"
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), "write-events", str(workdir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not self.ready_file.exists():
            assert self.process.poll() is None, self.process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the event writer did not start"
            time.sleep(0.1)

    def stop(self) -> int:
        self.stop_file.touch()
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.returncode == 0, self.process.stderr.read().decode()[-2000:]
        return int(self.count_file.read_text())


# --- what the archive may not reveal -----------------------------------------------------------------------------


def _archive_blobs(archive: Path, tmp: Path) -> dict[str, bytes]:
    raw = archive.read_bytes()
    blobs = {"archive": raw, "archive (gunzipped)": gzip.decompress(raw)}
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar:
            data = tar.extractfile(info).read()
            blobs[info.name] = data
            if info.name.endswith(".pgdump"):
                # pg_dump's custom format compresses the table data: scan it as the plain SQL it restores to.
                dump = tmp / "scan.pgdump"
                dump.write_bytes(data)
                sql = subprocess.run(
                    ["pg_restore", "--file=-", str(dump)], capture_output=True, timeout=300, check=True
                ).stdout
                assert b"COPY public.reports_report " in sql
                blobs[info.name + " (as SQL)"] = sql
    return blobs


def _tamper(archive: Path, target: Path) -> None:
    """A copy of the archive with one byte changed in one stored file, the manifest left as it was."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        changed = False
        for info in src:
            data = src.extractfile(info).read()
            if not changed and info.name.startswith("media/reports/"):
                data = bytes([data[0] ^ 1]) + data[1:]
                changed = True
            out.addfile(info, io.BytesIO(data))
    assert changed


# --- the round trip --------------------------------------------------------------------------------------------


def _source_sqlite(tmp_path: Path, canaries: dict) -> tuple[dict, dict]:
    from django.db import connection

    root = tmp_path / "source"
    db_file = root / "plein.sqlite3"
    env = _env(root, f"sqlite:///{db_file}")
    # A copy of the (migrated, empty) test database, so that no subprocess runs every migration again.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(db_file)])
    canary_file = tmp_path / "canaries.json"
    canary_file.write_text(json.dumps(canaries))
    scenario = HERE.parents[2] / "reports" / "tests" / "canary_run.py"
    result = _run([sys.executable, str(scenario), str(root), str(canary_file)], env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return env, json.loads((root / "made.json").read_text())


def _source_postgres(tmp_path: Path, canaries: dict, settings) -> tuple[dict, dict]:
    from django.db import connection

    from plein.reports.tests.canary_scenario import run

    root = tmp_path / "source"
    env = _env(root, _postgres_url(connection.settings_dict["NAME"]))
    settings.MEDIA_ROOT = root / "media"
    made = run(canaries)
    connection.close()
    return env, made


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path, settings):
    from django.db import connection

    from plein.reports.tests.test_canary import _secrets, make_canaries, scan

    canaries = make_canaries()
    postgres = connection.vendor == "postgresql"
    if postgres:
        source_env, made = _source_postgres(tmp_path, canaries, settings)
        target_db = f"{connection.settings_dict['NAME']}_restore"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_db}"')
            cursor.execute(f'CREATE DATABASE "{target_db}"')
        target_url = _postgres_url(target_db)
    else:
        source_env, made = _source_sqlite(tmp_path, canaries)
        target_url = f"sqlite:///{tmp_path / 'target' / 'plein.sqlite3'}"
    try:
        # The backup is taken while another process keeps writing (audit events, each moving the chain's head).
        writer = EventWriter(source_env, tmp_path)
        archive = tmp_path / "backups" / "plein.tar.gz"
        backup = _plein(source_env, "backup", str(archive))
        written = writer.stop()
        assert backup.returncode == 0, backup.stderr[-3000:]
        assert written > 0
        assert "Backup written" in backup.stdout
        assert oct(archive.stat().st_mode & 0o777) == "0o600"

        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            manifest = json.loads(tar.extractfile("manifest.json").read())
        assert manifest["database"]["vendor"] == connection.vendor
        assert set(manifest["members"]) == set(names) - {"manifest.json"}
        assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
        assert "0001_initial" in manifest["migrations"]["reports"]
        assert manifest["rows"]["reports.report"] == 2
        assert manifest["storage"]["files"] >= 5 and any(n.startswith("media/reports/") for n in names)
        assert {"integriteitsplein", "django", "python", "database"} <= set(manifest["versions"])

        # Restore into a new, empty installation.
        target_env = _env(tmp_path / "target", target_url)
        restored = _plein(target_env, "restore", str(archive))
        assert restored.returncode == 0, restored.stdout[-2000:] + restored.stderr[-3000:]
        assert "audit log intact" in restored.stdout
        assert f"({manifest['audit_head']['seq']} events checked)" in restored.stdout

        # The reports can be read there: with the handler's vault passphrase, the recovery key and the receipts.
        check_file = tmp_path / "verify.json"
        args = {
            "passphrase": canaries["passphrase"],
            "recovery": made["recovery"],
            "receipts": [made["receipt_named"], made["receipt_anon"]],
            "out": str(check_file),
        }
        verify = _run([sys.executable, str(HERE), "verify", json.dumps(args)], target_env)
        assert verify.returncode == 0, verify.stderr[-3000:]
        found = json.loads(check_file.read_text())
        assert found["reports"] == 2
        assert found["receipts_opened"] == 2
        assert found["audit_ok"] is True
        for purpose in ("text", "anon_text", "place", "who", "reporter_message", "team_message", "ack", "name"):
            assert canaries[purpose] in found["via_passphrase"], purpose
            assert canaries[purpose] in found["via_recovery"], purpose
        for purpose in ("file", "reporter_file", "team_file"):
            assert canaries[purpose] in found["files_via_passphrase"], purpose
            assert canaries[purpose] in found["files_via_recovery"], purpose

        # A second restore over the now non-empty installation is refused, and changes nothing.
        again = _plein(target_env, "restore", str(archive))
        assert again.returncode != 0
        assert "not empty" in again.stderr

        # A damaged archive is refused before anything is written.
        tampered = tmp_path / "backups" / "tampered.tar.gz"
        _tamper(archive, tampered)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target_db}_2"')
                cursor.execute(f'CREATE DATABASE "{target_db}_2"')
            other_env = _env(tmp_path / "target2", _postgres_url(f"{target_db}_2"))
        else:
            other_env = _env(tmp_path / "target2", f"sqlite:///{tmp_path / 'target2' / 'plein.sqlite3'}")
        refused = _plein(other_env, "restore", str(tampered))
        assert refused.returncode != 0
        assert "Checksum mismatch" in refused.stderr
        assert not any((tmp_path / "target2" / "media").iterdir())
        if not postgres:
            assert not (tmp_path / "target2" / "plein.sqlite3").exists()

        # The archive reveals no report content, receipt, passphrase or recovery key, in any encoding.
        blobs = _archive_blobs(archive, tmp_path)
        assert sum(len(b) for b in blobs.values()) > 100_000
        assert scan(blobs, _secrets(canaries, made)) == []
    finally:
        if postgres:
            from django.db import connection as conn

            with conn.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')
                cursor.execute(f'DROP DATABASE IF EXISTS "{target_db}_2" WITH (FORCE)')


@pytest.mark.django_db
def test_backup_refuses_an_existing_file_and_a_wrong_name(tmp_path):
    from plein.core.services.backup import BackupError, create_backup

    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="already exists"):
        create_backup(existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(BackupError, match=r"\.tar\.gz"):
        create_backup(tmp_path / "backup.zip")


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    from plein.core.services.backup import BackupError, verify_archive

    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        data = b"hello"
        info = tarfile.TarInfo("../etc/passwd")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="no manifest"):
        verify_archive(bogus)


# --- the subprocess helpers --------------------------------------------------------------------------------------


def _write_events(workdir: Path) -> int:
    from plein.core.services.audit import record_event

    stop, ready, count = workdir / "stop-writer", workdir / "writer-ready", workdir / "writer-count"
    deadline = time.monotonic() + 60
    n = 0
    while not stop.exists() and time.monotonic() < deadline:
        record_event(actor=None, action="backup_test.tick", data={"n": n})
        n += 1
        if n == 1:
            ready.touch()
        time.sleep(0.005)
    count.write_text(str(n))
    return 0


def _verify(args: dict) -> int:
    from plein.core.models import User
    from plein.core.services.audit import verify_chain
    from plein.reports import crypto, selectors, services
    from plein.reports.models import Attachment, Report, ReportKey

    recovery_key = crypto.parse_recovery_key(args["recovery"])
    ic = User.objects.get(email="ic@kanarie.example")
    private_key = services.unlock_vault(user=ic, passphrase=args["passphrase"])
    out = {"via_passphrase": "", "via_recovery": "", "files_via_passphrase": "", "files_via_recovery": ""}

    def read(report, key) -> tuple[str, str]:
        opened = selectors.report_for_reporter(report=report, report_key=key, team_label="team")
        text = [str(a.get("value", "")) for a in opened.answers] + [m.text for m in opened.messages]
        text.append(json.dumps(opened.identity or {}))
        files = [
            b"".join(selectors.decrypt_attachment(attachment=a, report_key=key, actor=None).chunks).decode(
                "utf-8", "replace"
            )
            for a in Attachment.objects.filter(report=report)
        ]
        return "\n".join(text), "\n".join(files)

    reports = list(Report.objects.all())
    for report in reports:
        by_passphrase = services.handler_report_key(report=report, user=ic, private_key=private_key)
        wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
        by_recovery = crypto.unseal(recovery_key, bytes(wrapped))
        assert by_passphrase == by_recovery
        text, files = read(report, by_passphrase)
        out["via_passphrase"] += text
        out["files_via_passphrase"] += files
        text, files = read(report, by_recovery)
        out["via_recovery"] += text
        out["files_via_recovery"] += files
    opened = 0
    for code in args["receipts"]:
        result = services.open_with_receipt(organisation=reports[0].organisation, code=code)
        if result is not None:
            crypto.decrypt_json(result[1], bytes(result[0].content_ciphertext))
            opened += 1
    out.update(reports=len(reports), receipts_opened=opened, audit_ok=verify_chain().ok)
    Path(args["out"]).write_text(json.dumps(out))
    return 0


def _main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "write-events":
        return _write_events(Path(argv[1]))
    if argv[0] == "verify":
        return _verify(json.loads(argv[1]))
    raise SystemExit(f"unknown helper {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
