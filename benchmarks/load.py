"""Load without loss (issue 13, "Must show" 5): many concurrent clients against the real server, on loopback only.

    .venv/bin/python benchmarks/load.py                    # 20 clients for 60 s on a fresh SQLite installation
    .venv/bin/python benchmarks/load.py --seconds 300 --clients 40
    .venv/bin/python benchmarks/load.py --smoke            # 20 clients for 10 s (the test suite runs this)
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load.py --database-url "$DATABASE_URL" --prepared

gunicorn (``gunicorn.conf.py``, 2 workers x 2 threads by default) serves the installation. Each client repeats a mix:
portal browsing (home, who is who, the reporting page, the public register), report submissions through the public
form, receipt logins with codes the server confirmed earlier, and case handling (a handler reads the inbox, opens a
report and replies). Afterwards every confirmed submission must open with its receipt code and show its text.

It prints requests per second, latency percentiles per kind, errors, lost submissions and the memory (RSS) of the
server's processes sampled every second, and exits non-zero on any error, any lost submission or memory growth of more
than 50 % after the warm-up. Without ``--database-url`` it makes a fresh installation in a temporary folder (migrate,
then an organisation with a channel and a handler). Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PLEIN_ROOT", str(ROOT))

from plein.core.tests.test_crash_safety import (  # noqa: E402 - after the path is set
    TIMEOUT,
    Server,
    _hidden,
    _server_env,
    handler_session,
    submit_report,
)

BROWSE = ("/", "/wie-is-wie/", "/melden/", "/verklaringen/openbaar-register/")
MIX = (("browse", 50), ("submit", 20), ("receipt", 15), ("case", 15))
HANDLERS = 2


def browser_like(session: requests.Session) -> requests.Session:
    """A client session that does what a browser does when the server has just closed an idle kept-alive connection
    (gunicorn's gthread workers close them after ``keepalive`` seconds): send an idempotent request (GET, HEAD) once
    more on a new connection. Without it, a request sent in the instant the server closes the connection fails with
    "Remote end closed connection without response", a race of HTTP keep-alive, not of the server. Nothing else is
    retried: a form submission (POST) that fails still counts as an error, and every lost submission is still found."""
    retry = Retry(
        total=1, connect=1, read=1, status=0, other=0, allowed_methods=frozenset({"GET", "HEAD"}), backoff_factor=0
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    return session


class Load:
    def __init__(self, base: str, email: str, seconds: float, clients: int):
        self.base, self.email, self.seconds, self.clients = base, email, seconds, clients
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.submitted: list[tuple[str, str]] = []
        self.handlers: list[requests.Session] = []
        self.handler_locks: list[threading.Lock] = []

    def _record(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latency[kind].append(time.monotonic() - started)
            if not ok:
                self.errors.append(f"{kind}: {detail}"[:300])

    def browse(self, session: requests.Session, rng: random.Random) -> None:
        path = rng.choice(BROWSE)
        started = time.monotonic()
        response = session.get(self.base + path, timeout=TIMEOUT)
        self._record("browse", started, response.status_code == 200, f"{path} {response.status_code}")

    def submit(self, session: requests.Session, rng: random.Random) -> None:
        text = f"Belastingtest melding {rng.getrandbits(64):016x}"
        started = time.monotonic()
        code = submit_report(self.base, text)
        self._record("submit", started, code is not None, "no receipt code")
        if code:
            with self.lock:
                self.submitted.append((text, code))

    def receipt(self, session: requests.Session, rng: random.Random) -> None:
        with self.lock:
            known = list(self.submitted)
        if not known:
            return self.browse(session, rng)
        text, code = rng.choice(known)
        started = time.monotonic()
        reporter = browser_like(requests.Session())
        page = reporter.get(self.base + "/melden/inloggen/", timeout=TIMEOUT)
        response = reporter.post(
            self.base + "/melden/inloggen/",
            data={"csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"), "code": code},
            timeout=TIMEOUT,
        )
        self._record(
            "receipt", started, response.status_code == 200 and text in response.text, str(response.status_code)
        )

    def case(self, session: requests.Session, rng: random.Random) -> None:
        index = rng.randrange(len(self.handlers))
        with self.handler_locks[index]:  # one browser, one request at a time
            handler = self.handlers[index]
            started = time.monotonic()
            inbox = handler.get(self.base + "/meldingen/", timeout=TIMEOUT)
            ids = sorted({int(i) for i in re.findall(r'href="/meldingen/(\d+)/"', inbox.text)})
            if inbox.status_code != 200:
                return self._record("case", started, False, f"inbox {inbox.status_code}")
            if not ids:
                return self._record("case", started, True)
            report_id = rng.choice(ids)
            page = handler.get(f"{self.base}/meldingen/{report_id}/", timeout=TIMEOUT)
            response = handler.post(
                f"{self.base}/meldingen/{report_id}/bericht/",
                data={
                    "csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"),
                    "text": "Dank, we kijken ernaar.",
                },
                timeout=TIMEOUT,
                allow_redirects=False,
            )
            self._record(
                "case", started, page.status_code == 200 and response.status_code == 302, str(response.status_code)
            )

    def client(self, n: int, deadline: float) -> None:
        rng = random.Random(n)
        session = browser_like(requests.Session())
        kinds = [kind for kind, weight in MIX for _ in range(weight)]
        while time.monotonic() < deadline:
            kind = rng.choice(kinds)
            try:
                getattr(self, kind)(session, rng)
            except (requests.RequestException, AttributeError) as exc:
                self._record(kind, time.monotonic(), False, repr(exc))

    def run(self) -> None:
        for _ in range(HANDLERS):
            self.handlers.append(browser_like(handler_session(self.base, self.email)))
            self.handler_locks.append(threading.Lock())
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self.client, args=(n, deadline), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=self.seconds + 120)

    def lost(self) -> list[str]:
        """Every confirmed submission, opened again with its receipt code after the load."""
        missing = []
        for text, code in self.submitted:
            reporter = browser_like(requests.Session())
            page = reporter.get(self.base + "/melden/inloggen/", timeout=TIMEOUT)
            response = reporter.post(
                self.base + "/melden/inloggen/",
                data={"csrfmiddlewaretoken": _hidden(page.text, "csrfmiddlewaretoken"), "code": code},
                timeout=TIMEOUT,
            )
            if text not in response.text:
                missing.append(code)
        return missing


class MemorySampler(threading.Thread):
    """RSS (kB) of the gunicorn master and its workers, once a second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def rss(self) -> int:
        pids = [self.pid]
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            pids += [int(p) for p in children]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total

    def run(self) -> None:
        start = time.monotonic()
        while not self.stop.wait(1.0):
            self.samples.append((time.monotonic() - start, self.rss()))


def prepare(workdir: Path) -> tuple[dict, str]:
    """A fresh installation on SQLite: migrate, then an organisation with reporting, a channel and a handler."""
    env = _server_env(workdir, f"sqlite:///{workdir / 'plein.sqlite3'}")
    plein = Path(sys.executable).with_name("plein")
    subprocess.run([str(plein), "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=900)
    code = (
        "import django, json; django.setup(); "
        "from plein.core.tests.test_crash_safety import _set_up; print(json.dumps(_set_up()))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True, timeout=300)
    email, _recovery = json.loads(out.stdout.strip().splitlines()[-1])
    return env, email


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="a short run (10 s) for the test suite")
    parser.add_argument("--workdir", help="folder of a prepared installation (made by the caller)")
    parser.add_argument("--database-url", help="the prepared installation's database (with --workdir)")
    parser.add_argument("--handler", help="the e-mail address of a handler in the prepared installation")
    args = parser.parse_args(argv)
    seconds = 10 if args.smoke else args.seconds

    with tempfile.TemporaryDirectory(prefix="plein-load-") as tmp:
        if args.workdir:
            workdir = Path(args.workdir)
            env, email = _server_env(workdir, args.database_url), args.handler
        else:
            workdir = Path(tmp)
            print("Preparing a fresh installation (migrate) ...", flush=True)
            env, email = prepare(workdir)
        server = Server(env, ROOT, workdir / "server.log")
        server.start()
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        try:
            load = Load(server.url, email, seconds, args.clients)
            started = time.monotonic()
            load.run()
            elapsed = time.monotonic() - started
            sampler.stop.set()
            sampler.join()
            lost = load.lost()
        finally:
            server.kill()

    total = sum(len(v) for v in load.latency.values())
    print(f"\nLoad: {args.clients} clients for {elapsed:.0f} s against gunicorn ({env['GUNICORN_WORKERS']} workers)")
    print(f"{'kind':<10}{'requests':>10}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    for kind, values in sorted(load.latency.items()):
        print(
            f"{kind:<10}{len(values):>10}{statistics.median(values) * 1000:>12.0f}"
            f"{percentile(values, 0.95) * 1000:>10.0f}{max(values) * 1000:>10.0f}"
        )
    print(f"throughput: {total / elapsed:.1f} operations/s; submissions confirmed: {len(load.submitted)}")
    print(f"errors: {len(load.errors)}; lost submissions: {len(lost)}")
    for error in load.errors[:20]:
        print("  " + error)
    samples = [rss for _t, rss in sampler.samples]
    growth = 0.0
    if len(samples) >= 3:
        warm = samples[max(1, len(samples) // 5)]
        growth = (samples[-1] - warm) / warm if warm else 0.0
        print(
            f"memory (RSS of master + workers): start {samples[0] / 1024:.0f} MiB, after warm-up {warm / 1024:.0f} MiB, "
            f"end {samples[-1] / 1024:.0f} MiB, max {max(samples) / 1024:.0f} MiB ({growth:+.0%} after warm-up)"
        )
    ok = not load.errors and not lost and load.submitted and growth <= 0.5
    print("RESULT: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
