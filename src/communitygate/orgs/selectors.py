"""Reads of the organisation tree. Organisations are public facts: no scoping needed to read them."""

import datetime as dt
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
