"""Recorder functions: the one way to write an audit event (Saleor: one recorder per event).

Call `record_event` inside the service's transaction, so the event commits or rolls back with
the change it describes. Appends are serialised (an advisory lock on PostgreSQL, IMMEDIATE
transactions on SQLite) so that every event chains to exactly one predecessor.
"""

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from communitygate.audit.models import GENESIS_HASH, AuditEvent
from communitygate.core import clock
from communitygate.core.context import current_request_meta
from communitygate.core.crypto import audit_chain_keyring
from communitygate.core.people import AnyUser, acting_user

CHAIN_LOCK_KEY = 7_203_202_014  # any constant; names the advisory lock of the chain head

Changes = dict[str, list[Any]]


def to_json_value(value: object) -> Any:
    """The value as it will read back from the JSON column (Decimal and dates become strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> Changes:
    """{field: [before, after]} for every field whose value differs."""
    keys = sorted(set(before) | set(after))
    return {
        key: [to_json_value(before.get(key)), to_json_value(after.get(key))]
        for key in keys
        if to_json_value(before.get(key)) != to_json_value(after.get(key))
    }


def created_fields(after: Mapping[str, object]) -> Changes:
    return changed_fields({}, after)


class UnknownChainKey(Exception):
    """An event names a hash key that the configured keyring does not hold."""


def event_digest(event: AuditEvent) -> str:
    """The hash of an event: its content and its predecessor's hash, canonically serialised,
    under the HMAC key the event names (plain SHA-256 for an event from before the chain was
    keyed). Raises UnknownChainKey for a key the keyring does not hold."""
    content = event_content(event)
    if event.hash_key_id is None:
        return hashlib.sha256(_canonical(content)).hexdigest()
    key = audit_chain_keyring().keys.get(event.hash_key_id)
    if key is None:
        raise UnknownChainKey(event.hash_key_id)
    content["hash_key_id"] = event.hash_key_id
    return hmac.new(key, _canonical(content), hashlib.sha256).hexdigest()


def event_content(event: AuditEvent) -> dict[str, object]:
    """What an event's hash covers (besides its key id): every recorded field and the link."""
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "reason": event.reason,
        "request_id": event.request_id,
        "source_ip": event.source_ip,
        "prev_hash": event.prev_hash,
    }


def _canonical(content: Mapping[str, object]) -> bytes:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def lock_chain_head() -> None:
    """Serialise appends (and archiving) to the chain, for the caller's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _chain_head_hash() -> str:
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record_event(
    *,
    actor: AnyUser,
    action: str,
    obj: models.Model,
    changes: Changes | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    return _append(
        actor=actor,
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes=changes,
        reason=reason,
    )


def record_operation_event(
    *,
    action: str,
    subject: str,
    subject_id: str,
    changes: Changes | None = None,
    actor: AnyUser = None,
) -> AuditEvent:
    """Append one event about an operation on the installation rather than on one row (a key
    rotation, a verification of the chain): `subject` stands for the object type
    ("core.personal_data_keys", "audit.chain"); `actor` is the person who asked for it, or None
    for a command on the server."""
    return _append(
        actor=actor,
        action=action,
        object_type=subject,
        object_id=subject_id,
        object_repr=subject,
        changes=changes,
        reason="",
    )


def _append(
    *,
    actor: AnyUser,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: Changes | None,
    reason: str,
) -> AuditEvent:
    meta = current_request_meta()
    user = acting_user(actor)
    with transaction.atomic():
        lock_chain_head()
        event = AuditEvent(
            # UTC, as the database gives it back: the hash must verify after a round trip.
            occurred_at=clock.now().astimezone(dt.UTC),
            actor=user,
            actor_username=user.get_username() if user else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=to_json_value(changes or {}),
            reason=reason,
            request_id=meta.request_id,
            source_ip=meta.source_ip,
            prev_hash=_chain_head_hash(),
            hash_key_id=audit_chain_keyring().current_id,
        )
        event.hash = event_digest(event)
        event.save(force_insert=True)
    return event


def record_denial(sender: object, request: Any, rule: str, **kwargs: Any) -> AuditEvent:
    """A refused request (core.denials): who, which page or call, which rule refused it."""
    path = request.path[:300]
    return record_operation_event(
        action="access.denied",
        subject="http.request",
        subject_id=f"{request.method} {path}"[:64],
        changes={"method": [None, request.method], "path": [None, path], "rule": [None, rule]},
        actor=request.user,
    )
