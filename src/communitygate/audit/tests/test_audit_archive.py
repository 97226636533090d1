"""Retention and archiving: the oldest events move into signed segment files, the whole chain
(files, then table) still verifies, and nothing younger than 180 days, nor the head, ever moves.
Every way of abusing the archive to cut the chain is found."""

import datetime as dt
import gzip
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from communitygate.audit.archive import (
    FILE_CHANGED,
    FILE_MISSING,
    MANIFEST_NOT_SIGNED,
    segment_paths,
)
from communitygate.audit.checkpoints import checkpoint_write
from communitygate.audit.models import AuditArchive, AuditEvent
from communitygate.audit.selectors import audit_chain_check
from communitygate.audit.services import (
    ArchiveChainBroken,
    ArchiveTooRecent,
    RetentionTooShort,
    audit_archive,
)
from communitygate.core import clock
from communitygate.orgs.services import organisation_create

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 12, 7, 10, tzinfo=BEIJING)


def events_on(day: dt.date, count: int, prefix: str) -> list[int]:
    """`count` events recorded on `day` (Beijing time); their ids."""
    clock.pin(dt.datetime.combine(day, dt.time(9), BEIJING))
    for number in range(count):
        organisation_create(
            actor=None, code=f"{prefix}{number}", name="测试机构", kind="department"
        )
    ids = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:count])
    clock.pin(TODAY)
    return sorted(ids)


@pytest.fixture
def old_and_new() -> tuple[list[int], list[int]]:
    """Events from January 2026 (old enough) and from November 2026 (too young)."""
    old = events_on(dt.date(2026, 1, 5), 6, "OLD")
    young = events_on(dt.date(2026, 11, 20), 3, "NEW")
    return old, young


def test_archiving_moves_the_old_events_and_the_whole_chain_still_verifies(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    old, young = old_and_new
    archive = audit_archive(before=dt.date(2026, 6, 1))
    assert archive is not None
    assert (archive.first_id, archive.last_id, archive.events) == (old[0], old[-1], len(old))
    assert not AuditEvent.objects.filter(id__lte=old[-1]).exists()
    assert set(young) <= set(AuditEvent.objects.values_list("id", flat=True))
    events_file, manifest = segment_paths(archive.first_id, archive.last_id)
    with gzip.open(events_file, "rt", encoding="utf-8") as lines:
        assert [json.loads(line)["id"] for line in lines] == old
    assert manifest.exists()
    assert audit_chain_check() is None
    # The archiving is itself on the log, and the chain goes on after it.
    assert AuditEvent.objects.order_by("-id").first().action == "audit.archive"  # type: ignore[union-attr]
    organisation_create(actor=None, code="AFTER", name="测试机构", kind="department")
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")


def test_a_second_archive_continues_the_first(old_and_new: tuple[list[int], list[int]]) -> None:
    first = audit_archive(before=dt.date(2026, 6, 1))
    clock.pin(dt.datetime(2027, 7, 1, 10, tzinfo=BEIJING))  # half a year on
    second = audit_archive(before=dt.date(2026, 12, 1))
    assert first is not None and second is not None
    assert second.first_prev_hash == first.last_hash
    assert second.first_id > first.last_id
    assert audit_chain_check() is None


def test_nothing_younger_than_the_retention_period_is_archived(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    with pytest.raises(ArchiveTooRecent) as refused:
        audit_archive(before=dt.date(2026, 11, 1))
    assert "2026年06月10日" in refused.value.message_zh  # 180 days before 7 December 2026
    assert not AuditArchive.objects.exists()
    with override_settings(AUDIT_RETENTION_DAYS=30), pytest.raises(RetentionTooShort):
        audit_archive(before=dt.date(2026, 6, 1))


def test_the_newest_event_is_never_archived() -> None:
    old = events_on(dt.date(2026, 1, 5), 4, "OLD")
    archive = audit_archive(before=dt.date(2026, 6, 1))
    assert archive is not None and archive.last_id == old[-2]
    assert AuditEvent.objects.filter(id=old[-1]).exists()
    assert audit_chain_check() is None


def test_nothing_old_enough_archives_nothing() -> None:
    events_on(dt.date(2026, 11, 20), 3, "NEW")
    out = io.StringIO()
    call_command("audit_archive", stdout=out)
    assert out.getvalue().startswith("Nothing to archive before 2026-06-10")
    assert not AuditArchive.objects.exists()


def test_the_command_archives_up_to_the_retention_limit(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    out = io.StringIO()
    call_command("audit_archive", stdout=out)
    assert out.getvalue().startswith(f"Archived {len(old_and_new[0])} events")
    with pytest.raises(CommandError, match="2026-06-10"):
        call_command("audit_archive", "--before", "2026-11-01")


def test_the_database_refuses_deleting_events_outside_an_archive_and_changing_an_archive(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    _, young = old_and_new
    audit_archive(before=dt.date(2026, 6, 1))
    for statement, value in [
        ("DELETE FROM audit_auditevent WHERE id = %s", young[0]),
        ("DELETE FROM audit_auditarchive WHERE id > %s", 0),
        ("UPDATE audit_auditarchive SET last_id = last_id + 100 WHERE id > %s", 0),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [value])
    assert AuditEvent.objects.filter(id=young[0]).exists()


def test_an_archive_recorded_without_the_key_does_not_hide_deleted_events(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    """An attacker with database access records a segment covering the newest events, so that
    the trigger lets them go: its manifest is not signed, and the walk says so."""
    checkpoint_write()
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    AuditArchive.objects.create(
        archived_at=TODAY,
        before=dt.date(2026, 12, 1),
        first_id=newest.id,
        last_id=newest.id,
        events=1,
        first_prev_hash=newest.prev_hash,
        last_hash=newest.hash,
        file_name="forged",
        file_sha256="0" * 64,
    )
    AuditEvent.objects.filter(id=newest.id).delete()
    broken = audit_chain_check()
    assert broken is not None and broken.reason == MANIFEST_NOT_SIGNED


def test_a_changed_segment_file_is_found(old_and_new: tuple[list[int], list[int]]) -> None:
    archive = audit_archive(before=dt.date(2026, 6, 1))
    assert archive is not None
    events_file, _ = segment_paths(archive.first_id, archive.last_id)
    with gzip.open(events_file, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    records[2]["object_repr"] = "改过的"
    with gzip.open(events_file, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    broken = audit_chain_check()
    assert broken is not None and broken.reason == FILE_CHANGED
    with pytest.raises(ArchiveChainBroken):
        audit_archive(before=dt.date(2026, 6, 1))


def test_a_lost_segment_file_or_an_edited_manifest_is_found(
    old_and_new: tuple[list[int], list[int]],
) -> None:
    archive = audit_archive(before=dt.date(2026, 6, 1))
    assert archive is not None
    events_file, manifest = segment_paths(archive.first_id, archive.last_id)
    signed = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**signed, "events": 99}), encoding="utf-8")
    broken = audit_chain_check()
    assert broken is not None and broken.reason == MANIFEST_NOT_SIGNED
    manifest.write_text(json.dumps(signed), encoding="utf-8")
    assert audit_chain_check() is None
    events_file.unlink()
    broken = audit_chain_check()
    assert broken is not None and broken.reason == FILE_MISSING


def test_a_checkpoint_whose_head_was_archived_since_still_holds() -> None:
    old = events_on(dt.date(2026, 1, 5), 4, "OLD")
    checkpoint_write()  # its head: old[-1]
    events_on(dt.date(2026, 11, 20), 2, "NEW")
    archive = audit_archive(before=dt.date(2026, 6, 1))
    assert archive is not None and archive.last_id == old[-1]
    # Read the checkpoint written before archiving, not the one archiving wrote on commit.
    assert audit_chain_check() is None
