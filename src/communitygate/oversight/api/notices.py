"""District-wide notices (drafts, approval by a second person, publication; the published ones
public) and the correction orders they issue (answered by the department, accepted or returned
by an inspector)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Schema, Status

from communitygate.accounts.permissions import department_staff_ids
from communitygate.core.errors import RuleBroken
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Offset, RowId, StateText, capped
from communitygate.core.paging import page_bounds
from communitygate.orgs.inputs import OrgCode
from communitygate.oversight.api.common import (
    DepartmentOut,
    ErrorOut,
    FileIn,
    FileOut,
    ReasonIn,
    file_out,
    max_limit,
    router,
    uploads_of,
)
from communitygate.oversight.models import (
    CorrectionOrder,
    Notice,
)
from communitygate.oversight.permissions import (
    access_notice,
    access_order,
    notices_visible_to,
    orders_visible_to,
    sees_every_violation,
)
from communitygate.oversight.selectors import (
    notice_orders,
    notices_filtered,
    order_evidence,
    order_violation_ids,
    orders_filtered,
    public_notice,
    public_notices,
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
    state: StateText = ""
    limit: int = 50
    offset: Offset = 0


class NoticeIn(Schema):
    title: str = capped(Notice, "title", "")
    facts: str = Field("", max_length=20000)
    rule_broken: str = Field("", max_length=8000)
    correction_required: str = Field("", max_length=8000)
    violations: list[RowId] = Field(default_factory=list, description="Confirmed violations' ids.")
    overdue_orders: list[RowId] = Field(
        default_factory=list, description="Overdue correction orders' ids, named again."
    )
    correction_workdays: int | None = Field(
        None,
        ge=0,
        le=60,
        description="Working days to correct (1–60); left out: the district's default.",
    )
    corrects: RowId | None = Field(None, description="The id of the published notice corrected.")
    office: OrgCode | None = None


def _departments(notice: Notice) -> list[DepartmentOut]:
    named = sorted(notice.departments.all(), key=lambda d: d.code)
    return [DepartmentOut(code=d.code, name=d.name) for d in named]


def _named_violation_ids(notice: Notice, user: Any) -> list[int]:
    """The ids of the violations a notice names that the person may see: all for the
    district's overseers, a department's own for its staff, none for anyone else."""
    if sees_every_violation(user):
        return sorted(v.pk for v in notice.violations.all())
    departments = set(department_staff_ids(user))
    return sorted(v.pk for v in notice.violations.all() if v.department_id in departments)


def _notice_fields(notice: Notice, user: Any) -> dict[str, Any]:
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
        "violations": _named_violation_ids(notice, user),
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
        **_notice_fields(notice, user),
        orders=[order_brief(o) for o in notice_orders(notice, orders_visible_to(user))],
    )


@router.get("/supervision/notices", response=NoticePage)
def list_notices(request: HttpRequest, query: Query[NoticeQuery]) -> NoticePage:
    """Drafts and approved notices for the district's overseers; published ones for everyone."""
    limit, offset = page_bounds(query.limit, query.offset, max_limit())
    notices = notices_filtered(notices_visible_to(request.user), query.state)
    return NoticePage(
        count=notices.count(),
        items=[
            NoticeOut(**_notice_fields(n, request.user)) for n in notices[offset : offset + limit]
        ],
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
    limit, offset = page_bounds(limit, offset, max_limit())
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
    state: StateText = ""
    department: OrgCode = Field("", description="A department's code.")
    limit: int = 50
    offset: Offset = 0


class RespondIn(Schema):
    response: str = Field("", max_length=20000, description="The correction report.")
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
    limit, offset = page_bounds(query.limit, query.offset, max_limit())
    orders = orders_filtered(
        orders_visible_to(request.user), query.state, department=query.department
    )
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
        evidence=uploads_of(payload.evidence, "evidence"),
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
