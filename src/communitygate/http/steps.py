"""One workflow step run from a page: act, say what happened, go back.

A page's step form posts to a view that fetches the object (NotFound propagates: 404), then
hands the service call to `run_step`: on success the `done` message, on a broken rule each of
its problems as a message, and in both cases a redirect to `back` (or, with `follow_next`, to the
posted `next` when it is a path of this site). A person who may see the object but not take the
step (PermissionDenied) gets the 403 page (`http.errors`), not a message.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from communitygate.core.errors import RuleBroken
from communitygate.http.pages import rule_broken_to_messages, safe_next


def run_step(
    request: HttpRequest,
    act: Callable[[], object],
    *,
    back: str,
    done: str,
    follow_next: bool = False,
) -> HttpResponse:
    try:
        act()
    except RuleBroken as broken:
        rule_broken_to_messages(request, broken)
    else:
        messages.success(request, done)
    return redirect(safe_next(request, back) if follow_next else back)
