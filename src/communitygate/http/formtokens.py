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
- The claim is a row (`core.models.FormSubmission`) whose unique `token_digest` is the SHA-256
  of the owner and the token: the signed-in user, or "anonymous" for the public pages (a token
  is 256 random bits, so an anonymous token is nobody else's either). A token seen by someone
  else replays nothing for them. The token itself is never stored.
- The first POST inserts the claim (committed at once: requests run without ATOMIC_REQUESTS); a
  second POST of the same token hits the unique constraint and answers the first's redirect once
  it is recorded, or 409 "still being processed" while the first runs. No waiting, no cache.
- Only a redirect consumes the token. A failed POST (a form error answered 200, a 4xx, an
  exception) deletes its claim (not business data), so the corrected form can be sent again
  with it. (A view that redirects back with an error message does consume it; the page it
  redirects to shows a new form with a new token.)
- A claim still running after `STALE_AFTER` (a worker killed mid-request) is taken over by the
  next POST, with a conditional update so that only one takes it.
- A POST without a token (the API, scripts) runs the view as before; a form that must not run
  without one declares its field `FormTokenField(required=True)`.
- Pages never send Idempotency-Keys: the token guards the form, the key (`core.idempotency`)
  is the API's.
- Claims are technical tokens, not records: `form_submissions_purge` (the daily command
  `communitygate purge_form_submissions`) deletes those older than
  COMMUNITYGATE["FORM_TOKEN_RETENTION_DAYS"] (7 by default), in batches. A page resent after
  that runs its view again, as a form without a token would.
"""

import datetime as dt
import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from communitygate.core import clock
from communitygate.http.models import FormSubmission, FormSubmissionStates

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
STALE_AFTER = 120  # seconds: a worker killed mid-request frees the token after this
PURGE_BATCH = 1000
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,100}")


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
        owner = _owner(request)
        digest = token_digest(owner, token)
        claim = _claim(digest, owner)
        if isinstance(claim, HttpResponse):
            return claim
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            _release(claim)
            raise
        if 300 <= response.status_code < 400 and response.has_header("Location"):
            FormSubmission.objects.filter(pk=claim.pk).update(
                state=FormSubmissionStates.DONE, redirect_url=response["Location"]
            )
        else:
            _release(claim)
        return response

    return wrapper


def token_digest(owner: str, token: str) -> str:
    return hashlib.sha256(f"{owner}:{token}".encode()).hexdigest()


def _posted_token(request: HttpRequest) -> str | None:
    if request.method != "POST":
        return None
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return token


def _owner(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return "anonymous"


def _claim(digest: str, owner: str) -> FormSubmission | HttpResponse:
    """This request's claim on the token, or the answer to give instead of running the view:
    the first POST's redirect, or 409 while it still runs."""
    now = clock.now()
    try:
        # Requests are not wrapped in one transaction (no ATOMIC_REQUESTS), so the claim is
        # committed before the view runs and a concurrent POST meets it; the savepoint keeps a
        # failed insert from spoiling an enclosing transaction (tests run in one).
        with transaction.atomic():
            return FormSubmission.objects.create(
                token_digest=digest, owner=owner, state=FormSubmissionStates.RUNNING, created_at=now
            )
    except IntegrityError:
        pass
    earlier = FormSubmission.objects.filter(token_digest=digest).first()
    if earlier is not None and earlier.state == FormSubmissionStates.DONE:
        return HttpResponseRedirect(earlier.redirect_url)
    if earlier is not None and earlier.created_at < now - dt.timedelta(seconds=STALE_AFTER):
        taken = FormSubmission.objects.filter(
            pk=earlier.pk, state=FormSubmissionStates.RUNNING, created_at=earlier.created_at
        ).update(created_at=now)
        if taken:
            earlier.created_at = now
            return earlier
    return HttpResponse(
        _("This form is still being saved. Wait a moment, then reload the page."),
        status=409,
        content_type="text/plain; charset=utf-8",
    )


def _release(claim: FormSubmission) -> None:
    """Give the token back (the claim is not business data: deleting it is the release)."""
    FormSubmission.objects.filter(
        pk=claim.pk, state=FormSubmissionStates.RUNNING, created_at=claim.created_at
    ).delete()


def form_submissions_purge(*, older_than: dt.timedelta, batch_size: int = PURGE_BATCH) -> int:
    """Delete every claim created more than `older_than` ago, done or abandoned, `batch_size`
    rows per statement (each its own short transaction, so the pages' claims never wait long);
    how many were deleted. The oldest rows have the lowest ids, so each batch is found from the
    start of the primary key without an index on `created_at`."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cutoff = clock.now() - older_than
    deleted = 0
    while True:
        batch = list(
            FormSubmission.objects.filter(created_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return deleted
        # created_at asked again: a claim taken over meanwhile (STALE_AFTER) is young again.
        count, _by_model = FormSubmission.objects.filter(
            pk__in=batch, created_at__lt=cutoff
        ).delete()
        deleted += count
