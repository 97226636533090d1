"""Reads on the admission path: the tally, whether a consultation is open, rounds, and the public
summaries of decided applications."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Subquery
from django.utils import timezone

from communitygate.accounts.selectors import committee_members_on
from communitygate.admissions.committee import MeetingResult, meeting_result
from communitygate.admissions.forecast import (
    NO_LOAD,
    CommunityInput,
    CommunityLoad,
    Forecast,
    Requirement,
    forecast_burden,
)
from communitygate.admissions.models import (
    Application,
    ApplicationStatuses,
    Ballot,
    CommitteeMeeting,
    ReviewRound,
    RoundStatuses,
    Votes,
)
from communitygate.admissions.tally import (
    CLOSED,
    NOT_CONSULTED,
    OPEN,
    URGENT,
    Standing,
    Tally,
    tally_votes,
)
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_events_for
from communitygate.catalog.models import CatalogEdition, EditionEntry, Ledger, Plaque
from communitygate.catalog.selectors import IN_FORCE
from communitygate.core import clock, workdays
from communitygate.core.errors import NotFound
from communitygate.orgs.models import Organisation
from communitygate.orgs.selectors import active_communities, community_staff, staff_hours_per_year

PUBLIC_STATUSES = (
    ApplicationStatuses.APPROVED,
    ApplicationStatuses.REJECTED,
    ApplicationStatuses.REDIRECTED,
)


def consultation_threshold() -> Decimal:
    """The pass threshold (a setting, 60% by default): approvals ÷ consulted must reach it."""
    return Decimal(str(settings.COMMUNITYGATE["CONSULTATION_PASS_THRESHOLD"]))


def committee_quorum() -> Fraction:
    """The share of the committee's members that those present must exceed (settings; by
    default one half: more than half of the members)."""
    return Fraction(str(settings.COMMUNITYGATE["COMMITTEE_QUORUM_MORE_THAN"]))


def committee_members_for_meeting(day: dt.date) -> list[tuple[int, str]]:
    """The committee's members on `day`, as the decision form offers them (id, name)."""
    return [
        (member.pk, member.get_full_name() or member.username)
        for member in committee_members_on(day)
    ]


def committee_member_ids(day: dt.date, usernames: list[str]) -> dict[str, int]:
    """The ids of the committee's members on `day` named by these usernames (others missing)."""
    return dict(
        committee_members_on(day).filter(username__in=usernames).values_list("username", "pk")
    )


@dataclass(frozen=True)
class MeetingSummary:
    """The committee meeting that decided an application, as the public sees it: the date and
    the counts, never the members' names."""

    held_on: dt.date
    result: MeetingResult


def meeting_of(application: Application) -> MeetingSummary | None:
    """The meeting that decided the application; None for an application not decided by the
    committee, or decided before meetings were recorded (migration 0009)."""
    meeting = CommitteeMeeting.objects.filter(application_id=application.pk).first()
    if meeting is None:
        return None
    votes = list(meeting.votes.values_list("vote", flat=True))
    return MeetingSummary(
        held_on=meeting.held_on,
        result=meeting_result(members=meeting.members, votes=votes, quorum=committee_quorum()),
    )


def consultation_is_open(review_round: ReviewRound | None, now: dt.datetime) -> bool:
    """The one answer to "may a body vote now?", for permissions and services alike."""
    if review_round is None:
        return False
    if review_round.status != RoundStatuses.CONSULTING:
        return False
    deadline = review_round.consultation_deadline
    return deadline is not None and now < deadline


def ballots_to_cast(body_ids: list[int], now: dt.datetime) -> QuerySet[Ballot]:
    """The bodies' ballots still empty in a consultation open now (its deadline not passed):
    what the subdistricts and communities have to vote on, earliest deadline first."""
    return (
        Ballot.objects.filter(
            body_id__in=body_ids,
            vote="",
            application__status=ApplicationStatuses.CONSULTING,
            application__review_round__status=RoundStatuses.CONSULTING,
            application__review_round__consultation_deadline__gt=now,
        )
        .select_related("application", "application__review_round", "body")
        .order_by("application__review_round__consultation_deadline", "application__number")
    )


@dataclass(frozen=True)
class ApplicationFilters:
    """The application list's filters (`?status=`, `?applicant=` a department's code,
    `?vote=` a consulted body's code: its ballots still to cast, `?urgent=1`)."""

    status: str = ""
    applicant: str = ""
    vote: str = ""
    urgent: bool = False


def applications_filtered(
    applications: QuerySet[Application], filters: ApplicationFilters, now: dt.datetime
) -> QuerySet[Application]:
    """`applications` (scoped) narrowed by the filters; an unknown status filters nothing out."""
    if filters.status in ApplicationStatuses.values:
        applications = applications.filter(status=filters.status)
    if filters.applicant:
        applications = applications.filter(applicant__code=filters.applicant)
    if filters.urgent:
        applications = applications.filter(urgent=True)
    if filters.vote:
        body = Organisation.objects.filter(code=filters.vote).values("pk")
        pending = Ballot.objects.filter(
            body_id__in=Subquery(body),
            vote="",
            application__review_round__status=RoundStatuses.CONSULTING,
            application__review_round__consultation_deadline__gt=now,
        ).values("application_id")
        applications = applications.filter(
            status=ApplicationStatuses.CONSULTING, pk__in=Subquery(pending)
        )
    return applications


def application_tally(application: Application) -> Tally:
    votes = Ballot.objects.filter(application=application).values_list("vote", flat=True)
    return tally_votes(votes, consultation_threshold())


def tallies_for(applications: list[Application]) -> dict[int, Tally]:
    """Tallies of many applications in one query (for list pages)."""
    rows = (
        Ballot.objects.filter(application__in=applications)
        .values("application_id")
        .annotate(
            consulted=Count("id"),
            approve=Count("id", filter=Q(vote="approve")),
            reject=Count("id", filter=Q(vote="reject")),
            abstain=Count("id", filter=Q(vote="abstain")),
        )
    )
    threshold = consultation_threshold()
    tallies = {application.pk: tally_votes([], threshold) for application in applications}
    for row in rows:
        not_voted = row["consulted"] - row["approve"] - row["reject"] - row["abstain"]
        votes = (
            ["approve"] * row["approve"]
            + ["reject"] * row["reject"]
            + ["abstain"] * row["abstain"]
            + [""] * not_voted
        )
        tallies[row["application_id"]] = tally_votes(votes, threshold)
    return tallies


def _phase(application: Application, tally: Tally, now: dt.datetime) -> str:
    if tally.consulted == 0:
        urgent_approved = application.urgent and application.status == ApplicationStatuses.APPROVED
        return URGENT if urgent_approved else NOT_CONSULTED
    if application.status == ApplicationStatuses.CONSULTING and consultation_is_open(
        application.review_round, now
    ):
        return OPEN
    return CLOSED


def standings_for(
    applications: list[Application], tallies: dict[int, Tally] | None = None
) -> dict[int, Standing]:
    """Where each application's consultation stands (tally.Standing): its tally, whether voting
    is open and how many working days are left, in a fixed number of queries (the applications'
    review rounds should be selected with them)."""
    tallies = tallies if tallies is not None else tallies_for(applications)
    now = clock.now()
    today = timezone.localdate(now)
    phases = {a.pk: _phase(a, tallies[a.pk], now) for a in applications}
    deadlines = {
        a.pk: a.review_round.consultation_deadline
        for a in applications
        if phases[a.pk] == OPEN and a.review_round is not None
    }
    left = workdays.workdays_between_each(
        today, [timezone.localdate(d) for d in deadlines.values() if d is not None]
    )
    standings = {}
    for application in applications:
        deadline = deadlines.get(application.pk)
        standings[application.pk] = Standing(
            tally=tallies[application.pk],
            phase=phases[application.pk],
            deadline=deadline,
            workdays_left=left.get(timezone.localdate(deadline)) if deadline else None,
        )
    return standings


def application_standing(application: Application) -> Standing:
    return standings_for([application], {application.pk: application_tally(application)})[
        application.pk
    ]


def round_list() -> QuerySet[ReviewRound]:
    return ReviewRound.objects.annotate(application_count=Count("applications")).order_by(
        "-year", "-month"
    )


def round_get(round_id: int) -> ReviewRound:
    review_round = ReviewRound.objects.filter(pk=round_id).first()
    if review_round is None:
        raise NotFound("审批批次", "review round")
    return review_round


@dataclass(frozen=True)
class CloseOutlook:
    """What closing a round's consultation now means (the confirmation page): whether it is
    early (the deadline not passed: a reason is needed), the applications it moves on, and the
    ballots cast and still uncast, which can no longer be cast once it closes."""

    early: bool
    deadline: dt.datetime | None
    applications: int
    ballots: int
    cast: int
    approve: int
    reject: int
    abstain: int

    @property
    def uncast(self) -> int:
        return self.ballots - self.cast


def round_history(review_round: ReviewRound) -> QuerySet[AuditEvent]:
    """The round's recorded steps, oldest first: opened (with its deadline), closed (early, with
    the reason given), decided."""
    return audit_events_for(object_type="admissions.reviewround", object_id=str(review_round.pk))


def round_close_outlook(review_round: ReviewRound) -> CloseOutlook:
    """The round's consulting applications and their ballots, counted in one query."""
    counts = Ballot.objects.filter(
        application__review_round=review_round,
        application__status=ApplicationStatuses.CONSULTING,
    ).aggregate(
        applications=Count("application", distinct=True),
        ballots=Count("pk"),
        cast=Count("pk", filter=~Q(vote="")),
        approve=Count("pk", filter=Q(vote=Votes.APPROVE)),
        reject=Count("pk", filter=Q(vote=Votes.REJECT)),
        abstain=Count("pk", filter=Q(vote=Votes.ABSTAIN)),
    )
    return CloseOutlook(
        early=consultation_is_open(review_round, clock.now()),
        deadline=review_round.consultation_deadline,
        **{key: value or 0 for key, value in counts.items()},
    )


def public_decisions() -> QuerySet[Application]:
    """Decided applications, public (SPEC §5): the decision and its reasons are published."""
    return (
        Application.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("applicant", "review_round", "catalog_item", "proposed_social_org")
        .order_by("-decided_at")
    )


def public_decision_get(number: str) -> Application:
    application = public_decisions().filter(number=number).first()
    if application is None:
        raise NotFound("申请", "application")
    return application


def application_ballots(application: Application) -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(application=application)
        .select_related("body", "body__parent")
        .order_by("body__path")
    )


@dataclass(frozen=True)
class ApplicationBurden:
    """What an application would put on each community (社区负担): the voters weigh it, the
    printed form shows it, and an approval carries it into the catalog item. `forecast` sets it
    against each targeted community's load and capacity (负担预估, `admissions.forecast`)."""

    targets: list[Organisation] | None  # None: every community
    ledgers: list[Ledger]
    plaques: list[Plaque]
    new_ledger_names: list[str]
    new_plaque_names: list[str]
    ledgers_as_typed: str  # the free text of an application filed before ledgers were chosen
    forecast: Forecast


def application_burden(application: Application) -> ApplicationBurden:
    """The burden and its forecast in a fixed number of queries, however many communities."""
    targets = (
        None
        if application.targets_all
        else list(application.target_communities.select_related("parent").order_by("path"))
    )
    ledgers = list(application.ledgers.select_related("department").order_by("code"))
    plaques = list(application.plaques.select_related("department").order_by("code"))
    new_ledger_names = list(application.new_ledger_names)
    new_plaque_names = list(application.new_plaque_names)
    today = clock.today()
    communities = (
        targets if targets is not None else list(active_communities(today).order_by("path"))
    )
    # An admitted application's own item is in force now: its forecast stays as it was voted on.
    loads = community_loads(communities, day=today, excluding_item_id=application.catalog_item_id)
    forecast = forecast_burden(
        hours_per_community_year=application.estimated_hours,
        frequency=application.frequency,
        ledgers=[Requirement(r.code, r.name) for r in ledgers]
        + [Requirement(None, name) for name in new_ledger_names],
        plaques=[Requirement(r.code, r.name) for r in plaques]
        + [Requirement(None, name) for name in new_plaque_names],
        communities=[
            CommunityInput(c.code, c.name, community_staff(c), loads.get(c.pk, NO_LOAD))
            for c in communities
        ],
        hours_per_staff=staff_hours_per_year(),
    )
    return ApplicationBurden(
        targets=targets,
        ledgers=ledgers,
        plaques=plaques,
        new_ledger_names=new_ledger_names,
        new_plaque_names=new_plaque_names,
        ledgers_as_typed=application.ledgers_required,
        forecast=forecast,
    )


def _in_force_on(fields: dict[str, object], day: dt.date) -> bool:
    valid_from, valid_to = fields.get("valid_from"), fields.get("valid_to")
    if isinstance(valid_from, str) and dt.date.fromisoformat(valid_from) > day:
        return False
    return not (isinstance(valid_to, str) and dt.date.fromisoformat(valid_to) < day)


def _codes(records: object) -> set[str]:
    return {code for code, _name in records} if isinstance(records, list) else set()


def community_loads(
    communities: list[Organisation], *, day: dt.date, excluding_item_id: int | None = None
) -> dict[int, CommunityLoad]:
    """Each community's load on `day` (community id → hours a year, ledger and plaque codes):
    the items of the latest published edition in force then (active or suspended, within their
    valid dates), an item admitted for some communities counting only for them
    (`admitted_scopes`). Three queries for any number of communities: the entries, and the
    scopes of their items."""
    latest = CatalogEdition.objects.order_by("-number").values("pk")[:1]
    rows = EditionEntry.objects.filter(edition_id=Subquery(latest), status__in=IN_FORCE)
    if excluding_item_id is not None:
        rows = rows.exclude(item_id=excluding_item_id)
    entries = [
        (item_id, fields)
        for item_id, fields in rows.values_list("item_id", "fields")
        if _in_force_on(fields, day)
    ]
    scopes = admitted_scopes([item_id for item_id, _fields in entries])
    everywhere = CommunityLoad(Decimal("0"), frozenset(), frozenset())
    scoped: dict[int, list[dict[str, object]]] = {}
    for item_id, fields in entries:
        scope = scopes.get(item_id)
        if scope is None:
            everywhere = _plus(everywhere, fields)
        else:
            for community_id in scope:
                scoped.setdefault(community_id, []).append(fields)
    loads = {}
    for community in communities:
        load = everywhere
        for fields in scoped.get(community.pk, []):
            load = _plus(load, fields)
        loads[community.pk] = load
    return loads


def _plus(load: CommunityLoad, fields: dict[str, object]) -> CommunityLoad:
    hours = fields.get("estimated_hours")
    return CommunityLoad(
        hours=load.hours + (Decimal(hours) if isinstance(hours, str) else Decimal("0")),
        ledger_codes=load.ledger_codes | _codes(fields.get("ledgers")),
        plaque_codes=load.plaque_codes | _codes(fields.get("plaques")),
    )


def commitments_covering(item_ids: list[int], start: dt.date, end: dt.date) -> set[int]:
    """The items (of `item_ids`) whose funding commitments cover the whole period, each up to
    its effective end (its period's end, or the day it was ended if earlier). A renewal starts
    the day after the commitment it renews ends, so a chain of commitments covers a period
    running across them."""
    from communitygate.admissions.models import FundingCommitment

    rows = (
        FundingCommitment.objects.filter(catalog_item_id__in=item_ids, period_start__lte=end)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=start))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("period_start")
    )
    spans: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for commitment in rows:
        assert commitment.catalog_item_id is not None
        spans.setdefault(commitment.catalog_item_id, []).append(
            (commitment.period_start, commitment.effective_end)
        )
    return {item for item, item_spans in spans.items() if _spans_cover(item_spans, start, end)}


def _spans_cover(spans: list[tuple[dt.date, dt.date | None]], start: dt.date, end: dt.date) -> bool:
    """Do the spans (sorted by start; None: open-ended) leave no day of [start, end] uncovered?"""
    covered_to = start - dt.timedelta(days=1)  # every day up to this one is covered
    for span_start, span_end in spans:
        if span_start > covered_to + dt.timedelta(days=1):
            return False
        if span_end is None:
            return True
        covered_to = max(covered_to, span_end)
        if covered_to >= end:
            return True
    return covered_to >= end


def admitted_scope(item_id: int) -> set[int] | None:
    """The communities an item was admitted for (its application's targets), or None for all."""
    application = Application.objects.filter(catalog_item_id=item_id).first()
    if application is None or application.targets_all:
        return None
    return set(application.target_communities.values_list("pk", flat=True))


def admitted_scopes(item_ids: list[int]) -> dict[int, set[int] | None]:
    """`admitted_scope` of several items in two queries: None (all communities) for an item with
    no application or one that targets them all."""
    scopes: dict[int, set[int] | None] = dict.fromkeys(item_ids)
    applications = (
        Application.objects.filter(catalog_item_id__in=item_ids)
        .order_by("pk")
        .prefetch_related("target_communities")
    )
    seen: set[int] = set()
    for application in applications:
        item_id = application.catalog_item_id
        if item_id is None or item_id in seen:
            continue
        seen.add(item_id)  # the first application, as admitted_scope reads it
        if not application.targets_all:
            scopes[item_id] = {c.pk for c in application.target_communities.all()}
    return scopes
