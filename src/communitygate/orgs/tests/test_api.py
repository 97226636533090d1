"""Organisations API: the public list of the organisation tree, its filters and its errors."""

import re
from typing import Any

import pytest
from django.test import Client

from communitygate.orgs.services import organisation_create
from communitygate.testing import ORGS, World

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations"


def codes(answer: dict[str, Any]) -> list[str]:
    return [item["code"] for item in answer["items"]]


def test_list_answers_count_and_every_organisation(client: Client, world: World) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"count", "items"}
    assert answer["count"] == len(ORGS)
    assert sorted(codes(answer)) == sorted(code for _key, code, *_rest in ORGS)


def test_each_item_names_its_parent_by_code(client: Client, world: World) -> None:
    answer = client.get(URL, {"q": "商邱路"}).json()
    [community] = answer["items"]
    assert {"code", "name", "name_en", "kind", "parent"} <= set(community)
    assert community == community | {
        "code": "370203031001",
        "name": "商邱路社区",
        "name_en": "community (test)",
        "kind": "community",
        "parent": "370203031",
    }
    district = client.get(URL, {"kind": "district"}).json()["items"][0]
    assert district["parent"] is None


def test_list_is_in_tree_order(client: Client, world: World) -> None:
    answer = client.get(URL, {"q": "370203031"}).json()
    assert codes(answer) == ["370203031", "370203031001", "370203031002"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "community"}, ["370203014001", "370203031001", "370203031002"]),
        ({"kind": "subdistrict"}, ["370203014", "370203031"]),
        ({"kind": "department"}, ["DEPT-MZ", "DEPT-WJ"]),
        ({"parent": "370203031"}, ["370203031001", "370203031002"]),
        ({"parent": "CMTE"}, ["CMTE-OFFICE"]),
        ({"parent": "NO-SUCH"}, []),
        ({"kind": "community", "parent": "370203014"}, ["370203014001"]),
        ({"q": "洛阳路"}, ["370203031"]),
        ({"q": "卫生"}, ["DEPT-WJ"]),
        ({"q": "DEPT-"}, ["DEPT-MZ", "DEPT-WJ"]),
        ({"q": "subdistrict_other"}, ["370203014"]),
        ({"q": "没有这个机构"}, []),
    ],
)
def test_list_filters_by_kind_parent_and_text(
    client: Client, world: World, params: dict[str, str], expected: list[str]
) -> None:
    answer = client.get(URL, params).json()
    assert sorted(codes(answer)) == expected
    assert answer["count"] == len(expected)


def test_list_pages_with_limit_and_offset(client: Client, world: World) -> None:
    everything = codes(client.get(URL, {"limit": 500}).json())
    first = client.get(URL, {"limit": 5, "offset": 0}).json()
    rest = client.get(URL, {"limit": 500, "offset": 5}).json()
    assert first["count"] == rest["count"] == len(ORGS)
    assert codes(first) + codes(rest) == everything
    assert len(codes(first)) == 5


@pytest.mark.parametrize(
    ("params", "column"),
    [
        ({"kind": "village"}, "kind"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "lots"}, "limit"),
    ],
)
def test_invalid_parameters_answer_422_with_a_bilingual_message(
    client: Client, world: World, params: dict[str, str], column: str
) -> None:
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert re.search(r"[A-Za-z]{3,}", body["message"])
    assert column in {problem["column"] for problem in body["problems"]}


@pytest.mark.parametrize(
    "params",
    [{"q": "\x00"}, {"parent": "37\x00"}, {"offset": str(10**20)}, {"q": "'; DROP TABLE x; --"}],
)
def test_odd_input_never_answers_500(client: Client, world: World, params: dict[str, str]) -> None:
    client.raise_request_exception = False
    response = client.get(URL, params)
    assert response.status_code in {200, 422}
    assert response["Content-Type"].startswith("application/json")


def test_list_needs_no_login(client: Client, world: World) -> None:
    assert client.get(URL).status_code == 200
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer cg_not_a_token").status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_list_query_count_does_not_grow_with_organisations(
    client: Client, world: World, django_assert_max_num_queries: Any, extra: int
) -> None:
    for number in range(extra):
        organisation_create(
            actor=None,
            code=f"370203031{number + 100:03d}",
            name=f"测试社区{number}",
            kind="community",
            parent=world.org("subdistrict"),
        )
    with django_assert_max_num_queries(2):
        answer = client.get(URL, {"limit": 500}).json()
    assert answer["count"] == len(ORGS) + extra
    parents = {item["parent"] for item in answer["items"] if item["kind"] == "community"}
    assert parents == {"370203031", "370203014"}


def test_a_community_s_staff_count_is_listed_empty_meaning_the_default(
    client: Client, world: World
) -> None:
    from communitygate.orgs.services import organisation_update

    organisation_update(actor=None, organisation=world.org("community"), staff_count=6)
    items = {item["code"]: item for item in client.get(URL, {"kind": "community"}).json()["items"]}
    assert items["370203031001"]["staff_count"] == 6
    assert items["370203031002"]["staff_count"] is None
