"""Violations written in the transaction of their cause: dispatch's signals (sent inside
task_send and off_platform_report_create) reach these receivers before those commit."""

from typing import Any

from django.dispatch import receiver

from communitygate.dispatch.signals import off_platform_report_filed, task_sent
from communitygate.oversight.services.violations import (
    violation_record_for_report,
    violation_record_for_task,
)


@receiver(task_sent, dispatch_uid="oversight.violation_for_task")
def record_unadmitted_task(sender: Any, task: Any, **kwargs: Any) -> None:
    violation_record_for_task(task)


@receiver(off_platform_report_filed, dispatch_uid="oversight.violation_for_report")
def record_off_platform_report(sender: Any, report: Any, **kwargs: Any) -> None:
    violation_record_for_report(report)
