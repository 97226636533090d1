"""A violation is written in the transaction of its cause, once per cause: an unadmitted task
sent through any entry point (the service, the page, the API, the bulk import), also when the
same request is retried one after the other or at the same moment with one Idempotency-Key; an
off-platform report; an inspection finding. An admitted task is none."""

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Task
from communitygate.oversight import receivers
from communitygate.oversight.models import (
    Finding,
    FindingFile,
    Violation,
    ViolationSources,
    ViolationStates,
    WallRecord,
)
from communitygate.oversight.selectors import violation_communities
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionClosed,
    InspectionRequest,
    finding_record,
    inspection_complete,
    inspection_plan,
)
from communitygate.testing import (
    World,
    build_world,
    image_bytes,
    run_together,
    signed_in,
    task_form_confirmed,
)

from .support import (
    COMMUNITY,
    MONDAY,
    OTHER,
    SIBLING,
    TODAY,
    UNADMITTED,
    UNADMITTED_REASONS,
    publish_catalog,
    report,
    send_admitted,
    send_unadmitted,
)

pytestmark = pytest.mark.django_db

ALL_COMMUNITIES = sorted([COMMUNITY, SIBLING, OTHER])
PNG = image_bytes("PNG")


@pytest.fixture
def catalog(world: World) -> World:
    clock.pin(MONDAY)
    publish_catalog(world)
    return world


def the_violation_of(task: Task, reasons: list[str] = UNADMITTED_REASONS) -> Violation:
    """The one violation of an unadmitted task, and everything it must say."""
    violation = Violation.objects.get()
    assert violation.task_id == task.pk
    assert violation.source == ViolationSources.UNADMITTED_TASK
    assert violation.state == ViolationStates.OPEN
    assert violation.department is not None and violation.department.code == "DEPT-WJ"
    assert violation.reasons == task.reasons
    assert [reason["code"] for reason in violation.reasons] == reasons
    assert violation.summary == UNADMITTED["title"]
    assert violation.occurred_on == TODAY
    assert [c.code for c in violation_communities(violation)] == ALL_COMMUNITIES
    event = AuditEvent.objects.get(action="violation.record")
    assert event.object_id == str(violation.pk)
    assert event.changes["source"] == [None, "unadmitted_task"]
    return violation


# The service ----------------------------------------------------------------------------------


def test_an_unadmitted_task_is_one_violation_with_the_gates_reasons(catalog: World) -> None:
    task = send_unadmitted(catalog)
    assert not task.admitted
    the_violation_of(task)


def test_an_admitted_task_is_none(catalog: World) -> None:
    task = send_admitted(catalog)
    assert task.admitted
    assert not Violation.objects.exists()


def test_whatever_the_communities_do_it_stays_one(catalog: World) -> None:
    from communitygate.dispatch.models import Assignment
    from communitygate.dispatch.services import assignment_refuse

    task = send_unadmitted(catalog)
    assignment_refuse(
        actor=catalog.user("community_secretary"),
        assignment=Assignment.objects.get(task=task, community__code=COMMUNITY),
        comment="未经准入",
    )
    the_violation_of(task)


def test_a_retried_service_call_with_its_key_is_still_one(catalog: World) -> None:
    first = send_unadmitted(catalog, key="retry-1")
    again = send_unadmitted(catalog, key="retry-1")
    assert first.pk == again.pk
    the_violation_of(first)


def test_the_violation_is_written_in_the_tasks_transaction(
    catalog: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the violation cannot be written, the task is not sent either."""

    def broken(task: Any) -> None:
        raise RuntimeError("the violation could not be written")

    monkeypatch.setattr(receivers, "violation_record_for_task", broken)
    with pytest.raises(RuntimeError):
        send_unadmitted(catalog)
    assert not Task.objects.exists()
    assert not AuditEvent.objects.filter(action="task.send").exists()


# The page -------------------------------------------------------------------------------------


def page_post(client: Client, token: str) -> Any:
    return client.post(
        "/dispatch/send/",
        task_form_confirmed(
            {
                "department": "DEPT-WJ",
                "item": "",  # the page offers DEPT-WJ its own items only: it sends under none
                "title": UNADMITTED["title"],
                "instructions": "",
                "task_type": "evaluation",
                "deliverable": "form",
                "starts_on": "2026-12-01",
                "due_on": "2026-12-15",
                "targets_everywhere": "1",
                "form_token": token,
            }
        ),
    )


def test_the_send_page_leaves_one_violation_also_when_posted_twice(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk_other"))
    first = page_post(client, "page-token-1")
    assert first.status_code == 302, first.content.decode()[:2000]
    again = page_post(client, "page-token-1")
    assert again["Location"] == first["Location"], "the same form's second POST is replayed"
    task = Task.objects.get()
    assert first["Location"] == f"/dispatch/tasks/{task.pk}/"
    the_violation_of(task, ["not_in_catalog"])


# The API --------------------------------------------------------------------------------------

TASKS = "/api/v1/tasks"


def api_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "department": "DEPT-WJ",
        "item": "T-001",
        "title": UNADMITTED["title"],
        "task_type": "evaluation",
        "starts_on": "2026-12-01",
        "due_on": "2026-12-15",
        "targets": {"all": True},
    }
    body.update(overrides)
    return body


def api_post(client: Client, body: dict[str, object], key: str | None = "retry-1") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        TASKS, data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_api_leaves_one_violation_however_often_it_is_retried(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk_other"))
    answers = [api_post(client, api_body()) for _ in range(5)]
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    the_violation_of(Task.objects.get(pk=answers[0].json()["id"]))


def test_an_admitted_task_through_the_api_is_none(catalog: World) -> None:
    answer = api_post(
        signed_in(catalog.user("department_clerk")),
        api_body(department="DEPT-MZ", task_type="inspection"),
    )
    assert answer.status_code == 201 and answer.json()["admitted"] is True
    assert not Violation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_leave_one_task_and_one_violation(
    transactional_db: None,
) -> None:
    world = build_world()
    clock.pin(MONDAY)
    publish_catalog(world)
    clients = [signed_in(world.user("department_clerk_other")) for _ in range(10)]

    def call(client: Client) -> Callable[[], Any]:
        return lambda: api_post(client, api_body(), key="together")

    answers, errors = run_together([call(client) for client in clients])
    assert errors == []
    assert [answer.status_code for answer in answers] == [201] * len(clients), [
        answer.content for answer in answers if answer.status_code != 201
    ]
    assert len({answer.json()["id"] for answer in answers}) == 1
    task = Task.objects.get()
    assert task.pk == answers[0].json()["id"]
    the_violation_of(task)


# The bulk import --------------------------------------------------------------------------------

HEADER = "部门,事项编码,标题,类型,开始,截止,范围,代码"


def run_import(path: Path, user: str) -> str:
    out = StringIO()
    call_command("import_tasks", str(path), user=user, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_import_leaves_one_violation_per_unadmitted_row_also_when_run_twice(
    catalog: World, tmp_path: Path
) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                f"DEPT-WJ,T-001,{UNADMITTED['title']},评比创建,2026-12-01,2026-12-15,全部,",
                "DEPT-WJ,,辖区诊所摸底,调查,2026-12-01,2026-12-15,社区,370203031001",
            ]
        ),
        encoding="utf-8",
    )
    run_import(path, "department_clerk_other")
    run_import(path, "department_clerk_other")
    assert Task.objects.count() == 2
    assert Violation.objects.count() == 2
    evaluation = Task.objects.get(title=UNADMITTED["title"])
    violation = Violation.objects.get(task=evaluation)
    assert [reason["code"] for reason in violation.reasons] == UNADMITTED_REASONS
    survey = Violation.objects.get(task__title="辖区诊所摸底")
    assert [reason["code"] for reason in survey.reasons] == ["not_in_catalog"]
    assert [c.code for c in violation_communities(survey)] == [COMMUNITY]


def test_an_imported_admitted_row_is_none(catalog: World, tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    path.write_text(
        f"{HEADER}\nDEPT-MZ,T-001,低保户入户核查,检查,2026-12-01,2026-12-15,全部,\n",
        encoding="utf-8",
    )
    run_import(path, "department_clerk")
    assert Task.objects.get().admitted
    assert not Violation.objects.exists()


# Off-platform reports and findings ------------------------------------------------------------


def test_an_off_platform_report_is_one_violation_naming_its_community(world: World) -> None:
    clock.pin(MONDAY)
    filed = report(
        world,
        department="department_other",
        community="community_other",
        person="community_secretary_other",
    )
    violation = Violation.objects.get()
    assert (violation.source, violation.report_id) == ("off_platform_report", filed.pk)
    assert violation.community == world.org("community_other")
    assert violation.department == world.org("department_other")
    assert violation.summary == filed.what_was_asked
    assert violation.occurred_on == filed.occurred_on
    assert violation_communities(violation) == [world.org("community_other")]


def test_a_report_naming_no_department_is_a_violation_to_be_named(world: World) -> None:
    clock.pin(MONDAY)
    report(world, department=None)
    violation = Violation.objects.get()
    assert violation.department is None
    assert violation.community == world.org("community")


def test_a_finding_is_one_violation_and_enters_the_wall(world: World) -> None:
    clock.pin(MONDAY)
    inspector = world.user("inspector")
    inspection = inspection_plan(
        actor=inspector,
        request=InspectionRequest(
            title="商邱路社区挂牌检查",
            starts_on=TODAY,
            ends_on=TODAY,
            community_codes=(COMMUNITY,),
            department_codes=("DEPT-MZ",),
        ),
    )
    finding = finding_record(
        actor=inspector,
        inspection=inspection,
        request=FindingRequest(
            kind="unadmitted_plaque",
            description="社区办公室门口悬挂“文明创建指挥部”牌子，无准入事项依据。",
            community_code=COMMUNITY,
            department_code="DEPT-MZ",
            wall_kind="plaque",
            wall_name="文明创建指挥部",
            files=(FileUpload("现场照片.png", PNG),),
        ),
    )
    violation = Violation.objects.get()
    assert (violation.source, violation.finding_id) == ("inspection_finding", finding.pk)
    assert (violation.department, violation.community) == (
        world.org("department"),
        world.org("community"),
    )
    assert FindingFile.objects.get(finding=finding).filename == "现场照片.png"
    record = WallRecord.objects.get()
    assert (record.name, record.admitted, record.source) == ("文明创建指挥部", False, "inspection")
    assert finding.wall_record == record
    inspection_complete(actor=inspector, inspection=inspection, conclusion="发现问题1项")
    with pytest.raises(InspectionClosed):
        finding_record(
            actor=inspector,
            inspection=inspection,
            request=FindingRequest(kind="other", description="补记"),
        )
    assert Finding.objects.count() == 1
    assert Violation.objects.count() == 1
