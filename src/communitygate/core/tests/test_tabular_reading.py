"""The one reader of imported files (`core.tabular`): strict decoding, control characters and bad
bytes as problems of their row and column, rows numbered as Excel shows them."""

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from communitygate.core.tabular import (
    column_letter,
    csv_bytes,
    read_rows,
    read_table,
)

HEADERS = ("姓名", "电话", "备注")


def xlsx(*rows: Sequence[object], replace: dict[str, str] | None = None) -> bytes:
    """An XLSX file of `rows`; `replace` swaps text in the sheet's XML (to put escapes such as
    _x0000_, which openpyxl refuses to write, into a cell as another program would)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not replace:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            for old, new in replace.items():
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return changed.getvalue()


def test_utf8_with_and_without_bom_and_gb18030_read_the_same() -> None:
    text = "姓名,电话,备注\n张三,13800000000,独居\n"
    for content in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("gb18030"),
    ):
        table = read_table("a.csv", content, max_rows=10, required=HEADERS)
        assert table.problems == []
        assert table.header == list(HEADERS)
        assert table.rows == [(2, ["张三", "13800000000", "独居"])]


def test_bytes_neither_encoding_reads_are_a_problem_of_their_row_and_column() -> None:
    content = "姓名,电话,备注\n张三,138,好\n".encode() + b"\xff\xfe,139,x\n"
    table = read_table("a.csv", content, max_rows=10, required=HEADERS)
    assert table.rows == []
    assert [(problem.row, problem.field) for problem in table.problems] == [(3, "姓名")]
    assert "UTF-8" in table.problems[0].message_en
    assert not any("\ufffd" in str(problem.as_dict()) for problem in table.problems)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x0b"])
def test_a_control_character_in_a_csv_cell_is_a_problem_of_its_row_and_column(
    character: str,
) -> None:
    content = f"姓名,电话,备注\n张三,138,好\n\n李四,1{character}39,x\n".encode()
    table = read_table("a.csv", content, max_rows=10, required=HEADERS)
    assert table.rows == []
    assert [(problem.row, problem.field) for problem in table.problems] == [(4, "电话")]
    assert "NUL" in table.problems[0].message_en


def test_tab_line_feed_and_carriage_return_inside_a_cell_are_text() -> None:
    content = '姓名,电话,备注\n张三,138,"第一行\r\n第二行\t完"\n'.encode()
    table = read_table("a.csv", content, max_rows=10, required=HEADERS)
    assert table.problems == []
    assert table.rows == [(2, ["张三", "138", "第一行\r\n第二行\t完"])]


def test_a_nul_in_an_xlsx_cell_is_a_problem_of_its_row_and_column() -> None:
    content = xlsx(
        list(HEADERS), ["张三", "138", "好"], ["王NUL五", "139", ""], replace={"NUL": "_x0000_"}
    )
    table = read_table("a.xlsx", content, max_rows=10, required=HEADERS)
    assert table.rows == []
    assert [(problem.row, problem.field) for problem in table.problems] == [(3, "姓名")]


def test_xlsx_numbers_and_dates_read_as_people_typed_them() -> None:
    content = xlsx(
        [*HEADERS, "日期", "时刻", "小数", "负数"],
        [
            "张三",
            13800000000,
            True,
            dt.datetime(2024, 1, 5),
            dt.datetime(2024, 1, 5, 9, 30),
            1.5,
            -3,
        ],
    )
    table = read_table("a.xlsx", content, max_rows=10)
    assert table.problems == []
    assert table.rows == [
        (2, ["张三", "13800000000", "TRUE", "2024-01-05", "2024-01-05 09:30:00", "1.5", "-3"])
    ]


def test_rows_keep_the_numbers_excel_shows_and_empty_rows_are_left_out() -> None:
    content = xlsx(list(HEADERS), [None, None, None], ["张三", " 138 ", None], [], ["李四"])
    read = read_rows("a.xlsx", content)
    assert read.problems == []
    assert read.rows == [(1, list(HEADERS)), (3, ["张三", "138"]), (5, ["李四"])]


def test_a_cell_protected_by_the_writer_reads_back_as_written() -> None:
    content, _count = csv_bytes(HEADERS, [["=SUM(A1)", "-5", "@x"], ["+1", 12.5, -3]])
    assert "'=SUM(A1)" in content.decode("utf-8-sig")
    table = read_table("a.csv", content, max_rows=10, required=HEADERS)
    assert table.rows == [(2, ["=SUM(A1)", "-5", "@x"]), (3, ["+1", "12.5", "-3"])]


def test_more_rows_than_allowed_other_files_and_broken_files_are_one_problem() -> None:
    content = ("姓名,电话,备注\n" + "张三,138,x\n" * 4).encode()
    assert read_table("a.csv", content, max_rows=4, required=HEADERS).problems == []
    [too_many] = read_table("a.csv", content, max_rows=3, required=HEADERS).problems
    assert "At most 3 rows" in too_many.message_en
    [other] = read_table("a.txt", content, max_rows=10).problems
    assert "Only .xlsx or .csv" in other.message_en
    [broken] = read_table("a.xlsx", b"not a zip file", max_rows=10).problems
    assert "cannot be read" in broken.message_en


def test_the_header_is_checked() -> None:
    content = "姓名,备注,备注,籍贯\n张三,x,y,z\n".encode()
    table = read_table("a.csv", content, max_rows=10, required=HEADERS, known=HEADERS)
    assert table.rows == []
    assert sorted((problem.row, problem.field) for problem in table.problems) == [
        (1, "备注"),
        (1, "电话"),
        (1, "籍贯"),
    ]


def test_column_letters() -> None:
    assert [column_letter(n) for n in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
