"""Every path that takes an Idempotency-Key answers it the same way (`core.idempotency`): the
same key and body give the first answer and one row, the same key with another body is refused
422 `idempotency_key_reused`, and a key of 65 characters is refused 422, never cut."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from communitygate.admissions.models import Application
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.models import Task
from communitygate.matters.models import Matter, MatterChannels
from communitygate.programmes.models import Enrolment
from communitygate.programmes.services.programmes import ProgrammeFields, programme_create
from communitygate.testing import World, build_world, make_item, run_together

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
PHONE = "13912345678"


def _tasks(world: World) -> str:
    make_item(world, "T-001")
    catalog_publish(actor=world.user("office_officer"), title="edition")
    return "/api/v1/tasks"


def _programme(world: World) -> str:
    programme = programme_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        fields=ProgrammeFields(
            title="放学回来吧",
            place="社区活动室",
            capacity=5,
            starts_on=dt.date(2026, 11, 23),
            ends_on=dt.date(2027, 1, 15),
            min_age=None,
            max_age=None,
        ),
    )
    return f"/api/v1/programmes/{programme.pk}/enrolments"


@dataclass(frozen=True)
class KeyedPath:
    """One POST that takes an Idempotency-Key: who sends it, where, and which rows it makes."""

    name: str
    person: str | None  # None: without signing in
    prepare: Callable[[World], str]  # sets the world up, gives the URL
    body: dict[str, Any]
    changed: dict[str, Any]
    rows: Callable[[], int]
    form_encoded: bool = False  # Open311 takes form fields, the others JSON
    extra: dict[str, str] = field(default_factory=dict)

    def post(self, client: Client, url: str, body: dict[str, Any], key: str) -> Any:
        headers = {"Idempotency-Key": key}
        if self.form_encoded:
            return client.post(url, body, headers=headers)
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


PATHS = [
    KeyedPath(
        name="tasks",
        person="department_clerk",
        prepare=_tasks,
        body={
            "item": "T-001",
            "title": "辖区商户消防检查",
            "task_type": "inspection",
            "starts_on": "2026-12-01",
            "due_on": "2026-12-15",
            "targets": {"all": True},
        },
        changed={"title": "另一次检查"},
        rows=Task.objects.count,
    ),
    KeyedPath(
        name="applications",
        person="department_clerk",
        prepare=lambda world: "/api/v1/applications",
        body={
            "applicant": "DEPT-MZ",
            "contact_name": "演示经办人",
            "contact_phone": "0532-80000000",
            "item_name": "协助开展老年人能力评估摸底",
            "item_class": "evaluation",
            "domain": "civil_affairs",
            "legal_basis": "《老年人权益保障法》",
            "necessity": "掌握需求",
            "community_duty": "入户摸底",
            "starts_on": "2027-03-01",
            "estimated_hours": "20",
        },
        changed={"item_name": "另一个事项"},
        rows=Application.objects.count,
    ),
    KeyedPath(
        name="staff matters",
        person="community_worker",
        prepare=lambda world: "/api/v1/matters",
        body={"category": "consultation", "summary": "楼道灯坏了", "phone": PHONE},
        changed={"summary": "另一件事"},
        rows=Matter.objects.count,
    ),
    KeyedPath(
        name="public matters",
        person=None,
        prepare=lambda world: "/api/v1/public/matters",
        body={
            "community": "370203031001",
            "name": "测试居民",
            "phone": PHONE,
            "category": "repair",
            "description": "楼道灯坏了",
        },
        changed={"description": "另一件事"},
        rows=Matter.objects.count,
    ),
    KeyedPath(
        name="open311",
        person=None,
        prepare=lambda world: "/open311/v2/requests.json",
        body={
            "jurisdiction_id": "370203031001",
            "service_code": "repair",
            "description": "楼道灯坏了",
            "first_name": "三丰",
            "last_name": "张",
            "phone": PHONE,
            "address_string": "商邱路3号楼2单元",
        },
        changed={"description": "另一件事"},
        rows=lambda: Matter.objects.filter(channel=MatterChannels.OPEN311).count(),
        form_encoded=True,
    ),
    KeyedPath(
        name="enrolments",
        person="community_worker",
        prepare=_programme,
        body={"child_name": "小强", "guardian_name": "张", "guardian_phone": PHONE},
        changed={"child_name": "小壮"},
        rows=Enrolment.objects.count,
    ),
]


@pytest.fixture(autouse=True)
def monday() -> None:
    clock.pin(MONDAY.astimezone(ZoneInfo("Asia/Shanghai")))
    cache.clear()  # the public paths' throttles


def ready(world: World, path: KeyedPath) -> tuple[Client, str]:
    client = Client()
    if path.person is not None:
        client.force_login(world.user(path.person))
    return client, path.prepare(world)


def code_of(path: KeyedPath, answer: Any) -> str:
    """The error's code: the project's shape, or Open311's (a list of code and description)."""
    body = answer.json()
    if path.form_encoded:
        return str(body[0]["description"])
    return str(body["code"])


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_a_key_of_65_characters_is_refused_422_and_nothing_is_made(
    world: World, path: KeyedPath
) -> None:
    client, url = ready(world, path)
    before = path.rows()
    answer = path.post(client, url, path.body, "k" * 65)
    assert answer.status_code == 422, answer.content
    assert "Idempotency-Key" in answer.content.decode()
    assert path.rows() == before
    # 64 characters is the longest key, taken whole.
    assert path.post(client, url, path.body, "k" * 64).status_code < 300
    assert path.rows() == before + 1


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_the_same_key_and_body_answer_as_the_first_time_with_one_row(
    world: World, path: KeyedPath
) -> None:
    client, url = ready(world, path)
    before = path.rows()
    first = path.post(client, url, path.body, "retry-1")
    again = path.post(client, url, path.body, "retry-1")
    assert first.status_code < 300, first.content
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert path.rows() == before + 1


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_the_same_key_with_another_body_is_refused_422(world: World, path: KeyedPath) -> None:
    client, url = ready(world, path)
    before = path.rows()
    path.post(client, url, path.body, "reused-1")
    answer = path.post(client, url, {**path.body, **path.changed}, "reused-1")
    assert answer.status_code == 422, answer.content
    if path.form_encoded:
        assert "Idempotency-Key" in code_of(path, answer)
    else:
        assert code_of(path, answer) == "idempotency_key_reused"
    assert path.rows() == before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.name)
def test_the_same_key_sent_four_times_at_once_leaves_one_row(
    transactional_db: None, path: KeyedPath
) -> None:
    """Real transactions in parallel threads: the inserts that lose the race on the unique
    constraint answer with the winner's row (on SQLite and PostgreSQL)."""
    world = build_world()
    client, url = ready(world, path)
    before = path.rows()
    answers: list[Any] = []

    def send() -> None:
        answers.append(path.post(client, url, path.body, "at-once-1"))

    _results, errors = run_together([send] * 4)
    assert errors == []
    assert {answer.status_code for answer in answers} == {answers[0].status_code}
    assert answers[0].status_code < 300, answers[0].content
    assert len({json.dumps(answer.json(), sort_keys=True) for answer in answers}) == 1
    assert path.rows() == before + 1
