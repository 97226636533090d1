"""Reads of the audit log: an object's history, the log filtered for the audit bureau's page
and API, and the verification of the whole chain."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from communitygate.audit.archive import (
    SEGMENT_CONTENT,
    SEGMENT_GAP,
    chain_start,
    segment_events,
    segment_problem,
)
from communitygate.audit.checkpoints import (
    NOT_SIGNED,
    CheckpointInvalid,
    checkpoint_latest,
    checkpoint_mismatch,
)
from communitygate.audit.models import GENESIS_HASH, AuditArchive, AuditEvent
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


@dataclass
class _Walk:
    """The walk's state: the link the next event must carry, whether the chain is keyed yet,
    and how many events were walked."""

    expected_prev: str = GENESIS_HASH
    keyed: bool = False
    position: int = 0

    def first_break(self, events: Iterable[AuditEvent]) -> ChainBreak | None:
        """Walk on through `events`; the first whose link, key or content does not verify. Once
        an event is keyed, every later one must be (none may slip back to plain SHA-256)."""
        for event in events:
            self.position += 1
            if event.prev_hash != self.expected_prev:
                return ChainBreak(event.id, self.position, "previous-hash link does not match")
            if self.keyed and event.hash_key_id is None:
                return ChainBreak(event.id, self.position, UNKEYED_AFTER_KEYED)
            try:
                digest = event_digest(event)
            except UnknownChainKey:
                return ChainBreak(event.id, self.position, UNKNOWN_KEY)
            if digest != event.hash:
                return ChainBreak(event.id, self.position, "content does not match its hash")
            self.keyed = self.keyed or event.hash_key_id is not None
            self.expected_prev = event.hash
        return None

    def archive_break(self, archive: AuditArchive) -> ChainBreak | None:
        """Walk one archived segment: its files trusted, its start continuing the chain, its
        events verifying, and its count and last hash as its record says."""
        problem = segment_problem(archive)
        if problem is None and archive.first_prev_hash != self.expected_prev:
            problem = SEGMENT_GAP
        if problem is not None:
            return ChainBreak(archive.first_id, self.position + 1, problem)
        started_at = self.position
        broken = self.first_break(segment_events(archive))
        if broken is not None:
            return broken
        if self.position - started_at != archive.events or self.expected_prev != archive.last_hash:
            return ChainBreak(archive.last_id, self.position, SEGMENT_CONTENT)
        return None


def audit_chain_first_break(chunk_size: int = 2000) -> ChainBreak | None:
    """Walk the whole chain in order, the archived segments' files first, then the table; the
    first event (or segment) that does not verify, or None."""
    walk = _Walk()
    for archive in AuditArchive.objects.order_by("first_id"):
        broken = walk.archive_break(archive)
        if broken is not None:
            return broken
    start = chain_start()
    events = (
        AuditEvent.objects.filter(id__gt=start.last_id)
        .order_by("id")
        .iterator(chunk_size=chunk_size)
    )
    return walk.first_break(events)


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
