"""Organisations API: public reads of the organisation tree."""

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema

from communitygate.core.inputs import Offset, SearchText
from communitygate.core.paging import page_bounds
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import organisation_list

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    illustrative: bool
    active_from: str | None
    active_to: str | None
    staff_count: int | None = None  # a community's staff; None: the district's default


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationOut]


class OrganisationQuery(Schema):
    kind: OrganisationKinds | None = None
    parent: OrgCode | None = None
    q: SearchText | None = None
    limit: int = 50
    offset: Offset = 0


def organisation_out(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut(
        code=organisation.code,
        name=organisation.name,
        name_en=organisation.name_en,
        kind=organisation.kind,
        parent=organisation.parent.code if organisation.parent else None,
        illustrative=organisation.illustrative,
        active_from=organisation.active_from.isoformat() if organisation.active_from else None,
        active_to=organisation.active_to.isoformat() if organisation.active_to else None,
        staff_count=organisation.staff_count,
    )


@router.get("/organisations", response=OrganisationPage, auth=None)
def list_organisations(request: HttpRequest, query: Query[OrganisationQuery]) -> OrganisationPage:
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    organisations = organisation_list(kind=query.kind, parent_code=query.parent, q=query.q)
    return OrganisationPage(
        count=organisations.count(),
        items=[organisation_out(o) for o in organisations[offset : offset + limit]],
    )
