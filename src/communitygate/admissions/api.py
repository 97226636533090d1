"""Admission API: applications, review rounds, ballots, the office's review and the committee's
decision. Every path needs a signed-in person (bearer token or session); every list and detail
is scoped by admissions.permissions."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from communitygate.admissions.forecast import AddedRequirement, Forecast, hours_text
from communitygate.admissions.models import Application, ReviewRound, Votes
from communitygate.admissions.permissions import access_application, voting_bodies_of
from communitygate.admissions.round_timing import DECIDE, OPEN, round_step_window
from communitygate.admissions.selectors import (
    application_burden,
    application_standing,
    committee_member_ids,
    meeting_of,
    round_get,
    round_list,
)
from communitygate.admissions.services import (
    ApplicationFields,
    MeetingRecord,
    NotConsulted,
    application_create,
    application_decide,
    application_review,
    application_submit,
    application_urgent_approve,
    application_withdraw,
    ballot_cast,
    round_close_consultation,
    round_open_consultation,
)
from communitygate.admissions.workflow import ReviewAction
from communitygate.catalog.models import Domains, Frequencies, ItemClasses, Ledger, Plaque
from communitygate.core.errors import InvalidInput, NotFound, Problem
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import Day, LongText, Moment, capped
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation

router = Router(tags=["admissions"])


LedgerCode = Annotated[str, capped(Ledger, "code")]
PlaqueCode = Annotated[str, capped(Plaque, "code")]
LedgerName = Annotated[str, capped(Ledger, "name")]
PlaqueName = Annotated[str, capped(Plaque, "name")]


class ApplicationIn(Schema):
    applicant: str = capped(Organisation, "code")
    contact_name: str = capped(Application, "contact_name")
    contact_phone: str = capped(Application, "contact_phone")
    item_name: str = capped(Application, "item_name")
    item_class: ItemClasses
    domain: Domains
    legal_basis: LongText
    necessity: LongText
    community_duty: LongText
    frequency: Frequencies = Frequencies.ONGOING
    starts_on: Day
    ends_on: Day | None = None
    targets_all: bool = True
    target_communities: list[OrgCode] = []
    estimated_hours: Decimal = Field(
        Decimal("0"), ge=0, le=Decimal("999999.9"), max_digits=7, decimal_places=1
    )
    ledgers: list[LedgerCode] = []  # ledger codes (GET /api/v1/catalog/ledgers)
    plaques: list[PlaqueCode] = []  # plaque codes (GET /api/v1/catalog/plaques)
    new_ledgers: list[LedgerName] = []  # names of ledgers the records lack (created if admitted)
    new_plaques: list[PlaqueName] = []
    # the old free text: refused when given (see create_application)
    ledgers_required: LongText = ""
    funding_per_community: Decimal | None = Field(
        None, ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2
    )
    funding_source: str = capped(Application, "funding_source", "")
    support_offered: LongText = ""
    urgent: bool = False
    urgent_reason: LongText = ""


class RecordRef(Schema):
    code: str
    name: str


class ForecastRecordOut(Schema):
    code: str | None  # None: not yet in the records (created if admitted)
    name: str
    communities: int  # how many of the targeted communities it would be new to


class CommunityForecastOut(Schema):
    code: str
    name: str
    staff: int
    hours_before: str
    hours_added: str
    hours_after: str
    capacity: str
    over_capacity_before: bool
    over_capacity_after: bool
    ledgers_added: int
    plaques_added: int


class ForecastOut(Schema):
    """The burden forecast (负担预估): hours as strings with one decimal."""

    hours_per_community_year: str
    hours_per_occurrence: str | None
    hours_total_year: str
    ledgers: list[ForecastRecordOut]
    plaques: list[ForecastRecordOut]
    communities: list[CommunityForecastOut]
    over_capacity: list[str]  # the communities it would push over capacity
    already_over_capacity: list[str]


def _records_out(added: tuple[AddedRequirement, ...]) -> list[ForecastRecordOut]:
    return [
        ForecastRecordOut(
            code=a.requirement.code, name=a.requirement.name, communities=a.communities
        )
        for a in added
    ]


def forecast_out(forecast: Forecast) -> ForecastOut:
    per_occurrence = forecast.hours_per_occurrence
    return ForecastOut(
        hours_per_community_year=hours_text(forecast.hours_per_community_year),
        hours_per_occurrence=hours_text(per_occurrence) if per_occurrence is not None else None,
        hours_total_year=hours_text(forecast.hours_total_year),
        ledgers=_records_out(forecast.ledgers),
        plaques=_records_out(forecast.plaques),
        communities=[
            CommunityForecastOut(
                code=c.code,
                name=c.name,
                staff=c.staff,
                hours_before=hours_text(c.hours_before),
                hours_added=hours_text(c.hours_added),
                hours_after=hours_text(c.hours_after),
                capacity=hours_text(c.capacity),
                over_capacity_before=c.over_capacity_before,
                over_capacity_after=c.over_capacity_after,
                ledgers_added=len(c.ledgers_added),
                plaques_added=len(c.plaques_added),
            )
            for c in forecast.communities
        ],
        over_capacity=list(forecast.over_capacity),
        already_over_capacity=list(forecast.already_over),
    )


class MeetingOut(Schema):
    held_on: dt.date
    members: int
    present: int
    approve: int = Field(description="同意")
    reject: int = Field(description="不同意")
    abstain: int = Field(description="弃权")
    quorum_needed: int
    passed: bool


class ApplicationOut(Schema):
    id: int
    number: str
    applicant: str
    item_name: str
    item_class: str
    domain: str
    status: str
    urgent: bool
    starts_on: dt.date
    ends_on: dt.date | None
    review_round: int | None
    frequency: str
    estimated_hours: Decimal
    targets_all: bool
    target_communities: list[str]
    ledgers: list[RecordRef]
    plaques: list[RecordRef]
    new_ledgers: list[str]
    new_plaques: list[str]
    ledgers_required: str
    funding_per_community: Decimal | None
    funding_source: str
    office_opinion: str
    decision_reason: str
    catalog_item: str | None
    consulted: int
    approve: int
    reject: int
    abstain: int
    not_voted: int
    pass_rate: Decimal
    threshold: Decimal
    passed: bool
    consultation: str = Field(
        description="Where the consultation stands: not_consulted, open, closed or urgent "
        "(approved at once, no consultation needed); `passed` is a verdict only when closed."
    )
    consultation_summary: str = Field(
        description="The standing in one sentence, in the request's language, as the page says it."
    )
    workdays_left: int | None = Field(
        description="While voting is open: working days to the deadline, both included."
    )
    forecast: ForecastOut
    round_consultation_opens_on: dt.date | None = Field(
        description="The first day the round's consultation may open (its month's first day)."
    )
    round_decided_by: dt.date | None = Field(
        description="The last day the committee may decide in the round (end of the next month)."
    )
    consultation_closed_early: bool = Field(
        description="The round's consultation was closed before its deadline."
    )
    early_close_reason: str = Field(
        description="The office's reason for closing early (empty: every body had voted)."
    )
    meeting: MeetingOut | None = Field(
        description="The committee meeting that decided it: date and counts, no names (null: "
        "not decided by the committee, or decided before meetings were recorded)."
    )


def meeting_out(application: Application) -> MeetingOut | None:
    summary = meeting_of(application)
    if summary is None:
        return None
    result = summary.result
    return MeetingOut(
        held_on=summary.held_on,
        members=result.members,
        present=result.present,
        approve=result.approve,
        reject=result.reject,
        abstain=result.abstain,
        quorum_needed=result.quorum_needed,
        passed=result.passed,
    )


def application_out(application: Application) -> ApplicationOut:
    standing = application_standing(application)
    tally = standing.tally
    burden = application_burden(application)
    return ApplicationOut(
        id=application.pk,
        number=application.number,
        applicant=application.applicant.code,
        item_name=application.item_name,
        item_class=application.item_class,
        domain=application.domain,
        status=application.status,
        urgent=application.urgent,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        review_round=application.review_round_id,
        frequency=application.frequency,
        estimated_hours=application.estimated_hours,
        targets_all=application.targets_all,
        target_communities=[c.code for c in burden.targets or []],
        ledgers=[RecordRef(code=r.code, name=r.name) for r in burden.ledgers],
        plaques=[RecordRef(code=r.code, name=r.name) for r in burden.plaques],
        new_ledgers=burden.new_ledger_names,
        new_plaques=burden.new_plaque_names,
        ledgers_required=burden.ledgers_as_typed,
        funding_per_community=application.funding_per_community,
        funding_source=application.funding_source,
        office_opinion=application.office_opinion,
        decision_reason=application.decision_reason,
        catalog_item=application.catalog_item.code if application.catalog_item else None,
        consulted=tally.consulted,
        approve=tally.approve,
        reject=tally.reject,
        abstain=tally.abstain,
        not_voted=tally.not_voted,
        pass_rate=tally.pass_rate,
        threshold=tally.threshold,
        passed=tally.passed,
        consultation=standing.phase,
        consultation_summary=standing.summary(),
        workdays_left=standing.workdays_left,
        forecast=forecast_out(burden.forecast),
        round_consultation_opens_on=(
            round_step_window(application.review_round.year, application.review_round.month, OPEN)[
                0
            ]
            if application.review_round
            else None
        ),
        round_decided_by=(
            round_step_window(
                application.review_round.year, application.review_round.month, DECIDE
            )[1]
            if application.review_round
            else None
        ),
        consultation_closed_early=bool(
            application.review_round and application.review_round.closed_early
        ),
        early_close_reason=(
            application.review_round.early_close_reason if application.review_round else ""
        ),
        meeting=meeting_out(application),
    )


def _organisation(code: str, what_zh: str, what_en: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise NotFound(what_zh, what_en)
    return organisation


def _fresh(request: HttpRequest, application_id: int) -> Application:
    return access_application(request.user, application_id)


@router.post("/applications", response={201: ApplicationOut})
def create_application(request: HttpRequest, payload: ApplicationIn) -> Status[ApplicationOut]:
    data = payload.dict()
    if data.pop("ledgers_required").strip():
        raise InvalidInput(
            [
                Problem(
                    "台账不再以文字填写：请在 ledgers 中给出台账库中的台账编码，"
                    "库中没有的台账写入 new_ledgers（准入时建立）。",
                    "Ledgers are no longer typed as text: give the codes of ledger records in "
                    "`ledgers`, and the names of ledgers the records lack in `new_ledgers` "
                    "(created if admitted).",
                    field="ledgers_required",
                )
            ]
        )
    applicant = _organisation(data.pop("applicant"), "申请单位", "applicant department")
    fields = ApplicationFields(
        **{
            name: value
            for name, value in data.items()
            if name
            not in {"target_communities", "ledgers", "plaques", "new_ledgers", "new_plaques"}
        },
        target_community_codes=tuple(data["target_communities"]),
        ledger_codes=tuple(data["ledgers"]),
        plaque_codes=tuple(data["plaques"]),
        new_ledger_names=tuple(data["new_ledgers"]),
        new_plaque_names=tuple(data["new_plaques"]),
    )
    application = application_create(
        actor=request.user,
        applicant=applicant,
        fields=fields,
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, application_out(_fresh(request, application.pk)))


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request: HttpRequest, application_id: int) -> ApplicationOut:
    return application_out(_fresh(request, application_id))


@router.post("/applications/{application_id}/submit", response=ApplicationOut)
def submit_application(request: HttpRequest, application_id: int) -> ApplicationOut:
    application_submit(actor=request.user, application=_fresh(request, application_id))
    return application_out(_fresh(request, application_id))


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut)
def withdraw_application(
    request: HttpRequest, application_id: int, payload: ReasonIn
) -> ApplicationOut:
    application_withdraw(
        actor=request.user, application=_fresh(request, application_id), reason=payload.reason
    )
    return application_out(_fresh(request, application_id))


class BallotIn(Schema):
    vote: Votes = Field(description="approve (同意), reject (不同意) or abstain (弃权).")
    comment: str = Field("", max_length=2000)
    body: OrgCode | None = None


class BallotOut(Schema):
    application: int
    body: str
    vote: str
    comment: str


@router.post("/applications/{application_id}/ballots", response=BallotOut)
def cast_ballot(request: HttpRequest, application_id: int, payload: BallotIn) -> BallotOut:
    """The caller's organisation votes (name `body` when the caller votes for several)."""
    application = _fresh(request, application_id)
    bodies = list(Organisation.objects.filter(pk__in=voting_bodies_of(request.user)))
    if payload.body:
        bodies = [b for b in bodies if b.code == payload.body]
    if not bodies:
        raise NotConsulted()  # the caller votes for no body, or not for the one named
    if len(bodies) != 1:
        raise InvalidInput(
            [
                Problem(
                    "请用 body 指明代表哪个机构投票。",
                    "Name the voting organisation in `body`.",
                    field="body",
                )
            ]
        )
    ballot = ballot_cast(
        actor=request.user,
        application=application,
        body=bodies[0],
        vote=payload.vote,
        comment=payload.comment,
    )
    return BallotOut(
        application=application.pk, body=bodies[0].code, vote=ballot.vote, comment=ballot.comment
    )


class ReviewIn(Schema):
    action: ReviewAction
    opinion: LongText
    social_org: OrgCode | None = None


@router.post("/applications/{application_id}/review", response=ApplicationOut)
def review_application(
    request: HttpRequest, application_id: int, payload: ReviewIn
) -> ApplicationOut:
    social_org = (
        _organisation(payload.social_org, "社会组织", "social organisation")
        if payload.social_org
        else None
    )
    application_review(
        actor=request.user,
        application=_fresh(request, application_id),
        action=payload.action,
        opinion=payload.opinion,
        social_org=social_org,
    )
    return application_out(_fresh(request, application_id))


class MemberVoteIn(Schema):
    member: str = Field(max_length=150, description="The committee member's username.")
    vote: Votes = Field(description="approve (同意), reject (不同意) or abstain (弃权).")


class DecisionIn(Schema):
    held_on: Day = Field(description="The date of the committee meeting.")
    votes: list[MemberVoteIn] = Field(
        description="One entry per member present at the meeting, with the member's vote. The "
        "outcome is computed (a quorum of the members, then a majority of those present)."
    )
    reason: LongText


@router.post("/applications/{application_id}/decision", response=ApplicationOut)
def decide_application(
    request: HttpRequest, application_id: int, payload: DecisionIn
) -> ApplicationOut:
    members = committee_member_ids(payload.held_on, [entry.member for entry in payload.votes])
    application_decide(
        actor=request.user,
        application=_fresh(request, application_id),
        meeting=MeetingRecord(
            held_on=payload.held_on,
            votes=tuple((members.get(entry.member, 0), entry.vote) for entry in payload.votes),
        ),
        reason=payload.reason,
    )
    return application_out(_fresh(request, application_id))


@router.post("/applications/{application_id}/urgent-approval", response=ApplicationOut)
def approve_urgent(request: HttpRequest, application_id: int, payload: ReasonIn) -> ApplicationOut:
    application_urgent_approve(
        actor=request.user, application=_fresh(request, application_id), reason=payload.reason
    )
    return application_out(_fresh(request, application_id))


class RoundOut(Schema):
    id: int
    year: int
    month: int
    status: str
    consultation_deadline: dt.datetime | None
    application_count: int


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


def round_out(review_round: ReviewRound) -> RoundOut:
    return RoundOut(
        id=review_round.pk,
        year=review_round.year,
        month=review_round.month,
        status=review_round.status,
        consultation_deadline=review_round.consultation_deadline,
        application_count=getattr(
            review_round, "application_count", review_round.applications.count()
        ),
    )


@router.get("/review-rounds", response=RoundPage)
def list_rounds(request: HttpRequest) -> dict[str, Any]:
    rounds = list(round_list())
    return {"count": len(rounds), "items": [round_out(r) for r in rounds]}


@router.get("/review-rounds/{round_id}", response=RoundOut)
def get_round(request: HttpRequest, round_id: int) -> RoundOut:
    return round_out(round_get(round_id))


class OpenIn(Schema):
    deadline: Moment


@router.post("/review-rounds/{round_id}/open-consultation", response=RoundOut)
def open_consultation(request: HttpRequest, round_id: int, payload: OpenIn) -> RoundOut:
    return round_out(
        round_open_consultation(
            actor=request.user, review_round=round_get(round_id), deadline=payload.deadline
        )
    )


class CloseIn(Schema):
    """The reason is needed only before the deadline (an early close), and then recorded."""

    reason: str = Field("", max_length=2000)


@router.post("/review-rounds/{round_id}/close-consultation", response=RoundOut)
def close_consultation(
    request: HttpRequest, round_id: int, payload: CloseIn | None = None
) -> RoundOut:
    return round_out(
        round_close_consultation(
            actor=request.user,
            review_round=round_get(round_id),
            reason=payload.reason if payload is not None else "",
        )
    )
