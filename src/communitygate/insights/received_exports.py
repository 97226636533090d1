"""The received figures' tables as files: each table is built once as a `Sheet` (its title, its
headers and its rows, as the page shows them) and written by either writer — a workbook
(core.tabular, the one writer of every export: counts as numbers, hours as numbers with one
decimal) or a printable PDF (core.pdf.ChineseDocument, laid out like the before-and-after PDF:
title, period, filters, "数据截至", the table). The two files of a table therefore hold the same
rows. What a file says about its figures (the period, the filters, when they were computed) is
`About.lines()`, the one place a new line of freshness goes."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from communitygate.core.pdf import FONT_FAMILY, ChineseDocument, chinese_date
from communitygate.core.periods import Period
from communitygate.core.tabular import xlsx_bytes
from communitygate.insights.exports import number_text
from communitygate.insights.received import Figures, Filters, LoadRow, MonthRow, Row, TrendRow


@dataclass(frozen=True)
class Sheet:
    """One table: its headers and rows (cells are text, int, Decimal or None), the first
    `labels` columns being text (a code, a name, a month)."""

    title: str
    headers: list[str]
    rows: list[list[object]]
    labels: int = 1


@dataclass(frozen=True)
class About:
    """What a file says about its figures: the period, the filters, the moment computed."""

    period: Period | None
    computed_at: dt.datetime
    rolled_up_at: dt.datetime | None = None
    filters: list[str] = field(default_factory=list)

    def lines(self) -> list[tuple[str, str]]:
        lines: list[tuple[str, str]] = []
        if self.period is not None:
            start, end = chinese_date(self.period.start), chinese_date(self.period.end)
            lines.append((_("Statistics period"), f"{start}—{end}（{self.period.text}）"))
        if self.filters:
            lines.append((_("Filters"), "；".join(self.filters)))
        lines.append((_("Figures as of"), freshness_text(self.computed_at, self.rolled_up_at)))
        return lines


def freshness_text(computed_at: dt.datetime, rolled_up_at: dt.datetime | None = None) -> str:
    """The moment computed, and how (the files' twin of insights/received_freshness.html)."""
    moment = timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M")
    if rolled_up_at is None:
        return _("%(moment)s, computed live from the dispatch records when the file was made") % {
            "moment": moment
        }
    return _(
        "%(moment)s; months with no change since are read from the monthly summaries rebuilt at "
        "%(rolled_up)s, the others from the dispatch records"
    ) % {"moment": moment, "rolled_up": timezone.localtime(rolled_up_at).strftime("%Y-%m-%d %H:%M")}


def filter_texts(filters: Filters) -> list[str]:
    """The filters other than the period, as "街道：…" lines."""
    texts = []
    if filters.subdistrict is not None:
        texts.append(f"{_('Subdistrict')}：{filters.subdistrict.name}")
    if filters.community is not None:
        texts.append(f"{_('Community')}：{filters.community.name}")
    if filters.department is not None:
        texts.append(f"{_('Department')}：{filters.department.name}")
    if filters.domain:
        texts.append(f"{_('Domain')}：{filters.domain}")
    if filters.item_class:
        texts.append(f"{_('Class')}：{filters.item_class}")
    if filters.month is not None:
        texts.append(f"{_('Month')}：{filters.month:%Y-%m}")
    return texts


# The rows, once for both writers ------------------------------------------------------------


def figure_headers(*, off_platform: bool = True) -> list[str]:
    headers = [
        _("Received"),
        _("Admitted"),
        _("Unadmitted"),
        _("Refused"),
        _("Overdue"),
        _("Deliverables submitted"),
        _("Deliverables confirmed"),
        _("Tasks"),
        _("Admitted hours (estimate)"),
    ]
    if off_platform:
        headers.append(_("Off-platform reports"))
    return headers


def figure_cells(figures: Figures, *, off_platform: bool = True) -> list[object]:
    cells: list[object] = [
        figures.received,
        figures.admitted,
        figures.unadmitted,
        figures.refused,
        figures.overdue,
        figures.submitted,
        figures.confirmed,
        figures.tasks,
        figures.admitted_hours,
    ]
    if off_platform:
        cells.append(figures.off_platform)
    return cells


def months_sheet(rows: list[MonthRow]) -> Sheet:
    return Sheet(
        _("By month"),
        [_("Month"), *figure_headers()],
        [[f"{r.month:%Y-%m}", *figure_cells(r.figures)] for r in rows],
    )


def rows_sheet(title: str, rows: list[Row], *, off_platform: bool = True) -> Sheet:
    return Sheet(
        title,
        [_("Code"), _("Name"), *figure_headers(off_platform=off_platform)],
        [
            [
                r.key,
                r.name or _("Without a catalog item"),
                *figure_cells(r.figures, off_platform=off_platform),
            ]
            for r in rows
        ],
        labels=2,
    )


def ranking_sheet(rows: Iterable[LoadRow]) -> Sheet:
    return Sheet(
        _("Load against capacity"),
        [
            _("Community code"),
            _("Community"),
            _("Subdistrict"),
            _("Staff"),
            _("Capacity (hours)"),
            _("Catalog load (hours)"),
            _("Admitted tasks (hours)"),
            _("Load ÷ capacity"),
            _("Received"),
            _("Unadmitted"),
        ],
        [
            [
                r.code,
                r.name,
                r.subdistrict,
                r.staff,
                r.capacity,
                r.standing,
                r.received_hours,
                r.ratio,
                r.received,
                r.unadmitted,
            ]
            for r in rows
        ],
        labels=3,
    )


def trend_sheet(rows: list[TrendRow]) -> Sheet:
    return Sheet(
        _("Trend"),
        [
            _("Month"),
            _("Received"),
            _("Unadmitted"),
            _("Admitted hours (estimate)"),
            _("Communities over capacity"),
            _("Heaviest community"),
            _("Its load ÷ capacity"),
            _("Department with the most unadmitted work"),
            _("Its unadmitted assignments"),
        ],
        [
            [
                f"{r.month:%Y-%m}",
                r.received,
                r.unadmitted,
                r.admitted_hours,
                r.over_capacity,
                r.heaviest.name if r.heaviest else "",
                r.heaviest.ratio if r.heaviest else None,
                r.top_department.name if r.top_department else "",
                r.top_department.figures.unadmitted if r.top_department else None,
            ]
            for r in rows
        ],
    )


# The two writers -----------------------------------------------------------------------------


def sheet_xlsx(sheet: Sheet, about: About) -> bytes:
    """The table as one worksheet: the headers and rows, then (after an empty row) what the
    figures are about."""
    rows: list[list[object]] = [*sheet.rows, []]
    rows += [[label, text] for label, text in about.lines()]
    return xlsx_bytes(sheet.title, sheet.headers, rows)[0]


def cell_text(value: object) -> str:
    """A cell as the PDF prints it: 1,234 and 1,234.5 (hours keep their decimal), — for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int | Decimal):
        return number_text(value)
    return str(value)


def _text_columns(sheet: Sheet) -> set[int]:
    """The label columns, and any other column holding text (a name in the trend)."""
    return set(range(sheet.labels)) | {
        n for cells in sheet.rows for n, value in enumerate(cells) if isinstance(value, str)
    }


def _column_widths(sheet: Sheet, texts: set[int], width: float) -> tuple[float, ...]:
    """A text column about twice a number column's width (a name is longer than a count)."""
    weights = [2.2 if n in texts else 1.0 for n in range(len(sheet.headers))]
    if sheet.labels > 1:
        weights[0] = 1.7  # a code
    unit = width / sum(weights)
    return tuple(weight * unit for weight in weights)


def sheet_pdf(sheet: Sheet, about: About) -> bytes:
    """The table on A4 (landscape when it has more than six columns): the title, the period,
    the filters and "数据截至", then the table, its headings repeated on every page."""
    title = _("What communities receive: %(table)s") % {"table": sheet.title}
    landscape = len(sheet.headers) > 6
    pdf = ChineseDocument(title=title, orientation="L" if landscape else "P")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=15)
    pdf.cell(0, 10, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=9.5)
    for label, text in about.lines():
        pdf.multi_cell(0, 5.5, f"{label}：{text}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT_FAMILY, size=8 if landscape else 9)
    # The font has no bold face: headings are set apart by a grey fill instead.
    headings = FontFace(emphasis="", fill_color=(238, 241, 246))
    texts = _text_columns(sheet)
    widths = _column_widths(sheet, texts, pdf.epw)
    with pdf.table(col_widths=widths, line_height=5.5, headings_style=headings) as table:
        heading = table.row()
        for text in sheet.headers:
            heading.cell(text)
        for cells in sheet.rows:
            row = table.row()
            for n, value in enumerate(cells):
                row.cell(cell_text(value), align="LEFT" if n in texts else "RIGHT")
        if not sheet.rows:
            table.row().cell(_("Nothing in this period."), colspan=len(sheet.headers))
    pdf.ln(2)
    pdf.missing_characters_note()
    return pdf.to_bytes()
