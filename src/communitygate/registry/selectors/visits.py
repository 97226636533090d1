"""The registry's reads for home visits and the glance: current households and residents,
active care tags, the households due for a visit, a community's visit lists. The glance
itself (it counts matters too) is `matters.selectors.glance`.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from communitygate.orgs.models import Organisation
from communitygate.registry.models import CareTag, Household, Resident, Visit

# A household with a resident whose tag needs regular visits is due for a visit when nobody has
# visited it for this many days (a month: the civil-affairs practice of monthly care visits to
# people living alone and aged 80+).
VISIT_INTERVAL_DAYS = 30
# Today's visits on the glance; the visits page lists them all.
TODAYS_VISITS_SHOWN = 50


def care_tags_active() -> list[CareTag]:
    return list(CareTag.objects.filter(active=True).order_by("position", "code"))


def current_households() -> QuerySet[Household]:
    return Household.objects.filter(moved_out_on__isnull=True)


def current_residents() -> QuerySet[Resident]:
    """Residents who live here now: neither they nor their household have moved out."""
    return Resident.objects.filter(moved_out_on__isnull=True, household__moved_out_on__isnull=True)


def households_due_for_visit(
    community: Organisation | int, *, now: dt.datetime
) -> QuerySet[Household]:
    """The community's current households where someone carries a tag that needs regular visits
    and nobody has visited in the last VISIT_INTERVAL_DAYS days."""
    tagged = current_residents().filter(
        household_id=OuterRef("pk"), tags__needs_visits=True, tags__active=True
    )
    return current_households().filter(
        Exists(tagged),
        ~Exists(_recently_visited(now).filter(household_id=OuterRef("pk"))),
        community=community,
    )


def visits_to_do_today(community: Organisation | int, today: dt.date) -> QuerySet[Visit]:
    """The community's visits planned for today and not recorded yet (the visits page lists
    them first among today's)."""
    return Visit.objects.filter(community=community, planned_on=today, done_at__isnull=True)


def _recently_visited(now: dt.datetime) -> QuerySet[Visit]:
    return Visit.objects.filter(done_at__gte=now - dt.timedelta(days=VISIT_INTERVAL_DAYS))


_NUMBER_RUN = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts "2号楼" before "10号楼" and room 302 before 1201."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER_RUN.split(text) if part
    )


def household_address(household: Household) -> str:
    """楼栋 单元 房间 of a household whose room, unit and building are loaded."""
    room = household.room
    building = room.unit.building
    return f"{building.estate}{building.name} {room.unit.name} {room.number}".strip()


# Visits ------------------------------------------------------------------------------------------

VISITS_LISTED = 200


@dataclass(frozen=True)
class VisitLists:
    today: tuple[Visit, ...]
    upcoming: tuple[Visit, ...]
    missed: tuple[Visit, ...]  # planned before today and never recorded


def community_visits(community: Organisation, *, today: dt.date) -> VisitLists:
    """Today's visits (done or not), the upcoming ones and the missed ones, three queries."""
    visits = Visit.objects.filter(community=community).select_related(
        "household__room__unit__building", "resident", "worker"
    )
    return VisitLists(
        today=tuple(visits.filter(planned_on=today).order_by("done_at", "pk")[:VISITS_LISTED]),
        upcoming=tuple(
            visits.filter(planned_on__gt=today, done_at__isnull=True).order_by("planned_on", "pk")[
                :VISITS_LISTED
            ]
        ),
        missed=tuple(
            visits.filter(planned_on__lt=today, done_at__isnull=True).order_by("-planned_on", "pk")[
                :VISITS_LISTED
            ]
        ),
    )


def household_at(
    community: Organisation, *, building_id: int, unit: str, room: str
) -> Household | None:
    """The current household in a room of the community, found by building, unit and room."""
    return (
        current_households()
        .filter(
            community=community,
            room__unit__building_id=building_id,
            room__unit__name=unit.strip(),
            room__number=room.strip(),
        )
        .select_related("room__unit__building")
        .order_by("pk")
        .first()
    )


def household_residents(household: Household) -> list[Resident]:
    return list(current_residents().filter(household=household).order_by("pk"))
