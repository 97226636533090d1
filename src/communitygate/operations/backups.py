"""Backup and restore (备份与恢复): one archive file holding the database, the uploaded files and
a manifest that says what a faithful restore must give back.

`backup_create` takes one consistent snapshot of the database (PostgreSQL: `pg_dump -Fc` under a
snapshot exported from a REPEATABLE READ transaction, the rows counted in that same snapshot;
SQLite: the online backup API into a copy, counted in the copy), adds every file under
MEDIA_ROOT with its SHA-256, and writes a tar archive: `manifest.json`, the database
(`database.pgdump` or `database.sqlite3`) and `media/…`. The manifest holds the row count of
every table, each file's digest, the audit chain's length and head, the fingerprints of the
personal-data, blind-index and audit keys (core.crypto.key_fingerprints, never the keys), the
app's version and the applied migrations. The archive is written beside its final name and
renamed when complete, so a crash leaves no half archive under that name.

`backup_restore` refuses an archive of another database engine, an archive whose keys the
configuration does not hold (the personal data would not read, the chain would not verify)
unless `force_other_keys`, and a database already in use (any audit event) unless `replace`;
then restores the database (`pg_restore --clean --if-exists --no-owner --single-transaction`;
SQLite: the backup API from the archived copy onto the configured file) and the files, and
verifies: every table's row count as in the manifest, every file's digest, the chain walked
intact with the manifest's head. Only then is `backup.restored` recorded and a new checkpoint of
the chain written (docs/backup.md: a restore is the one legitimate way the chain gets shorter,
so the event names the checkpoint it supersedes and the checkpoint history keeps both).
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction

from communitygate.audit.checkpoints import CheckpointInvalid, checkpoint_latest, checkpoint_write
from communitygate.audit.models import AuditEvent
from communitygate.audit.recorder import record_operation_event
from communitygate.audit.selectors import audit_chain_check, audit_chain_first_break
from communitygate.core import clock
from communitygate.core.crypto import key_fingerprints, key_fingerprints_from
from communitygate.core.errors import RuleBroken

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRESQL_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
BACKUP_SUBJECT = "operations.backup"
CHUNK = 1024 * 1024


# Refusals ---------------------------------------------------------------------------------------


class BackupRefused(RuleBroken):
    code = "backup_refused"
    status = 409


class ArchiveUnreadable(BackupRefused):
    code = "backup_archive_unreadable"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"备份文件无法读取或不是本系统的备份：{detail}",
            f"The archive cannot be read or is not a CommunityGate backup: {detail}",
        )


class OtherDatabaseEngine(BackupRefused):
    code = "backup_other_engine"

    def __init__(self, archived: str, configured: str) -> None:
        super().__init__(
            f"备份来自 {archived} 数据库，当前配置的是 {configured}：请配置同一种数据库再恢复。",
            f"The backup is of a {archived} database and {configured} is configured: "
            "configure the same engine to restore it.",
        )


class OtherKeys(BackupRefused):
    code = "backup_other_keys"

    def __init__(self, missing: list[str]) -> None:
        names = ", ".join(missing)
        super().__init__(
            f"当前配置缺少备份所用的密钥（{names}）：恢复后个人信息将无法解密、审计链无法核验。"
            "请配置备份时的密钥；确需恢复请加 --force-other-keys。",
            f"The configured keys lack the backup's ({names}): the personal data would not "
            "decrypt and the audit chain would not verify. Configure the keys the backup was "
            "made under, or add --force-other-keys.",
        )


class DatabaseNotEmpty(BackupRefused):
    code = "backup_database_not_empty"

    def __init__(self, events: int) -> None:
        super().__init__(
            f"当前数据库已在使用（审计日志有 {events} 条记录）：恢复将覆盖它。确需覆盖请加 --replace。",
            f"The configured database is in use ({events} audit events): a restore would "
            "overwrite it. Add --replace to overwrite it.",
        )


class RestoreNotVerified(BackupRefused):
    code = "backup_restore_not_verified"

    def __init__(self, problems: list[str]) -> None:
        listed = "; ".join(problems[:20])
        super().__init__(
            f"恢复后的核验未通过（{len(problems)} 处）：{listed}",
            f"The restored data did not verify ({len(problems)} problems): {listed}",
        )


# What a snapshot holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseState:
    """Row counts per table, the audit chain's length and head, the applied migrations."""

    tables: dict[str, int]
    audit_events: int
    audit_head_id: int
    audit_head_hash: str
    migrations: dict[str, str]
    migrations_applied: int


@dataclass(frozen=True)
class BackupReport:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreReport:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    superseded_checkpoint: str
    forced_other_keys: bool


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_state(cursor: Any, vendor: str) -> DatabaseState:
    """Counted through `cursor` (any DB-API cursor: Django's, or sqlite3's on a copy)."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    names = [str(row[0]) for row in cursor.fetchall()]
    tables: dict[str, int] = {}
    for name in names:
        cursor.execute(f"SELECT count(*) FROM {_quoted(name)}")  # noqa: S608 - a table's name
        tables[name] = int(cursor.fetchone()[0])
    audit_table = AuditEvent._meta.db_table
    head_id, head_hash = 0, ""
    if audit_table in tables:
        cursor.execute(f"SELECT id, hash FROM {_quoted(audit_table)} ORDER BY id DESC LIMIT 1")  # noqa: S608
        head = cursor.fetchone()
        if head is not None:
            head_id, head_hash = int(head[0]), str(head[1])
    migrations: dict[str, str] = {}
    applied = 0
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[str(app)] = str(name)
            applied += 1
    return DatabaseState(
        tables=tables,
        audit_events=tables.get(audit_table, 0),
        audit_head_id=head_id,
        audit_head_hash=head_hash,
        migrations=dict(sorted(migrations.items())),
        migrations_applied=applied,
    )


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under MEDIA_ROOT as (its path relative to the root, POSIX), sorted."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _app_version() -> str:
    try:
        return metadata.version("communitygate")
    except metadata.PackageNotFoundError:
        return "unknown"


def _postgres_environment() -> dict[str, str]:
    """libpq's variables for the configured database (pg_dump and pg_restore read them)."""
    config = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (
        ("PGDATABASE", "NAME"),
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if config.get(key):
            environment[variable] = str(config[key])
    return environment


def _run_postgres_tool(arguments: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        arguments, env=_postgres_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed ({result.returncode}): {result.stderr.strip()}")


# Backup -----------------------------------------------------------------------------------------


def _snapshot(workdir: Path) -> tuple[Path, DatabaseState]:
    """The database copied into `workdir` and its state counted in that very copy/snapshot."""
    if connection.vendor == "sqlite":
        target = workdir / SQLITE_MEMBER
        connection.close()
        with (
            closing(sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=20)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        with closing(sqlite3.connect(target)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            state = database_state(copy.cursor(), "sqlite")
        return target, state
    if connection.vendor != "postgresql":
        raise RuntimeError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    target = workdir / POSTGRESQL_MEMBER
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        state = database_state(cursor, "postgresql")
        # pg_dump reads the same snapshot while this transaction holds it open.
        _run_postgres_tool(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"]
        )
    return target, state


def backup_create(*, output: Path) -> BackupReport:
    """Write one archive to `output` (a file path) and record `backup.created`."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="cg-backup-", dir=output.parent) as work:
        database_file, state = _snapshot(Path(work))
        media = {rel: _file_sha256(path) for rel, path in _media_files(media_root)}
        fingerprints = key_fingerprints()
        manifest: dict[str, Any] = {
            "format": ARCHIVE_FORMAT,
            "created_at": clock.now().astimezone(dt.UTC).isoformat(),
            "engine": connection.vendor,
            "database_member": database_file.name,
            "app_version": _app_version(),
            "migrations": {"latest": state.migrations, "applied": state.migrations_applied},
            "tables": state.tables,
            "rows": sum(state.tables.values()),
            "media": media,
            "audit": {
                "events": state.audit_events,
                "head_id": state.audit_head_id,
                "head_hash": state.audit_head_hash,
            },
            "keys": {**fingerprints.as_dict(), "summary": fingerprints.summary},
        }
        partial = output.with_name(f".{output.name}.partial")
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(clock.now().timestamp())
            archive.addfile(info, _bytes_reader(body))
            archive.add(database_file, arcname=database_file.name)
            for rel, path in _media_files(media_root):
                if rel in media:
                    archive.add(path, arcname=MEDIA_PREFIX + rel)
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, output)
    digest = _file_sha256(output)
    with transaction.atomic():
        record_operation_event(
            action="backup.created",
            subject=BACKUP_SUBJECT,
            subject_id=digest[:16],
            changes={
                "archive": [None, output.name],
                "sha256": [None, digest],
                "rows": [None, manifest["rows"]],
                "files": [None, len(media)],
                "audit_head_id": [None, state.audit_head_id],
            },
        )
    return BackupReport(path=output, sha256=digest, size=output.stat().st_size, manifest=manifest)


def _bytes_reader(body: bytes) -> IO[bytes]:
    return io.BytesIO(body)


# Restore ----------------------------------------------------------------------------------------


def archive_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise KeyError(MANIFEST)
        manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    except (KeyError, ValueError) as error:
        raise ArchiveUnreadable(f"{MANIFEST}: {error}") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise ArchiveUnreadable(f"format {manifest.get('format')!r}")
    return manifest


def _database_events() -> int:
    """How many audit events the configured database holds (0 when it has no tables yet)."""
    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        return 0
    return AuditEvent.objects.count()


def _media_target(root: Path, name: str) -> Path:
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ArchiveUnreadable(f"unsafe file name {name!r}")
    return root.joinpath(*relative.parts)


def _restore_database(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> None:
    member_name = str(manifest.get("database_member", ""))
    if member_name not in {SQLITE_MEMBER, POSTGRESQL_MEMBER}:
        raise ArchiveUnreadable(f"database member {member_name!r}")
    source = archive.extractfile(member_name)
    if source is None:
        raise ArchiveUnreadable(member_name)
    extracted = work / member_name
    with extracted.open("wb") as handle:
        shutil.copyfileobj(source, handle, CHUNK)
    connection.close()
    if connection.vendor == "sqlite":
        target = Path(str(connection.settings_dict["NAME"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            closing(sqlite3.connect(extracted)) as copy,
            closing(sqlite3.connect(target, timeout=20)) as database,
        ):
            copy.backup(database)
        return
    _run_postgres_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(extracted),
        ]
    )


def _restore_media(archive: tarfile.TarFile, root: Path) -> int:
    restored = 0
    for member in archive.getmembers():
        if not member.name.startswith(MEDIA_PREFIX) or not member.isfile():
            continue
        target = _media_target(root, member.name)
        source = archive.extractfile(member)
        if source is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        with partial.open("wb") as handle:
            shutil.copyfileobj(source, handle, CHUNK)
        os.replace(partial, target)
        restored += 1
    return restored


def restore_problems(manifest: dict[str, Any], *, walk_chain: bool = True) -> list[str]:
    """What the configured database and MEDIA_ROOT lack against the manifest: [] when every
    row count, every file's digest and the audit chain (walked, with the manifest's head)
    match. `walk_chain` False: the chain was hashed under keys not configured (a forced
    restore), so only its length and head are compared."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        state = database_state(cursor, connection.vendor)
    expected: dict[str, int] = {str(k): int(v) for k, v in manifest["tables"].items()}
    for table, count in sorted(expected.items()):
        found = state.tables.get(table)
        if found != count:
            problems.append(f"table {table}: {found} rows, the backup {count}")
    problems += [f"table {table}: not in the backup" for table in state.tables.keys() - expected]
    root = Path(settings.MEDIA_ROOT)
    for rel, digest in sorted(dict(manifest["media"]).items()):
        path = _media_target(root, MEDIA_PREFIX + rel)
        if not path.is_file():
            problems.append(f"file {rel}: missing")
        elif _file_sha256(path) != digest:
            problems.append(f"file {rel}: another SHA-256")
    audit = manifest["audit"]
    if (state.audit_events, state.audit_head_id, state.audit_head_hash) != (
        audit["events"],
        audit["head_id"],
        audit["head_hash"],
    ):
        problems.append(
            f"audit chain: {state.audit_events} events ending at #{state.audit_head_id}, "
            f"the backup {audit['events']} ending at #{audit['head_id']}"
        )
    broken = audit_chain_first_break() if walk_chain else None
    if broken is not None:
        problems.append(
            f"audit chain broken at event #{broken.event_id} (position {broken.position}): "
            f"{broken.reason}"
        )
    return problems


def _checkpoint_superseded() -> str:
    """The latest checkpoint of this database before the restore, as text for the event."""
    try:
        latest = checkpoint_latest()
    except CheckpointInvalid as error:
        return f"unreadable: {error}"
    if latest is None:
        return ""
    return f"{latest.events} events, head #{latest.head_id} ({latest.written_at})"


def backup_restore(
    *, archive_path: Path, replace: bool = False, force_other_keys: bool = False
) -> RestoreReport:
    """Restore the archive into the configured database and MEDIA_ROOT, verify it, record
    `backup.restored` and anchor the restored chain with a new checkpoint."""
    try:
        archive = tarfile.open(archive_path, "r")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise ArchiveUnreadable(str(error)) from error
    with archive, tempfile.TemporaryDirectory(prefix="cg-restore-") as work:
        manifest = archive_manifest(archive)
        if manifest["engine"] != connection.vendor:
            raise OtherDatabaseEngine(str(manifest["engine"]), connection.vendor)
        missing = key_fingerprints_from(manifest["keys"]).missing_from(key_fingerprints())
        if missing and not force_other_keys:
            raise OtherKeys(missing)
        events = _database_events()
        if events and not replace:
            raise DatabaseNotEmpty(events)
        superseded = _checkpoint_superseded()
        _restore_database(archive, manifest, Path(work))
        files = _restore_media(archive, Path(settings.MEDIA_ROOT))
    problems = restore_problems(manifest, walk_chain=not missing)
    if problems:
        raise RestoreNotVerified(problems)
    digest = _file_sha256(archive_path)
    with transaction.atomic():
        record_operation_event(
            action="backup.restored",
            subject=BACKUP_SUBJECT,
            subject_id=digest[:16],
            changes={
                "archive": [None, archive_path.name],
                "sha256": [None, digest],
                "backup_created_at": [None, manifest["created_at"]],
                "rows": [None, manifest["rows"]],
                "files": [None, files],
                "audit_head_id": [None, manifest["audit"]["head_id"]],
                "superseded_checkpoint": [None, superseded],
                "forced_other_keys": [None, bool(missing)],
            },
        )
    checkpoint_write()
    broken = audit_chain_check() if not missing else None
    if broken is not None:  # the new checkpoint must hold the restored chain
        raise RestoreNotVerified([f"audit chain after the restore: {broken.reason}"])
    return RestoreReport(
        manifest=manifest,
        tables=len(manifest["tables"]),
        rows=int(manifest["rows"]),
        files=files,
        superseded_checkpoint=superseded,
        forced_other_keys=bool(missing),
    )
