"""The restore drill: a small world with files is backed up, restored into a new empty database
and an empty MEDIA_ROOT, and every row of every table, every file's bytes and the audit chain
are shown to have come back. On the engine the suite runs on (SQLite; PostgreSQL when
DATABASE_URL is one), each side a throw-away database driven by `communitygate` subprocesses,
since pytest-django owns the test database. Also: the refusals (a database in use, other keys)
and a restore that does not match its manifest."""

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

SEED = "from communitygate.operations.tests.drill_world import seed; seed()"
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@dataclass
class Side:
    """One installation: its VAR_DIR and database."""

    var_dir: Path
    database_url: str
    environment: dict[str, str]

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "-m", "communitygate", *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{arguments} failed:\n{result.stdout}\n{result.stderr}")
        return result

    @property
    def media(self) -> Path:
        return self.var_dir / "media"


def _postgres_admin(sql: str) -> None:
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(
        dbname="postgres",
        host=str(config.get("HOST") or ""),
        port=str(config.get("PORT") or ""),
        user=str(config.get("USER") or ""),
        password=str(config.get("PASSWORD") or ""),
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def _database_url(tmp: Path, name: str) -> str:
    if not POSTGRES:
        return f"sqlite:///{tmp / name / 'db.sqlite3'}"
    database = f"cg_drill_{os.getpid()}_{name}"
    _postgres_admin(f'DROP DATABASE IF EXISTS "{database}"')
    _postgres_admin(f'CREATE DATABASE "{database}"')
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{database}"


def _drop(side: Side) -> None:
    if POSTGRES:
        name = side.database_url.rsplit("/", 1)[1]
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _side(tmp: Path, name: str, secret_key: str, **extra: str) -> Side:
    var_dir = tmp / name
    var_dir.mkdir(parents=True, exist_ok=True)
    url = _database_url(tmp, name)
    environment = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,  # the keys are derived from it: the same on both sides
        "COMMUNITYGATE_DEMO": "1",
        **extra,
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return Side(var_dir=var_dir, database_url=url, environment=environment)


def table_rows(side: Side) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    tables: dict[str, list[str]] = {}
    if not POSTGRES:
        path = side.database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path)) as database:
            names = [
                row[0]
                for row in database.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for name in names:
                rows = database.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
                tables[name] = sorted(repr(row) for row in rows)
        return tables
    import psycopg

    with psycopg.connect(side.database_url) as database:
        names = [
            row[0]
            for row in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        for name in names:
            rows = database.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
            tables[name] = sorted(repr(row) for row in rows)
    return tables


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@dataclass
class Drill:
    tmp: Path
    secret_key: str
    source: Side
    archive: Path
    manifest: dict[str, Any]
    rows_at_backup: dict[str, list[str]]


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    tmp = tmp_path_factory.mktemp("backup-drill")
    secret_key = secrets.token_urlsafe(50)
    source = _side(tmp, "source", secret_key)
    source.run("migrate", "--verbosity", "0")
    source.run("shell", "-c", SEED)
    assert len(media_files(source.media)) == 2, "the seeded matter's two photos"
    rows_at_backup = table_rows(source)
    archive = tmp / "backup.tar"
    source.run("backup", "--output", str(archive))
    with tarfile.open(archive) as opened:
        member = opened.extractfile("manifest.json")
        assert member is not None
        manifest = json.loads(member.read())
    yield Drill(tmp, secret_key, source, archive, manifest, rows_at_backup)
    _drop(source)


def test_every_row_file_and_the_chain_come_back_into_an_empty_database(drill: Drill) -> None:
    target = _side(drill.tmp, "target", drill.secret_key)
    try:
        restored = target.run("restore", str(drill.archive))
        assert "verified" in restored.stdout

        before, after = drill.rows_at_backup, table_rows(target)
        assert sorted(after) == sorted(before), "the same tables"
        audit = "audit_auditevent"
        for table in before:
            if table == audit:
                continue
            assert after[table] == before[table], f"every row of {table}"
        # The chain as it was, then the restore's own event after it.
        assert len(after[audit]) == len(before[audit]) + 1
        assert set(before[audit]) <= set(after[audit])
        assert sum(len(rows) for rows in before.values()) == drill.manifest["rows"]

        assert media_files(target.media) == media_files(drill.source.media)
        assert target.run("audit_verify").stdout.startswith("OK")
        (restore_event,) = set(after[audit]) - set(before[audit])
        assert "'backup.restored'" in restore_event, "the restore's own event came after it"

        # The database is now in use: a second restore is refused unless --replace.
        refused = target.run("restore", str(drill.archive), check=False)
        assert refused.returncode != 0
        assert "当前数据库已在使用" in refused.stderr and "--replace" in refused.stderr
        replaced = target.run("restore", "--replace", str(drill.archive))
        assert "superseded checkpoint" in replaced.stdout, "the newer checkpoint is named"
        assert target.run("audit_verify").stdout.startswith("OK")
    finally:
        _drop(target)


def test_a_restore_under_other_keys_is_refused(drill: Drill) -> None:
    other_key = "A" * 43 + "="  # base64 of 32 bytes, not the backup's key
    target = _side(drill.tmp, "other-keys", drill.secret_key, COMMUNITYGATE_PI_KEY=other_key)
    try:
        refused = target.run("restore", str(drill.archive), check=False)
        assert refused.returncode != 0
        assert "personal_data:k1" in refused.stderr
        assert "个人信息将无法解密" in refused.stderr and "would not decrypt" in refused.stderr
        assert not target.media.exists(), "nothing was restored"
    finally:
        _drop(target)


def test_a_restore_that_does_not_match_its_manifest_fails(drill: Drill) -> None:
    """An archive whose manifest claims one more user and another digest for a photo: the
    restore reports both and exits non-zero."""
    tampered = drill.tmp / "tampered.tar"
    manifest = json.loads(json.dumps(drill.manifest))
    manifest["tables"]["auth_user"] += 1
    photo = sorted(manifest["media"])[0]
    manifest["media"][photo] = "0" * 64
    with tarfile.open(drill.archive) as original, tarfile.open(tampered, "w") as copy:
        for member in original.getmembers():
            if member.name == "manifest.json":
                body = json.dumps(manifest).encode()
                member.size = len(body)
                copy.addfile(member, io.BytesIO(body))
            else:
                copy.addfile(member, original.extractfile(member))
    target = _side(drill.tmp, "tampered", drill.secret_key)
    try:
        failed = target.run("restore", str(tampered), check=False)
        assert failed.returncode != 0
        assert "恢复后的核验未通过" in failed.stderr
        assert "table auth_user" in failed.stderr
        assert f"file {photo}: another SHA-256" in failed.stderr
    finally:
        _drop(target)
