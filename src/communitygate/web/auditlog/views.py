"""The audit log page (/audit/, namespace `audit`): the events newest first, filtered, with
actions and objects named in the active language and times in Beijing time; and the button
that verifies the whole chain (POST /audit/verify/), whose result is shown as a message."""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import can_read_audit_log
from communitygate.audit.labels import (
    action_label,
    break_reason_label,
    field_label,
    in_language,
    named_by_code,
    object_type_label,
    value_label,
)
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
    reason: str


def shown_value(value: object, object_type: str = "", field: str = "") -> str:
    """A recorded value as a person reads it: a choice's label, yes or no, or as recorded."""
    if value is None or value == "" or isinstance(value, bool | str):
        return value_label(object_type, field, value)
    return json.dumps(value, ensure_ascii=False)


Names = dict[tuple[type[Model], str], str]


def names_of(events: list[AuditEvent]) -> Names:
    """The names of the rows the events' changes keep by code (a matter's category, a
    community), one query per kind of row on the page."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for event in events:
        if not isinstance(event.changes, dict):
            continue
        for field, pair in event.changes.items():
            model = named_by_code(event.object_type, field)
            values = pair if isinstance(pair, list) else [pair]
            if model is not None:
                wanted[model].update(v for v in values if isinstance(v, str) and v)
    names: Names = {}
    for model, codes in wanted.items():
        rows = model._default_manager.filter(code__in=codes).values_list("code", "name")
        names.update(((model, code), name) for code, name in rows)
    return names


def changes_of(changes: object, object_type: str = "", names: Names | None = None) -> list[Change]:
    """{field: [before, after]} as lines, fields, choices and coded rows named in the active
    language; anything else recorded is shown as it is."""
    if not isinstance(changes, dict):
        return [Change("", "", shown_value(changes))] if changes else []
    lines = []
    for field, pair in changes.items():
        label = field_label(object_type, field)
        model = named_by_code(object_type, field)

        def shown(value: object, field: str = field, model: type[Model] | None = model) -> str:
            if model is not None and isinstance(value, str) and (model, value) in (names or {}):
                return (names or {})[(model, value)]
            return shown_value(value, object_type, field)

        if isinstance(pair, list) and len(pair) == 2:
            before, after = (shown(value) for value in pair)
            lines.append(Change(label, before, after))
        else:
            lines.append(Change(label, "", shown(pair)))
    return lines


def event_row(event: AuditEvent, names: Names | None = None) -> EventRow:
    return EventRow(
        event=event,
        action_label=action_label(event.action),
        object_label=object_type_label(event.object_type),
        changes=changes_of(event.changes, event.object_type, names),
        reason=in_language(event.reason),
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
        shown = list(events[window.offset : window.offset + PAGE_SIZE])
        names = names_of(shown)
        rows = [event_row(e, names) for e in shown]
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
