"""One workflow step from a page (`http.steps.run_step`): the success message or the broken
rule's messages, then back; a refusal of the person is the 403 page, not a message. A page's
own form that creates something (`run_create`): created → the message and the new object's
page; a GET, an invalid form or a broken rule → the form again, the rule's problems on it."""

from dataclasses import dataclass

import pytest
from django import forms
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
from communitygate.http.steps import run_create, run_step


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


def test_the_sentence_can_say_what_the_step_returned() -> None:
    request = posted()
    run_step(request, lambda: 3, back="/things/1/", done=lambda number: f"第{number}版已公布。")
    assert said(request) == [("success", "第3版已公布。")]


def test_a_broken_rule_is_its_message_and_goes_back() -> None:
    request = posted()

    def act() -> None:
        raise StaleObject()

    answer = run_step(request, act, back="/things/1/", done="Done.")
    assert answer["Location"] == "/things/1/"
    assert said(request) == [("error", StaleObject().message_zh)]


def test_each_problem_of_an_invalid_input_is_a_message() -> None:
    request = posted()
    problems = [Problem("一", "one", field="a"), Problem("二", "two", field="b")]

    def act() -> None:
        raise InvalidInput(problems)

    run_step(request, act, back="/things/1/", done="Done.")
    assert said(request) == [("error", "一"), ("error", "二")]


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
    assert said(request) == [("error", NotFound("成员", "member").message_zh)]


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


@dataclass
class Thing:
    pk: int
    name: str


def test_a_created_object_is_announced_and_its_page_follows() -> None:
    request = posted({"name": "门"})
    form = NameForm(request.POST)
    answer = run_create(
        request,
        form,
        lambda: Thing(7, form.cleaned_data["name"]),
        success=lambda thing: f"{thing.name} created.",
        redirect_to=lambda thing: f"/things/{thing.pk}/",
    )
    assert answer is not None
    assert answer.status_code == 302 and answer["Location"] == "/things/7/"
    assert said(request) == [("success", "门 created.")]


def test_a_fixed_message_and_address_serve_an_edit_page() -> None:
    request = posted({"name": "门"})
    answer = run_create(
        request, NameForm(request.POST), lambda: None, success="Saved.", redirect_to="/things/1/"
    )
    assert answer is not None and answer["Location"] == "/things/1/"
    assert said(request) == [("success", "Saved.")]


def test_a_get_or_an_invalid_form_creates_nothing_and_shows_the_form() -> None:
    created: list[int] = []
    get = RequestFactory().get("/things/new/")
    assert (
        run_create(get, NameForm(), lambda: created.append(1), success="x", redirect_to="/things/")
        is None
    )
    request = posted({"name": "太长了太长了太长了太长了"})
    form = NameForm(request.POST)
    answer = run_create(
        request, form, lambda: created.append(1), success="x", redirect_to="/things/"
    )
    assert answer is None and created == []
    assert form.errors["name"] and said(request) == []


def test_a_broken_rule_is_on_the_form_beside_its_field_or_above_it() -> None:
    def act() -> None:
        raise InvalidInput([Problem("名称已用", "name taken", field="name")])

    for beside_fields, where in ((True, "name"), (False, "__all__")):
        request = posted({"name": "门"})
        form = NameForm(request.POST)
        answer = run_create(
            request, form, act, success="x", redirect_to="/things/", beside_fields=beside_fields
        )
        assert answer is None
        assert form.errors[where] == ["名称已用"]
        assert said(request) == []


def test_a_refusal_of_the_person_on_a_create_page_is_the_403_page() -> None:
    request = posted({"name": "门"})

    def act() -> None:
        raise PermissionDenied()

    with pytest.raises(PermissionDenied):
        run_create(request, NameForm(request.POST), act, success="x", redirect_to="/things/")


def test_with_back_only_the_input_stays_on_the_form_and_a_moved_record_goes_back() -> None:
    def invalid() -> None:
        raise InvalidInput([Problem("名称已用", "name taken", field="name")])

    def moved_on() -> None:
        raise StaleObject()

    request = posted({"name": "门"})
    form = NameForm(request.POST)
    assert (
        run_create(request, form, invalid, success="x", redirect_to="/x/", back="/thing/") is None
    )
    assert form.errors["name"] == ["名称已用"]

    request = posted({"name": "门"})
    form = NameForm(request.POST)
    answer = run_create(request, form, moved_on, success="x", redirect_to="/x/", back="/thing/")
    assert answer is not None and answer["Location"] == "/thing/"
    assert said(request) == [("error", StaleObject().message_zh)]
    assert not form.errors
