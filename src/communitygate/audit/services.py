"""The one write the audit bureau makes: verifying the chain (核验审计链). The verification is
itself recorded (`audit.verify` on the subject `audit.chain`), with its result, so that who
checked the log and what they found is on the log too. An intact chain is then anchored: a new
checkpoint (`audit.checkpoints`) is written once the verification's own event is committed."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from communitygate.audit.archive import (
    chain_start,
    manifest_write,
    segment_paths,
    segment_write,
)
from communitygate.audit.checkpoints import checkpoint_write
from communitygate.audit.models import AuditArchive, AuditEvent
from communitygate.audit.recorder import Changes, lock_chain_head, record_operation_event
from communitygate.audit.selectors import ChainBreak, audit_chain_check
from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.core.people import AnyUser

RETENTION_MINIMUM_DAYS = 180  # MLPS level 3: audit records kept at least six months

CHAIN_SUBJECT = "audit.chain"


@dataclass(frozen=True)
class ChainVerification:
    events_verified: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def audit_chain_verify(*, actor: AnyUser) -> ChainVerification:
    """Walk the whole chain, then record who verified it and what they found. Callers check
    that `actor` may read the audit log (accounts.permissions.can_read_audit_log)."""
    with transaction.atomic():
        count = AuditEvent.objects.count()
        head = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        first_break = audit_chain_check()
        changes: Changes
        if first_break is None:
            changes = {"result": [None, "intact"], "events": [None, count]}
        else:
            changes = {
                "result": [None, "broken"],
                "events": [None, count],
                "broken_at": [None, first_break.event_id],
                "position": [None, first_break.position],
                "reason": [None, first_break.reason],
            }
        record_operation_event(
            action="audit.verify",
            subject=CHAIN_SUBJECT,
            subject_id=str(head or 0),  # the chain as far as this event
            changes=changes,
            actor=actor,
        )
        if first_break is None:
            transaction.on_commit(checkpoint_write)
    return ChainVerification(events_verified=count, first_break=first_break)


class RetentionTooShort(RuleBroken):
    code = "audit_retention_too_short"
    status = 422

    def __init__(self, days: int) -> None:
        super().__init__(
            f"审计日志至少保存 {RETENTION_MINIMUM_DAYS} 天，保存期不能设为 {days} 天。",
            f"Audit events are kept at least {RETENTION_MINIMUM_DAYS} days, not {days}.",
        )


class ArchiveTooRecent(RuleBroken):
    code = "audit_archive_too_recent"
    status = 422

    def __init__(self, latest: dt.date) -> None:
        super().__init__(
            f"只能归档 {latest:%Y年%m月%d日} 及以前的审计事件（保存期 {settings.AUDIT_RETENTION_DAYS} 天）。",
            f"Only events before {latest.isoformat()} may be archived "
            f"(kept {settings.AUDIT_RETENTION_DAYS} days).",
        )


class ArchiveChainBroken(RuleBroken):
    code = "audit_archive_chain_broken"
    status = 409

    def __init__(self, broken: ChainBreak) -> None:
        super().__init__(
            f"审计链在第 {broken.event_id} 号事件处断开，不能归档：{broken.reason}",
            f"The audit chain is broken at event #{broken.event_id}; nothing was archived: "
            f"{broken.reason}",
        )


def archive_latest_before() -> dt.date:
    """The latest `before` date archiving may use today: events younger than the retention
    period stay in the table."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < RETENTION_MINIMUM_DAYS:
        raise RetentionTooShort(days)
    return clock.today() - dt.timedelta(days=days)


def audit_archive(*, before: dt.date, actor: AnyUser = None) -> AuditArchive | None:
    """Move the events recorded before `before` (Beijing time) out of the table into a signed
    segment (audit.archive), after verifying the whole chain. The newest event always stays, so
    the chain's head and its checkpoints stay in the table. None: nothing old enough remains.
    Writes a checkpoint once committed."""
    latest = archive_latest_before()
    if before > latest:
        raise ArchiveTooRecent(latest)
    broken = audit_chain_check()
    if broken is not None:
        raise ArchiveChainBroken(broken)
    cutoff = dt.datetime.combine(before, dt.time(), ZoneInfo(settings.TIME_ZONE))
    with transaction.atomic():
        lock_chain_head()
        start = chain_start()
        last_id = _last_archivable_id(start.last_id, cutoff)
        if last_id is None:
            return None
        archive = _archive_segment(start.last_id, last_id, start.prev_hash, before)
        record_operation_event(
            action="audit.archive",
            subject=CHAIN_SUBJECT,
            subject_id=f"{archive.first_id}-{archive.last_id}",
            changes={
                "before": [None, before.isoformat()],
                "first_id": [None, archive.first_id],
                "last_id": [None, archive.last_id],
                "events": [None, archive.events],
                "file_sha256": [None, archive.file_sha256],
            },
            actor=actor,
        )
        transaction.on_commit(checkpoint_write)
    return archive


def _last_archivable_id(after_id: int, cutoff: dt.datetime) -> int | None:
    """The last event of the chain's oldest run recorded before the cutoff, never the head."""
    remaining = AuditEvent.objects.filter(id__gt=after_id)
    head = remaining.order_by("-id").values_list("id", flat=True).first()
    if head is None:
        return None
    first_recent = (
        remaining.filter(occurred_at__gte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    last_id = min(head - 1, (first_recent or head) - 1)
    return last_id if remaining.filter(id__lte=last_id).exists() else None


def _archive_segment(after_id: int, last_id: int, prev_hash: str, before: dt.date) -> AuditArchive:
    """Write the events after_id < id <= last_id to their files, record the segment, delete the
    events (the trigger allows it now that the segment is recorded). A failure removes the files."""
    events = AuditEvent.objects.filter(id__gt=after_id, id__lte=last_id).order_by("id")
    first = events.values("id").first()
    last = events.order_by("-id").values("id", "hash", "hash_key_id").first()
    assert first is not None and last is not None
    events_file, manifest = segment_paths(first["id"], last["id"])
    try:
        sha256, count = segment_write(events.iterator(chunk_size=2000), events_file)
        archive = AuditArchive.objects.create(
            archived_at=clock.now().astimezone(dt.UTC),
            before=before,
            first_id=first["id"],
            last_id=last["id"],
            events=count,
            first_prev_hash=prev_hash,
            last_hash=last["hash"],
            last_key_id=last["hash_key_id"],
            file_name=events_file.name,
            file_sha256=sha256,
        )
        manifest_write(archive)
        events.delete()
    except BaseException:
        events_file.unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)
        raise
    return archive
