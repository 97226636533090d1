"""GET /api/v1/audit/events: the audit log for the audit bureau only (403 for anyone else signed
in, 401 signed out), newest first, with the page's filters: `actor` (username), `action` (exact,
or a prefix ending in "."), `object` (`type:id` or a type), `since`/`until` (dates in Beijing
time, `until` inclusive). A filter that does not read answers 422 naming it."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from communitygate.accounts.permissions import can_read_audit_log
from communitygate.audit.labels import action_label, object_type_label
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_events_filtered
from communitygate.core.errors import PermissionDenied
from communitygate.core.inputs import Offset
from communitygate.core.paging import page_bounds
from communitygate.web.auditlog.forms import BEIJING, AuditFilterForm, filters_or_invalid

router = Router(tags=["audit"])


class AuditEventQuery(Schema):
    # the filter form's caps (AuditFilterForm): the form reads these
    actor: str = Field("", max_length=150)
    action: str = Field("", max_length=80)
    object: str = Field(
        "", max_length=150, description="type:id (task:12, dispatch.task:12) or a type alone."
    )
    since: str = Field(
        "", max_length=32, description="A date (YYYY-MM-DD), Beijing time, inclusive."
    )
    until: str = Field(
        "", max_length=32, description="A date (YYYY-MM-DD), Beijing time, inclusive."
    )
    limit: int = 50
    offset: Offset = 0


class AuditEventOut(Schema):
    id: int
    at: dt.datetime = Field(description="When, in UTC (ISO 8601).")
    at_beijing: dt.datetime = Field(description="The same moment in Beijing time (UTC+8).")
    actor: str | None = Field(description="The person's username; null for the system.")
    action: str
    action_label: str = Field(description="The action in the request's language.")
    object_type: str
    object_type_label: str
    object_id: str
    object_repr: str
    changes: dict[str, object] = Field(description="{field: [before, after]}.")
    reason: str
    request_id: str
    prev_hash: str
    hash: str


class AuditEventPage(Schema):
    count: int
    items: list[AuditEventOut]


def event_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.pk,
        at=event.occurred_at.astimezone(dt.UTC),
        at_beijing=event.occurred_at.astimezone(BEIJING),
        actor=event.actor_username or None,
        action=event.action,
        action_label=action_label(event.action),
        object_type=event.object_type,
        object_type_label=object_type_label(event.object_type),
        object_id=event.object_id,
        object_repr=event.object_repr,
        changes=event.changes if isinstance(event.changes, dict) else {"": event.changes},
        reason=event.reason,
        request_id=event.request_id,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


@router.get("/audit/events", response=AuditEventPage)
def list_audit_events(request: HttpRequest, query: Query[AuditEventQuery]) -> AuditEventPage:
    """The audit log, newest first (the audit bureau only)."""
    if not can_read_audit_log(request.user):
        raise PermissionDenied(
            "只有审计局可以查阅审计日志。", "Only the audit bureau may read the audit log."
        )
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    form = AuditFilterForm(
        {
            "actor": query.actor,
            "action": query.action,
            "object": query.object,
            "since": query.since,
            "until": query.until,
        }
    )
    events = audit_events_filtered(filters_or_invalid(form))
    return AuditEventPage(
        count=events.count(),
        items=[event_out(e) for e in events[offset : offset + limit]],
    )
