"""API: programmes and enrolment (staff, scoped, guardians' phones masked).

POST /programmes/{id}/enrolments is idempotent twice over: the same child with the same guardian
phone answers the enrolment they already have (the service's rule, kept by a unique
constraint), and an Idempotency-Key (`core.idempotency`, kept on the enrolment's row) replays
the first answer for the same body and refuses a different body under the same key."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, Offset, PhoneText, capped
from communitygate.core.paging import page_bounds
from communitygate.programmes.models import Enrolment, EnrolmentStatuses, Programme
from communitygate.programmes.selectors.programmes import (
    access_enrolment,
    access_programme,
    enrolments_of,
    programme_list,
    waiting_position,
)
from communitygate.programmes.services.programmes import enrolment_sign_up, enrolment_withdraw

router = Router(tags=["residents"])

MAX_LIMIT = 500


class ProgrammeOut(Schema):
    id: int
    community: str
    title: str
    place: str
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    min_age: int | None
    max_age: int | None
    public_signup: bool
    closed: bool
    enrolled: int
    waiting: int


class ProgrammeListOut(Schema):
    count: int
    items: list[ProgrammeOut]


class EnrolmentOut(Schema):
    id: int
    programme: int
    child_name: str
    child_birth_date: dt.date | None
    guardian_name: str
    guardian_phone: str  # masked
    status: str
    waiting_position: int | None
    signed_up_at: dt.datetime
    signed_up_online: bool


class EnrolmentListOut(Schema):
    count: int
    items: list[EnrolmentOut]


class EnrolmentIn(Schema):
    child_name: str = capped(Enrolment, "child_name")
    child_birth_date: Day | None = None
    guardian_name: str = capped(Enrolment, "guardian_name")
    guardian_phone: PhoneText


def programme_out(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.pk,
        community=programme.community.code,
        title=programme.title,
        place=programme.place,
        capacity=programme.capacity,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        min_age=programme.min_age,
        max_age=programme.max_age,
        public_signup=programme.public_signup,
        closed=programme.closed,
        enrolled=programme.enrolled_count,  # type: ignore[attr-defined]
        waiting=programme.waiting_count,  # type: ignore[attr-defined]
    )


def enrolment_out(enrolment: Enrolment, position: int | None) -> EnrolmentOut:
    return EnrolmentOut(
        id=enrolment.pk,
        programme=enrolment.programme_id,
        child_name=enrolment.child_name,
        child_birth_date=enrolment.child_birth_date,
        guardian_name=enrolment.guardian_name,
        guardian_phone=enrolment.guardian_phone_masked,
        status=enrolment.status,
        waiting_position=position,
        signed_up_at=enrolment.signed_up_at,
        signed_up_online=enrolment.signed_up_online,
    )


@router.get("/programmes", response=ProgrammeListOut)
def list_programmes(request: HttpRequest, limit: int = 100, offset: Offset = 0) -> ProgrammeListOut:
    limit, offset = page_bounds(limit, offset, MAX_LIMIT)
    programmes = programme_list(request.user)
    rows = list(programmes[offset : offset + limit])
    return ProgrammeListOut(count=programmes.count(), items=[programme_out(p) for p in rows])


@router.get("/programmes/{programme_id}", response=ProgrammeOut)
def get_programme(request: HttpRequest, programme_id: int) -> ProgrammeOut:
    return programme_out(access_programme(request.user, programme_id))


@router.get("/programmes/{programme_id}/enrolments", response=EnrolmentListOut)
def list_enrolments(request: HttpRequest, programme_id: int) -> EnrolmentListOut:
    """Every enrolment in sign-up order; a waiting one carries its position."""
    programme = access_programme(request.user, programme_id)
    items, waiting = [], 0
    for enrolment in enrolments_of(programme):
        position = None
        if enrolment.status == EnrolmentStatuses.WAITING:
            waiting += 1
            position = waiting
        items.append(enrolment_out(enrolment, position))
    return EnrolmentListOut(count=len(items), items=items)


@router.post("/programmes/{programme_id}/enrolments", response={201: EnrolmentOut})
def enrol(request: HttpRequest, programme_id: int, payload: EnrolmentIn) -> Status[EnrolmentOut]:
    programme = access_programme(request.user, programme_id)
    enrolment = enrolment_sign_up(
        actor=request.user,
        programme=programme,
        child_name=payload.child_name,
        child_birth_date=payload.child_birth_date,
        guardian_name=payload.guardian_name,
        guardian_phone=payload.guardian_phone,
        online=False,
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, enrolment_out(enrolment, waiting_position(enrolment)))


@router.post("/enrolments/{enrolment_id}/withdraw", response=EnrolmentOut)
def withdraw(request: HttpRequest, enrolment_id: int) -> EnrolmentOut:
    enrolment = enrolment_withdraw(
        actor=request.user, enrolment=access_enrolment(request.user, enrolment_id)
    )
    return enrolment_out(enrolment, None)
