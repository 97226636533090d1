"""The contracts API's HTTP contract: lists {"count", "items"} scoped to the caller with
amounts as strings and a constant query cost; a draft (201, from a redirected application
too, refusals 422/409, an Idempotency-Key answering the first); sign, accept (evaluation
required, deliverables first), instalments (beyond the amount 409 unless flagged), receipts,
redirected work; a contract the caller may not see is 404, a step they may not take 403."""

import json
from typing import Any

import pytest
from django.test import Client

from communitygate.contracts.services import deliverable_submit
from communitygate.core import clock
from communitygate.testing import World, signed_in

from .support import COMMUNITY, MONDAY, SIBLING, drafted, paid, refused_assignment, signed

pytestmark = pytest.mark.django_db

C = "/api/v1/contracts"


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def draft_body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "number": "API-1",
        "title": "助餐服务",
        "social_org": "SO-1",
        "amount": "1234.50",
        "period_start": "2026-09-01",
        "period_end": "2027-06-30",
        "communities": [COMMUNITY],
        "deliverables": [{"title": "总结报告", "due_on": "2027-06-30"}],
    }
    values.update(overrides)
    return values


def test_a_draft_answers_201_and_a_key_answers_the_first(world: World) -> None:
    client = signed_in(world.user("department_clerk"))
    answer = post(client, C, draft_body(), **{"Idempotency-Key": "k-1"})
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["amount"], data["paid"], data["state"]) == ("1234.50", "0.00", "draft")
    assert data["communities"] == [COMMUNITY]
    assert data["deliverables"][0]["state"] == "due"
    again = post(client, C, draft_body(), **{"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again.json()["id"] == data["id"]
    reused = post(client, C, draft_body(title="别的"), **{"Idempotency-Key": "k-1"})
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_draft_refusals(world: World) -> None:
    client = signed_in(world.user("department_clerk"))
    bad = post(client, C, draft_body(amount="12.345", communities=[]))
    assert bad.status_code == 422
    assert {p["column"] for p in bad.json()["problems"]} == {"amount", "communities"}
    assert post(client, C, draft_body()).status_code == 201
    used = post(client, C, draft_body())
    assert (used.status_code, used.json()["code"]) == (409, "contract_number_used")
    auditor = post(signed_in(world.user("auditor")), C, draft_body(number="A"))
    assert (auditor.status_code, auditor.json()["code"]) == (403, "permission_denied")


def test_lists_are_scoped_and_of_constant_cost(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        signed(world, number=f"MZ-{n}")
    drafted(world, "department_clerk_other", number="WJ-1", community_codes=("370203014001",))
    auditor = signed_in(world.user("auditor"))
    # session, user, grants, the count, the page: whatever the number of contracts
    with django_assert_max_num_queries(5):
        data = auditor.get(C).json()
    assert data["count"] == 4
    assert {item["amount"] for item in data["items"]} == {"20000.00"}
    assert signed_in(world.user("department_clerk")).get(C).json()["count"] == 3
    assert signed_in(world.user("community_secretary_other")).get(C).json()["count"] == 1
    assert signed_in(world.user("no_role")).get(C).json() == {"count": 0, "items": []}
    filtered = auditor.get(f"{C}?buyer=DEPT-WJ&state=draft&year=2027").json()
    assert [item["number"] for item in filtered["items"]] == ["WJ-1"]
    assert Client().get(C).status_code == 401


def test_the_steps_through_the_api(world: World) -> None:
    contract = drafted(world)
    clerk = signed_in(world.user("department_clerk"))
    staff = signed_in(world.user("social_org_staff"))
    path = f"{C}/{contract.pk}"
    assert signed_in(world.user("department_clerk_other")).get(path).status_code == 404
    assert post(staff, f"{path}/sign", {"signed_on": "2026-08-28"}).status_code == 403
    assert post(clerk, f"{path}/sign", {"signed_on": "2026-08-28"}).json()["state"] == "signed"
    early = post(clerk, f"{path}/accept", {"grade": "good", "evaluation": "好"})
    assert (early.status_code, early.json()["code"]) == (409, "deliverables_outstanding")
    contract.refresh_from_db()
    for deliverable in contract.deliverables.all():
        deliverable_submit(actor=world.user("social_org_staff"), deliverable=deliverable, note="交")
    blank = post(clerk, f"{path}/accept", {"grade": "good"})
    assert blank.status_code == 422
    accepted = post(clerk, f"{path}/accept", {"grade": "excellent", "evaluation": "优质"})
    assert (accepted.json()["state"], accepted.json()["evaluation_grade"]) == (
        "accepted",
        "excellent",
    )
    first = post(
        clerk,
        f"{path}/instalments",
        {"amount": "20000.00", "paid_on": "2026-11-20", "voucher_number": "V-1"},
    )
    assert first.status_code == 201
    assert first.json()["amount"] == "20000.00"
    beyond = post(
        clerk,
        f"{path}/instalments",
        {"amount": "1", "paid_on": "2026-11-20", "voucher_number": "V-2"},
    )
    assert (beyond.status_code, beyond.json()["code"]) == (409, "instalment_beyond_amount")
    instalment = first.json()["id"]
    confirm = f"{path}/instalments/{instalment}/confirm-receipt"
    assert post(clerk, confirm, {}).status_code == 403
    assert post(staff, confirm, {}).json()["state"] == "confirmed"
    assert (
        post(signed_in(world.user("auditor")), f"{path}/terminate", {"reason": "x"}).status_code
        == 403
    )


def test_redirected_work_through_the_api(world: World) -> None:
    contract = signed(world)
    assignment = refused_assignment(world)
    clerk = signed_in(world.user("department_clerk"))
    answer = post(clerk, f"{C}/{contract.pk}/redirected-work", {"assignment": assignment.pk})
    assert answer.status_code == 201
    assert answer.json()["community"] == COMMUNITY
    again = post(clerk, f"{C}/{contract.pk}/redirected-work", {"assignment": assignment.pk})
    assert (again.status_code, again.json()["code"]) == (409, "assignment_already_redirected")
    seen = signed_in(world.user("social_org_staff")).get(f"{C}/{contract.pk}").json()
    assert [w["assignment"] for w in seen["redirected_work"]] == [assignment.pk]
    assert SIBLING in seen["communities"]


def test_paid_is_the_sum_of_instalments(world: World) -> None:
    contract = signed(world)
    paid(world, contract, "100.10", "V-1")
    paid(world, contract, "0.40", "V-2")
    data = signed_in(world.user("auditor")).get(f"{C}/{contract.pk}").json()
    assert data["paid"] == "100.50"
