"""The project's WSGI application, with every Argon2id derivation counted (for ``benchmarks/report_burst.py``).

``plein.reports.crypto.derive`` calls ``nacl.pwhash.argon2id.kdf`` inside its bounded semaphore (``argon2_slot``).
This module wraps that ``kdf`` so that each call records, in files under ``PLEIN_BURST_DIR``, how many derivations
ran at the same moment in this process and across all the server's processes (a counter file under ``flock``).
Nothing else changes; only the benchmark server loads it.
"""

import fcntl
import json
import os
import threading
from pathlib import Path

import nacl.pwhash.argon2id as argon2id

from plein.wsgi import application  # noqa: F401 - gunicorn serves this

DIR = Path(os.environ["PLEIN_BURST_DIR"])
COUNTER = DIR / "argon2-counter.json"
_lock = threading.Lock()
_local = {"now": 0, "peak": 0, "calls": 0}
_real_kdf = argon2id.kdf


def _shared(delta: int) -> None:
    fd = os.open(COUNTER, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        state = json.loads(text) if text else {"now": 0, "peak": 0, "calls": 0}
        state["now"] += delta
        state["peak"] = max(state["peak"], state["now"])
        state["calls"] += 1 if delta > 0 else 0
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(state))
        handle.flush()  # before the lock is released
        fcntl.flock(handle, fcntl.LOCK_UN)


def _write_local() -> None:
    (DIR / f"argon2-process-{os.getpid()}.json").write_text(
        json.dumps({"peak": _local["peak"], "calls": _local["calls"]})
    )


def counted_kdf(*args, **kwargs):
    with _lock:
        _local["now"] += 1
        _local["calls"] += 1
        _local["peak"] = max(_local["peak"], _local["now"])
        _write_local()
    _shared(+1)
    try:
        return _real_kdf(*args, **kwargs)
    finally:
        _shared(-1)
        with _lock:
            _local["now"] -= 1


argon2id.kdf = counted_kdf
