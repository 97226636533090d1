"""The money trail's spreadsheets: the payments list and the balances, as the pages filter them.
Amounts are numbers of yuan (two decimals, never text) and dates are dates, so the district's
finance staff can sum and sort them in Excel; headers are in Chinese, as their ledgers are."""

from collections.abc import Iterable

from django.db.models import QuerySet

from communitygate.core.bilingual import chinese_label
from communitygate.core.tabular import xlsx_bytes
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.selectors import Balance, BalanceTotals, payment_item

EXPORT_CHUNK = 500

PAYMENT_HEADERS = (
    "编号",
    "事项编码",
    "事项名称",
    "出资部门",
    "收款单位代码",
    "收款单位",
    "金额（元）",
    "拨付日期",
    "凭证号",
    "结算起",
    "结算止",
    "超出份额",
    "拨付说明",
    "到账状态",
    "异议理由",
    "拨付单位答复",
)
BALANCE_HEADERS = (
    "事项编码",
    "出资部门",
    "社区代码",
    "社区",
    "结算起",
    "结算止",
    "应拨份额（元）",
    "已拨（元）",
    "已确认到账（元）",
    "有异议（元）",
    "未拨（元）",
    "到期日",
    "逾期",
)


def payment_row(payment: Payment) -> list[object]:
    item = payment_item(payment)
    return [
        payment.pk,
        item.code if item is not None else "",
        item.name if item is not None else "",
        payment.payer.name,
        payment.community.code,
        payment.community.name,
        payment.amount,
        payment.paid_on,
        payment.voucher_number,
        payment.period_start,
        payment.period_end,
        "是" if payment.beyond_share else "否",
        payment.note,
        chinese_label(PaymentStates, payment.state),
        payment.dispute_reason,
        payment.answer,
    ]


def payments_workbook(payments: QuerySet[Payment]) -> tuple[bytes, int]:
    """The payments (already filtered and ordered) as one sheet, and how many rows it holds."""
    rows = (payment_row(p) for p in payments.iterator(chunk_size=EXPORT_CHUNK))
    return xlsx_bytes("拨付记录", PAYMENT_HEADERS, rows)


def balance_row(balance: Balance) -> list[object]:
    return [
        balance.item or "",
        balance.payer,
        balance.community,
        balance.community_name,
        balance.period_start,
        balance.period_end,
        balance.share,
        balance.paid,
        balance.confirmed,
        balance.disputed,
        balance.outstanding,
        balance.due_on,
        "逾期" if balance.overdue else "",
    ]


def balances_workbook(rows: Iterable[Balance], totals: BalanceTotals) -> tuple[bytes, int]:
    """The balances as one sheet with a totals row at the bottom (the row count excludes it)."""
    lines = [balance_row(b) for b in rows]
    total = [
        "合计",
        "",
        "",
        "",
        None,
        None,
        totals.share,
        totals.paid,
        totals.confirmed,
        totals.disputed,
        totals.outstanding,
        None,
        f"逾期{totals.overdue}项" if totals.overdue else "",
    ]
    content, count = xlsx_bytes("经费余额", BALANCE_HEADERS, [*lines, total])
    return content, count - 1
