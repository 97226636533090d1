"""One-time form tokens: a double submit creates one record, not two.

A person who double-clicks "Save", or presses reload on the page a POST answered, sends the
same form twice. Each form that creates something carries a hidden random token
(`FormTokenField`, or `OneTimeFormMixin` which adds it); the view is wrapped in
`@replay_on_resubmit`. When a POST's token already ran successfully — the view answered with a
redirect — the decorator answers with that same redirect instead of running the view again.

    class DisputeForm(OneTimeFormMixin, forms.Form): ...   # or declare form_token = FormTokenField()

    @login_required
    @replay_on_resubmit
    def dispute_new(request): ...

The mixin keeps the token out of `cleaned_data` (so `service(**form.cleaned_data)` works). A
template that renders its fields one by one must add `{{ form.form_token }}`; one that loops
over the fields renders it with the hidden ones. Put the decorator under `@login_required` and
`@require_POST`, so the replay is for someone the view already let in.

Rules:
- The token → redirect URL is kept in Django's cache (`settings.CACHES`, a file cache shared by
  every process) for `TOKEN_LIFETIME` (24 h), under a key scoped to the signed-in user (or the
  session), so a token seen by someone else replays nothing for them.
- Only a redirect consumes the token. A failed POST (a form error answered 200, a 4xx, an
  exception) leaves it unused, so the corrected form can be sent again with it. (A view that
  redirects back with an error message does consume it; the page it redirects to shows a new
  form with a new token.)
- A POST without a token (the API, scripts, older tests) runs the view as before.
- While the first POST is still running, the second waits up to `WAIT_FOR_FIRST` seconds for its
  answer and then replays it; if the first is still running after that, it answers 409.
  The claim uses `cache.add`, which the file cache does not make atomic across processes: two
  POSTs arriving within the same millisecond on two workers may still both run (services keep
  their own constraints for that).
- The token itself is never stored: the cache key holds its SHA-256.
"""

import functools
import hashlib
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
TOKEN_LIFETIME = 24 * 60 * 60
WAIT_FOR_FIRST = 10.0
_POLL_EVERY = 0.1
_PENDING_LIFETIME = 120  # a worker killed mid-request frees the token after this
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
_PENDING = "pending"


def new_form_token() -> str:
    """A fresh random token (256 bits, URL-safe) for one rendering of a form."""
    return secrets.token_urlsafe(32)


class FormTokenField(forms.CharField):
    """A hidden field whose initial value is a new token each time the form is rendered."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_form_token)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("label", "")
        super().__init__(**kwargs)


class OneTimeFormMixin:
    """Adds the hidden `form_token` field to a form (put it before `forms.Form` in the bases).

    The token is the decorator's business: it is left out of `cleaned_data`, so
    `service(**form.cleaned_data)` keeps working."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FORM_TOKEN_FIELD] = FormTokenField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        if data is None:  # a form's clean() may return None: Django keeps cleaned_data then
            data = self.cleaned_data
        data.pop(FORM_TOKEN_FIELD, None)
        return data


def replay_on_resubmit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a POST whose form token already succeeded with the first answer's redirect."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _posted_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        key = _cache_key(request, token)
        claimed, location = _claim(key)
        if location:
            return HttpResponseRedirect(location)
        if not claimed:
            return HttpResponse(
                _("This form is still being saved. Wait a moment, then reload the page."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            cache.set(key, {"location": response["Location"]}, TOKEN_LIFETIME)
        else:
            cache.delete(key)
        return response

    return wrapper


def _posted_token(request: HttpRequest) -> str | None:
    if request.method != "POST":
        return None
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return token


def _cache_key(request: HttpRequest, token: str) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        owner = f"user-{user.pk}"
    else:
        session = getattr(request, "session", None)
        owner = f"session-{session.session_key}" if session and session.session_key else "anon"
    digest = hashlib.sha256(f"{owner}:{token}".encode()).hexdigest()
    return f"cg:formtoken:{digest}"


def _claim(key: str) -> tuple[bool, str]:
    """(True, "") when this request may run the view; (False, url) to replay; (False, "") when
    the first request is still running after the wait."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        if cache.add(key, {"state": _PENDING}, _PENDING_LIFETIME):
            return True, ""
        entry = cache.get(key)
        if isinstance(entry, dict) and entry.get("location"):
            return False, str(entry["location"])
        if time.monotonic() >= deadline:
            return False, ""
        if entry is not None:
            time.sleep(_POLL_EVERY)
