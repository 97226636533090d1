"""A city's worth of data for the benchmarks (`communitygate seed_scale`, docs/burden.md "A city's
worth of data"): `build_city` builds, in an empty database, a district of `communities`
communities under `subdistricts` subdistricts with `months` months of dispatch
(`assignments` assignments), supervision, money and `matters` residents' matters, the same for
the same seed.

The frame (organisations, people, the catalog, the funding commitments) goes through the
offices' services and is audited row by row; the bulk rows (tasks, assignments, violations,
off-platform reports, payments, matters) are inserted in batches and are not: ONE audit event,
`scale.seed_city`, records the run — its options and the rows it wrote — so the log says where
they came from without two million events. "Today" is `core.clock`'s.
"""

import datetime as dt
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.contrib.auth.models import User
from django.db import connection, models, transaction

from communitygate.admissions.models import FundingCommitment
from communitygate.audit.recorder import created_fields, record_operation_event
from communitygate.catalog.models import CatalogEdition, CatalogItem
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem, RuleBroken
from communitygate.dispatch.models import Assignment, OffPlatformReport, Task
from communitygate.funding.models import Payment
from communitygate.matters.models import Matter
from communitygate.orgs.models import Organisation
from communitygate.oversight.models import Violation
from communitygate.scale import groundwork, money, resident_matters, traffic
from communitygate.scale.progress import StageProgress

MAX_MONTHS = 36  # the burden trend reads at most 36 months


class DatabaseNotEmpty(RuleBroken):
    code = "database_not_empty"
    status = 409

    def __init__(self, found: str) -> None:
        super().__init__(
            f"数据库不是空的（已有{found}）：seed_scale 只在刚迁移的空数据库上运行，"
            "请新建一个数据库并执行 migrate 后再试。",
            f"The database is not empty (it holds {found}): seed_scale runs only on a freshly "
            "migrated, empty database; create a new one and run migrate first.",
        )


@dataclass(frozen=True)
class CityOptions:
    communities: int = 1100
    subdistricts: int = 40
    assignments: int = 2_000_000
    matters: int = 200_000
    months: int = 24
    seed: int = 1

    def problems(self) -> list[Problem]:
        problems = []
        if self.subdistricts < 1:
            problems.append(
                Problem("街道数至少为 1。", "At least one subdistrict.", field="subdistricts")
            )
        if self.communities < max(self.subdistricts, 1):
            problems.append(
                Problem(
                    "社区数不能少于街道数（每个街道至少一个社区）。",
                    "At least as many communities as subdistricts (one each at least).",
                    field="communities",
                )
            )
        if self.communities > 999 * max(self.subdistricts, 1):
            problems.append(
                Problem(
                    "每个街道最多 999 个社区。",
                    "At most 999 communities a subdistrict.",
                    field="communities",
                )
            )
        if self.subdistricts > 899:
            problems.append(
                Problem("街道数最多为 899。", "At most 899 subdistricts.", field="subdistricts")
            )
        if self.assignments < 0 or self.matters < 0:
            problems.append(
                Problem(
                    "派单数和民情事项数不能为负。",
                    "Assignments and matters cannot be negative.",
                    field="assignments" if self.assignments < 0 else "matters",
                )
            )
        if not 1 <= self.months <= MAX_MONTHS:
            problems.append(
                Problem(
                    f"月数须在 1 到 {MAX_MONTHS} 之间。",
                    f"months must be between 1 and {MAX_MONTHS}.",
                    field="months",
                )
            )
        return problems


@dataclass
class CityReport:
    """What the run wrote: rows per table, and seconds per stage."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


COUNTED: tuple[tuple[str, type[models.Model]], ...] = (
    ("organisations", Organisation),
    ("users", User),
    ("catalog_items", CatalogItem),
    ("catalog_editions", CatalogEdition),
    ("funding_commitments", FundingCommitment),
    ("tasks", Task),
    ("assignments", Assignment),
    ("violations", Violation),
    ("off_platform_reports", OffPlatformReport),
    ("payments", Payment),
    ("matters", Matter),
)


def database_refusal() -> DatabaseNotEmpty | None:
    """The rule: seed_scale writes only into a database with no organisation, no person and no
    catalog item (what `migrate` leaves: built-in matter categories and care tags are fine)."""
    for name, model in (
        ("组织机构 / organisations", Organisation),
        ("用户 / users", User),
        ("目录事项 / catalog items", CatalogItem),
    ):
        if model._default_manager.exists():
            return DatabaseNotEmpty(name)
    return None


class _Stopwatch:
    def __init__(self, report: CityReport) -> None:
        self.report = report

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.report.seconds[name] = round(time.perf_counter() - started, 1)


def build_city(options: CityOptions, progress: StageProgress) -> CityReport:
    """Build the city (see the module's docstring); raise InvalidInput for impossible options
    and DatabaseNotEmpty where anything is there already. Roll-ups, if any, are the caller's
    next step."""
    problems = options.problems()
    if problems:
        raise InvalidInput(problems)
    refusal = database_refusal()
    if refusal is not None:
        raise refusal
    rng = random.Random(options.seed)  # noqa: S311 (made-up data, the same for the same seed)
    window = traffic.Window.of(options.months, clock.now())
    report = CityReport()
    watch = _Stopwatch(report)

    with watch.stage("organisations"), transaction.atomic():
        total = groundwork.organisations_count(options.communities, options.subdistricts)
        with progress.stage("组织机构 organisations", total) as advance:
            groundwork.build_organisations(
                communities=options.communities,
                subdistricts=options.subdistricts,
                rng=rng,
                advance=advance,
            )
    people = groundwork.people_count(options.communities)
    with (
        watch.stage("people"),
        transaction.atomic(),
        progress.stage("人员 people", people) as advance,
    ):
        groundwork.build_people(advance)
    city = groundwork.city_of_database()
    office = city.office
    with watch.stage("catalog"), progress.stage("准入目录 catalog", 2) as advance:
        groundwork.build_catalog(office)
        advance(1)
        commitments = groundwork.build_commitments(office, dt.date(window.first.year, 1, 1))
        advance(1)
    with watch.stage("dispatch"):
        catalog = traffic.read_catalog(window)
        plans = traffic.plan_tasks(city, options.assignments, window, rng)
        with progress.stage("派单 tasks & assignments", options.assignments) as advance:
            traffic.build_dispatch(city, plans, catalog, window, rng, advance)
        del plans
    with watch.stage("off_platform_reports"):
        planned = traffic.reports_planned(len(city.communities), options.months)
        with progress.stage("体外派单 off-platform", planned) as advance:
            traffic.build_reports(city, planned, window, rng, advance)
    with watch.stage("payments"):
        planned = money.payments_planned(commitments, len(city.communities), window)
        with progress.stage("经费拨付 payments", planned) as advance:
            money.build_payments(city, commitments, window, rng, advance)
    with watch.stage("matters"), progress.stage("民情事项 matters", options.matters) as advance:
        resident_matters.build_matters(city, options.matters, window, rng, advance)
    with watch.stage("analyze"), progress.stage("统计信息 ANALYZE", 1) as advance:
        _analyze()
        advance(1)
    report.counts = {name: model._default_manager.count() for name, model in COUNTED}
    _record_run(options, report)
    return report


def _analyze() -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL; SQLite's ANALYZE too)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _record_run(options: CityOptions, report: CityReport) -> None:
    with transaction.atomic():
        record_operation_event(
            action="scale.seed_city",
            subject="scale.city",
            subject_id=groundwork.DISTRICT_CODE,
            changes=created_fields({"options": asdict(options), "rows": report.counts}),
        )
