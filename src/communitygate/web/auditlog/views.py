"""The audit log page (/audit/, namespace `audit`): the events newest first, filtered, with
actions and objects named in the active language and times in Beijing time; and the button
that verifies the whole chain (POST /audit/verify/), whose result is shown as a message."""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import can_read_audit_log
from communitygate.audit.labels import action_label, break_reason_label, object_type_label
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import AuditFilters, audit_events_filtered
from communitygate.audit.services import audit_chain_verify
from communitygate.http.guards import only_for
from communitygate.http.pages import page_window
from communitygate.web.auditlog.forms import AuditFilterForm

PAGE_SIZE = 50


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action_label: str
    object_label: str
    changes: list[Change]


def shown_value(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def changes_of(changes: object) -> list[Change]:
    """{field: [before, after]} as lines; anything else recorded is shown as it is."""
    if not isinstance(changes, dict):
        return [Change("", "", shown_value(changes))] if changes else []
    lines = []
    for field, pair in changes.items():
        if isinstance(pair, list) and len(pair) == 2:
            lines.append(Change(field, shown_value(pair[0]), shown_value(pair[1])))
        else:
            lines.append(Change(field, "", shown_value(pair)))
    return lines


def event_row(event: AuditEvent) -> EventRow:
    return EventRow(
        event=event,
        action_label=action_label(event.action),
        object_label=object_type_label(event.object_type),
        changes=changes_of(event.changes),
    )


@only_for(can_read_audit_log)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    rows: list[EventRow] = []
    count = 0
    window = page_window(request, 0, PAGE_SIZE)
    # Filters that do not read (a date that is not one) are shown beside their fields, over no rows.
    filters = form.filters() if form.is_valid() else None if form.is_bound else AuditFilters()
    if filters is not None:
        events = audit_events_filtered(filters)
        count = events.count()
        window = page_window(request, count, PAGE_SIZE)
        rows = [event_row(e) for e in events[window.offset : window.offset + PAGE_SIZE]]
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "rows": rows,
            "count": count,
            "window": window,
            "query": query.urlencode(),
        },
    )


@only_for(can_read_audit_log)
@require_POST
def chain_verify(request: HttpRequest) -> HttpResponse:
    result = audit_chain_verify(actor=request.user)
    if result.first_break is None:
        messages.success(
            request,
            _("The audit chain is intact: %(count)s events verified.")
            % {"count": result.events_verified},
        )
    else:
        messages.error(
            request,
            _(
                "The audit chain is broken at event #%(id)s (the %(position)s-th in order): "
                "%(reason)s."
            )
            % {
                "id": result.first_break.event_id,
                "position": result.first_break.position,
                "reason": break_reason_label(result.first_break.reason),
            },
        )
    return redirect(reverse("audit:events"))
