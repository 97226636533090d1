"""Checkpoints of the audit chain (审计链锚点): the chain's length and head, written OUTSIDE the
database, so that cutting off the newest events or rewriting old ones is found.

The chain alone shows a changed or removed row in the middle (its successor's link breaks), and
its HMAC key keeps anyone without the key from recomputing the hashes after a rewrite; but
deleting the newest events leaves a shorter chain that still verifies. A checkpoint records how
many events there were and the head's id and hash, signed (HMAC) under the audit key, in a file
under AUDIT_CHECKPOINT_DIR (one file per database, plus an append-only history), and optionally
POSTed to a second system (AUDIT_CHECKPOINT_URL). `audit_verify` and the audit bureau's
"verify" check the chain against the latest checkpoint, then write a new one; `seed_demo` ends
with one; the daily `audit_verify` run is the scheduler's.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.crypto import audit_chain_keyring

logger = logging.getLogger(__name__)

SIGNATURE_LABEL = b"communitygate audit checkpoint v1\n"
SEND_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it stood: `events` rows, the newest `head_id` with `head_hash`."""

    database: str
    events: int
    head_id: int
    head_hash: str
    written_at: str
    key_id: str


class CheckpointInvalid(Exception):
    """The checkpoint file cannot be read or its signature does not verify."""


def checkpoint_path() -> Path:
    """This database's latest checkpoint (the file name tells databases apart, so a test run
    or a second installation under the same VAR_DIR never reads another's)."""
    return Path(settings.AUDIT_CHECKPOINT_DIR) / f"{database_identity()}.json"


def checkpoint_write() -> Checkpoint:
    """Sign and keep the chain's head as it is now (after the caller has verified it)."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    keyring = audit_chain_keyring()
    checkpoint = Checkpoint(
        database=database_identity(),
        events=AuditEvent.objects.count(),
        head_id=head["id"] if head else 0,
        head_hash=head["hash"] if head else "",
        written_at=clock.now().astimezone(dt.UTC).isoformat(),
        key_id=keyring.current_id,
    )
    record = {
        **asdict(checkpoint),
        "signature": _signature(checkpoint, keyring.keys[keyring.current_id]),
    }
    line = json.dumps(record, sort_keys=True)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f"{path.stem}.history.jsonl").open("a", encoding="utf-8") as history:
        history.write(line + "\n")
    temporary = path.with_suffix(".tmp")
    temporary.write_text(line, encoding="utf-8")
    os.replace(temporary, path)  # readers see the old checkpoint or the new one, never half
    _send_to_second_system(line)
    return checkpoint


def checkpoint_latest() -> Checkpoint | None:
    """The latest checkpoint of this database, None when none was written yet. Raises
    CheckpointInvalid when the file is unreadable or its signature does not verify."""
    path = checkpoint_path()
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        signature = record.pop("signature")
        checkpoint = Checkpoint(**record)
    except (ValueError, TypeError, KeyError) as error:
        raise CheckpointInvalid(f"{NOT_SIGNED}: {path}: {error}") from error
    key = audit_chain_keyring().keys.get(checkpoint.key_id)
    if key is None or not hmac.compare_digest(_signature(checkpoint, key), str(signature)):
        raise CheckpointInvalid(f"{NOT_SIGNED}: {path}")
    return checkpoint


HEAD_MISSING = "the checkpoint's head event is missing"
HEAD_REWRITTEN = "the checkpoint's head event has another hash"
NOT_SIGNED = "the checkpoint is unreadable or not signed by the audit key"


def checkpoint_mismatch(checkpoint: Checkpoint) -> str | None:
    """Why the chain no longer holds what the checkpoint saw (None: it does): is the head still
    there, with its hash? Called after the walk has verified every link, so a head with its
    hash vouches for every event before it."""
    if checkpoint.head_id == 0:
        return None
    found = AuditEvent.objects.filter(pk=checkpoint.head_id).values_list("hash", flat=True).first()
    if found is None:
        found = _archived_hash(checkpoint.head_id)
    if found is None:
        return HEAD_MISSING  # the newest events were deleted
    if found != checkpoint.head_hash:
        return HEAD_REWRITTEN  # the chain was rewritten up to the head
    return None


def _archived_hash(event_id: int) -> str | None:
    """The head's hash from the archive, when the checkpoint's head has been archived since."""
    from communitygate.audit.archive import archived_hash  # the archive signs with this module

    return archived_hash(event_id)


def _signature(checkpoint: Checkpoint, key: bytes) -> str:
    return signature_of(SIGNATURE_LABEL, asdict(checkpoint), key)


def signature_of(label: bytes, body: Mapping[str, object], key: bytes) -> str:
    """An HMAC under the audit key of a labelled record (a checkpoint, an archive's manifest):
    the label keeps one kind of signed record from passing for another."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, label + text, hashlib.sha256).hexdigest()


def database_identity() -> str:
    """A short name for this database (vendor, host, port and name), not the name itself."""
    config = connection.settings_dict
    parts = [
        connection.vendor,
        config.get("HOST") or "",
        str(config.get("PORT") or ""),
        str(config["NAME"]),
    ]
    return f"{connection.vendor}-{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]}"


def _send_to_second_system(line: str) -> None:
    """POST the signed checkpoint to AUDIT_CHECKPOINT_URL when one is set. A failure is logged,
    never raised: the file is written, and the next checkpoint is sent again."""
    url = settings.AUDIT_CHECKPOINT_URL
    if not url:
        return
    request = urllib.request.Request(  # noqa: S310 - the operator's own URL (http or https)
        url, data=line.encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except OSError as error:
        logger.warning("audit checkpoint not sent to %s: %s", url, error)
