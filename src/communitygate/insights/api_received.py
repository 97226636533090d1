"""The API of what communities receive (/api/v1/burden/district, /communities, /departments,
/trend): counts, hours as strings with one decimal ("12.5") and ratios with three ("0.532").
Aggregates only, no person. Public where the public page (/burden/public/received/) shows the
same figures — the district (months, subdistricts or a subdistrict's communities), the
departments and the trend; /communities, which adds each community's staff and capacity (the
ranking's figures), is for anyone signed in or holding a token (401 otherwise)."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from communitygate.core import clock
from communitygate.core.inputs import Offset, PeriodText
from communitygate.core.paging import page_bounds
from communitygate.core.periods import Period, parse_period
from communitygate.insights import received
from communitygate.insights.received import Figures, Row
from communitygate.orgs.inputs import OrgCode

router = Router(tags=["burden"])

PERIOD_HELP = (
    "2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30; left out: this year so far."
)


def _max_limit() -> int:
    return int(settings.COMMUNITYGATE["API_MAX_LIMIT"])


class PeriodOut(Schema):
    text: str
    start: dt.date
    end: dt.date


class FiguresOut(Schema):
    received: int = Field(description="Assignments of tasks sent in the period.")
    admitted: int
    unadmitted: int
    refused: int
    overdue: int = Field(description="Still open and past the due date today.")
    deliverables_submitted: int
    deliverables_confirmed: int
    tasks: int = Field(description="Distinct tasks behind the assignments.")
    admitted_hours: str = Field(description="Estimated hours of the admitted assignments.")
    off_platform: int | None = Field(description="Off-platform reports of the period.")


def figures_out(figures: Figures) -> FiguresOut:
    return FiguresOut(
        received=figures.received,
        admitted=figures.admitted,
        unadmitted=figures.unadmitted,
        refused=figures.refused,
        overdue=figures.overdue,
        deliverables_submitted=figures.submitted,
        deliverables_confirmed=figures.confirmed,
        tasks=figures.tasks,
        admitted_hours=f"{figures.admitted_hours}",
        off_platform=figures.off_platform,
    )


class CommunityOut(Schema):
    code: str
    name: str
    subdistrict: str = Field(description="The code of its subdistrict.")
    figures: FiguresOut
    staff: int
    capacity_hours: str = Field(description="Staff × one person's hours a year, pro rata.")
    catalog_hours: str = Field(description="The catalog's hours for it, pro rata.")
    load_ratio: str = Field(description="(catalog + admitted hours) ÷ capacity.")


class CommunitiesOut(Schema):
    period: PeriodOut
    computed_at: dt.datetime
    count: int
    items: list[CommunityOut]


class CommunitiesQuery(Schema):
    subdistrict: OrgCode = Field("", description="A subdistrict's code; left out: every community.")
    period: PeriodText = Field("", description=PERIOD_HELP)
    limit: int = 100
    offset: Offset = 0


def _period(text: str) -> Period:
    return parse_period(text, today=clock.today())


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(text=period.text, start=period.start, end=period.end)


@router.get("/burden/communities", response=CommunitiesOut)
def list_communities(request: HttpRequest, query: Query[CommunitiesQuery]) -> CommunitiesOut:
    """Every community (of one subdistrict) with what it received in the period and its load
    against its capacity, in path order."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    filters = received.filters_from(_period(query.period), subdistrict=query.subdistrict)
    today = clock.today()
    rows = received.per_community(filters, today)
    loads = {r.code: r for r in received.community_load_rows(filters, today)}
    return CommunitiesOut(
        period=_period_out(filters.period),
        computed_at=timezone.localtime(clock.now()),
        count=len(rows),
        items=[
            CommunityOut(
                code=r.key,
                name=r.name,
                subdistrict=r.parent,
                figures=figures_out(r.figures),
                staff=loads[r.key].staff,
                capacity_hours=f"{loads[r.key].capacity}",
                catalog_hours=f"{loads[r.key].standing}",
                load_ratio=f"{loads[r.key].ratio}",
            )
            for r in rows[offset : offset + limit]
        ],
    )


class MonthOut(Schema):
    month: str = Field(description="2026-03")
    figures: FiguresOut


class PlaceOut(Schema):
    code: str
    name: str
    figures: FiguresOut


class DistrictOut(Schema):
    period: PeriodOut
    computed_at: dt.datetime
    subdistrict: PlaceOut | None = Field(description="The subdistrict asked for, if any.")
    total: FiguresOut
    months: list[MonthOut]
    places: list[PlaceOut] = Field(
        description="The subdistricts, or the communities of the subdistrict asked for."
    )


class DistrictQuery(Schema):
    subdistrict: OrgCode = Field("", description="A subdistrict's code; left out: the district.")
    period: PeriodText = Field("", description=PERIOD_HELP)


@router.get("/burden/district", response=DistrictOut, auth=None, url_name="burden_district")
def get_district(request: HttpRequest, query: Query[DistrictQuery]) -> DistrictOut:
    """The district's (a subdistrict's) figures in the period: the total, month by month, and
    per subdistrict (per community of the subdistrict), zeros included, in path order."""
    filters = received.filters_from(_period(query.period), subdistrict=query.subdistrict)
    today = clock.today()
    total = received.totals(filters, today)
    if filters.subdistrict is None:
        places = received.per_subdistrict(filters, today)
        asked = None
    else:
        places = received.per_community(filters, today)
        asked = PlaceOut(
            code=filters.subdistrict.code, name=filters.subdistrict.name, figures=figures_out(total)
        )
    return DistrictOut(
        period=_period_out(filters.period),
        computed_at=timezone.localtime(clock.now()),
        subdistrict=asked,
        total=figures_out(total),
        months=[
            MonthOut(month=f"{m.month:%Y-%m}", figures=figures_out(m.figures))
            for m in received.by_month(filters, today)
        ],
        places=[PlaceOut(code=r.key, name=r.name, figures=figures_out(r.figures)) for r in places],
    )


class DepartmentOut(Schema):
    code: str
    name: str
    figures: FiguresOut


class DepartmentsOut(Schema):
    period: PeriodOut
    computed_at: dt.datetime
    count: int
    items: list[DepartmentOut]


class DepartmentsQuery(Schema):
    period: PeriodText = Field("", description=PERIOD_HELP)
    limit: int = 100
    offset: Offset = 0


def _department_out(row: Row) -> DepartmentOut:
    return DepartmentOut(code=row.key, name=row.name, figures=figures_out(row.figures))


@router.get("/burden/departments", response=DepartmentsOut, auth=None)
def list_departments(request: HttpRequest, query: Query[DepartmentsQuery]) -> DepartmentsOut:
    """Every department (and any other sender) with what its tasks put on communities in the
    period, the most unadmitted work first."""
    limit, offset = page_bounds(query.limit, query.offset, _max_limit())
    filters = received.filters_from(_period(query.period))
    rows = received.per_department(filters, clock.today())
    rows.sort(key=lambda r: (-r.figures.unadmitted, -r.figures.received, r.key))
    return DepartmentsOut(
        period=_period_out(filters.period),
        computed_at=timezone.localtime(clock.now()),
        count=len(rows),
        items=[_department_out(r) for r in rows[offset : offset + limit]],
    )


class HeaviestOut(Schema):
    code: str
    name: str
    load_ratio: str


class TrendMonthOut(Schema):
    month: str = Field(description="2026-03")
    received: int
    unadmitted: int
    admitted_hours: str
    over_capacity: int = Field(description="Communities whose load passed their capacity.")
    heaviest: HeaviestOut | None
    top_department: DepartmentOut | None = Field(
        description="The department with the most unadmitted assignments."
    )


class TrendOut(Schema):
    computed_at: dt.datetime
    count: int
    items: list[TrendMonthOut]


class TrendQuery(Schema):
    months: int = Field(12, description="How many months back, this one included (1–36).")


@router.get("/burden/trend", response=TrendOut, auth=None)
def get_trend(request: HttpRequest, query: Query[TrendQuery]) -> TrendOut:
    """Month by month, oldest first: what communities received, how many were over capacity
    and the heaviest, and the department with the most unadmitted work."""
    rows = received.trend(query.months, clock.today())
    return TrendOut(
        computed_at=timezone.localtime(clock.now()),
        count=len(rows),
        items=[
            TrendMonthOut(
                month=f"{r.month:%Y-%m}",
                received=r.received,
                unadmitted=r.unadmitted,
                admitted_hours=f"{r.admitted_hours}",
                over_capacity=r.over_capacity,
                heaviest=HeaviestOut(
                    code=r.heaviest.code, name=r.heaviest.name, load_ratio=f"{r.heaviest.ratio}"
                )
                if r.heaviest
                else None,
                top_department=_department_out(r.top_department) if r.top_department else None,
            )
            for r in rows
        ],
    )
