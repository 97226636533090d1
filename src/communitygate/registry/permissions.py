"""Who sees which residents' data. Personal data stays where the work is: a community's staff
see their own community's registry, matters, disputes and programmes; a subdistrict's officers
see those of the communities under it; nobody else sees a resident. The district office,
supervision and audit see the rates and counts (`can_read_rates`), never the people.

Seeing a full ID number or phone needs more: the community's secretary may reveal one for their
own community, and every reveal is recorded (`services.registry.personal_information_reveal`).
"""

from django.db.models import Model, Q, QuerySet

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    community_condition,
    is_office_staff,
    overseen_subdistrict_paths,
    oversees_a_subdistrict,
    oversees_district,
    staffed_community_ids,
    works_in_a_community,
)
from communitygate.accounts.selectors import user_grants
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation, OrganisationKinds


def communities_staffed_by(user: AnyUser) -> QuerySet[Organisation]:
    """The communities where the person works (secretary or worker): where they may record and
    act, not only read. Unordered; a page orders them as it lists them."""
    return Organisation.objects.filter(
        pk__in=staffed_community_ids(user), kind=OrganisationKinds.COMMUNITY
    )


def visible_to[Scoped: Model](
    user: AnyUser, queryset: QuerySet[Scoped], field: str = "community"
) -> QuerySet[Scoped]:
    """Any residents' queryset narrowed to what the person may see."""
    return queryset.filter(community_condition(user, field))


def communities_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    """The communities whose residents' data the person may open."""
    condition = Q(pk__in=staffed_community_ids(user))
    for path in overseen_subdistrict_paths(user):
        condition |= Q(path__startswith=f"{path}/")
    return Organisation.objects.filter(condition, kind=OrganisationKinds.COMMUNITY)


def communities_with_figures_for(user: AnyUser) -> QuerySet[Organisation]:
    """The communities whose rates and counts the person may read."""
    communities = Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
    if oversees_district(user):
        return communities
    return communities_visible_to(user)


def sees_residents(user: AnyUser) -> bool:
    """A community's staff or a subdistrict's officer: the people with communities whose
    residents' data they open (`communities_visible_to`), and so with a registry, a matters list
    and a volunteers' list. The district's overseers read figures only (`can_read_rates`)."""
    if works_in_a_community(user):
        return True
    return oversees_a_subdistrict(user)


def access_community(user: AnyUser, code: str) -> Organisation:
    community = communities_visible_to(user).filter(code=code).first()
    if community is None:
        raise NotFound("社区", "community")
    return community


def access_staffed_community(user: AnyUser, code: str = "") -> Organisation:
    """A community the person works in: the one with `code`, or without a code their first (in
    path order). Any other answers NotFound, as a missing one does."""
    staffed = communities_staffed_by(user).order_by("path")
    community = staffed.filter(code=code).first() if code else staffed.first()
    if community is None:
        raise NotFound("社区", "community")
    return community


def works_in(user: AnyUser, community_id: int) -> bool:
    """Community staff act for their own community only (intake, answers, registry changes)."""
    return community_id in staffed_community_ids(user)


def can_reveal_personal_information(user: AnyUser, community_id: int) -> bool:
    """Only the community's secretary sees a full ID number or phone, and only for their own
    community's people."""
    return any(
        grant.organisation_id == community_id
        and grant.kind == OrganisationKinds.COMMUNITY
        and grant.role == Roles.SECRETARY
        for grant in user_grants(user)
    )


def can_read_rates(user: AnyUser) -> bool:
    """The district's overseers, a subdistrict's officers and a community's staff read figures;
    they are also the people the residents' hub (/residents/) leads somewhere."""
    if oversees_district(user):
        return True
    if overseen_subdistrict_paths(user):
        return True
    return bool(staffed_community_ids(user))


def can_keep_residents_settings(user: AnyUser) -> bool:
    """Matter categories (answer-by working days) and care tags are the office's settings."""
    return is_office_staff(user)


def access_scoped[Scoped: Model](
    user: AnyUser, queryset: QuerySet[Scoped], pk: int, what_zh: str, what_en: str
) -> Scoped:
    """Fetch one object through the person's scope: missing and forbidden answer the same."""
    found = visible_to(user, queryset).filter(pk=pk).first()
    if found is None:
        raise NotFound(what_zh, what_en)
    return found
