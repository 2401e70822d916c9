"""Benchmark of the reporting channel's deliberate cost: submission and receipt login with the real Argon2id settings.

    .venv/bin/python benchmarks/reports_crypto.py [--runs 20] [--threads 8]

It uses a throw-away SQLite database and media folder in a temporary directory, and the Argon2id parameters of
``settings.PLEIN`` (override with PLEIN_REPORTS_ARGON2_OPSLIMIT / PLEIN_REPORTS_ARGON2_MEMLIMIT /
PLEIN_ARGON2_CONCURRENCY). It prints a table; it is not part of the test suite.

Measured:
* one Argon2id derivation (the floor of every receipt login, submission and vault unlock);
* a whole submission through the service (receipt derivation, encryption, wrapping for three handlers and the
  recovery key, a 1 MiB attachment streamed to storage, the database transaction);
* a correct and a wrong receipt login (one Argon2id each; they cost the same, so timing reveals nothing);
* stream encryption and decryption throughput;
* a burst of concurrent receipt logins: how many were served and how many got "busy" (the bounded semaphore).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(workdir: Path) -> None:
    os.environ.setdefault("PLEIN_ENV", "dev")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000, max(ordered) * 1000


def _row(name: str, samples: list[float], note: str = "") -> str:
    median, p95, worst = _stats(samples)
    return f"| {name:<38} | {len(samples):>4} | {median:>9.1f} | {p95:>9.1f} | {worst:>9.1f} | {note}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        _setup(workdir)
        import io

        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile

        from plein.core import roles as R
        from plein.core.models import Organisation, RoleAssignment, User
        from plein.reports import crypto, services
        from plein.reports.files import prepare_upload
        from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

        conf = settings.PLEIN
        opslimit, memlimit = int(conf["REPORTS_ARGON2_OPSLIMIT"]), int(conf["REPORTS_ARGON2_MEMLIMIT"])
        concurrency = int(conf["ARGON2_CONCURRENCY"])

        org = Organisation.objects.create(name="Benchmark", slug="benchmark")
        services.set_up_reporting(organisation=org, actor=None)
        channel = services.create_channel(
            organisation=org, actor=None, code="bench", name="Bench", questionnaire=DEFAULT_QUESTIONNAIRE
        )
        for i in range(3):
            user = User.objects.create_user(email=f"handler{i}@bench.example", password=None)
            RoleAssignment.objects.create(organisation=org, user=user, role=R.INTEGRITY_COORDINATOR)
            services.set_up_vault(user=user, passphrase="benchmark passphrase")
            membership = services.add_team_member(channel=channel, actor=None, user=user)
            if membership.confirmed_at is None:
                membership.confirmed_public_key = bytes(user.handler_key.public_key)
                from django.utils import timezone

                membership.confirmed_at = timezone.now()
                membership.save()

        salt = crypto.new_salt()
        argon = []
        for _ in range(args.runs):
            start = time.perf_counter()
            crypto.receipt_material("1234567890123456", salt, opslimit=opslimit, memlimit=memlimit)
            argon.append(time.perf_counter() - start)

        attachment = os.urandom(1024 * 1024)
        submissions, codes = [], []
        for i in range(args.runs):
            prepared = prepare_upload(
                SimpleUploadedFile("bijlage.txt", attachment.hex()[: 1024 * 1024].encode()),
                strip=False,
                max_bytes=10**8,
            )
            start = time.perf_counter()
            result = services.submit_report(
                channel=channel,
                mode="anonymous",
                answers=[{"key": "wat", "label": "Wat?", "value": f"Benchmark {i} " * 50}],
                identity=None,
                files=[prepared],
                form_token=services.issue_form_token(),
            )
            submissions.append(time.perf_counter() - start)
            codes.append(result.receipt_code)

        good, bad = [], []
        for code in codes:
            start = time.perf_counter()
            assert services.open_with_receipt(organisation=org, code=code) is not None
            good.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert services.open_with_receipt(organisation=org, code="0000000000000000") is None
            bad.append(time.perf_counter() - start)

        key = crypto.new_key()
        data = os.urandom(16 * 1024 * 1024)
        start = time.perf_counter()
        ciphertext = b"".join(crypto.encrypt_file(key, io.BytesIO(data)))
        encrypt_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for _chunk in crypto.decrypt_stream(key, io.BytesIO(ciphertext)):
            pass
        decrypt_seconds = time.perf_counter() - start

        served, busy, burst = [], [], []
        lock = threading.Lock()

        def login(code: str) -> None:
            from django.db import connection

            start = time.perf_counter()
            try:
                services.open_with_receipt(organisation=org, code=code)
                outcome = served
            except crypto.Argon2Busy:
                outcome = busy
            finally:
                connection.close()
            with lock:
                outcome.append(1)
                burst.append(time.perf_counter() - start)

        threads = [threading.Thread(target=login, args=(codes[i % len(codes)],)) for i in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        print()
        print(
            f"Argon2id: opslimit={opslimit}, memlimit={memlimit // (1024 * 1024)} MiB, "
            f"ARGON2_CONCURRENCY={concurrency}, ARGON2_WAIT_SECONDS={conf['ARGON2_WAIT_SECONDS']}"
        )
        print(
            f"Memory budget for Argon2 per worker: {concurrency} x {memlimit // (1024 * 1024)} MiB = "
            f"{concurrency * memlimit // (1024 * 1024)} MiB (times the number of gunicorn workers)"
        )
        print(f"Guessing one receipt code: 10^16 codes x {statistics.median(argon) * 1000:.0f} ms of Argon2id each")
        print()
        print(f"| {'path':<38} | {'runs':>4} | {'median ms':>9} | {'p95 ms':>9} | {'max ms':>9} | note")
        print(f"|{'-' * 40}|{'-' * 6}|{'-' * 11}|{'-' * 11}|{'-' * 11}|------")
        print(_row("Argon2id derivation (64 bytes)", argon))
        print(_row("submission (3 handlers, 1 MiB file)", submissions, "one Argon2id + encryption + DB"))
        print(_row("receipt login, correct code", good))
        print(_row("receipt login, wrong code", bad, "same cost: timing reveals nothing"))
        print(
            _row(
                f"burst of {args.threads} concurrent logins",
                burst,
                f"{len(served)} served, {len(busy)} answered busy (503)",
            )
        )
        print()
        print(
            f"Stream encryption: {16 / encrypt_seconds:.0f} MiB/s, decryption: {16 / decrypt_seconds:.0f} MiB/s "
            f"(16 MiB, {crypto.CHUNK_BYTES // 1024} KiB chunks)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
