"""Tabular files: the one reader of every import and the one writer of every export.

Reading (`read_rows`, `read_table`). CSV and XLSX become rows of text, numbered as the person
sees them in Excel (the first row is 1; an empty row is left out but keeps its number), each cell
trimmed. Nothing is guessed silently:

- CSV is UTF-8 (with or without a byte-order mark), else GB18030 (Excel on Chinese Windows saves
  GBK, which GB18030 contains). Bytes that neither reads are a problem of the row and column
  holding them, never replacement characters.
- XLSX is read with python-calamine (a Rust reader, about twenty times faster than openpyxl's
  read-only mode on bench/import.py's 20,000 rows). Numbers are written without a useless ".0"
  (13900000001, not 1.3900000001E10), dates as 2024-01-05.
- A cell holding NUL or another control character (C0, other than tab, line feed and carriage
  return) is a problem of its row and column: PostgreSQL cannot store NUL, and the others are
  never typed on purpose.
- A CSV cell that `csv_bytes` protected with an apostrophe ("'=SUM(A1)") reads back as written
  ("=SUM(A1)"), so an export imports unchanged.

`read_table` adds the header row's checks (required, unknown and repeated columns) and the
largest number of rows one import takes.

Writing (`csv_bytes`, `xlsx_bytes` and their download answers). Text typed by people is never
written as a formula (OWASP, "CSV Injection"): spreadsheet programs take a cell starting with
= + - @, a tab or a carriage return as a formula.

- XLSX: such a text is written as a string cell (an inline string of one unformatted run,
  `t="inlineStr"`): it reads back unchanged, is shown unchanged, and no program evaluates it. A
  text that is an error code ("#N/A") is kept as text the same way. Characters XML 1.0 cannot
  hold (the control characters above) become U+FFFD, so one odd character in a public filing
  cannot make the staff's export fail.
- CSV: such a text is prefixed with an apostrophe, as OWASP recommends (the reader above takes it
  off again).
- Numbers (int, Decimal, float) stay numbers in both, negative ones included: only text is ever
  protected.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.cell.rich_text import CellRichText
from python_calamine import CalamineError, CalamineWorkbook

from communitygate.core.errors import Problem
from communitygate.core.inputs import CONTROL_CHARACTERS
from communitygate.core.uploads import zip_problems

# What makes a spreadsheet program read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRSTS = frozenset(FORMULA_STARTS)
UNDECODED = re.compile(r"[\udc80-\udcff]")  # bytes kept by the surrogateescape error handler
REPLACEMENT = "\ufffd"
UTF8_BOM = b"\xef\xbb\xbf"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """The non-empty rows of a file, (row number, trimmed cells), or the problems that stop it
    being read (then no rows)."""

    rows: list[tuple[int, list[str]]]
    problems: list[Problem]


@dataclass(frozen=True)
class Table:
    """A file with a header row: its column names, its data rows (row number, cells) and the
    problems that stop it being read (then no rows)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    problems: list[Problem]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row as {column name: text}; a cell missing from a short row reads as ""."""
        for number, cells in self.rows:
            yield (
                number,
                {
                    name: cells[position] if position < len(cells) else ""
                    for position, name in enumerate(self.header)
                    if name
                },
            )


def file_problem(zh: str, en: str, row: int | None = None, column: str = "") -> Problem:
    return Problem(message_zh=zh, message_en=en, field=column, row=row)


UNREADABLE = (
    "文件无法读取，请确认是有效的 XLSX 或 CSV 文件。",
    "The file cannot be read; check it is a valid XLSX or CSV file.",
)


def column_letter(position: int) -> str:
    """A (0), B (1), … Z, AA: the column as Excel names it."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def decode_csv(content: bytes) -> tuple[str, bool]:
    """The text of a CSV file, and whether it holds bytes that could not be decoded (kept as
    lone surrogates, to be reported by row and column)."""
    if content.startswith(UTF8_BOM):
        text = content[len(UTF8_BOM) :].decode("utf-8", "surrogateescape")
        return text, UNDECODED.search(text) is not None
    try:
        return content.decode("utf-8"), False
    except UnicodeDecodeError as not_utf8:
        utf8_error = not_utf8.start
    try:
        return content.decode("gb18030"), False
    except UnicodeDecodeError as not_gb:
        gb_error = not_gb.start
    # Neither reads the whole file: the one that reads further is taken to be the file's.
    encoding = "utf-8" if utf8_error >= gb_error else "gb18030"
    return content.decode(encoding, "surrogateescape"), True


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str], bool, bool]]:
    """(row number, cells as written, undecodable bytes in the file, control characters in the
    file): the file's text is searched once, so a clean file costs no search per row."""
    text, undecoded = decode_csv(content)
    controls = CONTROL_CHARACTERS.search(text) is not None
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        # Without the apostrophe `csv_bytes` puts before a formula-like text.
        unprotected = [
            cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_FIRSTS else cell for cell in cells
        ]
        yield number, unprotected, undecoded, controls


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str], bool, bool]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    finally:
        workbook.close()
    for number, cells in enumerate(values, start=1):
        texts = [_cell_text(value) for value in cells]
        yield number, texts, False, CONTROL_CHARACTERS.search("".join(texts)) is not None


def _cell_problems(
    number: int, cells: list[str], undecoded: bool, header: list[str] | None
) -> list[Problem]:
    problems = []
    for position, cell in enumerate(cells):
        column = _column_name(header, position)
        if undecoded and UNDECODED.search(cell):
            problems.append(
                file_problem(
                    "有无法识别的字符：文件应保存为 UTF-8 或 GBK（GB18030）编码的 CSV。",
                    "Holds bytes that are not text: save the file as CSV in UTF-8 or GBK (GB18030).",
                    number,
                    column,
                )
            )
        elif CONTROL_CHARACTERS.search(cell):
            problems.append(
                file_problem(
                    "含有控制字符（如 NUL），请删除后重新导入。",
                    "Holds a control character (such as NUL); remove it and import again.",
                    number,
                    column,
                )
            )
    return problems


def _column_name(header: list[str] | None, position: int) -> str:
    """The header's name for a column when it has a clean one, else its letter."""
    if header is not None and position < len(header):
        name = header[position]
        if name and not CONTROL_CHARACTERS.search(name) and not UNDECODED.search(name):
            return name
    return column_letter(position)


def _read(filename: str, content: bytes, *, max_rows: int | None, has_header: bool) -> Rows:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        source = _xlsx_rows
        # A zip bomb is refused before calamine inflates it (a file that is no archive at all
        # is calamine's to call unreadable).
        inflation = (
            zip_problems(filename, content) if zipfile.is_zipfile(io.BytesIO(content)) else []
        )
        if inflation:
            return Rows([], inflation)
    elif lower.endswith(".csv"):
        source = _csv_rows
    else:
        return Rows(
            [],
            [file_problem("只接受 .xlsx 或 .csv 文件。", "Only .xlsx or .csv files are accepted.")],
        )
    header: list[str] | None = None
    limit = None if max_rows is None else max_rows + (1 if has_header else 0)
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    try:
        for number, raw, undecoded, controls in source(content):
            cells = [cell.strip() for cell in raw]
            while cells and not cells[-1]:
                cells.pop()
            if undecoded or controls:
                problems += _cell_problems(number, raw, undecoded, header)
            if not cells:
                continue
            if has_header and header is None:
                header = cells
            rows.append((number, cells))
            if limit is not None and len(rows) > limit:
                return Rows(
                    [],
                    [
                        file_problem(
                            f"一次最多导入 {max_rows} 行，请拆分文件。",
                            f"At most {max_rows} rows per import; split the file.",
                        )
                    ],
                )
    except (CalamineError, csv.Error, OSError, ValueError, IndexError):
        return Rows([], [file_problem(*UNREADABLE)])
    return Rows([] if problems else rows, problems)


def read_rows(filename: str, content: bytes, *, max_rows: int | None = None) -> Rows:
    """The non-empty rows of a .csv or .xlsx file (by its name), trimmed (trailing empty cells
    dropped); every undecodable or control character reported by row and column (a letter).
    More than `max_rows` non-empty rows is one problem."""
    return _read(filename, content, max_rows=max_rows, has_header=False)


def _header_problems(
    header: list[str], required: Iterable[str], known: Iterable[str] | None
) -> list[Problem]:
    problems = [
        file_problem(f"缺少必填列“{name}”。", f"The required column '{name}' is missing.", 1, name)
        for name in required
        if name not in header
    ]
    if known is not None:
        allowed = list(known)
        problems += [
            file_problem(
                f"无法识别的列“{name}”；可用的列：{'、'.join(allowed)}。",
                f"Unknown column '{name}'; the columns are: {', '.join(allowed)}.",
                1,
                name,
            )
            for name in header
            if name and name not in allowed
        ]
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    problems += [
        file_problem(f"列“{name}”重复。", f"The column '{name}' appears twice.", 1, name)
        for name in duplicates
    ]
    return problems


def read_table(
    filename: str,
    content: bytes,
    *,
    max_rows: int,
    required: Iterable[str] = (),
    known: Iterable[str] | None = None,
) -> Table:
    """`read_rows` with the first non-empty row as the header (a cell's problem names its
    column by it): every `required` column present, none outside `known` (when given), none
    twice, at least one and at most `max_rows` data rows."""
    read = _read(filename, content, max_rows=max_rows, has_header=True)
    if read.problems:
        return Table([], [], read.problems)
    if not read.rows:
        return Table([], [], [file_problem("文件是空的。", "The file is empty.", row=1)])
    (_number, header), data = read.rows[0], read.rows[1:]
    problems = _header_problems(header, required, known)
    if problems:
        return Table(header, [], problems)
    if not data:
        return Table(
            header, [], [file_problem("文件没有数据行。", "The file has no data rows.", row=2)]
        )
    return Table(header, data, [])


# Writing -----------------------------------------------------------------------------------------


def xlsx_cell(value: object) -> object:
    """The value to append to a sheet: unchanged unless it is text that could be read as a
    formula or an error code (then the same text, as a text cell) or holds characters XLSX
    cannot store (then those replaced)."""
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub(REPLACEMENT, value)
    if text.startswith(FORMULA_STARTS) or text in ERROR_CODES:
        # openpyxl types a string by its first character ("=" a formula, "#N/A" an error);
        # rich text (one run, no formatting) is always written as a string.
        return CellRichText([text])
    return text


def xlsx_row(values: Iterable[object]) -> list[object]:
    """A row of `xlsx_cell`s, for `sheet.append`."""
    return [xlsx_cell(value) for value in values]


def csv_cell(value: object) -> object:
    """Text that a spreadsheet program would take as a formula, with an apostrophe before it;
    anything else (numbers included, negative ones too) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_bytes(
    title: str, headers: Iterable[object], rows: Iterable[Iterable[object]]
) -> tuple[bytes, int]:
    """An XLSX file of one sheet named `title`: the headers, then the rows, each an `xlsx_row`;
    and how many rows it holds under the headers. The rows are written as they come (an
    iterator over a large queryset is never held in memory at once)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.append(xlsx_row(headers))
    count = 0
    for row in rows:
        sheet.append(xlsx_row(row))
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def csv_bytes(headers: Iterable[object], rows: Iterable[Iterable[object]]) -> tuple[bytes, int]:
    """A CSV file (UTF-8 with a byte-order mark, which Excel needs to read Chinese): the headers,
    then the rows, every cell through `csv_cell`; and how many rows it holds under the headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(value) for value in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return UTF8_BOM + buffer.getvalue().encode("utf-8"), count


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    if filename.isascii():
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of an XLSX file under `filename` (a name that is not ASCII is sent encoded,
    RFC 6266)."""
    return _download(content, filename, XLSX_CONTENT_TYPE)


def csv_response(content: bytes, filename: str) -> HttpResponse:
    """A download of a CSV file under `filename`, as `xlsx_response`."""
    return _download(content, filename, CSV_CONTENT_TYPE)
