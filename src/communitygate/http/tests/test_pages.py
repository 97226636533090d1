"""What pages share: a list's offset stays within what a database takes, a "go back to" address
stays on this site, and every error of a form or a broken rule reaches the person."""

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import translation

from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from communitygate.core.inputs import MAX_OFFSET
from communitygate.http.pages import (
    PageWindow,
    form_errors_to_messages,
    found_or_none,
    page_window,
    rule_broken_to_form,
    rule_broken_to_messages,
    safe_next,
)

factory = RequestFactory()


def with_messages(request: HttpRequest) -> HttpRequest:
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize(
    ("query", "count", "expected"),
    [
        ("", 120, PageWindow(0, None, 50)),
        ("?offset=0", 50, PageWindow(0, None, None)),
        ("?offset=50", 120, PageWindow(50, 0, 100)),
        ("?offset=100", 120, PageWindow(100, 50, None)),
        ("?offset=30", 120, PageWindow(30, 0, 80)),
        ("?offset=-3", 120, PageWindow(0, None, 50)),
        ("?offset=x", 120, PageWindow(0, None, 50)),
        ("?offset=", 120, PageWindow(0, None, 50)),
        (f"?offset={10**30}", 120, PageWindow(MAX_OFFSET, MAX_OFFSET - 50, None)),
        ("?offset=99999999999999999999", 0, PageWindow(MAX_OFFSET, MAX_OFFSET - 50, None)),
    ],
)
def test_the_page_window_bounds_the_offset(query: str, count: int, expected: PageWindow) -> None:
    assert page_window(factory.get(f"/list/{query}"), count, 50) == expected


def test_a_list_that_is_not_paged_is_its_first_page() -> None:
    window = page_window(factory.get("/list/?offset=50"), 120, 50, paged=False)
    assert window == PageWindow(0, None, 50)


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("/residents/visits/?community=1", "/residents/visits/?community=1"),
        ("", "/fallback/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
    ],
)
def test_safe_next_stays_on_this_site(posted: str, expected: str) -> None:
    request = factory.post("/step/", {"next": posted})
    assert safe_next(request, "/fallback/") == expected


class DayForm(forms.Form):
    day = forms.DateField()
    note = forms.CharField(max_length=3)


def test_every_form_error_becomes_a_message() -> None:
    request = with_messages(factory.post("/step/"))
    form = DayForm({"day": "not a day", "note": "too long"})
    assert not form.is_valid()
    form_errors_to_messages(request, form)
    shown = [str(message) for message in get_messages(request)]
    assert len(shown) == 2
    assert all(isinstance(text, str) and text for text in shown)


def test_a_broken_rule_goes_beside_its_field_or_above_the_form() -> None:
    form: Any = DayForm({"day": "2026-11-23", "note": "ok"})
    assert form.is_valid()
    rule_broken_to_form(
        form,
        InvalidInput(
            [
                Problem("日期不对。", "Wrong day.", field="day"),
                Problem("别的问题。", "Another problem.", field="elsewhere"),
            ]
        ),
    )
    assert form.errors["day"]
    assert len(form.non_field_errors()) == 1


def test_a_refusal_of_the_person_is_never_a_message_or_a_form_error() -> None:
    request = with_messages(factory.post("/"))
    with pytest.raises(PermissionDenied):
        rule_broken_to_messages(request, PermissionDenied())
    form = forms.Form(data={})
    with pytest.raises(PermissionDenied):
        rule_broken_to_form(form, PermissionDenied())
    assert list(get_messages(request)) == []


def test_found_or_none_answers_none_for_what_is_missing_or_hidden() -> None:
    def fetch(pk: int) -> int:
        if pk > 1:
            raise NotFound()
        return pk

    assert found_or_none(fetch, 1) == 1
    assert found_or_none(fetch, 2) is None


def test_every_problem_above_the_form_when_asked() -> None:
    class Titled(forms.Form):
        title = forms.CharField(required=False)

    form = Titled(data={})
    assert form.is_valid()
    rule_broken_to_form(
        form, InvalidInput([Problem("标题", "title", field="title")]), beside_fields=False
    )
    assert form.non_field_errors() == ["标题"]
    assert "title" not in form.errors


def test_a_page_shows_a_problem_in_its_own_language_only() -> None:
    """Chinese pages show the Chinese message, English pages the English one; never "中文 /
    English" (the API alone answers both: core.errors.RuleBroken.as_dict)."""

    class Titled(forms.Form):
        title = forms.CharField(required=False)

    broken = InvalidInput([Problem("请填写标题。", "Give a title.", field="title")])
    with translation.override("zh-hans"):
        chinese = Titled(data={})
        assert chinese.is_valid()
        rule_broken_to_form(chinese, broken)
        request = with_messages(factory.post("/"))
        rule_broken_to_messages(request, NotFound("通报", "notice"))
        said = [str(message) for message in get_messages(request)]
    assert chinese.errors["title"] == ["请填写标题。"]
    assert said == ["通报不存在或无权查看。"]
    with translation.override("en"):
        english = Titled(data={})
        assert english.is_valid()
        rule_broken_to_form(english, broken)
        assert broken.problems[0].page_message == "Give a title."
        request = with_messages(factory.post("/"))
        rule_broken_to_messages(request, NotFound("通报", "notice"))
        said = [str(message) for message in get_messages(request)]
    assert english.errors["title"] == ["Give a title."]
    assert said == ["The notice does not exist or is not visible to you."]
    assert broken.as_dict()["message_zh"] == "输入有 1 处错误，请修改后重新提交。"
    assert broken.problems[0].as_dict()["message"] == "请填写标题。 / Give a title."
