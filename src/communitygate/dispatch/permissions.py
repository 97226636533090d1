"""Who sees which tasks and assignments. A community sees only its own assignments; a subdistrict
those of its communities; a department its own tasks; the office, the supervision offices and
the audit bureau everything."""

from django.db.models import Q, QuerySet

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import has_role, is_auditor, is_office_staff
from communitygate.accounts.selectors import user_grants
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.dispatch.models import Assignment, OffPlatformReport, Task
from communitygate.orgs.models import Organisation, OrganisationKinds

SENDER_ROLES = {Roles.CLERK, Roles.HEAD}
COMMUNITY_ROLES = {Roles.SECRETARY, Roles.WORKER}


def is_inspector(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.SUPERVISION_OFFICE, {Roles.INSPECTOR})


def sees_everything(user: AnyUser) -> bool:
    if is_office_staff(user):
        return True
    if is_inspector(user):
        return True
    return is_auditor(user)


def _sending_department_ids(user: AnyUser) -> list[int]:
    return [
        grant.organisation_id
        for grant in user_grants(user)
        if (grant.kind == OrganisationKinds.DEPARTMENT and grant.role in SENDER_ROLES)
        or (grant.kind == OrganisationKinds.COMMITTEE_OFFICE)
    ]


def sending_departments(user: AnyUser) -> list[Organisation]:
    """The organisations the person may send tasks for: their departments, and the committee
    office for its staff."""
    return list(Organisation.objects.filter(pk__in=_sending_department_ids(user)).order_by("code"))


def communities_of(user: AnyUser) -> list[int]:
    return [
        grant.organisation_id
        for grant in user_grants(user)
        if grant.kind == OrganisationKinds.COMMUNITY and grant.role in COMMUNITY_ROLES
    ]


def _subdistrict_paths(user: AnyUser) -> list[str]:
    return [
        grant.path
        for grant in user_grants(user)
        if grant.kind == OrganisationKinds.SUBDISTRICT and grant.role == Roles.OFFICER
    ]


def _department_ids(user: AnyUser) -> list[int]:
    return [
        grant.organisation_id
        for grant in user_grants(user)
        if grant.kind == OrganisationKinds.DEPARTMENT and grant.role in SENDER_ROLES
    ]


def assignments_visible_to(user: AnyUser) -> QuerySet[Assignment]:
    assignments = Assignment.objects.all()
    if sees_everything(user):
        return assignments
    condition = Q(pk__in=[])
    for path in _subdistrict_paths(user):
        condition |= Q(community__path__startswith=f"{path}/")
    departments = _department_ids(user)
    if departments:
        condition |= Q(task__department_id__in=departments)
    communities = communities_of(user)
    if communities:
        condition |= Q(community_id__in=communities)
    return assignments.filter(condition)


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if sees_everything(user):
        return tasks
    departments = _department_ids(user)
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


def can_act_for_community(user: AnyUser, assignment: Assignment) -> bool:
    return assignment.community_id in communities_of(user)


def can_act_for_department(user: AnyUser, task: Task) -> bool:
    """The task's sending department (asked from the person's roles, without a query, so a
    page may ask it for every row)."""
    return task.department_id in _sending_department_ids(user)


def reports_visible_to(user: AnyUser) -> QuerySet[OffPlatformReport]:
    reports = OffPlatformReport.objects.all()
    if sees_everything(user):
        return reports
    condition = Q(community_id__in=communities_of(user))
    for path in _subdistrict_paths(user):
        condition |= Q(community__path__startswith=f"{path}/")
    departments = _department_ids(user)
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
