"""Archived segments of the audit chain (审计日志归档): the oldest events, moved out of the table
into signed files, so that the table does not grow forever while the whole chain still verifies.

MLPS level 3 asks that audit records be kept at least 180 days; `audit_archive` (services) moves
only events older than AUDIT_RETENTION_DAYS, never the newest one. A segment is two files under
AUDIT_ARCHIVE_DIR/<database>/: `<first>-<last>.jsonl.gz`, every field of every event as recorded
(hashes and links included), and `<first>-<last>.json`, its manifest (the ids, the count, the
first event's link and the last event's hash, the file's SHA-256), signed under the audit key
like a checkpoint. The segment is recorded in the AuditArchive table in the same transaction that
deletes its events; the table's DELETE trigger refuses any event outside a recorded segment.

Verification (audit.selectors) walks the segments' files in order, then the table, as one chain:
a missing or altered file, a manifest not signed by the key, or a segment that does not continue
the one before it is a break.
"""

import datetime as dt
import gzip
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from communitygate.audit.checkpoints import database_identity, signature_of
from communitygate.audit.models import GENESIS_HASH, AuditArchive, AuditEvent
from communitygate.core.crypto import audit_chain_keyring

MANIFEST_LABEL = b"communitygate audit archive v1\n"
FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "reason",
    "request_id",
    "source_ip",
    "prev_hash",
    "hash",
    "hash_key_id",
)
FILE_MISSING = "an archived segment's file is missing"
FILE_CHANGED = "an archived segment's file does not match its SHA-256"
MANIFEST_NOT_SIGNED = "an archived segment's manifest is missing or not signed by the audit key"
MANIFEST_DIFFERS = "an archived segment's manifest differs from its record"
SEGMENT_GAP = "an archived segment does not continue the chain before it"
SEGMENT_CONTENT = "an archived segment's events differ from its manifest"


@dataclass(frozen=True)
class ChainStart:
    """Where the events in the table take over from the archive: the last archived event's
    hash and id, and whether it was keyed (GENESIS_HASH, 0, False when nothing is archived)."""

    prev_hash: str
    last_id: int
    keyed: bool


def archive_directory() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR) / database_identity()


def segment_paths(first_id: int, last_id: int) -> tuple[Path, Path]:
    """The segment's events file and its manifest."""
    stem = archive_directory() / f"{first_id:012d}-{last_id:012d}"
    return stem.with_suffix(".jsonl.gz"), stem.with_suffix(".json")


def chain_start() -> ChainStart:
    last = AuditArchive.objects.order_by("-last_id").first()
    if last is None:
        return ChainStart(GENESIS_HASH, 0, keyed=False)
    return ChainStart(last.last_hash, last.last_id, keyed=last.last_key_id is not None)


def segment_write(events: Iterable[AuditEvent], path: Path) -> tuple[str, int]:
    """Write the events, one JSON line each, gzipped, atomically; their file's SHA-256 and count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    count = 0
    with gzip.open(temporary, "wt", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(_record_of(event), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    os.replace(temporary, path)
    return _sha256_of(path), count


def manifest_write(archive: AuditArchive) -> None:
    """Sign the segment's record under the current audit key, beside its events file."""
    keyring = audit_chain_keyring()
    body = {**_manifest_body(archive), "key_id": keyring.current_id}
    key = keyring.keys[keyring.current_id]
    signed = {**body, "signature": signature_of(MANIFEST_LABEL, body, key)}
    _, manifest = segment_paths(archive.first_id, archive.last_id)
    manifest.write_text(json.dumps(signed, sort_keys=True), encoding="utf-8")


def segment_problem(archive: AuditArchive) -> str | None:
    """Why this segment's files cannot be trusted (None: they can): the manifest's signature and
    its agreement with the table's record, then the events file's SHA-256."""
    events_file, manifest = segment_paths(archive.first_id, archive.last_id)
    try:
        signed = json.loads(manifest.read_text(encoding="utf-8"))
        signature = str(signed.pop("signature"))
        key = audit_chain_keyring().keys.get(str(signed.get("key_id")))
    except (OSError, ValueError, KeyError):
        return MANIFEST_NOT_SIGNED
    if key is None or not hmac.compare_digest(signature_of(MANIFEST_LABEL, signed, key), signature):
        return MANIFEST_NOT_SIGNED
    signed.pop("key_id")
    if signed != _manifest_body(archive):
        return MANIFEST_DIFFERS
    if not events_file.exists():
        return FILE_MISSING
    if _sha256_of(events_file) != archive.file_sha256:
        return FILE_CHANGED
    return None


def segment_events(archive: AuditArchive) -> Iterator[AuditEvent]:
    """The segment's events as unsaved AuditEvent objects, in chain order (their hashes verify
    like the table's)."""
    events_file, _ = segment_paths(archive.first_id, archive.last_id)
    with gzip.open(events_file, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield _event_of(json.loads(line))


def archived_hash(event_id: int) -> str | None:
    """The recorded hash of an archived event (None: not archived, or its segment unreadable)."""
    archive = AuditArchive.objects.filter(first_id__lte=event_id, last_id__gte=event_id).first()
    if archive is None or segment_problem(archive) is not None:
        return None
    for event in segment_events(archive):
        if event.id == event_id:
            return event.hash
    return None


def _manifest_body(archive: AuditArchive) -> dict[str, object]:
    return {
        "database": database_identity(),
        "before": archive.before.isoformat(),
        "first_id": archive.first_id,
        "last_id": archive.last_id,
        "events": archive.events,
        "first_prev_hash": archive.first_prev_hash,
        "last_hash": archive.last_hash,
        "last_key_id": archive.last_key_id,
        "file_sha256": archive.file_sha256,
    }


def _record_of(event: AuditEvent) -> dict[str, object]:
    record = {name: getattr(event, name) for name in FIELDS}
    record["occurred_at"] = event.occurred_at.isoformat()
    return record


def _event_of(record: dict[str, object]) -> AuditEvent:
    values = {name: record[name] for name in FIELDS}
    values["occurred_at"] = dt.datetime.fromisoformat(str(record["occurred_at"]))
    return AuditEvent(**values)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as content:
        for block in iter(lambda: content.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
