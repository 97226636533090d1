"""The anomalies as an XLSX sheet (core.tabular): one row per anomaly, every label in both
languages, sums as numbers of yuan."""

import datetime as dt
from collections.abc import Iterator

from communitygate.auditing.anomalies import Anomaly
from communitygate.core.tabular import xlsx_bytes

HEADERS = (
    "类型代码 Kind code",
    "类型 Kind",
    "Kind",
    "对象 Object type",
    "对象编号 Object id",
    "链接 Link",
    "事项 Item",
    "付款部门 Paying department",
    "社区 Community",
    "期间起 Period start",
    "期间止 Period end",
    "承诺金额 Promised (yuan)",
    "已拨付 Paid (yuan)",
    "涉及金额 Amount at stake (yuan)",
    "起始日期 Since",
    "持续天数 Days",
    "拨付期限 Due on",
    "尚未到期 Not yet due",
    "笔数 Rows behind it",
    "说明 Explanation",
    "Explanation",
)


def _rows(anomalies: list[Anomaly], today: dt.date) -> Iterator[list[object]]:
    for a in anomalies:
        yield [
            a.kind,
            a.label_zh,
            a.label_en,
            a.object_type,
            a.object_id,
            a.link or "",
            a.item or "",
            a.department or "",
            a.community or "",
            a.period_start,
            a.period_end,
            a.share,
            a.paid,
            a.amount,
            a.since,
            a.days_since(today),
            a.due_on,
            "是 yes" if a.not_yet_due else "否 no",
            a.count,
            a.explanation_zh,
            a.explanation_en,
        ]


def anomalies_xlsx(anomalies: list[Anomaly], today: dt.date) -> bytes:
    content, _count = xlsx_bytes("异常 Anomalies", HEADERS, _rows(anomalies, today))
    return content
