"""Cells of the XLSX files the platform writes: what people typed goes in as text, never as a
formula.

openpyxl stores any string that starts with "=" as a formula, so a matter filed on the public
form as `=HYPERLINK("http://…","点击查看")` would be a live link (or `=WEBSERVICE(…)` a request
carrying the sheet's data) in the staff's export. Spreadsheet programs also take "+", "-", "@",
a tab or a carriage return at the start of a cell as the start of a formula (CSV injection).

`plain_cell` writes such a string as a string cell (an inline string of one unformatted run,
`t="inlineStr"` in the file): it reads back unchanged, is shown unchanged, and no program
evaluates it on opening. A text that is an error code ("#N/A") is kept as text the same way. (No
apostrophe is added to the value: the cell shows exactly what was typed, and a re-import reads
exactly what was exported.) Characters that XML 1.0 cannot hold (control characters other than
tab, line feed and carriage return), which openpyxl refuses with an exception, become U+FFFD, so
one odd character in a public filing cannot make the staff's export fail.

`xlsx_bytes` writes a one-sheet file with every cell through `plain_cell`, and `xlsx_response`
answers a download of it.
"""

import io
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText

# What makes a spreadsheet program read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain_cell(value: object) -> object:
    """The value to append to a sheet: unchanged unless it is text that could be read as a
    formula or an error code (then the same text, as a text cell) or holds characters XLSX
    cannot store (then those replaced)."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if text.startswith(FORMULA_STARTS) or text in ERROR_CODES:
        # openpyxl types a string by its first character ("=" a formula, "#N/A" an error);
        # rich text (one run, no formatting) is always written as a string.
        return CellRichText([text])
    return text


def plain_row(values: Iterable[object]) -> list[object]:
    """A row of `plain_cell`s, for `sheet.append`."""
    return [plain_cell(value) for value in values]


def xlsx_bytes(
    title: str, headers: Iterable[object], rows: Iterable[Iterable[object]]
) -> tuple[bytes, int]:
    """An XLSX file of one sheet named `title`: the headers, then the rows, each a `plain_row`;
    and how many rows it holds under the headers. The rows are written as they come (an
    iterator over a large queryset is never held in memory at once)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.append(plain_row(headers))
    count = 0
    for row in rows:
        sheet.append(plain_row(row))
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of an XLSX file under `filename` (a name that is not ASCII is sent encoded,
    RFC 6266)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    if filename.isascii():
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
