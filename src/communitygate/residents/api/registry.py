"""Registry API: residents and households, scoped to the caller and masked. A full number is
never in an answer (the reveal is a page, for the community's secretary only); every answer
carries `Cache-Control: no-store`."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Query, Router, Schema

from communitygate.core.inputs import Offset, Text
from communitygate.core.paging import page_bounds
from communitygate.residents.models import Household, Resident
from communitygate.residents.selectors.registry import (
    ResidentFilters,
    household_get,
    household_residents,
    households_list,
    resident_get,
    residents_filtered,
)

router = Router(tags=["residents"])


class ResidentOut(Schema):
    id: int
    community: str
    household: int
    name: str
    sex: str
    birth_date: dt.date | None
    relation: str
    population_kind: str
    id_number_masked: str
    phone_masked: str
    registered_address_masked: str
    moved_in_on: dt.date | None
    moved_out_on: dt.date | None
    tags: list[str]


class ResidentPage(Schema):
    count: int
    items: list[ResidentOut]


class ResidentQuery(Schema):
    q: Text | None = None
    tag: Text | None = None
    id_number: Text | None = None
    phone: Text | None = None
    community: Text | None = None
    include_moved_out: bool = False
    limit: int = 50
    offset: Offset = 0


class HouseholdOut(Schema):
    id: int
    community: str
    estate: str
    building: str
    unit: str
    room: str
    kind: str
    moved_in_on: dt.date | None
    moved_out_on: dt.date | None
    current_residents: int


class HouseholdPage(Schema):
    count: int
    items: list[HouseholdOut]


class HouseholdDetailOut(HouseholdOut):
    residents: list[ResidentOut]


class HouseholdQuery(Schema):
    community: Text | None = None
    limit: int = 50
    offset: Offset = 0


def resident_out(resident: Resident, community_code: str) -> ResidentOut:
    return ResidentOut(
        id=resident.pk,
        community=community_code,
        household=resident.household_id,
        name=resident.name,
        sex=resident.sex,
        birth_date=resident.birth_date,
        relation=resident.relation,
        population_kind=resident.population_kind,
        id_number_masked=resident.id_number_masked,
        phone_masked=resident.phone_masked,
        registered_address_masked=resident.registered_address_masked,
        moved_in_on=resident.moved_in_on,
        moved_out_on=resident.moved_out_on,
        tags=[tag.code for tag in resident.tags.all()],
    )


def household_fields(household: Household, current_residents: int) -> dict[str, Any]:
    room = household.room
    return {
        "id": household.pk,
        "community": household.community.code,
        "estate": room.unit.building.estate,
        "building": room.unit.building.name,
        "unit": room.unit.name,
        "room": room.number,
        "kind": household.kind,
        "moved_in_on": household.moved_in_on,
        "moved_out_on": household.moved_out_on,
        "current_residents": current_residents,
    }


@router.get("/residents", response=ResidentPage)
def list_residents(
    request: HttpRequest, response: HttpResponse, query: Query[ResidentQuery]
) -> ResidentPage:
    """The residents the caller may see (their community's, or their subdistrict's
    communities'), masked. `id_number` and `phone` match exactly; `q` matches part of a name."""
    add_never_cache_headers(response)
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    filters = ResidentFilters(
        query=query.q or "",
        tag=query.tag or "",
        id_number=query.id_number or "",
        phone=query.phone or "",
        community=query.community or "",
        include_moved_out=query.include_moved_out,
    )
    residents = residents_filtered(request.user, filters)
    return ResidentPage(
        count=residents.count(),
        items=[resident_out(r, r.community.code) for r in residents[offset : offset + limit]],
    )


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, response: HttpResponse, resident_id: int) -> ResidentOut:
    add_never_cache_headers(response)
    resident = resident_get(request.user, resident_id)
    return resident_out(resident, resident.community.code)


@router.get("/households", response=HouseholdPage)
def list_households(
    request: HttpRequest, response: HttpResponse, query: Query[HouseholdQuery]
) -> HouseholdPage:
    add_never_cache_headers(response)
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    households = households_list(request.user, community=query.community or "")
    return HouseholdPage(
        count=households.count(),
        items=[
            HouseholdOut(**household_fields(h, h.current_residents))  # type: ignore[attr-defined]
            for h in households[offset : offset + limit]
        ],
    )


@router.get("/households/{household_id}", response=HouseholdDetailOut)
def get_household(
    request: HttpRequest, response: HttpResponse, household_id: int
) -> HouseholdDetailOut:
    """A household with everyone in it (those who moved out too), masked."""
    add_never_cache_headers(response)
    household = household_get(request.user, household_id)
    residents = list(household_residents(household))
    current = sum(1 for r in residents if r.moved_out_on is None)
    return HouseholdDetailOut(
        **household_fields(household, current),
        residents=[resident_out(r, household.community.code) for r in residents],
    )
