"""A small, bounded HTTP load client for ``benchmarks/run`` when wrk is not available.

``python loadclient.py URL --connections 8 --duration 5 [--header "Cookie: ..."]`` keeps ``connections`` keep-alive
connections busy on 127.0.0.1 for ``duration`` seconds (threads with ``http.client``) and prints one JSON line with the
number of requests, the duration, p50/p95/p99 in microseconds and the errors, like the wrk script does.
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def worker(url, headers, deadline, latencies, errors, lock):
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loadclient only sends to the loopback address")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    mine, failed, non2xx = [], 0, 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if not 200 <= response.status < 300:
                non2xx += 1
            mine.append((time.perf_counter() - started) * 1e6)
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.close()
    with lock:
        latencies.extend(mine)
        errors["errors"] += failed
        errors["non2xx"] += non2xx


def percentile(values, p):
    if not values:
        return 0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    latencies, errors, lock = [], {"errors": 0, "non2xx": 0}, threading.Lock()
    started = time.monotonic()
    deadline = started + args.duration
    threads = [
        threading.Thread(target=worker, args=(args.url, headers, deadline, latencies, errors, lock), daemon=True)
        for _ in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + 60)
    duration = time.monotonic() - started
    print(
        "JSON "
        + json.dumps(
            {
                "requests": len(latencies),
                "duration_us": int(duration * 1e6),
                "p50": int(percentile(latencies, 50)),
                "p95": int(percentile(latencies, 95)),
                "p99": int(percentile(latencies, 99)),
                "errors": errors["errors"],
                "non2xx": errors["non2xx"],
            }
        )
    )


if __name__ == "__main__":
    main()
