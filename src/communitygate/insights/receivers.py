"""What changes the received figures, marked in the transaction of the change: a task sent (its
assignments are new) and any step of an assignment (state, due date after more time). The
queue refreshes the marked months after the commit (`tasks.refresh_received`)."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from communitygate.audit.transitions import transition_applied
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.signals import task_sent
from communitygate.insights import tasks
from communitygate.insights.rollups import mark_task_changed


def _refresh_after_commit() -> None:
    transaction.on_commit(lambda: tasks.refresh_received.enqueue())


@receiver(task_sent, dispatch_uid="insights.task_sent")
def task_was_sent(sender: Any, task: Any, **kwargs: Any) -> None:
    mark_task_changed(task.pk)
    _refresh_after_commit()


@receiver(transition_applied, sender=Assignment, dispatch_uid="insights.assignment_moved")
def assignment_moved(sender: Any, subject: Assignment, **kwargs: Any) -> None:
    mark_task_changed(subject.task_id)
    _refresh_after_commit()
