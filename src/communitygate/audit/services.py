"""The one write the audit bureau makes: verifying the chain (核验审计链). The verification is
itself recorded (`audit.verify` on the subject `audit.chain`), with its result, so that who
checked the log and what they found is on the log too. An intact chain is then anchored: a new
checkpoint (`audit.checkpoints`) is written once the verification's own event is committed."""

from dataclasses import dataclass

from django.db import transaction

from communitygate.audit.checkpoints import checkpoint_write
from communitygate.audit.models import AuditEvent
from communitygate.audit.recorder import Changes, record_operation_event
from communitygate.audit.selectors import ChainBreak, audit_chain_check
from communitygate.core.people import AnyUser

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
