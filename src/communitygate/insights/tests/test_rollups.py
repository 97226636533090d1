"""The roll-ups (docs/burden.md "Roll-ups") give the figures the rows give: after a refresh, after
random changes (the changed months are read from the rows until the next refresh), and after
that refresh; the dispatch steps mark what they change; the query counts stay fixed."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.dispatch.services import Targets, TaskRequest, assignment_refuse, task_send
from communitygate.insights import rollups
from communitygate.insights.models import (
    ReceivedAreaCell,
    ReceivedCommunityMonth,
    ReceivedMonth,
    StaleTask,
)
from communitygate.insights.received import Filters, moment, sources, totals
from communitygate.insights.tests.received_data import build, counted, data_strategy
from communitygate.insights.tests.test_received import (
    HYPOTHESIS,
    PERIODS,
    READERS,
    TODAY,
    _more_communities,
    items,  # noqa: F401 (a fixture)
)
from communitygate.testing import World

changes_strategy = st.lists(
    st.tuples(
        st.integers(0, 10_000),  # which assignment (modulo their number)
        st.sampled_from(AssignmentStates.values),
        st.integers(-40, 40),  # days added to its due date
    ),
    max_size=6,
)


def _reads(world: World, period_text: str) -> dict[str, Any]:
    """Every reader over the district, and narrowed to a subdistrict, a community, a department
    and a domain (each roll-up, and the rows where neither answers)."""
    period = parse_period(period_text, today=TODAY)
    narrowed = {
        "subdistrict": Filters(period, subdistrict=world.org("subdistrict")),
        "community": Filters(period, community=world.org("community")),
        "department": Filters(period, department=world.org("department")),
        "domain": Filters(period, domain="civil_affairs"),
    }
    reads = {name: read(Filters(period)) for name, read in READERS}
    for scope, filters in narrowed.items():
        for name, read in READERS[:7]:  # the tables (the ranking and trend take no filter)
            reads[f"{name} of {scope}"] = read(filters)
    return reads


def _reads_from_the_rows(world: World, period_text: str) -> dict[str, Any]:
    """The same reads with no roll-up to answer them (undone at once)."""
    with transaction.atomic():
        ReceivedMonth.objects.all().delete()
        reads = _reads(world, period_text)
        transaction.set_rollback(True)
    return reads


def _change(changes: list[tuple[int, str, int]]) -> None:
    """Steps as dispatch takes them would: the row moves and its task is marked, together."""
    ids = list(Assignment.objects.order_by("pk").values_list("pk", flat=True))
    for which, state, days in changes:
        if not ids:
            return
        assignment = Assignment.objects.get(pk=ids[which % len(ids)])
        Assignment.objects.filter(pk=assignment.pk).update(
            state=state, due_on=assignment.due_on + dt.timedelta(days=days)
        )
        rollups.mark_task_changed(assignment.task_id)


@pytest.mark.django_db
@settings(HYPOTHESIS, max_examples=8)
@given(
    data=data_strategy,
    more=data_strategy,
    changes=changes_strategy,
    period_text=st.sampled_from(PERIODS),
)
def test_the_rollups_equal_the_rows_after_random_changes(
    world: World,
    items: list[Any],  # noqa: F811
    data: dict[str, list],
    more: dict[str, list],
    changes: list[tuple[int, str, int]],
    period_text: str,
) -> None:
    with transaction.atomic():
        catalog_publish(actor=world.user("office_officer"), title="2026年版")
        rows, reports = build(world, items, data)
        expected = _reads(world, period_text)  # nothing built: the rows answer
        rollups.refresh(TODAY, every_month=True)
        assert not StaleTask.objects.exists()
        period = parse_period(period_text, today=TODAY)
        plan = sources(Filters(period), TODAY)
        whole_months = set(
            ReceivedMonth.objects.filter(
                month__gte=period.start, ends_at__lte=moment(period.end + dt.timedelta(1))
            ).values_list("month", flat=True)
        )
        assert whole_months <= set(plan.built), "a refreshed month is read from the roll-ups"
        assert _reads(world, period_text) == expected
        everything = Filters(parse_period("2025-12-01..2026-12-31", today=TODAY))
        assert totals(everything, TODAY) == counted(rows, TODAY, reports)

        _change(changes)
        new_rows, _ = build(world, items, more)
        for task_id in {r.task for r in new_rows}:
            rollups.mark_task_changed(task_id)  # as task_sent's receiver does
        after_changes = _reads_from_the_rows(world, period_text)
        assert _reads(world, period_text) == after_changes  # marked months come from the rows

        to_refresh = rollups.months_to_refresh(TODAY)
        assert [r.month for r in rollups.refresh(TODAY)] == to_refresh
        assert not StaleTask.objects.exists()
        assert _reads(world, period_text) == after_changes
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_month_counted_on_another_day_is_read_from_the_rows(world: World, items: Any) -> None:  # noqa: F811
    build(
        world,
        items,
        {
            "tasks": [
                {
                    "department": 0,
                    "item": 1,
                    "day": 100,
                    "minute": 0,
                    "admitted": True,
                    "assignments": [(0, "received", 1)],
                }
            ],
            "reports": [],
        },
    )
    rollups.refresh(TODAY, every_month=True)
    filters = Filters(parse_period("2026", today=TODAY))
    assert sources(filters, TODAY).built
    tomorrow = TODAY + dt.timedelta(days=1)
    assert sources(filters, tomorrow).built == ()  # overdue is as of a day
    assert rollups.months_to_refresh(tomorrow) == rollups.months_with_tasks(tomorrow)
    # a period ending mid-month reads the month from the roll-up only if nothing in it was
    # sent after its end
    sent_on = dt.date(2025, 12, 20) + dt.timedelta(days=100)
    mid = Filters(parse_period(f"{sent_on:%Y-%m}-01..{sent_on:%Y-%m-%d}", today=TODAY))
    before = Filters(
        parse_period(f"{sent_on:%Y-%m}-01..{sent_on - dt.timedelta(1):%Y-%m-%d}", today=TODAY)
    )
    assert sources(mid, TODAY).built == (sent_on.replace(day=1),)
    assert sources(before, TODAY).built == ()
    assert totals(before, TODAY).received == 0
    assert totals(mid, TODAY).received == 1


@pytest.mark.django_db
def test_dispatch_steps_mark_their_task_and_the_queue_refreshes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    clock.pin(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC))
    today = clock.today()
    rollups.refresh(today, every_month=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = task_send(
            actor=world.user("department_clerk"),
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=None,
                title="未准入的任务",
                task_type="work",
                starts_on=dt.date(2026, 3, 2),
                due_on=dt.date(2026, 3, 30),
                targets=Targets("communities", ("370203031001", "370203014001")),
            ),
        )
    assert list(StaleTask.objects.values_list("task_id", flat=True)) == [task.pk]
    assert callbacks, "the refresh is queued after the commit"
    march = Filters(parse_period("2026-03", today=today))
    assert totals(march, today).received == 2  # read from the rows: the month is marked
    assert rollups.refresh(today)[0].month == dt.date(2026, 3, 1)
    assert sources(march, today).built == (dt.date(2026, 3, 1),)
    assert totals(march, today).received == 2

    assignment = Assignment.objects.filter(task=task).order_by("pk").first()
    assert assignment is not None
    assignment_refuse(actor=world.user("community_secretary"), assignment=assignment)
    assert StaleTask.objects.filter(task=task).count() == 1
    assert sources(march, today).built == ()
    assert totals(march, today).refused == 1
    rollups.refresh(today)
    assert sources(march, today).built == (dt.date(2026, 3, 1),)
    assert totals(march, today).refused == 1
    march_rows = ReceivedCommunityMonth.objects.filter(month=dt.date(2026, 3, 1), refused=1)
    assert march_rows.count() == 1
    # the cell of every community (area empty) and that of the refusing community's subdistrict
    assert ReceivedAreaCell.objects.filter(month=dt.date(2026, 3, 1), refused=1).count() == 2
    assert ReceivedAreaCell.objects.get(month=dt.date(2026, 3, 1), area=None).tasks == 1


# Each reader: where to read, the roll-up's sums and the reports in one statement (with the
# labels of the community and department tables); the labels of the subdistrict table.
ROLLUP_COUNTS = {
    "totals": 1,
    "by_month": 1,
    "per_subdistrict": 2,
    "per_community": 1,
    "per_department": 1,
    "per_domain": 1,
    "per_class": 1,
    "ranking": 4,  # the communities, the catalog's two, the community roll-up
    "departments_by_unadmitted": 1,
    # the communities, the catalog's two, per (month, department) where to read and the roll-up
    # in one statement, per (month, community) the roll-up's rows, the senders; and for each of
    # the two the rows of the months before the first task, which are not built (the rows hold
    # nothing)
    "trend": 8,
}


@pytest.mark.django_db
def test_query_counts_from_the_rollups_do_not_grow(
    world: World,
    items: Any,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    catalog_publish(actor=world.user("office_officer"), title="2026年版")
    # to today: every month of it built (none after it), so no day is left to the rows
    filters = Filters(parse_period(f"2026-01-01..{TODAY}", today=TODAY))
    task = {
        "department": 0,
        "item": 1,
        "day": 20,
        "minute": 0,
        "admitted": True,
        "assignments": [(0, "received", 3)],
    }
    build(world, items, {"tasks": [task], "reports": [(0, None, 20)]})
    rollups.refresh(TODAY, every_month=True)
    counts = {}
    for name, read in READERS:
        with CaptureQueriesContext(connection) as captured:
            read(filters)
        counts[name] = len(captured)
    assert counts == ROLLUP_COUNTS
    many = [
        {**task, "department": n % 2, "day": (n * 7) % 140, "assignments": [(n % 3, "received", 3)]}
        for n in range(60)
    ]
    build(world, items, {"tasks": many, "reports": [(n % 3, n % 2, n * 3) for n in range(20)]})
    _more_communities(world, 30)
    rollups.refresh(TODAY, every_month=True)
    for name, read in READERS:
        with django_assert_num_queries(ROLLUP_COUNTS[name], info=name):
            read(filters)
