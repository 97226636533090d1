"""Access helpers: every app asks these questions instead of reading memberships itself.

Each predicate names one capability and lists its conditions one per line, so that the
permission-grid tests exercise every branch.
"""

from collections.abc import Iterable

from communitygate.accounts.models import Roles
from communitygate.accounts.selectors import user_grants
from communitygate.core.people import AnyUser
from communitygate.orgs.models import OrganisationKinds


def has_role(user: AnyUser, kind: str, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(grant.kind == kind and grant.role in wanted for grant in user_grants(user))


def is_office_staff(user: AnyUser) -> bool:
    """An officer or administrator of the committee office (委员会办公室)."""
    return has_role(user, OrganisationKinds.COMMITTEE_OFFICE, {Roles.OFFICER, Roles.ADMIN})


def is_office_admin(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.COMMITTEE_OFFICE, {Roles.ADMIN})


def is_auditor(user: AnyUser) -> bool:
    return has_role(user, OrganisationKinds.AUDIT_BUREAU, {Roles.AUDITOR})


def can_use_admin_site(user: AnyUser) -> bool:
    """The Django admin is the committee office's tool (users, organisations, memberships)."""
    return is_office_staff(user)


def can_manage_people_and_organisations(user: AnyUser) -> bool:
    return is_office_admin(user)


def can_read_audit_log(user: AnyUser) -> bool:
    """Only the audit bureau: the people who run the system do not read its audit records
    (separation of system and audit administration, MLPS level 3)."""
    return is_auditor(user)


def organisation_ids_of(user: AnyUser) -> frozenset[int]:
    return frozenset(grant.organisation_id for grant in user_grants(user))
