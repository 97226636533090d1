"""Catalog files: export an edition, and read an uploaded file into checked rows.

The file format is the one offices already use: Chinese headers (序号, 编码, 事项名称, 类别, 领域,
依据, 责任部门, 社区职责, 频次, 台账, 预计工时, 经费; the import also reads 牌子, 有效期起, 有效期止,
准入文号 when present), in XLSX or CSV, read and written by `core.tabular` (strict decoding,
control characters refused by row and column, text never written as a formula). Reading never
writes: it returns rows and every problem found, by row and column.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from communitygate.catalog.labels import (
    CLASS_ZH,
    DOMAIN_ZH,
    FREQUENCY_ZH,
    HEADERS,
    IMPORT_HEADERS,
    REQUIRED_HEADERS,
    code_for,
)
from communitygate.core.errors import Problem
from communitygate.core.tabular import csv_bytes, read_table, xlsx_bytes

LIST_SEPARATORS = ("、", "，", ",", "；", ";")


@dataclass(frozen=True)
class ParsedRow:
    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ParsedRow]
    problems: list[Problem]


def read_catalog_file(filename: str, content: bytes, *, max_rows: int) -> ParsedFile:
    """The file's rows as {header: text} (`core.tabular.read_table`), or the problems that stop
    it being read at all, by row and column."""
    table = read_table(
        filename, content, max_rows=max_rows, required=REQUIRED_HEADERS, known=IMPORT_HEADERS
    )
    if table.problems:
        return ParsedFile([], table.problems)
    return ParsedFile([ParsedRow(number, values) for number, values in table.records()], [])


def split_list(value: str) -> list[str]:
    parts = [value]
    for separator in LIST_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if part.strip()]


def parse_decimal(value: str) -> Decimal | None:
    cleaned = value.replace(",", "").replace("，", "").replace("¥", "").replace("元", "").strip()
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def coded(value: str, labels: dict[str, str]) -> str | None:
    return code_for(value, labels)


def _money(value: Any) -> Decimal | str:
    return "" if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))


def _hours(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def export_rows(snapshots: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Rows for the file: a header, then one line per item (snapshot form). Hours and money are
    numbers (written as numbers), everything else text."""
    yield list(HEADERS)
    for number, snapshot in enumerate(snapshots, start=1):
        yield [
            number,
            snapshot["code"],
            snapshot["name"],
            CLASS_ZH.get(snapshot["item_class"], snapshot["item_class"]),
            DOMAIN_ZH.get(snapshot["domain"], snapshot["domain"]),
            snapshot.get("legal_basis", ""),
            snapshot.get("department_name") or snapshot.get("department", ""),
            snapshot.get("community_duty", ""),
            FREQUENCY_ZH.get(snapshot.get("frequency", ""), snapshot.get("frequency", "")),
            "、".join(name for _code, name in snapshot.get("ledgers", [])),
            _hours(snapshot.get("estimated_hours")),
            _money(snapshot.get("funding_per_community")),
        ]


def export_xlsx(snapshots: Iterable[dict[str, Any]], *, title: str) -> bytes:
    rows = export_rows(snapshots)
    headers = next(rows)
    content, _count = xlsx_bytes(title[:31] or "准入目录", headers, rows)
    return content


def export_csv(snapshots: Iterable[dict[str, Any]]) -> bytes:
    rows = export_rows(snapshots)
    headers = next(rows)
    content, _count = csv_bytes(headers, rows)
    return content
