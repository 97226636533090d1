"""Staff API of residents' matters: scoped and masked lists, one matter, intake (with an
Idempotency-Key), the steps, and the three rates. Errors in the project's one shape."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from communitygate.accounts.permissions import COMMUNITY_STAFF_ROLES, staffed_community_ids
from communitygate.accounts.selectors import people_holding
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, Problem
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, LongText, Offset, PhoneText, RowId, capped
from communitygate.core.paging import page_bounds
from communitygate.matters.models import Matter, MatterCategory
from communitygate.matters.selectors.matters import (
    MatterFilters,
    MatterRates,
    is_overdue,
    matter_access,
    matter_list,
    matter_rates,
    matter_rates_by_subdistrict,
    matter_rates_total,
)
from communitygate.matters.services.matters import (
    DESCRIPTION_MAX_LENGTH,
    MatterIntake,
    matter_answer,
    matter_assign,
    matter_close,
    matter_receive,
)
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation
from communitygate.registry.permissions import can_read_rates, communities_with_figures_for

router = Router(tags=["residents"])


class MatterOut(Schema):
    id: int
    tracking_code: str
    community: str
    category: str
    channel: str
    summary: str
    description: str
    location: str
    contact_name: str
    phone: str  # masked
    status: str
    received_at: dt.datetime
    answer_by: dt.date
    answer_by_estimated: bool  # the holiday schedule of a year it reaches is not entered yet
    overdue: bool
    assignee: str | None
    answer: str
    answered_at: dt.datetime | None
    first_answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    rating: str
    times_reopened: int
    escalated_at: dt.datetime | None


class MatterPage(Schema):
    count: int
    items: list[MatterOut]


CategoryCode = Annotated[str, capped(MatterCategory, "code")]


class MatterQuery(Schema):
    status: Literal["received", "assigned", "answered", "closed", "reopened"] | None = None
    category: CategoryCode | None = None
    community: OrgCode | None = None
    assignee: str | None = Field(None, max_length=150)
    overdue: bool = False
    escalated: bool = False
    received_from: Day | None = None
    received_to: Day | None = None
    q: str | None = Field(None, max_length=100)
    limit: int = 50
    offset: Offset = 0


def matter_out(matter: Matter, today: dt.date) -> MatterOut:
    return MatterOut(
        id=matter.pk,
        tracking_code=matter.tracking_code,
        community=matter.community.code,
        category=matter.category.code,
        channel=matter.channel,
        summary=matter.summary,
        description=matter.description,
        location=matter.location,
        contact_name=matter.contact_name,
        phone=matter.phone_masked,
        status=matter.status,
        received_at=matter.received_at,
        answer_by=matter.answer_by,
        answer_by_estimated=matter.answer_by_estimated,
        overdue=is_overdue(matter, today),
        assignee=matter.assignee.get_username() if matter.assignee else None,
        answer=matter.answer,
        answered_at=matter.answered_at,
        first_answered_at=matter.first_answered_at,
        closed_at=matter.closed_at,
        rating=matter.rating,
        times_reopened=matter.times_reopened,
        escalated_at=matter.escalated_at,
    )


class RatesOut(Schema):
    code: str
    name: str
    kind: str
    received: int
    answered: int
    settled: int
    on_time: int
    open_overdue: int
    rated: int
    satisfied: int
    response_rate: Decimal | None
    on_time_rate: Decimal | None
    satisfaction_rate: Decimal | None


class RatesReportOut(Schema):
    start: dt.date
    end: dt.date
    total: RatesOut
    subdistricts: list[RatesOut]
    communities: list[RatesOut]


def rates_out(row: MatterRates) -> RatesOut:
    return RatesOut(
        code=row.code,
        name=row.name,
        kind=row.kind,
        received=row.received,
        answered=row.answered,
        settled=row.settled,
        on_time=row.on_time,
        open_overdue=row.open_overdue,
        rated=row.rated,
        satisfied=row.satisfied,
        response_rate=row.response_rate,
        on_time_rate=row.on_time_rate,
        satisfaction_rate=row.satisfaction_rate,
    )


@router.get("/matters/rates", response=RatesReportOut)
def get_rates(
    request: HttpRequest, start: Day | None = None, end: Day | None = None
) -> RatesReportOut:
    """Response, on-time and satisfaction rates of the matters received from `start` to `end`
    (both included; this month by default), per community the caller may read figures of, per
    subdistrict and in total. A rate is null when nothing was counted."""
    if not can_read_rates(request.user):
        raise NotFound("统计", "rates")
    today = clock.today()
    start = start or today.replace(day=1)
    end = end or today
    # Days outside 2000-01-01..2100-12-31, or an end before the start: 422 (matter_rates).
    rows = matter_rates(
        communities=communities_with_figures_for(request.user).order_by("path"),
        start=start,
        end=end,
    )
    return RatesReportOut(
        start=start,
        end=end,
        total=rates_out(matter_rates_total(rows)),
        subdistricts=[rates_out(row) for row in matter_rates_by_subdistrict(rows)],
        communities=[rates_out(row) for row in rows],
    )


@router.get("/matters", response=MatterPage)
def list_matters(request: HttpRequest, query: Query[MatterQuery]) -> dict[str, Any]:
    """The caller's matters (their communities, or their subdistricts' communities), earliest
    answer-by date first; phones masked. Received dates outside 2000-01-01..2100-12-31, or an
    end before the start, answer 422."""
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    matters = matter_list(
        request.user,
        MatterFilters(
            status=query.status or "",
            category=query.category or "",
            community=query.community or "",
            assignee=query.assignee or "",
            overdue=query.overdue,
            escalated=query.escalated,
            received_from=query.received_from,
            received_to=query.received_to,
            text=query.q or "",
        ),
    )
    today = clock.today()
    return {
        "count": matters.count(),
        "items": [matter_out(m, today) for m in matters[offset : offset + limit]],
    }


@router.get("/matters/{matter_id}", response=MatterOut)
def get_matter(request: HttpRequest, matter_id: int) -> MatterOut:
    return matter_out(matter_access(request.user, matter_id), clock.today())


class MatterIn(Schema):
    community: OrgCode | None = None
    category: CategoryCode
    summary: str = capped(Matter, "summary")
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    location: str = capped(Matter, "location", "")
    name: str = capped(Matter, "contact_name", "")
    phone: PhoneText = ""
    resident: RowId | None = None
    channel: Literal["visit", "call", "door_to_door"] = "visit"


def intake_community(request: HttpRequest, code: str | None) -> str:
    if code:
        return code
    mine = list(
        Organisation.objects.filter(pk__in=staffed_community_ids(request.user)).values_list(
            "code", flat=True
        )
    )
    if len(mine) != 1:
        raise InvalidInput(
            [
                Problem(
                    "请用 community 指明社区代码。",
                    "Name the community (its code).",
                    field="community",
                )
            ]
        )
    return mine[0]


@router.post("/matters", response={201: MatterOut})
def receive_matter(request: HttpRequest, payload: MatterIn) -> Status[MatterOut]:
    """Staff record a matter for their community. With an `Idempotency-Key` header a retry
    answers the first matter; the same key with a different body answers 422. Keys are the
    caller's own: someone else using the same key makes their own matter."""
    matter = matter_receive(
        actor=request.user,
        intake=MatterIntake(
            community_code=intake_community(request, payload.community),
            category_code=payload.category,
            summary=payload.summary,
            description=payload.description,
            location=payload.location,
            contact_name=payload.name,
            phone=payload.phone,
            resident_id=payload.resident,
            channel=payload.channel,
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    matter = matter_access(request.user, matter.pk)
    return Status(201, matter_out(matter, clock.today()))


class AssignIn(Schema):
    assignee: str = Field(max_length=150)


class AnswerIn(Schema):
    answer: LongText


@router.post("/matters/{matter_id}/assign", response=MatterOut)
def assign(request: HttpRequest, matter_id: int, payload: AssignIn) -> MatterOut:
    matter = matter_access(request.user, matter_id)
    assignee = (
        people_holding([matter.community_id], COMMUNITY_STAFF_ROLES)
        .filter(username=payload.assignee)
        .first()
    )
    return matter_out(
        matter_assign(actor=request.user, matter=matter, assignee=assignee), clock.today()
    )


@router.post("/matters/{matter_id}/answer", response=MatterOut)
def answer(request: HttpRequest, matter_id: int, payload: AnswerIn) -> MatterOut:
    matter = matter_access(request.user, matter_id)
    return matter_out(
        matter_answer(actor=request.user, matter=matter, answer=payload.answer), clock.today()
    )


@router.post("/matters/{matter_id}/close", response=MatterOut)
def close(request: HttpRequest, matter_id: int) -> MatterOut:
    matter = matter_access(request.user, matter_id)
    return matter_out(matter_close(actor=request.user, matter=matter), clock.today())
