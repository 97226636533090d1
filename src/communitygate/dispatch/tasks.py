"""Background tasks of dispatch: tell the department when a community refuses its task."""

from django.tasks import task
from django.urls import reverse

from communitygate.accounts.permissions import DEPARTMENT_STAFF_ROLES
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.dispatch.models import Assignment


@task()
def notify_refused(assignment_id: int) -> int:
    assignment = Assignment.objects.select_related("task", "community").get(pk=assignment_id)
    task_ = assignment.task
    return notifications_send(
        recipients=people_holding([task_.department_id], DEPARTMENT_STAFF_ROLES),
        key=f"refused:{assignment.pk}",
        text_zh=f"{assignment.community.name}拒绝了未准入任务“{task_.title}”。",
        text_en=f"{assignment.community.name} refused the unadmitted task '{task_.title}'.",
        link=reverse("dispatch:task", args=[task_.pk]),
    )
