"""Catalog API: the public reads of published editions, their filters, paging and errors."""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from communitygate.catalog.models import CatalogEdition
from communitygate.catalog.services import (
    catalog_item_create,
    catalog_item_retire,
    catalog_item_revise,
    catalog_publish,
    certificate_rule_create,
    item_fields_of,
    ledger_create,
    negative_list_entry_create,
    negative_list_entry_retire,
)
from communitygate.testing import World, item_fields, make_item

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bilingual(message: str) -> bool:
    """True when the message carries Chinese and English, as every error message must."""
    return bool(re.search(r"[\u4e00-\u9fff]", message) and re.search(r"[A-Za-z]{3,}", message))


def codes(answer: dict[str, Any]) -> list[str]:
    return [item["code"] for item in answer["items"]]


@dataclass
class Published:
    first: CatalogEdition
    second: CatalogEdition


@pytest.fixture
def published(world: World) -> Published:
    """Edition 1: MZ-001, MZ-002, WJ-001. Edition 2: MZ-001 renamed, MZ-002 retired, CG-001 new."""
    office = world.user("office_officer")
    ledger_create(
        actor=office,
        code="TZ-1",
        name="低保台账",
        medium="paper",
        department=world.org("department"),
    )
    assistance = make_item(world, "MZ-001", ledger_codes=("TZ-1",))
    residence = make_item(world, "MZ-002", name="出具居住证明", item_class="certificate")
    make_item(
        world,
        "WJ-001",
        name="组织开展老年人健康体检",
        item_class="delegated",
        domain="health",
        department_code="DEPT-WJ",
        funding_per_community=Decimal("8000"),
    )
    first = catalog_publish(actor=office, title="第一版")
    catalog_item_retire(actor=office, item=residence, reason="社区不再出具")
    catalog_item_revise(
        actor=office,
        item=assistance,
        fields=replace(item_fields_of(assistance), name="协助开展低保入户调查"),
    )
    make_item(world, "CG-001", name="配合开展占道经营巡查", domain="urban_management")
    second = catalog_publish(actor=office, title="第二版")
    return Published(first=first, second=second)


# The item list --------------------------------------------------------------------------------


def test_item_list_answers_count_edition_and_items_of_the_latest_edition(
    client: Client, published: Published
) -> None:
    response = client.get(f"{API}/catalog/items")
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"count", "edition", "items"}
    assert answer["count"] == 3
    assert answer["edition"] == published.second.pk
    assert codes(answer) == ["CG-001", "MZ-001", "WJ-001"]


def test_item_list_names_the_class_key_class_and_carries_department_and_ledgers(
    client: Client, published: Published
) -> None:
    answer = client.get(f"{API}/catalog/items", {"q": "MZ-001"}).json()
    [item] = answer["items"]
    assert item["class"] == "statutory"
    assert "item_class" not in item
    assert item["name"] == "协助开展低保入户调查"
    assert item["domain"] == "civil_affairs"
    assert item["department"] == {"code": "DEPT-MZ", "name": "区民政局"}
    assert item["ledgers"] == [{"code": "TZ-1", "name": "低保台账"}]
    assert item["estimated_hours"] == "40.0"
    assert item["funding_per_community"] is None
    assert item["status"] == "active"


def test_item_edition_is_the_edition_id_the_list_takes(
    client: Client, published: Published
) -> None:
    answer = client.get(f"{API}/catalog/items", {"edition": published.first.pk}).json()
    assert {item["edition"] for item in answer["items"]} == {published.first.pk}
    single = client.get(f"{API}/catalog/items/MZ-001").json()
    assert single["edition"] == published.second.pk


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"class": "delegated"}, ["WJ-001"]),
        ({"class": "statutory"}, ["CG-001", "MZ-001"]),
        ({"domain": "health"}, ["WJ-001"]),
        ({"domain": "urban_management"}, ["CG-001"]),
        ({"department": "DEPT-WJ"}, ["WJ-001"]),
        ({"department": "DEPT-MZ"}, ["CG-001", "MZ-001"]),
        ({"department": "NO-SUCH-DEPT"}, []),
        ({"status": "retired"}, ["MZ-002"]),
        ({"status": "active"}, ["CG-001", "MZ-001", "WJ-001"]),
        ({"include_retired": "true"}, ["CG-001", "MZ-001", "MZ-002", "WJ-001"]),
        ({"class": "statutory", "domain": "civil_affairs"}, ["MZ-001"]),
    ],
)
def test_item_list_filters(
    client: Client, published: Published, params: dict[str, str], expected: list[str]
) -> None:
    answer = client.get(f"{API}/catalog/items", params).json()
    assert codes(answer) == expected
    assert answer["count"] == len(expected)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("低保", ["MZ-001"]),
        ("健康体检", ["WJ-001"]),
        ("巡查", ["CG-001"]),
        ("MZ", ["MZ-001"]),
        ("mz-0", ["MZ-001"]),
        ("WJ-001", ["WJ-001"]),
        ("001", []),
        ("没有这样的事项", []),
    ],
)
def test_item_list_searches_chinese_text_and_code_prefix(
    client: Client, published: Published, q: str, expected: list[str]
) -> None:
    answer = client.get(f"{API}/catalog/items", {"q": q}).json()
    assert codes(answer) == expected


def test_item_list_of_an_older_edition_shows_the_items_as_they_stood_then(
    client: Client, published: Published
) -> None:
    answer = client.get(f"{API}/catalog/items", {"edition": published.first.pk}).json()
    assert answer["edition"] == published.first.pk
    assert codes(answer) == ["MZ-001", "MZ-002", "WJ-001"]
    by_code = {item["code"]: item for item in answer["items"]}
    assert by_code["MZ-001"]["name"] == "协助开展最低生活保障入户调查"
    assert by_code["MZ-002"]["status"] == "active"


def test_item_list_pages_with_limit_and_offset(client: Client, published: Published) -> None:
    first_page = client.get(f"{API}/catalog/items", {"limit": 2, "offset": 0}).json()
    second_page = client.get(f"{API}/catalog/items", {"limit": 2, "offset": 2}).json()
    beyond = client.get(f"{API}/catalog/items", {"limit": 2, "offset": 10}).json()
    assert first_page["count"] == second_page["count"] == beyond["count"] == 3
    assert codes(first_page) == ["CG-001", "MZ-001"]
    assert codes(second_page) == ["WJ-001"]
    assert beyond["items"] == []


def test_item_list_before_any_edition_is_empty(client: Client, world: World) -> None:
    make_item(world, "UNPUBLISHED-1")
    answer = client.get(f"{API}/catalog/items").json()
    assert answer == {"count": 0, "edition": None, "items": []}


def test_item_list_shows_published_items_only_not_the_working_copy(
    client: Client, published: Published, world: World
) -> None:
    make_item(world, "DRAFT-1")
    assert "DRAFT-1" not in codes(client.get(f"{API}/catalog/items").json())
    assert client.get(f"{API}/catalog/items/DRAFT-1").status_code == 404


# One item -------------------------------------------------------------------------------------


def test_item_answers_the_item_as_last_published(client: Client, published: Published) -> None:
    response = client.get(f"{API}/catalog/items/MZ-001")
    assert response.status_code == 200
    item = response.json()
    assert item["code"] == "MZ-001"
    assert item["name"] == "协助开展低保入户调查"
    assert item["class"] == "statutory"
    assert item["legal_basis"] == "《社会救助暂行办法》第十一条"


def test_a_retired_item_stays_readable_with_status_retired(
    client: Client, published: Published
) -> None:
    response = client.get(f"{API}/catalog/items/MZ-002")
    assert response.status_code == 200
    assert response.json()["status"] == "retired"
    assert response.json()["class"] == "certificate"


def test_an_unknown_item_answers_404_not_found_json(client: Client, published: Published) -> None:
    response = client.get(f"{API}/catalog/items/NOPE-404")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found"
    assert bilingual(body["message"])


# Editions and their differences ---------------------------------------------------------------


def test_editions_list_newest_first_with_counts(client: Client, published: Published) -> None:
    answer = client.get(f"{API}/catalog/editions").json()
    assert answer["count"] == 2
    newest, oldest = answer["items"]
    assert (newest["id"], newest["number"], newest["title"]) == (published.second.pk, 2, "第二版")
    assert (newest["item_count"], newest["retired_count"]) == (3, 1)
    assert (oldest["id"], oldest["number"]) == (published.first.pk, 1)
    assert (oldest["item_count"], oldest["retired_count"]) == (3, 0)


def test_edition_diff_lists_added_retired_and_changed_items(
    client: Client, published: Published
) -> None:
    response = client.get(
        f"{API}/catalog/editions/{published.second.pk}/diff",
        {"against": published.first.pk},
    )
    assert response.status_code == 200
    diff = response.json()
    assert diff["edition"] == published.second.pk
    assert diff["against"] == published.first.pk
    assert [row["code"] for row in diff["added"]] == ["CG-001"]
    assert [(row["code"], row["status"]) for row in diff["retired"]] == [("MZ-002", "retired")]
    assert diff["removed"] == []
    [changed] = diff["changed"]
    assert changed["code"] == "MZ-001"
    assert changed["changes"] == {"name": ["协助开展最低生活保障入户调查", "协助开展低保入户调查"]}
    assert diff["count"] == 3


def test_edition_diff_against_itself_is_empty(client: Client, published: Published) -> None:
    diff = client.get(
        f"{API}/catalog/editions/{published.first.pk}/diff", {"against": published.first.pk}
    ).json()
    assert diff["count"] == 0
    assert diff["added"] == diff["retired"] == diff["changed"] == []


@pytest.mark.parametrize("unknown", ["edition", "against"])
def test_edition_diff_with_an_unknown_edition_answers_404(
    client: Client, published: Published, unknown: str
) -> None:
    missing = published.second.pk + 1000
    edition = missing if unknown == "edition" else published.second.pk
    against = missing if unknown == "against" else published.first.pk
    response = client.get(f"{API}/catalog/editions/{edition}/diff", {"against": against})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_edition_diff_without_against_answers_422(client: Client, published: Published) -> None:
    response = client.get(f"{API}/catalog/editions/{published.second.pk}/diff")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_item_list_of_an_unknown_edition_answers_404(client: Client, published: Published) -> None:
    response = client.get(f"{API}/catalog/items", {"edition": published.second.pk + 1000})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# The negative list and the certificate lists --------------------------------------------------


def test_negative_list_shows_active_entries_only(client: Client, world: World) -> None:
    office = world.user("office_officer")
    negative_list_entry_create(
        actor=office, code="NL-1", name="招商引资", reason="不属于社区职责", basis="市北区文件"
    )
    old = negative_list_entry_create(actor=office, code="NL-2", name="旧条目", reason="示例")
    negative_list_entry_retire(actor=office, entry=old, reason="已并入其他条目")
    answer = client.get(f"{API}/catalog/negative-list").json()
    assert answer == {
        "count": 1,
        "items": [
            {"code": "NL-1", "name": "招商引资", "reason": "不属于社区职责", "basis": "市北区文件"}
        ],
    }


def test_certificates_are_listed_by_verdict(client: Client, world: World) -> None:
    office = world.user("office_officer")
    certificate_rule_create(actor=office, code="ZM-1", name="居住证明", verdict="may_issue")
    certificate_rule_create(actor=office, code="ZM-2", name="亲属关系证明", verdict="may_not_issue")
    may = client.get(f"{API}/catalog/certificates", {"verdict": "may_issue"}).json()
    may_not = client.get(f"{API}/catalog/certificates", {"verdict": "may_not_issue"}).json()
    default = client.get(f"{API}/catalog/certificates").json()
    assert codes(may) == ["ZM-1"]
    assert codes(may_not) == ["ZM-2"]
    assert may_not["items"][0]["verdict"] == "may_not_issue"
    assert default == may


# Errors: every failure is JSON with a bilingual message, never a 500 ---------------------------


@pytest.mark.parametrize(
    ("path", "params", "column"),
    [
        ("/catalog/items", {"class": "nonsense"}, "class"),
        ("/catalog/items", {"status": "gone"}, "status"),
        ("/catalog/items", {"domain": "nowhere"}, "domain"),
        ("/catalog/items", {"limit": "0"}, "limit"),
        ("/catalog/items", {"limit": "100000"}, "limit"),
        ("/catalog/items", {"limit": "many"}, "limit"),
        ("/catalog/items", {"offset": "-1"}, "offset"),
        ("/catalog/items", {"edition": "latest"}, "edition"),
        ("/catalog/editions", {"limit": "0"}, "limit"),
        ("/catalog/certificates", {"verdict": "maybe"}, "verdict"),
    ],
)
def test_invalid_parameters_answer_422_json_with_code_and_bilingual_message(
    client: Client, published: Published, path: str, params: dict[str, str], column: str
) -> None:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "invalid_input"
    assert bilingual(body["message"])
    assert column in {problem["column"] for problem in body["problems"]}


@pytest.mark.parametrize(
    "path",
    ["/no/such/path", "/catalog/nothing", "/catalog/items/MZ-001/extra", "/catalog/editions/x/y"],
)
def test_an_unknown_api_path_answers_404_json_not_html(
    client: Client, published: Published, path: str
) -> None:
    response = client.get(f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found"
    assert bilingual(body["message"])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/catalog/items", {"q": "\x00"}),
        ("/catalog/items", {"department": "DEPT\x00"}),
        ("/catalog/items", {"offset": str(10**20)}),
        ("/catalog/items", {"offset": str(2**63 - 1)}),
        ("/catalog/items", {"edition": str(10**20)}),
        ("/catalog/items", {"q": "%' OR 1=1 --"}),
        ("/catalog/items", {"q": "x" * 5000}),
        ("/catalog/items/MZ%00", {}),
        ("/catalog/editions", {"offset": str(10**20)}),
        (f"/catalog/editions/{10**20}/diff", {"against": "1"}),
        ("/catalog/certificates", {"verdict": "\x00"}),
    ],
)
def test_odd_input_never_answers_500(
    client: Client, published: Published, path: str, params: dict[str, str]
) -> None:
    client.raise_request_exception = False
    response = client.get(f"{API}{path}", params)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/catalog/items",
        "/catalog/items/MZ-001",
        "/catalog/editions",
        "/catalog/negative-list",
        "/catalog/certificates",
    ],
)
def test_public_reads_need_no_login_and_ignore_a_bad_token(
    client: Client, published: Published, path: str
) -> None:
    assert client.get(f"{API}{path}").status_code == 200
    assert client.get(f"{API}{path}", HTTP_AUTHORIZATION="Bearer cg_wrong").status_code == 200


# No N+1: the query count does not grow with the number of rows --------------------------------


def publish_items(world: World, count: int) -> CatalogEdition:
    office = world.user("office_officer")
    for number in range(count):
        ledger = ledger_create(
            actor=office, code=f"TZ-{number}", name=f"台账{number}", medium="paper", department=None
        )
        catalog_item_create(
            actor=office, fields=item_fields(f"N-{number:03d}", ledger_codes=(ledger.code,))
        )
    return catalog_publish(actor=office, title=f"{count} 项")


@pytest.mark.parametrize("size", [3, 30])
def test_item_list_query_count_does_not_grow_with_items(
    client: Client, world: World, django_assert_max_num_queries: Any, size: int
) -> None:
    edition = publish_items(world, size)
    with django_assert_max_num_queries(3):
        answer = client.get(f"{API}/catalog/items", {"limit": 500}).json()
    assert answer["count"] == size
    with django_assert_max_num_queries(3):
        answer = client.get(f"{API}/catalog/items", {"edition": edition.pk}).json()
    assert answer["count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_editions_list_query_count_does_not_grow_with_editions(
    client: Client, world: World, django_assert_max_num_queries: Any, size: int
) -> None:
    office = world.user("office_officer")
    for number in range(size):
        make_item(world, f"E-{number:03d}")
        catalog_publish(actor=office, title=f"第{number + 1}版")
    with django_assert_max_num_queries(2):
        answer = client.get(f"{API}/catalog/editions").json()
    assert answer["count"] == size
    assert answer["items"][0]["item_count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_negative_and_certificate_lists_query_count_does_not_grow(
    client: Client, world: World, django_assert_max_num_queries: Any, size: int
) -> None:
    office = world.user("office_officer")
    for number in range(size):
        item = make_item(world, f"ZM-{number:03d}", item_class="certificate")
        certificate_rule_create(
            actor=office,
            code=f"ZM-{number:03d}",
            name=f"证明{number}",
            verdict="may_issue",
            catalog_item=item,
        )
        negative_list_entry_create(actor=office, code=f"NL-{number}", name="某事项", reason="示例")
    with django_assert_max_num_queries(1):
        negative = client.get(f"{API}/catalog/negative-list").json()
    with django_assert_max_num_queries(1):
        certificates = client.get(f"{API}/catalog/certificates").json()
    assert negative["count"] == certificates["count"] == size


# The API's own description --------------------------------------------------------------------


def test_openapi_schema_is_served_and_lists_the_paths(client: Client) -> None:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/catalog/items",
        "/api/v1/catalog/items/{code}",
        "/api/v1/catalog/editions",
        "/api/v1/catalog/editions/{edition_id}/diff",
        "/api/v1/catalog/negative-list",
        "/api/v1/catalog/certificates",
        "/api/v1/organisations",
        "/api/v1/me",
    } <= set(paths)
    item_params = {p["name"] for p in paths["/api/v1/catalog/items"]["get"]["parameters"]}
    assert {"class", "domain", "department", "status", "q", "edition", "limit"} <= item_params


def test_docs_page_uses_only_local_static_assets(client: Client) -> None:
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(asset.startswith("/static/") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_item_list_answer_is_what_its_schema_documents(
    client: Client, published: Published
) -> None:
    """The list skips django-ninja's response validation (core.trusted): its answer must still
    be exactly what ItemPageOut would have produced from the same rows."""
    from communitygate.catalog.api import ItemPageOut

    queries: list[dict[str, Any]] = [
        {},
        {"edition": published.first.pk},
        {"include_retired": "true", "limit": 2},
    ]
    for query in queries:
        answer = client.get(f"{API}/catalog/items", query)
        assert answer["Content-Type"] == "application/json; charset=utf-8"
        body = answer.json()
        assert body["items"], query
        validated = ItemPageOut.model_validate(body).model_dump(by_alias=True, mode="json")
        assert body == validated


def test_item_list_is_cached_per_edition_and_a_new_edition_shows_at_once(
    client: Client, world: World, published: Published, django_assert_max_num_queries: Any
) -> None:
    first = client.get(f"{API}/catalog/items").json()
    with django_assert_max_num_queries(0):  # which edition is the latest, its page: cached
        assert client.get(f"{API}/catalog/items").json() == first
    make_item(world, "ZZ-009", name="新增事项")
    third = catalog_publish(actor=world.user("office_officer"), title="第三版")
    answer = client.get(f"{API}/catalog/items").json()
    assert answer["edition"] == third.pk != first["edition"]
    assert "ZZ-009" in codes(answer)
    assert "ZZ-009" not in codes(
        client.get(f"{API}/catalog/items", {"edition": first["edition"]}).json()
    )
