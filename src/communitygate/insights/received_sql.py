"""The roll-ups read as plain SQL (docs/burden.md "Roll-ups"): which months they hold exactly,
and the sums of those months, in ONE statement; and the off-platform reports counted in one more.

The dashboard's reads are small sums over tens of thousands of roll-up rows; built through the
ORM, each query spent about 2 ms in Python composing and compiling its expressions, more than the
database spent answering (bench/burden.py). The statements here are composed from the models'
own table and column names and the same lists of figures as the ORM readers, run on SQLite and
PostgreSQL alike, and are checked against the rows by the same tests (tests/test_rollups.py).

The rule for a usable month is written once, in `_usable`: built on `today` (overdue is as of a
day), no task of it marked changed since, and covered by the filters (or nothing in it sent after
their end).
"""

# S608: the statements are composed of the models' quoted names and fixed fragments only; every
# value is a parameter.
# ruff: noqa: S608

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from communitygate.catalog.models import Frequencies
from communitygate.dispatch.models import OffPlatformReport, Task
from communitygate.insights.models import (
    ReceivedAreaCell,
    ReceivedCommunityMonth,
    ReceivedMonth,
    StaleTask,
)
from communitygate.orgs.models import Organisation

# The ORM's own reading of a SUM of decimals on SQLite (a float): 15 digits, then the places.
_FLOAT_CONTEXT = Context(prec=15)
_HOURS_PLACES = Decimal("0.1")
NONE_KEY = "none"  # the domain and class of a task sent without a catalog item


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


@dataclass(frozen=True)
class Scope:
    """The filters as the SQL reads them: each optional (None or empty: not asked)."""

    subdistrict_path: str | None = None
    subdistrict_id: int | None = None
    community_id: int | None = None
    department_id: int | None = None
    domain: str = ""
    item_class: str = ""


def _usable(
    months: Sequence[dt.date], today: dt.date, after_end: dt.datetime
) -> tuple[str, list[Any]]:
    """The CTE `usable(month, refreshed_at)`: the months among `months` the roll-ups hold
    exactly for filters ending before `after_end` (see the module's docstring)."""
    month, task = _table(ReceivedMonth), _table(Task)
    if not months:
        return f"usable AS (SELECT month, refreshed_at FROM {month} WHERE 1 = 0)", []
    ops = connection.ops
    marks = ", ".join(["%s"] * len(months))
    end = ops.adapt_datetimefield_value(after_end)
    sql = f"""usable AS (
  SELECT m.month, m.refreshed_at FROM {month} m
  WHERE m.month IN ({marks}) AND m.as_of = %s
    AND (m.ends_at <= %s OR m.last_sent_at IS NULL OR m.last_sent_at < %s)
    AND NOT EXISTS (
      SELECT 1 FROM {_table(StaleTask)} s JOIN {task} t ON t.id = s.{_column(StaleTask, "task")}
      WHERE t.{_column(Task, "created_at")} >= m.starts_at
        AND t.{_column(Task, "created_at")} < m.ends_at))"""
    params = [ops.adapt_datefield_value(m) for m in months]
    return sql, [*params, ops.adapt_datefield_value(today), end, end]


def usable_months(
    months: Sequence[dt.date], today: dt.date, after_end: dt.datetime
) -> dict[dt.date, dt.datetime]:
    """The usable months and when each was rebuilt (one query)."""
    cte, params = _usable(months, today, after_end)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {cte} SELECT month, refreshed_at FROM usable", params)
        rows = cursor.fetchall()
    return {as_date(month): as_moment(at) for month, at in rows}


# The roll-ups' groupings, as each names them (None: that roll-up cannot group so).
_COMMUNITY_KEYS = {
    "month": "r.month",
    "subdistrict": "c.parent_id",
    "community": "r.community_id",
}
_AREA_KEYS = {
    "month": "r.month",
    "subdistrict": "r.area_id",
    "department": "r.sender_id",
    "domain": "r.domain",
    "class": "r.item_class",
}


@dataclass(frozen=True)
class FreshSums:
    """What one statement read: the usable months among those asked, each with when it was
    rebuilt; the raw sums per group over those months; and, when asked, the off-platform
    reports per group."""

    months: dict[dt.date, dt.datetime]
    groups: dict[tuple[Any, ...], dict[str, Any]]
    reports: dict[tuple[Any, ...], int]
    labels: list["Label"] | None  # None: not asked


@dataclass(frozen=True)
class Label:
    """An organisation as a table row names it (a community: with its subdistrict's code)."""

    pk: int
    kind: str
    code: str
    name: str
    parent: str
    path: str


_NO_LABEL = ["NULL"] * 5  # a label's kind, code, name, parent's code and path


def fresh_sums(
    rollup: str,
    scope: Scope,
    keys: tuple[str, ...],
    figures: Sequence[str],
    *,
    months: Sequence[dt.date],
    today: dt.date,
    after_end: dt.datetime,
    reports: tuple[dt.date, dt.date] | None = None,
    labels: tuple[str, str | None] | None = None,
) -> FreshSums:
    """ONE statement: the usable months among `months`; the sums of the roll-up `rollup`
    ("community" or "area") over them, grouped by `keys` (named as the ORM readers name them:
    n_<figure>, hours_<frequency>, and n_tasks from the area roll-up); and, given `reports`
    (first and last day), the off-platform reports of those days per group; given `labels` (an
    organisation kind, and a path they lie under or None), the labels of those organisations — parts of
    one UNION ALL, told apart by their first column."""
    cte, params = _usable(months, today, after_end)
    select, where, joins, more = _rollup_parts(rollup, scope, keys)
    names = [f"n_{f}" for f in figures] + [f"hours_{f}" for f in Frequencies.values]
    sums = [f"SUM(r.{_q(f)})" for f in figures] + [
        f"SUM(r.{_q(f'hours_{f}')})" for f in Frequencies.values
    ]
    if rollup == "area":
        names.append("n_tasks")
        sums.append("SUM(r.tasks)")
    model = ReceivedCommunityMonth if rollup == "community" else ReceivedAreaCell
    no_keys, no_sums = ["NULL"] * len(keys), ["NULL"] * len(sums)
    no_count = "CAST(NULL AS INTEGER)"  # typed: NULL in the first two parts
    group_by = f" GROUP BY {', '.join(select)}" if select else ""
    parts = [
        f"SELECT 0, month, refreshed_at, {_list(no_keys, no_sums, [no_count], _NO_LABEL)}"
        " FROM usable",
        f"SELECT 1, NULL, NULL, {_list(select, sums, [no_count], _NO_LABEL)}"
        f" FROM {_table(model)} r {joins}"
        f" WHERE r.month IN (SELECT month FROM usable){where}{group_by}",
    ]
    if reports is not None:
        report_select, report_query, report_params = _report_parts(scope, keys, *reports)
        parts.append(
            f"SELECT 2, NULL, NULL, {_list(report_select, no_sums, ['count(*)'], _NO_LABEL)}"
            f" {report_query}"
        )
        more = more + report_params
    if labels is not None:
        assert keys, "labels name the groups of a key"
        label_query, label_params = _label_parts(*labels)
        key_columns = ["o.id", *no_keys[1:]]
        parts.append(
            f"SELECT 3, NULL, NULL, {_list(key_columns, no_sums, [no_count])}, {label_query}"
        )
        more = more + label_params
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {cte}\n" + "\nUNION ALL\n".join(parts), params + more)
        rows = cursor.fetchall()
    return _fresh_sums_of(rows, keys, names, asked_labels=labels is not None)


def _list(*columns: list[str]) -> str:
    return ", ".join(c for part in columns for c in part)


def _fresh_sums_of(
    rows: list[tuple[Any, ...]], keys: tuple[str, ...], names: list[str], *, asked_labels: bool
) -> FreshSums:
    usable: dict[dt.date, dt.datetime] = {}
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    counted: dict[tuple[Any, ...], int] = {}
    labels: list[Label] | None = [] if asked_labels else None
    width = len(keys)
    count = 3 + width + len(names)  # where the reports' count is; the label after it
    for row in rows:
        part = row[0]
        if part == 0:
            usable[as_date(row[1])] = as_moment(row[2])
            continue
        if part == 3 and labels is not None:
            labels.append(Label(row[3], *row[count + 1 :]))
            continue
        group = tuple(_key_value(k, v) for k, v in zip(keys, row[3 : 3 + width], strict=True))
        if part == 2:
            if row[count]:
                counted[group] = counted.get(group, 0) + row[count]
            continue
        values = row[3 + width : count]
        if keys or any(v is not None for v in values):
            groups[group] = {n: _number(v) for n, v in zip(names, values, strict=True)}
    if labels is not None:
        labels.sort(key=lambda label: label.path)
    return FreshSums(usable, groups, counted, labels)


def _label_parts(kind: str, under: str | None) -> tuple[str, list[Any]]:
    """The label columns, FROM and WHERE of the organisations of `kind` (under the path `under`)."""
    organisation = _table(Organisation)
    where, params = ["o.kind = %s"], [kind]
    if under is not None:
        where.append("o.path LIKE %s ESCAPE '\\'")
        params.append(_prefix(under))
    return (
        f"o.kind, o.code, o.name, coalesce(p.code, ''), o.path FROM {organisation} o"
        f" LEFT JOIN {organisation} p ON p.id = o.parent_id WHERE {' AND '.join(where)}",
        params,
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _rollup_parts(
    rollup: str, scope: Scope, keys: tuple[str, ...]
) -> tuple[list[str], str, str, list[Any]]:
    """The grouping columns, the filters (after the month's), the joins and their parameters."""
    where: list[str] = []
    params: list[Any] = []
    joins = ""
    if rollup == "community":
        select = [_COMMUNITY_KEYS[k] for k in keys]
        if scope.subdistrict_path is not None or "subdistrict" in keys:
            joins = f"JOIN {_table(Organisation)} c ON c.id = r.community_id"
        _where_communities(scope, where, params)
    else:
        select = [_AREA_KEYS[k] for k in keys]
        if scope.subdistrict_id is not None:
            where.append("r.area_id = %s")
            params.append(scope.subdistrict_id)
        elif "subdistrict" in keys:
            where.append("r.area_id IS NOT NULL")
        else:
            where.append("r.area_id IS NULL")
        if scope.department_id is not None:
            where.append("r.sender_id = %s")
            params.append(scope.department_id)
        for column, value in (("r.domain", scope.domain), ("r.item_class", scope.item_class)):
            if value == NONE_KEY:
                where.append(f"{column} IS NULL")
            elif value:
                where.append(f"{column} = %s")
                params.append(value)
    return select, "".join(f" AND {w}" for w in where), joins, params


def _where_communities(scope: Scope, where: list[str], params: list[Any]) -> None:
    """The scope's subdistrict (`c`, the community joined) and community, on rows `r`."""
    if scope.subdistrict_path is not None:
        where.append("c.path LIKE %s ESCAPE '\\'")
        params.append(_prefix(scope.subdistrict_path))
    if scope.community_id is not None:
        where.append("r.community_id = %s")
        params.append(scope.community_id)


def _prefix(path: str) -> str:
    """LIKE's pattern for everything under `path` (its wildcards escaped)."""
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}/%"


def _report_parts(
    scope: Scope, keys: tuple[str, ...], start: dt.date, end: dt.date
) -> tuple[list[str], str, list[Any]]:
    """The grouping columns, and FROM … GROUP BY with its parameters, of the off-platform reports
    that happened from `start` to `end`. A month is grouped per day and added up by the reader:
    no date function differs between the databases."""
    columns = {
        "month": "r.occurred_on",
        "subdistrict": "c.parent_id",
        "community": "r.community_id",
        "department": "r.department_id",
    }
    select = [columns[k] for k in keys]
    ops = connection.ops
    where = ["r.occurred_on BETWEEN %s AND %s"]
    params: list[Any] = [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
    _where_communities(scope, where, params)
    if scope.department_id is not None:
        where.append("r.department_id = %s")
        params.append(scope.department_id)
    joined = scope.subdistrict_path is not None or "subdistrict" in keys
    join = f" JOIN {_table(Organisation)} c ON c.id = r.community_id" if joined else ""
    group_by = f" GROUP BY {', '.join(select)}" if select else ""
    query = f"FROM {_table(OffPlatformReport)} r{join} WHERE {' AND '.join(where)}{group_by}"
    return select, query, params


def report_counts(
    scope: Scope, keys: tuple[str, ...], start: dt.date, end: dt.date
) -> dict[tuple[Any, ...], int]:
    """Off-platform reports that happened from `start` to `end`, counted per group of `keys`
    (month, subdistrict, community or department; one group () without keys): one statement."""
    select, query, params = _report_parts(scope, keys, start, end)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_list(select, ['count(*)'])} {query}", params)
        rows = cursor.fetchall()
    counted: dict[tuple[Any, ...], int] = {}
    for row in rows:
        group = tuple(_key_value(key, value) for key, value in zip(keys, row[:-1], strict=True))
        if row[-1]:
            counted[group] = counted.get(group, 0) + row[-1]
    return counted


def _key_value(key: str, value: Any) -> Any:
    if key == "month" and value is not None:
        return as_date(value).replace(day=1)
    return value


def as_date(value: Any) -> dt.date:
    """A date as the database gave it (SQLite: text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_moment(value: Any) -> dt.datetime:
    """A stored moment as the database gave it (SQLite: naive UTC text)."""
    if not isinstance(value, dt.datetime):
        value = parse_datetime(str(value))
        assert value is not None
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _number(value: Any) -> Any:
    """A sum as the ORM would give it: SQLite sums decimals as floats (read back to 0.1)."""
    if isinstance(value, float):
        return _FLOAT_CONTEXT.create_decimal_from_float(value).quantize(_HOURS_PLACES)
    return value
