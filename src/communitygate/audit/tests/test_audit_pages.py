"""The audit bureau's audit log: the page (/audit/), its filters, the chain verification button,
the API (/api/v1/audit/events), and who may read them (the auditor alone: separation of
duties). Events are recorded through the recorder at pinned moments, so their Beijing times are
known."""

import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import communitygate
from communitygate.audit.labels import ACTION_LABELS, action_label, object_type_label
from communitygate.audit.models import AuditEvent
from communitygate.audit.recorder import record_event, record_operation_event
from communitygate.audit.triggers import drop_append_only_triggers
from communitygate.core import clock
from communitygate.core.workflow import Workflow
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE = "/audit/"
API = "/api/v1/audit/events"


def at_beijing(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BEIJING)


def record_at(moment: dt.datetime, **kwargs: Any) -> AuditEvent:
    clock.pin(moment)
    try:
        if "obj" in kwargs:
            return record_event(**kwargs)
        return record_operation_event(**kwargs)
    finally:
        clock.pin(None)


@pytest.fixture
def events(world: World) -> dict[str, AuditEvent]:
    """Three events after the world's own: a notice published by the office officer (20 Nov,
    10:00 Beijing), a task sent by the department clerk late on 21 Nov (23:30 Beijing, still
    the 21st's afternoon in UTC) and a tag changed by the community worker on 22 Nov."""
    return {
        "notice": record_at(
            at_beijing(20, 10),
            actor=world.users["office_officer"],
            action="notice.publish",
            obj=world.orgs["office"],
            changes={"state": ["approved", "published"]},
            reason="按期发布",
        ),
        "task": record_at(
            at_beijing(21, 23, 30),
            actor=world.users["department_clerk"],
            action="task.send",
            subject="dispatch.task",
            subject_id="12",
            changes={"title": [None, "入户调查"]},
        ),
        "tag": record_at(
            at_beijing(22, 9),
            actor=world.users["community_worker"],
            action="care_tag.change",
            subject="registry.caretag",
            subject_id="3",
            changes={"name": ["独居", "独居老人"]},
        ),
    }


def shown_ids(content: bytes) -> list[int]:
    return [int(found) for found in re.findall(rb'data-testid="event-(\d+)"', content)]


def page_ids(world: World, **query: str) -> list[int]:
    response = signed_in(world.users["auditor"]).get(PAGE, query)
    assert response.status_code == 200
    return shown_ids(response.content)


# The page ----------------------------------------------------------------------------------------


def test_the_auditor_reads_the_log_newest_first_in_chinese_and_beijing_time(
    world: World, events: dict[str, AuditEvent]
) -> None:
    response = signed_in(world.users["auditor"]).get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    ids = shown_ids(response.content)
    assert ids == sorted(ids, reverse=True)
    signing_in = AuditEvent.objects.get(action="account.sign_in", actor_username="auditor")
    assert ids[:4] == [signing_in.pk, events["tag"].pk, events["task"].pk, events["notice"].pk]
    assert "北京时间" in text
    # 23:30 in Beijing on the 21st is 15:30 UTC: the page shows Beijing time.
    assert "2026-11-21 23:30:00" in text
    assert "2026-11-21 15:30:00" not in text
    assert "发布全区通报" in text and "派发任务" in text and "修改关爱标签" in text
    assert "任务 12" in text and "组织机构" in text and "关爱标签 3" in text
    # A model's field by its label; a field the object does not have, as recorded.
    assert "名称: — → 入户调查" in text
    assert "state: approved → published" in text
    assert "按期发布" in text
    assert "no-store" in response["Cache-Control"]


def test_the_page_in_english(world: World, events: dict[str, AuditEvent]) -> None:
    client = signed_in(world.users["auditor"])
    client.cookies["django_language"] = "en"
    text = client.get(PAGE).content.decode()
    assert "Notice published" in text and "Task sent" in text
    assert "Times are Beijing time (UTC+8)." in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "department_clerk"}, ["task"]),
        ({"action": "notice.publish"}, ["notice"]),
        ({"action": "notice."}, ["notice"]),
        ({"action": "notice"}, []),
        ({"action": "care_tag."}, ["tag"]),
        ({"object": "task:12"}, ["task"]),
        ({"object": "dispatch.task:12"}, ["task"]),
        ({"object": "task:13"}, []),
        ({"object": "caretag"}, ["tag"]),
        ({"until": "2026-11-21", "since": "2026-11-20"}, ["task", "notice"]),
        ({"since": "2026-11-21", "until": "2026-11-21"}, ["task"]),
        ({"since": "2026-11-22"}, ["tag"]),
        ({"actor": "office_officer", "action": "notice.", "since": "2026-11-20"}, ["notice"]),
    ],
)
def test_the_filters(
    world: World, events: dict[str, AuditEvent], query: dict[str, str], expected: list[str]
) -> None:
    mine = {event.pk: name for name, event in events.items()}
    ids = page_ids(world, **query)
    if "until" in query:  # the world's own events are recorded at the real moment, later
        assert set(ids) <= set(mine)
    assert [mine[pk] for pk in ids if pk in mine] == expected


def test_a_filter_that_does_not_read_is_shown_beside_its_field(
    world: World, events: dict[str, AuditEvent]
) -> None:
    client = signed_in(world.users["auditor"])
    response = client.get(PAGE, {"since": "yesterday"})
    assert response.status_code == 200
    assert b'data-testid="errors-since"' in response.content
    assert shown_ids(response.content) == []
    response = client.get(PAGE, {"object": "task:"})
    assert b'data-testid="errors-object"' in response.content
    response = client.get(PAGE, {"since": "2026-11-22", "until": "2026-11-21"})
    assert b'data-testid="errors-until"' in response.content


def test_the_page_is_paged(world: World) -> None:
    for number in range(60):
        record_operation_event(action="task.send", subject="dispatch.task", subject_id=str(number))
    client = signed_in(world.users["auditor"])
    first = client.get(PAGE, {"action": "task.send"})
    assert len(shown_ids(first.content)) == 50
    assert b"offset=50" in first.content
    second = client.get(PAGE, {"action": "task.send", "offset": "50"})
    assert len(shown_ids(second.content)) == 10
    assert set(shown_ids(first.content)).isdisjoint(shown_ids(second.content))


def test_the_page_takes_the_same_queries_for_few_events_and_many(world: World) -> None:
    client = signed_in(world.users["auditor"])
    client.get(PAGE)  # the session and the person are warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    for number in range(40):
        record_event(
            actor=world.users["office_officer"],
            action="organisation.update",
            obj=world.orgs["community"],
            changes={"name": [f"旧{number}", f"新{number}"]},
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 12


@pytest.mark.parametrize(
    "person",
    [
        "office_admin",
        "office_officer",
        "committee_member",
        "inspector",
        "department_clerk",
        "no_role",
    ],
)
def test_only_the_auditor_opens_the_page(world: World, person: str) -> None:
    """Separation of duties: the office that runs the system does not read its audit records."""
    user = world.users.get(person)
    if user is None:
        from django.contrib.auth.models import User

        user = User.objects.create_user("nobody-audit", password="x-long-passphrase")
    client = signed_in(user)
    assert client.get(PAGE).status_code == 404
    before = AuditEvent.objects.filter(action="audit.verify").count()
    assert client.post("/audit/verify/").status_code == 404
    assert AuditEvent.objects.filter(action="audit.verify").count() == before
    assert b'data-testid="nav-audit-log"' not in client.get("/").content


def test_signed_out_people_are_sent_to_sign_in(world: World) -> None:
    response = signed_in(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_auditor_finds_the_page_in_the_header(world: World) -> None:
    content = signed_in(world.users["auditor"]).get("/").content.decode()
    assert 'data-testid="nav-audit-log"' in content
    assert "审计日志" in content


# Verifying the chain -------------------------------------------------------------------------------


def test_verifying_an_intact_chain_says_so_and_is_recorded(
    world: World, events: dict[str, AuditEvent]
) -> None:
    client = signed_in(world.users["auditor"])
    count = AuditEvent.objects.count()
    assert client.get("/audit/verify/").status_code == 405
    response = client.post("/audit/verify/", follow=True)
    assert response.redirect_chain == [("/audit/", 302)]
    assert f"审计链完整：{count} 条记录均已核验。" in response.content.decode()
    verified = AuditEvent.objects.get(action="audit.verify")
    assert verified.actor == world.users["auditor"]
    assert verified.object_type == "audit.chain"
    assert verified.changes == {"result": [None, "intact"], "events": [None, count]}
    assert "核验审计链" in response.content.decode()


def test_verifying_a_tampered_chain_names_the_event_where_it_breaks(
    world: World, events: dict[str, AuditEvent]
) -> None:
    target = events["task"]
    position = AuditEvent.objects.filter(id__lte=target.pk).count()
    drop_append_only_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["篡改", target.pk]
        )
    response = signed_in(world.users["auditor"]).post("/audit/verify/", follow=True)
    text = response.content.decode()
    assert f"审计链在第 {position} 条记录（#{target.pk}）处断开：内容与其哈希值不符。" in text
    verified = AuditEvent.objects.get(action="audit.verify")
    assert verified.changes["result"] == [None, "broken"]
    assert verified.changes["broken_at"] == [None, target.pk]


def test_a_deleted_event_breaks_the_chain_at_its_successor(
    world: World, events: dict[str, AuditEvent]
) -> None:
    drop_append_only_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events["task"].pk])
    client = signed_in(world.users["auditor"])
    client.cookies["django_language"] = "en"
    text = client.post("/audit/verify/", follow=True).content.decode()
    assert f"broken at event #{events['tag'].pk}" in text
    assert "its link to the event before it does not match" in text


# The API -------------------------------------------------------------------------------------------


def test_the_api_answers_the_auditor(world: World, events: dict[str, AuditEvent]) -> None:
    response = signed_in(world.users["auditor"]).get(API, {"object": "task:12"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    task = events["task"]
    assert item["id"] == task.pk
    assert item["at"] in ("2026-11-21T15:30:00Z", "2026-11-21T15:30:00+00:00")
    assert item["at_beijing"] == "2026-11-21T23:30:00+08:00"
    assert item["actor"] == "department_clerk"
    assert item["action"] == "task.send"
    assert item["action_label"] == "派发任务"
    assert item["object_type"] == "dispatch.task"
    assert item["object_type_label"] == "任务"
    assert item["object_id"] == "12"
    assert item["changes"] == {"title": [None, "入户调查"]}
    assert item["reason"] == ""
    assert item["hash"] == task.hash
    assert item["prev_hash"] == task.prev_hash
    assert "request_id" in item
    assert "no-store" in response["Cache-Control"]


def test_the_api_filters_and_pages(world: World, events: dict[str, AuditEvent]) -> None:
    client = signed_in(world.users["auditor"])
    body = client.get(API, {"since": "2026-11-20", "until": "2026-11-21"}).json()
    assert [item["id"] for item in body["items"]] == [events["task"].pk, events["notice"].pk]
    body = client.get(API, {"action": "notice.", "actor": "office_officer"}).json()
    assert [item["id"] for item in body["items"]] == [events["notice"].pk]
    everything = client.get(API).json()
    page = client.get(API, {"limit": 1, "offset": 1}).json()
    assert page["count"] == everything["count"]
    assert [item["id"] for item in page["items"]] == [everything["items"][1]["id"]]
    system = client.get(API, {"action": "audit.verify"}).json()
    assert system == {"count": 0, "items": []}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"object": ":12"}, "object"),
        ({"since": "2026-11-22", "until": "2026-11-21"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_a_bad_filter_answers_422_naming_it(
    world: World, query: dict[str, str], field: str
) -> None:
    response = signed_in(world.users["auditor"]).get(API, query)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert [problem["column"] for problem in body["problems"]] == [field]


def test_the_api_refuses_everyone_but_the_auditor(world: World) -> None:
    assert signed_in(None).get(API).status_code == 401
    for person in ("office_admin", "office_officer", "inspector", "community_secretary"):
        response = signed_in(world.users[person]).get(API)
        assert response.status_code == 403, person
        assert response.json()["code"] == "permission_denied"


def test_the_api_takes_the_same_queries_for_few_events_and_many(world: World) -> None:
    client = signed_in(world.users["auditor"])
    client.get(API)
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    for number in range(30):
        record_operation_event(action="task.send", subject="dispatch.task", subject_id=str(number))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(API).json()["items"]) == 50
    assert len(many) == len(few)


# The labels ----------------------------------------------------------------------------------------

SOURCE = Path(communitygate.__file__).parent
WORKFLOW_APPS = ("catalog", "admissions", "dispatch", "matters", "oversight")


def recorded_actions() -> set[str]:
    """Every `<noun>.<verb>` an `action="…"` in the tree records, and every workflow step."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        found.update(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    for app in WORKFLOW_APPS:
        module = importlib.import_module(f"communitygate.{app}.workflow")
        for value in vars(module).values():
            if isinstance(value, Workflow):
                found.update(f"{value.name}.{action}" for action in value.actions)
    # matters.services._setting_save: f"{kind}.{'change' if before else 'create'}"
    found.update(
        f"{kind}.{verb}"
        for kind in ("matter_category", "care_tag")
        for verb in ("create", "change")
    )
    return found


def test_every_action_recorded_in_the_tree_has_a_label() -> None:
    actions = recorded_actions()
    assert len(actions) > 100
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_unknown_actions_and_objects_are_shown_as_recorded() -> None:
    assert action_label("something.new") == "something.new"
    assert object_type_label("elsewhere.thing") == "elsewhere.thing"
    assert object_type_label("dispatch.task") == "任务"
    assert object_type_label("core.personal_data_keys") == "个人信息密钥"
