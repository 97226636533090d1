"""Reads of walk-in reception (来访登记): a day's receptions of the communities the person sees,
and a community's count for a day (the glance page and the workbench show it).

Scoped like every residents' list: a community's staff see their own community, a subdistrict's
officer the communities under it (`registry.permissions.visible_to`)."""

import datetime as dt

from django.db.models import QuerySet

from communitygate.core.errors import InvalidInput
from communitygate.core.people import AnyUser
from communitygate.matters.models import Reception
from communitygate.matters.selectors.matters import period_problems
from communitygate.orgs.models import Organisation
from communitygate.registry.permissions import access_scoped, visible_to


def receptions_visible_to(user: AnyUser) -> QuerySet[Reception]:
    return visible_to(user, Reception.objects.all())


def reception_access(user: AnyUser, reception_id: int) -> Reception:
    """One reception through the person's scope: missing and forbidden answer the same
    NotFound."""
    return access_scoped(
        user,
        Reception.objects.select_related("community", "category", "received_by", "matter"),
        reception_id,
        "来访登记",
        "walk-in reception",
    )


def reception_list(user: AnyUser, *, day: dt.date, community_code: str = "") -> QuerySet[Reception]:
    """The person's communities' receptions of `day` (one community's with `community_code`),
    latest first, with everything a row shows in the same query. A day outside
    EARLIEST_DAY..LATEST_DAY is InvalidInput (field `day`)."""
    problems = period_problems(day, None, start_field="day")
    if problems:
        raise InvalidInput(problems)
    receptions = receptions_visible_to(user).filter(received_on=day)
    if community_code:
        receptions = receptions.filter(community__code=community_code)
    return receptions.select_related("community", "category", "received_by", "matter").order_by(
        "-received_at", "-pk"
    )


def reception_count_today(community: Organisation | int, day: dt.date) -> int:
    """How many residents the community received at its office on `day` (one COUNT query).
    Not scoped: the caller has already opened the community through its access helper."""
    community_id = community if isinstance(community, int) else community.pk
    return Reception.objects.filter(community_id=community_id, received_on=day).count()
