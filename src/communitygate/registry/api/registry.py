"""Registry API: residents and households, scoped to the caller and masked. A full number is
never in an answer (the reveal is a page, for the community's secretary only); every answer
carries `Cache-Control: no-store` (`http.nostore`).

- A resident's birth date is given as `birth_year` and `age`, never in full: the masked ID
  number (370203********123X) hides exactly the birth date, so the two together would be the
  whole number.
- A full ID number or phone is never taken in a URL (server logs, proxies, history keep URLs):
  the exact search is `POST /residents/search` with the number in the body, and
  `GET /residents` answers 422 to `id_number` or `phone` in its query. Each number search is
  recorded in the audit log (`resident.search`, the number masked), like an export."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.core.inputs import Offset, PhoneText, capped
from communitygate.core.paging import page_bounds
from communitygate.orgs.inputs import OrgCode
from communitygate.registry.models import CareTag, Household, Resident
from communitygate.registry.selectors.registry import (
    ResidentFilters,
    born,
    household_get,
    household_residents,
    households_list,
    resident_get,
    residents_filtered,
)
from communitygate.registry.services.registry import residents_number_search

# 18 characters, with room for the spaces people type between groups.
ID_NUMBER_MAX_LENGTH = 24

router = Router(tags=["residents"])
NUMBER_PARAMETERS = ("id_number", "phone")


class NumberInQuery(RuleBroken):
    """A full ID number or phone sent as a query parameter: it would be in the URL."""

    code = "number_in_query"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "身份证号码和电话号码不能放在网址（查询参数）中：请改用 POST /api/v1/residents/search，"
            "在请求正文中发送 id_number 或 phone。",
            "ID numbers and phones are not taken as query parameters (the URL is kept in logs "
            "and history): send id_number or phone in the body of POST "
            "/api/v1/residents/search instead.",
        )


class ResidentOut(Schema):
    id: int
    community: str
    household: int
    name: str
    sex: str
    birth_year: int | None = Field(
        description="The year of birth. The full birth date is not given: the masked ID number "
        "hides exactly it (only the community's secretary sees a full number, on the reveal page)."
    )
    age: int | None = Field(description="The age in whole years today.")
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
    q: str | None = Field(None, max_length=100)
    tag: str | None = capped(CareTag, "code", None)
    community: OrgCode | None = None
    include_moved_out: bool = False
    limit: int = 50
    offset: Offset = 0


class ResidentSearchIn(Schema):
    id_number: str | None = Field(
        None, max_length=ID_NUMBER_MAX_LENGTH, description="The full ID number (exact match)."
    )
    phone: PhoneText | None = Field(None, description="The full phone number (exact match).")
    q: str | None = Field(None, max_length=100)
    tag: str | None = capped(CareTag, "code", None)
    community: OrgCode | None = None
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
    community: OrgCode | None = None
    limit: int = 50
    offset: Offset = 0


def resident_out(resident: Resident, community_code: str) -> ResidentOut:
    birth = born(resident.birth_date, clock.today())
    return ResidentOut(
        id=resident.pk,
        community=community_code,
        household=resident.household_id,
        name=resident.name,
        sex=resident.sex,
        birth_year=birth.year if birth else None,
        age=birth.age if birth else None,
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
def list_residents(request: HttpRequest, query: Query[ResidentQuery]) -> ResidentPage:
    """The residents the caller may see (their community's, or their subdistrict's
    communities'), masked. `q` matches part of a name. To find someone by ID number or phone,
    use `POST /residents/search`: `id_number` or `phone` here answers 422 (a number in a URL
    is kept in logs and history)."""
    if any(name in request.GET for name in NUMBER_PARAMETERS):
        raise NumberInQuery()
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    filters = ResidentFilters(
        query=query.q or "",
        tag=query.tag or "",
        community=query.community or "",
        include_moved_out=query.include_moved_out,
    )
    residents = residents_filtered(request.user, filters)
    return ResidentPage(
        count=residents.count(),
        items=[resident_out(r, r.community.code) for r in residents[offset : offset + limit]],
    )


@router.post("/residents/search", response=ResidentPage)
def search_residents(request: HttpRequest, payload: ResidentSearchIn) -> ResidentPage:
    """Find residents by their exact ID number and/or phone, sent in the body (never in the
    URL), within the caller's scope; the other filters narrow as on `GET /residents`. It
    changes nothing, and is recorded in the audit log (`resident.search`: the numbers masked,
    the number of matches). 422 for a number that cannot be one, or when neither is given;
    404 for a caller who sees no registry."""
    limit, offset = page_bounds(
        payload.limit, payload.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"]
    )
    filters = ResidentFilters(
        query=payload.q or "",
        tag=payload.tag or "",
        id_number=payload.id_number or "",
        phone=payload.phone or "",
        community=payload.community or "",
        include_moved_out=payload.include_moved_out,
    )
    residents, count = residents_number_search(actor=request.user, filters=filters)
    return ResidentPage(
        count=count,
        items=[resident_out(r, r.community.code) for r in residents[offset : offset + limit]],
    )


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int) -> ResidentOut:
    resident = resident_get(request.user, resident_id)
    return resident_out(resident, resident.community.code)


@router.get("/households", response=HouseholdPage)
def list_households(request: HttpRequest, query: Query[HouseholdQuery]) -> HouseholdPage:
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
def get_household(request: HttpRequest, household_id: int) -> HouseholdDetailOut:
    """A household with everyone in it (those who moved out too), masked."""
    household = household_get(request.user, household_id)
    residents = list(household_residents(household))
    current = sum(1 for r in residents if r.moved_out_on is None)
    return HouseholdDetailOut(
        **household_fields(household, current),
        residents=[resident_out(r, household.community.code) for r in residents],
    )
