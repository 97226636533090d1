"""One workflow step from a page (`http.steps.run_step`): the success message or the broken
rule's messages, then back; a refusal of the person is the 403 page, not a message."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest
from django.test import RequestFactory

from communitygate.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    StaleObject,
)
from communitygate.http.steps import run_step


def posted(data: dict[str, str] | None = None) -> HttpRequest:
    request = RequestFactory().post("/somewhere/", data or {})
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def test_success_says_so_and_goes_back() -> None:
    request = posted()
    done: list[int] = []
    answer = run_step(request, lambda: done.append(1), back="/things/1/", done="Done.")
    assert done == [1]
    assert answer.status_code == 302 and answer["Location"] == "/things/1/"
    assert said(request) == [("success", "Done.")]


def test_a_broken_rule_is_its_message_and_goes_back() -> None:
    request = posted()

    def act() -> None:
        raise StaleObject()

    answer = run_step(request, act, back="/things/1/", done="Done.")
    assert answer["Location"] == "/things/1/"
    assert said(request) == [("error", StaleObject().message)]


def test_each_problem_of_an_invalid_input_is_a_message() -> None:
    request = posted()
    problems = [Problem("一", "one", field="a"), Problem("二", "two", field="b")]

    def act() -> None:
        raise InvalidInput(problems)

    run_step(request, act, back="/things/1/", done="Done.")
    assert said(request) == [("error", "一 / one"), ("error", "二 / two")]


def test_the_posted_next_is_followed_when_it_is_a_path_of_this_site() -> None:
    answer = run_step(
        posted({"next": "/list/?page=2"}), lambda: None, back="/x/", done="ok", follow_next=True
    )
    assert answer["Location"] == "/list/?page=2"
    outside = run_step(
        posted({"next": "https://evil.example/"}),
        lambda: None,
        back="/x/",
        done="ok",
        follow_next=True,
    )
    assert outside["Location"] == "/x/"
    ignored = run_step(posted({"next": "/list/"}), lambda: None, back="/x/", done="ok")
    assert ignored["Location"] == "/x/"


def test_a_refusal_of_the_person_propagates_to_the_403_page() -> None:
    request = posted()

    def act() -> None:
        raise PermissionDenied()

    with pytest.raises(PermissionDenied):
        run_step(request, act, back="/things/1/", done="Done.")
    assert said(request) == []


def test_a_missing_object_met_inside_the_step_is_a_message() -> None:
    request = posted()

    def act() -> None:
        raise NotFound("成员", "member")

    answer = run_step(request, act, back="/things/1/", done="Done.")
    assert answer.status_code == 302
    assert said(request) == [("error", NotFound("成员", "member").message)]
