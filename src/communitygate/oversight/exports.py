"""The scorecard (部门执行情况) as a workbook, written through core.tabular (the one writer of
every export): one row per department, counts as numbers and the unadmitted share as a fraction
(formatted as a percentage by the spreadsheet program)."""

from django.utils.translation import gettext as _

from communitygate.core.periods import Period
from communitygate.core.tabular import xlsx_bytes
from communitygate.oversight.selectors import ScoreRow


def scorecard_headers() -> list[str]:
    return [
        _("Department code"),
        _("Department"),
        _("Period from"),
        _("Period to"),
        _("Tasks sent"),
        _("Unadmitted tasks"),
        _("Unadmitted share"),
        _("Refusals received"),
        _("Confirmed violations"),
        _("Notices named in"),
        _("Orders open"),
        _("Orders overdue"),
        _("Corrected on time"),
    ]


def scorecard_xlsx(period: Period, rows: list[ScoreRow]) -> bytes:
    content, _count = xlsx_bytes(
        _("Scorecard"),
        scorecard_headers(),
        (
            [
                row.code,
                row.name,
                period.start,
                period.end,
                row.tasks_sent,
                row.unadmitted,
                float(row.unadmitted_share) if row.unadmitted_share is not None else None,
                row.refusals,
                row.confirmed_violations,
                row.notices_named,
                row.orders_open,
                row.orders_overdue,
                row.corrected_on_time,
            ]
            for row in rows
        ),
    )
    return content
