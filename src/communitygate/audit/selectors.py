"""Reads of the audit log: an object's history, the log filtered for the audit bureau's page
and API, and the verification of the whole chain."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from communitygate.audit.checkpoints import (
    NOT_SIGNED,
    CheckpointInvalid,
    checkpoint_latest,
    checkpoint_mismatch,
)
from communitygate.audit.models import GENESIS_HASH, AuditEvent
from communitygate.audit.recorder import UnknownChainKey, event_digest

UNKEYED_AFTER_KEYED = "an unkeyed event after the chain was keyed"
UNKNOWN_KEY = "hashed under a key the keyring does not hold"


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    position: int
    reason: str


def audit_events_for(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


@dataclass(frozen=True)
class AuditFilters:
    """What the auditor asks for; every part optional. `action` is exact, or a prefix when it
    ends in "." ("notice." is every step of a notice). `object_type` is the recorded type
    ("dispatch.task") or its model name alone ("task"). `since` is inclusive, `until` exclusive."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_events_filtered(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events that match, newest first. Every column shown is on the event itself (the
    actor's username is stored with it), so a page of them is one query."""
    events = AuditEvent.objects.all()
    if filters.actor:
        events = events.filter(actor_username=filters.actor)
    if filters.action.endswith("."):
        events = events.filter(action__startswith=filters.action)
    elif filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(
            Q(object_type=filters.object_type) | Q(object_type__endswith=f".{filters.object_type}")
        )
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.since is not None:
        events = events.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(occurred_at__lt=filters.until)
    return events.order_by("-id")


def audit_chain_first_break(chunk_size: int = 2000) -> ChainBreak | None:
    """Walk the chain in order; the first event whose link, key or content does not verify, or
    None. Once an event is keyed, every later one must be (none may slip back to plain SHA-256)."""
    expected_prev = GENESIS_HASH
    keyed = False
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for position, event in enumerate(events, start=1):
        if event.prev_hash != expected_prev:
            return ChainBreak(event.id, position, "previous-hash link does not match")
        if keyed and event.hash_key_id is None:
            return ChainBreak(event.id, position, UNKEYED_AFTER_KEYED)
        try:
            digest = event_digest(event)
        except UnknownChainKey:
            return ChainBreak(event.id, position, UNKNOWN_KEY)
        if digest != event.hash:
            return ChainBreak(event.id, position, "content does not match its hash")
        keyed = keyed or event.hash_key_id is not None
        expected_prev = event.hash
    return None


def audit_chain_check() -> ChainBreak | None:
    """The whole verification: the chain walked, then held against its latest checkpoint (kept
    outside the database), so that deleting the newest events is found too. None: intact."""
    broken = audit_chain_first_break()
    if broken is not None:
        return broken
    try:
        checkpoint = checkpoint_latest()
    except CheckpointInvalid:
        return ChainBreak(0, 0, NOT_SIGNED)
    if checkpoint is None:
        return None
    mismatch = checkpoint_mismatch(checkpoint)
    if mismatch is not None:
        return ChainBreak(checkpoint.head_id, checkpoint.events, mismatch)
    return None
