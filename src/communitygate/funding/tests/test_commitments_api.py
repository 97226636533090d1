"""The commitments' API: recorded (201, Idempotency-Key), renewed (201) and ended through HTTP;
the list's filters (item, payer, status, year) and its fixed lists; refusals as {"code",
"message"} (422 input, 409 overlap or a second end, 403 for who sees but may not act, 404 for
another payer's); the list's query count does not grow with its rows."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communitygate.core import clock
from communitygate.testing import World, make_item, signed_in

from .support import COMMUNITY, MONDAY, OTHER, SIBLING, funded

pytestmark = pytest.mark.django_db

C = "/api/v1/funding/commitments"


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "item": "F-020",
        "payer": "DEPT-MZ",
        "amount": "8000.50",
        "budget_line": "2027年民政专项",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
    }
    values.update(overrides)
    return values


def delegated(world: World, code: str = "F-020") -> None:
    make_item(world, code, item_class="delegated", funding_per_community=Decimal("1"))


def test_the_payer_records_a_commitment_once_per_key(world: World) -> None:
    delegated(world)
    client = signed_in(world.user("department_clerk"))
    answer = post(client, C, body(), **{"Idempotency-Key": "api-c-1"})
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["item"], data["payer"], data["amount"]) == ("F-020", "DEPT-MZ", "8000.50")
    assert (data["basis"], data["status"], data["budget_line"]) == (
        "equal",
        "upcoming",
        "2027年民政专项",
    )
    again = post(client, C, body(), **{"Idempotency-Key": "api-c-1"})
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    reused = post(client, C, body(amount="1.00"), **{"Idempotency-Key": "api-c-1"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    overlap = post(client, C, body(period_start="2027-06-01", period_end=None))
    assert overlap.status_code == 409 and overlap.json()["code"] == "commitment_overlaps"


def test_refusals_answer_code_and_message(world: World) -> None:
    delegated(world)
    office = signed_in(world.user("office_officer"))
    bad = post(office, C, body(amount="0", budget_line=""))
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    other = post(signed_in(world.user("department_clerk_other")), C, body())
    assert other.status_code == 403
    assert post(signed_in(world.user("auditor")), C, body()).status_code == 403
    fixed = post(
        office,
        C,
        body(amount="100.00", basis="fixed", shares=[{"community": COMMUNITY, "amount": "99.99"}]),
    )
    assert fixed.status_code == 422


def test_a_fixed_list_is_recorded_and_shown(world: World) -> None:
    delegated(world)
    shares = [
        {"community": COMMUNITY, "amount": "50.00"},
        {"community": SIBLING, "amount": "30.00"},
        {"community": OTHER, "amount": "20.00"},
    ]
    answer = post(
        signed_in(world.user("office_officer")),
        C,
        body(amount="100.00", basis="fixed", shares=shares),
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["shares"] == sorted(shares, key=lambda s: s["community"])


def test_renew_and_end_through_the_api(world: World) -> None:
    old = funded(world)  # DEPT-MZ, 2025-2026
    clerk = signed_in(world.user("department_clerk"))
    renewed = post(
        clerk,
        f"{C}/{old.pk}/renew",
        {"amount": "11000.00", "budget_line": "2027年预算", "period_end": "2027-12-31"},
    )
    assert renewed.status_code == 201, renewed.json()
    new = renewed.json()
    assert (new["renews"], new["period_start"], new["amount"]) == (old.pk, "2027-01-01", "11000.00")
    twice = post(
        clerk, f"{C}/{old.pk}/renew", {"amount": "1.00", "budget_line": "x", "period_end": None}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "commitment_not_renewable"
    listed = signed_in(world.user("auditor")).get(C).json()
    assert [c["renewed_by"] for c in listed["items"]] == [new["id"], None]
    # The auditor sees but may not end; another department does not see it at all.
    assert (
        post(
            signed_in(world.user("auditor")),
            f"{C}/{new['id']}/end",
            {"ended_on": "2027-03-31", "reason": "x"},
        ).status_code
        == 403
    )
    assert (
        post(
            signed_in(world.user("department_clerk_other")),
            f"{C}/{new['id']}/end",
            {"ended_on": "2027-03-31", "reason": "x"},
        ).status_code
        == 404
    )
    ended = post(clerk, f"{C}/{new['id']}/end", {"ended_on": "2027-03-31", "reason": "预算调整"})
    assert ended.status_code == 200, ended.json()
    assert (ended.json()["ended_on"], ended.json()["period_end"]) == ("2027-03-31", "2027-12-31")
    again = post(clerk, f"{C}/{new['id']}/end", {"ended_on": "2027-02-28", "reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "commitment_not_endable"
    renewed_old = post(
        signed_in(world.user("office_officer")),
        f"{C}/{old.pk}/end",
        {"ended_on": "2026-12-01", "reason": "终止"},
    )
    assert (
        renewed_old.status_code == 409 and renewed_old.json()["code"] == "commitment_not_endable"
    )  # renewed: end the renewal instead


def test_the_list_filters(world: World) -> None:
    a = funded(world, code="F-001", start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 10))
    b = funded(world, code="F-002", start=dt.date(2027, 1, 1), end=None, payer="department_other")
    c = funded(world, code="F-003", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    client = signed_in(world.user("office_officer"))

    def ids(**query: Any) -> list[int]:
        answer = client.get(C, query)
        assert answer.status_code == 200, answer.json()
        return [item["id"] for item in answer.json()["items"]]

    assert ids(item="F-002") == [b.pk]
    assert ids(payer="DEPT-MZ") == [c.pk, a.pk]
    assert ids(status="lapsing") == [a.pk]
    assert ids(status="upcoming") == [b.pk]
    assert ids(status="lapsed") == [c.pk]
    assert ids(year=2024) == [c.pk]
    assert ids(year=2026) == [a.pk]
    assert client.get(C, {"status": "nope"}).status_code == 422
    assert client.get(C, {"year": "x"}).status_code == 422


def test_the_list_costs_the_same_for_many_rows(world: World) -> None:
    funded(world, code="F-001")
    client = signed_in(world.user("auditor"))
    with CaptureQueriesContext(connection) as few:
        client.get(C)
    for n in range(2, 8):
        make_item(world, f"F-10{n}", item_class="delegated", funding_per_community=Decimal("1"))
        post(
            signed_in(world.user("office_officer")),
            C,
            body(
                item=f"F-10{n}",
                basis="fixed",
                amount="10.00",
                shares=[{"community": COMMUNITY, "amount": "10.00"}],
            ),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(C).json()["count"] == 7
    assert len(many) == len(few)
