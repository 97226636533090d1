"""Reads of the audit log: an object's history and the verification of the whole chain."""

from dataclasses import dataclass

from django.db.models import QuerySet

from communitygate.audit.models import GENESIS_HASH, AuditEvent
from communitygate.audit.recorder import event_digest


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    position: int
    reason: str


def audit_events_for(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def audit_chain_first_break(chunk_size: int = 2000) -> ChainBreak | None:
    """Walk the chain in order; the first event whose link or content does not verify, or None."""
    expected_prev = GENESIS_HASH
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size)
    for position, event in enumerate(events, start=1):
        if event.prev_hash != expected_prev:
            return ChainBreak(event.id, position, "previous-hash link does not match")
        if event_digest(event) != event.hash:
            return ChainBreak(event.id, position, "content does not match its hash")
        expected_prev = event.hash
    return None
