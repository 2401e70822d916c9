#!/usr/bin/env python3
"""A burst of concurrent report submissions against the real server, and the Argon2id concurrency budget (issue 12).

    .venv/bin/python benchmarks/report_burst.py [--clients 50] [--workers 2] [--threads 4] [--concurrency 2]

Every submission derives the receipt key with Argon2id (64 MiB, opslimit 3 by default). ``plein.reports.crypto``
runs each derivation inside ``argon2_slot()``, a bounded semaphore of ``PLEIN_ARGON2_CONCURRENCY`` slots per
process, and answers "busy" (503) when no slot frees up within ``PLEIN_ARGON2_WAIT_SECONDS``; so the budget is
workers x concurrency derivations at once, and workers x concurrency x memlimit of Argon2 memory.

The script copies the SQLite scale database of ``benchmarks/run`` (``var/bench/sqlite-20000x10-s12``, or
``--database``) into a temporary directory, gives its reporting key the configured receipt cost again (the scale data
uses ``--fast-kdf``), and starts gunicorn on 127.0.0.1 with the production settings, ``--workers`` processes of
``--threads`` threads (gthread, so that the per-process semaphore is what limits; with sync workers one request per
process runs at a time anyway), and ``benchmarks/burst_wsgi.py``, which counts the derivations that run at the same
moment, per process and over all processes. ``--clients`` threads each fetch the form of a channel (their own CSRF
cookie and form token), wait at a barrier, and send it at the same moment. Only 127.0.0.1 is contacted; the server is
stopped at the end, and everything lives in the temporary directory.

It prints the statuses (200 receipt, 503 busy, other), the latencies, the peak number of concurrent derivations
against the budget, and the peak RSS of each worker against its share of the memory budget.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DB = ROOT / "var" / "bench" / "sqlite-20000x10-s12" / "scale.sqlite3"
MIB = 1024 * 1024


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FormParser(html.parser.HTMLParser):
    """The fields of the page's POST form: inputs, textareas, selects, radio groups."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.required: set[str] = set()
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if "required" in a:
                self.required.add(name)
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value") or "")
            elif kind == "checkbox":
                if "required" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.fields.setdefault(name, a.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.setdefault(name, "")
            if "required" in a:
                self.required.add(name)
        elif tag == "select" and name:
            self.select = name
            if "required" in a:
                self.required.add(name)
        elif tag == "option" and self.select and a.get("value") and self.select not in self.fields:
            self.fields[self.select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def fill(parser: FormParser) -> dict[str, str]:
    data = dict(parser.fields)
    for name, values in parser.radios.items():
        data[name] = "anonymous" if "anonymous" in values else next((v for v in values if v), values[0])
    for name in parser.required | set(data):
        if data.get(name):
            continue
        if "mail" in name:
            data[name] = "burst@example.invalid"
        elif name in parser.required:
            data[name] = "Burst test (benchmarks/report_burst.py): no real report."
    return data


def cookies_of(response) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url: str, *, data: dict | None = None, cookies: dict | None = None, timeout: float = 120):
    """(status, body, cookies). The server's cookies carry the Secure flag; on plain loopback we send them by hand."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body)
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with OPENER.open(req, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace"), cookies_of(response)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), cookies_of(error)


def prepare_database(source: Path, workdir: Path, env: dict) -> Path:
    target = workdir / "burst.sqlite3"
    say(f"Copying {source} to {target}")
    shutil.copyfile(source, target)
    script = (
        "from django.conf import settings\n"
        "from plein.reports.models import OrganisationKey, Channel\n"
        "conf = settings.PLEIN\n"
        "n = OrganisationKey.objects.update(receipt_opslimit=conf['REPORTS_ARGON2_OPSLIMIT'],"
        " receipt_memlimit=conf['REPORTS_ARGON2_MEMLIMIT'])\n"
        "print('keys', n, conf['REPORTS_ARGON2_OPSLIMIT'], conf['REPORTS_ARGON2_MEMLIMIT'])\n"
    )
    subprocess.run(
        [str(VENV_BIN / "plein"), "shell", "-c", script],
        env={**env, "DATABASE_URL": f"sqlite:///{target}"},
        check=True,
        cwd=ROOT,
    )
    return target


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


def status_value(pid: int, key: str) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, help="PLEIN_ARGON2_CONCURRENCY (default: the settings' value)")
    parser.add_argument("--wait-seconds", type=int, help="PLEIN_ARGON2_WAIT_SECONDS (default: the settings' value)")
    parser.add_argument("--database", type=Path, default=DEFAULT_DB, help="a SQLite scale database to copy")
    args = parser.parse_args(argv)
    if not args.database.exists():
        raise SystemExit(f"{args.database} is missing: run benchmarks/run --databases sqlite first")

    scrub = ("PLEIN_ENV", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "PLEIN_DEMO_MFA_OPTIONAL")
    env = {k: v for k, v in os.environ.items() if k not in scrub}
    with tempfile.TemporaryDirectory(prefix="plein-burst-") as tmp:
        workdir = Path(tmp)
        env.update(
            PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(BENCH)]),
            PLEIN_ROOT=str(ROOT),
            PLEIN_ENV="production",
            DJANGO_SETTINGS_MODULE="bench_settings",
            PLEIN_BENCH_STATIC_FINDERS="1",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            BEHIND_TLS_PROXY="0",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            MEDIA_ROOT=str(workdir / "media"),
            PLEIN_VAR_DIR=str(workdir / "var"),
            # One client address sends all 50: lift the per-client hourly limit, which would otherwise answer 429.
            PLEIN_REPORTS_SUBMISSIONS_PER_HOUR="100000",
            PLEIN_BURST_DIR=str(workdir),
            GUNICORN_WORKERS=str(args.workers),
            GUNICORN_THREADS=str(args.threads),
            GUNICORN_TIMEOUT="300",
            GUNICORN_ACCESS_LOG="/dev/null",
            GUNICORN_ERROR_LOG=str(workdir / "gunicorn.log"),
        )
        if args.concurrency is not None:
            env["PLEIN_ARGON2_CONCURRENCY"] = str(args.concurrency)
        if args.wait_seconds is not None:
            env["PLEIN_ARGON2_WAIT_SECONDS"] = str(args.wait_seconds)
        db = prepare_database(args.database, workdir, env)
        env["DATABASE_URL"] = f"sqlite:///{db}"
        settings_out = subprocess.run(
            [
                str(VENV_BIN / "python"),
                "-c",
                "import django; django.setup(); from django.conf import settings as s; import json; "
                "print(json.dumps({k: s.PLEIN[k] for k in ('ARGON2_CONCURRENCY', 'ARGON2_WAIT_SECONDS', "
                "'REPORTS_ARGON2_MEMLIMIT', 'REPORTS_ARGON2_OPSLIMIT')}))",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        conf = json.loads(settings_out.stdout.strip().splitlines()[-1])
        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        base = f"http://127.0.0.1:{port}"
        cmd = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--worker-class", "gthread"]
        cmd += ["burst_wsgi:application"]
        say(f"Starting gunicorn: {args.workers} workers x {args.threads} threads, Argon2 concurrency {conf}")
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn stopped; see {workdir / 'gunicorn.log'}")
                with contextlib.suppress(OSError):
                    status, start_page, _c = request(base + "/melden/", timeout=10)
                    if status == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer within 180 s")
                time.sleep(0.5)
            codes = sorted(set(re.findall(r'href="/melden/kanaal/([\w-]+)/"', start_page)))
            if not codes:
                raise SystemExit("no open channel on /melden/")
            url = f"{base}/melden/kanaal/{codes[0]}/"
            workers = worker_pids(server.pid)
            baseline = {pid: status_value(pid, "VmRSS") for pid in workers}
            barrier = threading.Barrier(args.clients)
            results: list[tuple[int, float, str]] = []
            lock = threading.Lock()

            def client() -> None:
                status, page, cookies = request(url)
                form = FormParser()
                form.feed(page)
                data = fill(form)
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=300)
                started = time.monotonic()
                status, body, _c = request(url, data=data, cookies=cookies, timeout=300)
                elapsed = time.monotonic() - started
                note = ""
                if status not in (200, 503):
                    note = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))[:200]
                with lock:
                    results.append((status, elapsed, note))

            say(f"{args.clients} clients fetch the form of channel {codes[0]!r}, then send it at the same moment")
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            burst_started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=600)
            burst_seconds = time.monotonic() - burst_started
            peaks = {pid: status_value(pid, "VmHWM") for pid in workers}
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)

        counter = (
            json.loads((workdir / "argon2-counter.json").read_text())
            if (workdir / "argon2-counter.json").exists()
            else {}
        )
        per_process = {
            int(p.stem.rsplit("-", 1)[1]): json.loads(p.read_text()) for p in workdir.glob("argon2-process-*.json")
        }
        concurrency = int(conf["ARGON2_CONCURRENCY"])
        memlimit = int(conf["REPORTS_ARGON2_MEMLIMIT"])
        budget = args.workers * concurrency
        statuses: dict[int, int] = {}
        for status, _e, _n in results:
            statuses[status] = statuses.get(status, 0) + 1
        ok_times = sorted(e for s, e, _n in results if s == 200)
        lines = [
            f"Burst of {args.clients} concurrent report submissions (benchmarks/report_burst.py), "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; gunicorn {args.workers} workers x "
            f"{args.threads} threads (gthread), PLEIN_ENV=production; Argon2id opslimit {conf['REPORTS_ARGON2_OPSLIMIT']}, "
            f"memlimit {memlimit // MIB} MiB, ARGON2_CONCURRENCY {concurrency}, wait {conf['ARGON2_WAIT_SECONDS']} s; "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}.",
            "",
            f"- Responses: {', '.join(f'{n} x {s}' for s, n in sorted(statuses.items()))} "
            "(200: receipt shown; 503: busy, try again) in "
            f"{burst_seconds:.1f} s; accepted ones took "
            + (
                f"median {statistics.median(ok_times):.1f} s, longest {ok_times[-1]:.1f} s."
                if ok_times
                else "- (none accepted)."
            ),
            f"- Argon2id derivations at the same moment: at most {counter.get('peak', 0)} over all processes "
            f"(budget {args.workers} x {concurrency} = {budget}): "
            + ("**within the budget**" if counter.get("peak", 0) <= budget else "**over the budget**")
            + f"; per process at most {max((p['peak'] for p in per_process.values()), default=0)} "
            f"(concurrency {concurrency}); {counter.get('calls', 0)} derivations in all.",
            "- Peak RSS per worker: "
            + ", ".join(f"{peaks[pid]:.0f} MB (from {baseline.get(pid, 0):.0f} MB)" for pid in sorted(peaks))
            + f"; the Argon2 share per worker is at most {concurrency} x {memlimit // MIB} MiB = "
            f"{concurrency * memlimit // MIB} MiB.",
        ]
        others = [n for s, _e, n in results if s not in (200, 503)]
        if others:
            lines.append(f"- Other answers (first): {others[0]}")
        print("\n".join(lines))
        over = counter.get("peak", 0) > budget or any(p["peak"] > concurrency for p in per_process.values())
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
