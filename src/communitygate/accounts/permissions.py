"""Who sees what: the one module of scope rules every app's access helpers are built from.

A person's reach follows their active roles (`user_grants`): a community's staff work in their
own community; a subdistrict's officer oversees the communities under it; a department's clerk
or head acts for their department; the committee office, the supervision offices and the audit
bureau oversee the whole district. Apps build their `<noun>s_visible_to(user)` lists and
`access_<noun>(user, id)` fetches from these rules and never read grants themselves.

Each predicate names one capability and lists its conditions one per line, so that the
permission-grid tests exercise every branch.
"""

from collections.abc import Iterable

from django.db.models import Q

from communitygate.accounts.models import Roles
from communitygate.accounts.selectors import Grant, user_grants
from communitygate.core.people import AnyUser
from communitygate.orgs.models import OrganisationKinds

COMMUNITY_STAFF_ROLES = frozenset({Roles.SECRETARY, Roles.WORKER})
DEPARTMENT_STAFF_ROLES = frozenset({Roles.CLERK, Roles.HEAD})


def has_role(user: AnyUser, kind: str, roles: Iterable[str]) -> bool:
    return bool(grants_of(user, kind, roles))


def grants_of(user: AnyUser, kind: str, roles: Iterable[str]) -> list[Grant]:
    """The person's active grants in organisations of `kind` with one of `roles`."""
    wanted = set(roles)
    return [grant for grant in user_grants(user) if grant.kind == kind and grant.role in wanted]


# Roles -------------------------------------------------------------------------------------------


def is_office_staff(user: AnyUser) -> bool:
    """An officer or administrator of the committee office (委员会办公室)."""
    return has_role(user, OrganisationKinds.COMMITTEE_OFFICE, {Roles.OFFICER, Roles.ADMIN})


def is_office_admin(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.COMMITTEE_OFFICE, {Roles.ADMIN})


def is_auditor(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.AUDIT_BUREAU, {Roles.AUDITOR})


def is_inspector(user: AnyUser) -> bool:
    """An inspector of a supervision office (区委督查室, 区政府督查室)."""
    return has_role(user, OrganisationKinds.SUPERVISION_OFFICE, {Roles.INSPECTOR})


def is_supervision_head(user: AnyUser) -> bool:
    """The head of a supervision office: approves district-wide notices (never their own)."""
    return has_role(user, OrganisationKinds.SUPERVISION_OFFICE, {Roles.HEAD})


def works_in_supervision(user: AnyUser) -> bool:
    """An inspector or the head of a supervision office."""
    if is_inspector(user):
        return True
    return is_supervision_head(user)


def supervision_office_ids(user: AnyUser) -> list[int]:
    """The supervision offices the person works in (inspector or head)."""
    grants = grants_of(user, OrganisationKinds.SUPERVISION_OFFICE, {Roles.INSPECTOR, Roles.HEAD})
    return [grant.organisation_id for grant in grants]


def is_committee_member(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.COMMITTEE, {Roles.MEMBER})


def oversees_district(user: AnyUser) -> bool:
    """The office, supervision and audit read the whole district's work and figures (never a
    resident's personal information: that stays with the community)."""
    if is_office_staff(user):
        return True
    if works_in_supervision(user):
        return True
    return is_auditor(user)


# Organisations a person works in or oversees -----------------------------------------------------


def staffed_community_grants(user: AnyUser) -> list[Grant]:
    """The communities where the person works (secretary or worker)."""
    return grants_of(user, OrganisationKinds.COMMUNITY, COMMUNITY_STAFF_ROLES)


def staffed_community_ids(user: AnyUser) -> list[int]:
    return [grant.organisation_id for grant in staffed_community_grants(user)]


def works_in_a_community(user: AnyUser) -> bool:
    """A secretary or worker of at least one community: the pages where a community records
    (intake, the registry's additions, disputes, activities, its dispatch inbox) are theirs."""
    return bool(staffed_community_grants(user))


def overseen_subdistrict_grants(user: AnyUser) -> list[Grant]:
    """The subdistricts whose officer the person is."""
    return grants_of(user, OrganisationKinds.SUBDISTRICT, {Roles.OFFICER})


def overseen_subdistrict_paths(user: AnyUser) -> list[str]:
    return [grant.path for grant in overseen_subdistrict_grants(user)]


def oversees_a_subdistrict(user: AnyUser) -> bool:
    """The officer of at least one subdistrict."""
    return bool(overseen_subdistrict_grants(user))


def department_staff_grants(user: AnyUser) -> list[Grant]:
    """The departments the person acts for (clerk or head)."""
    return grants_of(user, OrganisationKinds.DEPARTMENT, DEPARTMENT_STAFF_ROLES)


def department_staff_ids(user: AnyUser) -> list[int]:
    return [grant.organisation_id for grant in department_staff_grants(user)]


def social_org_staff_ids(user: AnyUser) -> list[int]:
    """The social organisations the person works for (staff)."""
    return [g.organisation_id for g in grants_of(user, OrganisationKinds.SOCIAL_ORG, {Roles.STAFF})]


def community_condition(user: AnyUser, field: str = "community") -> Q:
    """The filter on `field` (a community foreign key) for the communities within the person's
    reach: their own and those under their subdistricts. Matches nothing for anyone else."""
    condition = Q(pk__in=[])
    own = staffed_community_ids(user)
    if own:
        condition |= Q(**{f"{field}_id__in": own})
    for path in overseen_subdistrict_paths(user):
        condition |= Q(**{f"{field}__path__startswith": f"{path}/"})
    return condition


# What a person may do with the system itself -------------------------------------------------------


def needs_second_factor(user: AnyUser) -> bool:
    """Who signs in with a second factor (accounts.mfa): the people who can see personal
    information or decide — the committee office, the committee, the audit bureau, the
    supervision offices, community secretaries — and administrators."""
    return bool(
        getattr(user, "is_superuser", False)
        or is_office_staff(user)
        or is_committee_member(user)
        or is_auditor(user)
        or works_in_supervision(user)
        or has_role(user, OrganisationKinds.COMMUNITY, {Roles.SECRETARY})
    )


def can_use_admin_site(user: AnyUser) -> bool:
    """The Django admin is the committee office's tool (users, organisations, memberships)."""
    return is_office_staff(user)


def can_manage_people_and_organisations(user: AnyUser) -> bool:
    return is_office_admin(user)


def can_read_audit_log(user: AnyUser) -> bool:
    """Only the audit bureau: the people who run the system do not read its audit records
    (separation of system and audit administration, MLPS level 3)."""
    return is_auditor(user)
