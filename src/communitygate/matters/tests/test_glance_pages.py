"""The residents' hub and the community at a glance through the test client: where each person
lands, what each sees (own community, own subdistrict's communities, the district's counts
without people), the building chooser, no caching of pages with residents' data, the navigation
entry, and a page that costs the same queries for 5 households as for 50."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from communitygate.core import clock
from communitygate.core.crypto import seal
from communitygate.core.idnumbers import mask_id_number
from communitygate.core.phones import mask_phone
from communitygate.matters.tests.grid_glance import add_household, add_visit
from communitygate.registry.models import Resident
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
FULL_ID = "11010519491231002X"
FULL_PHONE = "13912345678"


@pytest.fixture
def registry(world: World) -> World:
    """商邱路社区 (370203031001): two buildings, an elderly resident living alone with a sealed ID
    number and phone and a visit today; 郑州路社区 one household; 伊春路社区 one household."""
    clock.pin(MONDAY)
    community = world.org("community")
    alone = add_household(
        community, building="1号楼", room="101", people=[("张演示", ["elderly-alone"])]
    )
    resident = Resident.objects.get(household=alone)
    sealed_id = seal("id_number", FULL_ID, mask_id_number(FULL_ID))
    sealed_phone = seal("phone", FULL_PHONE, mask_phone(FULL_PHONE))
    Resident.objects.filter(pk=resident.pk).update(
        id_number_ciphertext=sealed_id.ciphertext,
        id_number_digest=sealed_id.digest,
        id_number_masked=sealed_id.masked,
        phone_ciphertext=sealed_phone.ciphertext,
        phone_digest=sealed_phone.digest,
        phone_masked=sealed_phone.masked,
    )
    add_household(community, building="2号楼", room="201", people=[("李演示", [])])
    add_visit(alone, world.user("community_worker"), planned_on=TODAY, purpose="看望独居老人")
    add_household(world.org("community_sibling"), people=[("王演示", ["disability"])])
    add_household(world.org("community_other"), people=[("赵演示", ["aged-80-plus"])])
    return world


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def part(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(table|section|ul|nav|p)>', page, re.S)
    assert match, testid
    return match.group(1)


@pytest.mark.parametrize("person", ["community_secretary", "community_worker"])
def test_community_staff_land_on_their_communitys_glance(registry: World, person: str) -> None:
    response = signed_in(registry.user(person)).get("/residents/")
    page = html(response)
    assert "商邱路社区" in page
    assert 'data-testid="households">2<' in page
    assert 'data-testid="residents">2<' in page
    assert "看望独居老人" in part(page, "todays-visits")
    assert "郑州路社区" not in page and "伊春路社区" not in page
    assert "no-store" in response["Cache-Control"]


def test_the_glance_shows_the_first_building_and_opens_another(registry: World) -> None:
    client = signed_in(registry.user("community_worker"))
    page = html(client.get("/residents/communities/370203031001/"))
    grid = part(page, "building-grid")
    assert "1号楼" in grid and 'data-testid="room-101"' in grid
    assert 'data-tag="elderly-alone"' in grid
    assert "/residents/visits/?community=370203031001&amp;household=" in grid
    second = re.search(r'<option value="(\d+)"[^>]*>2号楼', page)
    assert second
    page = html(client.get(f"/residents/communities/370203031001/?building={second.group(1)}"))
    grid = part(page, "building-grid")
    assert 'data-testid="room-201"' in grid and 'data-testid="room-101"' not in grid


def test_a_building_that_is_not_the_communitys_answers_404(registry: World) -> None:
    client = signed_in(registry.user("community_worker"))
    other = registry.org("community_other").buildings.get()
    assert (
        client.get(f"/residents/communities/370203031001/?building={other.pk}").status_code == 404
    )
    assert client.get("/residents/communities/370203031001/?building=x").status_code == 404


def test_the_glance_never_shows_a_full_id_number_or_phone(registry: World) -> None:
    for person in ["community_secretary", "subdistrict_officer"]:
        page = html(signed_in(registry.user(person)).get("/residents/communities/370203031001/"))
        assert FULL_ID not in page and FULL_PHONE not in page
        assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", page)


def test_a_subdistrict_officer_sees_the_roll_up_of_its_communities(registry: World) -> None:
    response = signed_in(registry.user("subdistrict_officer")).get("/residents/")
    page = html(response)
    assert "no-store" in response["Cache-Control"]
    assert 'href="/residents/communities/370203031001/"' in page
    assert 'href="/residents/communities/370203031002/"' in page
    assert "370203014001" not in page and "伊春路社区" not in page
    row = part(page, "rollup")
    assert re.search(r'data-testid="community-370203031002".*?data-tag="disability">1<', row, re.S)
    assert "张演示" not in page, "the roll-up shows counts, not people"


def test_a_subdistrict_officer_opens_each_of_its_communities_and_no_other(registry: World) -> None:
    client = signed_in(registry.user("subdistrict_officer"))
    page = html(client.get("/residents/communities/370203031002/"))
    assert "郑州路社区" in page
    assert "/residents/visits/?" not in page, "an officer is not offered to plan visits"
    assert client.get("/residents/communities/370203014001/").status_code == 404


@pytest.mark.parametrize("person", ["office_officer", "office_admin", "inspector", "auditor"])
def test_the_office_supervision_and_audit_see_the_districts_counts_without_people(
    registry: World, person: str
) -> None:
    response = signed_in(registry.user(person)).get("/residents/")
    page = html(response)
    district = part(page, "district")
    assert "洛阳路街道" in district and "敦化路街道" in district
    assert 'data-testid="district-total"' in page
    assert re.search(r'data-testid="district-total">.*?<th>4</th>', page, re.S)
    for name in ["张演示", "李演示", "王演示", "赵演示", "商邱路社区", "1号楼"]:
        assert name not in page
    assert 'href="/residents/rates/"' in page or "rates-link" in page
    assert (
        signed_in(registry.user(person)).get("/residents/communities/370203031001/").status_code
        == 404
    )


@pytest.mark.parametrize(
    "person", ["no_role", "department_clerk", "committee_member", "social_org_staff"]
)
def test_people_without_a_residents_role_get_404(registry: World, person: str) -> None:
    client = signed_in(registry.user(person))
    assert client.get("/residents/").status_code == 404
    assert client.get("/residents/communities/370203031001/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(registry: World) -> None:
    response = Client().get("/residents/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_communitys_secretary_sees_only_their_own(registry: World) -> None:
    client = signed_in(registry.user("community_secretary_other"))
    page = html(client.get("/residents/"))
    assert "伊春路社区" in page and "商邱路社区" not in page
    assert client.get("/residents/communities/370203031001/").status_code == 404


def test_the_hub_links_to_the_other_residents_pages(registry: World) -> None:
    staff = part(
        html(signed_in(registry.user("community_worker")).get("/residents/")), "residents-links"
    )
    for path in [
        "/residents/people/",
        "/residents/import/",
        "/residents/matters/",
        "/residents/matters/new/",
        "/residents/rates/",
        "/residents/disputes/",
        "/residents/activities/",
        "/residents/programmes/",
        "/residents/volunteers/",
        "/residents/visits/",
    ]:
        assert f'href="{path}"' in staff, path
    officer = part(
        html(signed_in(registry.user("subdistrict_officer")).get("/residents/")), "residents-links"
    )
    assert 'href="/residents/matters/"' in officer
    assert 'href="/residents/import/"' not in officer
    assert 'href="/residents/matters/new/"' not in officer


@pytest.mark.parametrize(
    ("person", "shown"),
    [
        ("community_worker", True),
        ("subdistrict_officer", True),
        ("office_officer", True),
        ("inspector", True),
        ("auditor", True),
        ("department_clerk", False),
        ("no_role", False),
        ("anonymous", False),
    ],
)
def test_the_navigation_offers_the_residents_entry_to_who_may_use_it(
    registry: World, person: str, shown: bool
) -> None:
    page = html(signed_in(registry.users.get(person)).get("/"))
    assert ('data-testid="nav-residents"' in page) is shown


def more_households(world: World, start: int, count: int) -> None:
    worker = world.user("community_worker")
    for n in range(start, start + count):
        household = add_household(
            world.org("community"),
            building="1号楼",
            unit=f"{n % 3 + 1}单元",
            room=f"{n // 3 + 3}0{n % 3 + 1}",
            people=[(f"居民{n}", ["aged-80-plus"] if n % 3 == 0 else []), (f"家属{n}", [])],
        )
        if n % 4 == 0:
            add_visit(household, worker, planned_on=TODAY)


@pytest.mark.parametrize(
    ("path", "person"),
    [
        ("/residents/", "community_worker"),
        ("/residents/communities/370203031001/", "subdistrict_officer"),
        ("/residents/", "subdistrict_officer"),
        ("/residents/", "auditor"),
    ],
)
def test_the_pages_cost_the_same_queries_for_5_households_as_for_50(
    registry: World, django_assert_max_num_queries: Any, path: str, person: str
) -> None:
    client = signed_in(registry.user(person))
    counts = []
    for start, count in [(0, 3), (3, 48)]:
        more_households(registry, start, count)
        with django_assert_max_num_queries(16) as captured:
            html(client.get(path))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{counts[0]} queries for 5 households, {counts[1]} for 50"


def test_a_nul_in_the_community_code_is_a_400_not_a_500(registry: World) -> None:
    # Refused at the edge of the request (core.inputs), naming the path.
    client = signed_in(registry.user("community_secretary"))
    assert client.get("/residents/communities/%00/").status_code == 400
    assert client.get("/residents/communities/370203031001%00/").status_code == 400


def test_a_double_submitted_visit_plan_plans_one_visit(registry: World) -> None:
    from communitygate.registry.models import Visit

    household = add_household(registry.org("community"), building="3号楼", room="502")
    client = signed_in(registry.user("community_worker"))
    page = html(client.get(f"/residents/visits/?household={household.pk}"))
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token, "the plan form carries a one-time token"
    data = {
        "community": "370203031001",
        "household": household.pk,
        "planned_on": "2026-11-24",
        "purpose": "入户走访",
        "form_token": token.group(1),
    }
    first, second = (client.post("/residents/visits/", data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Visit.objects.filter(household=household).count() == 1
