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
"""

from collections.abc import Iterable

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText

# What makes a spreadsheet program read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"


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
