"""Random dispatch rows for the received figures' tests, written fast (bulk_create), and the same
figures counted from them in plain Python: the reference every reader is compared with."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from communitygate.admissions.forecast import OCCURRENCES_PER_YEAR
from communitygate.catalog.models import CatalogItem
from communitygate.dispatch.models import (
    Assignment,
    AssignmentStates,
    Channels,
    OffPlatformReport,
    Task,
)
from communitygate.dispatch.selectors import OPEN_STATES
from communitygate.insights.received import Figures
from communitygate.testing import World, make_item

COMMUNITIES = ("community", "community_sibling", "community_other")
DEPARTMENTS = ("department", "department_other")
FIRST_DAY = dt.date(2025, 12, 20)  # a little before the periods the tests ask for
DAYS = 220
ITEMS = (  # code, class, domain, frequency, hours a year
    ("R-1", "statutory", "civil_affairs", "yearly", "40"),
    ("R-2", "delegated", "health", "weekly", "52.5"),
    ("R-3", "statutory", "culture", "ongoing", "30"),
    ("R-4", "delegated", "civil_affairs", "quarterly", "10"),
)


@dataclass(frozen=True)
class RowFacts:
    """One assignment as the Python reference sees it."""

    task: int
    community: int
    subdistrict: int
    department: int
    sent_on: dt.date  # the local day the task was sent
    admitted: bool
    state: str
    due_on: dt.date
    item: CatalogItem | None


@dataclass(frozen=True)
class ReportFacts:
    community: int
    subdistrict: int
    department: int | None
    occurred_on: dt.date


task_strategy = st.fixed_dictionaries(
    {
        "department": st.integers(0, len(DEPARTMENTS) - 1),
        "item": st.one_of(st.none(), st.integers(0, len(ITEMS) - 1)),
        "day": st.integers(0, DAYS),
        "minute": st.sampled_from([0, 1, 479, 480, 481, 959, 1439]),  # around midnight UTC
        "admitted": st.booleans(),
        "assignments": st.lists(
            st.tuples(
                st.integers(0, len(COMMUNITIES) - 1),
                st.sampled_from(AssignmentStates.values),
                st.integers(-30, 60),
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda a: a[0],
        ),
    }
)
report_strategy = st.tuples(
    st.integers(0, len(COMMUNITIES) - 1),
    st.one_of(st.none(), st.integers(0, len(DEPARTMENTS) - 1)),
    st.integers(0, DAYS),
)
data_strategy = st.fixed_dictionaries(
    {
        "tasks": st.lists(task_strategy, max_size=12),
        "reports": st.lists(report_strategy, max_size=6),
    }
)


def tasks_spec(count: int) -> dict[str, list]:
    """`count` tasks spread over the first months of 2026, each to one to three communities,
    a third without an item and a third unadmitted; and two off-platform reports."""
    return {
        "tasks": [
            {
                "department": n % 2,
                "item": (n % 4) if n % 3 else None,
                "day": 15 + (9 * n) % 140,
                "minute": 0,
                "admitted": bool(n % 3),
                "assignments": [(0, "received", 5), (2, "refused", 10), (1, "completed", 3)][
                    : 1 + n % 3
                ],
            }
            for n in range(count)
        ],
        "reports": [(0, 0, 40), (1, None, 70)],
    }


def make_items(world: World) -> list[CatalogItem]:
    return [
        make_item(
            world,
            code,
            item_class=item_class,
            domain=domain,
            frequency=frequency,
            estimated_hours=Decimal(hours),
            # a delegated item comes with its funding (SPEC §1: 费随事转)
            funding_per_community=Decimal("1000.00") if item_class == "delegated" else None,
        )
        for code, item_class, domain, frequency, hours in ITEMS
    ]


def build(
    world: World, items: list[CatalogItem], data: dict[str, list]
) -> tuple[list[RowFacts], list[ReportFacts]]:
    clerk = world.user("department_clerk")
    tasks = []
    for n, spec in enumerate(data["tasks"]):
        day = FIRST_DAY + dt.timedelta(days=spec["day"])
        created = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) + dt.timedelta(
            minutes=spec["minute"]
        )
        tasks.append(
            Task(
                department=world.org(DEPARTMENTS[spec["department"]]),
                item=items[spec["item"]] if spec["item"] is not None else None,
                title=f"随机任务{n}",
                task_type="work",
                starts_on=day,
                due_on=day + dt.timedelta(days=20),
                target_mode="communities",
                admitted=spec["admitted"],
                created_by=clerk,
                created_at=created,
            )
        )
    Task.objects.bulk_create(tasks)
    assignments, facts = [], []
    for task, spec in zip(tasks, data["tasks"], strict=True):
        for community_index, state, due in spec["assignments"]:
            community = world.org(COMMUNITIES[community_index])
            due_on = task.starts_on + dt.timedelta(days=due)
            assignments.append(
                Assignment(
                    task=task,
                    community=community,
                    state=state,
                    admitted=task.admitted,
                    due_on=due_on,
                    updated_at=task.created_at,
                )
            )
            facts.append(
                RowFacts(
                    task=task.pk,
                    community=community.pk,
                    subdistrict=community.parent_id or 0,
                    department=task.department_id,
                    sent_on=timezone.localtime(task.created_at).date(),
                    admitted=task.admitted,
                    state=state,
                    due_on=due_on,
                    item=task.item,
                )
            )
    Assignment.objects.bulk_create(assignments)
    reports, report_facts = [], []
    for community_index, department_index, day in data["reports"]:
        community = world.org(COMMUNITIES[community_index])
        department = (
            world.org(DEPARTMENTS[department_index]) if department_index is not None else None
        )
        occurred = FIRST_DAY + dt.timedelta(days=day)
        reports.append(
            OffPlatformReport(
                community=community,
                department=department,
                pushed_by="某科室",
                channel=Channels.PHONE,
                occurred_on=occurred,
                what_was_asked="报表",
                reported_by=world.user("community_secretary"),
                reported_at=timezone.now(),
            )
        )
        report_facts.append(
            ReportFacts(
                community.pk,
                community.parent_id or 0,
                department.pk if department else None,
                occurred,
            )
        )
    OffPlatformReport.objects.bulk_create(reports)
    return facts, report_facts


def counted(
    rows: Iterable[RowFacts],
    today: dt.date,
    reports: Iterable[ReportFacts] | None = None,
) -> Figures:
    """The figures counted one row at a time."""
    rows = list(rows)
    hours_by_frequency: dict[str, Decimal] = {}
    for r in rows:
        if r.admitted and r.item is not None:
            hours_by_frequency[r.item.frequency] = hours_by_frequency.get(
                r.item.frequency, Decimal("0")
            ) + Decimal(r.item.estimated_hours)
    hours = sum(
        (h / OCCURRENCES_PER_YEAR.get(f, 12) for f, h in hours_by_frequency.items()),
        Decimal("0"),
    )
    return Figures(
        received=len(rows),
        admitted=sum(1 for r in rows if r.admitted),
        unadmitted=sum(1 for r in rows if not r.admitted),
        refused=sum(1 for r in rows if r.state == AssignmentStates.REFUSED),
        overdue=sum(1 for r in rows if r.admitted and r.state in OPEN_STATES and r.due_on < today),
        submitted=sum(
            1 for r in rows if r.state in (AssignmentStates.SUBMITTED, AssignmentStates.COMPLETED)
        ),
        confirmed=sum(1 for r in rows if r.state == AssignmentStates.COMPLETED),
        tasks=len({r.task for r in rows}),
        admitted_hours=hours.quantize(Decimal("0.1")),
        off_platform=None if reports is None else len(list(reports)),
    )


def within(
    start: dt.date, end: dt.date, keep: Callable[[RowFacts], bool] = lambda r: True
) -> Callable[[RowFacts], bool]:
    return lambda r: start <= r.sent_on <= end and keep(r)
