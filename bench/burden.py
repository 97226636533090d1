"""Benchmark: the burden dashboard's main reads at city scale, each beside its floor.

Run on a PostgreSQL database that holds a city (`communitygate seed_scale`, which ends with the
roll-ups built). For each read — the district's totals, the community table of one subdistrict
and of the whole city, the department table, the 12-month trend — it times the dashboard's own
reader (`insights.received`, as the pages and the API call it) against ONE hand-written SQL
statement that gives the same figures from the same tables, checks that the two agree, and
prints the medians (the runs alternate, after a warm-up: shared machines are noisy) and the
ratio. Target (issue 12): each read within 1.5x of its floor and under 0.5 s.

For context it also times the district's totals summed straight from the dispatch rows (one SQL
statement over the assignments, no roll-up): what the roll-ups save.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_city .venv/bin/communitygate migrate
    DATABASE_URL=... .venv/bin/communitygate seed_scale
    DATABASE_URL=... .venv/bin/python bench/burden.py [--runs 9] [--period 2026]

Nothing is written except the roll-ups, refreshed first if a change or the date needs it.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.db import connection  # noqa: E402

from communitygate.admissions.forecast import OCCURRENCES_PER_YEAR  # noqa: E402
from communitygate.admissions.selectors import community_loads  # noqa: E402
from communitygate.catalog.models import Frequencies  # noqa: E402
from communitygate.core import clock  # noqa: E402
from communitygate.core.periods import parse_period  # noqa: E402
from communitygate.insights import rollups  # noqa: E402
from communitygate.insights.received import (  # noqa: E402
    FIGURES,
    MONTHS_A_YEAR,
    Figures,
    Filters,
    _figures_of,
    communities_in,
    moment,
    per_community,
    per_department,
    sources,
    totals,
    trend,
)
from communitygate.orgs.models import Organisation, OrganisationKinds  # noqa: E402
from communitygate.orgs.selectors import community_staff, staff_hours_per_year  # noqa: E402

TARGET_RATIO, TARGET_SECONDS = 1.5, 0.5

# The sums of a set of roll-up rows, as the readers name them (n_<figure>, hours_<frequency>).
CELL_SUMS = ", ".join(
    [f"sum({figure}) AS n_{figure}" for figure in FIGURES]
    + [f"sum(hours_{frequency}) AS hours_{frequency}" for frequency in Frequencies.values]
)
CELL_COLUMNS = [f"n_{figure}" for figure in FIGURES] + [
    f"hours_{frequency}" for frequency in Frequencies.values
]

DISTRICT_SQL = f"""
SELECT {CELL_SUMS}, sum(tasks) AS n_tasks,
  (SELECT count(*) FROM dispatch_offplatformreport
    WHERE occurred_on BETWEEN %(start)s AND %(end)s) AS reports
FROM insights_receivedareacell WHERE month BETWEEN %(first)s AND %(last)s AND area_id IS NULL
"""

COMMUNITIES_SQL = f"""
SELECT o.code, c.*, coalesce(r.n, 0) AS reports
FROM orgs_organisation o
LEFT JOIN (
  SELECT cell.community_id, {CELL_SUMS}
  FROM insights_receivedcommunitymonth cell JOIN orgs_organisation oc ON oc.id = cell.community_id
  WHERE cell.month BETWEEN %(first)s AND %(last)s AND oc.path LIKE %(path)s
  GROUP BY cell.community_id
) c ON c.community_id = o.id
LEFT JOIN (
  SELECT community_id, count(*) AS n FROM dispatch_offplatformreport
  WHERE occurred_on BETWEEN %(start)s AND %(end)s GROUP BY community_id
) r ON r.community_id = o.id
WHERE o.kind = 'community' AND o.path LIKE %(path)s
ORDER BY o.path
"""

DEPARTMENTS_SQL = f"""
SELECT o.code, c.*, coalesce(r.n, 0) AS reports
FROM orgs_organisation o
LEFT JOIN (
  SELECT sender_id, {CELL_SUMS}, sum(tasks) AS n_tasks FROM insights_receivedareacell
  WHERE month BETWEEN %(first)s AND %(last)s AND area_id IS NULL GROUP BY sender_id
) c ON c.sender_id = o.id
LEFT JOIN (
  SELECT department_id, count(*) AS n FROM dispatch_offplatformreport
  WHERE occurred_on BETWEEN %(start)s AND %(end)s GROUP BY department_id
) r ON r.department_id = o.id
WHERE o.kind = 'department' OR c.sender_id IS NOT NULL
ORDER BY o.kind, o.code
"""

# A community's admitted hours in a month: each frequency's hours a year ÷ its occurrences.
HOURS_PER_OCCURRENCE = " + ".join(
    f"hours_{f} / {OCCURRENCES_PER_YEAR.get(f, MONTHS_A_YEAR)}" for f in Frequencies.values
)

# Per month: the district's figures, the communities over capacity and the heaviest (the
# catalog's standing hours and the staff of each community are given, as `load` rows: the
# catalog's reading is the same call for the reader and the floor), and the department with the
# most unadmitted work.
TREND_SQL = f"""
WITH load(community_id, code, standing, staff) AS (SELECT * FROM unnest(
    %(ids)s::bigint[], %(codes)s::text[], %(standing)s::numeric[], %(staff)s::int[])),
months AS (
  SELECT m::date AS month,
    (least((m + interval '1 month')::date - 1, %(today)s::date) - m::date + 1) / 365.0 AS share
  FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') m
),
per_community AS (
  SELECT month, community_id, received, unadmitted, round({HOURS_PER_OCCURRENCE}, 1) AS hours
  FROM insights_receivedcommunitymonth WHERE month BETWEEN %(first)s AND %(last)s
),
ranked AS (
  SELECT months.month, load.code, coalesce(p.received, 0) AS received,
    coalesce(p.unadmitted, 0) AS unadmitted, coalesce(p.hours, 0) AS hours,
    round(load.standing * months.share, 1) + coalesce(p.hours, 0) AS load_hours,
    round(load.staff * %(per_staff)s * months.share, 1) AS capacity
  FROM months CROSS JOIN load
  LEFT JOIN per_community p ON p.month = months.month AND p.community_id = load.community_id
),
heaviest AS (
  SELECT DISTINCT ON (month) month, code AS heaviest FROM ranked
  ORDER BY month, round(load_hours / nullif(capacity, 0), 3) DESC NULLS LAST, unadmitted DESC, code
),
per_department AS (
  SELECT DISTINCT ON (c.month) c.month, o.code AS top_department, sum(c.unadmitted) AS most
  FROM insights_receivedareacell c JOIN orgs_organisation o ON o.id = c.sender_id
  WHERE c.month BETWEEN %(first)s AND %(last)s AND c.area_id IS NULL
  GROUP BY c.month, o.code HAVING sum(c.unadmitted) > 0
  ORDER BY c.month, sum(c.unadmitted) DESC, o.code
)
SELECT r.month, sum(r.received), sum(r.unadmitted), sum(r.hours),
  count(*) FILTER (WHERE r.load_hours > r.capacity), h.heaviest, d.top_department, d.most
FROM ranked r
JOIN heaviest h ON h.month = r.month LEFT JOIN per_department d ON d.month = r.month
GROUP BY r.month, h.heaviest, d.top_department, d.most ORDER BY r.month
"""

ROWS_DISTRICT_SQL = """
SELECT count(*), count(*) FILTER (WHERE a.admitted), count(*) FILTER (WHERE a.state = 'refused'),
  count(DISTINCT a.task_id)
FROM dispatch_assignment a JOIN dispatch_task t ON t.id = a.task_id
WHERE t.created_at >= %(from)s AND t.created_at < %(to)s
"""


def fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figures_of(values: dict[str, Any], reports: int | None) -> Figures:
    return _figures_of(values, reports)


def median_pair(
    read: Callable[[], Any], floor: Callable[[], Any], runs: int
) -> tuple[float, float]:
    read()
    floor()  # warm-up: caches and plans
    reads, floors = [], []
    for _ in range(runs):
        for samples, call in ((reads, read), (floors, floor)):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    return statistics.median(reads), statistics.median(floors)


def _cell_dict(row: tuple[Any, ...], offset: int) -> dict[str, Any]:
    return dict(zip(CELL_COLUMNS, row[offset : offset + len(CELL_COLUMNS)], strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--period", default="", help="as the pages take it; default this year")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/burden.py measures PostgreSQL: set DATABASE_URL (see its docstring).")
    with connection.cursor() as cursor:
        # PostgreSQL's JIT compiles a query whose estimated cost is high: the trend's floor
        # (a cross join of months and communities estimated at a million rows) spent 1.3 s
        # compiling to read 13,200. Off for the session, for the readers and floors alike.
        cursor.execute("SET jit = off")
    today = clock.today()
    period = parse_period(args.period, today=today)
    filters = Filters(period)
    started = time.perf_counter()
    rebuilt = rollups.refresh(today)
    refresh_seconds = time.perf_counter() - started
    plan = sources(filters, today)
    if plan.row_days:
        sys.exit(f"the roll-ups do not cover {plan.row_days}: run `refresh_burden --all` first")
    bounds = {
        "first": plan.built[0],
        "last": plan.built[-1],
        "start": period.start,
        "end": period.end,
    }
    subdistrict = (
        Organisation.objects.filter(kind=OrganisationKinds.SUBDISTRICT).order_by("path").first()
    )
    assert subdistrict is not None, "no city here: run `communitygate seed_scale` first"
    counts = fetch(
        "SELECT (SELECT count(*) FROM dispatch_assignment), (SELECT count(*) FROM dispatch_task),"
        " (SELECT count(*) FROM insights_receivedcommunitymonth)"
        " + (SELECT count(*) FROM insights_receivedareacell),"
        " (SELECT count(*) FROM orgs_organisation WHERE kind = 'community')",
        {},
    )[0]
    print(
        f"PostgreSQL: {counts[0]:,} assignments, {counts[1]:,} tasks, {counts[3]:,} communities;"
        f" {counts[2]:,} roll-up rows; period {period.start}..{period.end};"
        f" refresh before the run: {len(rebuilt)} month(s) in {refresh_seconds:.1f} s"
    )

    def district_floor() -> Figures:
        row = fetch(DISTRICT_SQL, bounds)[0]
        values = _cell_dict(row, 0) | {"n_tasks": row[-2]}
        return figures_of(values, row[-1])  # n_tasks: the column after the sums

    def communities_floor(path: str) -> Callable[[], list[tuple[str, Figures]]]:
        def floor() -> list[tuple[str, Figures]]:
            rows = fetch(COMMUNITIES_SQL, bounds | {"path": path})
            result = []
            for row in rows:
                values = _cell_dict(row, 2)
                values["n_tasks"] = values["n_received"]
                result.append((row[0], figures_of(values, row[-1])))
            return result

        return floor

    def departments_floor() -> list[tuple[str, Figures]]:
        result = []
        for row in fetch(DEPARTMENTS_SQL, bounds):
            values = _cell_dict(row, 2) | {"n_tasks": row[-2]}  # sender, sums, tasks, reports
            result.append((row[0], figures_of(values, row[-1])))
        return result

    trend_first = today.replace(day=1)
    for _ in range(11):
        trend_first = (trend_first - dt.timedelta(days=1)).replace(day=1)
    communities = list(communities_in(None))
    loads = community_loads(communities, day=today)
    trend_params = {
        "ids": [c.pk for c in communities],
        "codes": [c.code for c in communities],
        "standing": [loads[c.pk].hours for c in communities],
        "staff": [community_staff(c) for c in communities],
        "per_staff": staff_hours_per_year(),
        "first": trend_first,
        "last": today.replace(day=1),
        "today": today,
    }

    def trend_floor() -> list[tuple[Any, ...]]:
        return fetch(TREND_SQL, trend_params)

    reads: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[], bool]]] = []

    def same_district() -> bool:
        return totals(filters, today) == district_floor()

    def same_communities(sub: Organisation | None) -> Callable[[], bool]:
        path = f"{sub.path}/%" if sub else "%"

        def check() -> bool:
            mine = [
                (r.key, r.figures) for r in per_community(Filters(period, subdistrict=sub), today)
            ]
            return mine == communities_floor(path)()

        return check

    def same_departments() -> bool:
        mine = [(r.key, r.figures) for r in per_department(filters, today)]
        return mine == departments_floor()

    def same_trend() -> bool:
        mine = [
            (
                m.month,
                m.received,
                m.unadmitted,
                m.admitted_hours,
                m.over_capacity,
                m.heaviest.code if m.heaviest else None,
                m.top_department.key if m.top_department else None,
            )
            for m in trend(12, today)
        ]
        floor = [
            (r[0], r[1], r[2], Decimal(r[3]).quantize(Decimal("0.1")), r[4], r[5], r[6])
            for r in trend_floor()
        ]
        return mine == floor

    sub_filters = Filters(period, subdistrict=subdistrict)
    reads = [
        ("district totals", lambda: totals(filters, today), district_floor, same_district),
        (
            f"communities of {subdistrict.name}",
            lambda: per_community(sub_filters, today),
            communities_floor(f"{subdistrict.path}/%"),
            same_communities(subdistrict),
        ),
        (
            "communities of the city",
            lambda: per_community(filters, today),
            communities_floor("%"),
            same_communities(None),
        ),
        (
            "departments",
            lambda: per_department(filters, today),
            departments_floor,
            same_departments,
        ),
        ("trend, 12 months", lambda: trend(12, today), trend_floor, same_trend),
    ]
    print(f"{'read':<28}{'reader':>10}{'floor':>10}{'ratio':>8}  same  target")
    failed = False
    for name, read, floor, same in reads:
        reader_s, floor_s = median_pair(read, floor, args.runs)
        ratio = reader_s / floor_s
        agrees = same()
        ok = agrees and ratio <= TARGET_RATIO and reader_s < TARGET_SECONDS
        failed |= not ok
        print(
            f"{name:<28}{reader_s * 1000:>8.1f}ms{floor_s * 1000:>8.1f}ms{ratio:>7.2f}x"
            f"  {'yes' if agrees else 'NO ':<4}  {'met' if ok else 'MISSED'}"
        )
    rows_bounds = {"from": moment(period.start), "to": moment(period.end + dt.timedelta(1))}
    _, rows_s = median_pair(
        lambda: None, lambda: fetch(ROWS_DISTRICT_SQL, rows_bounds), max(3, args.runs // 3)
    )
    print(f"(context) district totals summed from the rows, one SQL: {rows_s * 1000:.0f} ms")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
