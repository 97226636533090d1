"""Every API failure answers JSON {"code", "message"} with a 4xx status, even before ninja runs."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message_zh"] and body["message_en"]
    assert body["message"] == f"{body['message_zh']} / {body['message_en']}"


def test_wrong_method_is_a_json_405_with_allow(client: Client) -> None:
    response = client.post("/api/v1/catalog/items")
    assert_error_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_unknown_api_path_is_a_json_404(client: Client) -> None:
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_bad_host_header_is_a_json_400(client: Client) -> None:
    response = client.get("/api/v1/catalog/items", HTTP_HOST="attacker.example")
    assert_error_shape(response, 400, "bad_request")


def test_pages_outside_the_api_keep_html_errors(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_control_character_is_a_json_422_naming_the_field(client: Client) -> None:
    response = client.get("/api/v1/catalog/items", {"q": "低保\x00"})
    assert_error_shape(response, 422, "control_character")
    assert response.json()["field"] == "q"
