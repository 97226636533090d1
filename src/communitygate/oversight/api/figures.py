"""The departments' scorecard (public) and each community's plaques and ledgers on the wall."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from communitygate.core import clock
from communitygate.core.inputs import Offset, PeriodText, capped
from communitygate.core.paging import page_bounds
from communitygate.core.periods import parse_period
from communitygate.orgs.inputs import OrgCode
from communitygate.oversight.api.common import (
    max_limit,
    router,
)
from communitygate.oversight.models import (
    WallKinds,
    WallRecord,
)
from communitygate.oversight.permissions import (
    access_wall,
)
from communitygate.oversight.selectors import (
    scorecard,
    wall_of,
)
from communitygate.oversight.services.inspections import (
    wall_record_add,
)

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
    period: PeriodText = Field(
        "",
        description="2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30; "
        "left out: this year so far.",
    )
    department: OrgCode = ""
    limit: int = 100
    offset: Offset = 0


@router.get("/supervision/scorecard", response=ScorecardOut, auth=None)
def get_scorecard(request: HttpRequest, query: Query[ScorecardQuery]) -> ScorecardOut:
    """Every department's record in the period: counts only, no person."""
    limit, offset = page_bounds(query.limit, query.offset, max_limit())
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
    name: str = capped(WallRecord, "name", "")
    note: str = capped(WallRecord, "note", "")


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
    limit, offset = page_bounds(query.limit, query.offset, max_limit())
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
