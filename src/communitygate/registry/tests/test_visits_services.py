"""Home visits: who may plan and record them, the rules of a plan (today or later, a current
household, a resident of it), recording once, and planning the visits of every household with a
tag that needs regular visits that nobody has visited for 30 days."""

import datetime as dt

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.matters.tests.grid_glance import add_household, add_resident, add_visit
from communitygate.registry.models import CareTag, Visit
from communitygate.registry.selectors.visits import VISIT_INTERVAL_DAYS
from communitygate.registry.services.visits import (
    HouseholdMovedOut,
    ResidentNotInHousehold,
    VisitAlreadyRecorded,
    VisitPlannedInThePast,
    visit_plan,
    visit_record,
    visits_plan_for_tagged,
)
from communitygate.testing import World

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def monday() -> None:
    clock.pin(MONDAY)


def test_a_worker_plans_a_visit_to_a_resident_and_it_is_audited(world: World) -> None:
    household = add_household(world.org("community"), people=[("甲", ["elderly-alone"])])
    resident = household.residents.get()
    worker = world.user("community_worker")
    visit = visit_plan(
        actor=worker, household=household, resident=resident, planned_on=TODAY, purpose=" 看望 "
    )
    assert (visit.community_id, visit.worker, visit.purpose) == (
        household.community_id,
        worker,
        "看望",
    )
    event = AuditEvent.objects.get(action="visit.plan")
    assert event.object_id == str(visit.pk)
    assert event.changes["resident"] == [None, resident.pk]


def test_phone_and_id_numbers_typed_in_free_text_are_masked(world: World) -> None:
    household = add_household(world.org("community"))
    worker = world.user("community_worker")
    visit = visit_plan(
        actor=worker,
        household=household,
        planned_on=TODAY,
        purpose="回电 13912345678 核对 11010519491231002X",
    )
    assert "13912345678" not in visit.purpose and "11010519491231002X" not in visit.purpose
    done = visit_record(actor=worker, visit=visit, note="家属电话13912345678")
    assert "13912345678" not in done.note
    for event in AuditEvent.objects.filter(action__startswith="visit."):
        assert "13912345678" not in str(event.changes)


@pytest.mark.parametrize(
    "person", ["subdistrict_officer", "community_secretary_other", "office_officer", "no_role"]
)
def test_only_the_communitys_own_staff_plan_and_record_visits(world: World, person: str) -> None:
    household = add_household(world.org("community"))
    visit = add_visit(household, world.user("community_worker"), planned_on=TODAY)
    actor = world.user(person)
    with pytest.raises(PermissionDenied):
        visit_plan(actor=actor, household=household, planned_on=TODAY, purpose="走访")
    with pytest.raises(PermissionDenied):
        visit_record(actor=actor, visit=visit, note="")
    with pytest.raises(PermissionDenied):
        visits_plan_for_tagged(actor=actor, community=world.org("community"), planned_on=TODAY)
    assert Visit.objects.count() == 1
    assert Visit.objects.get().done_at is None


def test_a_visit_is_not_planned_for_a_past_day(world: World) -> None:
    household = add_household(world.org("community"))
    with pytest.raises(VisitPlannedInThePast):
        visit_plan(
            actor=world.user("community_worker"),
            household=household,
            planned_on=TODAY - dt.timedelta(days=1),
            purpose="走访",
        )


def test_a_visit_needs_a_purpose(world: World) -> None:
    household = add_household(world.org("community"))
    with pytest.raises(InvalidInput):
        visit_plan(
            actor=world.user("community_worker"), household=household, planned_on=TODAY, purpose=" "
        )


def test_a_moved_out_household_is_not_visited(world: World) -> None:
    household = add_household(world.org("community"), moved_out_on=dt.date(2026, 1, 1))
    with pytest.raises(HouseholdMovedOut):
        visit_plan(
            actor=world.user("community_worker"),
            household=household,
            planned_on=TODAY,
            purpose="走访",
        )


def test_the_resident_must_live_in_the_household_now(world: World) -> None:
    community = world.org("community")
    household = add_household(community, room="101")
    neighbour = add_household(community, room="102").residents.get()
    gone = add_resident(household, "已迁出", moved_out_on=dt.date(2026, 1, 1))
    for resident in (neighbour, gone):
        with pytest.raises(ResidentNotInHousehold):
            visit_plan(
                actor=world.user("community_worker"),
                household=household,
                resident=resident,
                planned_on=TODAY,
                purpose="走访",
            )


def test_a_visit_is_recorded_once_at_the_moment_it_is_recorded(world: World) -> None:
    household = add_household(world.org("community"))
    visit = add_visit(household, world.user("community_worker"), planned_on=TODAY)
    secretary = world.user("community_secretary")
    done = visit_record(actor=secretary, visit=visit, note="老人身体健康")
    assert done.done_at == MONDAY
    assert done.note == "老人身体健康"
    assert done.worker == secretary
    with pytest.raises(VisitAlreadyRecorded):
        visit_record(actor=world.user("community_worker"), visit=visit, note="再次")
    assert Visit.objects.get(pk=visit.pk).note == "老人身体健康"
    assert AuditEvent.objects.filter(action="visit.record").count() == 1


def test_the_tagged_households_get_a_visit_each_once(world: World) -> None:
    community = world.org("community")
    worker = world.user("community_worker")
    alone = add_household(community, room="101", people=[("甲", ["elderly-alone", "aged-80-plus"])])
    disabled = add_household(community, room="102", people=[("乙", []), ("丙", ["disability"])])
    add_household(community, room="103", people=[("丁", ["party-member"])])  # needs no visits
    recent = add_household(community, room="104", people=[("戊", ["elderly-alone"])])
    add_visit(recent, worker, planned_on=TODAY, done_at=MONDAY - dt.timedelta(days=10))
    long_ago = add_household(community, room="105", people=[("己", ["elderly-alone"])])
    add_visit(
        long_ago,
        worker,
        planned_on=dt.date(2026, 10, 1),
        done_at=MONDAY - dt.timedelta(days=VISIT_INTERVAL_DAYS + 1),
    )
    waiting = add_household(community, room="106", people=[("庚", ["left-behind"])])
    add_visit(waiting, worker, planned_on=TODAY + dt.timedelta(days=3))
    missed = add_household(community, room="107", people=[("辛", ["special-hardship"])])
    add_visit(missed, worker, planned_on=TODAY - dt.timedelta(days=3))
    gone = add_household(community, room="108", people=[("壬", [])])
    add_resident(gone, "已迁出老人", ["elderly-alone"], moved_out_on=dt.date(2026, 5, 1))
    add_household(world.org("community_sibling"), people=[("癸", ["elderly-alone"])])
    CareTag.objects.filter(code="regular-visits").update(active=False)
    retired = add_household(community, room="109", people=[("子", ["regular-visits"])])

    planned = visits_plan_for_tagged(actor=worker, community=community, planned_on=TOMORROW)
    assert {visit.household_id for visit in planned} == {
        alone.pk,
        disabled.pk,
        long_ago.pk,
        missed.pk,
    }
    assert retired.pk not in {visit.household_id for visit in planned}
    purposes = {visit.household_id: visit.purpose for visit in planned}
    assert purposes[alone.pk] == "定期走访：独居老人、高龄老人（80岁以上）"
    assert all(visit.planned_on == TOMORROW and visit.worker == worker for visit in planned)
    event = AuditEvent.objects.get(action="visit.plan_tagged")
    assert sorted(event.changes["households"][1]) == sorted(purposes)

    assert visits_plan_for_tagged(actor=worker, community=community, planned_on=TOMORROW) == []
    assert AuditEvent.objects.filter(action="visit.plan_tagged").count() == 1


def test_planning_the_tagged_visits_for_a_past_day_is_refused(world: World) -> None:
    with pytest.raises(VisitPlannedInThePast):
        visits_plan_for_tagged(
            actor=world.user("community_worker"),
            community=world.org("community"),
            planned_on=TODAY - dt.timedelta(days=1),
        )
