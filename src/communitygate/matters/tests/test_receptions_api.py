"""The walk-in reception API (/api/v1/receptions): the same scope as the pages (a community's staff
their own, a subdistrict's officer its communities, anyone else 404), a day at a time, paged, in
a fixed number of queries; a record goes through the page's service (the same rules, matter and
audit events), keeps the phone sealed and answers it masked; an Idempotency-Key makes a retry
answer the first reception; refusals answer 422 in Chinese and English."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.matters.models import Matter, Reception, ReceptionOutcomes
from communitygate.matters.services.receptions import reception_record
from communitygate.matters.tests.grid_glance import add_household
from communitygate.matters.tests.test_receptions import COMMUNITY, FULL_PHONE, OTHER, intake
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

API = "/api/v1/receptions"


def body(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "community": COMMUNITY,
        "category": "consultation",
        "outcome": "handled",
        "visitor_name": "王阿姨",
        "phone": "139 1234 5678",
        "summary": "咨询养老补贴",
    }
    values.update(overrides)
    return values


def post(client: Client, payload: dict[str, object], key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(API, json.dumps(payload), content_type="application/json", headers=headers)


def problems_of(answer: Any) -> dict[str, dict[str, str]]:
    data = answer.json()
    assert answer.status_code == 422, data
    assert data["code"] == "invalid_input"
    assert data["message_zh"] and data["message_en"]
    found = {}
    for problem in data["problems"]:
        assert problem["message_zh"] and problem["message_en"], problem
        assert problem["message"] == f"{problem['message_zh']} / {problem['message_en']}"
        found[problem["column"]] = problem
    return found


# Recording ---------------------------------------------------------------------------------------


def test_a_visitor_is_recorded_through_the_pages_service_with_the_phone_masked(
    world: World,
) -> None:
    answer = post(signed_in(world.user("community_worker")), body())
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["community"] == COMMUNITY and data["outcome"] == "handled"
    assert data["phone"] == "139****5678" and data["matter"] is None
    assert data["received_by"] == "community_worker"
    assert data["received_on"] == clock.today().isoformat()
    assert not FULL_PHONE.search(answer.content.decode())
    reception = Reception.objects.get(pk=data["id"])
    assert reception.phone_masked == "139****5678"
    assert "13912345678" not in reception.phone_ciphertext
    (event,) = AuditEvent.objects.filter(action="reception.record")
    assert event.changes["phone"] == [None, "139****5678"]
    assert not AuditEvent.objects.filter(action="matter.receive").exists()


def test_a_visit_turned_into_a_matter_records_both_and_their_events(world: World) -> None:
    resident = add_household(world.org("community"), people=(("李大爷", ()),)).residents.get()
    answer = post(
        signed_in(world.user("community_secretary")),
        body(outcome="matter", visitor_name="", phone="", resident=resident.pk, summary="漏水"),
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    matter = Matter.objects.get(tracking_code=data["matter"])
    assert matter.channel == "visit" and matter.summary == "漏水"
    assert data["visitor_name"] == "李大爷" and data["resident"] == resident.pk
    assert AuditEvent.objects.filter(action="reception.record").count() == 1
    assert AuditEvent.objects.filter(action="matter.receive").count() == 1


def test_someone_working_in_one_community_may_leave_it_out(world: World) -> None:
    payload = body()
    del payload["community"]
    answer = post(signed_in(world.user("community_secretary_other")), payload)
    assert answer.status_code == 201, answer.content
    assert answer.json()["community"] == OTHER


def test_only_the_communitys_own_staff_record_its_visitors(world: World) -> None:
    for person in ("community_secretary_other", "subdistrict_officer", "department_clerk"):
        answer = post(signed_in(world.user(person)), body())
        assert answer.status_code == 403, person
        assert answer.json()["message_zh"]
    assert post(Client(), body()).status_code == 401
    assert not Reception.objects.exists()


def test_the_services_refusals_answer_422_all_at_once_in_chinese_and_english(
    world: World,
) -> None:
    answer = post(
        signed_in(world.user("community_worker")),
        body(category="no-such", outcome="matter", visitor_name="", summary="", phone="12345"),
    )
    found = problems_of(answer)
    assert {"category", "visitor_name", "summary", "phone"} <= set(found)
    assert "类别" in found["category"]["message_zh"]
    assert not Reception.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "column", "zh"),
    [
        ({"outcome": "maybe"}, "payload.outcome", "须为以下之一"),
        ({"visitor_name": "名" * 51}, "payload.visitor_name", "不能超过50个字符"),
        ({"summary": "事" * 201}, "payload.summary", "不能超过200个字符"),
        ({"phone": "1" * 31}, "payload.phone", "不能超过30个字符"),
        ({"category": "咨询 类"}, "payload.category", "格式不对"),
        ({"resident": 0}, "payload.resident", "不能小于1"),
        ({"resident": "abc"}, "payload.resident", "须为整数"),
        ({"community": "3" * 33}, "payload.community", "不能超过32个字符"),
    ],
)
def test_the_schemas_bounds_answer_422_in_chinese_and_english(
    world: World, overrides: dict[str, object], column: str, zh: str
) -> None:
    found = problems_of(post(signed_in(world.user("community_worker")), body(**overrides)))
    assert zh in found[column]["message_zh"], found
    assert not Reception.objects.exists()


def test_a_missing_field_is_named(world: World) -> None:
    payload = body()
    del payload["outcome"]
    found = problems_of(post(signed_in(world.user("community_worker")), payload))
    # A body's fields are named under the operation's parameter, as in every API of the project.
    assert found["payload.outcome"]["message_zh"] == "必填。"


def test_an_idempotency_key_answers_the_first_reception_and_no_second_matter(
    world: World,
) -> None:
    client = signed_in(world.user("community_worker"))
    first = post(client, body(outcome="matter"), key="walk-in-1")
    again = post(client, body(outcome="matter"), key="walk-in-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["matter"] == first.json()["matter"]
    assert Reception.objects.count() == 1 and Matter.objects.count() == 1
    assert AuditEvent.objects.filter(action="reception.record").count() == 1
    changed = post(client, body(outcome="matter", summary="另一件事"), key="walk-in-1")
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    # Keys are each person's own: a colleague's same key records their own visitor.
    colleague = post(signed_in(world.user("community_secretary")), body(), key="walk-in-1")
    assert colleague.status_code == 201 and colleague.json()["id"] != first.json()["id"]
    too_long = post(client, body(), key="k" * 65)
    assert "Idempotency-Key" in problems_of(too_long)
    assert Reception.objects.count() == 2
    # The fingerprint is keyed: the full phone cannot be found from it and the mask.
    stored = Reception.objects.get(pk=first.json()["id"]).request_hash
    assert len(stored) == 64 and "13912345678" not in stored


def test_without_a_key_every_post_records_again(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    post(client, body())
    post(client, body())
    assert Reception.objects.count() == 2


# Reading -----------------------------------------------------------------------------------------


def test_the_day_list_is_scoped_paged_masked_and_counts_its_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    reception_record(actor=world.user("community_worker"), intake=intake(phone="13912345678"))
    reception_record(
        actor=world.user("community_secretary_other"),
        intake=intake(community_code=OTHER, summary="外社区来访"),
    )
    worker = signed_in(world.user("community_worker"))
    worker.get(API)
    # The session, the person, the grants, the count, the page.
    with django_assert_num_queries(5):
        answer = worker.get(API)
    data = answer.json()
    assert data["count"] == 1 and data["day"] == clock.today().isoformat()
    assert [item["summary"] for item in data["items"]] == ["咨询医保"]
    assert data["items"][0]["phone"] == "139****5678"
    assert not FULL_PHONE.search(answer.content.decode())
    for n in range(5):
        reception_record(
            actor=world.user("community_worker"),
            intake=intake(outcome=ReceptionOutcomes.MATTER, summary=f"事项{n}"),
        )
    with django_assert_num_queries(5):
        data = worker.get(API).json()
    assert data["count"] == 6 and len(data["items"]) == 6
    paged = worker.get(f"{API}?limit=2&offset=1").json()
    assert paged["count"] == 6
    assert [i["id"] for i in paged["items"]] == [i["id"] for i in data["items"][1:3]]
    officer = signed_in(world.user("subdistrict_officer")).get(API).json()
    assert officer["count"] == 6  # its community's, not another subdistrict's
    assert "外社区来访" not in json.dumps(officer, ensure_ascii=False)
    other = signed_in(world.user("subdistrict_officer_other"))
    assert other.get(f"{API}?community={OTHER}").json()["count"] == 1
    assert other.get(f"{API}?community={COMMUNITY}").json()["count"] == 0


def test_the_list_is_filtered_by_day(world: World) -> None:
    clock.pin(dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC))
    reception_record(actor=world.user("community_worker"), intake=intake(summary="上周五"))
    clock.pin(dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC))
    reception_record(actor=world.user("community_worker"), intake=intake(summary="周一"))
    worker = signed_in(world.user("community_worker"))
    assert [i["summary"] for i in worker.get(API).json()["items"]] == ["周一"]
    friday = worker.get(f"{API}?day=2026-11-20").json()
    assert friday["day"] == "2026-11-20" and [i["summary"] for i in friday["items"]] == ["上周五"]
    assert "day" in problems_of(worker.get(f"{API}?day=1999-12-31"))
    assert "day" in problems_of(worker.get(f"{API}?day=2026-13-01"))
    assert "limit" in problems_of(worker.get(f"{API}?limit=0"))


def test_one_reception_is_read_within_the_scope_only(world: World) -> None:
    mine = reception_record(
        actor=world.user("community_worker"), intake=intake(phone="13912345678")
    )
    for person in ("community_worker", "community_secretary", "subdistrict_officer"):
        answer = signed_in(world.user(person)).get(f"{API}/{mine.pk}")
        assert answer.status_code == 200, person
        assert answer.json()["phone"] == "139****5678"
    for person in ("community_secretary_other", "subdistrict_officer_other", "office_officer"):
        assert signed_in(world.user(person)).get(f"{API}/{mine.pk}").status_code == 404, person
    assert signed_in(world.user("community_worker")).get(f"{API}/999999").status_code == 404


def test_nobody_without_residents_opens_the_list(world: World) -> None:
    for person in ("office_officer", "department_clerk", "inspector", "auditor"):
        answer = signed_in(world.user(person)).get(API)
        assert answer.status_code == 404, person
        assert answer.json()["code"] == "not_found"
    assert Client().get(API).status_code == 401
