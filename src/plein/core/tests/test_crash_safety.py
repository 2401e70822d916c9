"""Crash safety (issue 13, "Must show" 3): SIGKILL the real server mid-stream, restart it, lose nothing acknowledged.

gunicorn (2 workers, ``gunicorn.conf.py``) serves a file SQLite database (or, when ``DATABASE_URL`` is PostgreSQL,
the test database). Two reporters submit reports through the public form (fetch the form, post it with the CSRF and
form tokens) and a handler logs in, opens the vault and replies to reports, all at once. In the middle of that stream
the whole server (master and workers) is killed with SIGKILL. After a restart:

* every submission that got its receipt page opens again with its receipt code and shows its text;
* every reply that got its redirect is on the handler's page;
* no partial record exists: every report has its recovery and receipt keys, decrypts with the recovery key, every
  message and attachment decrypts, every used form token belongs to a stored report's submission, the audit chain is
  intact, and SQLite's integrity check passes.

Only 127.0.0.1, a bounded number of requests (at most ``MAX_SUBMISSIONS`` per reporter) and bounded time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).absolute()
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "correct horse battery staple"
PASSPHRASE = "correct horse battery vault"
CODE_RE = re.compile(r"\d{4} \d{4} \d{4} \d{4}")
MAX_SUBMISSIONS = 40
KILL_AFTER = 6  # acknowledged submissions before the kill
KILL_AFTER_REPLIES = 2  # and acknowledged replies
TIMEOUT = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group, so that SIGKILL reaches the master and every worker at once."""

    def __init__(self, env: dict, root: Path, log: Path):
        self.env, self.root, self.log = env, root, log
        self.process = None

    @property
    def url(self) -> str:
        return f"http://{self.env['GUNICORN_BIND']}"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(self.root / "gunicorn.conf.py"), "plein.wsgi"],
                env=self.env,
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError("gunicorn did not come up:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


# --- the clients ---------------------------------------------------------------------------------------------------


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def submit_report(base: str, text: str) -> str | None:
    """One report through the public form; the receipt code when the server confirmed it, else None."""
    session = requests.Session()
    url = base + "/melden/kanaal/misstand/"
    page = session.get(url, timeout=TIMEOUT)
    if page.status_code != 200:
        return None
    data = {
        "csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"),
        "form_token": _hidden(page.text, "form_token"),
        "mode": "anonymous",
        "q_wat": text,
    }
    response = session.post(url, data=data, timeout=TIMEOUT)
    match = CODE_RE.search(response.text) if response.status_code == 200 else None
    return match.group(0) if match else None


def handler_session(base: str, email: str) -> requests.Session:
    session = requests.Session()
    login = session.get(base + "/accounts/login/", timeout=TIMEOUT)
    response = session.post(
        base + "/accounts/login/",
        data={
            "csrfmiddlewaretoken": _hidden(login.text, "csrfmiddlewaretoken"),
            "login": email,
            "password": PASSWORD,
        },
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-2000:]
    unlock = session.get(base + "/meldingen/kluis/openen/", timeout=TIMEOUT)
    response = session.post(
        base + "/meldingen/kluis/openen/",
        data={"csrfmiddlewaretoken": _hidden(unlock.text, "csrfmiddlewaretoken"), "passphrase": PASSPHRASE},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-2000:]
    return session


class Stream:
    """Reporters and a handler at work until stopped; what the server confirmed is recorded."""

    def __init__(self, base: str, email: str):
        self.base, self.email = base, email
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.submitted: list[tuple[str, str]] = []  # (text, receipt code) confirmed by the server
        self.replies: list[tuple[int, str]] = []  # (report id, text) confirmed by the server
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []

    def reporter(self, n: int) -> None:
        for i in range(MAX_SUBMISSIONS):
            if self.stop.is_set():
                return
            text = f"Crashtest melding {n}-{i} {time.monotonic_ns()}"
            try:
                code = submit_report(self.base, text)
            except requests.RequestException:
                return  # the server is gone
            if code:
                with self.lock:
                    self.submitted.append((text, code))

    def handler(self, session: requests.Session) -> None:
        i = 0
        while not self.stop.is_set() and i < MAX_SUBMISSIONS:
            try:
                inbox = session.get(self.base + "/meldingen/", timeout=TIMEOUT)
                ids = sorted({int(m) for m in re.findall(r'href="/meldingen/(\d+)/"', inbox.text)})
                if not ids:
                    time.sleep(0.2)
                    continue
                report_id = ids[i % len(ids)]
                page = session.get(f"{self.base}/meldingen/{report_id}/", timeout=TIMEOUT)
                text = f"Crashtest antwoord {i} {time.monotonic_ns()}"
                response = session.post(
                    f"{self.base}/meldingen/{report_id}/bericht/",
                    data={"csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"), "text": text},
                    timeout=TIMEOUT,
                    allow_redirects=False,
                )
            except (requests.RequestException, AttributeError):
                return
            if response.status_code == 302:
                with self.lock:
                    self.replies.append((report_id, text))
            i += 1

    def start(self) -> None:
        session = handler_session(self.base, self.email)
        self.threads = [threading.Thread(target=self.reporter, args=(n,), daemon=True) for n in range(2)]
        self.threads.append(threading.Thread(target=self.handler, args=(session,), daemon=True))
        for thread in self.threads:
            thread.start()

    def wait_for(self, submissions: int, replies: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and (len(self.submitted) < submissions or len(self.replies) < replies):
            time.sleep(0.05)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


# --- the set-up ----------------------------------------------------------------------------------------------------


def _set_up() -> tuple[str, str]:
    """An organisation with reporting, a channel and a handler whose team membership is confirmed."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from plein.core import roles as R
    from plein.core.tests.factories import EmployeeFactory, OrganisationFactory, RoleAssignmentFactory, UserFactory
    from plein.reports import services
    from plein.reports.models import HandlerKey
    from plein.reports.questionnaire import DEFAULT_QUESTIONNAIRE

    organisation = OrganisationFactory()
    _record, recovery = services.set_up_reporting(organisation=organisation, actor=None)
    channel = services.create_channel(
        organisation=organisation,
        actor=None,
        code="misstand",
        name="Vermoeden van een misstand",
        description="Wat u hier kunt melden.",
        questionnaire=DEFAULT_QUESTIONNAIRE,
        anonymity_allowed=True,
        retention_days=365,
        category="",
        is_active=True,
        order=0,
    )
    user = UserFactory(email="ic@crash.example")
    user.password = make_password(PASSWORD, hasher="argon2")  # the server runs without the tests' MD5 hasher
    user.save()
    EmployeeFactory(organisation=organisation, user=user, email=user.email)
    RoleAssignmentFactory(organisation=organisation, user=user, role=R.INTEGRITY_COORDINATOR)
    services.set_up_vault(user=user, passphrase=PASSPHRASE)
    membership = services.add_team_member(channel=channel, actor=None, user=user)
    membership.confirmed_public_key = bytes(HandlerKey.objects.get(user=user).public_key)
    membership.confirmed_at = timezone.now()
    membership.save()
    return user.email, recovery


def _server_env(tmp_path: Path, database_url: str) -> dict:
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "var").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DEBUG"))}
    env.update(
        # The demo environment: plain HTTP cookies and MFA optional (explicitly), file cache shared by the workers.
        PLEIN_ENV="demo",
        PLEIN_DEMO_MFA_OPTIONAL="1",
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="plein.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        PLEIN_VAR_DIR=str(tmp_path / "var"),
        PLEIN_REPORTS_ARGON2_OPSLIMIT="1",
        PLEIN_REPORTS_ARGON2_MEMLIMIT="8192",
        PLEIN_REPORTS_SUBMISSIONS_PER_HOUR="100000",
        GUNICORN_BIND=f"127.0.0.1:{_free_port()}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"),
        PYTHONWARNINGS="ignore",
    )
    return env


def _database_url(tmp_path: Path) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        from urllib.parse import quote

        db = connection.settings_dict
        auth = quote(db.get("USER") or "postgres") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    target = tmp_path / "plein.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(target)])  # the migrated test database with the set-up above
    return f"sqlite:///{target}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_server_loses_no_acknowledged_submission_and_leaves_no_partial_record(tmp_path):
    from django.db import connection

    email, recovery = _set_up()
    database_url = _database_url(tmp_path)
    connection.close()
    root = Path(os.environ.get("PLEIN_ROOT") or HERE.parents[4])
    server = Server(_server_env(tmp_path, database_url), root, tmp_path / "server.log")
    try:
        server.start()
        stream = Stream(server.url, email)
        stream.start()
        stream.wait_for(KILL_AFTER, KILL_AFTER_REPLIES, seconds=120)
        server.kill()  # mid-stream: the reporters and the handler are still sending
        stream.join()
        assert len(stream.submitted) >= KILL_AFTER, (stream.submitted, (tmp_path / "server.log").read_text()[-3000:])
        assert len(stream.replies) >= KILL_AFTER_REPLIES, stream.replies

        server.start()
        # Every confirmed submission opens with its receipt code and shows its text.
        for text, code in stream.submitted:
            session = requests.Session()
            page = session.get(server.url + "/melden/inloggen/", timeout=TIMEOUT)
            response = session.post(
                server.url + "/melden/inloggen/",
                data={"csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"), "code": code},
                timeout=TIMEOUT,
            )
            assert response.status_code == 200 and text in response.text, f"lost: {text}"
        # Every confirmed reply is on the handler's page.
        handler = handler_session(server.url, email)
        for report_id, text in stream.replies:
            page = handler.get(f"{server.url}/meldingen/{report_id}/", timeout=TIMEOUT)
            assert text in page.text, f"lost reply: {text}"
    finally:
        server.kill()

    # No partial record: checked by a separate process on the database the server wrote.
    out = tmp_path / "check.json"
    check = subprocess.run(
        [sys.executable, str(HERE), "check", json.dumps({"recovery": recovery, "out": str(out)})],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    found = json.loads(out.read_text())
    assert found["problems"] == []
    assert found["reports"] >= len(stream.submitted)
    assert found["audit_ok"], found


# --- the check, in a subprocess ---------------------------------------------------------------------------------


def _check(args: dict) -> int:
    from django.core.files.storage import default_storage
    from django.db import connection

    from plein.core.services.audit import verify_chain
    from plein.reports import crypto
    from plein.reports.models import Attachment, Message, Report, ReportKey, UsedFormToken

    recovery_key = crypto.parse_recovery_key(args["recovery"])
    problems = []
    for report in Report.objects.all():
        kinds = list(ReportKey.objects.filter(report=report).values_list("kind", flat=True))
        if kinds.count(ReportKey.Kind.RECOVERY) != 1 or kinds.count(ReportKey.Kind.RECEIPT) != 1:
            problems.append(f"report {report.pk} has keys {kinds}")
            continue
        wrapped = ReportKey.objects.get(report=report, kind=ReportKey.Kind.RECOVERY).wrapped_key
        try:
            key = crypto.unseal(recovery_key, bytes(wrapped))
            crypto.decrypt_json(key, bytes(report.content_ciphertext))
            for message in Message.objects.filter(report=report):
                crypto.decrypt_json(key, bytes(message.ciphertext))
            for attachment in Attachment.objects.filter(report=report):
                if not default_storage.exists(attachment.storage_name):
                    problems.append(f"attachment {attachment.pk} has no file")
        except crypto.CryptoError as exc:
            problems.append(f"report {report.pk} does not decrypt: {exc!r}")
    reports = Report.objects.count()
    if UsedFormToken.objects.count() != reports:
        problems.append(f"{UsedFormToken.objects.count()} used form tokens for {reports} reports")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            result = cursor.fetchone()[0]
        if result != "ok":
            problems.append(f"SQLite integrity check: {result}")
    Path(args["out"]).write_text(json.dumps({"problems": problems, "reports": reports, "audit_ok": verify_chain().ok}))
    return 0


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] != "check":
        raise SystemExit(f"unknown helper {sys.argv[1]!r}")
    sys.exit(_check(json.loads(sys.argv[2])))
