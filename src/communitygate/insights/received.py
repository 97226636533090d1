"""What communities actually receive (docs/burden.md "What communities receive"): the figures of
the dispatch rows for a period, by month, per subdistrict, community, department, domain and
class; the tasks behind a figure; the ranking of communities by load against capacity and of
departments by unadmitted work, and the trend of both.

Every reader is a fixed number of aggregate queries (GROUP BY in SQL) whatever the number of
communities, tasks and assignments. The period is the task's `created_at` (when it was sent),
read in Asia/Shanghai; an off-platform report counts on the day it happened (`occurred_on`).

The figures count assignments (one per community a task reached):
- received: every assignment; admitted / unadmitted: the gate's verdict;
- refused: state refused; overdue: still open (received, accepted, returned) and past its due
  date today (as the inbox says, `dispatch.selectors.OPEN_STATES`);
- deliverables submitted: submitted or completed; confirmed: completed;
- admitted hours: for each admitted assignment, its item's hours per occurrence (the item's
  estimated hours a community a year ÷ occurrences a year by frequency,
  `admissions.forecast.OCCURRENCES_PER_YEAR`; an ongoing or as-needed item: a month's share,
  hours ÷ 12);
- tasks: distinct tasks behind the assignments; off-platform: reports that happened in the
  period (none for domain and class: a report names no item).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from communitygate.admissions.forecast import NO_LOAD, OCCURRENCES_PER_YEAR, capacity_hours
from communitygate.admissions.selectors import community_loads
from communitygate.catalog.models import Domains, Frequencies, ItemClasses
from communitygate.core.errors import InvalidInput, Problem
from communitygate.core.periods import Period
from communitygate.dispatch.models import Assignment, AssignmentStates, OffPlatformReport, Task
from communitygate.dispatch.permissions import tasks_visible_to
from communitygate.dispatch.selectors import OPEN_STATES
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import community_staff, organisation_of_kind, staff_hours_per_year

ONE_DECIMAL = Decimal("0.1")
RATIO = Decimal("0.001")
DAYS_A_YEAR = Decimal(365)
# An ongoing or as-needed item has no count a year: a task of it is a month's share of its hours.
MONTHS_A_YEAR = 12
NONE_KEY = "none"  # the domain and class of a task sent without a catalog item

FIGURES = (
    "received",
    "admitted",
    "unadmitted",
    "refused",
    "overdue",
    "submitted",
    "confirmed",
)


@dataclass(frozen=True)
class Figures:
    received: int = 0
    admitted: int = 0
    unadmitted: int = 0
    refused: int = 0
    overdue: int = 0
    submitted: int = 0
    confirmed: int = 0
    tasks: int = 0
    admitted_hours: Decimal = Decimal("0.0")
    off_platform: int | None = 0  # None where a report cannot be placed (domain, class)


ZERO = Figures()


@dataclass(frozen=True)
class Row:
    key: str  # an organisation's code, a domain or class value, or NONE_KEY
    name: str
    figures: Figures
    parent: str = ""  # a community's subdistrict code


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the first day of the month
    figures: Figures


@dataclass(frozen=True)
class Filters:
    """Which assignments a figure counts: the period and, each optional, one subdistrict, one
    community, one department, one domain or class, one month of the period."""

    period: Period
    subdistrict: Organisation | None = None
    community: Organisation | None = None
    department: Organisation | None = None
    domain: str = ""
    item_class: str = ""
    month: dt.date | None = None


def moment(day: dt.date) -> dt.datetime:
    """The start of `day` in the district's time (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _bounds(filters: Filters) -> tuple[dt.date, dt.date]:
    start, end = filters.period.start, filters.period.end
    if filters.month is not None:
        start = max(start, filters.month)
        end = min(end, _next_month(filters.month) - dt.timedelta(days=1))
    return start, end


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def check_choice(value: str, choices: Iterable[str], name: str) -> str:
    allowed = [*choices, NONE_KEY]
    if value and value not in allowed:
        raise InvalidInput(
            [
                Problem(
                    f"{name} 须为 {'、'.join(allowed)} 之一。",
                    f"{name} must be one of {', '.join(allowed)}.",
                    field=name,
                )
            ]
        )
    return value


def _assignments(filters: Filters) -> QuerySet[Assignment]:
    """The assignments of tasks sent in the period within the filters. Indexes: task_created_idx
    (Task.created_at) for the period, assignment_one_per_community (task, community) for the
    join, org_path_idx for a subdistrict, assignment_inbox_idx for a community,
    task_department_idx for a department."""
    start, end = _bounds(filters)
    rows = Assignment.objects.filter(
        task__created_at__gte=moment(start), task__created_at__lt=moment(end + dt.timedelta(1))
    )
    if filters.subdistrict is not None:
        rows = rows.filter(community__path__startswith=f"{filters.subdistrict.path}/")
    if filters.community is not None:
        rows = rows.filter(community_id=filters.community.pk)
    if filters.department is not None:
        rows = rows.filter(task__department_id=filters.department.pk)
    if filters.domain:
        rows = rows.filter(_choice_condition("domain", filters.domain))
    if filters.item_class:
        rows = rows.filter(_choice_condition("item_class", filters.item_class))
    return rows.order_by()


def _choice_condition(field_name: str, value: str) -> Q:
    if value == NONE_KEY:
        return Q(task__item__isnull=True)
    return Q(**{f"task__item__{field_name}": value})


def _reports(filters: Filters) -> QuerySet[OffPlatformReport]:
    """Off-platform reports that happened in the period. Index: offplatform_occurred_idx
    (occurred_on, community)."""
    start, end = _bounds(filters)
    rows = OffPlatformReport.objects.filter(occurred_on__range=(start, end))
    if filters.subdistrict is not None:
        rows = rows.filter(community__path__startswith=f"{filters.subdistrict.path}/")
    if filters.community is not None:
        rows = rows.filter(community_id=filters.community.pk)
    if filters.department is not None:
        rows = rows.filter(department_id=filters.department.pk)
    return rows.order_by()


def figure_condition(figure: str, today: dt.date) -> Q:
    """Which assignments one figure counts."""
    conditions = {
        "received": Q(),
        "admitted": Q(admitted=True),
        "unadmitted": Q(admitted=False),
        "refused": Q(state=AssignmentStates.REFUSED),
        "overdue": Q(state__in=OPEN_STATES, due_on__lt=today),
        "submitted": Q(state__in=[AssignmentStates.SUBMITTED, AssignmentStates.COMPLETED]),
        "confirmed": Q(state=AssignmentStates.COMPLETED),
    }
    return conditions[figure]


def _aggregates(today: dt.date) -> dict[str, Any]:
    # Named n_<figure>: an annotation may not shadow a field its filters read (admitted).
    counts: dict[str, Any] = {
        f"n_{figure}": Count("id", filter=figure_condition(figure, today))
        if figure != "received"
        else Count("id")
        for figure in FIGURES
    }
    counts["n_tasks"] = Count("task_id", distinct=True)
    for frequency in Frequencies.values:
        counts[f"hours_{frequency}"] = Sum(
            "task__item__estimated_hours",
            filter=Q(admitted=True, task__item__frequency=frequency),
        )
    return counts


def hours_per_occurrence(hours_a_year: Decimal, frequency: str) -> Decimal:
    """An admitted task's share of its item's hours a year (see the module's docstring)."""
    return hours_a_year / OCCURRENCES_PER_YEAR.get(frequency, MONTHS_A_YEAR)


def _figures_of(row: Mapping[str, Any], off_platform: int | None) -> Figures:
    hours = sum(
        (
            hours_per_occurrence(Decimal(row[f"hours_{frequency}"] or 0), frequency)
            for frequency in Frequencies.values
        ),
        Decimal("0"),
    )
    return Figures(
        **{figure: row[f"n_{figure}"] or 0 for figure in FIGURES},
        tasks=row["n_tasks"] or 0,
        admitted_hours=hours.quantize(ONE_DECIMAL),
        off_platform=off_platform,
    )


def _grouped(
    filters: Filters, today: dt.date, key: Any, report_key: Any | None
) -> dict[Any, Figures]:
    """Figures per value of `key` (an expression or a field of Assignment): two queries, the
    assignments' and the reports' (none when `report_key` is None)."""
    key = F(key) if isinstance(key, str) else key
    rows = _assignments(filters).values(group=key).annotate(**_aggregates(today))
    reports: dict[Any, int] = {}
    if report_key is not None:
        report_key = F(report_key) if isinstance(report_key, str) else report_key
        reports = {
            row["group"]: row["n"]
            for row in _reports(filters).values(group=report_key).annotate(n=Count("id"))
        }
    figures = {
        row["group"]: _figures_of(row, reports.get(row["group"], 0) if report_key else None)
        for row in rows
    }
    for group, n in reports.items():
        if group not in figures:
            figures[group] = replace(ZERO, off_platform=n)
    return figures


def totals(filters: Filters, today: dt.date) -> Figures:
    """The figures of everything within the filters (two queries)."""
    row = _assignments(filters).aggregate(**_aggregates(today))
    return _figures_of(row, _reports(filters).count())


def _month_of(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def months_of(period: Period) -> list[dt.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = _next_month(month)
    return months


def by_month(filters: Filters, today: dt.date) -> list[MonthRow]:
    """Every month of the period with its figures, zeros included (two queries)."""
    grouped = _grouped(filters, today, TruncMonth("task__created_at"), TruncMonth("occurred_on"))
    merged: dict[dt.date, Figures] = {}
    for group, figures in grouped.items():
        month = _month_of(group)
        merged[month] = _plus(merged[month], figures) if month in merged else figures
    return [MonthRow(month, merged.get(month, ZERO)) for month in months_of(filters.period)]


def _plus(a: Figures, b: Figures) -> Figures:
    values: dict[str, Any] = {
        name: getattr(a, name) + getattr(b, name) for name in (*FIGURES, "tasks", "admitted_hours")
    }
    values["off_platform"] = (
        None
        if a.off_platform is None or b.off_platform is None
        else a.off_platform + b.off_platform
    )
    return Figures(**values)


def per_subdistrict(filters: Filters, today: dt.date) -> list[Row]:
    """Every subdistrict with its communities' figures (three queries)."""
    grouped = _grouped(filters, today, "community__parent_id", "community__parent_id")
    subdistricts = Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT).order_by("path")
    return [Row(s.code, s.name, grouped.get(s.pk, ZERO)) for s in subdistricts]


def communities_in(subdistrict: Organisation | None) -> QuerySet[Organisation]:
    communities = Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
    if subdistrict is not None:
        communities = communities.filter(path__startswith=f"{subdistrict.path}/")
    return communities.select_related("parent").order_by("path")


def per_community(filters: Filters, today: dt.date) -> list[Row]:
    """Every community of the subdistrict (of the district without one), zeros included (three
    queries)."""
    grouped = _grouped(filters, today, "community_id", "community_id")
    return [
        Row(c.code, c.name, grouped.get(c.pk, ZERO), parent=c.parent.code if c.parent else "")
        for c in communities_in(filters.subdistrict)
    ]


def per_department(filters: Filters, today: dt.date) -> list[Row]:
    """Every department, and any other sender (the committee office), zeros included (three
    queries). Reports naming no department are left out of the rows (they are in the totals)."""
    grouped = _grouped(filters, today, "task__department_id", "department_id")
    senders = Organisation.objects.filter(
        Q(kind=OrganisationKinds.DEPARTMENT) | Q(pk__in=[k for k in grouped if k is not None])
    ).order_by("kind", "code")
    return [Row(d.code, d.name, grouped.get(d.pk, ZERO)) for d in senders]


def _per_choice(filters: Filters, today: dt.date, field_name: str, choices: Any) -> list[Row]:
    grouped = _grouped(filters, today, f"task__item__{field_name}", None)
    zero = replace(ZERO, off_platform=None)
    rows = [Row(value, str(label), grouped.get(value, zero)) for value, label in choices]
    if None in grouped:
        rows.append(Row(NONE_KEY, "", grouped[None]))
    return rows


def per_domain(filters: Filters, today: dt.date) -> list[Row]:
    """Every domain of the catalog, and the tasks sent without an item (one query)."""
    return _per_choice(filters, today, "domain", Domains.choices)


def per_class(filters: Filters, today: dt.date) -> list[Row]:
    """Every class of item, and the tasks sent without an item (one query)."""
    return _per_choice(filters, today, "item_class", ItemClasses.choices)


# The tasks behind a figure -------------------------------------------------------------------


@dataclass(frozen=True)
class TasksBehind:
    """The tasks behind a figure: how many there are, how many of them the person may open, and
    one page of those, each with how many of its assignments the figure counts."""

    total: int
    visible: int
    tasks: list[Task]
    counted: dict[int, int] = field(default_factory=dict)


def tasks_behind(
    figure: str,
    filters: Filters,
    today: dt.date,
    *,
    user: User | AnonymousUser,
    limit: int,
    offset: int,
) -> TasksBehind:
    """Four queries (plus the person's grants): the total, the visible count, the page and the
    counts of the page's tasks. Task rows are shown only to those dispatch lets read them
    (`tasks_visible_to`): the figure is everyone's, the task's title is not."""
    check_choice(figure, FIGURES, "figure")
    matching = _assignments(filters).filter(figure_condition(figure or "received", today))
    behind = Task.objects.filter(pk__in=matching.values("task_id"))
    visible = behind.filter(pk__in=tasks_visible_to(user).values("pk"))
    page = list(
        visible.select_related("department", "item").order_by("-created_at", "-pk")[
            offset : offset + limit
        ]
    )
    counted = dict(
        matching.filter(task_id__in=[t.pk for t in page])
        .values_list("task_id")
        .annotate(n=Count("id"))
        .values_list("task_id", "n")
    )
    return TasksBehind(behind.count(), visible.count(), page, counted)


# Ranking and outliers ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadRow:
    """A community's load against its capacity in a period (docs/burden.md):
    standing = the catalog's hours a year for it (`community_loads`, at the period's end) × the
    period's days ÷ 365; received = its admitted tasks' hours in the period; capacity = staff ×
    one person's hours a year × days ÷ 365; ratio = (standing + received) ÷ capacity."""

    code: str
    name: str
    subdistrict: str
    staff: int
    capacity: Decimal
    standing: Decimal
    received_hours: Decimal
    received: int
    unadmitted: int

    @property
    def load(self) -> Decimal:
        return self.standing + self.received_hours

    @property
    def ratio(self) -> Decimal:
        return (self.load / self.capacity).quantize(RATIO) if self.capacity else Decimal("0")

    @property
    def over_capacity(self) -> bool:
        return self.load > self.capacity


def _share_of_year(days: int) -> Decimal:
    return Decimal(days) / DAYS_A_YEAR


def community_load_rows(
    filters: Filters, today: dt.date, communities: list[Organisation] | None = None
) -> list[LoadRow]:
    """Every community in scope with its load and capacity, heaviest against capacity first
    (four queries: the communities, the catalog's two, the assignments')."""
    if communities is None:
        communities = list(communities_in(filters.subdistrict))
    start, end = _bounds(filters)
    share = _share_of_year((end - start).days + 1)
    loads = community_loads(communities, day=end)
    grouped = _grouped(filters, today, "community_id", None)
    per_staff = staff_hours_per_year()
    rows = []
    for community in communities:
        figures = grouped.get(community.pk, ZERO)
        staff = community_staff(community)
        rows.append(
            LoadRow(
                code=community.code,
                name=community.name,
                subdistrict=community.parent.name if community.parent else "",
                staff=staff,
                capacity=(capacity_hours(staff, per_staff) * share).quantize(ONE_DECIMAL),
                standing=(loads.get(community.pk, NO_LOAD).hours * share).quantize(ONE_DECIMAL),
                received_hours=figures.admitted_hours,
                received=figures.received,
                unadmitted=figures.unadmitted,
            )
        )
    rows.sort(key=lambda r: (-r.ratio, -r.unadmitted, r.code))
    return rows


def departments_by_unadmitted(filters: Filters, today: dt.date) -> list[Row]:
    """The senders with unadmitted work, most first (three queries)."""
    rows = [r for r in per_department(filters, today) if r.figures.unadmitted]
    rows.sort(key=lambda r: (-r.figures.unadmitted, -r.figures.received, r.key))
    return rows


@dataclass(frozen=True)
class TrendRow:
    """One month: what communities received, how many were over capacity and the heaviest one,
    and the department with the most unadmitted work."""

    month: dt.date
    received: int
    unadmitted: int
    admitted_hours: Decimal
    over_capacity: int
    heaviest: LoadRow | None
    top_department: Row | None


MAX_TREND_MONTHS = 36


def trend(months: int, today: dt.date) -> list[TrendRow]:
    """The last `months` months (this one included), oldest first, in six queries whatever
    the number of months: the communities, the catalog's two, the assignments per month and
    community, per month and department, and the senders."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise InvalidInput(
            [
                Problem(
                    f"months 须在 1 到 {MAX_TREND_MONTHS} 之间。",
                    f"months must be between 1 and {MAX_TREND_MONTHS}.",
                    field="months",
                )
            ]
        )
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    period = Period(first, today, f"{first:%Y-%m}..{today:%Y-%m}")
    filters = Filters(period)
    communities = list(communities_in(None))
    per_staff = staff_hours_per_year()
    loads = community_loads(communities, day=today)
    month_key = TruncMonth("task__created_at")
    by_community: dict[tuple[dt.date, int], Figures] = {}
    rows = (
        _assignments(filters).values("community_id", month=month_key).annotate(**_aggregates(today))
    )
    for row in rows:
        key = (_month_of(row["month"]), row["community_id"])
        figures = _figures_of(row, None)
        by_community[key] = _plus(by_community[key], figures) if key in by_community else figures
    by_department: dict[dt.date, dict[int, int]] = {}
    for sent in (
        _assignments(filters)
        .filter(admitted=False)
        .values("task__department_id", month=month_key)
        .annotate(n=Count("id"))
    ):
        month = _month_of(sent["month"])
        counts = by_department.setdefault(month, {})
        department_id = sent["task__department_id"]
        counts[department_id] = counts.get(department_id, 0) + sent["n"]
    senders = {
        o.pk: o
        for o in Organisation.objects.filter(
            Q(kind=OrganisationKinds.DEPARTMENT)
            | Q(pk__in={d for counts in by_department.values() for d in counts})
        )
    }
    result = []
    for month in months_of(period):
        end = min(_next_month(month) - dt.timedelta(days=1), today)
        share = _share_of_year((end - month).days + 1)
        load_rows = []
        for community in communities:
            figures = by_community.get((month, community.pk), ZERO)
            staff = community_staff(community)
            load_rows.append(
                LoadRow(
                    code=community.code,
                    name=community.name,
                    subdistrict=community.parent.name if community.parent else "",
                    staff=staff,
                    capacity=(capacity_hours(staff, per_staff) * share).quantize(ONE_DECIMAL),
                    standing=(loads.get(community.pk, NO_LOAD).hours * share).quantize(ONE_DECIMAL),
                    received_hours=figures.admitted_hours,
                    received=figures.received,
                    unadmitted=figures.unadmitted,
                )
            )
        load_rows.sort(key=lambda r: (-r.ratio, -r.unadmitted, r.code))
        counts = by_department.get(month, {})
        top = min(counts.items(), key=lambda kv: (-kv[1], senders[kv[0]].code), default=None)
        result.append(
            TrendRow(
                month=month,
                received=sum(r.received for r in load_rows),
                unadmitted=sum(r.unadmitted for r in load_rows),
                admitted_hours=sum((r.received_hours for r in load_rows), Decimal("0.0")),
                over_capacity=sum(1 for r in load_rows if r.over_capacity),
                heaviest=load_rows[0] if load_rows else None,
                top_department=(
                    Row(
                        senders[top[0]].code, senders[top[0]].name, replace(ZERO, unadmitted=top[1])
                    )
                    if top
                    else None
                ),
            )
        )
    return result


# Reading the filters people ask for ---------------------------------------------------------


def _organisation(code: str, kind: OrganisationKinds) -> Organisation | None:
    if not code:
        return None
    return organisation_of_kind(code, kind)


def _month(text: str, period: Period) -> dt.date | None:
    if not text:
        return None
    try:
        month = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        month = None
    if month is None or not period.start.replace(day=1) <= month <= period.end:
        raise InvalidInput(
            [
                Problem(
                    f"月份“{text[:20]}”须写作 2026-03，且在所选期间之内。",
                    f"month '{text[:20]}' must be written 2026-03 and lie within the period.",
                    field="month",
                )
            ]
        )
    return month


def filters_from(
    period: Period,
    *,
    subdistrict: str = "",
    community: str = "",
    department: str = "",
    domain: str = "",
    item_class: str = "",
    month: str = "",
) -> Filters:
    """The filters named by codes and values as a page or the API receives them: an unknown
    code is not found (named after its kind), a value outside its choices is invalid input."""
    return Filters(
        period=period,
        subdistrict=_organisation(subdistrict, OrganisationKinds.SUBDISTRICT),
        community=_organisation(community, OrganisationKinds.COMMUNITY),
        department=_organisation(department, OrganisationKinds.DEPARTMENT),
        domain=check_choice(domain, Domains.values, "domain"),
        item_class=check_choice(item_class, ItemClasses.values, "class"),
        month=_month(month, period),
    )


def filters_query(filters: Filters, **changes: Any) -> dict[str, str]:
    """The filters as the page's query parameters (for links and exports)."""
    values = {
        "period": filters.period.text,
        "subdistrict": filters.subdistrict.code if filters.subdistrict else "",
        "community": filters.community.code if filters.community else "",
        "department": filters.department.code if filters.department else "",
        "domain": filters.domain,
        "class": filters.item_class,
        "month": f"{filters.month:%Y-%m}" if filters.month else "",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value}
