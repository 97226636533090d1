"""The permission grid's rows for the residents' hub, the community at a glance and home visits
(see web/tests/grid.py), and the small registry builders the glance and visits tests share.

Who sees what: a community's staff their own community; a subdistrict's officer the communities
under it; the office, supervision and audit the district's figures on the hub only; nobody else
anything. Walk-in reception follows the matters: staff record their own community's visitors,
officers read the lists. Only the community's own staff plan and record visits: a subdistrict's officer sees a
visit (403 on recording it), everyone else gets 404."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User

from communitygate.core import clock
from communitygate.matters.models import Reception
from communitygate.orgs.models import Organisation
from communitygate.registry.models import Building, CareTag, Household, Resident, Room, Unit, Visit
from communitygate.testing import World
from communitygate.web.tests.grid import (
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    GridPart,
    Outcome,
    row,
)

# Builders (tests only: the registry's own services are tested in their area) -----------------


def add_household(
    community: Organisation,
    *,
    room: str = "101",
    unit: str = "1单元",
    building: str = "1号楼",
    estate: str = "",
    people: Iterable[tuple[str, Iterable[str]]] = (("居民甲", ()),),
    moved_out_on: dt.date | None = None,
) -> Household:
    """A household in a room (building, unit and room made when missing), with its residents,
    each `(name, care tag codes)`."""
    now = clock.now()
    block, _ = Building.objects.get_or_create(community=community, estate=estate, name=building)
    stair, _ = Unit.objects.get_or_create(building=block, name=unit)
    door, _ = Room.objects.get_or_create(unit=stair, number=room)
    household = Household.objects.create(
        community=community, room=door, created_at=now, moved_out_on=moved_out_on
    )
    for name, tags in people:
        add_resident(household, name, tags)
    return household


def add_resident(
    household: Household,
    name: str,
    tags: Iterable[str] = (),
    *,
    moved_out_on: dt.date | None = None,
) -> Resident:
    now = clock.now()
    resident = Resident.objects.create(
        community_id=household.community_id,
        household=household,
        name=name,
        sex="female",
        moved_out_on=moved_out_on,
        created_at=now,
        updated_at=now,
    )
    codes = list(tags)
    if codes:
        resident.tags.set(CareTag.objects.filter(code__in=codes))
    return resident


def add_visit(
    household: Household,
    worker: User,
    *,
    planned_on: dt.date,
    done_at: dt.datetime | None = None,
    purpose: str = "走访",
) -> Visit:
    return Visit.objects.create(
        community_id=household.community_id,
        household=household,
        planned_on=planned_on,
        purpose=purpose,
        worker=worker,
        done_at=done_at,
    )


# The grid ----------------------------------------------------------------------------------------

COMMUNITY_STAFF = ("community_secretary", "community_worker")  # of 370203031001
EVERY_COMMUNITY_STAFF = (*COMMUNITY_STAFF, "community_secretary_other")
OFFICER = ("subdistrict_officer",)  # 洛阳路街道: 370203031001 and 370203031002
FIGURES = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
HAS_A_RESIDENTS_HUB = (*EVERY_COMMUNITY_STAFF, *OFFICER, "subdistrict_officer_other", *FIGURES)


def glance_row(
    sees: Iterable[str], seen: Outcome, *cells: tuple[Iterable[str], Outcome]
) -> dict[str, Outcome]:
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (sees, seen), *cells)


def seed(world: World) -> dict[str, Any]:
    """In 370203031001: a household of an elderly resident living alone with a visit planned for
    today, and another (aged 80+) nobody has visited, so that planning the tagged households'
    visits has one to plan; a building in 370203014001 for the wrong-building row."""
    community = world.org("community")
    worker = world.user("community_worker")
    visited = add_household(community, room="101", people=(("网格居民甲", ("elderly-alone",)),))
    waiting = add_household(community, room="102", people=(("网格居民乙", ("aged-80-plus",)),))
    visit = add_visit(visited, worker, planned_on=clock.today())
    other = add_household(world.org("community_other"), room="201", building="9号楼")
    return {
        "glance_community": community.code,
        "glance_sibling": world.org("community_sibling").code,
        "glance_other": world.org("community_other").code,
        "glance_visit": visit.pk,
        "glance_household": waiting.pk,
        "glance_building": visited.room.unit.building_id,
        "glance_building_other": other.room.unit.building_id,
    }


def visit_count(_seed: Any) -> object:
    return Visit.objects.count()


def reception_count(_seed: Any) -> object:
    return (Reception.objects.count(), Visit.objects.count())


def visit_state(seed: Any) -> object:
    return Visit.objects.filter(pk=seed.extra["glance_visit"]).values_list("done_at", "note")[0]


MATRIX = {
    ("GET", "/residents/"): glance_row(HAS_A_RESIDENTS_HUB, PAGE),
    ("GET", "/residents/communities/{glance_community}/"): glance_row(
        (*COMMUNITY_STAFF, *OFFICER), PAGE
    ),
    ("GET", "/residents/communities/{glance_community}/?building={glance_building}"): glance_row(
        (*COMMUNITY_STAFF, *OFFICER), PAGE
    ),
    # Another community's building is not in this community's grid, for anyone.
    (
        "GET",
        "/residents/communities/{glance_community}/?building={glance_building_other}",
    ): glance_row((), PAGE),
    ("GET", "/residents/communities/{glance_sibling}/"): glance_row(OFFICER, PAGE),
    ("GET", "/residents/communities/{glance_other}/"): glance_row(
        ("community_secretary_other", "subdistrict_officer_other"), PAGE
    ),
    ("GET", "/residents/visits/"): glance_row(EVERY_COMMUNITY_STAFF, PAGE),
    ("GET", "/residents/visits/?household={glance_household}"): glance_row(COMMUNITY_STAFF, PAGE),
    ("POST", "/residents/visits/"): glance_row(COMMUNITY_STAFF, REDIRECT),
    ("GET", "/residents/visits/{glance_visit}/done/"): row(
        METHOD_NOT_ALLOWED, (SIGNED_OUT, SIGN_IN)
    ),
    ("POST", "/residents/visits/{glance_visit}/done/"): glance_row(
        COMMUNITY_STAFF, REDIRECT, (OFFICER, FORBIDDEN)
    ),
    ("GET", "/residents/visits/plan-tagged/"): row(METHOD_NOT_ALLOWED, (SIGNED_OUT, SIGN_IN)),
    ("POST", "/residents/visits/plan-tagged/"): glance_row(
        COMMUNITY_STAFF, REDIRECT, (OFFICER, FORBIDDEN)
    ),
    # Walk-in reception (来访登记): staff record their own community's visitors; a subdistrict's
    # officer reads its communities' lists.
    ("GET", "/residents/receptions/"): glance_row(
        (*EVERY_COMMUNITY_STAFF, *OFFICER, "subdistrict_officer_other"), PAGE
    ),
    ("GET", "/residents/receptions/?community={glance_community}&day=2026-11-23"): glance_row(
        (*EVERY_COMMUNITY_STAFF, *OFFICER, "subdistrict_officer_other"), PAGE
    ),
    ("GET", "/residents/receptions/export.xlsx"): glance_row(
        (*EVERY_COMMUNITY_STAFF, *OFFICER, "subdistrict_officer_other"), PAGE
    ),
    ("GET", "/residents/receptions/new/"): glance_row(EVERY_COMMUNITY_STAFF, PAGE),
    ("GET", "/residents/receptions/new/?find=网格"): glance_row(EVERY_COMMUNITY_STAFF, PAGE),
    # Another community's secretary is not offered 370203031001: the form again.
    ("POST", "/residents/receptions/new/"): glance_row(
        EVERY_COMMUNITY_STAFF, PAGE, (COMMUNITY_STAFF, REDIRECT)
    ),
}

PAYLOADS = {
    ("POST", "/residents/visits/"): lambda seed: {
        "community": seed.extra["glance_community"],
        "household": seed.extra["glance_household"],
        "planned_on": "2026-11-24",
        "purpose": "网格走访",
    },
    ("POST", "/residents/visits/{glance_visit}/done/"): lambda seed: {"note": "网格：情况良好"},
    ("POST", "/residents/visits/plan-tagged/"): lambda seed: {
        "community": seed.extra["glance_community"],
        "planned_on": "2026-11-24",
    },
    ("POST", "/residents/receptions/new/"): lambda seed: {
        "community": seed.extra["glance_community"],
        "visitor_name": "网格来访人",
        "phone": "13912345678",
        "category": "consultation",
        "outcome": "handled",
    },
}

EFFECTS = {
    ("POST", "/residents/visits/"): visit_count,
    ("POST", "/residents/visits/{glance_visit}/done/"): visit_state,
    ("POST", "/residents/visits/plan-tagged/"): visit_count,
    ("POST", "/residents/receptions/new/"): reception_count,
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
