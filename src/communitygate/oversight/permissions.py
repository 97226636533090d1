"""Who sees and does what in supervision. The supervision offices, the committee office and the
audit bureau read everything (`oversees_district`); a department reads its own violations,
inspections naming it and its correction orders; a community reads the outcome of what it
reported, the inspections of it and its own wall. Published notices and the scorecard are
public. Each condition on its own line (the permission grid exercises them)."""

from django.db.models import Q, QuerySet

from communitygate.accounts.permissions import (
    community_condition,
    department_staff_ids,
    is_supervision_head,
    overseen_subdistrict_paths,
    oversees_district,
    staffed_community_ids,
    works_in_supervision,
)
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import organisation_of_kind
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    Inspection,
    Notice,
    NoticeStates,
    Violation,
)

# Violations ---------------------------------------------------------------------------------------


def violations_visible_to(user: AnyUser) -> QuerySet[Violation]:
    violations = Violation.objects.all()
    if oversees_district(user):
        return violations
    condition = community_condition(user, "report__community")
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(department_id__in=departments)
    return violations.filter(condition)


def access_violation(user: AnyUser, violation_id: int) -> Violation:
    violation = (
        violations_visible_to(user)
        .select_related("department", "community", "task", "report", "finding", "decided_by")
        .filter(pk=violation_id)
        .first()
    )
    if violation is None:
        raise NotFound("违规记录", "violation")
    return violation


def can_decide_violations(user: AnyUser) -> bool:
    """Inspectors (and their head) confirm, dismiss and correct violations."""
    return works_in_supervision(user)


def sees_every_violation(user: AnyUser) -> bool:
    return oversees_district(user)


# Inspections and the wall -------------------------------------------------------------------------


def inspections_visible_to(user: AnyUser) -> QuerySet[Inspection]:
    inspections = Inspection.objects.all()
    if oversees_district(user):
        return inspections
    condition = Q(pk__in=[])
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(departments__in=departments)
    communities = staffed_community_ids(user)
    if communities:
        condition |= Q(communities__in=communities)
    return inspections.filter(condition).distinct()


def findings_visible_to(user: AnyUser) -> QuerySet[Finding]:
    """An inspection's findings: all for the district's overseers; for a department those naming
    it, for a community's staff those about their community (an inspection naming several
    departments or communities shows each only its own)."""
    findings = Finding.objects.all()
    if oversees_district(user):
        return findings
    condition = Q(pk__in=[])
    departments = department_staff_ids(user)
    if departments:
        condition |= Q(department_id__in=departments)
    communities = staffed_community_ids(user)
    if communities:
        condition |= Q(community_id__in=communities)
    return findings.filter(condition)


def access_inspection(user: AnyUser, inspection_id: int) -> Inspection:
    inspection = (
        inspections_visible_to(user)
        .select_related("office", "planned_by")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound("检查", "inspection")
    return inspection


def can_inspect(user: AnyUser) -> bool:
    """Plan inspections and record their findings: the supervision offices."""
    return works_in_supervision(user)


def can_read_wall(user: AnyUser, community: Organisation) -> bool:
    """A community's plaques and ledgers: its staff, its subdistrict, and the district's
    overseers (office, supervision, audit)."""
    if community.kind != OrganisationKinds.COMMUNITY:
        return False
    if oversees_district(user):
        return True
    if community.pk in staffed_community_ids(user):
        return True
    return any(community.path.startswith(f"{path}/") for path in overseen_subdistrict_paths(user))


def can_keep_wall(user: AnyUser, community: Organisation) -> bool:
    """The community itself and the inspectors record what hangs on its wall."""
    if community.pk in staffed_community_ids(user):
        return True
    return works_in_supervision(user)


def access_wall(user: AnyUser, community_code: str) -> Organisation:
    """The community whose wall the person may read; not found for a missing community and for
    one the person may not read alike."""
    community = organisation_of_kind(community_code, OrganisationKinds.COMMUNITY)
    if not can_read_wall(user, community):
        raise NotFound("社区", "community")
    return community


# Notices ------------------------------------------------------------------------------------------


def notices_visible_to(user: AnyUser) -> QuerySet[Notice]:
    """Drafts for the district's overseers; published notices for everyone."""
    notices = Notice.objects.all()
    if oversees_district(user):
        return notices
    return notices.filter(state=NoticeStates.PUBLISHED)


def access_notice(user: AnyUser, notice_id: int) -> Notice:
    notice = (
        notices_visible_to(user)
        .select_related("office", "drafted_by", "approved_by", "published_by", "corrects")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound("通报", "notice")
    return notice


def can_draft_notices(user: AnyUser) -> bool:
    return works_in_supervision(user)


def can_approve_notice(user: AnyUser, notice: Notice) -> bool:
    """The head of a supervision office, and never the person who drafted it."""
    if not is_supervision_head(user):
        return False
    return getattr(user, "pk", None) != notice.drafted_by_id


# Correction orders --------------------------------------------------------------------------------


def orders_visible_to(user: AnyUser) -> QuerySet[CorrectionOrder]:
    orders = CorrectionOrder.objects.all()
    if oversees_district(user):
        return orders
    return orders.filter(department_id__in=department_staff_ids(user))


def access_order(user: AnyUser, order_id: int) -> CorrectionOrder:
    order = (
        orders_visible_to(user)
        .select_related("notice", "department", "responded_by", "decided_by")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("整改通知", "correction order")
    return order


def can_answer_order(user: AnyUser, order: CorrectionOrder) -> bool:
    """The named department's clerk or head answers its order."""
    return order.department_id in department_staff_ids(user)


def reaches_supervision_pages(user: AnyUser) -> bool:
    """The supervision workspace: the overseers, and departments (their own records)."""
    if oversees_district(user):
        return True
    return bool(department_staff_ids(user))
