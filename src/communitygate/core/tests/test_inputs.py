"""NUL and other control characters are refused once, at the edge of every request
(`core.inputs.ControlCharactersMiddleware`): pages answer 400 naming the field, the API 422 in
its error shape, Open311 400 in its own; nothing reaches a view, a service or the database."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communitygate.core.inputs import control_character_field, shown

pytestmark = pytest.mark.django_db


def strict() -> Client:
    return Client(raise_request_exception=True)


# (method, path, data, content type or None for a form, the field named)
PAGES: list[tuple[str, str, Any, str]] = [
    ("get", "/catalog/", {"q": "低保\x00"}, "q"),
    ("get", "/catalog/?department=DEPT%00", {}, "department"),
    ("get", "/catalog/items/MZ%00/", {}, "path"),
    ("get", "/residents/matters/", {"text": "水管\x01漏水"}, "text"),
    ("post", "/public/matters/new/", {"summary": "灯\x00坏了", "name": "张三"}, "summary"),
    ("post", "/public/matters/track/", {"tracking_code": "MQ\x00"}, "tracking_code"),
    ("post", "/accounts/login/", {"username": "a", "pass\x00word": "b"}, "pass\\x00word"),
    ("post", "/dispatch/send/", {"title": "x\x1b[31m"}, "title"),
]

API: list[tuple[str, str, Any, str]] = [
    ("get", "/api/v1/catalog/items", {"q": "\x00"}, "q"),
    ("get", "/api/v1/organisations", {"parent": "37\x00"}, "parent"),
    ("get", "/api/v1/catalog/items/MZ%00", {}, "path"),
    ("post", "/api/v1/tasks", {"title": "任务\x00"}, "title"),
    (
        "post",
        "/api/v1/tasks",
        {"title": "任务", "targets": {"mode": "communities", "codes": ["370203", "37\x000"]}},
        "targets.codes.1",
    ),
    ("post", "/api/v1/public/matters", {"summary": "ok", "extra": {"k\x00": 1}}, "extra.k\\x00"),
    ("post", "/api/v1/applications", [{"item_name": "x"}, {"item_name": "y\x07"}], "1.item_name"),
]


@pytest.mark.parametrize(("method", "path", "data", "field"), PAGES)
def test_a_page_answers_400_naming_the_field(
    method: str, path: str, data: dict[str, str], field: str
) -> None:
    response = getattr(strict(), method)(path, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"“{field}”" in text
    assert "控制字符" in text
    assert "control character" in text


@pytest.mark.parametrize(("method", "path", "data", "field"), API)
def test_the_api_answers_422_in_its_error_shape_naming_the_field(
    method: str, path: str, data: Any, field: str
) -> None:
    if method == "get":
        response = strict().get(path, data)
    else:
        response = strict().post(path, json.dumps(data), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "control_character"
    assert body["field"] == field
    assert body["message"] == f"{body['message_zh']} / {body['message_en']}"


def test_open311_answers_400_in_its_own_shape() -> None:
    response = strict().post("/open311/v2/requests.json", {"service_code": "repair\x00"})
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400
    assert error["description"].startswith("service_code: ")


def test_an_uploaded_file_name_with_a_nul_is_refused(rf: Any) -> None:
    # Django's multipart parser already drops unprintable characters from file names; a name
    # that holds one all the same (another parser, a test double) is refused.
    upload = SimpleUploadedFile("目录.csv", b"a,b\n", content_type="text/csv")
    request = rf.post("/catalog/office/import/", {"file": upload})
    assert control_character_field(request) is None
    request.FILES["file"].name = "目录\x00.csv"
    assert control_character_field(request) == "file"


def test_tab_line_feed_and_carriage_return_pass() -> None:
    assert strict().get("/catalog/", {"q": "低保\t救助\r\n"}).status_code == 200
    response = strict().post(
        "/api/v1/public/matters", json.dumps({"summary": "第一行\n第二行"}), "application/json"
    )
    assert response.status_code != 422 or response.json()["code"] != "control_character"


def test_a_body_that_is_not_json_is_left_to_the_api() -> None:
    response = strict().post("/api/v1/tasks", "{not json\x00", content_type="application/json")
    assert response.json()["code"] != "control_character"


def test_shown_writes_control_characters_as_escapes() -> None:
    assert shown("a\x00b\x1fc\td") == "a\\x00b\\x1fc\td"


def test_the_check_walks_every_field(rf: Any) -> None:
    request = rf.post("/x", json.dumps({"a": [1, {"b": None, "c": "ok"}]}), "application/json")
    assert control_character_field(request) is None
    request = rf.post("/x", json.dumps({"a": [1, {"b": None, "c": "\x00"}]}), "application/json")
    assert control_character_field(request) == "a.1.c"
