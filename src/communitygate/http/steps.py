"""One workflow step run from a page: act, say what happened, go back.

A page's step form posts to a view that fetches the object (NotFound propagates: 404), then
hands the service call to `run_step`: on success the `done` message, on a broken rule each of
its problems as a message, and in both cases a redirect to `back` (or, with `follow_next`, to the
posted `next` when it is a path of this site). A person who may see the object but not take the
step (PermissionDenied) gets the 403 page (`http.errors`), not a message.

A page whose own form creates or saves something hands its service call to `run_create`: on a
valid POST it runs, and either the person reads the `success` message on the page `redirect_to`
names, or the broken rule's problems stand beside the form's fields and the page shows the form
again. Such a page carries a one-time form token (`http.formtokens`, `@replay_on_resubmit`), so
a double submit gets the first redirect.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from communitygate.core.errors import InvalidInput, RuleBroken
from communitygate.http.pages import rule_broken_to_form, rule_broken_to_messages, safe_next


def run_step[T](
    request: HttpRequest,
    act: Callable[[], T],
    *,
    back: str,
    done: str | Callable[[T], str],
    follow_next: bool = False,
) -> HttpResponse:
    """`done` is the sentence that says what happened, or a function of what `act()` returned
    that writes it (the number a step gave, the state it reached)."""
    try:
        acted = act()
    except RuleBroken as broken:
        rule_broken_to_messages(request, broken)
    else:
        messages.success(request, done(acted) if callable(done) else done)
    return redirect(safe_next(request, back) if follow_next else back)


def run_create[T](
    request: HttpRequest,
    form: Any,
    create: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
    beside_fields: bool = True,
    back: str | None = None,
) -> HttpResponse | None:
    """On a valid POST of `form`, `create()`; then the `success` message (or `success(created)`)
    and a redirect to `redirect_to` (or `redirect_to(created)`, a URL or a URL name). None when
    the page is to show the form: a GET, a form with errors, or a broken rule, whose problems are
    added to the form (`rule_broken_to_form`, `beside_fields` as there).

    With `back`, only the input's problems (InvalidInput) go beside the form; any other broken
    rule (the record moved on meanwhile) is a message on the page `back` names."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        created = create()
    except InvalidInput as broken:
        rule_broken_to_form(form, broken, beside_fields=beside_fields)
        return None
    except RuleBroken as broken:
        if back is None:
            rule_broken_to_form(form, broken, beside_fields=beside_fields)
            return None
        rule_broken_to_messages(request, broken)
        return redirect(back)
    messages.success(request, success(created) if callable(success) else success)
    return redirect(redirect_to(created) if callable(redirect_to) else redirect_to)
