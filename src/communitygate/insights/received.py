"""What communities actually receive (docs/burden.md "What communities receive"): the figures of
the dispatch rows for a period, by month, per subdistrict, community, department, domain and
class; the tasks behind a figure; the ranking of communities by load against capacity and of
departments by unadmitted work, and the trend of both.

Every reader is a fixed number of aggregate queries (GROUP BY in SQL) whatever the number of
communities, tasks and assignments. Where the roll-ups hold a month exactly (`insights.rollups`,
`sources`), it is read from them; the other days from the rows; the two give the same figures
(tests/test_rollups.py). The period is the task's `created_at` (when it was sent),
read in Asia/Shanghai; an off-platform report counts on the day it happened (`occurred_on`).

The figures count assignments (one per community a task reached):
- received: every assignment; admitted / unadmitted: the gate's verdict;
- refused: state refused; overdue: admitted, still open (received, accepted, returned) and past
  its due date today (as the inbox says, `dispatch.selectors.owed_by_community`: an unadmitted
  task is never overdue for a community);
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
from communitygate.dispatch.models import Assignment, AssignmentStates, Task
from communitygate.dispatch.permissions import tasks_visible_to
from communitygate.dispatch.selectors import owed_by_community
from communitygate.insights import received_sql
from communitygate.insights.models import (
    ReceivedCommunityMonth,
)
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import community_staff, organisation_of_kind, staff_hours_per_year

ONE_DECIMAL = Decimal("0.1")
RATIO = Decimal("0.001")
DAYS_A_YEAR = Decimal(365)
# An ongoing or as-needed item has no count a year: a task of it is a month's share of its hours.
MONTHS_A_YEAR = 12
NONE_KEY = received_sql.NONE_KEY  # the domain and class of a task sent without a catalog item

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
        rows = rows.filter(_choice_condition("task__item__domain", filters.domain))
    if filters.item_class:
        rows = rows.filter(_choice_condition("task__item__item_class", filters.item_class))
    return rows.order_by()


def _choice_condition(field_path: str, value: str) -> Q:
    """A domain or class; NONE_KEY: no item (the field is empty)."""
    if value == NONE_KEY:
        return Q(**{f"{field_path}__isnull": True})
    return Q(**{field_path: value})


def figure_condition(figure: str, today: dt.date) -> Q:
    """Which assignments one figure counts."""
    conditions = {
        "received": Q(),
        "admitted": Q(admitted=True),
        "unadmitted": Q(admitted=False),
        "refused": Q(state=AssignmentStates.REFUSED),
        "overdue": owed_by_community(today),
        "submitted": Q(state__in=[AssignmentStates.SUBMITTED, AssignmentStates.COMPLETED]),
        "confirmed": Q(state=AssignmentStates.COMPLETED),
    }
    return conditions[figure]


def row_aggregates(
    today: dt.date, *, tasks: bool = True, figures: tuple[str, ...] = FIGURES
) -> dict[str, Any]:
    """The figures of assignments as SQL aggregates: n_<figure> counts (of `figures`), n_tasks
    (distinct; left out with `tasks=False`), and the admitted items' hours a year summed per
    frequency (hours_<frequency>)."""
    # Named n_<figure>: an annotation may not shadow a field its filters read (admitted).
    counts: dict[str, Any] = {
        f"n_{figure}": Count("id", filter=figure_condition(figure, today))
        if figure != "received"
        else Count("id")
        for figure in figures
    }
    if tasks:
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


def _added(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Two sets of raw sums added (hours stay unrounded until `_figures_of`)."""
    return {name: (a.get(name) or 0) + (b.get(name) or 0) for name in a.keys() | b.keys()}


# (the sum's name, the frequency) for each frequency: read once, not per row (a city's trend
# turns 13,000 rows into figures).
HOURS = tuple((f"hours_{frequency}", frequency) for frequency in Frequencies.values)
COUNTS = tuple((f"n_{figure}", figure) for figure in FIGURES)


def hours_of(row: Mapping[str, Any]) -> Decimal:
    """The admitted hours of a row of raw sums (one decimal)."""
    hours = Decimal("0")
    for name, frequency in HOURS:
        if value := row.get(name):
            hours += hours_per_occurrence(Decimal(value), frequency)
    return hours.quantize(ONE_DECIMAL)


def _figures_of(row: Mapping[str, Any], off_platform: int | None) -> Figures:
    return Figures(
        **{figure: row.get(name) or 0 for name, figure in COUNTS},
        tasks=row.get("n_tasks") or 0,
        admitted_hours=hours_of(row),
        off_platform=off_platform,
    )


# Where a figure is read: the roll-ups for the months they hold exactly, the rows for the rest --


@dataclass(frozen=True)
class Key:
    """One way of grouping the figures, as each source names it (None: that source cannot)."""

    row: Any  # on Assignment
    community: str | None  # on ReceivedCommunityMonth
    area: str | None  # on ReceivedAreaCell


KEYS: dict[str, Key] = {
    "month": Key(TruncMonth("task__created_at"), "month", "month"),
    "subdistrict": Key("community__parent_id", "community__parent_id", "area_id"),
    "community": Key("community_id", "community_id", None),
    "department": Key("task__department_id", None, "sender_id"),
    "domain": Key("task__item__domain", None, "domain"),
    "class": Key("task__item__item_class", None, "item_class"),
}
KINDS = ("department", "domain", "class")  # what the community roll-up does not split by


def _rollup_for(filters: Filters, keys: tuple[str, ...]) -> str | None:
    """Which roll-up answers this grouping: the community one (per community, month or
    subdistrict, no kind of work asked), the area one (no community asked), or none (a community
    by department, domain or class: its rows are few, read from them)."""
    by_community = "community" in keys or filters.community is not None
    by_kind = any(k in keys for k in KINDS) or bool(
        filters.department or filters.domain or filters.item_class
    )
    if by_community:
        return None if by_kind else "community"
    return "area"


@dataclass(frozen=True)
class Sources:
    """Which months of the filters' days the roll-ups answer (`built`), and which days are left
    to the rows (`row_days`, whole days as (first, last) ranges)."""

    built: tuple[dt.date, ...]
    row_days: tuple[tuple[dt.date, dt.date], ...]
    refreshed_at: dt.datetime | None  # the oldest refresh among the built months


def _candidate_months(filters: Filters) -> list[dt.date]:
    """The months a roll-up could answer for the filters' days: those starting within them."""
    start, end = _bounds(filters)
    return [m for m in months_of(Period(start, end, "")) if m >= start]


def _after_end(filters: Filters) -> dt.datetime:
    return moment(_bounds(filters)[1] + dt.timedelta(1))


def _plan(filters: Filters, usable: Mapping[dt.date, dt.datetime]) -> Sources:
    """The days left to the rows once the `usable` months are read from a roll-up."""
    start, end = _bounds(filters)
    built = tuple(sorted(usable))
    row_days: list[tuple[dt.date, dt.date]] = []
    day = start
    for month in built:
        if day < month:
            row_days.append((day, month - dt.timedelta(1)))
        day = _next_month(month)
    if day <= end:
        row_days.append((day, end))
    return Sources(built, tuple(row_days), min(usable.values()) if usable else None)


def sources(filters: Filters, today: dt.date) -> Sources:
    """One query: the built months that hold every task of the filters' days in them, counted
    on `today` (overdue is as of a day), with no task changed since. A month counts when the
    filters cover it whole, or from its first day when nothing in it was sent after their end
    (the rule: `received_sql._usable`)."""
    usable = received_sql.usable_months(_candidate_months(filters), today, _after_end(filters))
    return _plan(filters, usable)


def _scope(filters: Filters) -> received_sql.Scope:
    return received_sql.Scope(
        subdistrict_path=filters.subdistrict.path if filters.subdistrict else None,
        subdistrict_id=filters.subdistrict.pk if filters.subdistrict else None,
        community_id=filters.community.pk if filters.community else None,
        department_id=filters.department.pk if filters.department else None,
        domain=filters.domain,
        item_class=filters.item_class,
    )


def rolled_up_at(filters: Filters, today: dt.date) -> dt.datetime | None:
    """When the roll-ups that answer for the filters' days were rebuilt (the oldest of them),
    or None when every day is read from the rows: what a page says of its figures' freshness."""
    return sources(filters, today).refreshed_at


def _on_days(
    rows: QuerySet[Assignment], days: tuple[tuple[dt.date, dt.date], ...]
) -> QuerySet[Assignment]:
    condition = Q()
    for first, last in days:
        condition |= Q(
            task__created_at__gte=moment(first), task__created_at__lt=moment(last + dt.timedelta(1))
        )
    return rows.filter(condition)


def _expression(value: Any) -> Any:
    return F(value) if isinstance(value, str) else value


def _summed(
    query: QuerySet[Any], keys: tuple[str, ...], names: list[Any], aggregates: dict[str, Any]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """One GROUP BY: the sums of `aggregates` per value of the `keys` (named as each source names
    them in `names`); one row keyed () without keys."""
    if not keys:
        return {(): query.aggregate(**aggregates)}
    grouping = {f"g_{key}": _expression(name) for key, name in zip(keys, names, strict=True)}
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in query.values(**grouping).annotate(**aggregates):
        group = tuple(_group_value(key, row.pop(f"g_{key}")) for key in keys)
        before = groups.get(group)
        # the same group twice: the rows' months in two time zones' views of a day, say
        groups[group] = row if before is None else _added(before, row)
    return groups


def _group_value(key: str, value: Any) -> Any:
    return _month_of(value) if key == "month" and value is not None else value


@dataclass(frozen=True)
class RawSums:
    """The raw sums per group, where they were read (`plan`), and the off-platform reports per
    group when they were asked for."""

    sums: dict[tuple[Any, ...], dict[str, Any]]
    plan: Sources
    reports: dict[tuple[Any, ...], int]
    labels: list[received_sql.Label] | None = None  # when asked and read in the same statement


def _raw_sums(
    filters: Filters,
    today: dt.date,
    keys: tuple[str, ...],
    figures: tuple[str, ...] = FIGURES,
    *,
    reports: bool = False,
    labels: tuple[str, str | None] | None = None,
) -> RawSums:
    """The raw sums per group: the usable months from a roll-up, with which months those are and
    the reports when asked, in one statement (`received_sql.fresh_sums`); the other days from
    the rows (one query, only when there are such days). A community by department, domain or
    class is read from its rows (and its reports in one more statement)."""
    rollup = _rollup_for(filters, keys)
    start, end = _bounds(filters)
    if rollup is None:
        plan = Sources((), ((start, end),), None)
        counted = received_sql.report_counts(_scope(filters), keys, start, end) if reports else {}
        return RawSums(_row_sums(filters, today, keys, plan.row_days, figures), plan, counted)
    fresh = received_sql.fresh_sums(
        rollup,
        _scope(filters),
        keys,
        figures,
        months=_candidate_months(filters),
        today=today,
        after_end=_after_end(filters),
        reports=(start, end) if reports else None,
        labels=labels,
    )
    plan = _plan(filters, fresh.months)
    merged = fresh.groups
    if rollup == "community":
        for sums in merged.values():
            sums["n_tasks"] = sums.get("n_received") or 0  # a community's tasks
    for group, row in _row_sums(filters, today, keys, plan.row_days, figures).items():
        before = merged.get(group)
        merged[group] = row if before is None else _added(before, row)
    return RawSums(merged, plan, fresh.reports, fresh.labels)


def _row_sums(
    filters: Filters,
    today: dt.date,
    keys: tuple[str, ...],
    row_days: tuple[tuple[dt.date, dt.date], ...],
    figures: tuple[str, ...],
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The raw sums per group of the assignments of tasks sent on `row_days` (no query without
    such days)."""
    if not row_days:
        return {}
    rows = _on_days(_assignments(filters), row_days)
    aggregates = row_aggregates(today, figures=figures)
    return _summed(rows, keys, [KEYS[k].row for k in keys], aggregates)


def _grouped(
    filters: Filters,
    today: dt.date,
    keys: tuple[str, ...],
    *,
    reports: bool,
    labels: tuple[str, str | None] | None = None,
) -> tuple[dict[tuple[Any, ...], Figures], list[received_sql.Label] | None]:
    """Figures per group of `keys`: where the roll-ups answer, from them; the rest from the rows;
    and the off-platform reports (none when `reports` is False). With `labels` (a kind of
    organisation and the path they lie under) their labels, when the same statement read them."""
    read = _raw_sums(filters, today, keys, reports=reports, labels=labels)
    sums, counted = read.sums, read.reports
    figures = {
        group: _figures_of(row, counted.get(group, 0) if reports else None)
        for group, row in sums.items()
        if keys or row.get("n_received")
    }
    for group, n in counted.items():
        if group not in figures:
            figures[group] = replace(ZERO, off_platform=n)
    return figures, read.labels


def _by(filters: Filters, today: dt.date, key: str, *, reports: bool) -> dict[Any, Figures]:
    grouped, _ = _grouped(filters, today, (key,), reports=reports)
    return {group[0]: f for group, f in grouped.items()}


def totals(filters: Filters, today: dt.date) -> Figures:
    """The figures of everything within the filters."""
    grouped, _ = _grouped(filters, today, (), reports=True)
    return grouped.get((), ZERO)


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
    """Every month of the period with its figures, zeros included."""
    grouped = _by(filters, today, "month", reports=True)
    return [MonthRow(month, grouped.get(month, ZERO)) for month in months_of(filters.period)]


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
    """Every subdistrict with its communities' figures."""
    grouped = _by(filters, today, "subdistrict", reports=True)
    subdistricts = Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT).order_by("path")
    return [
        Row(code, name, grouped.get(pk, ZERO))
        for pk, code, name in subdistricts.values_list("pk", "code", "name")
    ]


def communities_in(subdistrict: Organisation | None) -> QuerySet[Organisation]:
    communities = Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
    if subdistrict is not None:
        communities = communities.filter(path__startswith=f"{subdistrict.path}/")
    return communities.select_related("parent").order_by("path")


def per_community(filters: Filters, today: dt.date) -> list[Row]:
    """Every community of the subdistrict (of the district without one), zeros included."""
    grouped, labels = _grouped(
        filters,
        today,
        ("community",),
        reports=True,
        labels=(
            OrganisationKinds.COMMUNITY,
            filters.subdistrict.path if filters.subdistrict else None,
        ),
    )
    if labels is None:  # read from the rows: the labels apart
        labels = _labels_of(communities_in(filters.subdistrict))
    return [
        Row(label.code, label.name, grouped.get((label.pk,), ZERO), parent=label.parent)
        for label in labels
    ]


def per_department(filters: Filters, today: dt.date) -> list[Row]:
    """Every department, and any other sender (the committee office), zeros included.
    Reports naming no department are left out of the rows (they are in the totals)."""
    grouped, labels = _grouped(
        filters, today, ("department",), reports=True, labels=(OrganisationKinds.DEPARTMENT, None)
    )
    if labels is None:  # read from the rows: the labels apart
        labels = _labels_of(Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT))
    others = {group[0] for group in grouped} - {label.pk for label in labels} - {None}
    if others:  # senders that are not departments (the committee office)
        labels = labels + _labels_of(Organisation.objects.filter(pk__in=others))
    return [
        Row(label.code, label.name, grouped.get((label.pk,), ZERO))
        for label in sorted(labels, key=lambda label: (label.kind, label.code))
    ]


def _labels_of(organisations: QuerySet[Organisation]) -> list[received_sql.Label]:
    """The labels of `organisations` in path order, as `received_sql` reads them."""
    return [
        received_sql.Label(pk, kind, code, name, parent or "", path)
        for pk, kind, code, name, parent, path in organisations.order_by("path").values_list(
            "pk", "kind", "code", "name", "parent__code", "path"
        )
    ]


def _per_choice(filters: Filters, today: dt.date, key: str, choices: Any) -> list[Row]:
    grouped = _by(filters, today, key, reports=False)
    zero = replace(ZERO, off_platform=None)
    rows = [Row(value, str(label), grouped.get(value, zero)) for value, label in choices]
    if None in grouped:
        rows.append(Row(NONE_KEY, "", grouped[None]))
    return rows


def per_domain(filters: Filters, today: dt.date) -> list[Row]:
    """Every domain of the catalog, and the tasks sent without an item."""
    return _per_choice(filters, today, "domain", Domains.choices)


def per_class(filters: Filters, today: dt.date) -> list[Row]:
    """Every class of item, and the tasks sent without an item."""
    return _per_choice(filters, today, "class", ItemClasses.choices)


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
    (the communities, the catalog's two, and the figures per community)."""
    if communities is None:
        communities = list(communities_in(filters.subdistrict))
    start, end = _bounds(filters)
    share = _share_of_year((end - start).days + 1)
    loads = community_loads(communities, day=end)
    grouped = _by(filters, today, "community", reports=False)
    per_staff = staff_hours_per_year()
    rows = [
        _load_row(community, grouped.get(community.pk, ZERO), loads, per_staff, share)
        for community in communities
    ]
    rows.sort(key=_heaviest_first)
    return rows


def _load_row(
    community: Organisation,
    figures: Figures,
    loads: Mapping[int, Any],
    per_staff: Decimal,
    share: Decimal,
) -> LoadRow:
    staff = community_staff(community)
    return LoadRow(
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


def _heaviest_first(row: LoadRow) -> tuple[Decimal, int, str]:
    return (-row.ratio, -row.unadmitted, row.code)


def departments_by_unadmitted(filters: Filters, today: dt.date) -> list[Row]:
    """The senders with unadmitted work, most first."""
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
    """The last `months` months (this one included), oldest first, in a fixed number of
    queries whatever the number of months: the communities, the catalog's two, where to read,
    the figures per month and community, per month and department, and the senders."""
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
    per_sender = _raw_sums(filters, today, ("month", "department"), figures=("unadmitted",))
    by_community = _community_months(filters, today, per_sender.plan)
    by_department: dict[dt.date, dict[int, int]] = {}
    for (month, department_id), sums in per_sender.sums.items():
        if sums.get("n_unadmitted"):
            by_department.setdefault(month, {})[department_id] = sums["n_unadmitted"]
    senders = {
        o.pk: o
        for o in Organisation.objects.filter(
            Q(kind=OrganisationKinds.DEPARTMENT)
            | Q(pk__in={d for counts in by_department.values() for d in counts})
        )
    }
    # a month's catalog load and capacity depend only on its number of days: a few to compute
    by_days: dict[int, dict[int, tuple[Decimal, Decimal]]] = {}
    rows = []
    for month in months_of(period):
        days = (min(_next_month(month) - dt.timedelta(days=1), today) - month).days + 1
        if days not in by_days:
            by_days[days] = _standing_and_capacity(communities, loads, per_staff, days)
        rows.append(
            _trend_month(
                month,
                communities,
                {c.pk: by_community.get((month, c.pk), {}) for c in communities},
                by_days[days],
                by_department.get(month, {}),
                senders,
            )
        )
    return rows


def _community_months(
    filters: Filters, today: dt.date, plan: Sources
) -> dict[tuple[dt.date, int], dict[str, Any]]:
    """Per month and community: received, unadmitted and the admitted hours — the built months
    as their roll-up rows hold them (one row each: nothing to add up), the other days from the
    rows (two queries)."""
    sums = _row_sums(
        filters, today, ("month", "community"), plan.row_days, ("received", "unadmitted")
    )
    for group in sums.values():
        group["admitted_hours"] = hours_of(group)
    for month, community_id, received, unadmitted, hours in (
        ReceivedCommunityMonth.objects.filter(month__in=plan.built)
        .order_by()
        .values_list("month", "community_id", "received", "unadmitted", "admitted_hours")
    ):
        sums[(month, community_id)] = {
            "n_received": received,
            "n_unadmitted": unadmitted,
            "admitted_hours": hours,
        }
    return sums


def _standing_and_capacity(
    communities: list[Organisation],
    loads: Mapping[int, Any],
    per_staff: Decimal,
    days: int,
) -> dict[int, tuple[Decimal, Decimal]]:
    """Each community's catalog load and capacity for a month of `days` days (as `_load_row`)."""
    share = _share_of_year(days)
    return {
        c.pk: (
            (loads.get(c.pk, NO_LOAD).hours * share).quantize(ONE_DECIMAL),
            (capacity_hours(community_staff(c), per_staff) * share).quantize(ONE_DECIMAL),
        )
        for c in communities
    }


def _trend_month(
    month: dt.date,
    communities: list[Organisation],
    sums: Mapping[int, Mapping[str, Any]],
    standing_and_capacity: Mapping[int, tuple[Decimal, Decimal]],
    unadmitted_by_sender: Mapping[int, int],
    senders: Mapping[int, Organisation],
) -> TrendRow:
    """One month of the trend from raw sums: a city's months are 13,000 community-months, so
    the heaviest is found by its sort key and only its row is built."""
    received = unadmitted = over = 0
    hours_total = Decimal("0.0")
    heaviest: tuple[Any, ...] | None = None
    for community in communities:
        row = sums[community.pk]
        n_received, n_unadmitted = row.get("n_received") or 0, row.get("n_unadmitted") or 0
        hours = row.get("admitted_hours") or Decimal("0.0")
        standing, capacity = standing_and_capacity[community.pk]
        load = standing + hours
        ratio = (load / capacity).quantize(RATIO) if capacity else Decimal("0")
        received += n_received
        unadmitted += n_unadmitted
        hours_total += hours
        over += load > capacity
        key = (-ratio, -n_unadmitted, community.code)
        if heaviest is None or key < heaviest[0]:
            heaviest = (key, community, row)
    top = min(
        unadmitted_by_sender.items(), key=lambda kv: (-kv[1], senders[kv[0]].code), default=None
    )
    return TrendRow(
        month=month,
        received=received,
        unadmitted=unadmitted,
        admitted_hours=hours_total,
        over_capacity=over,
        heaviest=_heaviest_row(heaviest, standing_and_capacity),
        top_department=(
            Row(senders[top[0]].code, senders[top[0]].name, replace(ZERO, unadmitted=top[1]))
            if top
            else None
        ),
    )


def _heaviest_row(
    heaviest: tuple[Any, ...] | None, standing_and_capacity: Mapping[int, tuple[Decimal, Decimal]]
) -> LoadRow | None:
    if heaviest is None:
        return None
    _key, community, row = heaviest
    standing, capacity = standing_and_capacity[community.pk]
    return LoadRow(
        code=community.code,
        name=community.name,
        subdistrict=community.parent.name if community.parent else "",
        staff=community_staff(community),
        capacity=capacity,
        standing=standing,
        received_hours=row.get("admitted_hours") or Decimal("0.0"),
        received=row.get("n_received") or 0,
        unadmitted=row.get("n_unadmitted") or 0,
    )


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
