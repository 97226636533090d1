"""Who may see and act on applications. Each condition on its own line (grid-tested)."""

from django.db.models import Q, QuerySet

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    COMMUNITY_STAFF_ROLES,
    department_staff_ids,
    is_auditor,
    is_committee_member,
    is_office_staff,
    works_in_supervision,
)
from communitygate.accounts.selectors import user_grants
from communitygate.admissions.models import Application
from communitygate.core.errors import NotFound
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation, OrganisationKinds

VOTER_ROLES: dict[str, frozenset[str]] = {
    OrganisationKinds.COMMUNITY: COMMUNITY_STAFF_ROLES,
    OrganisationKinds.SUBDISTRICT: frozenset({Roles.OFFICER}),
}


def sees_every_application(user: AnyUser) -> bool:
    if is_office_staff(user):
        return True
    if is_committee_member(user):
        return True
    if is_auditor(user):
        return True
    return works_in_supervision(user)


def can_file_for(user: AnyUser, applicant: Organisation) -> bool:
    """A department's clerk or head files and manages its applications."""
    return applicant.pk in department_staff_ids(user)


def can_file_applications(user: AnyUser) -> bool:
    """A clerk or head of at least one department (each files for its own only)."""
    return bool(department_staff_ids(user))


def can_vote_for(user: AnyUser, body: Organisation) -> bool:
    allowed = VOTER_ROLES.get(body.kind, frozenset())
    return any(
        grant.organisation_id == body.pk and grant.role in allowed for grant in user_grants(user)
    )


def voting_bodies_of(user: AnyUser) -> list[int]:
    return [
        grant.organisation_id
        for grant in user_grants(user)
        if grant.role in VOTER_ROLES.get(grant.kind, frozenset())
    ]


def applications_visible_to(user: AnyUser) -> QuerySet[Application]:
    """Office, committee, supervision and audit see all; a department its own; a subdistrict or
    community the applications it is consulted on."""
    applications = Application.objects.all()
    if sees_every_application(user):
        return applications
    own_departments = department_staff_ids(user)
    consulted_in = voting_bodies_of(user)
    if not own_departments and not consulted_in:
        return applications.none()
    return applications.filter(
        Q(applicant_id__in=own_departments) | Q(ballots__body_id__in=consulted_in)
    ).distinct()


def access_application(user: AnyUser, application_id: int) -> Application:
    """The application, if the user may see it; the same NotFound for missing and forbidden."""
    application = (
        applications_visible_to(user)
        .select_related("applicant", "review_round", "catalog_item", "proposed_social_org")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound("申请", "application")
    return application


def access_application_to_edit(user: AnyUser, application_id: int) -> Application:
    """The application, if the user files for its applicant; whoever only sees it gets the same
    NotFound as whoever does not (the edit page is the applicant's alone)."""
    application = access_application(user, application_id)
    if not can_file_for(user, application.applicant):
        raise NotFound("申请", "application")
    return application
