"""The community at a glance, counted against hand-made registries: current households and
residents only, every active care tag counted (zero included), open and overdue matters, today's
visits, the building grid, the subdistrict's roll-up, and the same number of queries for 5
households as for 50."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from communitygate.core import clock
from communitygate.matters.models import Matter, MatterCategory
from communitygate.matters.selectors.glance import (
    BuildingNotInCommunity,
    communities_figures,
    community_glance,
    figures_total,
    subdistricts_figures,
)
from communitygate.matters.tests.grid_glance import add_household, add_resident, add_visit
from communitygate.orgs.models import Organisation
from communitygate.registry.models import CareTag
from communitygate.registry.permissions import communities_visible_to
from communitygate.registry.selectors.visits import natural_key
from communitygate.testing import World

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def monday() -> None:
    clock.pin(MONDAY)


def add_matter(community: Organisation, status: str, answer_by: dt.date, n: int) -> Matter:
    return Matter.objects.create(
        community=community,
        tracking_code=f"GL{community.pk}-{n}",
        channel="visit",
        category=MatterCategory.objects.get(code="help"),
        summary="求助",
        status=status,
        received_at=MONDAY,
        answer_by=answer_by,
        updated_at=MONDAY,
    )


def glance_of(community: Organisation, **kwargs: Any) -> Any:
    return community_glance(community, today=TODAY, now=MONDAY, **kwargs)


def tag_counts(figures: Any) -> dict[str, int]:
    return {tag.code: tag.count for tag in figures.tags}


def test_counts_only_current_households_and_residents(world: World) -> None:
    community = world.org("community")
    here = add_household(community, room="101", people=[("甲", ["elderly-alone"]), ("乙", [])])
    add_resident(here, "丙（已迁出）", ["elderly-alone"], moved_out_on=dt.date(2026, 10, 1))
    add_household(community, room="102", people=[("丁", ["aged-80-plus", "disability"])])
    add_household(
        community,
        room="103",
        people=[("戊（随户迁出）", ["disability"])],
        moved_out_on=dt.date(2026, 9, 1),
    )
    add_household(world.org("community_other"), people=[("己（别的社区）", ["elderly-alone"])])

    figures = glance_of(community).figures
    assert (figures.households, figures.residents) == (2, 3)
    counts = tag_counts(figures)
    assert counts["elderly-alone"] == 1
    assert counts["aged-80-plus"] == 1
    assert counts["disability"] == 1


def test_every_active_tag_is_counted_zero_included_and_a_retired_one_is_not(world: World) -> None:
    CareTag.objects.create(code="office-tag", name="测试标签", name_en="Test tag", position=5)
    CareTag.objects.filter(code="veteran").update(active=False)
    add_household(world.org("community"), people=[("甲", ["party-member"])])

    counts = tag_counts(glance_of(world.org("community")).figures)
    active = set(CareTag.objects.filter(active=True).values_list("code", flat=True))
    assert set(counts) == active
    assert "veteran" not in counts
    assert counts["office-tag"] == 0
    assert counts["party-member"] == 1
    assert sum(counts.values()) == 1
    assert next(iter(counts)) == "office-tag", "tags keep the office's order (position)"


def test_open_and_overdue_matters(world: World) -> None:
    community = world.org("community")
    yesterday, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    for n, (status, answer_by) in enumerate(
        [
            ("received", tomorrow),
            ("assigned", yesterday),
            ("reopened", yesterday),
            ("received", TODAY),  # due today: not yet overdue
            ("answered", yesterday),
            ("closed", yesterday),
        ]
    ):
        add_matter(community, status, answer_by, n)
    add_matter(world.org("community_other"), "received", yesterday, 99)

    figures = glance_of(community).figures
    assert (figures.open_matters, figures.overdue_matters) == (4, 2)


def test_todays_visits_done_or_not(world: World) -> None:
    community = world.org("community")
    worker = world.user("community_worker")
    household = add_household(community)
    add_visit(household, worker, planned_on=TODAY)
    done = add_visit(household, worker, planned_on=TODAY, done_at=MONDAY)
    add_visit(household, worker, planned_on=TODAY + dt.timedelta(days=1))
    add_visit(household, worker, planned_on=TODAY - dt.timedelta(days=1), done_at=MONDAY)

    glance = glance_of(community)
    assert (glance.figures.visits_today, glance.figures.visits_today_done) == (2, 1)
    assert {visit.pk for visit in glance.todays_visits} >= {done.pk}
    assert len(glance.todays_visits) == 2


def test_the_building_grid_units_rooms_households_and_marks(world: World) -> None:
    community = world.org("community")
    add_household(community, building="2号楼", unit="1单元", room="1201", people=[("甲", [])])
    add_household(
        community,
        building="2号楼",
        unit="1单元",
        room="302",
        people=[("乙", ["elderly-alone", "aged-80-plus"]), ("丙", ["party-member"])],
    )
    add_household(community, building="2号楼", unit="2单元", room="101", people=[])
    add_household(
        community,
        building="2号楼",
        unit="1单元",
        room="401",
        people=[("丁", [])],
        moved_out_on=dt.date(2026, 1, 1),
    )
    add_household(community, building="10号楼", unit="1单元", room="101")

    glance = glance_of(community)
    assert [tab.label for tab in glance.buildings] == ["2号楼", "10号楼"]
    assert [tab.households for tab in glance.buildings] == [3, 1]
    grid = glance.grid
    assert grid is not None
    assert grid.building.label == "2号楼", "the first building is shown by default"
    assert [unit.name for unit in grid.units] == ["1单元", "2单元"]
    first = grid.units[0]
    assert [cell.room for cell in first.cells] == ["302", "401", "1201"]
    tagged, vacant, plain = first.cells
    assert tagged.residents == 2
    assert [mark.code for mark in tagged.marks] == ["elderly-alone", "aged-80-plus", "party-member"]
    assert [mark.mark for mark in tagged.marks] == ["独", "高", "党"]
    assert tagged.due_for_visit
    assert vacant.household_id is None, "the moved-out household leaves its room vacant"
    assert (plain.residents, plain.marks, plain.due_for_visit) == (1, (), False)
    (empty_household,) = grid.units[1].cells
    assert empty_household.household_id is not None
    assert empty_household.residents == 0


def test_a_building_is_chosen_and_another_communitys_is_refused(world: World) -> None:
    community = world.org("community")
    add_household(community, building="1号楼")
    second = add_household(community, building="2号楼", room="501")
    elsewhere = add_household(world.org("community_other"), building="1号楼")

    grid = glance_of(community, building_id=second.room.unit.building_id).grid
    assert grid is not None
    assert grid.building.label == "2号楼"
    assert [cell.room for cell in grid.units[0].cells] == ["501"]
    with pytest.raises(BuildingNotInCommunity):
        glance_of(community, building_id=elsewhere.room.unit.building_id)


def test_a_community_without_buildings_has_no_grid(world: World) -> None:
    glance = glance_of(world.org("community_sibling"))
    assert glance.grid is None
    assert glance.buildings == ()
    assert glance.figures.households == 0


def test_a_household_recently_visited_is_not_due(world: World) -> None:
    community = world.org("community")
    worker = world.user("community_worker")
    recent = add_household(community, room="101", people=[("甲", ["elderly-alone"])])
    old = add_household(community, room="102", people=[("乙", ["elderly-alone"])])
    add_visit(recent, worker, planned_on=TODAY, done_at=MONDAY - dt.timedelta(days=29))
    add_visit(old, worker, planned_on=TODAY, done_at=MONDAY - dt.timedelta(days=31))
    add_household(community, room="103", people=[("丙", ["party-member"])])  # needs no visits

    glance = glance_of(community)
    assert glance.due_for_visit == 1
    assert grid_cells(glance) == {"101": False, "102": True, "103": False}


def grid_cells(glance: Any) -> dict[str, bool]:
    return {cell.room: cell.due_for_visit for unit in glance.grid.units for cell in unit.cells}


def test_the_roll_up_of_a_subdistrict_is_its_own_communities_only(world: World) -> None:
    add_household(world.org("community"), people=[("甲", ["elderly-alone"]), ("乙", [])])
    add_household(world.org("community_sibling"), people=[("丙", ["elderly-alone"])])
    add_household(world.org("community_other"), people=[("丁", ["elderly-alone"])])
    add_matter(world.org("community_sibling"), "received", TODAY - dt.timedelta(days=3), 1)

    officer = world.user("subdistrict_officer")
    figures = communities_figures(communities_visible_to(officer), today=TODAY)
    assert [row.code for row in figures] == ["370203031001", "370203031002"]
    own, sibling = figures
    assert (own.households, own.residents, tag_counts(own)["elderly-alone"]) == (1, 2, 1)
    assert (sibling.households, sibling.overdue_matters) == (1, 1)
    assert {row.subdistrict_name for row in figures} == {"洛阳路街道"}

    other = communities_figures(
        communities_visible_to(world.user("subdistrict_officer_other")), today=TODAY
    )
    assert [row.code for row in other] == ["370203014001"]


def test_the_district_sums_communities_per_subdistrict(world: World) -> None:
    add_household(world.org("community"), people=[("甲", ["elderly-alone"])])
    add_household(world.org("community_sibling"), people=[("乙", ["elderly-alone"])])
    add_household(world.org("community_other"), people=[("丙", ["disability"])])
    communities = Organisation.objects.filter(kind="community")
    tags = list(CareTag.objects.filter(active=True))
    rows = subdistricts_figures(communities_figures(communities, today=TODAY, tags=tags), tags)
    by_name = {row.name: row for row in rows}
    assert by_name["洛阳路街道"].communities == 2
    assert by_name["洛阳路街道"].residents == 2
    assert tag_counts(by_name["洛阳路街道"])["elderly-alone"] == 2
    assert tag_counts(by_name["敦化路街道"])["disability"] == 1
    total = figures_total(rows, tags)
    assert (total.communities, total.households, total.residents) == (3, 3, 3)


def fill(community: Organisation, households: int, start: int = 0) -> None:
    worker = User.objects.get(username="community_worker")
    for n in range(start, start + households):
        household = add_household(
            community,
            building=f"{n % 3 + 1}号楼",
            unit=f"{n % 2 + 1}单元",
            room=f"{n // 6 + 1}0{n % 6 + 1}",
            people=[(f"居民{n}", ["elderly-alone"] if n % 4 == 0 else []), (f"家属{n}", [])],
        )
        if n % 5 == 0:
            add_visit(household, worker, planned_on=TODAY)


def test_the_glance_costs_the_same_queries_for_5_households_as_for_50(
    world: World, django_assert_max_num_queries: Any
) -> None:
    community = world.org("community")
    counts = []
    for start, households in [(0, 5), (5, 45)]:
        fill(community, households, start)
        with django_assert_max_num_queries(11) as captured:
            glance = glance_of(community)
            assert glance.grid is not None
            assert glance.figures.households == start + households
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_roll_up_costs_the_same_queries_for_1_community_as_for_3(
    world: World, django_assert_max_num_queries: Any
) -> None:
    counts: list[int] = []
    for communities in (
        Organisation.objects.filter(code="370203031001"),
        Organisation.objects.filter(kind="community"),
    ):
        fill(world.org("community_other"), 3, len(counts) * 10)
        with django_assert_max_num_queries(3) as captured:
            communities_figures(communities, today=TODAY)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_rooms_and_buildings_sort_as_people_read_them() -> None:
    assert sorted(["1201", "302", "1001", "101"], key=natural_key) == ["101", "302", "1001", "1201"]
    assert sorted(["10号楼", "2号楼", "1号楼"], key=natural_key) == ["1号楼", "2号楼", "10号楼"]
