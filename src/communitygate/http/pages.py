"""What a page does with its input and its answers: every problem a service or a form listed
reaches the person (a message on the next page, or an error beside the form field it names), a
list's offset stays within what a database takes, and a "go back to" address stays on this site.

A refusal of the person (`PermissionDenied`: they may see the object but not take this step) is
never a message or a form error: the helpers let it through to the 403 page (`http.errors`).
A page that answers "not found" on the page itself (a form error, its own page) asks
`found_or_none` instead of catching NotFound."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied, RuleBroken
from communitygate.core.inputs import MAX_OFFSET
from communitygate.core.paging import page_bounds


def found_or_none[T](fetch: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """What `fetch` finds, or None when it raises NotFound (missing, or not visible)."""
    try:
        return fetch(*args, **kwargs)
    except NotFound:
        return None


def _problems_of(broken: RuleBroken) -> list[tuple[str | None, str]]:
    """(field, message) for each problem, in the page's language only (`page_message`); the
    rule's own message when it lists none. A refusal of the person propagates (the 403 page)."""
    if isinstance(broken, PermissionDenied):
        raise broken
    if isinstance(broken, InvalidInput) and broken.problems:
        return [(problem.field, problem.page_message) for problem in broken.problems]
    return [(None, broken.page_message)]


def rule_broken_to_messages(request: HttpRequest, broken: RuleBroken) -> None:
    for _field, message in _problems_of(broken):
        messages.error(request, message)


def rule_broken_to_form(form: Any, broken: RuleBroken, *, beside_fields: bool = True) -> None:
    """Each problem beside its field when the form has that field, else above the form (every
    problem above the form with `beside_fields=False`: a form that lists them in one place)."""
    for field, message in _problems_of(broken):
        form.add_error(field if beside_fields and field in form.fields else None, message)


def form_errors_to_messages(request: HttpRequest, form: Any) -> None:
    """Every error of a form that is not shown again (a small form posted from another page),
    as a message on the page the person goes back to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@dataclass(frozen=True)
class PageWindow:
    """Where one page of a list starts, and where the previous and next pages start (None when
    there is none)."""

    offset: int
    previous_offset: int | None
    next_offset: int | None


def page_window(request: HttpRequest, count: int, size: int, *, paged: bool = True) -> PageWindow:
    """The page `?offset=` asks for among `count` rows, `size` a page. An offset that is not a
    number or is negative is the first page; one beyond `MAX_OFFSET` is `MAX_OFFSET` (no database
    takes an OFFSET beyond 64 bits: an unbounded one would be a 500). A list that is not paged
    (`paged=False`) is always its first page."""
    offset = 0
    if paged:
        try:
            _limit, offset = page_bounds(size, int(request.GET.get("offset", "0")), size)
        except (ValueError, InvalidInput):
            offset = 0
        offset = min(offset, MAX_OFFSET)
    return PageWindow(
        offset=offset,
        previous_offset=max(offset - size, 0) if offset else None,
        next_offset=offset + size if offset + size < count else None,
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a step posted from a page returns to: the posted `next` when it is a path of this
    site, else `fallback` (never another site: an open redirect)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
