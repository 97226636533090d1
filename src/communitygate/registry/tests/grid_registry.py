"""The permission grid's rows for the residents' registry pages and API (see web/tests/grid.py).

Seeded: in 370203031001 a household with 网格居民 (ID number, phone, registered residence, a
care tag; a volunteer) and 网格邻居 (not a volunteer); one resident in 370203014001 (the other
subdistrict) and one in the sibling 370203031002 (entered by a secretary made for it, who is
not one of the grid's people). A community's staff see their own residents only, a subdistrict
officer those of its communities; only the community's secretary may reveal a full number."""

import datetime as dt
import random
from typing import Any

from django.contrib.auth.models import User

from communitygate.accounts.services import membership_grant
from communitygate.audit.models import AuditEvent
from communitygate.core.idnumbers import generate_id_number
from communitygate.orgs.models import Organisation
from communitygate.registry.models import Resident, Volunteer, VolunteerService
from communitygate.registry.services.registry import (
    ResidentFields,
    household_add,
    resident_add,
    volunteer_register,
)
from communitygate.testing import PASSWORD, World
from communitygate.web.tests.grid import (
    API_SIGNED_IN,
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

STAFF = ("community_secretary", "community_worker")  # of 370203031001
SEES = (*STAFF, "subdistrict_officer")
OTHER_SIDE = ("community_secretary_other", "subdistrict_officer_other")  # 370203014…
HAS_A_REGISTRY = (*SEES, *OTHER_SIDE)
EVERY_COMMUNITY_STAFF = (*STAFF, "community_secretary_other")


def registry_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome], api: bool = False
) -> dict[str, Outcome]:
    """Signed-out people sign in (401 from the API); whoever cannot see it gets 404; whoever
    can gets `seen`; then each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED if api else SIGN_IN), (sees, seen), *cells)


def id_number(seed: int, *, sex: str = "male", birth: dt.date = dt.date(1950, 3, 8)) -> str:
    return generate_id_number(random.Random(seed), region="370203", birth_date=birth, sex=sex)


def sibling_secretary(world: World) -> User:
    """A secretary for 370203031002 (the World has none), to enter its residents."""
    user, created = User.objects.get_or_create(username="registry_sibling_secretary")
    if created:
        user.set_password(PASSWORD)
        user.save()
        membership_grant(
            actor=None,
            user=user,
            organisation=world.org("community_sibling"),
            role="secretary",
            active_from=dt.date(2020, 1, 1),
        )
    return user


def person_in(
    actor: Any, community: Organisation, name: str, number: str, *, room: str = "101"
) -> Resident:
    household = household_add(
        actor=actor,
        community=community,
        estate="网格小区",
        building="1号楼",
        unit="1单元",
        room=room,
        kind="resident",
        moved_in_on=dt.date(2020, 1, 1),
    )
    return resident_add(
        actor=actor,
        household=household,
        fields=ResidentFields(
            name=name,
            sex="",
            birth_date=None,
            id_number=number,
            phone="13912345678",
            relation="head",
            population_kind="registered",
            registered_address="山东省青岛市市北区网格路1号",
            moved_in_on=dt.date(2020, 1, 1),
            tag_codes=("elderly-alone",),
        ),
    )


def seed(world: World) -> dict[str, Any]:
    secretary = world.user("community_secretary")
    resident = person_in(secretary, world.org("community"), "网格居民", id_number(1))
    neighbour = resident_add(
        actor=secretary,
        household=resident.household,
        fields=ResidentFields(
            name="网格邻居", sex="female", birth_date=dt.date(1952, 4, 1), relation="spouse"
        ),
    )
    volunteer = volunteer_register(actor=secretary, resident=resident, skills="理发")
    other = person_in(
        world.user("community_secretary_other"),
        world.org("community_other"),
        "外社区居民",
        id_number(2),
    )
    sibling = person_in(
        sibling_secretary(world), world.org("community_sibling"), "邻社区居民", id_number(3)
    )
    return {
        "registry_resident": resident.pk,
        "registry_neighbour": neighbour.pk,
        "registry_household": resident.household_id,
        "registry_volunteer": volunteer.pk,
        "registry_resident_other": other.pk,
        "registry_resident_sibling": sibling.pk,
        "registry_household_other": other.household_id,
    }


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def new_resident_form(seed: Any) -> dict[str, Any]:
    return {
        "household": "",
        "community": "370203031001",
        "estate": "网格小区",
        "building": "2号楼",
        "unit": "1单元",
        "room": "201",
        "household_kind": "resident",
        "name": "网格新居民",
        "sex": "",
        "birth_date": "",
        "id_number": id_number(4, sex="female", birth=dt.date(1980, 1, 2)),
        "phone": "",
        "relation": "head",
        "population_kind": "registered",
        "registered_address": "",
        "moved_in_on": "2024-05-01",
    }


def edit_form(seed: Any) -> dict[str, Any]:
    return {
        "name": "网格居民（改）",
        "sex": "",
        "birth_date": "",
        "id_number": "",
        "phone": "",
        "relation": "head",
        "population_kind": "registered",
        "registered_address": "",
        "moved_in_on": "2020-01-01",
        "tags": ["elderly-alone", "aged-80-plus"],
    }


def resident_record(seed: Any) -> object:
    """A reveal changes nothing in the record (its trace is the audit event, tested apart)."""
    return tuple(
        Resident.objects.filter(pk=seed.extra["registry_resident"]).values_list(
            "name", "id_number_ciphertext", "phone_ciphertext", "moved_out_on", "updated_at"
        )
    )


PEOPLE = "/residents/people/"
RESIDENT = "/residents/people/{registry_resident}/"

PART = GridPart(
    seed=seed,
    matrix={
        ("GET", PEOPLE): registry_row(HAS_A_REGISTRY, PAGE),
        ("POST", PEOPLE): registry_row(HAS_A_REGISTRY, PAGE),  # the exact-number search
        ("GET", PEOPLE + "export.xlsx"): registry_row(HAS_A_REGISTRY, PAGE),
        ("GET", PEOPLE + "new/"): registry_row(EVERY_COMMUNITY_STAFF, PAGE),
        ("POST", PEOPLE + "new/"): registry_row(
            EVERY_COMMUNITY_STAFF, PAGE, (STAFF, REDIRECT)
        ),  # another community's secretary cannot choose 370203031001: the form again
        ("GET", RESIDENT): registry_row(SEES, PAGE),
        ("GET", "/residents/people/{registry_resident_other}/"): registry_row(OTHER_SIDE, PAGE),
        ("GET", "/residents/people/{registry_resident_sibling}/"): registry_row(
            ("subdistrict_officer",), PAGE
        ),
        ("POST", RESIDENT + "reveal/"): registry_row(
            SEES, FORBIDDEN, (("community_secretary",), PAGE)
        ),
        ("GET", RESIDENT + "edit/"): registry_row(SEES, FORBIDDEN, (STAFF, PAGE)),
        ("POST", RESIDENT + "edit/"): registry_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("POST", RESIDENT + "move-out/"): registry_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("POST", "/residents/people/{registry_neighbour}/volunteer/"): registry_row(
            SEES, FORBIDDEN, (STAFF, REDIRECT)
        ),
        ("GET", "/residents/households/{registry_household}/"): registry_row(SEES, PAGE),
        ("GET", "/residents/households/{registry_household_other}/"): registry_row(
            OTHER_SIDE, PAGE
        ),
        ("GET", "/residents/volunteers/"): registry_row(HAS_A_REGISTRY, PAGE),
        ("POST", "/residents/volunteers/{registry_volunteer}/hours/"): registry_row(
            SEES, FORBIDDEN, (STAFF, REDIRECT)
        ),
        ("GET", "/api/v1/residents"): API_SIGNED_IN,
        # The exact search by number: the number in the body, never in the URL. It changes
        # nothing but leaves a `resident.search` event (like an export); someone who sees no
        # registry has nothing to search (404).
        ("POST", "/api/v1/residents/search"): registry_row(HAS_A_REGISTRY, PAGE, api=True),
        ("GET", "/api/v1/residents/{registry_resident}"): registry_row(SEES, PAGE, api=True),
        ("GET", "/api/v1/residents/{registry_resident_other}"): registry_row(
            OTHER_SIDE, PAGE, api=True
        ),
        ("GET", "/api/v1/residents/{registry_resident_sibling}"): registry_row(
            ("subdistrict_officer",), PAGE, api=True
        ),
        ("GET", "/api/v1/households"): API_SIGNED_IN,
        ("GET", "/api/v1/households/{registry_household}"): registry_row(SEES, PAGE, api=True),
        ("GET", "/api/v1/households/{registry_household_other}"): registry_row(
            OTHER_SIDE, PAGE, api=True
        ),
    },
    payloads={
        ("POST", PEOPLE): lambda seed: {"id_number": id_number(1)},
        ("POST", "/api/v1/residents/search"): lambda seed: {"id_number": id_number(1)},
        ("POST", PEOPLE + "new/"): new_resident_form,
        ("POST", RESIDENT + "reveal/"): lambda seed: {"field": "id_number"},
        ("POST", RESIDENT + "edit/"): edit_form,
        ("POST", RESIDENT + "move-out/"): lambda seed: {"on": "2025-06-01", "confirmed": "yes"},
        ("POST", "/residents/people/{registry_neighbour}/volunteer/"): lambda seed: {
            "skills": "修理"
        },
        ("POST", "/residents/volunteers/{registry_volunteer}/hours/"): lambda seed: {
            "served_on": "2025-06-01",
            "hours": "2.5",
            "what": "网格服务",
        },
    },
    effects={
        # A search changes no resident (the page's number search is recorded, tested apart).
        ("POST", PEOPLE): lambda seed: Resident.objects.count(),
        # The API's search answers 200 like any allowed API write; what it leaves is its event.
        ("POST", "/api/v1/residents/search"): lambda seed: (
            Resident.objects.count(),
            events("resident.search"),
        ),
        ("POST", PEOPLE + "new/"): lambda seed: (Resident.objects.count(), events("resident.add")),
        ("POST", RESIDENT + "reveal/"): resident_record,
        ("POST", RESIDENT + "edit/"): lambda seed: (
            Resident.objects.get(pk=seed.extra["registry_resident"]).name,
            events("resident.update"),
        ),
        ("POST", RESIDENT + "move-out/"): lambda seed: (
            Resident.objects.get(pk=seed.extra["registry_resident"]).moved_out_on,
            events("resident.move_out"),
        ),
        ("POST", "/residents/people/{registry_neighbour}/volunteer/"): lambda seed: (
            Volunteer.objects.count(),
            events("volunteer.register"),
        ),
        ("POST", "/residents/volunteers/{registry_volunteer}/hours/"): lambda seed: (
            VolunteerService.objects.count(),
            events("volunteer.hours"),
        ),
    },
)
