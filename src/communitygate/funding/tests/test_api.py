"""The funding API's HTTP contract, on the database: commitments listed with their amount as a
string of yuan; payments recorded (201, an Idempotency-Key answering the first, a 65-character
key 422), refused as the rules say (beyond the share 409, out of scope 422), confirmed and
disputed by the receiving community; balances per item, community and period; every list scoped
(a department its own, a community its own, the overseers all) and of constant query cost."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communitygate.core import clock
from communitygate.funding.models import Payment
from communitygate.testing import World, signed_in

from .support import COMMUNITY, MONDAY, OTHER, SIBLING, Y2025, funded, paid

pytestmark = pytest.mark.django_db

P = "/api/v1/funding/payments"


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def body(commitment_id: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "commitment": commitment_id,
        "community": COMMUNITY,
        "amount": "1234.50",
        "paid_on": "2026-11-20",
        "voucher_number": "API-1",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    }
    values.update(overrides)
    return values


def test_commitments_are_listed_with_amounts_as_strings(world: World) -> None:
    commitment = funded(world, amount="1234.5")
    funded(world, code="F-002", payer="department_other")
    answer = signed_in(world.user("auditor")).get("/api/v1/funding/commitments")
    assert answer.status_code == 200
    data = answer.json()
    assert data["count"] == 2
    assert data["items"][0] == {
        "id": commitment.pk,
        "item": "F-001",
        "payer": "DEPT-MZ",
        "amount": "1234.50",
        "budget_line": "民政专项",
        "basis": "equal",
        "period_start": "2025-01-01",
        "period_end": "2026-12-31",
        "ended_on": None,
        "end_reason": "",
        "renews": None,
        "renewed_by": None,
        "status": "active",
        "shares": [],
    }
    mine = signed_in(world.user("department_clerk")).get("/api/v1/funding/commitments").json()
    assert [c["item"] for c in mine["items"]] == ["F-001"]
    none = signed_in(world.user("community_secretary")).get("/api/v1/funding/commitments")
    assert none.json() == {"count": 0, "items": []}


def test_a_department_records_a_payment(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("department_clerk"))
    answer = post(client, P, body(commitment.pk), **{"Idempotency-Key": "api-pay-1"})
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["amount"] == "1234.50"
    assert data["state"] == "recorded"
    assert (data["item"], data["payer"], data["community"]) == ("F-001", "DEPT-MZ", COMMUNITY)
    again = post(client, P, body(commitment.pk), **{"Idempotency-Key": "api-pay-1"})
    assert again.status_code == 201
    assert again.json()["id"] == data["id"]
    reused = post(client, P, body(commitment.pk, amount="1.00"), **{"Idempotency-Key": "api-pay-1"})
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    too_long = post(
        client, P, body(commitment.pk, voucher_number="X"), **{"Idempotency-Key": "k" * 65}
    )
    assert too_long.status_code == 422
    assert too_long.json()["problems"][0]["column"] == "Idempotency-Key"
    assert Payment.objects.count() == 1


def test_refusals_answer_their_codes(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("department_clerk"))
    beyond = post(client, P, body(commitment.pk, amount="10000.01"))
    assert (beyond.status_code, beyond.json()["code"]) == (409, "payment_beyond_share")
    period = post(client, P, body(commitment.pk, period_end="2027-01-31"))
    assert (period.status_code, period.json()["code"]) == (422, "period_not_covered")
    floaty = post(client, P, body(commitment.pk, amount="12.345"))
    assert floaty.status_code == 422
    other = post(signed_in(world.user("department_clerk_other")), P, body(commitment.pk))
    assert other.status_code == 404  # another payer's commitment is not found
    missing = post(client, P, body(999999))
    assert missing.status_code == 404
    assert not Payment.objects.exists()


def test_the_community_confirms_or_disputes(world: World) -> None:
    commitment = funded(world)
    first = paid(world, commitment, voucher="A")
    second = paid(world, commitment, voucher="B", amount="10.00")
    secretary = signed_in(world.user("community_secretary"))
    confirmed = post(secretary, f"{P}/{first.pk}/confirm-receipt", {})
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    no_reason = post(secretary, f"{P}/{second.pk}/dispute", {"reason": ""})
    assert no_reason.status_code == 422
    disputed = post(secretary, f"{P}/{second.pk}/dispute", {"reason": "金额不符"})
    assert disputed.json()["state"] == "disputed"
    assert disputed.json()["dispute_reason"] == "金额不符"
    again = post(secretary, f"{P}/{first.pk}/confirm-receipt", {})
    assert (again.status_code, again.json()["code"]) == (409, "payment_step_not_allowed")
    payer = post(signed_in(world.user("department_clerk")), f"{P}/{second.pk}/confirm-receipt", {})
    assert payer.status_code == 403
    stranger = post(
        signed_in(world.user("community_secretary_other")),
        f"{P}/{second.pk}/dispute",
        {"reason": "x"},
    )
    assert stranger.status_code == 404


@pytest.mark.parametrize(
    ("person", "seen"),
    [
        ("auditor", {"A", "B", "C"}),
        ("office_officer", {"A", "B", "C"}),
        ("supervision_head", {"A", "B", "C"}),
        ("department_head", {"A", "B"}),
        ("department_clerk_other", {"C"}),
        ("community_worker", {"A"}),
        ("community_secretary_other", {"C"}),
        ("social_org_staff", set()),
        ("subdistrict_officer", set()),
        ("no_role", set()),
    ],
)
def test_payments_are_scoped(world: World, person: str, seen: set[str]) -> None:
    mz = funded(world)
    wj = funded(world, code="F-002", payer="department_other")
    paid(world, mz, voucher="A")
    paid(world, mz, voucher="B", community=SIBLING)
    paid(world, wj, voucher="C", community=OTHER, person="department_clerk_other")
    answer = signed_in(world.user(person)).get(P).json()
    assert {p["voucher_number"] for p in answer["items"]} == seen
    assert answer["count"] == len(seen)


def test_payments_list_costs_the_same_for_many(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("auditor"))
    paid(world, commitment, voucher="Q1")
    with CaptureQueriesContext(connection) as few:
        client.get(P)
    for n in range(2, 8):
        paid(world, commitment, voucher=f"Q{n}", amount="10.00", community=SIBLING)
    with CaptureQueriesContext(connection) as many:
        assert client.get(P).json()["count"] == 7
    assert len(many) == len(few)


def test_balances(world: World) -> None:
    commitment = funded(world)
    first = paid(world, commitment, amount="4000.00", voucher="A")
    paid(world, commitment, amount="0.50", voucher="B")
    paid(world, commitment, amount="10000.00", voucher="Y", period=Y2025)
    post(signed_in(world.user("community_secretary")), f"{P}/{first.pk}/confirm-receipt", {})
    answer = signed_in(world.user("auditor")).get(
        "/api/v1/funding/balances", {"item": "F-001", "community": COMMUNITY, "period": "2026"}
    )
    assert answer.status_code == 200
    data = answer.json()
    assert (data["count"], data["period_start"], data["period_end"]) == (
        1,
        "2026-01-01",
        "2026-12-31",
    )
    row = data["items"][0]
    assert row == {
        "commitment": commitment.pk,
        "item": "F-001",
        "payer": "DEPT-MZ",
        "community": COMMUNITY,
        "community_name": "商邱路社区",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "share": "10000.00",
        "paid": "4000.50",
        "confirmed": "4000.00",
        "disputed": "0.00",
        "outstanding": "5999.50",
        "due_on": None,  # 2027's holidays are not entered
        "overdue": False,
    }
    last_year = (
        signed_in(world.user("community_worker"))
        .get("/api/v1/funding/balances", {"period": "2025"})
        .json()
    )
    assert [(r["community"], r["outstanding"], r["overdue"]) for r in last_year["items"]] == [
        (COMMUNITY, "0.00", False)
    ]
    bad = signed_in(world.user("auditor")).get("/api/v1/funding/balances", {"period": "2026-13"})
    assert bad.status_code == 422


def test_signed_out_people_get_401(world: World) -> None:
    for path in (P, "/api/v1/funding/balances", "/api/v1/funding/commitments"):
        assert Client().get(path).status_code == 401
