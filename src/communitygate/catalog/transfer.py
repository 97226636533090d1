"""Catalog files: export an edition, and read an uploaded file into checked rows.

The file format is the one offices already use: Chinese headers (序号, 编码, 事项名称, 类别, 领域,
依据, 责任部门, 社区职责, 频次, 台账, 预计工时, 经费; the import also reads 牌子, 有效期起, 有效期止,
准入文号 when present), in XLSX (openpyxl) or CSV (UTF-8; GB18030 as saved by Excel on Chinese
Windows is accepted too). Reading never writes: it returns rows and
every problem found, by row and column.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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
from communitygate.core.spreadsheets import xlsx_bytes

LIST_SEPARATORS = ("、", "，", ",", "；", ";")


@dataclass(frozen=True)
class ParsedRow:
    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ParsedRow]
    problems: list[Problem]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield [_text(value) for value in values]
    workbook.close()


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", content, 0, 1, "neither UTF-8 nor GB18030")


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for values in csv.reader(io.StringIO(_decode_csv(content))):
        yield [value.strip() for value in values]


def file_problem(zh: str, en: str, row: int | None = None, column: str = "") -> Problem:
    return Problem(message_zh=zh, message_en=en, field=column, row=row)


def read_table(filename: str, content: bytes, *, max_rows: int) -> ParsedFile:
    """The file's rows as {header: text}, or the problems that stop it being read at all."""
    lower = filename.lower()
    try:
        if lower.endswith(".xlsx"):
            raw_rows = list(_xlsx_rows(content))
        elif lower.endswith(".csv"):
            raw_rows = list(_csv_rows(content))
        else:
            return ParsedFile(
                [],
                [
                    file_problem(
                        "只接受 .xlsx 或 .csv 文件。", "Only .xlsx or .csv files are accepted."
                    )
                ],
            )
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, csv.Error):
        return ParsedFile(
            [],
            [
                file_problem(
                    "文件无法读取，请确认是有效的 XLSX 或 CSV 文件。",
                    "The file cannot be read; check it is a valid XLSX or CSV file.",
                )
            ],
        )
    if not raw_rows:
        return ParsedFile([], [file_problem("文件是空的。", "The file is empty.", row=1)])
    header = raw_rows[0]
    problems = _header_problems(header)
    if problems:
        return ParsedFile([], problems)
    data_rows = [
        ParsedRow(
            number, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))
        )
        for number, values in enumerate(raw_rows[1:], start=2)
        if any(values)
    ]
    if len(data_rows) > max_rows:
        return ParsedFile(
            [],
            [file_problem(f"一次最多导入 {max_rows} 行。", f"At most {max_rows} rows per import.")],
        )
    if not data_rows:
        return ParsedFile(
            [], [file_problem("文件没有数据行。", "The file has no data rows.", row=2)]
        )
    return ParsedFile(data_rows, [])


def _header_problems(header: list[str]) -> list[Problem]:
    problems = [
        file_problem(
            f"缺少必填列“{name}”。", f"The required column '{name}' is missing.", row=1, column=name
        )
        for name in REQUIRED_HEADERS
        if name not in header
    ]
    problems += [
        file_problem(
            f"无法识别的列“{name}”；可用的列：{'、'.join(IMPORT_HEADERS)}。",
            f"Unknown column '{name}'.",
            row=1,
            column=name,
        )
        for name in header
        if name and name not in IMPORT_HEADERS
    ]
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    problems += [
        file_problem(f"列“{name}”重复。", f"The column '{name}' appears twice.", row=1, column=name)
        for name in duplicates
    ]
    return problems


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


def _money_text(value: Any) -> str:
    return "" if value in (None, "") else f"{Decimal(str(value)):.2f}"


def export_rows(snapshots: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Rows for the file: a header, then one line per item (snapshot form)."""
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
            snapshot.get("estimated_hours") or "0",
            _money_text(snapshot.get("funding_per_community")),
        ]


def export_xlsx(snapshots: Iterable[dict[str, Any]], *, title: str) -> bytes:
    rows = export_rows(snapshots)
    headers = next(rows)
    # Office-typed text stays text, never a formula (`xlsx_bytes` writes plain cells).
    content, _count = xlsx_bytes(title[:31] or "准入目录", headers, rows)
    return content


def export_csv(snapshots: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(snapshots):
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")
