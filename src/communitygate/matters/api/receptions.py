"""Staff API of walk-in reception (来访登记, /api/v1/receptions): a day's receptions of the
caller's communities, one reception, and the record of a new visitor (with an Idempotency-Key).

It answers as the pages under /residents/receptions/ do: the same scope (a community's staff
their own community, a subdistrict's officer the communities under it; anyone else 404), the
same service (`services.receptions.reception_record`, so the same rules, the same matter when
the visit becomes one, the same audit events `reception.record` and `matter.receive`), and the
phone only ever masked. Errors in the project's one shape, in Chinese and English."""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from communitygate.core import clock
from communitygate.core.errors import NotFound
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, Offset, PhoneText, RowId
from communitygate.core.paging import page_bounds
from communitygate.matters.api.matters import intake_community
from communitygate.matters.models import Reception
from communitygate.matters.selectors.receptions import reception_access, reception_list
from communitygate.matters.services.receptions import (
    NAME_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    ReceptionIntake,
    reception_record,
)
from communitygate.registry.permissions import sees_residents

router = Router(tags=["residents"])

# An organisation's code (orgs.Organisation.code: up to 32 characters, 370203031001 for a
# community); a category's code is a slug (matters.MatterCategory.code).
CODE_MAX_LENGTH = 32
CATEGORY_CODE = r"^[-a-zA-Z0-9_]{1,40}$"


class ReceptionOut(Schema):
    id: int
    community: str = Field(description="The community's code.")
    community_name: str
    received_on: dt.date = Field(description="The day in Beijing time.")
    received_at: dt.datetime
    received_by: str = Field(description="The username of who recorded it.")
    visitor_name: str
    phone: str = Field(description="Masked (138****5678); the full number is never given.")
    resident: int | None = Field(description="The registry resident, when picked.")
    category: str
    category_name: str
    summary: str
    outcome: Literal["handled", "matter"]
    matter: str | None = Field(description="The matter's tracking code, when it became one.")


class ReceptionPage(Schema):
    count: int
    day: dt.date
    items: list[ReceptionOut]


class ReceptionQuery(Schema):
    day: Day | None = Field(None, description="YYYY-MM-DD; left out: today.")
    community: str | None = Field(
        None, max_length=CODE_MAX_LENGTH, description="One community's code."
    )
    limit: int = Field(50, ge=1, description="At most API_MAX_LIMIT rows a page.")
    offset: Offset = 0


class ReceptionIn(Schema):
    community: str | None = Field(
        None,
        max_length=CODE_MAX_LENGTH,
        description="The community's code (370203031001); may be left out by someone working "
        "in one community only.",
    )
    category: str = Field(
        max_length=40, pattern=CATEGORY_CODE, description="An active matter category's code."
    )
    outcome: Literal["handled", "matter"] = Field(
        description="handled: on the spot; matter: turned into a resident matter."
    )
    visitor_name: str = Field(
        "",
        max_length=NAME_MAX_LENGTH,
        description="Required unless a registry resident is picked.",
    )
    phone: PhoneText = Field(
        "", description="Mainland mobile or landline; stored sealed, shown masked."
    )
    resident: RowId | None = Field(None, description="A resident living in the community now.")
    summary: str = Field(
        "",
        max_length=SUMMARY_MAX_LENGTH,
        description="What it is about; required when it becomes a matter.",
    )


def reception_out(reception: Reception) -> ReceptionOut:
    return ReceptionOut(
        id=reception.pk,
        community=reception.community.code,
        community_name=reception.community.name,
        received_on=reception.received_on,
        received_at=reception.received_at,
        received_by=reception.received_by.get_username(),
        visitor_name=reception.visitor_name,
        phone=reception.phone_masked,
        resident=reception.resident_id,
        category=reception.category.code,
        category_name=reception.category.name,
        summary=reception.summary,
        outcome=reception.outcome,  # type: ignore[arg-type]
        matter=reception.matter.tracking_code if reception.matter else None,
    )


def _sees_receptions(request: HttpRequest) -> None:
    """As the pages (only_for(sees_residents)): nobody else learns the path exists."""
    if not sees_residents(request.user):
        raise NotFound("来访登记", "walk-in receptions")


@router.get("/receptions", response=ReceptionPage)
def list_receptions(request: HttpRequest, query: Query[ReceptionQuery]) -> ReceptionPage:
    """A day's receptions (today by default) of the caller's communities, or of one of them,
    latest first; phones masked."""
    _sees_receptions(request)
    limit, offset = page_bounds(query.limit, query.offset, settings.COMMUNITYGATE["API_MAX_LIMIT"])
    day = query.day or clock.today()
    receptions = reception_list(request.user, day=day, community_code=query.community or "")
    return ReceptionPage(
        count=receptions.count(),
        day=day,
        items=[reception_out(r) for r in receptions[offset : offset + limit]],
    )


@router.get("/receptions/{reception_id}", response=ReceptionOut)
def get_reception(request: HttpRequest, reception_id: int) -> ReceptionOut:
    return reception_out(reception_access(request.user, reception_id))


@router.post("/receptions", response={201: ReceptionOut})
def record_reception(request: HttpRequest, payload: ReceptionIn) -> Status[ReceptionOut]:
    """A community's staff record a walk-in visitor (and, with outcome `matter`, the resident
    matter it becomes). With an `Idempotency-Key` header a retry answers the first reception and
    makes no second matter; the same key with another body answers 422
    `idempotency_key_reused`. Keys are the caller's own."""
    reception = reception_record(
        actor=request.user,
        intake=ReceptionIntake(
            community_code=intake_community(request, payload.community),
            category_code=payload.category,
            outcome=payload.outcome,
            visitor_name=payload.visitor_name,
            phone=payload.phone,
            resident_id=payload.resident,
            summary=payload.summary,
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, reception_out(reception_access(request.user, reception.pk)))
