"""Reads of the organisation tree. Organisations are public facts: no scoping needed to read them."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.errors import NotFound
from communitygate.orgs.models import Organisation, OrganisationKinds


def organisation_list(
    *, kind: str | None = None, parent_code: str | None = None, q: str | None = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("parent")
    if kind:
        organisations = organisations.filter(kind=kind)
    if parent_code:
        organisations = organisations.filter(parent__code=parent_code)
    if q:
        organisations = organisations.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__startswith=q)
        )
    return organisations.order_by("path")


def organisation_get(code: str) -> Organisation:
    try:
        return Organisation.objects.select_related("parent").get(code=code)
    except Organisation.DoesNotExist:
        raise NotFound("组织机构", "organisation") from None


def organisation_of_kind(code: str, kind: str) -> Organisation:
    """The organisation with `code` if it is of `kind` (a community, a department…); NotFound,
    named after the kind, for any other code."""
    organisation = Organisation.objects.filter(code=code, kind=kind).first()
    if organisation is None:
        label = OrganisationKinds(kind).label
        raise NotFound(*in_chinese_and_english(lambda: str(label)))
    return organisation


def organisation_descendants(organisation: Organisation) -> QuerySet[Organisation]:
    """Every organisation below this one, at any depth (one indexed prefix query)."""
    return Organisation.objects.filter(path__startswith=f"{organisation.path}/")


def organisations_of_kind(kind: OrganisationKinds) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=kind).order_by("path")


def catalog_owners() -> QuerySet[Organisation]:
    """Organisations that may own catalog items: departments and the committee office."""
    return Organisation.objects.filter(
        kind__in=[OrganisationKinds.DEPARTMENT, OrganisationKinds.COMMITTEE_OFFICE]
    ).order_by("kind", "code")


def active_communities(day: dt.date) -> QuerySet[Organisation]:
    """Communities in existence on `day` (an ended or not yet started community gets no work)."""
    return Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=day),
        Q(active_to__isnull=True) | Q(active_to__gte=day),
    )


def community_staff(community: Organisation) -> int:
    """A community's staff: its record's count, else the district's default (settings
    COMMUNITYGATE["COMMUNITY_STAFF_DEFAULT"]: 5, the lower of the article's 5–6)."""
    if community.staff_count is not None:
        return community.staff_count
    return int(settings.COMMUNITYGATE["COMMUNITY_STAFF_DEFAULT"])


def staff_hours_per_year() -> Decimal:
    """One staff member's working hours a year (settings COMMUNITYGATE["STAFF_HOURS_PER_YEAR"]:
    248 working days × 8 hours = 1,984)."""
    return Decimal(str(settings.COMMUNITYGATE["STAFF_HOURS_PER_YEAR"]))


@dataclass(frozen=True)
class TreeCommunity:
    code: str
    name: str


@dataclass(frozen=True)
class TreeSubdistrict:
    code: str
    name: str
    communities: tuple[TreeCommunity, ...]


@dataclass(frozen=True)
class TreeDistrict:
    code: str
    name: str
    subdistricts: tuple[TreeSubdistrict, ...]


def community_tree(day: dt.date) -> tuple[TreeDistrict, ...]:
    """District → subdistrict → community, for the communities active on `day`, in the tree's
    order; subdistricts without an active community are left out. One query, whatever the
    number of communities (a city's 1,100 included)."""
    rows = (
        active_communities(day)
        .filter(parent__kind=OrganisationKinds.SUBDISTRICT)
        .order_by("path")
        .values_list(
            "code",
            "name",
            "parent__code",
            "parent__name",
            "parent__parent__code",
            "parent__parent__name",
        )
    )
    districts: dict[str, tuple[str, dict[str, tuple[str, list[TreeCommunity]]]]] = {}
    for code, name, sub_code, sub_name, district_code, district_name in rows:
        _district_name, subdistricts = districts.setdefault(
            district_code or "", (district_name or "", {})
        )
        subdistricts.setdefault(sub_code, (sub_name, []))[1].append(TreeCommunity(code, name))
    return tuple(
        TreeDistrict(
            district_code,
            district_name,
            tuple(
                TreeSubdistrict(sub_code, sub_name, tuple(communities))
                for sub_code, (sub_name, communities) in subdistricts.items()
            ),
        )
        for district_code, (district_name, subdistricts) in districts.items()
    )
