"""Reads of the registry (居民档案), always through the person's scope (`residents.permissions`).

A search by ID number or phone normalises what was typed and compares blind indexes: an exact
match, with no plaintext stored or compared. A name search matches part of the name, within the
scope only.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from communitygate.accounts.permissions import overseen_subdistrict_paths, staffed_community_ids
from communitygate.core.errors import NotFound
from communitygate.core.idnumbers import id_number_digest, mask_id_number, normalise_id_number
from communitygate.core.logmask import mask_personal_data
from communitygate.core.people import AnyUser
from communitygate.core.phones import mask_phone, normalise_phone, phone_digest
from communitygate.orgs.models import Organisation
from communitygate.registry.models import CareTag, Household, Resident, Volunteer
from communitygate.registry.permissions import access_scoped, communities_visible_to, visible_to

RESIDENT_RELATED = (
    "community",
    "household",
    "household__room",
    "household__room__unit",
    "household__room__unit__building",
)


@dataclass(frozen=True)
class ResidentFilters:
    """The filters of the residents' list, its export and the API (as typed by the person)."""

    query: str = ""
    tag: str = ""
    id_number: str = ""
    phone: str = ""
    community: str = ""
    include_moved_out: bool = False

    @property
    def by_number(self) -> bool:
        """An exact search by ID number or phone (recorded; never in a URL)."""
        return bool(self.id_number.strip() or self.phone.strip())

    def as_audit(self) -> dict[str, object]:
        """The filters as the audit log may hold them: numbers searched for are masked, and so
        is anything shaped like an ID number or a mobile in the text typed elsewhere (a number
        typed into the name box is still a number)."""
        return {
            "query": mask_personal_data(self.query),
            "tag": mask_personal_data(self.tag),
            "id_number": mask_id_number(self.id_number.strip()) if self.id_number.strip() else "",
            "phone": mask_phone(self.phone.strip()) if self.phone.strip() else "",
            "community": mask_personal_data(self.community),
            "include_moved_out": self.include_moved_out,
        }


@dataclass(frozen=True)
class Born:
    """What pages, the API and the export show of a birth date: the year and the age.

    A masked ID number (370203********123X) hides exactly the birth date, so a full birth date
    beside it gives the whole number back. Only the secretary's reveal shows the full number
    (and so the date)."""

    year: int
    age: int


def born(birth_date: dt.date | None, today: dt.date) -> Born | None:
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return Born(year=birth_date.year, age=today.year - birth_date.year - before_birthday)


def registry_organisation(user: AnyUser, community: str = "") -> Organisation:
    """What a search or export of the registry is of, for its audit event: the chosen community
    (when the person sees it), else the person's own community, else the (first) subdistrict
    they oversee; NotFound for someone who sees no registry."""
    if community:
        chosen = communities_visible_to(user).filter(code=community).first()
        if chosen is not None:
            return chosen
    own = staffed_community_ids(user)
    if own:
        return Organisation.objects.get(pk=own[0])
    paths = overseen_subdistrict_paths(user)
    if paths:
        return Organisation.objects.get(path=paths[0])
    raise NotFound("居民档案", "residents' registry")


def residents_search(
    user: AnyUser,
    *,
    query: str = "",
    tag: str = "",
    id_number: str = "",
    phone: str = "",
    community: str = "",
    include_moved_out: bool = False,
) -> QuerySet[Resident]:
    """The residents the person may see, narrowed by name (part of it), care tag, community
    code, and the exact ID number or phone (InvalidIdNumber / InvalidPhone when what was typed
    cannot be one). Current residents only unless `include_moved_out`."""
    residents = visible_to(user, Resident.objects.all())
    if not include_moved_out:
        residents = residents.filter(moved_out_on__isnull=True)
    if query.strip():
        residents = residents.filter(name__icontains=query.strip())
    if tag.strip():
        residents = residents.filter(tags__code=tag.strip())
    if community.strip():
        residents = residents.filter(community__code=community.strip())
    if id_number.strip():
        digest = id_number_digest(normalise_id_number(id_number))
        residents = residents.filter(id_number_digest=digest)
    if phone.strip():
        digest = phone_digest(normalise_phone(phone))
        residents = residents.filter(phone_digest=digest)
    return residents


def residents_filtered(user: AnyUser, filters: ResidentFilters) -> QuerySet[Resident]:
    """`residents_search` with the list's joins and order: one query for a page of rows and
    one for their tags."""
    return (
        residents_search(
            user,
            query=filters.query,
            tag=filters.tag,
            id_number=filters.id_number,
            phone=filters.phone,
            community=filters.community,
            include_moved_out=filters.include_moved_out,
        )
        .select_related(*RESIDENT_RELATED)
        .prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("position", "code")))
        .order_by("community__code", "household_id", "pk")
    )


def resident_get(user: AnyUser, resident_id: int) -> Resident:
    return access_scoped(
        user,
        Resident.objects.select_related(*RESIDENT_RELATED).prefetch_related("tags"),
        resident_id,
        "居民",
        "resident",
    )


def household_get(user: AnyUser, household_id: int) -> Household:
    return access_scoped(
        user,
        Household.objects.select_related("community", "room", "room__unit", "room__unit__building"),
        household_id,
        "住户",
        "household",
    )


def household_residents(household: Household) -> QuerySet[Resident]:
    """Everyone of the household, current residents first."""
    return (
        Resident.objects.filter(household=household)
        .prefetch_related(Prefetch("tags", queryset=CareTag.objects.order_by("position", "code")))
        .order_by(F("moved_out_on").desc(nulls_first=True), "pk")
    )


def households_list(user: AnyUser, *, community: str = "") -> QuerySet[Household]:
    """The households the person may see, with how many current residents each has."""
    households = visible_to(user, Household.objects.all())
    if community.strip():
        households = households.filter(community__code=community.strip())
    return (
        households.select_related("community", "room", "room__unit", "room__unit__building")
        .annotate(
            current_residents=Count("residents", filter=Q(residents__moved_out_on__isnull=True))
        )
        .order_by("community__code", "pk")
    )


HOURS = DecimalField(max_digits=9, decimal_places=1)


def volunteers_list(user: AnyUser, *, community: str = "") -> QuerySet[Volunteer]:
    """The volunteers the person may see, each with `total_hours` (one aggregate query)."""
    volunteers = visible_to(user, Volunteer.objects.all())
    if community.strip():
        volunteers = volunteers.filter(community__code=community.strip())
    return (
        volunteers.select_related("resident", "community")
        .annotate(
            total_hours=Coalesce(Sum("services__hours"), Value(Decimal(0)), output_field=HOURS)
        )
        .order_by("community__code", "-active", "resident__name", "pk")
    )


def volunteer_get(user: AnyUser, volunteer_id: int) -> Volunteer:
    return access_scoped(
        user,
        Volunteer.objects.select_related("resident", "community"),
        volunteer_id,
        "志愿者",
        "volunteer",
    )


def volunteer_of(resident: Resident) -> Volunteer | None:
    """The resident's volunteer record with `total_hours`, if they volunteer."""
    return (
        Volunteer.objects.filter(resident=resident)
        .annotate(
            total_hours=Coalesce(Sum("services__hours"), Value(Decimal(0)), output_field=HOURS)
        )
        .first()
    )


def care_tags_active() -> QuerySet[CareTag]:
    return CareTag.objects.filter(active=True).order_by("position", "code")
