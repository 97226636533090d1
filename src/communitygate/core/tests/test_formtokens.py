"""One-time form tokens: a form posted twice with the same token runs its view once, and the
second answer is the first answer's redirect; failures leave the token usable."""

import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from communitygate.core import formtokens
from communitygate.core.formtokens import (
    FORM_TOKEN_FIELD,
    FormTokenField,
    OneTimeFormMixin,
    new_form_token,
    replay_on_resubmit,
)


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


def test_the_token_is_not_stored_in_the_cache_key() -> None:
    token = new_form_token()
    key = formtokens._cache_key(post({FORM_TOKEN_FIELD: token}), token)
    assert token not in key


def test_a_second_post_while_the_first_still_runs_waits_and_replays_its_answer() -> None:
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
    first = threading.Thread(
        target=lambda: answers.append(slow_view(post({FORM_TOKEN_FIELD: token})))
    )
    first.start()
    assert started.wait(5)
    threading.Timer(0.3, release.set).start()
    second = slow_view(post({FORM_TOKEN_FIELD: token}))
    first.join(5)
    assert runs == [1]
    assert second.status_code == 302
    assert second["Location"] == "/slow/1/"


def test_a_first_post_that_never_finishes_gets_a_409_not_a_second_run(monkeypatch) -> None:
    monkeypatch.setattr(formtokens, "WAIT_FOR_FIRST", 0.2)
    token = new_form_token()
    request = post({FORM_TOKEN_FIELD: token})
    cache.add(formtokens._cache_key(request, token), {"state": "pending"}, 60)
    view, runs = counting_view([HttpResponseRedirect("/done/")])
    answer = view(request)
    assert answer.status_code == 409
    assert runs == []


def test_the_mixin_keeps_the_token_out_of_the_cleaned_data() -> None:
    form = NoteForm({"text": "hello", FORM_TOKEN_FIELD: new_form_token()})
    assert form.is_valid()
    assert form.cleaned_data == {"text": "hello"}
