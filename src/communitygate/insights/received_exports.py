"""The received figures' tables as workbooks (core.tabular, the one writer of every export):
counts as numbers, hours as numbers with one decimal, each table as its page shows it."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from communitygate.core.tabular import xlsx_bytes
from communitygate.insights.received import Figures, LoadRow, MonthRow, Row, TrendRow


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


def months_xlsx(rows: list[MonthRow]) -> bytes:
    return xlsx_bytes(
        _("By month"),
        [_("Month"), *figure_headers()],
        ([f"{r.month:%Y-%m}", *figure_cells(r.figures)] for r in rows),
    )[0]


def rows_xlsx(title: str, rows: list[Row], *, off_platform: bool = True) -> bytes:
    return xlsx_bytes(
        title,
        [_("Code"), _("Name"), *figure_headers(off_platform=off_platform)],
        ([r.key, r.name, *figure_cells(r.figures, off_platform=off_platform)] for r in rows),
    )[0]


def ranking_xlsx(rows: Iterable[LoadRow]) -> bytes:
    return xlsx_bytes(
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
        (
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
        ),
    )[0]


def trend_xlsx(rows: list[TrendRow]) -> bytes:
    return xlsx_bytes(
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
        (
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
        ),
    )[0]
