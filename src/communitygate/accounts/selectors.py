"""Reads about people: their active memberships, as small frozen grants cached per request."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Q, QuerySet

from communitygate.accounts.models import ApiToken, Membership, Notification, Roles
from communitygate.core import clock
from communitygate.core.people import AnyUser
from communitygate.orgs.models import OrganisationKinds

GRANTS_CACHE_ATTRIBUTE = "_communitygate_grants"


@dataclass(frozen=True)
class Grant:
    """One active role of a person in one organisation."""

    organisation_id: int
    organisation_code: str
    organisation_name: str
    kind: str
    role: str
    path: str


def user_grants(user: AnyUser) -> tuple[Grant, ...]:
    """The person's active roles today (one query per request, then cached on the user).

    A membership's `active_to` is the first day without the role: ending a membership today
    takes the role away at once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, GRANTS_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    today = clock.today()
    memberships = (
        Membership.objects.filter(user_id=user.pk, active_from__lte=today)
        .filter(Q(active_to__isnull=True) | Q(active_to__gt=today))
        .select_related("organisation")
        .order_by("organisation__path", "role")
    )
    grants = tuple(
        Grant(
            organisation_id=m.organisation_id,
            organisation_code=m.organisation.code,
            organisation_name=m.organisation.name,
            kind=m.organisation.kind,
            role=m.role,
            path=m.organisation.path,
        )
        for m in memberships
    )
    setattr(user, GRANTS_CACHE_ATTRIBUTE, grants)
    return grants


def forget_grants(user: AbstractBaseUser) -> None:
    if hasattr(user, GRANTS_CACHE_ATTRIBUTE):
        delattr(user, GRANTS_CACHE_ATTRIBUTE)


def api_tokens_of(user: AbstractBaseUser) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user_id=user.pk).order_by("-created_at"))


def notifications_of(user: AnyUser, *, limit: int = 100) -> list[Notification]:
    if user is None or not user.is_authenticated:
        return []
    return list(Notification.objects.filter(recipient_id=user.pk).order_by("-created_at")[:limit])


def unread_notification_count(user: AnyUser) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def people_holding(organisation_ids: Iterable[int], roles: Iterable[str]) -> QuerySet[User]:
    """Active people with one of `roles` in one of the organisations, today."""
    today = clock.today()
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=list(organisation_ids),
            memberships__role__in=list(roles),
            memberships__active_from__lte=today,
        )
        .filter(Q(memberships__active_to__isnull=True) | Q(memberships__active_to__gt=today))
        .distinct()
    )


def committee_members_on(day: dt.date) -> QuerySet[User]:
    """The members of the district's community-building committee (区社区建设指导委员会) on `day`:
    active people holding the member role in an organisation of kind committee."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=OrganisationKinds.COMMITTEE,
            memberships__role=Roles.MEMBER,
            memberships__active_from__lte=day,
        )
        .filter(Q(memberships__active_to__isnull=True) | Q(memberships__active_to__gt=day))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
