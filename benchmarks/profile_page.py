"""Profile one page with pyinstrument, in-process, with the settings and database of the environment.

    .venv/bin/python benchmarks/profile_page.py /verklaringen/openbaar-register/ [--as ic@veenland.example] [-n 5]

Logs in as the given account (with a session that passed the second step, as ``benchmarks/prepare.py`` makes them;
the coordinator's vault is opened for report pages), requests the page once to warm caches, then profiles ``-n``
requests and prints the profile and the queries of one request. See docs/performance.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plein.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--as", dest="email", default="")
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    if args.email:
        import prepare

        from plein.core.models import User

        user = User.objects.get(email=args.email)
        extra, vault = prepare.vault_cookie(user) if args.email == prepare.IC else ({}, "")
        session = prepare.session_cookie(user, mfa=args.email != prepare.EMPLOYEE, extra=extra)
        for part in [session, vault]:
            if part:
                name, value = part.split("=", 1)
                client.cookies[name] = value
    first = client.get(args.path)
    print(f"{args.path}: {first.status_code}", file=sys.stderr)
    queries = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed):
        client.get(args.path)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.n):
            client.get(args.path)
    per_request = (time.perf_counter() - started) / args.n * 1000
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{args.n} requests, {per_request:.1f} ms each, {len(queries)} queries per request")
    for seconds, sql in sorted(queries, reverse=True)[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {sql[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
