"""Dispatch API: send tasks (through the gate), the caller's inbox, and the community's steps."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from communitygate.accounts.permissions import staffed_community_ids
from communitygate.catalog.models import CatalogItem
from communitygate.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, LongText, capped
from communitygate.core.trusted import schema_row, trusted_json
from communitygate.dispatch.models import Assignment, OffPlatformReport, Task
from communitygate.dispatch.permissions import (
    access_assignment,
    access_task,
    assignments_visible_to,
    sending_departments,
)
from communitygate.dispatch.selectors import inbox_assignments, task_assignments
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_accept,
    assignment_refuse,
    assignment_request_extension,
    assignment_submit,
    off_platform_report_create,
    task_send,
)
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation, OrganisationKinds

router = Router(tags=["dispatch"])


class TargetsIn(Schema):
    all: bool = False
    subdistricts: list[OrgCode] | None = None
    communities: list[OrgCode] | None = None


class TaskIn(Schema):
    department: OrgCode | None = None
    item: str | None = capped(CatalogItem, "code", None)
    title: str = capped(Task, "title")
    instructions: LongText = ""
    task_type: Literal[
        "work", "report", "survey", "inspection", "evaluation", "plaque", "certificate"
    ]
    deliverable: Literal["file", "form", "ledger_entry"] = "form"
    starts_on: Day
    due_on: Day
    targets: TargetsIn


class ReasonOut(Schema):
    code: str
    message: str


class TaskOut(Schema):
    id: int
    admitted: bool
    reasons: list[ReasonOut]
    assignments: int


class AssignmentOut(Schema):
    id: int
    task: int
    title: str
    department: str
    community: str
    state: str
    admitted: bool
    reasons: list[ReasonOut]
    due_on: dt.date


class TaskDetailOut(TaskOut):
    title: str
    department: str
    item: str | None
    task_type: str
    starts_on: dt.date
    due_on: dt.date
    assignment_list: list[AssignmentOut]


class InboxOut(Schema):
    count: int
    items: list[AssignmentOut]


def _targets(targets: TargetsIn) -> Targets:
    chosen = [bool(targets.all), targets.subdistricts is not None, targets.communities is not None]
    if sum(chosen) != 1:
        raise InvalidInput(
            [
                Problem(
                    'targets 须为 {"all": true}、{"subdistricts": [...]} 或 {"communities": [...]} 之一。',
                    'targets must be one of {"all": true}, {"subdistricts": [...]}, {"communities": [...]}.',
                    field="targets",
                )
            ]
        )
    if targets.all:
        return Targets("all")
    if targets.subdistricts is not None:
        return Targets("subdistricts", tuple(targets.subdistricts))
    return Targets("communities", tuple(targets.communities or ()))


def _reasons(task: Task) -> list[ReasonOut]:
    return [ReasonOut(code=r["code"], message=r["message"]) for r in task.reasons]


def assignment_out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        task=assignment.task_id,
        title=assignment.task.title,
        department=assignment.task.department.code,
        community=assignment.community.code,
        state=assignment.state,
        admitted=assignment.admitted,
        reasons=_reasons(assignment.task),
        due_on=assignment.due_on,
    )


@router.post("/tasks", response={201: TaskOut})
def send_task(request: HttpRequest, payload: TaskIn) -> Status[TaskOut]:
    """Send a task; the gate's verdict comes back with it. `department` may be left out when
    the caller sends for one department only."""
    department = payload.department or ""
    task = task_send(
        actor=request.user,
        request=TaskRequest(
            department_code=department or _only_department(request),
            item_code=payload.item or None,
            title=payload.title,
            instructions=payload.instructions,
            task_type=payload.task_type,
            deliverable=payload.deliverable,
            starts_on=payload.starts_on,
            due_on=payload.due_on,
            targets=_targets(payload.targets),
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(
        201,
        TaskOut(
            id=task.pk,
            admitted=task.admitted,
            reasons=_reasons(task),
            assignments=task.assignments.count(),
        ),
    )


def _only_department(request: HttpRequest) -> str:
    departments = sending_departments(request.user)
    if len(departments) != 1:
        raise InvalidInput(
            [
                Problem(
                    "请用 department 指明派单部门。",
                    "Name the sending department.",
                    field="department",
                )
            ]
        )
    return departments[0].code


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def get_task(request: HttpRequest, task_id: int) -> TaskDetailOut:
    task = access_task(request.user, task_id)
    visible = (
        assignments_visible_to(request.user)
        .filter(task=task)
        .select_related("task", "task__department", "community")
    )
    assignments = [assignment_out(a) for a in visible.order_by("community__path")]
    return TaskDetailOut(
        id=task.pk,
        admitted=task.admitted,
        reasons=_reasons(task),
        assignments=task_assignments(task).count(),
        title=task.title,
        department=task.department.code,
        item=task.item.code if task.item else None,
        task_type=task.task_type,
        starts_on=task.starts_on,
        due_on=task.due_on,
        assignment_list=assignments,
    )


def assignment_row(assignment: Assignment) -> dict[str, Any]:
    """An assignment as `AssignmentOut` puts it on the wire, for `trusted_json`."""
    task = assignment.task
    return schema_row(
        AssignmentOut,
        {
            "id": assignment.pk,
            "task": assignment.task_id,
            "title": task.title,
            "department": task.department.code,
            "community": assignment.community.code,
            "state": assignment.state,
            "admitted": assignment.admitted,
            "reasons": [{"code": r["code"], "message": r["message"]} for r in task.reasons],
            "due_on": assignment.due_on,
        },
    )


@router.get("/inbox", response=InboxOut)
def get_inbox(request: HttpRequest) -> HttpResponse:
    """The caller's community's assignments (all of the caller's communities)."""
    assignments = inbox_assignments(staffed_community_ids(request.user))
    return trusted_json(
        {"count": len(assignments), "items": [assignment_row(a) for a in assignments]}
    )


class RefuseIn(Schema):
    comment: str = Field("", max_length=2000)


class CompleteIn(Schema):
    text: str = Field(max_length=8000)


class ExtensionIn(Schema):
    until: Day
    reason: str = Field(max_length=2000)


@router.post("/assignments/{assignment_id}/accept", response=AssignmentOut)
def accept(request: HttpRequest, assignment_id: int) -> AssignmentOut:
    return assignment_out(
        assignment_accept(
            actor=request.user, assignment=access_assignment(request.user, assignment_id)
        )
    )


@router.post("/assignments/{assignment_id}/refuse", response=AssignmentOut)
def refuse(request: HttpRequest, assignment_id: int, payload: RefuseIn) -> AssignmentOut:
    return assignment_out(
        assignment_refuse(
            actor=request.user,
            assignment=access_assignment(request.user, assignment_id),
            comment=payload.comment,
        )
    )


@router.post("/assignments/{assignment_id}/complete", response=AssignmentOut)
def complete(request: HttpRequest, assignment_id: int, payload: CompleteIn) -> AssignmentOut:
    return assignment_out(
        assignment_submit(
            actor=request.user,
            assignment=access_assignment(request.user, assignment_id),
            text=payload.text,
        )
    )


@router.post("/assignments/{assignment_id}/extension", response=AssignmentOut)
def extension(request: HttpRequest, assignment_id: int, payload: ExtensionIn) -> AssignmentOut:
    return assignment_out(
        assignment_request_extension(
            actor=request.user,
            assignment=access_assignment(request.user, assignment_id),
            until=payload.until,
            reason=payload.reason,
        )
    )


class ReportIn(Schema):
    community: OrgCode | None = None
    department: OrgCode | None = None
    pushed_by: str = capped(OffPlatformReport, "pushed_by")
    channel: Literal["phone", "chat_group", "paper", "meeting"]
    occurred_on: Day
    what_was_asked: str = Field(max_length=4000)


class ReportOut(Schema):
    id: int
    community: str
    department: str | None
    channel: str


def _reporting_community(request: HttpRequest, code: str | None) -> Organisation:
    """The community named (the service refuses one that is not the caller's: 403), or the
    caller's only community."""
    if code:
        named = Organisation.objects.filter(code=code, kind=OrganisationKinds.COMMUNITY).first()
        if named is None:
            raise NotFound("社区", "community")
        return named
    mine = list(Organisation.objects.filter(pk__in=staffed_community_ids(request.user)))
    if not mine:
        raise PermissionDenied("只有本社区可以报告。", "Only the community itself may report.")
    if len(mine) != 1:
        raise InvalidInput(
            [
                Problem(
                    "请用 community 指明报告的社区。",
                    "Name the reporting community.",
                    field="community",
                )
            ]
        )
    return mine[0]


@router.post("/off-platform-reports", response={201: ReportOut})
def report_off_platform(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    community = _reporting_community(request, payload.community)
    department = None
    if payload.department:
        department = Organisation.objects.filter(
            code=payload.department, kind=OrganisationKinds.DEPARTMENT
        ).first()
        if department is None:
            raise NotFound("职能部门", "department")
    report = off_platform_report_create(
        actor=request.user,
        community=community,
        department=department,
        pushed_by=payload.pushed_by,
        channel=payload.channel,
        occurred_on=payload.occurred_on,
        what_was_asked=payload.what_was_asked,
    )
    return Status(
        201,
        ReportOut(
            id=report.pk,
            community=community.code,
            department=department.code if department else None,
            channel=report.channel,
        ),
    )
