"""The database triggers that make the audit table append-only, on SQLite and PostgreSQL.

UPDATE is always refused. DELETE is refused too, except for an event inside a segment that
`audit.archive` has recorded in the archive table (written to a signed file first); the archive
table itself refuses UPDATE and DELETE."""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
ARCHIVES = "audit_auditarchive"
# Built from the constant table name above; no value comes from outside.
ARCHIVED = f"EXISTS (SELECT 1 FROM {ARCHIVES} a WHERE OLD.id BETWEEN a.first_id AND a.last_id)"  # noqa: S608

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
        WHEN NOT {ARCHIVED}
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
]
SQLITE_INSTALL_ARCHIVES = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_archive_no_change BEFORE UPDATE ON {ARCHIVES}
        BEGIN SELECT RAISE(ABORT, 'audit_auditarchive is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_archive_no_delete BEFORE DELETE ON {ARCHIVES}
        BEGIN SELECT RAISE(ABORT, 'audit_auditarchive is append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_archive_no_change",
    "DROP TRIGGER IF EXISTS audit_archive_no_delete",
]
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND TG_TABLE_NAME = '{TABLE}' AND {ARCHIVED} THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    f"""CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
POSTGRES_INSTALL_ARCHIVES = [
    f"""CREATE OR REPLACE TRIGGER audit_archive_no_change BEFORE UPDATE OR DELETE ON {ARCHIVES}
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
    f"""CREATE OR REPLACE TRIGGER audit_archive_no_truncate BEFORE TRUNCATE ON {ARCHIVES}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_archive_no_change ON {ARCHIVES}",
    f"DROP TRIGGER IF EXISTS audit_archive_no_truncate ON {ARCHIVES}",
]


# Before the archive table existed (the migration that made the table append-only): DELETE is
# refused outright. SQLite re-reads every trigger when a table is renamed (every rebuilt table in
# a later migration), so no trigger may name the archive table before it exists.
SQLITE_INSTALL_BEFORE_ARCHIVES = [
    SQLITE_INSTALL[0],
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
]
POSTGRES_INSTALL_BEFORE_ARCHIVES = [
    """CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_auditevent is append-only'; END;
       $$ LANGUAGE plpgsql""",
    *POSTGRES_INSTALL[1:],
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool, archives: bool) -> list[str]:
    if connection.vendor == "postgresql":
        if not install:
            return POSTGRES_DROP
        if not archives:
            return POSTGRES_INSTALL_BEFORE_ARCHIVES
        return POSTGRES_INSTALL + POSTGRES_INSTALL_ARCHIVES
    if connection.vendor == "sqlite":
        if not install:
            return SQLITE_DROP
        if not archives:
            return SQLITE_INSTALL_BEFORE_ARCHIVES
        return SQLITE_INSTALL + SQLITE_INSTALL_ARCHIVES
    raise ImproperlyConfigured(
        f"CommunityGate supports SQLite and PostgreSQL, not {connection.vendor}"
    )


def install_append_only_triggers(connection: BaseDatabaseWrapper, *, archives: bool = True) -> None:
    """Install the triggers (`archives=False`: the event table's as they were before archives, for
    the migrations that ran before the archive table existed)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True, archives=archives):
            cursor.execute(statement)


def drop_append_only_triggers(connection: BaseDatabaseWrapper) -> None:
    """Only for tests that must tamper with the table or flush it, and for the migration that
    replaces the triggers; never called by the app."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False, archives=True):
            cursor.execute(statement)
