"""民情一览 — the community at a glance: how many households and residents a community has, how
many carry each care tag, its buildings as a grid (building → unit → household, with tag marks)
so that a worker sees who needs a visit, its open and overdue matters, and today's visits. A
subdistrict sees the same counts for each of its communities (the roll-up); the office,
supervision and audit see them per subdistrict, without anyone's name.

Every figure is counted in the database. A page costs the same number of queries for a
community of 50 households as for one of 5,000: counts are correlated subqueries of one query
per list of communities, tag counts one grouped query over the M2M through table, and a
building's grid four queries whatever its size.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from communitygate.core.errors import NotFound
from communitygate.matters.models import Matter, MatterStatuses, Reception
from communitygate.orgs.models import Organisation
from communitygate.registry.models import Building, CareTag, Resident, Room, Unit, Visit
from communitygate.registry.selectors.visits import (
    TODAYS_VISITS_SHOWN,
    _recently_visited,
    care_tags_active,
    current_households,
    current_residents,
    households_due_for_visit,
    natural_key,
)

# A matter is open until it is answered; a reopened one is open again.
OPEN_MATTER_STATUSES = (MatterStatuses.RECEIVED, MatterStatuses.ASSIGNED, MatterStatuses.REOPENED)

TagThrough = Resident.tags.through


# The figures of one community ------------------------------------------------------------------


@dataclass(frozen=True)
class TagCount:
    """One care tag and how many current residents carry it (zero included)."""

    tag_id: int
    code: str
    name: str
    name_en: str
    mark: str
    needs_visits: bool
    count: int


@dataclass(frozen=True)
class CommunityFigures:
    community_id: int
    code: str
    name: str
    subdistrict_id: int | None
    subdistrict_name: str
    ended: bool
    households: int
    residents: int
    open_matters: int
    overdue_matters: int
    visits_today: int
    visits_today_done: int
    tags: tuple[TagCount, ...]
    receptions_today: int = 0  # walk-in visitors received at the office today (来访登记)


@dataclass(frozen=True)
class SubdistrictFigures:
    """The sum of a subdistrict's communities' figures (the district's roll-up)."""

    subdistrict_id: int | None
    name: str
    communities: int
    households: int
    residents: int
    open_matters: int
    overdue_matters: int
    tags: tuple[TagCount, ...]


def tag_mark(tag: CareTag) -> str:
    """The one character shown in a household's cell (its name's first; the legend and the
    cell's title give the full name)."""
    return (tag.name or tag.code)[:1]


def open_matters() -> QuerySet[Matter]:
    return Matter.objects.filter(status__in=OPEN_MATTER_STATUSES)


def _count_per_community(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT of `queryset`'s rows of the outer community (0 when none)."""
    counted = (
        queryset.filter(community_id=OuterRef("pk"))
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def communities_figures(
    communities: QuerySet[Organisation], *, today: dt.date, tags: list[CareTag] | None = None
) -> list[CommunityFigures]:
    """The figures of each community in `communities` (ordered by code): one query for the
    counts, one for the tag counts, and one for the tags unless they are given."""
    tags = care_tags_active() if tags is None else tags
    rows = list(
        communities.order_by("code")
        .select_related("parent")
        .annotate(
            n_households=_count_per_community(current_households()),
            n_residents=_count_per_community(current_residents()),
            n_open=_count_per_community(open_matters()),
            n_overdue=_count_per_community(open_matters().filter(answer_by__lt=today)),
            n_visits=_count_per_community(Visit.objects.filter(planned_on=today)),
            n_visits_done=_count_per_community(
                Visit.objects.filter(planned_on=today, done_at__isnull=False)
            ),
            n_receptions=_count_per_community(Reception.objects.filter(received_on=today)),
        )
    )
    by_community = _tag_counts(
        current_residents().filter(community__in=communities.values("pk")), tags
    )
    return [
        CommunityFigures(
            community_id=row.pk,
            code=row.code,
            name=row.name,
            subdistrict_id=row.parent_id,
            subdistrict_name=row.parent.name if row.parent else "",
            ended=row.active_to is not None and row.active_to < today,
            households=row.n_households,
            residents=row.n_residents,
            open_matters=row.n_open,
            overdue_matters=row.n_overdue,
            visits_today=row.n_visits,
            visits_today_done=row.n_visits_done,
            tags=_tag_row(tags, by_community.get(row.pk, {})),
            receptions_today=row.n_receptions,
        )
        for row in rows
    ]


def _tag_counts(residents: QuerySet[Resident], tags: list[CareTag]) -> dict[int, dict[int, int]]:
    """{community id: {tag id: residents}} for these residents, one grouped query over the
    through table."""
    counted = (
        TagThrough.objects.filter(
            resident__in=residents.values("pk"), caretag_id__in=[tag.pk for tag in tags]
        )
        .order_by()
        .values_list("resident__community_id", "caretag_id")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for community_id, tag_id, n in counted:
        counts[community_id][tag_id] = n
    return counts


def _tag_row(tags: list[CareTag], counts: dict[int, int]) -> tuple[TagCount, ...]:
    return tuple(
        TagCount(
            tag_id=tag.pk,
            code=tag.code,
            name=tag.name,
            name_en=tag.name_en,
            mark=tag_mark(tag),
            needs_visits=tag.needs_visits,
            count=counts.get(tag.pk, 0),
        )
        for tag in tags
    )


def subdistricts_figures(
    figures: Iterable[CommunityFigures], tags: list[CareTag]
) -> list[SubdistrictFigures]:
    """The communities' figures summed per subdistrict (rows of communities, never of people)."""
    groups: dict[int | None, list[CommunityFigures]] = defaultdict(list)
    for row in figures:
        groups[row.subdistrict_id].append(row)
    summed = []
    for subdistrict_id, rows in groups.items():
        tag_totals: dict[int, int] = defaultdict(int)
        for row in rows:
            for tag in row.tags:
                tag_totals[tag.tag_id] += tag.count
        summed.append(
            SubdistrictFigures(
                subdistrict_id=subdistrict_id,
                name=rows[0].subdistrict_name,
                communities=len(rows),
                households=sum(row.households for row in rows),
                residents=sum(row.residents for row in rows),
                open_matters=sum(row.open_matters for row in rows),
                overdue_matters=sum(row.overdue_matters for row in rows),
                tags=_tag_row(tags, tag_totals),
            )
        )
    return sorted(summed, key=lambda row: row.name)


def figures_total(rows: list[SubdistrictFigures], tags: list[CareTag]) -> SubdistrictFigures:
    """The district's total of the subdistricts' figures."""
    tag_totals: dict[int, int] = defaultdict(int)
    for row in rows:
        for tag in row.tags:
            tag_totals[tag.tag_id] += tag.count
    return SubdistrictFigures(
        subdistrict_id=None,
        name="",
        communities=sum(row.communities for row in rows),
        households=sum(row.households for row in rows),
        residents=sum(row.residents for row in rows),
        open_matters=sum(row.open_matters for row in rows),
        overdue_matters=sum(row.overdue_matters for row in rows),
        tags=_tag_row(tags, tag_totals),
    )


def tag_legend(tags: list[CareTag]) -> tuple[TagCount, ...]:
    """The tags with their marks, for a table's header and legend."""
    return _tag_row(tags, {})


# The building grid ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingTab:
    building_id: int
    label: str
    households: int


@dataclass(frozen=True)
class HouseholdCell:
    """One room of a unit: its current household (None when the room stands empty), how many
    live there, and the care tags present as marks."""

    room: str
    household_id: int | None
    residents: int
    marks: tuple[TagCount, ...]
    due_for_visit: bool


@dataclass(frozen=True)
class UnitColumn:
    unit_id: int
    name: str
    cells: tuple[HouseholdCell, ...]


@dataclass(frozen=True)
class BuildingGrid:
    building: BuildingTab
    units: tuple[UnitColumn, ...]


def building_tabs(community: Organisation) -> list[BuildingTab]:
    """The community's buildings, each with its number of current households (one query)."""
    buildings = (
        Building.objects.filter(community=community)
        .annotate(
            n=Count(
                "units__rooms__households",
                filter=Q(units__rooms__households__moved_out_on__isnull=True),
            )
        )
        .order_by("estate", "name", "pk")
    )
    tabs = [
        BuildingTab(building_id=b.pk, label=f"{b.estate} {b.name}".strip(), households=b.n)
        for b in buildings
    ]
    return sorted(tabs, key=lambda tab: natural_key(tab.label))


def building_grid(building: BuildingTab, *, tags: list[CareTag], now: dt.datetime) -> BuildingGrid:
    """One building as units → rooms → households, in four queries whatever its size."""
    units = list(
        Unit.objects.filter(building_id=building.building_id).prefetch_related(
            Prefetch("rooms", queryset=Room.objects.order_by("number"))
        )
    )
    households = list(
        current_households()
        .filter(room__unit__building_id=building.building_id)
        .annotate(n=Count("residents", filter=Q(residents__moved_out_on__isnull=True)))
        .order_by("pk")
        .values_list("pk", "room_id", "n")
    )
    household_ids = [pk for pk, _room, _n in households]
    marks = _household_marks(household_ids, tags)
    visited = set(
        _recently_visited(now)
        .filter(household__room__unit__building_id=building.building_id)
        .values_list("household_id", flat=True)
        .distinct()
    )
    in_room: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for pk, room_id, n in households:
        in_room[room_id].append((pk, n))
    columns = []
    for unit in sorted(units, key=lambda unit: natural_key(unit.name)):
        cells: list[HouseholdCell] = []
        for room in sorted(unit.rooms.all(), key=lambda room: natural_key(room.number)):
            living = in_room.get(room.pk) or [(None, 0)]
            for household_id, n in living:
                present = marks.get(household_id, ()) if household_id else ()
                cells.append(
                    HouseholdCell(
                        room=room.number,
                        household_id=household_id,
                        residents=n,
                        marks=present,
                        due_for_visit=any(tag.needs_visits for tag in present)
                        and household_id not in visited,
                    )
                )
        columns.append(UnitColumn(unit_id=unit.pk, name=unit.name, cells=tuple(cells)))
    return BuildingGrid(building=building, units=tuple(columns))


def _household_marks(
    household_ids: list[int], tags: list[CareTag]
) -> dict[int, tuple[TagCount, ...]]:
    """{household id: the active tags its current residents carry} (one query)."""
    if not household_ids:
        return {}
    pairs = (
        TagThrough.objects.filter(
            resident__household_id__in=household_ids,
            resident__moved_out_on__isnull=True,
            caretag_id__in=[tag.pk for tag in tags],
        )
        .values_list("resident__household_id", "caretag_id")
        .distinct()
    )
    present: dict[int, set[int]] = defaultdict(set)
    for household_id, tag_id in pairs:
        present[household_id].add(tag_id)
    return {
        household_id: tuple(
            TagCount(
                tag_id=tag.pk,
                code=tag.code,
                name=tag.name,
                name_en=tag.name_en,
                mark=tag_mark(tag),
                needs_visits=tag.needs_visits,
                count=1,
            )
            for tag in tags
            if tag.pk in tag_ids
        )
        for household_id, tag_ids in present.items()
    }


# The glance of one community ------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityGlance:
    figures: CommunityFigures
    due_for_visit: int
    buildings: tuple[BuildingTab, ...]
    grid: BuildingGrid | None
    todays_visits: tuple[Visit, ...]


class BuildingNotInCommunity(NotFound):
    """The building asked for is not one of the community's (the same 404 as a missing one)."""

    def __init__(self) -> None:
        super().__init__("楼栋", "building")


def community_glance(
    community: Organisation, *, today: dt.date, now: dt.datetime, building_id: int | None = None
) -> CommunityGlance:
    """The community at a glance, with one building's grid (`building_id`, else the first).
    Raises BuildingNotInCommunity for a building of another community."""
    tags = care_tags_active()
    (figures,) = communities_figures(
        Organisation.objects.filter(pk=community.pk), today=today, tags=tags
    )
    tabs = building_tabs(community)
    chosen = tabs[0] if tabs and building_id is None else None
    if building_id is not None:
        chosen = next((tab for tab in tabs if tab.building_id == building_id), None)
        if chosen is None:
            raise BuildingNotInCommunity()
    visits = (
        Visit.objects.filter(community=community, planned_on=today)
        .select_related("household__room__unit__building", "resident", "worker")
        .order_by("done_at", "pk")[:TODAYS_VISITS_SHOWN]
    )
    return CommunityGlance(
        figures=figures,
        due_for_visit=households_due_for_visit(community, now=now).count(),
        buildings=tuple(tabs),
        grid=building_grid(chosen, tags=tags, now=now) if chosen else None,
        todays_visits=tuple(visits),
    )
