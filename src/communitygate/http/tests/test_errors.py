"""Domain errors on pages (`http.errors`): each error a view lets through is the site's page
(header and navigation) with its status, the message in Chinese (English when the language
switch chose it) and a way back; the API keeps its own JSON; Django's own 404/403/400 look the
same."""

from typing import ClassVar, cast

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import path

from communitygate import urls as site_urls
from communitygate.core.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleBroken,
    StaleObject,
)
from communitygate.http.errors import DomainErrorPagesMiddleware
from communitygate.testing import World

pytestmark = [pytest.mark.django_db, pytest.mark.urls("communitygate.http.tests.test_errors")]


class TooMany(RuleBroken):
    code = "too_many"
    status: ClassVar[int] = 429

    def __init__(self) -> None:
        super().__init__("请稍后再试。", "Try again later.")


ERRORS: dict[str, RuleBroken] = {
    "not-found": NotFound("任务", "task"),
    "forbidden": PermissionDenied(),
    "conflict": StaleObject(),
    "invalid": InvalidInput([Problem("标题不能为空。", "Give a title.", field="title")]),
    "other": TooMany(),
}


def raising(request: HttpRequest, kind: str) -> HttpResponse:
    raise ERRORS[kind]


def django_refusal(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "forbidden":
        raise DjangoPermissionDenied
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("boom/<str:kind>/", raising),
    path("api/boom/<str:kind>/", raising),
    path("refuse/<str:kind>/", django_refusal),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404
handler403 = site_urls.handler403
handler400 = site_urls.handler400


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_site_page(answer: HttpResponseBase, status: int) -> str:
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("text/html")
    assert isinstance(answer, HttpResponse)
    page = answer.content.decode()
    assert 'class="site-header"' in page and 'class="main-nav"' in page
    assert 'data-testid="error-page"' in page
    return page


@pytest.mark.parametrize(
    ("kind", "status", "chinese", "title"),
    [
        ("not-found", 404, "任务不存在或无权查看。", "页面不存在"),
        ("forbidden", 403, "您的角色无权执行此操作。", "无权操作"),
        ("conflict", 409, "该记录已被他人修改，请刷新后重试。", "现在无法执行此操作"),
        ("invalid", 422, "输入有 1 处错误", "输入有误"),
        ("other", 429, "请稍后再试。", "操作过于频繁"),
    ],
)
def test_each_error_is_the_sites_page_in_chinese(
    kind: str, status: int, chinese: str, title: str
) -> None:
    page = assert_site_page(Client().get(f"/boom/{kind}/"), status)
    assert chinese in page
    assert title in page
    assert " / " not in page.split('data-testid="error-message">')[1].split("<")[0]
    assert 'href="/" data-testid="error-back"' in page


def test_the_problems_of_an_invalid_input_are_listed() -> None:
    page = assert_site_page(Client().get("/boom/invalid/"), 422)
    assert "title 标题不能为空。" in page


def test_english_when_the_switch_chose_it() -> None:
    page = assert_site_page(english(Client()).get("/boom/not-found/"), 404)
    assert "The task does not exist or is not visible to you." in page
    assert "任务不存在" not in page
    page = assert_site_page(english(Client()).get("/boom/invalid/"), 422)
    assert "title Give a title." in page


def test_the_way_back_is_the_referring_page_of_this_site_only() -> None:
    back = Client().get("/boom/forbidden/", HTTP_REFERER="http://testserver/catalog/?page=2")
    assert 'href="http://testserver/catalog/?page=2"' in back.content.decode()
    elsewhere = Client().get("/boom/forbidden/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in elsewhere.content.decode()
    assert 'href="/"' in elsewhere.content.decode()


def test_the_navigation_is_the_signed_in_persons(world: World) -> None:
    client = Client()
    client.force_login(cast(User, world.user("department_clerk")))
    page = assert_site_page(client.get("/boom/not-found/"), 404)
    assert 'data-testid="signed-in-as"' in page


def test_the_api_keeps_its_own_answers(world: World) -> None:
    client = Client()
    client.force_login(cast(User, world.user("department_clerk")))
    answer = client.get("/api/v1/tasks/999999")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "not_found"
    missing = client.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


def test_the_middleware_leaves_api_paths_and_other_exceptions_alone() -> None:
    middleware = DomainErrorPagesMiddleware(lambda request: HttpResponse())
    api_request = RequestFactory().get("/api/boom/not-found/")
    assert middleware.process_exception(api_request, NotFound()) is None
    page_request = RequestFactory().get("/boom/x/")
    assert middleware.process_exception(page_request, ValueError("not ours")) is None


@pytest.mark.parametrize(
    ("url", "status", "chinese"),
    [
        ("/no/such/page/", 404, "该页面不存在，或您无权查看。"),
        ("/refuse/forbidden/", 403, "您的角色无权执行此操作。"),
        ("/refuse/bad/", 400, "请求无效。"),
    ],
)
def test_djangos_own_refusals_have_the_same_look(url: str, status: int, chinese: str) -> None:
    page = assert_site_page(Client().get(url), status)
    assert chinese in page
