"""A consequential step asks first (issue 13): closing a consultation early, moving a resident
out, publishing a catalog edition or a supervision notice.

The step's own form posts as today. Without `confirmed=yes` in the POST nothing changes: the view
answers `confirm_page`, which says what the step will do (who, which date, how many) and posts
the same input again with `confirmed=yes` — a second step on the server, so it works without JS
and a forged or replayed first POST still changes nothing. A form on that page (an early close's
reason) shows its errors beside its fields, as any form does."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
TEMPLATE = "web/confirm.html"


def is_confirmed(request: HttpRequest) -> bool:
    """Whether the person confirmed on the confirmation page (a POST carrying confirmed=yes)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    facts: Sequence[str],
    action: str,
    back: str,
    button: str,
    hidden: Mapping[str, object] | None = None,
    form: Any = None,
    warning: str = "",
) -> HttpResponse:
    """The page that asks: `title`, the `facts` of what the step will do, a `warning` when it
    cannot be undone, then a form posting to `action` the `hidden` input again (and `form`'s
    fields) with confirmed=yes, and a way back to `back` that changes nothing."""
    return render(
        request,
        TEMPLATE,
        {
            "title": title,
            "facts": facts,
            "warning": warning,
            "action": action,
            "back": back,
            "button": button,
            "hidden": [
                (name, "" if value is None else str(value))
                for name, value in (hidden or {}).items()
            ],
            "form": form,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
    )
