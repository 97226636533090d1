"""Violations written in the transaction of their cause: dispatch's signals (sent inside
task_send and off_platform_report_create) and funding's (sent inside overdue_shares_mark) reach
these receivers before those commit."""

from typing import Any

from django.dispatch import receiver

from communitygate.dispatch.signals import off_platform_report_filed, task_sent
from communitygate.funding.signals import payment_overdue
from communitygate.oversight.services.violations import (
    violation_record_for_payment,
    violation_record_for_report,
    violation_record_for_task,
)


@receiver(task_sent, dispatch_uid="oversight.violation_for_task")
def record_unadmitted_task(sender: Any, task: Any, **kwargs: Any) -> None:
    violation_record_for_task(task)


@receiver(off_platform_report_filed, dispatch_uid="oversight.violation_for_report")
def record_off_platform_report(sender: Any, report: Any, **kwargs: Any) -> None:
    violation_record_for_report(report)


@receiver(payment_overdue, dispatch_uid="oversight.violation_for_overdue_payment")
def record_overdue_payment(sender: Any, share: Any, **kwargs: Any) -> None:
    """One violation per overdue share (funding's OverdueShare is unique per commitment,
    community and period, so the signal comes once)."""
    item = share.commitment.catalog_item
    what = item.code if item is not None else f"#{share.commitment_id}"
    violation_record_for_payment(
        department=share.commitment.payer,
        community=share.community,
        summary=(
            f"经费拨付逾期：{what} {share.period_start:%Y-%m-%d}至{share.period_end:%Y-%m-%d}"
            f"应拨 ¥{share.share}，截至 {share.due_on:%Y-%m-%d} 已拨 ¥{share.paid}"
        ),
        occurred_on=share.due_on,
    )
