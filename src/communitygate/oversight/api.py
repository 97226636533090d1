"""Supervision API (督查): the violations register, inspections and their findings, district-wide
notices, correction orders, the departments' scorecard and each community's plaques and ledgers.

Every path under /supervision/ needs a signed-in person (bearer token or session) and is scoped
by oversight.permissions: what the person may not see answers 404, a step they may not take
403 (the services ask the workflow tables). Published notices (/notices) and the scorecard are
public. Lists answer {"count", "items"} with `limit`/`offset`. Files (a finding's photos, an
order's evidence) travel inside the JSON body as base64 (docs/supervision.md, "API")."""

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem, RuleBroken
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Offset
from communitygate.core.models import AttachedFile
from communitygate.core.paging import page_bounds
from communitygate.core.periods import parse_period
from communitygate.core.uploads import FileUpload
from communitygate.orgs.models import Organisation
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    Inspection,
    Notice,
    Violation,
    WallKinds,
    WallRecord,
)
from communitygate.oversight.permissions import (
    access_inspection,
    access_notice,
    access_order,
    access_violation,
    access_wall,
    inspections_visible_to,
    notices_visible_to,
    orders_visible_to,
    violations_visible_to,
)
from communitygate.oversight.selectors import (
    ViolationFilters,
    inspection_findings,
    inspections_listed,
    notice_orders,
    notices_filtered,
    order_evidence,
    order_violation_ids,
    orders_filtered,
    public_notice,
    public_notices,
    scorecard,
    violation_communities,
    violations_filtered,
    wall_of,
)
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionRequest,
    finding_record,
    inspection_complete,
    inspection_plan,
    wall_record_add,
)
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    notice_return,
    notice_withdraw,
    order_accept,
    order_respond,
    order_return,
)
from communitygate.oversight.services.violations import (
    Confirmation,
    violation_confirm,
    violation_dismiss,
)

router = Router(tags=["supervision"])


def _max_limit() -> int:
    return int(settings.COMMUNITYGATE["API_MAX_LIMIT"])


def _code(organisation: Organisation | None) -> str | None:
    return organisation.code if organisation is not None else None


# Shared shapes ------------------------------------------------------------------------------------


class FileIn(Schema):
    filename: str
    content_base64: str = Field(description="The file's bytes, base64-encoded (RFC 4648).")


class FileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class DepartmentOut(Schema):
    code: str
    name: str


class ReasonIn(Schema):
    reason: str = ""


class ErrorOut(Schema):
    code: str
    message: str
    message_zh: str
    message_en: str


def _uploads(files: list[FileIn], field: str) -> list[FileUpload]:
    """The files as sent, decoded; every one that is not base64 named (what they hold is checked
    by the service, core.uploads)."""
    uploads, problems = [], []
    for position, file in enumerate(files):
        try:
            content = base64.b64decode("".join(file.content_base64.split()), validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                Problem(
                    f"第 {position + 1} 个文件的内容不是有效的 Base64 编码。",
                    f"File {position + 1}'s content is not valid base64.",
                    field=f"{field}.{position}.content_base64",
                )
            )
            continue
        uploads.append(FileUpload(file.filename, content))
    if problems:
        raise InvalidInput(problems)
    return uploads


def file_out(row: AttachedFile) -> FileOut:
    return FileOut(
        id=row.pk,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
    )


# Violations ---------------------------------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    message: str


class ViolationOut(Schema):
    id: int
    department: str | None = Field(description="The department's code; null until one is named.")
    source: str = Field(
        description="unadmitted_task, off_platform_report, inspection_finding or payment_overdue."
    )
    status: str = Field(description="open, confirmed, dismissed or corrected.")
    task: int | None
    report: int | None
    finding: int | None
    community: str | None
    summary: str
    reasons: list[ReasonOut]
    severity: str | None
    rule_source: str | None
    rule_cited: str | None
    occurred_on: dt.date
    created_at: dt.datetime


class ViolationDetailOut(ViolationOut):
    communities: list[str] = Field(description="Every community affected, by code.")
    decision_note: str
    decided_at: dt.datetime | None
    corrected_at: dt.datetime | None


class ViolationPage(Schema):
    count: int
    items: list[ViolationOut]


class ViolationQuery(Schema):
    department: str = ""
    status: str = ""
    source: str = ""
    limit: int = 50
    offset: Offset = 0


class ConfirmIn(Schema):
    severity: str = Field("", description="minor, serious or grave.")
    rule_source: str = Field("", description="catalog, negative_list or access_system.")
    rule_cited: str = ""
    note: str = ""
    department: str | None = Field(
        None, description="A department's code: names (or renames) the department responsible."
    )


def _violation_fields(violation: Violation) -> dict[str, Any]:
    return {
        "id": violation.pk,
        "department": _code(violation.department),
        "source": violation.source,
        "status": violation.state,
        "task": violation.task_id,
        "report": violation.report_id,
        "finding": violation.finding_id,
        "community": _code(violation.community),
        "summary": violation.summary,
        "reasons": [
            ReasonOut(code=reason.get("code", ""), message=reason.get("message", ""))
            for reason in violation.reasons
        ],
        "severity": violation.severity or None,
        "rule_source": violation.rule_source or None,
        "rule_cited": violation.rule_cited or None,
        "occurred_on": violation.occurred_on,
        "created_at": violation.created_at,
    }


def violation_out(violation: Violation) -> ViolationOut:
    return ViolationOut(**_violation_fields(violation))


def violation_detail_out(violation: Violation) -> ViolationDetailOut:
    return ViolationDetailOut(
        **_violation_fields(violation),
        communities=[c.code for c in violation_communities(violation)],
        decision_note=violation.decision_note,
        decided_at=violation.decided_at,
        corrected_at=violation.corrected_at,
    )


@router.get("/supervision/violations", response=ViolationPage)
def list_violations(request: HttpRequest, query: Query[ViolationQuery]) -> ViolationPage:
    """The violations the caller may see (a department its own, a community what it reported,
    supervision, the office and audit all), newest first."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    violations = violations_filtered(
        violations_visible_to(request.user),
        ViolationFilters(department=query.department, status=query.status, source=query.source),
    )
    return ViolationPage(
        count=violations.count(),
        items=[violation_out(v) for v in violations[offset : offset + limit]],
    )


@router.get("/supervision/violations/{violation_id}", response=ViolationDetailOut)
def get_violation(request: HttpRequest, violation_id: int) -> ViolationDetailOut:
    return violation_detail_out(access_violation(request.user, violation_id))


@router.post("/supervision/violations/{violation_id}/confirm", response=ViolationDetailOut)
def confirm_violation(
    request: HttpRequest, violation_id: int, payload: ConfirmIn
) -> ViolationDetailOut:
    violation = violation_confirm(
        actor=request.user,
        violation=access_violation(request.user, violation_id),
        confirmation=Confirmation(
            severity=payload.severity,
            rule_source=payload.rule_source,
            rule_cited=payload.rule_cited,
            note=payload.note,
            department_code=payload.department or "",
        ),
    )
    return violation_detail_out(access_violation(request.user, violation.pk))


@router.post("/supervision/violations/{violation_id}/dismiss", response=ViolationDetailOut)
def dismiss_violation(
    request: HttpRequest, violation_id: int, payload: ReasonIn
) -> ViolationDetailOut:
    violation = violation_dismiss(
        actor=request.user,
        violation=access_violation(request.user, violation_id),
        reason=payload.reason,
    )
    return violation_detail_out(access_violation(request.user, violation.pk))


# Inspections and findings -------------------------------------------------------------------------


class InspectionIn(Schema):
    title: str = ""
    starts_on: dt.date
    ends_on: dt.date
    departments: list[str] = Field(default_factory=list, description="Departments' codes.")
    communities: list[str] = Field(default_factory=list, description="Communities' codes.")
    office: str | None = Field(
        None, description="The supervision office's code; left out: the caller's own office."
    )


class CheckOut(Schema):
    code: str
    question_zh: str
    question_en: str
    admitted: list[str] = Field(description="What the catalog admits, to compare with the wall.")


class WallRefOut(Schema):
    id: int
    kind: str
    name: str
    admitted: bool


class FindingOut(Schema):
    id: int
    inspection: int
    kind: str
    description: str
    community: str | None
    department: str | None
    wall: WallRefOut | None
    files: list[FileOut]
    violation: int | None
    recorded_at: dt.datetime


class InspectionOut(Schema):
    id: int
    office: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    state: str = Field(description="planned, completed or cancelled.")
    departments: list[str]
    communities: list[str]
    conclusion: str
    created_at: dt.datetime


class InspectionDetailOut(InspectionOut):
    checklist: list[CheckOut]
    findings: list[FindingOut]


class InspectionPage(Schema):
    count: int
    items: list[InspectionOut]


class FindingIn(Schema):
    kind: str = Field(
        "",
        description="unadmitted_plaque, unrequired_ledger, off_platform_work, "
        "department_ranking or other.",
    )
    description: str = ""
    community: str | None = None
    department: str | None = None
    wall_kind: str | None = Field(None, description="plaque or ledger, with wall_name.")
    wall_name: str | None = Field(
        None, description="The plaque or ledger found: entered in the community's register."
    )
    files: list[FileIn] = Field(default_factory=list)


class ConclusionIn(Schema):
    conclusion: str = ""


def _inspection_fields(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "office": inspection.office.code,
        "title": inspection.title,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "state": inspection.state,
        "departments": sorted(d.code for d in inspection.departments.all()),
        "communities": sorted(c.code for c in inspection.communities.all()),
        "conclusion": inspection.conclusion,
        "created_at": inspection.created_at,
    }


def _violation_of(finding: Finding) -> int | None:
    try:
        return finding.violation.pk
    except Violation.DoesNotExist:
        return None


def finding_out(finding: Finding) -> FindingOut:
    wall = finding.wall_record
    return FindingOut(
        id=finding.pk,
        inspection=finding.inspection_id,
        kind=finding.kind,
        description=finding.description,
        community=_code(finding.community),
        department=_code(finding.department),
        wall=WallRefOut(id=wall.pk, kind=wall.kind, name=wall.name, admitted=wall.admitted)
        if wall is not None
        else None,
        files=[file_out(f) for f in finding.files.all()],
        violation=_violation_of(finding),
        recorded_at=finding.recorded_at,
    )


def inspection_detail_out(inspection: Inspection) -> InspectionDetailOut:
    return InspectionDetailOut(
        **_inspection_fields(inspection),
        checklist=[CheckOut(**check) for check in inspection.checklist],
        findings=[finding_out(f) for f in inspection_findings(inspection)],
    )


@router.get("/supervision/inspections", response=InspectionPage)
def list_inspections(request: HttpRequest, limit: int = 50, offset: Offset = 0) -> InspectionPage:
    """The inspections the caller may see (a department or community those naming it)."""
    limit, offset = page_bounds(limit, offset, _max_limit())
    inspections = inspections_listed(inspections_visible_to(request.user))
    return InspectionPage(
        count=inspections.count(),
        items=[
            InspectionOut(**_inspection_fields(i)) for i in inspections[offset : offset + limit]
        ],
    )


@router.post("/supervision/inspections", response={201: InspectionDetailOut})
def plan_inspection(request: HttpRequest, payload: InspectionIn) -> Status[InspectionDetailOut]:
    """Plan an inspection (a supervision office). Send an `Idempotency-Key` to retry safely:
    the same key and body answer the first inspection."""
    inspection = inspection_plan(
        actor=request.user,
        request=InspectionRequest(
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            department_codes=tuple(payload.departments),
            community_codes=tuple(payload.communities),
            office_code=payload.office or "",
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, inspection_detail_out(access_inspection(request.user, inspection.pk)))


@router.get("/supervision/inspections/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request: HttpRequest, inspection_id: int) -> InspectionDetailOut:
    return inspection_detail_out(access_inspection(request.user, inspection_id))


@router.post("/supervision/inspections/{inspection_id}/findings", response={201: FindingOut})
def record_finding(
    request: HttpRequest, inspection_id: int, payload: FindingIn
) -> Status[FindingOut]:
    """Record a finding (it is a violation from that moment), with photos and files as base64."""
    inspection = access_inspection(request.user, inspection_id)
    finding = finding_record(
        actor=request.user,
        inspection=inspection,
        request=FindingRequest(
            kind=payload.kind,
            description=payload.description,
            community_code=payload.community or "",
            department_code=payload.department or "",
            wall_kind=payload.wall_kind or "",
            wall_name=payload.wall_name or "",
            files=tuple(_uploads(payload.files, "files")),
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    recorded = next(f for f in inspection_findings(inspection) if f.pk == finding.pk)
    return Status(201, finding_out(recorded))


@router.post("/supervision/inspections/{inspection_id}/complete", response=InspectionDetailOut)
def complete_inspection(
    request: HttpRequest, inspection_id: int, payload: ConclusionIn
) -> InspectionDetailOut:
    inspection = inspection_complete(
        actor=request.user,
        inspection=access_inspection(request.user, inspection_id),
        conclusion=payload.conclusion,
    )
    return inspection_detail_out(access_inspection(request.user, inspection.pk))


# District-wide notices ----------------------------------------------------------------------------


class OrderBriefOut(Schema):
    id: int
    department: str
    due_on: dt.date
    state: str


class NoticeOut(Schema):
    id: int
    number: str | None = Field(description="Given when published: 市北督通〔2026〕3号.")
    state: str = Field(description="draft, approved, published or withdrawn.")
    title: str
    facts: str
    rule_broken: str
    correction_required: str
    correction_workdays: int
    office: str
    departments: list[DepartmentOut]
    violations: list[int]
    overdue_orders: list[int]
    corrects: str | None = Field(description="The number of the notice this one corrects.")
    created_at: dt.datetime
    approved_at: dt.datetime | None
    published_on: dt.date | None


class NoticeDetailOut(NoticeOut):
    orders: list[OrderBriefOut]


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


class NoticeQuery(Schema):
    state: str = ""
    limit: int = 50
    offset: Offset = 0


class NoticeIn(Schema):
    title: str = ""
    facts: str = ""
    rule_broken: str = ""
    correction_required: str = ""
    violations: list[int] = Field(default_factory=list, description="Confirmed violations' ids.")
    overdue_orders: list[int] = Field(
        default_factory=list, description="Overdue correction orders' ids, named again."
    )
    correction_workdays: int | None = Field(
        None, description="Working days to correct (1–60); left out: the district's default."
    )
    corrects: int | None = Field(None, description="The id of the published notice corrected.")
    office: str | None = None


def _departments(notice: Notice) -> list[DepartmentOut]:
    named = sorted(notice.departments.all(), key=lambda d: d.code)
    return [DepartmentOut(code=d.code, name=d.name) for d in named]


def _notice_fields(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "number": notice.number,
        "state": notice.state,
        "title": notice.title,
        "facts": notice.facts,
        "rule_broken": notice.rule_broken,
        "correction_required": notice.correction_required,
        "correction_workdays": notice.correction_workdays,
        "office": notice.office.code,
        "departments": _departments(notice),
        "violations": sorted(v.pk for v in notice.violations.all()),
        "overdue_orders": sorted(o.pk for o in notice.overdue_orders.all()),
        "corrects": notice.corrects.number if notice.corrects else None,
        "created_at": notice.created_at,
        "approved_at": notice.approved_at,
        "published_on": notice.published_on,
    }


def order_brief(order: CorrectionOrder) -> OrderBriefOut:
    return OrderBriefOut(
        id=order.pk, department=order.department.code, due_on=order.due_on, state=order.state
    )


def notice_detail_out(user: Any, notice_id: int) -> NoticeDetailOut:
    notice = access_notice(user, notice_id)
    return NoticeDetailOut(
        **_notice_fields(notice), orders=[order_brief(o) for o in notice_orders(notice)]
    )


@router.get("/supervision/notices", response=NoticePage)
def list_notices(request: HttpRequest, query: Query[NoticeQuery]) -> NoticePage:
    """Drafts and approved notices for the district's overseers; published ones for everyone."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    notices = notices_filtered(notices_visible_to(request.user), query.state)
    return NoticePage(
        count=notices.count(),
        items=[NoticeOut(**_notice_fields(n)) for n in notices[offset : offset + limit]],
    )


@router.post("/supervision/notices", response={201: NoticeDetailOut})
def draft_notice(request: HttpRequest, payload: NoticeIn) -> Status[NoticeDetailOut]:
    """Draft a notice from confirmed violations (an inspector). Send an `Idempotency-Key` to
    retry safely: the same key and body answer the first draft."""
    notice = notice_draft(
        actor=request.user,
        request=NoticeRequest(
            title=payload.title,
            facts=payload.facts,
            rule_broken=payload.rule_broken,
            correction_required=payload.correction_required,
            violation_ids=tuple(payload.violations),
            overdue_order_ids=tuple(payload.overdue_orders),
            correction_workdays=payload.correction_workdays or 0,
            corrects_id=payload.corrects,
            office_code=payload.office or "",
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, notice_detail_out(request.user, notice.pk))


@router.get("/supervision/notices/{notice_id}", response=NoticeDetailOut)
def get_notice(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    return notice_detail_out(request.user, notice_id)


@router.post("/supervision/notices/{notice_id}/approve", response=NoticeDetailOut)
def approve_notice(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    """The head of a supervision office approves a draft; never its drafter (403)."""
    notice = notice_approve(actor=request.user, notice=access_notice(request.user, notice_id))
    return notice_detail_out(request.user, notice.pk)


@router.post("/supervision/notices/{notice_id}/return", response=NoticeDetailOut)
def return_notice(request: HttpRequest, notice_id: int, payload: ReasonIn) -> NoticeDetailOut:
    notice = notice_return(
        actor=request.user,
        notice=access_notice(request.user, notice_id),
        reason=payload.reason,
    )
    return notice_detail_out(request.user, notice.pk)


@router.post("/supervision/notices/{notice_id}/publish", response=NoticeDetailOut)
def publish_notice(request: HttpRequest, notice_id: int) -> NoticeDetailOut:
    """Number the approved notice, make it public and final, and issue each department named
    its correction order, due in working days."""
    notice = notice_publish(actor=request.user, notice=access_notice(request.user, notice_id))
    return notice_detail_out(request.user, notice.pk)


@router.post("/supervision/notices/{notice_id}/withdraw", response=NoticeDetailOut)
def withdraw_notice(request: HttpRequest, notice_id: int, payload: ReasonIn) -> NoticeDetailOut:
    notice = notice_withdraw(
        actor=request.user,
        notice=access_notice(request.user, notice_id),
        reason=payload.reason,
    )
    return notice_detail_out(request.user, notice.pk)


# Published notices: public ------------------------------------------------------------------------


class PublicOrderOut(Schema):
    department: str
    due_on: dt.date
    state: str


class PublicNoticeOut(Schema):
    number: str
    title: str
    facts: str
    rule_broken: str
    correction_required: str
    departments: list[DepartmentOut]
    published_on: dt.date | None
    corrects: str | None = Field(description="The number of the notice this one corrects.")
    corrected_by: list[str] = Field(description="The numbers of later notices correcting it.")
    orders: list[PublicOrderOut]


class PublicNoticePage(Schema):
    count: int
    items: list[PublicNoticeOut]


def public_notice_out(notice: Notice) -> PublicNoticeOut:
    return PublicNoticeOut(
        number=notice.number or "",
        title=notice.title,
        facts=notice.facts,
        rule_broken=notice.rule_broken,
        correction_required=notice.correction_required,
        departments=_departments(notice),
        published_on=notice.published_on,
        corrects=notice.corrects.number if notice.corrects else None,
        corrected_by=[c.number or "" for c in notice.corrections.all()],
        orders=[
            PublicOrderOut(department=o.department.code, due_on=o.due_on, state=o.state)
            for o in notice.orders.all()
        ],
    )


@router.get("/notices", response=PublicNoticePage, auth=None)
def list_public_notices(
    request: HttpRequest, limit: int = 50, offset: Offset = 0
) -> PublicNoticePage:
    """Every published district-wide notice, newest first. Drafts are never shown."""
    limit, offset = page_bounds(limit, offset, _max_limit())
    notices = public_notices()
    return PublicNoticePage(
        count=notices.count(),
        items=[public_notice_out(n) for n in notices[offset : offset + limit]],
    )


@router.get("/notices/{number}", response=PublicNoticeOut, auth=None)
def get_public_notice(request: HttpRequest, number: str) -> PublicNoticeOut:
    """A published notice by its number, URL-encoded (市北督通〔2026〕3号 →
    %E5%B8%82%E5%8C%97%E7%9D%A3%E9%80%9A%E3%80%942026%E3%80%953%E5%8F%B7)."""
    return public_notice_out(public_notice(number))


# Correction orders --------------------------------------------------------------------------------


class OrderOut(Schema):
    id: int
    notice: int
    notice_number: str | None
    department: str
    issued_on: dt.date
    due_on: dt.date
    state: str = Field(description="issued, answered, returned, overdue or accepted.")
    first_answered_on: dt.date | None
    accepted_on_time: bool | None
    overdue_since: dt.date | None


class OrderDetailOut(OrderOut):
    response: str
    responded_at: dt.datetime | None
    return_reason: str
    decided_at: dt.datetime | None
    violations: list[int]
    evidence: list[FileOut]


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class OrderQuery(Schema):
    state: str = ""
    limit: int = 50
    offset: Offset = 0


class RespondIn(Schema):
    response: str = Field("", description="The correction report.")
    evidence: list[FileIn] = Field(default_factory=list)


def _order_fields(order: CorrectionOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "notice": order.notice_id,
        "notice_number": order.notice.number,
        "department": order.department.code,
        "issued_on": order.issued_on,
        "due_on": order.due_on,
        "state": order.state,
        "first_answered_on": order.first_answered_on,
        "accepted_on_time": order.accepted_on_time,
        "overdue_since": order.overdue_since,
    }


def order_detail_out(user: Any, order_id: int) -> OrderDetailOut:
    order = access_order(user, order_id)
    return OrderDetailOut(
        **_order_fields(order),
        response=order.response,
        responded_at=order.responded_at,
        return_reason=order.return_reason,
        decided_at=order.decided_at,
        violations=order_violation_ids(order),
        evidence=[file_out(e) for e in order_evidence(order)],
    )


@router.get("/supervision/correction-orders", response=OrderPage)
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> OrderPage:
    """The orders the caller may see (a department its own), the earliest due first."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    orders = orders_filtered(orders_visible_to(request.user), query.state)
    return OrderPage(
        count=orders.count(),
        items=[OrderOut(**_order_fields(o)) for o in orders[offset : offset + limit]],
    )


class OrdersComeFromNotices(RuleBroken):
    """No one creates a correction order: publishing a notice issues one to every department it
    names (services.notices.notice_publish)."""

    code = "orders_come_from_notices"
    status = 405

    def __init__(self) -> None:
        super().__init__(
            "整改通知不能单独创建：通报发布时，系统向通报点名的每个部门下达整改通知。"
            "请起草通报（POST /api/v1/supervision/notices），经督查室负责人审批后发布"
            "（POST /api/v1/supervision/notices/{id}/publish）。",
            "Correction orders are not created one by one: publishing a notice issues one to "
            "every department it names. Draft a notice (POST /api/v1/supervision/notices) and, "
            "once the head of a supervision office has approved it, publish it "
            "(POST /api/v1/supervision/notices/{id}/publish).",
        )


@router.post("/supervision/correction-orders", response={405: ErrorOut})
def create_order(request: HttpRequest) -> HttpResponse:
    """Answers 405 `orders_come_from_notices` (with `Allow: GET`): orders are issued by
    publishing a notice, never created on their own."""
    refusal = OrdersComeFromNotices()
    response = JsonResponse(
        refusal.as_dict(), status=refusal.status, json_dumps_params={"ensure_ascii": False}
    )
    response["Allow"] = "GET"
    return response


@router.get("/supervision/correction-orders/{order_id}", response=OrderDetailOut)
def get_order(request: HttpRequest, order_id: int) -> OrderDetailOut:
    return order_detail_out(request.user, order_id)


@router.post("/supervision/correction-orders/{order_id}/respond", response=OrderDetailOut)
def respond_to_order(request: HttpRequest, order_id: int, payload: RespondIn) -> OrderDetailOut:
    """The department named answers with its correction report and evidence (base64 files)."""
    order = order_respond(
        actor=request.user,
        order=access_order(request.user, order_id),
        response=payload.response,
        evidence=_uploads(payload.evidence, "evidence"),
    )
    return order_detail_out(request.user, order.pk)


@router.post("/supervision/correction-orders/{order_id}/accept", response=OrderDetailOut)
def accept_order(request: HttpRequest, order_id: int) -> OrderDetailOut:
    """An inspector accepts the correction: the order's violations become corrected."""
    order = order_accept(actor=request.user, order=access_order(request.user, order_id))
    return order_detail_out(request.user, order.pk)


@router.post("/supervision/correction-orders/{order_id}/return", response=OrderDetailOut)
def return_order(request: HttpRequest, order_id: int, payload: ReasonIn) -> OrderDetailOut:
    order = order_return(
        actor=request.user,
        order=access_order(request.user, order_id),
        reason=payload.reason,
    )
    return order_detail_out(request.user, order.pk)


# The departments' scorecard: public ---------------------------------------------------------------


class PeriodOut(Schema):
    text: str
    start: dt.date
    end: dt.date


class ScoreRowOut(Schema):
    department: str
    name: str
    tasks_sent: int
    unadmitted: int
    unadmitted_share: Decimal | None = Field(description="unadmitted ÷ tasks_sent; null for none.")
    refusals: int
    confirmed_violations: int
    notices_named: int
    orders_open: int
    orders_overdue: int
    corrected_on_time: int


class ScorecardOut(Schema):
    period: PeriodOut
    count: int
    items: list[ScoreRowOut]


class ScorecardQuery(Schema):
    period: str = Field(
        "",
        description="2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30; "
        "left out: this year so far.",
    )
    department: str = ""
    limit: int = 100
    offset: Offset = 0


@router.get("/supervision/scorecard", response=ScorecardOut, auth=None)
def get_scorecard(request: HttpRequest, query: Query[ScorecardQuery]) -> ScorecardOut:
    """Every department's record in the period: counts only, no person."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    period = parse_period(query.period, today=clock.today())
    rows = scorecard(period, department_code=query.department)
    return ScorecardOut(
        period=PeriodOut(text=period.text, start=period.start, end=period.end),
        count=len(rows),
        items=[
            ScoreRowOut(
                department=r.code,
                name=r.name,
                tasks_sent=r.tasks_sent,
                unadmitted=r.unadmitted,
                unadmitted_share=r.unadmitted_share,
                refusals=r.refusals,
                confirmed_violations=r.confirmed_violations,
                notices_named=r.notices_named,
                orders_open=r.orders_open,
                orders_overdue=r.orders_overdue,
                corrected_on_time=r.corrected_on_time,
            )
            for r in rows[offset : offset + limit]
        ],
    )


# A community's wall: plaques and ledgers ----------------------------------------------------------


class WallRecordOut(Schema):
    id: int
    kind: str
    name: str
    admitted: bool = Field(description="An active item of the published catalog requires it.")
    item: str | None = Field(description="The code of the item that admits it.")
    source: str = Field(description="catalog, community or inspection.")
    removed_on: dt.date | None
    note: str
    updated_at: dt.datetime


class WallPage(Schema):
    count: int
    items: list[WallRecordOut]


class WallQuery(Schema):
    include_removed: bool = False
    limit: int = 100
    offset: Offset = 0


class WallRecordIn(Schema):
    name: str = ""
    note: str = ""


def wall_record_out(record: WallRecord) -> WallRecordOut:
    return WallRecordOut(
        id=record.pk,
        kind=record.kind,
        name=record.name,
        admitted=record.admitted,
        item=record.item.code if record.item else None,
        source=record.source,
        removed_on=record.removed_on,
        note=record.note,
        updated_at=record.updated_at,
    )


def _wall_page(request: HttpRequest, code: str, kind: str, query: WallQuery) -> WallPage:
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    records = wall_of(access_wall(request.user, code), kind, include_removed=query.include_removed)
    return WallPage(
        count=records.count(),
        items=[wall_record_out(r) for r in records[offset : offset + limit]],
    )


def _wall_add(
    request: HttpRequest, code: str, kind: str, payload: WallRecordIn
) -> Status[WallRecordOut]:
    record = wall_record_add(
        actor=request.user,
        community=access_wall(request.user, code),
        kind=kind,
        name=payload.name,
        note=payload.note,
    )
    return Status(201, wall_record_out(record))


@router.get("/communities/{code}/plaques", response=WallPage)
def list_plaques(request: HttpRequest, code: str, query: Query[WallQuery]) -> WallPage:
    """The plaques hanging in the community (taken-down ones with `include_removed=true`)."""
    return _wall_page(request, code, WallKinds.PLAQUE, query)


@router.post("/communities/{code}/plaques", response={201: WallRecordOut})
def add_plaque(request: HttpRequest, code: str, payload: WallRecordIn) -> Status[WallRecordOut]:
    """Record a plaque hung (the community or an inspector); one already recorded under that
    name is answered as it stands."""
    return _wall_add(request, code, WallKinds.PLAQUE, payload)


@router.get("/communities/{code}/ledgers", response=WallPage)
def list_ledgers(request: HttpRequest, code: str, query: Query[WallQuery]) -> WallPage:
    """The ledgers the community keeps (given-up ones with `include_removed=true`)."""
    return _wall_page(request, code, WallKinds.LEDGER, query)


@router.post("/communities/{code}/ledgers", response={201: WallRecordOut})
def add_ledger(request: HttpRequest, code: str, payload: WallRecordIn) -> Status[WallRecordOut]:
    return _wall_add(request, code, WallKinds.LEDGER, payload)
