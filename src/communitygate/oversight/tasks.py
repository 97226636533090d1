"""Supervision's notifications, sent as background tasks after the step commits (once per
person and subject: a retried task sends nothing twice)."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.tasks import task
from django.urls import reverse

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import DEPARTMENT_STAFF_ROLES
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.pdf import chinese_date
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import CorrectionOrder, Notice, Violation, ViolationSources

SUPERVISION_ROLES = frozenset({Roles.INSPECTOR, Roles.HEAD})


def _supervision_people() -> QuerySet:
    offices = Organisation.objects.filter(kind=OrganisationKinds.SUPERVISION_OFFICE)
    return people_holding(offices.values_list("pk", flat=True), SUPERVISION_ROLES)


def _department_people(department_ids: Iterable[int]) -> QuerySet:
    return people_holding(department_ids, DEPARTMENT_STAFF_ROLES)


@task()
def notify_new_violation(violation_id: int) -> int:
    violation = Violation.objects.select_related("department").get(pk=violation_id)
    department = violation.department
    who = department.name if department else "（部门待认定）"
    who_en = (department.name_en or department.name) if department else "(department to be named)"
    source = ViolationSources(violation.source)
    source_zh, source_en = in_chinese_and_english(lambda: str(source.label))
    return notifications_send(
        recipients=_supervision_people(),
        key=f"violation:{violation.pk}",
        text_zh=f"新的违规记录：{who} · {source_zh} · {violation.summary}",
        text_en=f"New violation: {who_en} · {source_en} · {violation.summary}",
        link=reverse("oversight:violation", args=[violation.pk]),
    )


@task()
def notify_confirmed(violation_id: int) -> int:
    violation = Violation.objects.get(pk=violation_id)
    return notifications_send(
        recipients=_department_people([violation.department_id or 0]),
        key=f"violation-confirmed:{violation.pk}",
        text_zh=f"督查室认定了本部门的一条违规记录：{violation.summary}",
        text_en=f"A supervision office confirmed a violation by your department: {violation.summary}",
        link=reverse("oversight:violation", args=[violation.pk]),
    )


@task()
def notify_published(notice_id: int) -> int:
    """Every department, subdistrict and community reads the notice; the departments named also
    get their correction order."""
    notice = Notice.objects.get(pk=notice_id)
    readers = Organisation.objects.filter(
        kind__in=[
            OrganisationKinds.DEPARTMENT,
            OrganisationKinds.SUBDISTRICT,
            OrganisationKinds.COMMUNITY,
        ]
    ).values_list("pk", flat=True)
    sent = notifications_send(
        recipients=people_holding(readers, Roles.values),
        key=f"notice:{notice.pk}",
        text_zh=f"全区通报 {notice.number}：{notice.title}",
        text_en=f"District-wide notice {notice.number}: {notice.title}",
        link=reverse("notices:notice", args=[notice.number]),
    )
    for order in CorrectionOrder.objects.filter(notice=notice):
        sent += notifications_send(
            recipients=_department_people([order.department_id]),
            key=f"order:{order.pk}",
            text_zh=f"限期改正：请于{chinese_date(order.due_on)}前报送整改情况（{notice.number}）。",
            text_en=f"Correction order: report your correction by {order.due_on} ({notice.number}).",
            link=reverse("oversight:order", args=[order.pk]),
        )
    return sent


@task()
def notify_answered(order_id: int, revision: int) -> int:
    """`revision` is the order's revision the answer gave it: the key of this one answer, so a
    retried task sends nothing twice whatever happened to the order since."""
    order = CorrectionOrder.objects.select_related("department").get(pk=order_id)
    return notifications_send(
        recipients=_supervision_people(),
        key=f"order-answered:{order.pk}:{revision}",
        text_zh=f"{order.department.name}报送了整改情况，请审核。",
        text_en=f"{order.department.name} answered its correction order; please review.",
        link=reverse("oversight:order", args=[order.pk]),
    )


@task()
def notify_returned(order_id: int, revision: int) -> int:
    """`revision` as for notify_answered: the key of this one return."""
    order = CorrectionOrder.objects.get(pk=order_id)
    return notifications_send(
        recipients=_department_people([order.department_id]),
        key=f"order-returned:{order.pk}:{revision}",
        text_zh=f"整改报告被退回：{order.return_reason[:200]}",
        text_en=f"Your correction report was returned: {order.return_reason[:200]}",
        link=reverse("oversight:order", args=[order.pk]),
    )


@task()
def notify_overdue(order_id: int, revision: int) -> int:
    """`revision` is the one the lapse gave the order: an order that lapses again after an
    answer was returned is told again."""
    order = CorrectionOrder.objects.select_related("department", "notice").get(pk=order_id)
    recipients = list(_department_people([order.department_id])) + list(_supervision_people())
    return notifications_send(
        recipients=recipients,
        key=f"order-overdue:{order.pk}:{revision}",
        text_zh=f"{order.department.name}未在期限内整改（{order.notice.number}），已逾期。",
        text_en=f"{order.department.name} did not correct by the deadline ({order.notice.number}).",
        link=reverse("oversight:order", args=[order.pk]),
    )
