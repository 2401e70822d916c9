"""Every check and test of the project, as ``./plein test`` runs them.

1. ruff check and ruff format --check;
2. makemigrations --check (no model change without its migration);
3. message extraction is up to date and the Dutch translation is complete;
4. pytest on SQLite (unit, integration, browser and accessibility tests);
5. the same suite on PostgreSQL (DATABASE_URL, or the local server on 127.0.0.1:5432).

Arguments are passed to pytest; with arguments, only the SQLite run happens unless --postgres is given.
``--quick`` skips the static checks. Exit status is non-zero when anything fails.

Parallel runs (docs/testing.md): when no test path is given, each pytest run is spread over one pytest-xdist worker
per available core (``-n``); ``--serial`` runs in one process, ``--parallel`` spreads a run with paths too, and
``PLEIN_TEST_WORKERS=N`` chooses the number of workers. An explicit ``-n``/``--numprocesses``/``-p no:xdist`` wins.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "plein"
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test"


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def run(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> int:
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, env={**os.environ, **(env or {})}, cwd=cwd)  # noqa: S603 - fixed commands


# Apps whose Dutch catalogue is still being written. Listed here in plain sight so that the gap is visible and tracked;
# every other app must have a complete Dutch catalogue, and an app that has translatable strings but no catalogue fails.
CATALOGUE_PENDING: set[str] = set()


def app_dirs() -> list[Path]:
    return sorted(p for p in SRC.iterdir() if (p / "apps.py").is_file())


def check_messages() -> int:
    """makemessages must not change any .po file (ignoring its creation date), and nl must be complete."""
    failures = 0
    for app_dir in app_dirs():
        if app_dir.name in CATALOGUE_PENDING:
            print(f"NOTE: the Dutch catalogue of {app_dir.name} is still pending (CATALOGUE_PENDING)")
        elif not (app_dir / "locale").is_dir():
            print(f"src/plein/{app_dir.name} has no Dutch catalogue: create locale/ and run makemessages -l nl")
            failures += 1
    po_files = sorted(SRC.glob("*/locale/nl/LC_MESSAGES/django.po"))
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp)
        for po in po_files:
            target = backup / po.relative_to(SRC)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(po, target)
        try:
            for app_dir in [p for p in app_dirs() if (p / "locale").is_dir()]:
                code = subprocess.call(  # noqa: S603 - our own virtualenv's command
                    [str(VENV_BIN / "plein"), "makemessages", "-l", "nl", "--no-location", "--no-obsolete"],
                    cwd=app_dir,
                    stdout=subprocess.DEVNULL,
                )
                if code:
                    print(f"makemessages failed in {app_dir.name}")
                    failures += 1
            for po in sorted(SRC.glob("*/locale/nl/LC_MESSAGES/django.po")):
                saved = backup / po.relative_to(SRC)
                new = _strip_header_dates(po.read_text(encoding="utf-8"))
                old = _strip_header_dates(saved.read_text(encoding="utf-8")) if saved.exists() else ""
                if new != old:
                    print(
                        f"{po.relative_to(ROOT)} is out of date: run ./plein makemessages -l nl --no-location "
                        f"--no-obsolete in src/plein/{po.relative_to(SRC).parts[0]} and translate"
                    )
                    failures += 1
        finally:
            for po in SRC.glob("*/locale/nl/LC_MESSAGES/django.po"):
                saved = backup / po.relative_to(SRC)
                if saved.exists():
                    shutil.copy2(saved, po)
                else:
                    po.unlink()
    for po in po_files:
        untranslated = _untranslated(po.read_text(encoding="utf-8"))
        if untranslated:
            print(f"{po.relative_to(ROOT)}: {len(untranslated)} untranslated or fuzzy entries, e.g. {untranslated[:3]}")
            failures += 1
    return failures


def _strip_header_dates(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date'))


def _untranslated(text: str) -> list[str]:
    """msgids whose Dutch translation is empty or marked fuzzy (the header entry excepted)."""
    bad = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.strip().splitlines() if ln and not ln.startswith("#~")]
        msgid = _collect(lines, "msgid ")
        if not lines or msgid == "":
            continue  # the header entry
        if any(ln.startswith("#,") and "fuzzy" in ln for ln in lines):
            bad.append(msgid)
            continue
        keys = [key for key in ("msgstr ", "msgstr[0] ", "msgstr[1] ") if any(ln.startswith(key) for ln in lines)]
        if not keys or any(_collect(lines, key) == "" for key in keys):
            bad.append(msgid)
    return bad


def _collect(lines: list[str], key: str) -> str:
    out, taking = [], False
    for ln in lines:
        if ln.startswith(key):
            taking = True
            out.append(ln[len(key) :].strip().strip('"'))
        elif taking and ln.startswith('"'):
            out.append(ln.strip().strip('"'))
        elif taking:
            break
    return "".join(out)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return DEFAULT_PG_URL
    except OSError:
        return None


OWN_FLAGS = {"--quick", "--postgres", "--only-postgres", "--serial", "--parallel"}


def worker_count() -> int:
    """One xdist worker per core this process may use (PLEIN_TEST_WORKERS overrides); 1 means serial."""
    wanted = os.environ.get("PLEIN_TEST_WORKERS", "").strip()
    if wanted:
        return max(1, int(wanted))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def names_tests(args: list[str]) -> bool:
    """Whether the pytest arguments name test files, directories or node ids (a small, targeted run)."""
    return any(not a.startswith("-") and ("::" in a or (ROOT / a.split("::")[0]).exists()) for a in args)


def xdist_args(pytest_args: list[str], *, serial: bool, parallel: bool) -> list[str]:
    """``-n N`` for a whole-suite run (or when asked with --parallel); nothing for a run of a few named tests."""
    if serial or any(
        a in {"-n", "--numprocesses", "--dist"} or a.startswith(("-n", "--numprocesses=")) for a in pytest_args
    ):
        return []
    if any(a == "no:xdist" or a == "-pno:xdist" for a in pytest_args):
        return []
    if names_tests(pytest_args) and not parallel:
        return []
    workers = worker_count()
    # --dist load keeps each worker's tests in collection order, so browser tests stay last in every worker.
    return ["-n", str(workers), "--dist", "load"] if workers > 1 else []


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    force_pg = "--postgres" in argv
    only_pg = "--only-postgres" in argv
    serial = "--serial" in argv
    parallel = "--parallel" in argv
    pytest_args = [a for a in argv if a not in OWN_FLAGS]
    run_args = [*xdist_args(pytest_args, serial=serial, parallel=parallel), *pytest_args]
    failed: list[str] = []
    env = {"PLEIN_ENV": "test", "PYTHONHASHSEED": "0"}
    env.pop("DATABASE_URL", None)

    if not quick and not pytest_args:
        step("ruff check")
        if run([str(VENV_BIN / "ruff"), "check", "."]):
            failed.append("ruff check")
        step("ruff format --check")
        if run([str(VENV_BIN / "ruff"), "format", "--check", "."]):
            failed.append("ruff format")
        step("makemigrations --check")
        if run([str(VENV_BIN / "plein"), "makemigrations", "--check", "--dry-run"], env=env):
            failed.append("missing migrations")
        step("message extraction and Dutch translation")
        if check_messages():
            failed.append("translations")

    pytest = [str(VENV_BIN / "pytest"), *run_args]
    if not only_pg:
        step("pytest on SQLite")
        sqlite_env = {**env, "DATABASE_URL": "sqlite:///:memory:"}
        code = run(pytest, env=sqlite_env)
        if code not in (0,):
            failed.append(f"pytest on SQLite (exit {code})")

    if not pytest_args or force_pg or only_pg:
        url = postgres_url()
        step("pytest on PostgreSQL")
        if url is None:
            print("PostgreSQL is not reachable (set DATABASE_URL or start it on 127.0.0.1:5432)")
            failed.append("PostgreSQL unreachable")
        else:
            code = run(pytest, env={**env, "DATABASE_URL": url})
            if code:
                failed.append(f"pytest on PostgreSQL (exit {code})")

    print()
    if failed:
        print("FAILED: " + "; ".join(failed))
        return 1
    print("All checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
