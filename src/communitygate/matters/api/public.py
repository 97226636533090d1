"""The public API (no sign-in): file a matter, read its status with the phone's last four digits,
and rate the answer. Answers carry nothing personal: no name, no phone, no description, no place.

`POST /public/matters` honours an `Idempotency-Key` header: a retry with the same key and body
answers 201 with the first matter's code; the same key with another body answers 422 (keys live
in the public space of the `api` channel). Failed lookups are throttled per address
(`residents.throttling`: 429 after 10 in 10 minutes); filings are limited per address and per
phone (`http.ratelimits`, 429 with `Retry-After`). A NUL character in any text, the
tracking code in the path included, answers 422 (`core.inputs`, before any view)."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import PhoneText, capped
from communitygate.http.ratelimits import attempt_counted
from communitygate.matters.models import Matter, MatterCategory, MatterChannels, Ratings
from communitygate.matters.selectors.matters import PublicMatterStatus, matter_public_status
from communitygate.matters.services.matters import (
    DESCRIPTION_MAX_LENGTH,
    RATING_COMMENT_MAX_LENGTH,
    MatterIntake,
    matter_rate,
    matter_submit_public,
)
from communitygate.matters.throttling import lookups_refund, lookups_reserve
from communitygate.orgs.models import Organisation

router = Router(tags=["residents (public)"], auth=None)

LastFour = Annotated[str, StringConstraints(max_length=4, pattern=r"^\d{4}$")]
SUMMARY_FROM_DESCRIPTION = 60


class PublicMatterIn(Schema):
    """Every field may be left out so that the service names each missing one in Chinese and
    English; community, name, phone, category and description (or summary) are required."""

    community: str = capped(
        Organisation, "code", "", description="The community's code, e.g. 370203031001."
    )
    name: str = capped(Matter, "contact_name", "")
    phone: PhoneText = ""
    category: str = capped(
        MatterCategory,
        "code",
        "",
        description="A category's code (GET /open311/v2/services.json).",
    )
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    summary: str = capped(Matter, "summary", "")
    location: str = capped(Matter, "location", "")


class TrackingCodeOut(Schema):
    tracking_code: str


class PublicMatterOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    category: str
    category_name: str
    received_on: dt.date
    answer_by: dt.date
    answer_by_estimated: bool
    answered_on: dt.date | None
    closed_on: dt.date | None
    answer: str
    rating: str
    can_rate: bool


class LookupQuery(Schema):
    phone_last4: LastFour


class RatingIn(Schema):
    phone_last4: LastFour
    rating: Ratings
    comment: str = Field("", max_length=RATING_COMMENT_MAX_LENGTH)


def summary_of(summary: str, description: str) -> str:
    """A client that sends only a description gets its beginning as the summary."""
    if summary.strip():
        return summary.strip()
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line[:SUMMARY_FROM_DESCRIPTION]


def public_matter_out(status: PublicMatterStatus) -> PublicMatterOut:
    return PublicMatterOut(
        tracking_code=status.tracking_code,
        status=status.status,
        status_label=status.status_label,
        category=status.category_code,
        category_name=status.category_name,
        received_on=status.received_on,
        answer_by=status.answer_by,
        answer_by_estimated=status.answer_by_estimated,
        answered_on=status.answered_on,
        closed_on=status.closed_on,
        answer=status.answer,
        rating=status.rating,
        can_rate=status.can_rate,
    )


def _lookup(request: HttpRequest, tracking_code: str, phone_last4: str) -> PublicMatterStatus:
    """Counted as a failed lookup before it runs, given back when it finds the matter."""
    lookups_reserve(request)
    status = matter_public_status(tracking_code, phone_last4)
    lookups_refund(request)
    return status


@router.post("/public/matters", response={201: TrackingCodeOut})
def file_matter(request: HttpRequest, payload: PublicMatterIn) -> Status[TrackingCodeOut]:
    """File a matter without signing in; keep the tracking code and the phone's last four
    digits to follow it. Limited per address and per phone (429, `Retry-After`)."""
    attempt_counted(request, "filing", phone=payload.phone)
    matter = matter_submit_public(
        intake=MatterIntake(
            community_code=payload.community,
            category_code=payload.category,
            summary=summary_of(payload.summary, payload.description),
            description=payload.description,
            location=payload.location,
            contact_name=payload.name,
            phone=payload.phone,
            channel=MatterChannels.API,
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, TrackingCodeOut(tracking_code=matter.tracking_code))


@router.get("/public/matters/{tracking_code}", response=PublicMatterOut)
def matter_status(
    request: HttpRequest, tracking_code: str, query: Query[LookupQuery]
) -> PublicMatterOut:
    """The matter's status, dates and the community's answer; 404 for a wrong code or wrong
    digits alike."""
    return public_matter_out(_lookup(request, tracking_code, query.phone_last4))


@router.post("/public/matters/{tracking_code}/rating", response=PublicMatterOut)
def rate_matter(request: HttpRequest, tracking_code: str, payload: RatingIn) -> PublicMatterOut:
    """Rate the answer: satisfied, neutral or unsatisfied (which reopens the matter)."""
    status = _lookup(request, tracking_code, payload.phone_last4)
    matter_rate(
        tracking_code=status.tracking_code,
        phone_last4=payload.phone_last4,
        rating=payload.rating,
        comment=payload.comment,
    )
    return public_matter_out(matter_public_status(status.tracking_code, payload.phone_last4))
