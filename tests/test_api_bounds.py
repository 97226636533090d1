"""Every length, range and choice the database or a form enforces is in the API's schema and
refused (422, naming the field) before any database sees it; the OpenAPI schema says so for
every operation, so that a new endpoint cannot forget (`test_every_input_the_schema_takes_is_bounded`).
An anonymous write answers 401, not a CSRF 403."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from communitygate.api import api
from communitygate.core.errors import InvalidInput
from communitygate.core.inputs import EARLIEST_DAY, LATEST_DAY
from communitygate.dispatch.models import OffPlatformReport, Task
from communitygate.dispatch.services import off_platform_report_create
from communitygate.matters.models import Matter
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db


def post_json(client: Client, path: str, payload: dict[str, object]) -> Any:
    return client.post(path, data=json.dumps(payload), content_type="application/json")


def refused_fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["message_zh"] and body["message_en"]
    # a schema's refusal names payload.title; a service's, title
    named = (problem.get("column") or problem.get("field") for problem in body["problems"])
    return {name.rsplit(".", 1)[-1] for name in named}


def task(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "department": "DEPT-MZ",
        "title": "入户核查",
        "task_type": "work",
        "starts_on": "2026-12-01",
        "due_on": "2026-12-15",
        "targets": {"all": True},
    }
    values.update(overrides)
    return values


def test_a_10000_character_task_title_is_a_422_and_nothing_is_stored(world: World) -> None:
    client = signed_in(world.user("department_clerk"), raise_request_exception=False)
    response = post_json(client, "/api/v1/tasks", task(title="题" * 10_000))
    assert refused_fields(response) == {"title"}
    assert not Task.objects.exists()


def test_a_title_as_long_as_the_column_is_taken(world: World) -> None:
    client = signed_in(world.user("department_clerk"))
    response = post_json(client, "/api/v1/tasks", task(title="题" * 200))
    assert response.status_code == 201, response.content
    assert Task.objects.get().title == "题" * 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_the_one_range_is_a_422(world: World, day: str) -> None:
    client = signed_in(world.user("department_clerk"))
    response = post_json(client, "/api/v1/tasks", task(due_on=day))
    assert refused_fields(response) == {"due_on"}
    assert not Task.objects.exists()


def report(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "pushed_by": "区民政局王科长",
        "channel": "phone",
        "occurred_on": "2026-11-02",
        "what_was_asked": "要求当天报送低保户名单",
    }
    values.update(overrides)
    return values


def test_a_too_long_pushed_by_is_refused_not_cut(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    response = post_json(client, "/api/v1/off-platform-reports", report(pushed_by="王" * 101))
    assert refused_fields(response) == {"pushed_by"}
    assert not OffPlatformReport.objects.exists()


def test_the_service_refuses_a_too_long_pushed_by_too(world: World) -> None:
    """The page's form and any later caller reach the same rule: nothing is cut silently."""
    with pytest.raises(InvalidInput) as refused:
        off_platform_report_create(
            actor=world.user("community_secretary"),
            community=world.org("community"),
            department=None,
            pushed_by="王" * 101,
            channel="phone",
            occurred_on=EARLIEST_DAY.replace(year=2026),
            what_was_asked="要求报送名单",
        )
    assert [problem.field for problem in refused.value.problems] == ["pushed_by"]
    assert not OffPlatformReport.objects.exists()


def public_matter(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "community": "370203031001",
        "name": "李女士",
        "phone": "13912345678",
        "category": "repair",
        "description": "楼道灯坏了",
    }
    values.update(overrides)
    return values


def test_a_public_matter_longer_than_the_form_takes_is_a_422(world: World) -> None:
    response = post_json(
        Client(), "/api/v1/public/matters", public_matter(description="灯" * 10_000)
    )
    assert refused_fields(response) == {"description"}
    assert not Matter.objects.exists()


def test_a_public_matter_as_long_as_the_form_takes_is_filed(world: World) -> None:
    response = post_json(
        Client(), "/api/v1/public/matters", public_matter(description="灯" * 4_000)
    )
    assert response.status_code == 201, response.content


def test_an_anonymous_api_write_is_a_401_not_a_csrf_403(world: World) -> None:
    response = post_json(Client(enforce_csrf_checks=True), "/api/v1/tasks", task())
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert body["message_zh"] and body["message_en"]
    assert not Task.objects.exists()


def test_a_signed_in_browser_write_without_csrf_is_still_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("department_clerk"))
    response = post_json(client, "/api/v1/tasks", task())
    assert response.status_code == 403, response.content
    assert not Task.objects.exists()


# The schema: a new endpoint cannot forget -----------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def resolved(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def unbounded(node: dict[str, Any], where: str, schema: dict[str, Any]) -> Iterator[str]:
    """Where an input (a string, a date, a number) has no bound in the schema."""
    node = resolved(node, schema)
    branches = node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
    if _decimal(branches):
        return
    for branch in branches:
        yield from unbounded(branch, where, schema)
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "const" not in node:
        if node.get("format") in {"date", "date-time"}:
            if not {"formatMinimum", "formatMaximum"} <= node.keys():
                yield f"{where}: a date without formatMinimum/formatMaximum"
        elif "maxLength" not in node:
            yield f"{where}: a string without maxLength"
    elif kind == "object":
        for name, inner in node.get("properties", {}).items():
            yield from unbounded(inner, f"{where}.{name}", schema)
    elif kind == "array":
        yield from unbounded(node.get("items", {}), f"{where}[]", schema)


def _decimal(branches: list[dict[str, Any]]) -> bool:
    """pydantic writes a Decimal as a number or a string; the number carries the bounds (and
    max_digits refuses a string past them)."""
    kinds = {branch.get("type") for branch in branches} - {"null"}
    numbers = [branch for branch in branches if branch.get("type") == "number"]
    return kinds == {"number", "string"} and all(
        {"minimum", "maximum"} <= branch.keys() for branch in numbers
    )


def bodies_and_parameters(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield f"{name} body", content["schema"]
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    yield f"{name} ?{parameter['name']}", parameter["schema"]


def test_every_string_and_date_a_body_or_query_takes_is_bounded(schema: dict[str, Any]) -> None:
    gaps = [
        gap
        for where, node in bodies_and_parameters(schema)
        for gap in unbounded(node, where, schema)
    ]
    assert gaps == []


def test_the_walk_finds_an_unbounded_string_and_date(schema: dict[str, Any]) -> None:
    """The walk itself is checked: it would see a field that forgot its bound."""
    forgot = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "due_on": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "codes": {"type": "array", "items": {"type": "string", "maxLength": 32}},
        },
    }
    assert list(unbounded(forgot, "body", schema)) == [
        "body.title: a string without maxLength",
        "body.due_on: a date without formatMinimum/formatMaximum",
    ]


def test_the_date_bounds_are_the_ones_refused(schema: dict[str, Any]) -> None:
    starts_on = resolved(schema["components"]["schemas"]["TaskIn"], schema)["properties"][
        "starts_on"
    ]
    assert starts_on["formatMinimum"] == EARLIEST_DAY.isoformat()
    assert starts_on["formatMaximum"] == LATEST_DAY.isoformat()


def test_every_operation_documents_its_error_answers(schema: dict[str, Any]) -> None:
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            expected = {"404", "409", "422", "429"}
            if operation.get("security"):
                expected |= {"401", "403"}
            for status in sorted(expected - {str(code) for code in documented}):
                missing.append(f"{method.upper()} {path} {status}")
            for status in expected:
                error = operation["responses"].get(status) or operation["responses"][int(status)]
                content = error["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}
    assert missing == []
