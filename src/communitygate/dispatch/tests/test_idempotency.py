"""A retried POST /api/v1/tasks with the same Idempotency-Key creates nothing new and answers as
the first one did; the same key with a different body is refused. Twenty duplicates in a row,
and twenty at once on real transactions in parallel threads (each with its own connection)."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.dispatch.models import Assignment, Task
from communitygate.testing import World, build_world, make_item, run_together, signed_in

from .test_services import MONDAY, publish

TASKS = "/api/v1/tasks"
DUPLICATES = 20


def body(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "item": "T-001",
        "title": "辖区商户消防检查",
        "instructions": "逐户检查并拍照",
        "task_type": "inspection",
        "starts_on": "2026-12-01",
        "due_on": "2026-12-15",
        "targets": {"all": True},
    }
    values.update(overrides)
    return values


def post(client: Client, payload: dict[str, object], key: str | None = "retry-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        TASKS, data=json.dumps(payload), content_type="application/json", headers=headers
    )


def ready(world: World) -> None:
    clock.pin(MONDAY)
    make_item(world, "T-001")
    publish(world)


def exactly_one_task() -> Task:
    task = Task.objects.get()
    assert Assignment.objects.count() == 3, "the world has three communities, each got one copy"
    assert Assignment.objects.filter(task=task).values("community").distinct().count() == 3
    assert AuditEvent.objects.filter(action="task.send").count() == 1
    return task


@pytest.mark.django_db
class TestSequentialRetries:
    def test_twenty_retries_leave_one_task_and_the_same_answer(self, world: World) -> None:
        ready(world)
        client = signed_in(world.user("department_clerk"))
        answers = [post(client, body()) for _ in range(DUPLICATES)]
        assert {answer.status_code for answer in answers} == {201}
        assert len({json.dumps(answer.json(), sort_keys=True) for answer in answers}) == 1
        task = exactly_one_task()
        assert answers[0].json() == {
            "id": task.pk,
            "admitted": True,
            "reasons": [],
            "assignments": 3,
        }

    def test_an_unadmitted_retry_answers_with_the_same_reasons(self, world: World) -> None:
        ready(world)
        client = signed_in(world.user("department_clerk"))
        answers = [post(client, body(item=None)) for _ in range(DUPLICATES)]
        assert len({json.dumps(answer.json(), sort_keys=True) for answer in answers}) == 1
        assert [r["code"] for r in answers[0].json()["reasons"]] == ["not_in_catalog"]
        exactly_one_task()

    def test_the_same_key_with_a_different_body_is_refused(self, world: World) -> None:
        ready(world)
        client = signed_in(world.user("department_clerk"))
        first = post(client, body())
        for changed in [
            body(title="另一项任务"),
            body(due_on="2026-12-16"),
            body(targets={"communities": ["370203031001"]}),
            body(item=None),
            body(task_type="survey"),
        ]:
            answer = post(client, changed)
            assert answer.status_code == 422, answer.content
            assert answer.json()["code"] == "idempotency_key_reused"
            assert answer.json()["message_zh"] and answer.json()["message_en"]
        assert exactly_one_task().pk == first.json()["id"]

    def test_another_key_or_no_key_sends_again(self, world: World) -> None:
        ready(world)
        client = signed_in(world.user("department_clerk"))
        ids = {
            post(client, body(), key="a").json()["id"],
            post(client, body(), key="b").json()["id"],
            post(client, body(), key=None).json()["id"],
            post(client, body(), key=None).json()["id"],
        }
        assert len(ids) == 4
        assert Task.objects.count() == 4

    def test_a_key_belongs_to_the_person_who_used_it(self, world: World) -> None:
        ready(world)
        clerk = post(signed_in(world.user("department_clerk")), body())
        head = post(signed_in(world.user("department_head")), body())
        assert clerk.json()["id"] != head.json()["id"]
        assert Task.objects.count() == 2


@pytest.mark.django_db(transaction=True)
class TestConcurrentDuplicates:
    @pytest.mark.parametrize("repetition", range(2))
    def test_twenty_at_once_leave_one_task(self, transactional_db: None, repetition: int) -> None:
        world = build_world()
        ready(world)
        clients = [signed_in(world.user("department_clerk")) for _ in range(DUPLICATES)]

        def call(client: Client) -> Callable[[], Any]:
            return lambda: post(client, body(), key=f"together-{repetition}")

        answers, errors = run_together([call(client) for client in clients])
        assert errors == []
        assert [answer.status_code for answer in answers] == [201] * DUPLICATES, [
            answer.content for answer in answers if answer.status_code != 201
        ]
        assert len({answer.json()["id"] for answer in answers}) == 1
        assert len({json.dumps(answer.json(), sort_keys=True) for answer in answers}) == 1
        assert exactly_one_task().pk == answers[0].json()["id"]

    def test_twenty_at_once_with_two_bodies_leave_one_task_and_refuse_the_other_body(
        self, transactional_db: None
    ) -> None:
        world = build_world()
        ready(world)
        payloads = [body(title="甲"), body(title="乙")] * (DUPLICATES // 2)
        clients = [signed_in(world.user("department_clerk")) for _ in payloads]

        def call(client: Client, payload: dict[str, object]) -> Callable[[], Any]:
            return lambda: (payload["title"], post(client, payload, key="shared"))

        answers, errors = run_together(
            [call(client, payload) for client, payload in zip(clients, payloads, strict=True)]
        )
        assert errors == []
        task = exactly_one_task()
        for title, answer in answers:
            if title == task.title:
                assert answer.status_code == 201 and answer.json()["id"] == task.pk
            else:
                assert answer.status_code == 422
                assert answer.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_an_overlong_idempotency_key_is_refused_not_truncated(world, client) -> None:
    from communitygate.catalog.services import catalog_publish
    from communitygate.testing import make_item

    make_item(world, "LONG-1")
    catalog_publish(actor=world.user("office_officer"), title="x")
    client.force_login(world.user("department_clerk"))
    body = {
        "department": "DEPT-MZ",
        "item": "LONG-1",
        "title": "长键",
        "task_type": "work",
        "starts_on": "2026-12-01",
        "due_on": "2026-12-10",
        "targets": {"all": True},
    }
    response = client.post(
        "/api/v1/tasks",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 65},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
