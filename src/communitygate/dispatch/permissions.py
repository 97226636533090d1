"""Who sees which tasks and assignments. A community sees only its own assignments; a subdistrict
those of its communities; a department its own tasks; the office, the supervision offices and
the audit bureau everything."""

from django.db.models import Q, QuerySet

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    community_condition,
    department_staff_ids,
    grants_of,
    oversees_district,
    staffed_community_ids,
)
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task
from communitygate.orgs.models import Organisation, OrganisationKinds


def _sending_department_ids(user: AnyUser) -> list[int]:
    office = grants_of(user, OrganisationKinds.COMMITTEE_OFFICE, {Roles.OFFICER, Roles.ADMIN})
    return department_staff_ids(user) + [grant.organisation_id for grant in office]


def can_send_tasks(user: AnyUser) -> bool:
    """A department's clerk or head, or the committee office's staff."""
    return bool(_sending_department_ids(user))


def sending_departments(user: AnyUser) -> list[Organisation]:
    """The organisations the person may send tasks for: their departments, and the committee
    office for its staff."""
    return list(Organisation.objects.filter(pk__in=_sending_department_ids(user)).order_by("code"))


def assignments_visible_to(user: AnyUser) -> QuerySet[Assignment]:
    assignments = Assignment.objects.all()
    if oversees_district(user):
        return assignments
    condition = community_condition(user)
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(task__department_id__in=departments)
    return assignments.filter(condition)


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if oversees_district(user):
        return tasks
    departments = department_staff_ids(user)
    visible_assignments = assignments_visible_to(user).values("task_id")
    return tasks.filter(Q(department_id__in=departments) | Q(pk__in=visible_assignments))


def access_task(user: AnyUser, task_id: int) -> Task:
    task = tasks_visible_to(user).select_related("department", "item").filter(pk=task_id).first()
    if task is None:
        raise NotFound("任务", "task")
    return task


def access_assignment(user: AnyUser, assignment_id: int) -> Assignment:
    assignment = (
        assignments_visible_to(user)
        .select_related("task", "task__department", "task__item", "community")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound("派单", "assignment")
    return assignment


def access_deliverable(user: AnyUser, assignment_id: int) -> Assignment:
    """The assignment whose deliverable file the person downloads; NotFound when they may not
    see the assignment or it holds no file."""
    assignment = access_assignment(user, assignment_id)
    if not assignment.deliverable_file:
        raise NotFound("成果文件", "deliverable file")
    return assignment


def can_act_for_community(user: AnyUser, assignment: Assignment) -> bool:
    return assignment.community_id in staffed_community_ids(user)


def can_act_for_department(user: AnyUser, task: Task) -> bool:
    """The task's sending department (asked from the person's roles, without a query, so a
    page may ask it for every row)."""
    return task.department_id in _sending_department_ids(user)


def reports_visible_to(user: AnyUser) -> QuerySet[OffPlatformReport]:
    reports = OffPlatformReport.objects.all()
    if oversees_district(user):
        return reports
    condition = community_condition(user)
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(department_id__in=departments)
    return reports.filter(condition)


def access_report(user: AnyUser, report_id: int) -> OffPlatformReport:
    report = (
        reports_visible_to(user)
        .select_related("community", "department", "reported_by")
        .prefetch_related("evidence")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("场外派单报告", "off-platform report")
    return report


def access_evidence(user: AnyUser, report_id: int, evidence_id: int) -> Evidence:
    """One evidence file of a report the person may see; NotFound for any other."""
    report = access_report(user, report_id)
    evidence = next((item for item in report.evidence.all() if item.pk == evidence_id), None)
    if evidence is None:
        raise NotFound("证据", "evidence")
    return evidence
