"""The received figures' roll-ups (docs/burden.md "Roll-ups"): building a month's cells from the
dispatch rows, marking a month to count again when a task of it changes, and refreshing.

A month is rebuilt whole, in one transaction: the marks it answers are read first, then the
rows are summed (so every change whose mark was read is in the sums: its transaction committed
before), then the marks read are removed. A change committed meanwhile leaves its mark, and the
readers keep reading that month from the rows until the next refresh (`received.sources`).
The cells are derived data, replaced whole; nothing of anyone's is deleted."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Min
from django.db.models.functions import TruncMonth

from communitygate.catalog.models import Frequencies
from communitygate.core import clock
from communitygate.core.periods import Period
from communitygate.dispatch.models import Task
from communitygate.insights.models import (
    ReceivedAreaCell,
    ReceivedCommunityMonth,
    ReceivedMonth,
    StaleTask,
)
from communitygate.insights.received import (
    FIGURES,
    Filters,
    _assignments,
    _month_of,
    _next_month,
    hours_of,
    moment,
    months_of,
    row_aggregates,
)

BATCH = 5000


def mark_task_changed(task_id: int) -> None:
    """In the transaction of the change: the task's month must be counted again."""
    StaleTask.objects.create(task_id=task_id)


@dataclass(frozen=True)
class Refreshed:
    month: dt.date
    communities: int  # rows of ReceivedCommunityMonth
    cells: int  # rows of ReceivedAreaCell


def _month_filters(month: dt.date) -> Filters:
    last = _next_month(month) - dt.timedelta(days=1)
    return Filters(Period(month, last, f"{month:%Y-%m}"))


def _figures(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of `row_aggregates` as the roll-ups' columns."""
    values: dict[str, Any] = {figure: row[f"n_{figure}"] or 0 for figure in FIGURES}
    for frequency in Frequencies.values:
        values[f"hours_{frequency}"] = row[f"hours_{frequency}"] or Decimal("0")
    return values


def _community_months(month: dt.date, today: dt.date) -> list[ReceivedCommunityMonth]:
    rows = (
        _assignments(_month_filters(month))
        .values("community_id")
        .annotate(**row_aggregates(today, tasks=False))
    )
    return [
        ReceivedCommunityMonth(
            month=month,
            community_id=row["community_id"],
            admitted_hours=hours_of(row),
            **_figures(row),
        )
        for row in rows
    ]


def _area_cells(month: dt.date, today: dt.date) -> list[ReceivedAreaCell]:
    assignments = _assignments(_month_filters(month))
    kinds: dict[str, Any] = {
        "sender_id": F("task__department_id"),
        "domain": F("task__item__domain"),
        "item_class": F("task__item__item_class"),
    }
    per_area = (
        assignments.filter(community__parent__isnull=False)
        .values(area_id=F("community__parent_id"), **kinds)
        .annotate(**row_aggregates(today))
    )
    everywhere = assignments.values(**kinds).annotate(**row_aggregates(today))
    return [_area_cell(month, row) for row in (*per_area, *everywhere)]


def _area_cell(month: dt.date, row: Mapping[str, Any]) -> ReceivedAreaCell:
    return ReceivedAreaCell(
        month=month,
        area_id=row.get("area_id"),
        sender_id=row["sender_id"],
        domain=row["domain"],
        item_class=row["item_class"],
        tasks=row["n_tasks"],
        **_figures(row),
    )


def refresh_month(month: dt.date, today: dt.date) -> Refreshed:
    """Rebuild one month's cells (see the module's docstring), counting overdue as of `today`."""
    month = month.replace(day=1)
    starts_at, ends_at = moment(month), moment(_next_month(month))
    with transaction.atomic():
        state, _ = ReceivedMonth.objects.select_for_update().get_or_create(
            month=month,
            defaults={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "as_of": today,
                "refreshed_at": clock.now(),
            },
        )
        marks = list(
            StaleTask.objects.filter(
                task__created_at__gte=starts_at, task__created_at__lt=ends_at
            ).values_list("pk", flat=True)
        )
        last_sent_at = Task.objects.filter(
            created_at__gte=starts_at, created_at__lt=ends_at
        ).aggregate(last=Max("created_at"))["last"]
        communities = _community_months(month, today)
        areas = _area_cells(month, today)
        ReceivedCommunityMonth.objects.filter(month=month).delete()
        ReceivedAreaCell.objects.filter(month=month).delete()
        ReceivedCommunityMonth.objects.bulk_create(communities, batch_size=BATCH)
        ReceivedAreaCell.objects.bulk_create(areas, batch_size=BATCH)
        ReceivedMonth.objects.filter(pk=state.pk).update(
            starts_at=starts_at,
            ends_at=ends_at,
            as_of=today,
            last_sent_at=last_sent_at,
            refreshed_at=clock.now(),
        )
        StaleTask.objects.filter(pk__in=marks).delete()
    return Refreshed(month, len(communities), len(areas))


def months_with_tasks(today: dt.date) -> list[dt.date]:
    """Every month from the first task's to the last task's or today's, whichever is later."""
    sent = Task.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if sent["first"] is None:
        return []
    start = _month_of(sent["first"])
    return months_of(Period(start, max(today, _month_of(sent["last"])), ""))


def months_to_refresh(today: dt.date) -> list[dt.date]:
    """The months the readers cannot take from the roll-ups today: built on another day, or with
    a task changed since; and months not built at all."""
    months = set(months_with_tasks(today))
    fresh = set(ReceivedMonth.objects.filter(as_of=today).values_list("month", flat=True))
    stale = {
        _month_of(m)
        for m in StaleTask.objects.annotate(m=TruncMonth("task__created_at"))
        .values_list("m", flat=True)
        .distinct()
    }
    return sorted((months - fresh) | stale)


def refresh(today: dt.date | None = None, *, every_month: bool = False) -> list[Refreshed]:
    """Refresh what needs it (`months_to_refresh`), or every month with tasks."""
    today = today or clock.today()
    months = months_with_tasks(today) if every_month else months_to_refresh(today)
    return [refresh_month(month, today) for month in months]
