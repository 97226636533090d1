"""One-time form tokens: a form posted twice with the same token runs its view once, and the
second answer is the first answer's redirect; failures leave the token usable. The claim is a
unique row, so a second POST while the first runs is answered 409 at once, with no waiting."""

import datetime as dt
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django import forms
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from communitygate.core import clock
from communitygate.http import formtokens
from communitygate.http.formtokens import (
    FORM_TOKEN_FIELD,
    FormTokenField,
    OneTimeFormMixin,
    new_form_token,
    replay_on_resubmit,
    token_digest,
)
from communitygate.http.models import FormSubmission, FormSubmissionStates

pytestmark = pytest.mark.django_db


class NoteForm(OneTimeFormMixin, forms.Form):
    text = forms.CharField()


class DeclaredForm(forms.Form):
    text = forms.CharField()
    form_token = FormTokenField()


def counting_view(answers: list[HttpResponse]) -> tuple[Callable[..., HttpResponse], list[str]]:
    """A view that records each run and answers with the next of `answers`."""
    runs: list[str] = []

    @replay_on_resubmit
    def view(request: HttpRequest) -> HttpResponse:
        runs.append(request.POST.get("text", ""))
        return answers[min(len(runs), len(answers)) - 1]

    return view, runs


def post(data: dict[str, str], *, user_pk: int = 1) -> HttpRequest:
    request = RequestFactory().post("/residents/things/new/", data)
    request.user = SimpleNamespace(is_authenticated=True, pk=user_pk)  # type: ignore[assignment]
    return request


def test_each_rendering_of_a_form_carries_a_new_hidden_token() -> None:
    first, second = NoteForm().as_p(), NoteForm().as_p()
    assert 'type="hidden" name="form_token"' in first
    assert first != second
    assert 'type="hidden" name="form_token"' in DeclaredForm().as_p()


def test_a_form_posted_with_its_token_keeps_the_token_when_it_shows_errors_again() -> None:
    token = new_form_token()
    form = NoteForm({"text": "", FORM_TOKEN_FIELD: token})
    assert not form.is_valid()
    assert f'value="{token}"' in form.as_p()


def test_a_double_submit_runs_the_view_once_and_replays_its_redirect() -> None:
    view, runs = counting_view([HttpResponseRedirect("/residents/things/7/")])
    token = new_form_token()
    first = view(post({"text": "one", FORM_TOKEN_FIELD: token}))
    second = view(post({"text": "one", FORM_TOKEN_FIELD: token}))
    assert runs == ["one"]
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/residents/things/7/"


def test_a_failed_post_does_not_use_the_token_up() -> None:
    view, runs = counting_view([HttpResponse("form errors"), HttpResponseRedirect("/done/")])
    token = new_form_token()
    assert view(post({"text": "", FORM_TOKEN_FIELD: token})).status_code == 200
    assert view(post({"text": "fixed", FORM_TOKEN_FIELD: token})).status_code == 302
    assert view(post({"text": "fixed", FORM_TOKEN_FIELD: token}))["Location"] == "/done/"
    assert runs == ["", "fixed"]


def test_a_view_that_raises_does_not_use_the_token_up() -> None:
    runs: list[int] = []

    @replay_on_resubmit
    def view(request: HttpRequest) -> HttpResponse:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("database went away")
        return HttpResponseRedirect("/done/")

    token = new_form_token()
    with pytest.raises(RuntimeError):
        view(post({FORM_TOKEN_FIELD: token}))
    assert view(post({FORM_TOKEN_FIELD: token})).status_code == 302
    assert runs == [1, 1]


def test_a_post_without_a_token_runs_every_time() -> None:
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    view(post({"text": "a"}))
    view(post({"text": "a"}))
    view(post({"text": "a", FORM_TOKEN_FIELD: "not a token"}))
    assert runs == ["a", "a", "a"]


def test_a_get_is_never_replayed() -> None:
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    token = new_form_token()
    view(post({FORM_TOKEN_FIELD: token}))
    request = RequestFactory().get("/residents/things/new/", {FORM_TOKEN_FIELD: token})
    request.user = SimpleNamespace(is_authenticated=True, pk=1)  # type: ignore[assignment]
    view(request)
    assert len(runs) == 2


def test_someone_elses_token_replays_nothing_for_you() -> None:
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    token = new_form_token()
    view(post({"text": "mine", FORM_TOKEN_FIELD: token}, user_pk=1))
    view(post({"text": "theirs", FORM_TOKEN_FIELD: token}, user_pk=2))
    assert runs == ["mine", "theirs"]


def test_the_token_itself_is_not_stored() -> None:
    view, _runs = counting_view([HttpResponseRedirect("/done/")])
    token = new_form_token()
    view(post({FORM_TOKEN_FIELD: token}))
    claim = FormSubmission.objects.get()
    assert claim.state == FormSubmissionStates.DONE and claim.redirect_url == "/done/"
    assert claim.token_digest == token_digest("user-1", token)
    assert token not in claim.token_digest


def test_a_failed_post_releases_its_claim() -> None:
    view, _runs = counting_view([HttpResponse("form errors")])
    view(post({FORM_TOKEN_FIELD: new_form_token()}))
    assert not FormSubmission.objects.exists()


def test_a_second_post_while_the_first_still_runs_gets_a_409_then_the_first_answer() -> None:
    token = new_form_token()
    request = post({FORM_TOKEN_FIELD: token})
    FormSubmission.objects.create(
        token_digest=token_digest("user-1", token),
        owner="user-1",
        state=FormSubmissionStates.RUNNING,
        created_at=clock.now(),
    )
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    answer = view(request)
    assert answer.status_code == 409
    assert runs == []
    FormSubmission.objects.update(state=FormSubmissionStates.DONE, redirect_url="/first/7/")
    assert view(post({FORM_TOKEN_FIELD: token}))["Location"] == "/first/7/"
    assert runs == []


def test_a_claim_left_by_a_worker_that_died_is_taken_over() -> None:
    token = new_form_token()
    FormSubmission.objects.create(
        token_digest=token_digest("user-1", token),
        owner="user-1",
        state=FormSubmissionStates.RUNNING,
        created_at=clock.now() - dt.timedelta(seconds=formtokens.STALE_AFTER + 1),
    )
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    assert view(post({"text": "again", FORM_TOKEN_FIELD: token})).status_code == 302
    assert runs == ["again"]
    assert FormSubmission.objects.get().state == FormSubmissionStates.DONE


@pytest.mark.django_db(transaction=True)
def test_posts_of_one_token_at_once_run_the_view_once() -> None:
    """Real transactions in parallel threads: one claim wins, the others answer 409 or the
    redirect, never a second run (on PostgreSQL the losers wait for the winner's insert)."""
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    @replay_on_resubmit
    def slow_view(request: HttpRequest) -> HttpResponse:
        runs.append(1)
        started.set()
        release.wait(5)
        return HttpResponseRedirect("/slow/1/")

    token = new_form_token()
    answers: list[HttpResponse] = []

    def send() -> None:
        try:
            answers.append(slow_view(post({FORM_TOKEN_FIELD: token})))
        finally:
            connection.close()

    first = threading.Thread(target=send)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=send) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)
    release.set()
    first.join(10)
    assert runs == [1]
    assert sorted(answer.status_code for answer in answers) == [302, 409, 409, 409]
    assert slow_view(post({FORM_TOKEN_FIELD: token}))["Location"] == "/slow/1/"
    assert runs == [1]


def test_the_mixin_keeps_the_token_out_of_the_cleaned_data() -> None:
    form = NoteForm({"text": "hello", FORM_TOKEN_FIELD: new_form_token()})
    assert form.is_valid()
    assert form.cleaned_data == {"text": "hello"}
