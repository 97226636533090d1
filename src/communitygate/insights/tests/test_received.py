"""Every figure of "what communities receive" equals the same figure counted from the rows
(random rows, hypothesis), and every reader runs a number of queries that does not grow with
the data."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communitygate.admissions.forecast import NO_LOAD
from communitygate.admissions.selectors import community_loads
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.core.errors import InvalidInput
from communitygate.core.periods import parse_period
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.insights.received import (
    FIGURES,
    NONE_KEY,
    Filters,
    by_month,
    community_load_rows,
    departments_by_unadmitted,
    per_class,
    per_community,
    per_department,
    per_domain,
    per_subdistrict,
    tasks_behind,
    totals,
    trend,
)
from communitygate.insights.tests.received_data import (
    COMMUNITIES,
    DEPARTMENTS,
    FIRST_DAY,
    ReportFacts,
    RowFacts,
    build,
    counted,
    data_strategy,
    make_items,
)
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import community_staff, staff_hours_per_year
from communitygate.testing import World

TODAY = dt.date(2026, 5, 15)
PERIODS = ["2026", "2026-Q1", "2026-03", "2026-01-01..2026-01-31", "2025-12-25..2026-02-10"]
HYPOTHESIS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def items(world: World) -> list[Any]:
    return make_items(world)


def _in(period_text: str) -> tuple[dt.date, dt.date]:
    period = parse_period(period_text, today=TODAY)
    return period.start, period.end


def _rows_in(rows: list[RowFacts], start: dt.date, end: dt.date) -> list[RowFacts]:
    return [r for r in rows if start <= r.sent_on <= end]


def _reports_in(reports: list[ReportFacts], start: dt.date, end: dt.date) -> list[ReportFacts]:
    return [r for r in reports if start <= r.occurred_on <= end]


@pytest.mark.django_db
@HYPOTHESIS
@given(data=data_strategy, period_text=st.sampled_from(PERIODS), scope=st.integers(0, 2))
def test_every_figure_equals_the_rows_counted(
    world: World, items: list[Any], data: dict[str, list], period_text: str, scope: int
) -> None:
    """Each example in its own transaction, rolled back at the end."""
    with transaction.atomic():
        rows, reports = build(world, items, data)
        period = parse_period(period_text, today=TODAY)
        start, end = period.start, period.end
        subdistrict = world.org("subdistrict") if scope == 1 else None
        community = world.org("community_other") if scope == 2 else None
        filters = Filters(period, subdistrict=subdistrict, community=community)

        def in_scope(r: RowFacts | ReportFacts) -> bool:
            if subdistrict is not None:
                return r.subdistrict == subdistrict.pk
            if community is not None:
                return r.community == community.pk
            return True

        rows_now = [r for r in _rows_in(rows, start, end) if in_scope(r)]
        reports_now = [r for r in _reports_in(reports, start, end) if in_scope(r)]
        assert totals(filters, TODAY) == counted(rows_now, TODAY, reports_now)

        months = by_month(filters, TODAY)
        assert months[0].month == start.replace(day=1)
        for m in months:
            last = (m.month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            assert m.figures == counted(
                _rows_in(rows_now, m.month, last), TODAY, _reports_in(reports_now, m.month, last)
            )

        for row in per_subdistrict(Filters(period), TODAY):
            pk = Organisation.objects.get(code=row.key).pk
            assert row.figures == counted(
                [r for r in _rows_in(rows, start, end) if r.subdistrict == pk],
                TODAY,
                [r for r in _reports_in(reports, start, end) if r.subdistrict == pk],
            )

        community_rows = per_community(filters, TODAY)
        if community is None:
            expected_codes = {
                c.code
                for c in Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
                if subdistrict is None or c.parent_id == subdistrict.pk
            }
            assert {r.key for r in community_rows} == expected_codes
        for row in community_rows:
            pk = Organisation.objects.get(code=row.key).pk
            assert row.figures == counted(
                [r for r in rows_now if r.community == pk],
                TODAY,
                [r for r in reports_now if r.community == pk],
            )

        for row in per_department(filters, TODAY):
            pk = Organisation.objects.get(code=row.key).pk
            assert row.figures == counted(
                [r for r in rows_now if r.department == pk],
                TODAY,
                [r for r in reports_now if r.department == pk],
            )

        for readers, attribute in ((per_domain, "domain"), (per_class, "item_class")):
            choice_rows = readers(filters, TODAY)
            for row in choice_rows:
                assert row.figures == counted(
                    [
                        r
                        for r in rows_now
                        if (getattr(r.item, attribute) if r.item else NONE_KEY) == row.key
                    ],
                    TODAY,
                )
            assert sum(r.figures.received for r in choice_rows) == len(rows_now)
        transaction.set_rollback(True)


@pytest.mark.django_db
@HYPOTHESIS
@given(
    data=data_strategy,
    figure=st.sampled_from(FIGURES),
    department=st.one_of(st.none(), st.integers(0, len(DEPARTMENTS) - 1)),
    domain=st.sampled_from(["", "civil_affairs", NONE_KEY]),
)
def test_the_tasks_behind_a_figure_are_the_tasks_of_its_rows(
    world: World,
    items: list[Any],
    data: dict[str, list],
    figure: str,
    department: int | None,
    domain: str,
) -> None:
    with transaction.atomic():
        rows, _reports = build(world, items, data)
        period = parse_period("2026-H1", today=TODAY)
        chosen = world.org(DEPARTMENTS[department]) if department is not None else None
        filters = Filters(period, department=chosen, domain=domain)
        keep = {
            "received": lambda r: True,
            "admitted": lambda r: r.admitted,
            "unadmitted": lambda r: not r.admitted,
            "refused": lambda r: r.state == "refused",
            "overdue": lambda r: (  # an unadmitted task is never overdue for a community
                r.admitted and r.state in ("received", "accepted", "returned") and r.due_on < TODAY
            ),
            "submitted": lambda r: r.state in ("submitted", "completed"),
            "confirmed": lambda r: r.state == "completed",
        }[figure]
        matching = [
            r
            for r in _rows_in(rows, period.start, period.end)
            if keep(r)
            and (chosen is None or r.department == chosen.pk)
            and (not domain or (r.item.domain if r.item else NONE_KEY) == domain)
        ]
        expected: dict[int, int] = {}
        for r in matching:
            expected[r.task] = expected.get(r.task, 0) + 1
        office = tasks_behind(
            figure, filters, TODAY, user=world.user("office_admin"), limit=100, offset=0
        )
        assert office.total == office.visible == len(expected)
        assert {t.pk: office.counted[t.pk] for t in office.tasks} == expected
        # A community's secretary sees the figure but only the rows of its own tasks.
        secretary = tasks_behind(
            figure, filters, TODAY, user=world.user("community_secretary"), limit=100, offset=0
        )
        # visible: the tasks that reached its community (by any of their assignments)
        reached = {r.task for r in rows if r.community == world.org("community").pk}
        own = set(expected) & reached
        assert secretary.total == len(expected)
        assert {t.pk for t in secretary.tasks} == own
        transaction.set_rollback(True)


@pytest.mark.django_db
@HYPOTHESIS
@given(data=data_strategy, months=st.integers(1, 8))
def test_ranking_and_trend_equal_the_rows(
    world: World, items: list[Any], data: dict[str, list], months: int
) -> None:
    with transaction.atomic():
        catalog_publish(actor=world.user("office_officer"), title="2026年版")
        rows, _reports = build(world, items, data)
        period = parse_period("2026-Q1", today=TODAY)
        share = Decimal(90) / Decimal(365)
        communities = list(Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY))
        loads = community_loads(communities, day=period.end)
        ranking = community_load_rows(Filters(period), TODAY)
        assert len(ranking) == len(communities)
        ratios = [r.ratio for r in ranking]
        assert ratios == sorted(ratios, reverse=True)
        assert all(row.standing > 0 for row in ranking)  # the published items' hours
        for row in ranking:
            community = next(c for c in communities if c.code == row.code)
            mine = [
                r for r in _rows_in(rows, period.start, period.end) if r.community == community.pk
            ]
            expected = counted(mine, TODAY)
            staff = community_staff(community)
            assert row.staff == staff
            assert row.capacity == (staff * staff_hours_per_year() * share).quantize(Decimal("0.1"))
            assert row.standing == (loads.get(community.pk, NO_LOAD).hours * share).quantize(
                Decimal("0.1")
            )
            assert row.received_hours == expected.admitted_hours
            assert (row.received, row.unadmitted) == (expected.received, expected.unadmitted)

        departments = departments_by_unadmitted(Filters(period), TODAY)
        in_period = _rows_in(rows, period.start, period.end)
        expected_unadmitted = {
            world.org(key).code: sum(
                1 for r in in_period if r.department == world.org(key).pk and not r.admitted
            )
            for key in DEPARTMENTS
        }
        assert {r.key: r.figures.unadmitted for r in departments} == {
            code: n for code, n in expected_unadmitted.items() if n
        }
        assert [r.figures.unadmitted for r in departments] == sorted(
            (r.figures.unadmitted for r in departments), reverse=True
        )

        months_rows = trend(months, TODAY)
        assert len(months_rows) == months
        assert months_rows[-1].month == TODAY.replace(day=1)
        for m in months_rows:
            last = min((m.month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(1), TODAY)
            month_rows = _rows_in(rows, m.month, last)
            assert m.received == len(month_rows)
            assert m.unadmitted == sum(1 for r in month_rows if not r.admitted)
            assert m.admitted_hours == sum(
                (
                    counted([r for r in month_rows if r.community == c.pk], TODAY).admitted_hours
                    for c in communities
                ),
                Decimal("0"),
            )
            per_department_count = {
                key: sum(
                    1 for r in month_rows if r.department == world.org(key).pk and not r.admitted
                )
                for key in DEPARTMENTS
            }
            most = max(per_department_count.values())
            if most:
                assert m.top_department is not None
                assert m.top_department.figures.unadmitted == most
            else:
                assert m.top_department is None
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_task_sent_through_the_service_is_counted(world: World) -> None:
    """The figures read what `task_send` writes, not only what the tests bulk-create."""
    clock.pin(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC))
    task_send(
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
    figures = totals(Filters(parse_period("2026-03", today=TODAY)), TODAY)
    assert (figures.received, figures.unadmitted, figures.admitted, figures.tasks) == (2, 2, 0, 1)
    assert totals(Filters(parse_period("2026-04", today=TODAY)), TODAY).received == 0


def _more_communities(world: World, n: int) -> None:
    parent = world.org("subdistrict_other")
    Organisation.objects.bulk_create(
        Organisation(
            code=f"3702030149{i:02d}",
            name=f"新社区{i}",
            kind=OrganisationKinds.COMMUNITY,
            parent=parent,
            path=f"{parent.path}/3702030149{i:02d}",
            staff_count=(i % 7) + 1,
        )
        for i in range(n)
    )


READERS = [
    ("totals", lambda f: totals(f, TODAY)),
    ("by_month", lambda f: by_month(f, TODAY)),
    ("per_subdistrict", lambda f: per_subdistrict(f, TODAY)),
    ("per_community", lambda f: per_community(f, TODAY)),
    ("per_department", lambda f: per_department(f, TODAY)),
    ("per_domain", lambda f: per_domain(f, TODAY)),
    ("per_class", lambda f: per_class(f, TODAY)),
    ("ranking", lambda f: community_load_rows(f, TODAY)),
    ("departments_by_unadmitted", lambda f: departments_by_unadmitted(f, TODAY)),
    ("trend", lambda f: trend(12, TODAY)),
]


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(
    world: World, items: list[Any], django_assert_num_queries: Any
) -> None:
    filters = Filters(parse_period("2026", today=TODAY))
    catalog_publish(actor=world.user("office_officer"), title="2026年版")
    small: dict[str, list[Any]] = {
        "tasks": [
            {
                "department": 0,
                "item": 0,
                "day": 20,
                "minute": 0,
                "admitted": True,
                "assignments": [(0, "received", 3)],
            }
        ],
        "reports": [(0, None, 20)],
    }
    build(world, items, small)
    counts = {}
    for name, read in READERS:
        with CaptureQueriesContext(connection) as captured:
            read(filters)
        counts[name] = len(captured)
    large: dict[str, list] = {
        "tasks": [
            {
                "department": n % 2,
                "item": n % 5 if n % 5 < 4 else None,
                "day": (n * 7) % 200,
                "minute": 0,
                "admitted": n % 3 != 0,
                "assignments": [(c, "received", n % 40) for c in range(len(COMMUNITIES))],
            }
            for n in range(60)
        ],
        "reports": [(n % 3, n % 2, n * 3) for n in range(20)],
    }
    build(world, items, large)
    _more_communities(world, 30)
    for name, read in READERS:
        with django_assert_num_queries(counts[name], info=name):
            read(filters)
    user = User.objects.get(username="community_secretary")  # no grants read yet
    with CaptureQueriesContext(connection) as first:
        tasks_behind("received", filters, TODAY, user=user, limit=5, offset=0)
    build(world, items, large)
    user = User.objects.get(username="community_secretary")
    with django_assert_num_queries(len(first)):
        tasks_behind("received", filters, TODAY, user=user, limit=5, offset=0)
    # Nothing is rolled up here, so each reads the rows: one statement asks where to read (and
    # finds no roll-up), then as many GROUP BYs as before the roll-ups (test_rollups.py counts
    # the reads from the roll-ups).
    assert counts == {
        "totals": 2,
        "by_month": 2,
        "per_subdistrict": 3,
        "per_community": 2,
        "per_department": 2,
        "per_domain": 2,
        "per_class": 2,
        "ranking": 5,
        "departments_by_unadmitted": 2,
        "trend": 7,
    }


@pytest.mark.django_db
def test_bad_input_is_a_clear_error(world: World) -> None:
    with pytest.raises(InvalidInput):
        trend(0, TODAY)
    with pytest.raises(InvalidInput):
        tasks_behind(
            "everything",
            Filters(parse_period("2026", today=TODAY)),
            TODAY,
            user=world.user("office_admin"),
            limit=10,
            offset=0,
        )


def test_the_random_rows_begin_before_the_periods() -> None:
    """So that rows before a period's first day are there to be left out."""
    assert min(_in(p)[0] for p in PERIODS) > FIRST_DAY
