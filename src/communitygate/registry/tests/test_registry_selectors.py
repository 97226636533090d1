"""The registry's reads: exact search by ID number or phone through blind indexes (only exact
matches, only within the person's scope), name search within scope, and volunteers with their
total hours in one query."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from communitygate.core.idnumbers import InvalidIdNumber
from communitygate.registry.models import Resident
from communitygate.registry.selectors.registry import residents_search, volunteers_list
from communitygate.registry.services.registry import (
    resident_move_out,
    volunteer_hours_record,
    volunteer_register,
)
from communitygate.registry.tests.grid_registry import id_number, person_in, sibling_secretary
from communitygate.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: World) -> dict[str, Resident]:
    """One resident in 370203031001, its sibling 370203031002, and 370203014001, each with its
    own ID number and the same phone."""
    return {
        "own": person_in(
            world.user("community_secretary"), world.org("community"), "王本社区", id_number(1)
        ),
        "sibling": person_in(
            sibling_secretary(world), world.org("community_sibling"), "王邻社区", id_number(2)
        ),
        "other": person_in(
            world.user("community_secretary_other"),
            world.org("community_other"),
            "王外社区",
            id_number(3),
        ),
    }


def names(user: Any, **search: Any) -> set[str]:
    return set(residents_search(user, **search).values_list("name", flat=True))


def test_an_id_number_search_finds_the_exact_number_only(
    world: World, people: dict[str, Resident]
) -> None:
    secretary = world.user("community_secretary")
    assert names(secretary, id_number=id_number(1)) == {"王本社区"}
    assert names(secretary, id_number=f" {id_number(1).lower()} ") == {"王本社区"}
    other_valid = id_number(99, birth=dt.date(1970, 1, 1))
    assert names(secretary, id_number=other_valid) == set()


def test_an_id_number_search_stays_within_scope(world: World, people: dict[str, Resident]) -> None:
    assert names(world.user("community_secretary_other"), id_number=id_number(1)) == set()
    assert names(world.user("community_worker"), id_number=id_number(3)) == set()
    assert names(world.user("subdistrict_officer"), id_number=id_number(2)) == {"王邻社区"}
    assert names(world.user("subdistrict_officer_other"), id_number=id_number(1)) == set()
    assert names(world.user("office_admin"), id_number=id_number(1)) == set()


def test_a_phone_search_is_exact_and_scoped(world: World, people: dict[str, Resident]) -> None:
    officer = world.user("subdistrict_officer")
    assert names(officer, phone="+86 139-1234-5678") == {"王本社区", "王邻社区"}
    assert names(officer, phone="13912345679") == set()
    assert names(world.user("community_secretary_other"), phone="13912345678") == {"王外社区"}


def test_a_number_that_cannot_be_one_is_an_error_not_an_empty_answer(world: World) -> None:
    with pytest.raises(InvalidIdNumber):
        residents_search(world.user("community_secretary"), id_number="12345")


def test_a_name_search_is_partial_and_scoped(world: World, people: dict[str, Resident]) -> None:
    assert names(world.user("community_worker"), query="王") == {"王本社区"}
    assert names(world.user("subdistrict_officer"), query="王") == {"王本社区", "王邻社区"}
    assert names(world.user("subdistrict_officer_other"), query="社区") == {"王外社区"}
    assert names(world.user("subdistrict_officer"), query="王", community="370203031002") == {
        "王邻社区"
    }


def test_people_who_moved_out_are_found_only_when_asked(
    world: World, people: dict[str, Resident]
) -> None:
    resident_move_out(
        actor=world.user("community_worker"), resident=people["own"], on=dt.date(2024, 1, 1)
    )
    worker = world.user("community_worker")
    assert names(worker) == set()
    assert names(worker, include_moved_out=True) == {"王本社区"}


def test_a_tag_search(world: World, people: dict[str, Resident]) -> None:
    worker = world.user("community_worker")
    assert names(worker, tag="elderly-alone") == {"王本社区"}
    assert names(worker, tag="veteran") == set()


def test_volunteers_come_with_their_total_hours_in_one_query(
    world: World, people: dict[str, Resident], django_assert_num_queries: Any
) -> None:
    worker = world.user("community_worker")
    volunteer = volunteer_register(actor=worker, resident=people["own"], skills="")
    for hours in ("1.5", "2.0"):
        volunteer_hours_record(
            actor=worker,
            volunteer=volunteer,
            served_on=dt.date(2024, 6, 1),
            hours=Decimal(hours),
            what="巡逻",
        )
    volunteer_register(
        actor=world.user("community_secretary_other"), resident=people["other"], skills=""
    )
    worker = type(worker).objects.get(pk=worker.pk)  # grants not yet cached
    with django_assert_num_queries(2):  # the person's grants, then the list
        rows = list(volunteers_list(worker))
    assert [(v.resident.name, getattr(v, "total_hours", None)) for v in rows] == [
        ("王本社区", Decimal("3.5"))
    ]
