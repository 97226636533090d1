"""The pages of what communities receive (/burden/received/): the district's months with the
drill-down (district → subdistrict → community → the tasks behind a figure), the departments,
domains and classes, the ranking and its trend, each table with its XLSX export. For everyone
signed in: the figures are counts; a task behind a figure is listed only to those dispatch lets
read it. Figures are exact when asked (from the monthly roll-ups where they hold a month, else the
rows); each page and file says when, and when the roll-ups were rebuilt. The public version of these
figures (aggregates only, for anyone) is `public_page` at the end."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.core.tabular import xlsx_response
from communitygate.http.pages import page_window
from communitygate.insights import received
from communitygate.insights.received import Filters, Row
from communitygate.insights.received_exports import (
    About,
    Sheet,
    filter_texts,
    months_sheet,
    ranking_sheet,
    rows_sheet,
    sheet_pdf,
    sheet_xlsx,
    trend_sheet,
)

PAGE_SIZE = 50
RANKING_SHOWN = 50
DEFAULT_TREND_MONTHS = 12


@dataclass(frozen=True)
class Drill:
    """A row of a table with where its name leads and the query of the tasks behind it."""

    row: Row
    href: str
    tasks_query: str


def _filters(request: HttpRequest) -> Filters:
    """The filters of the query string; a period, code or value that cannot be read is the
    error page (422, or 404 for an unknown code), never another period's figures."""
    get = request.GET
    period = parse_period(get.get("period", ""), today=clock.today())
    return received.filters_from(
        period,
        subdistrict=get.get("subdistrict", ""),
        community=get.get("community", ""),
        department=get.get("department", ""),
        domain=get.get("domain", ""),
        item_class=get.get("class", ""),
        month=get.get("month", ""),
    )


def _query(filters: Filters, **changes: str) -> str:
    return urlencode(received.filters_query(filters, **changes))


def _tasks_link(filters: Filters, **changes: str) -> str:
    return _query(filters, **changes)


def _common(request: HttpRequest, filters: Filters) -> dict[str, object]:
    return {
        "filters": filters,
        "period": filters.period,
        "query": _query(filters),
        "computed_at": timezone.localtime(clock.now()),
        "rolled_up_at": received.rolled_up_at(filters, clock.today()),
    }


@login_required
def received_page(request: HttpRequest) -> HttpResponse:
    """The months of the district, a subdistrict or a community, and the next level down."""
    filters = _filters(request)
    today = clock.today()
    months = received.by_month(filters, today)
    base = reverse("insights:received")
    level: list[Drill] = []
    if filters.community is None and filters.subdistrict is None:
        level = [
            Drill(
                r,
                f"{base}?{_query(filters, subdistrict=r.key)}",
                _tasks_link(filters, subdistrict=r.key),
            )
            for r in received.per_subdistrict(filters, today)
        ]
        level_table = "subdistricts"
    elif filters.community is None:
        level = [
            Drill(
                r,
                f"{base}?{_query(filters, subdistrict='', community=r.key)}",
                _tasks_link(filters, subdistrict="", community=r.key),
            )
            for r in received.per_community(filters, today)
        ]
        level_table = "communities"
    else:
        departments = reverse("insights:received_departments")
        level = [
            Drill(
                r,
                f"{departments}?{_query(filters, department=r.key)}",
                _tasks_link(filters, department=r.key),
            )
            for r in received.per_department(filters, today)
        ]
        level_table = "departments"
    context = _common(request, filters)
    context.update(
        {
            "months": [(m, _tasks_link(filters, month=f"{m.month:%Y-%m}")) for m in months],
            "total": received.totals(filters, today),
            "level": level,
            "level_table": level_table,
        }
    )
    return render(request, "insights/received_district.html", context)


@login_required
def departments_page(request: HttpRequest) -> HttpResponse:
    """Per department, domain and class (within a subdistrict or community when asked)."""
    filters = _filters(request)
    today = clock.today()
    context = _common(request, filters)
    context.update(
        {
            "departments": [
                Drill(r, "", _tasks_link(filters, department=r.key))
                for r in received.per_department(filters, today)
            ],
            "domains": [
                Drill(r, "", _tasks_link(filters, domain=r.key))
                for r in received.per_domain(filters, today)
            ],
            "classes": [
                Drill(r, "", _tasks_link(filters, **{"class": r.key}))
                for r in received.per_class(filters, today)
            ],
        }
    )
    return render(request, "insights/received_departments.html", context)


def _months(request: HttpRequest) -> int:
    text = request.GET.get("months", "") or str(DEFAULT_TREND_MONTHS)
    try:
        return int(text)
    except ValueError:
        return 0  # trend() answers it as invalid input


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    """The communities heaviest against their capacity, the departments with the most
    unadmitted work, and the trend of both."""
    filters = _filters(request)
    today = clock.today()
    months = _months(request)
    loads = received.community_load_rows(filters, today)
    context = _common(request, filters)
    context.update(
        {
            "loads": loads[:RANKING_SHOWN],
            "loads_count": len(loads),
            "over_capacity": sum(1 for r in loads if r.over_capacity),
            "departments": received.departments_by_unadmitted(filters, today),
            "trend": received.trend(months, today),
            "trend_months": months,
            "months_query": f"&months={months}",
        }
    )
    return render(request, "insights/received_ranking.html", context)


def _figure_label(figure: str) -> str:
    labels = {
        "received": _("Received"),
        "admitted": _("Admitted"),
        "unadmitted": _("Unadmitted"),
        "refused": _("Refused"),
        "overdue": _("Overdue"),
        "submitted": _("Deliverables submitted"),
        "confirmed": _("Deliverables confirmed"),
    }
    return labels.get(figure, figure)


@login_required
def tasks_page(request: HttpRequest) -> HttpResponse:
    """The tasks behind one figure, a page at a time."""
    filters = _filters(request)
    figure = request.GET.get("figure", "") or "received"
    today = clock.today()
    offset = page_window(request, 0, PAGE_SIZE).offset
    behind = received.tasks_behind(
        figure, filters, today, user=request.user, limit=PAGE_SIZE, offset=offset
    )
    window = page_window(request, behind.visible, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("offset", None)
    context = _common(request, filters)
    context.update(
        {
            "figure": _figure_label(figure),
            "behind": behind,
            "rows": [(t, behind.counted.get(t.pk, 0)) for t in behind.tasks],
            "page": {
                "previous_offset": window.previous_offset,
                "next_offset": window.next_offset,
                "query": query.urlencode(),
            },
        }
    )
    return render(request, "insights/received_tasks.html", context)


def _trend_sheet(request: HttpRequest, filters: Filters, today: dt.date) -> Sheet:
    return trend_sheet(received.trend(_months(request), today))


# Each table's rows, for the filters of the page it came from (the URL names one of these);
# the workbook and the PDF are both written from them (received_exports).
SHEETS: dict[str, Callable[[HttpRequest, Filters, dt.date], Sheet]] = {
    "months": lambda r, f, t: months_sheet(received.by_month(f, t)),
    "subdistricts": lambda r, f, t: rows_sheet(_("Subdistricts"), received.per_subdistrict(f, t)),
    "communities": lambda r, f, t: rows_sheet(_("Communities"), received.per_community(f, t)),
    "departments": lambda r, f, t: rows_sheet(_("Departments"), received.per_department(f, t)),
    "domains": lambda r, f, t: rows_sheet(
        _("Domains"), received.per_domain(f, t), off_platform=False
    ),
    "classes": lambda r, f, t: rows_sheet(
        _("Classes"), received.per_class(f, t), off_platform=False
    ),
    "ranking": lambda r, f, t: ranking_sheet(received.community_load_rows(f, t)),
    "unadmitted": lambda r, f, t: rows_sheet(
        _("Unadmitted work"), received.departments_by_unadmitted(f, t)
    ),
    "trend": _trend_sheet,
}
# The tables of the public version (received_public): the district's, no ranking (it is built
# on the communities' staff records) and no domain or class (the catalog's own pages say those).
PUBLIC_SHEETS = ("months", "subdistricts", "communities", "departments", "trend")
FORMATS = ("xlsx", "pdf")


def file_response(request: HttpRequest, filters: Filters, table: str, fmt: str) -> HttpResponse:
    """One table as a workbook or a PDF, both from the same rows (`SHEETS[table]`)."""
    sheet = SHEETS[table](request, filters, clock.today())
    trend = table == "trend"  # the last N months, whatever the period
    about = About(
        period=None if trend else filters.period,
        computed_at=clock.now(),
        rolled_up_at=received.rolled_up_at(filters, clock.today()),
        filters=[f"{_('Months')}：{_months(request)}"] if trend else filter_texts(filters),
    )
    name = f"received-{table}-{filters.period.text}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(sheet_xlsx(sheet, about), name)
    response = HttpResponse(sheet_pdf(sheet, about), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table as a workbook or a PDF (`table` is one of SHEETS, `fmt` one of FORMATS: the
    URL matches no other)."""
    return file_response(request, _filters(request), table, fmt)


# The public version (aggregates only) --------------------------------------------------------


def _public_filters(request: HttpRequest) -> Filters:
    """The public page's filters: the period and a subdistrict, nothing finer."""
    get = request.GET
    period = parse_period(get.get("period", ""), today=clock.today())
    return received.filters_from(period, subdistrict=get.get("subdistrict", ""))


def public_page(request: HttpRequest) -> HttpResponse:
    """For anyone: the district's (a subdistrict's) months, its subdistricts (communities), the
    departments and the trend — counts of organisations' work, no task and no person."""
    filters = _public_filters(request)
    today = clock.today()
    months = _months(request)
    base = reverse("insights:public_received")
    if filters.subdistrict is None:
        places = [
            Drill(r, f"{base}?{_query(filters, subdistrict=r.key)}", "")
            for r in received.per_subdistrict(filters, today)
        ]
        places_table = "subdistricts"
    else:
        places = [Drill(r, "", "") for r in received.per_community(filters, today)]
        places_table = "communities"
    context = _common(request, filters)
    context.update(
        {
            "public": True,
            "plain": True,
            "months": [(m, "") for m in received.by_month(filters, today)],
            "total": received.totals(filters, today),
            "places": places,
            "places_table": places_table,
            "departments": [Drill(r, "", "") for r in received.per_department(filters, today)],
            "trend": received.trend(months, today),
            "trend_months": months,
            "months_query": f"&months={months}",
            "district_query": _query(filters, subdistrict=""),
        }
    )
    return render(request, "insights/received_public.html", context)


def public_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """A table of the public page as a workbook or a PDF (`table` one of PUBLIC_SHEETS)."""
    return file_response(request, _public_filters(request), table, fmt)
