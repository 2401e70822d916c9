"""Backup and restore of a whole installation: the database and the stored (encrypted) files, in one archive.

``create_backup`` writes a gzip-compressed tar archive while the server keeps serving:

* the database as a consistent snapshot: SQLite through the online backup API (``sqlite3.Connection.backup``, one
  step, so one read transaction), PostgreSQL through ``pg_dump --format=custom`` on a snapshot exported from a
  REPEATABLE READ transaction, in which the migration state and the row counts are read as well;
* then every file of the default storage (``MEDIA_ROOT``, or any other Django storage such as S3, through the storage
  API). Files are written before the database row that refers to them is committed, and are never changed after, so
  every file the snapshot refers to exists when the files are copied; a file that appears later is an orphan that a
  restore carries along harmlessly;
* ``manifest.json`` last: versions, the migration state, row counts, the audit chain's head and the SHA-256 and size
  of every member.

The archive holds report contents only as ciphertext (the database columns and the stored files are encrypted by
``plein.reports``), but it does hold the personal registers in plain form: keep it like the database itself.
``SECRET_KEY`` is not in it and is not needed to read reports.

``restore_backup`` verifies every checksum before it writes anything, refuses an installation that already has data
(unless ``force``), restores the database and the files, compares the row counts with the manifest and verifies the
audit chain. Operators: ``docs/verification.md``, "Backup and restore".
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.db.backends.sqlite3._functions import register as register_sqlite_functions
from django.db.migrations.loader import MigrationLoader

FORMAT = "integriteitsplein-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_SQLITE = "database/plein.sqlite3"
DB_POSTGRES = "database/plein.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# An installation with any of these rows is not empty: a restore over it needs --force.
DATA_MODELS = ("core.User", "core.Organisation", "core.AuditEvent")


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict


@dataclass
class RestoreResult:
    manifest: dict
    files: int
    audit_events: int
    pending_migrations: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _model_tables() -> dict[str, str]:
    """``app_label.model`` -> table, for every concrete model whose table Django manages."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            out[meta.label_lower] = meta.db_table
    return out


def _count_rows(cursor, tables: dict[str, str], existing: set[str]) -> dict[str, int]:
    counts = {}
    quote = connection.ops.quote_name
    for label, table in sorted(tables.items()):
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a model's own table name
            counts[label] = int(cursor.fetchone()[0])
    return counts


def _migration_state(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def _audit_head(cursor) -> dict:
    from plein.core.models import AuditHead

    cursor.execute(f"SELECT seq, hash FROM {connection.ops.quote_name(AuditHead._meta.db_table)}")  # noqa: S608
    row = cursor.fetchone()
    return {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": ""}


def _is_sqlite(alias: str = "default") -> bool:
    return connections[alias].vendor == "sqlite"


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore from Django's DATABASES entry."""
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _tool(tool: str) -> tuple[str, str]:
    """The full path and the version of a PostgreSQL client program."""
    found = shutil.which(tool)
    try:
        if not found:
            raise FileNotFoundError(tool)
        out = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30, check=True)  # noqa: S603
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(
            f"{tool} is needed for a PostgreSQL backup or restore and could not run ({exc}). "
            "Install the PostgreSQL client (apt-get install postgresql-client)."
        ) from exc
    return found, out.stdout.strip()


# --- the database snapshot ------------------------------------------------------------------------------------


def _snapshot_sqlite(target: Path) -> dict:
    """Copy the live SQLite database into ``target`` in one step of the online backup API."""
    conn = connection
    conn.ensure_connection()
    source = conn.connection
    dest = sqlite3.connect(str(target))
    # Django's SQL functions (date extraction and the like), which expression indexes and constraints may use.
    register_sqlite_functions(dest)
    try:
        source.backup(dest)  # pages=-1: the whole database in one read transaction, so one consistent state
        dest.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, without a -wal beside it
        check = dest.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copied SQLite database failed its integrity check: {check}")
        cursor = dest.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        info = {
            "vendor": "sqlite",
            "member": DB_SQLITE,
            "server_version": sqlite3.sqlite_version,
            "migrations": _migration_state(cursor),
            "rows": _count_rows(cursor, _model_tables(), existing),
            "audit_head": _audit_head(cursor),
        }
        dest.commit()
    finally:
        dest.close()
    return info


def _snapshot_postgres(target: Path) -> dict:
    """pg_dump --format=custom of an exported snapshot; migrations and row counts from the same snapshot."""
    pg_dump, pg_dump_version = _tool("pg_dump")
    settings_dict = connection.settings_dict
    args, env = _pg_environment(settings_dict)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        existing = set(connection.introspection.table_names(cursor))
        info = {
            "vendor": "postgresql",
            "member": DB_POSTGRES,
            "server_version": server_version,
            "pg_dump": pg_dump_version,
            "migrations": _migration_state(cursor),
            "rows": _count_rows(cursor, _model_tables(), existing),
            "audit_head": _audit_head(cursor),
        }
        # The exported snapshot lives as long as this transaction: pg_dump must finish inside it.
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                *args,
                str(settings_dict["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
    return info


# --- the stored files -----------------------------------------------------------------------------------------


def iter_storage(storage=None, directory: str = "") -> Iterator[str]:
    """Every file name in a Django storage, recursively, in a stable order (FileSystemStorage, S3, ...)."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(dirs):
        yield from iter_storage(storage, f"{directory}/{sub}" if directory else sub)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "" not in path.parts and "\\" not in name


# --- backup ---------------------------------------------------------------------------------------------------


def _add(tar: tarfile.TarFile, name: str, handle, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, handle)


def create_backup(target: Path | str, *, overwrite: bool = False) -> BackupResult:
    """Write the archive to ``target`` (``.tar.gz``/``.tgz``): first to a temporary file beside it, then renamed."""
    target = Path(target)
    if not target.name.endswith((".tar.gz", ".tgz")):
        raise BackupError(f"{target}: the archive's name must end in .tar.gz or .tgz.")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists. Choose another name, or pass --overwrite.")
    target.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="plein-backup-") as tmp:
        db_file = Path(tmp) / "database"
        database = _snapshot_sqlite(db_file) if _is_sqlite() else _snapshot_postgres(db_file)
        partial = target.with_name(f".{target.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                manifest = _write_archive(raw, tmp, db_file, database, members)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(path=target, manifest=manifest)


def _storage_backend() -> str:
    storage = getattr(default_storage, "_wrapped", default_storage)
    return f"{type(storage).__module__}.{type(storage).__name__}"


def _write_archive(raw, tmp: str, db_file: Path, database: dict, members: dict) -> dict:
    with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        members[database["member"]] = {"sha256": _sha256_file(db_file), "size": db_file.stat().st_size}
        with open(db_file, "rb") as handle:
            _add(tar, database["member"], handle, db_file.stat().st_size)
        db_file.unlink()
        files, total = 0, 0
        for name in iter_storage():
            if not _safe_member(name):
                raise BackupError(f"a stored file has a name that cannot be archived safely: {name!r}")
            # Copy to a spool first: the checksum and the size are then those of exactly what is archived.
            with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK, dir=tmp) as spool:
                digest = hashlib.sha256()
                try:
                    with default_storage.open(name, "rb") as source:
                        for block in iter(lambda source=source: source.read(CHUNK), b""):
                            digest.update(block)
                            spool.write(block)
                except FileNotFoundError:
                    continue  # removed (retention) between the listing and the copy
                size = spool.tell()
                spool.seek(0)
                member = MEDIA_PREFIX + name
                _add(tar, member, spool, size)
            members[member] = {"sha256": digest.hexdigest(), "size": size}
            files += 1
            total += size
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "versions": {
                "integriteitsplein": _version("integriteitsplein"),
                "python": platform.python_version(),
                "django": django.get_version(),
                "wagtail": _version("wagtail"),
                "database": f"{database['vendor']} {database['server_version']}",
                **({"pg_dump": database["pg_dump"]} if "pg_dump" in database else {}),
            },
            "database": {"vendor": database["vendor"], "member": database["member"]},
            "migrations": database["migrations"],
            "rows": database["rows"],
            "audit_head": database["audit_head"],
            "storage": {
                "backend": _storage_backend(),
                "files": files,
                "bytes": total,
            },
            "members": members,
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        _add(tar, MANIFEST, io.BytesIO(data), len(data))
    return manifest


# --- restore --------------------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError("This is not an Integriteitsplein backup: the archive has no manifest.json.") from exc
    manifest = json.loads(tar.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not an Integriteitsplein backup: its manifest has another format.")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"The backup has format version {manifest['format_version']}; this version reads up to "
            f"{FORMAT_VERSION}. Restore it with the version that made it."
        )
    return manifest


def verify_archive(path: Path | str) -> dict:
    """Check every member against the manifest (names, sizes, SHA-256). Returns the manifest; raises BackupError."""
    with tarfile.open(path, mode="r:gz") as tar:
        manifest = read_manifest(tar)
        expected = dict(manifest["members"])
        seen = set()
        for info in tar:
            if info.name == MANIFEST:
                continue
            if not info.isfile() or not _safe_member(info.name):
                raise BackupError(f"The archive holds an unexpected entry: {info.name!r}. It was not made by plein.")
            if info.name not in expected:
                raise BackupError(f"The archive holds {info.name}, which its manifest does not list.")
            if info.name in seen:
                raise BackupError(f"The archive holds {info.name} twice.")
            seen.add(info.name)
            digest = hashlib.sha256()
            handle = tar.extractfile(info)
            size = 0
            for block in iter(lambda handle=handle: handle.read(CHUNK), b""):
                digest.update(block)
                size += len(block)
            want = expected[info.name]
            if digest.hexdigest() != want["sha256"] or size != want["size"]:
                raise BackupError(f"Checksum mismatch for {info.name}: the archive is damaged or was changed.")
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"The archive misses {len(missing)} member(s) its manifest lists, e.g. {missing[0]}.")
        if manifest["database"]["member"] not in seen:
            raise BackupError("The archive has no database.")
    return manifest


def installation_has_data() -> list[str]:
    """What makes the current installation non-empty (``[]`` when empty): rows in DATA_MODELS, stored files."""
    found = []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for label in DATA_MODELS:
            model = apps.get_model(label)
            if model._meta.db_table in existing and model.objects.exists():
                found.append(f"{model._meta.verbose_name_plural} in the database")
    if next(iter_storage(), None) is not None:
        found.append("stored files")
    return found


def _known_migrations() -> set[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def _restore_sqlite(source: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if name.startswith((":memory:", "file:")) or "mode=memory" in name:
        raise BackupError("Restoring into an in-memory SQLite database is not possible; point DATABASE_URL at a file.")
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    src = sqlite3.connect(str(source))
    dest = sqlite3.connect(name, timeout=30)
    try:
        src.backup(dest)  # replaces every page of the target, also the tables a migrate had made
        dest.execute("PRAGMA journal_mode=WAL")
        dest.commit()
    finally:
        src.close()
        dest.close()


def _restore_postgres(source: Path) -> None:
    pg_restore, _version_text = _tool("pg_restore")
    settings_dict = connection.settings_dict
    args, env = _pg_environment(settings_dict)
    connections.close_all()
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            *args,
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()[-2000:]}")


def restore_backup(path: Path | str, *, force: bool = False, log=lambda message: None) -> RestoreResult:
    """Restore an archive made by ``create_backup`` into this (empty) installation."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    log("Checking the archive's checksums ...")
    manifest = verify_archive(path)
    vendor = connection.vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['vendor']} database and this installation uses {vendor}. "
            "Restore into an installation with the same kind of database."
        )
    known = _known_migrations()
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in archived - known)
    if unknown and not force:
        raise BackupError(
            f"The backup was made by a newer version: this version does not know {len(unknown)} of its migrations "
            f"(e.g. {unknown[0]}). Restore with that version, or pass --force."
        )
    present = installation_has_data()
    if present and not force:
        raise BackupError(
            "This installation is not empty (" + ", ".join(present) + "). Restore into an empty installation "
            "(a new database and an empty MEDIA_ROOT), or pass --force to overwrite it."
        )
    with tempfile.TemporaryDirectory(prefix="plein-restore-") as tmp:
        db_file = Path(tmp) / "database"
        with tarfile.open(path, mode="r:gz") as tar:
            with tar.extractfile(manifest["database"]["member"]) as source, open(db_file, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            if _sha256_file(db_file) != manifest["members"][manifest["database"]["member"]]["sha256"]:
                raise BackupError("The database in the archive changed while it was being restored.")
            log("Restoring the database ...")
            if vendor == "sqlite":
                _restore_sqlite(db_file)
            elif vendor == "postgresql":
                _restore_postgres(db_file)
            else:
                raise BackupError(f"Restoring a {vendor} database is not supported.")
            log("Restoring the stored files ...")
            files = 0
            for info in tar:
                if not info.name.startswith(MEDIA_PREFIX):
                    continue
                name = info.name[len(MEDIA_PREFIX) :]
                digest = hashlib.sha256()
                with tar.extractfile(info) as source, tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spool:
                    for block in iter(lambda source=source: source.read(CHUNK), b""):
                        digest.update(block)
                        spool.write(block)
                    if digest.hexdigest() != manifest["members"][info.name]["sha256"]:
                        raise BackupError(f"{info.name} changed while it was being restored.")
                    spool.seek(0)
                    if default_storage.exists(name):
                        default_storage.delete(name)  # only reachable with --force: the emptiness check came first
                    saved = default_storage.save(name, File(spool, name=name))
                if saved != name:
                    raise BackupError(f"The storage saved {name} as {saved}; the database would not find it.")
                files += 1
    connections.close_all()
    log("Comparing row counts with the manifest ...")
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts = _count_rows(cursor, _model_tables(), existing)
    differences = [
        f"{label}: {counts.get(label)} instead of {want}"
        for label, want in manifest["rows"].items()
        if counts.get(label, want) != want
    ]
    if differences:
        raise BackupError("The restored database differs from the backup: " + "; ".join(differences[:5]))
    log("Verifying the audit log ...")
    from plein.core.services.audit import verify_chain

    result = verify_chain()
    if not result.ok:
        raise BackupError(
            f"The restored audit log is NOT intact: first bad event #{result.first_bad_seq}: {result.reason}."
        )
    if result.checked != manifest["audit_head"]["seq"]:
        raise BackupError(
            f"The restored audit log has {result.checked} events; the backup had {manifest['audit_head']['seq']}."
        )
    pending = sorted(f"{app}.{name}" for app, name in known - archived)
    return RestoreResult(manifest=manifest, files=files, audit_events=result.checked, pending_migrations=pending)
