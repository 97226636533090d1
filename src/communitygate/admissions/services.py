"""Writes on the admission path. One service per step; each checks who acts, runs in one
transaction, changes state by conditional update and records its audit event.

Steps (docs/admission.md): application_create / application_revise → application_submit
(normal: joins the next January or July round; urgent: lead time of three working days) →
round_open_consultation → ballot_cast (until the deadline) → round_close_consultation →
application_review (forward / reject / return / redirect) → application_decide (approve
publishes into the catalog, with the funding commitment for a delegated item). Urgent:
application_urgent_approve. Any time before a decision: application_withdraw.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet

from communitygate.accounts.selectors import committee_members_on
from communitygate.admissions import tasks
from communitygate.admissions.committee import MeetingResult, meeting_result
from communitygate.admissions.models import (
    Application,
    ApplicationStatuses,
    Ballot,
    CommitmentBases,
    CommitteeMeeting,
    FundingCommitment,
    MemberVote,
    ReviewRound,
    RoundStatuses,
    Votes,
)
from communitygate.admissions.permissions import (
    can_file_for,
    can_vote_for,
)
from communitygate.admissions.round_timing import CLOSE, DECIDE, OPEN, round_step_check
from communitygate.admissions.selectors import (
    application_tally,
    committee_quorum,
    consultation_is_open,
)
from communitygate.admissions.workflow import (
    APPLICATION,
    DECIDERS,
    FINAL_STATUSES,
    OFFICE,
    REVIEW_ACTIONS,
    REVIEW_ROUND,
)
from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import ItemClasses, Ledger, Plaque
from communitygate.catalog.selectors import ledgers_active, plaques_active
from communitygate.catalog.services import ItemFields, catalog_admit
from communitygate.core import clock
from communitygate.core.errors import (
    InvalidInput,
    InvalidValue,
    PermissionDenied,
    Problem,
    RuleBroken,
    StaleObject,
)
from communitygate.core.idempotency import idempotency_key_checked, idempotent_create, request_hash
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.workdays import earliest_urgent_start
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import active_communities


class UrgentLeadTimeTooShort(RuleBroken):
    code = "urgent_lead_time_too_short"
    status = 422

    def __init__(self, earliest: dt.date) -> None:
        super().__init__(
            f"紧急事项须在开始前至少3个工作日提出：最早可于 {earliest.isoformat()} 开始。",
            f"An urgent item must be filed 3 working days before it starts: the earliest start is {earliest.isoformat()}.",
        )


class ConsultationClosed(RuleBroken):
    code = "consultation_closed"

    def __init__(self) -> None:
        super().__init__(
            "征询已截止或尚未开始，不能再投票。",
            "The consultation is closed or has not opened; votes are no longer taken.",
        )


class EarlyCloseNeedsReason(InvalidValue):
    """Closing a consultation before its deadline while some bodies have not voted takes votes
    away from them: the office says why, and the reason is recorded with the close and shown on
    the round's decisions. When every consulted body has voted no reason is needed."""

    code = "early_close_needs_reason"
    field = "reason"

    def __init__(self, not_voted: int = 0) -> None:
        super().__init__(
            f"征询期尚未结束，仍有 {not_voted} 个单位未投票，提前截止须说明理由。",
            f"The consultation window has not ended and {not_voted} bodies have not voted: "
            "give the reason for closing it early.",
        )


class NoQuorum(RuleBroken):
    """The committee decides as a body: more than the settings' share of its members (by
    default more than half), and never one member alone."""

    code = "no_quorum"
    status = 422

    def __init__(self, result: MeetingResult) -> None:
        super().__init__(
            f"出席委员 {result.present} 人，不足法定人数：委员会共有委员 {result.members} 人，"
            f"须至少 {result.quorum_needed} 人出席方可作出决定。",
            f"{result.present} members present is no quorum: the committee has {result.members} "
            f"members and at least {result.quorum_needed} must be present to decide.",
        )


class NotConsulted(PermissionDenied):
    code = "not_consulted"

    def __init__(self) -> None:
        super().__init__(
            "您所在的机构不在此申请的征询范围内。",
            "Your organisation is not consulted on this application.",
        )


class PassRateBelowThreshold(RuleBroken):
    code = "pass_rate_below_threshold"

    def __init__(self, rate: Decimal, threshold: Decimal) -> None:
        super().__init__(
            f"征询同意率 {rate:.2%} 低于 {threshold:.0%}，不能提交委员会审议。",
            f"The approval rate {rate:.2%} is below {threshold:.0%}; it cannot go to the committee.",
        )


class DelegatedItemUnfunded(RuleBroken):
    code = "delegated_item_unfunded"

    def __init__(self) -> None:
        super().__init__(
            "谁委托谁出钱：委托办理事项须有申请单位承诺的经费，方可批准。",
            "Who delegates pays: a delegated item needs the applicant's funding before approval.",
        )


class SocialOrganisationRequired(RuleBroken):
    code = "social_organisation_required"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "转为政府购买服务时须指定承接的社会组织。",
            "Redirecting to purchase of services needs the proposed social organisation.",
        )


class StatutoryWorkByOfficeOnly(InvalidValue):
    """Who proposes what (SPEC §4): departments apply to admit delegated work, certificates and
    campaigns; statutory daily work comes from law and only the office enters it, citing the law
    and its article. An application of class statutory would let unfunded work in under that
    name, so it is refused wherever an application is filed, changed, submitted or approved."""

    code = "statutory_work_by_office_only"
    field = "item_class"

    def __init__(self, problems: list[Problem] | None = None) -> None:
        super().__init__(
            "法定日常工作由区社区建设指导委员会办公室依据法律法规及其条款直接列入准入目录，"
            "部门不能申请。请按事项性质选择：委托办理事项（须承诺经费）、证明盖章事项或创建评比活动。",
            "Statutory daily work enters the catalog only through the committee office, citing "
            "the law or regulation and its article; a department cannot apply for it. Choose "
            "delegated work (with its funding), a certificate, or a creation or evaluation "
            "campaign.",
            more=problems or (),
        )


class NoTargetCommunities(RuleBroken):
    code = "no_target_communities"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "请选择实施范围：全区或指定社区。", "Choose the scope: all communities or a list."
        )


# The classes a department may apply for (SPEC §4 "Who proposes what").
APPLICABLE_CLASSES = (ItemClasses.DELEGATED, ItemClasses.CERTIFICATE, ItemClasses.EVALUATION)
NEW_RECORD_NAME_MAX = 200


@dataclass(frozen=True)
class ApplicationFields:
    contact_name: str
    contact_phone: str
    item_name: str
    item_class: str
    domain: str
    legal_basis: str
    necessity: str
    community_duty: str
    frequency: str
    starts_on: dt.date
    estimated_hours: Decimal
    ends_on: dt.date | None = None
    targets_all: bool = True
    target_community_codes: tuple[str, ...] = ()
    ledger_codes: tuple[str, ...] = ()
    plaque_codes: tuple[str, ...] = ()
    new_ledger_names: tuple[str, ...] = ()
    new_plaque_names: tuple[str, ...] = ()
    funding_per_community: Decimal | None = None
    funding_source: str = ""
    support_offered: str = ""
    urgent: bool = False
    urgent_reason: str = ""


def _problems(fields: ApplicationFields) -> list[Problem]:
    problems: list[Problem] = []

    def need(value: str, name: str, zh: str, en: str) -> None:
        if not value.strip():
            problems.append(Problem(f"请填写{zh}。", f"Give the {en}.", field=name))

    need(fields.contact_name, "contact_name", "经办人", "contact person")
    need(fields.contact_phone, "contact_phone", "联系电话", "contact phone")
    need(fields.item_name, "item_name", "事项名称", "item name")
    need(fields.legal_basis, "legal_basis", "法律法规政策依据", "legal basis")
    need(fields.necessity, "necessity", "必要性说明", "necessity")
    need(fields.community_duty, "community_duty", "社区承担的具体任务", "community's tasks")
    if fields.item_class not in ItemClasses.values:
        problems.append(Problem("类别无法识别。", "Unknown class.", field="item_class"))
    if fields.ends_on and fields.ends_on < fields.starts_on:
        problems.append(
            Problem("结束日期早于开始日期。", "The end is before the start.", field="ends_on")
        )
    if fields.estimated_hours < 0:
        problems.append(
            Problem("预计工时不能为负数。", "Hours cannot be negative.", field="estimated_hours")
        )
    if fields.urgent and not fields.urgent_reason.strip():
        problems.append(
            Problem(
                "紧急事项须说明紧急理由。", "Give the reason for urgency.", field="urgent_reason"
            )
        )
    if fields.item_class == ItemClasses.DELEGATED and not fields.funding_source.strip():
        problems.append(
            Problem(
                "谁委托谁出钱：委托办理事项须写明经费来源。",
                "Who delegates pays: give the source of the funding.",
                field="funding_source",
            )
        )
    if fields.item_class == ItemClasses.DELEGATED and not fields.funding_per_community:
        problems.append(
            Problem(
                "谁委托谁出钱：委托办理事项须写明每个社区每年的经费及来源。",
                "Who delegates pays: give the funding per community per year and its source.",
                field="funding_per_community",
            )
        )
    return problems


def _targets(fields: ApplicationFields) -> list[Organisation]:
    """The target communities: none listed means all; a subdistrict's code stands for all of its
    communities; a community's code for itself."""
    if fields.targets_all:
        return []
    codes = set(fields.target_community_codes)
    named = list(
        Organisation.objects.filter(
            code__in=codes, kind__in=[OrganisationKinds.COMMUNITY, OrganisationKinds.SUBDISTRICT]
        )
    )
    missing = codes - {organisation.code for organisation in named}
    if missing:
        raise InvalidInput(
            [
                Problem(
                    f"社区或街道不存在：{'、'.join(sorted(missing))}",
                    f"Unknown communities or subdistricts: {', '.join(sorted(missing))}",
                    field="target_communities",
                )
            ]
        )
    communities = {o.pk: o for o in named if o.kind == OrganisationKinds.COMMUNITY}
    subdistricts = [o.pk for o in named if o.kind == OrganisationKinds.SUBDISTRICT]
    for community in Organisation.objects.filter(
        parent_id__in=subdistricts, kind=OrganisationKinds.COMMUNITY
    ):
        communities[community.pk] = community
    if not communities:
        raise NoTargetCommunities()
    return list(communities.values())


APPLICATION_FIELD_NAMES = (
    "contact_name", "contact_phone", "item_name", "item_class", "domain", "legal_basis",
    "necessity", "community_duty", "frequency", "starts_on", "ends_on", "targets_all",
    "estimated_hours", "funding_per_community", "funding_source", "support_offered", "urgent",
    "urgent_reason",
)  # fmt: skip


@dataclass(frozen=True)
class RequiredRecords:
    """The ledgers and plaques an application asks for: records chosen from the catalog's
    ledger and plaque lists, and names of new ones the admission would create."""

    ledgers: list[Ledger]
    plaques: list[Plaque]
    new_ledger_names: list[str]
    new_plaque_names: list[str]

    def values(self) -> dict[str, object]:
        """As stored on the application and recorded in its audit events."""
        return {
            "ledgers": [ledger.code for ledger in self.ledgers],
            "plaques": [plaque.code for plaque in self.plaques],
            "new_ledger_names": self.new_ledger_names,
            "new_plaque_names": self.new_plaque_names,
        }


def _chosen[R: (Ledger, Plaque)](
    records: QuerySet[R], codes: tuple[str, ...], field: str, zh: str, en: str
) -> tuple[list[R], list[Problem]]:
    """The active records with these codes, in the order given; a code the records lack (or
    retired) is a problem of the field."""
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    found = {record.code: record for record in records.filter(code__in=wanted)}
    missing = [code for code in wanted if code not in found]
    problems = []
    if missing:
        problems.append(
            Problem(
                f"{zh}库中没有（或已停用）：{'、'.join(missing)}。请从{zh}库中选择，"
                f"或在“新增{zh}”中写明名称。",
                f"Not among the {en}s in use: {', '.join(missing)}. Choose from the {en}s, or "
                f"name a new {en}.",
                field=field,
            )
        )
    return [found[code] for code in wanted if code in found], problems


def _new_names[R: (Ledger, Plaque)](
    records: QuerySet[R], names: tuple[str, ...], field: str, zh: str, en: str
) -> tuple[list[str], list[Problem]]:
    """New record names, trimmed and once each; a name already in the records is chosen there
    instead (so the burden is counted once)."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    problems = []
    too_long = [name for name in wanted if len(name) > NEW_RECORD_NAME_MAX]
    if too_long:
        problems.append(
            Problem(
                f"新增{zh}的名称不能超过{NEW_RECORD_NAME_MAX}字。",
                f"A new {en}'s name is at most {NEW_RECORD_NAME_MAX} characters.",
                field=field,
            )
        )
    for record in records.filter(name__in=wanted).order_by("code"):
        problems.append(
            Problem(
                f"“{record.name}”已在{zh}库中（{record.code}），请直接选择，不要新增。",
                f"'{record.name}' is already a {en} ({record.code}): choose it instead.",
                field=field,
            )
        )
    return wanted, problems


def _required_records(fields: ApplicationFields) -> tuple[RequiredRecords, list[Problem]]:
    ledgers, ledger_problems = _chosen(
        ledgers_active(), fields.ledger_codes, "ledgers", "台账", "ledger"
    )
    plaques, plaque_problems = _chosen(
        plaques_active(), fields.plaque_codes, "plaques", "牌子", "plaque"
    )
    new_ledgers, new_ledger_problems = _new_names(
        ledgers_active(), fields.new_ledger_names, "new_ledgers", "台账", "ledger"
    )
    new_plaques, new_plaque_problems = _new_names(
        plaques_active(), fields.new_plaque_names, "new_plaques", "牌子", "plaque"
    )
    records = RequiredRecords(ledgers, plaques, new_ledgers, new_plaques)
    return records, ledger_problems + plaque_problems + new_ledger_problems + new_plaque_problems


def _checked(fields: ApplicationFields) -> RequiredRecords:
    """Every problem of the fields at once; statutory work is refused by its own rule."""
    records, record_problems = _required_records(fields)
    problems = _problems(fields) + record_problems
    if fields.item_class == ItemClasses.STATUTORY:
        raise StatutoryWorkByOfficeOnly(problems)
    if problems:
        raise InvalidInput(problems)
    return records


def _set_records(application: Application, records: RequiredRecords) -> None:
    application.ledgers.set(records.ledgers)
    application.plaques.set(records.plaques)


def application_values(application: Application) -> dict[str, object]:
    """The application's fields as its audit events record them."""
    return {
        **{name: getattr(application, name) for name in APPLICATION_FIELD_NAMES},
        "ledgers": sorted(application.ledgers.values_list("code", flat=True)),
        "plaques": sorted(application.plaques.values_list("code", flat=True)),
        "new_ledger_names": list(application.new_ledger_names),
        "new_plaque_names": list(application.new_plaque_names),
    }


def _next_number(year: int) -> str:
    count = Application.objects.filter(number__startswith=f"SQ{year}-").count()
    return f"SQ{year}-{count + 1:04d}"


def application_create(
    *,
    actor: AnyUser,
    applicant: Organisation,
    fields: ApplicationFields,
    idempotency_key: str = "",
) -> Application:
    """A draft application (申请社区办理事项审批表) of the applicant department.

    With an Idempotency-Key (`core.idempotency`), a retried submission returns the application
    the first one created; the same key with different fields is refused."""
    user = acting_user(actor)
    if user is None or not can_file_for(actor, applicant):
        raise PermissionDenied(
            "只有本部门的经办人或负责人可以填报申请。",
            "Only the department's clerk or head may file its applications.",
        )
    key = idempotency_key_checked(idempotency_key)
    records = _checked(fields)
    targets = _targets(fields)
    values: dict[str, object] = {name: getattr(fields, name) for name in APPLICATION_FIELD_NAMES}
    values["new_ledger_names"] = records.new_ledger_names
    values["new_plaque_names"] = records.new_plaque_names
    fingerprint = request_hash(
        {
            "applicant": applicant.code,
            "targets": sorted(fields.target_community_codes),
            **values,
            **records.values(),
        }
    )
    same_key = Application.objects.filter(created_by=user, idempotency_key=key)

    def create() -> Application:
        for attempt in range(5):
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        number=_next_number(clock.today().year),
                        applicant=applicant,
                        created_by=user,
                        idempotency_key=key,
                        request_hash=fingerprint,
                        created_at=clock.now(),
                        **values,
                    )
                    application.target_communities.set(targets)
                    _set_records(application, records)
                    record_event(
                        actor=user,
                        action="application.create",
                        obj=application,
                        changes=created_fields({**values, **records.values()}),
                    )
                    return application
            except IntegrityError:
                # Two applications took the same number: number again. (The same key twice at
                # once is idempotent_create's to answer.)
                if attempt == 4 or (key and same_key.exists()):
                    raise
        raise IntegrityError("no free application number")

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def application_revise(
    *, actor: AnyUser, application: Application, fields: ApplicationFields, expected_revision: int
) -> Application:
    """Change a draft, or an application returned for revision."""
    if not can_file_for(actor, application.applicant):
        raise PermissionDenied()
    records = _checked(fields)
    targets = _targets(fields)
    with transaction.atomic():
        claimed = Application.objects.filter(
            pk=application.pk,
            revision=expected_revision,
            status__in=[ApplicationStatuses.DRAFT, ApplicationStatuses.RETURNED],
        ).update(revision=expected_revision + 1)
        if claimed != 1:
            current = Application.objects.get(pk=application.pk)
            if current.status not in (ApplicationStatuses.DRAFT, ApplicationStatuses.RETURNED):
                raise APPLICATION.refusal(current, current.status, "revise")
            raise StaleObject()
        current = Application.objects.get(pk=application.pk)
        before = application_values(current)
        for name in APPLICATION_FIELD_NAMES:
            setattr(current, name, getattr(fields, name))
        current.new_ledger_names = records.new_ledger_names
        current.new_plaque_names = records.new_plaque_names
        current.save()
        current.target_communities.set(targets)
        _set_records(current, records)
        record_event(
            actor=acting_user(actor),
            action="application.revise",
            obj=current,
            changes=changed_fields(before, application_values(current)),
        )
    return current


def _move(
    *,
    actor: AnyUser,
    application: Application,
    action: str,
    reason: str = "",
    extra: dict[str, object] | None = None,
) -> Application:
    """Take one step of `admissions.workflow` (the extra fields set with it are recorded as
    new values on its audit event)."""
    transition_apply(
        APPLICATION,
        actor=actor,
        subject=application,
        action=action,
        values=extra,
        changes={key: [None, _audit_value(value)] for key, value in (extra or {}).items()},
        reason=reason,
    )
    return Application.objects.get(pk=application.pk)


def _audit_value(value: object) -> object:
    """Related rows are recorded by their id and name, not as objects."""
    if isinstance(value, Model):
        return f"{value.pk} {value}"
    return value


def next_round_for(day: dt.date) -> ReviewRound:
    """The round a normal application submitted on `day` joins: the next January or July round
    that has not opened its consultation (created ahead of time if missing)."""
    for year in (day.year, day.year + 1, day.year + 2):
        for month in (1, 7):
            if (year, month) < (day.year, day.month):
                continue
            review_round, _created = ReviewRound.objects.get_or_create(year=year, month=month)
            if review_round.status == RoundStatuses.PLANNED:
                return review_round
    raise AssertionError("no planned round within two years")


def review_rounds_plan_ahead(today: dt.date, *, count: int = 2) -> list[ReviewRound]:
    """Create the next `count` January and July rounds ahead of time (idempotent)."""
    planned: list[ReviewRound] = []
    year, month = (
        (today.year, 1 if today.month == 1 else 7) if today.month <= 7 else (today.year + 1, 1)
    )
    while len(planned) < count:
        review_round, _created = ReviewRound.objects.get_or_create(year=year, month=month)
        planned.append(review_round)
        year, month = (year, 7) if month == 1 else (year + 1, 1)
    return planned


def application_submit(*, actor: AnyUser, application: Application) -> Application:
    APPLICATION.authorise(actor, application, "submit")
    today = clock.today()
    with transaction.atomic():
        current = Application.objects.get(pk=application.pk)
        if current.item_class == ItemClasses.STATUTORY:
            raise StatutoryWorkByOfficeOnly()  # a draft filed before the rule
        extra: dict[str, object] = {"submitted_at": clock.now()}
        if current.urgent:
            earliest = earliest_urgent_start(today)
            if current.starts_on < earliest:
                raise UrgentLeadTimeTooShort(earliest)
            extra["review_round"] = None
        else:
            extra["review_round"] = next_round_for(today)
        return _move(actor=actor, application=current, action="submit", extra=extra)


def application_withdraw(*, actor: AnyUser, application: Application, reason: str) -> Application:
    APPLICATION.authorise(actor, application, "withdraw")
    with transaction.atomic():
        return _move(actor=actor, application=application, action="withdraw", reason=reason)


def _consulted_bodies(application: Application) -> list[Organisation]:
    """The targeted communities and their subdistricts (all communities when targets_all)."""
    if application.targets_all:
        communities = list(active_communities(clock.today()))
    else:
        communities = list(application.target_communities.all())
    subdistrict_ids = {c.parent_id for c in communities if c.parent_id}
    subdistricts = list(
        Organisation.objects.filter(pk__in=subdistrict_ids, kind=OrganisationKinds.SUBDISTRICT)
    )
    return subdistricts + communities


def round_open_consultation(
    *, actor: AnyUser, review_round: ReviewRound, deadline: dt.datetime
) -> ReviewRound:
    """Open the round's consultation: every submitted application goes to its consulted bodies."""
    REVIEW_ROUND.authorise(actor, review_round, "open_consultation")
    round_step_check(
        today=clock.today(), year=review_round.year, month=review_round.month, step=OPEN
    )
    if deadline <= clock.now():
        raise InvalidInput(
            [
                Problem(
                    "征询截止时间须晚于现在。",
                    "The deadline must be in the future.",
                    field="deadline",
                )
            ]
        )
    with transaction.atomic():
        transition_apply(
            REVIEW_ROUND,
            actor=actor,
            subject=review_round,
            action="open_consultation",
            values={"consultation_opened_at": clock.now(), "consultation_deadline": deadline},
            changes={"deadline": [None, deadline]},
        )
        applications = Application.objects.filter(
            review_round=review_round, status=ApplicationStatuses.SUBMITTED
        )
        for application in applications:
            _move(actor=actor, application=application, action="open_consultation")
            Ballot.objects.bulk_create(
                Ballot(application=application, body=body)
                for body in _consulted_bodies(application)
            )
        current = ReviewRound.objects.get(pk=review_round.pk)
        transaction.on_commit(lambda: tasks.notify_consultation_opened.enqueue(current.pk))
    return current


def round_close_consultation(
    *, actor: AnyUser, review_round: ReviewRound, reason: str = ""
) -> ReviewRound:
    """Close the round's consultation, in the round's month or the next (`round_timing`).
    Before its deadline (`consultation_is_open`) this is an early close: allowed without a
    reason only when every consulted body has voted, else it needs a `reason`
    (EarlyCloseNeedsReason). The round keeps `closed_early` and the reason (shown on its
    decisions); the close event records both."""
    REVIEW_ROUND.authorise(actor, review_round, "close_consultation")
    round_step_check(
        today=clock.today(), year=review_round.year, month=review_round.month, step=CLOSE
    )
    reason = reason.strip()
    with transaction.atomic():
        current = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
        early = consultation_is_open(current, clock.now())
        not_voted = Ballot.objects.filter(
            application__review_round=current,
            application__status=ApplicationStatuses.CONSULTING,
            vote="",
        ).count()
        if early and not reason and not_voted:
            raise EarlyCloseNeedsReason(not_voted)
        values: dict[str, object] = {"consultation_closed_at": clock.now()}
        if early:
            values.update(closed_early=True, early_close_reason=reason)
        transition_apply(
            REVIEW_ROUND,
            actor=actor,
            subject=review_round,
            action="close_consultation",
            values=values,
            changes={"closed_early": [None, True]} if early else None,
            reason=reason,
        )
        for application in Application.objects.filter(
            review_round=review_round, status=ApplicationStatuses.CONSULTING
        ):
            _move(actor=actor, application=application, action="close_consultation")
        current = ReviewRound.objects.get(pk=review_round.pk)
    return current


def ballot_cast(
    *, actor: AnyUser, application: Application, body: Organisation, vote: str, comment: str = ""
) -> Ballot:
    """A consulted body votes, or changes its vote, until the deadline. Always one ballot."""
    if vote not in Votes.values:
        raise InvalidInput(
            [
                Problem(
                    "投票须为同意、不同意或弃权。",
                    "The vote must be approve, reject or abstain.",
                    field="vote",
                )
            ]
        )
    if not can_vote_for(actor, body):
        raise NotConsulted()
    with transaction.atomic():
        current = Application.objects.select_related("review_round").get(pk=application.pk)
        if current.status != ApplicationStatuses.CONSULTING or not consultation_is_open(
            current.review_round, clock.now()
        ):
            raise ConsultationClosed()
        ballot = Ballot.objects.filter(application=current, body=body).first()
        if ballot is None:
            raise NotConsulted()
        before = {"vote": ballot.vote, "comment": ballot.comment}
        Ballot.objects.filter(pk=ballot.pk).update(
            vote=vote,
            comment=comment.strip(),
            cast_by=acting_user(actor),
            cast_at=clock.now(),
            revision=F("revision") + 1,
        )
        ballot.refresh_from_db()
        record_event(
            actor=acting_user(actor),
            action="ballot.cast",
            obj=ballot,
            changes=changed_fields(before, {"vote": ballot.vote, "comment": ballot.comment}),
        )
    return ballot


def application_review(
    *,
    actor: AnyUser,
    application: Application,
    action: str,
    opinion: str,
    social_org: Organisation | None = None,
) -> Application:
    """The office's comprehensive review: forward (only at or above the threshold), reject,
    return for revision, or redirect to purchase of services."""
    if not OFFICE.may(actor, application):
        raise OFFICE.refusal()
    if action not in REVIEW_ACTIONS:
        raise InvalidInput(
            [Problem("审核结论无法识别。", "Unknown review outcome.", field="action")]
        )
    if not opinion.strip():
        raise InvalidInput(
            [Problem("请填写审核意见。", "Give the office's opinion.", field="opinion")]
        )
    extra: dict[str, object] = {"office_opinion": opinion.strip()}
    with transaction.atomic():
        if action == "forward":
            tally = application_tally(application)
            if not tally.passed:
                raise PassRateBelowThreshold(tally.pass_rate, tally.threshold)
        if action == "redirect":
            if social_org is None or social_org.kind != OrganisationKinds.SOCIAL_ORG:
                raise SocialOrganisationRequired()
            extra["proposed_social_org"] = social_org
        if action in ("office_reject", "redirect"):
            extra["decided_at"] = clock.now()
            extra["decision_reason"] = opinion.strip()
        moved = _move(
            actor=actor, application=application, action=action, reason=opinion, extra=extra
        )
        _notify_applicant(moved)
        return moved


def _admitted_item_fields(application: Application, *, valid_to: dt.date | None) -> ItemFields:
    """The catalog item an approval admits: the application's terms, its ledgers and plaques
    included (the burden travels with the item)."""
    return ItemFields(
        code=f"ZR{application.number.removeprefix('SQ')}",
        name=application.item_name,
        item_class=application.item_class,
        domain=application.domain,
        department_code=application.applicant.code,
        legal_basis=application.legal_basis,
        community_duty=application.community_duty,
        frequency=application.frequency,
        ledger_codes=tuple(ledger.code for ledger in application.ledgers.order_by("code")),
        plaque_codes=tuple(plaque.code for plaque in application.plaques.order_by("code")),
        estimated_hours=application.estimated_hours,
        funding_per_community=application.funding_per_community,
        valid_from=application.starts_on,
        valid_to=valid_to,
        application_ref=application.number,
    )


def _admit(
    *, actor: AnyUser, application: Application, valid_to: dt.date | None, title: str
) -> dict[str, object]:
    if application.item_class == ItemClasses.STATUTORY:
        raise StatutoryWorkByOfficeOnly()  # filed before the rule: never admitted this way
    if application.item_class == ItemClasses.DELEGATED and not application.funding_per_community:
        raise DelegatedItemUnfunded()
    item, _edition = catalog_admit(
        actor=actor,
        fields=_admitted_item_fields(application, valid_to=valid_to),
        title=title,
        new_ledger_names=tuple(application.new_ledger_names),
        new_plaque_names=tuple(application.new_plaque_names),
    )
    if application.item_class == ItemClasses.DELEGATED:
        assert application.funding_per_community is not None
        FundingCommitment.objects.create(
            application=application,
            catalog_item=item,
            payer=application.applicant,
            amount_per_community_per_year=application.funding_per_community,
            period_start=application.starts_on,
            period_end=valid_to,
            recorded_at=clock.now(),
            recorded_by=acting_user(actor),
            budget_line=application.funding_source.strip(),
            basis=CommitmentBases.EQUAL,
        )
    return {"catalog_item": item}


@dataclass(frozen=True)
class MeetingRecord:
    """The committee meeting a decision is taken at: its date and, for each member present,
    the member (a user id) and the vote (同意/不同意/弃权)."""

    held_on: dt.date
    votes: tuple[tuple[int, str], ...]


def _meeting_problems(
    meeting: MeetingRecord, application: Application, member_ids: set[int]
) -> list[Problem]:
    problems: list[Problem] = []
    if meeting.held_on > clock.today():
        problems.append(
            Problem(
                "会议日期不能晚于今天。", "The meeting cannot be in the future.", field="held_on"
            )
        )
    review_round = application.review_round
    if review_round is not None and review_round.consultation_closed_at is not None:
        closed_on = clock.local_date(review_round.consultation_closed_at)
        if meeting.held_on < closed_on:
            problems.append(
                Problem(
                    f"会议日期早于征询截止日（{closed_on.isoformat()}）。",
                    f"The meeting is before the consultation closed ({closed_on.isoformat()}).",
                    field="held_on",
                )
            )
    present = [member for member, _vote in meeting.votes]
    if len(set(present)) != len(present):
        problems.append(Problem("每位委员只能投一票。", "Each member votes once.", field="members"))
    if set(present) - member_ids:
        problems.append(
            Problem(
                "出席者须为会议当日的委员会委员。",
                "Those present must be members of the committee on the meeting's day.",
                field="members",
            )
        )
    if any(vote not in Votes.values for _member, vote in meeting.votes):
        problems.append(
            Problem(
                "每位出席委员的表决须为同意、不同意或弃权。",
                "Each member present votes approve, reject or abstain.",
                field="votes",
            )
        )
    return problems


def application_decide(
    *, actor: AnyUser, application: Application, meeting: MeetingRecord, reason: str
) -> Application:
    """The committee decides as a body: the secretary (a committee member) or the office
    records the meeting (date, members present, each one's vote); the outcome is the pure
    rule's (`committee.meeting_result`: a quorum, then a majority of those present), never
    chosen. Taken in the round's month or the next (`round_timing`), both the meeting and its
    recording. Approval admits the item and publishes it in a new edition; otherwise the
    application is rejected (不予准入)."""
    recorder = acting_user(actor)
    if recorder is None or not DECIDERS.may(actor, application):
        raise DECIDERS.refusal()
    if not reason.strip():
        raise InvalidInput(
            [Problem("请写明决定理由。", "Give the reasons for the decision.", field="reason")]
        )
    with transaction.atomic():
        current = Application.objects.select_related("applicant", "review_round").get(
            pk=application.pk
        )
        APPLICATION.check(actor, current, "approve", current.status)
        if current.review_round is not None:
            for day in (clock.today(), meeting.held_on):
                round_step_check(
                    today=day,
                    year=current.review_round.year,
                    month=current.review_round.month,
                    step=DECIDE,
                )
        member_ids = set(committee_members_on(meeting.held_on).values_list("pk", flat=True))
        problems = _meeting_problems(meeting, current, member_ids)
        if problems:
            raise InvalidInput(problems)
        result = meeting_result(
            members=len(member_ids),
            votes=[vote for _member, vote in meeting.votes],
            quorum=committee_quorum(),
        )
        if not result.quorate:
            raise NoQuorum(result)
        action = "approve" if result.passed else "committee_reject"
        recorded = CommitteeMeeting.objects.create(
            application=current,
            held_on=meeting.held_on,
            members=result.members,
            recorded_by=recorder,
            recorded_at=clock.now(),
        )
        MemberVote.objects.bulk_create(
            MemberVote(meeting=recorded, member_id=member, vote=vote)
            for member, vote in meeting.votes
        )
        record_event(
            actor=acting_user(actor),
            action="committee_meeting.record",
            obj=recorded,
            changes=created_fields(
                {
                    "application": current.number,
                    "held_on": meeting.held_on,
                    "members": result.members,
                    "votes": sorted([member, vote] for member, vote in meeting.votes),
                    "outcome": action,
                }
            ),
        )
        extra: dict[str, object] = {"decision_reason": reason.strip(), "decided_at": clock.now()}
        if action == "approve":
            extra.update(
                _admit(
                    actor=actor,
                    application=current,
                    valid_to=current.ends_on,
                    title=f"准入决定：{current.number} {current.item_name}",
                )
            )
        decided = _move(actor=actor, application=current, action=action, reason=reason, extra=extra)
        _decide_round_when_done(actor, decided.review_round_id)
        _notify_applicant(decided)
    return decided


def urgent_valid_to(application: Application) -> dt.date:
    """An urgent item is admitted for its period, and at most until the next round publishes
    (the end of the next January or July after its start)."""
    start = application.starts_on
    year, month = (start.year, 7) if start.month < 7 else (start.year + 1, 1)
    round_end = dt.date(year, month, 31)
    return min(application.ends_on, round_end) if application.ends_on else round_end


def application_urgent_approve(
    *, actor: AnyUser, application: Application, reason: str
) -> Application:
    """即时审批: the office approves an urgent application at once."""
    APPLICATION.authorise(actor, application, "urgent_approve")
    if not reason.strip():
        raise InvalidInput([Problem("请写明审批理由。", "Give the reasons.", field="reason")])
    with transaction.atomic():
        current = Application.objects.select_related("applicant").get(pk=application.pk)
        APPLICATION.check(actor, current, "urgent_approve", current.status)
        extra: dict[str, object] = {"decision_reason": reason.strip(), "decided_at": clock.now()}
        extra.update(
            _admit(
                actor=actor,
                application=current,
                valid_to=urgent_valid_to(current),
                title=f"紧急事项即时审批：{current.number} {current.item_name}",
            )
        )
        approved = _move(
            actor=actor, application=current, action="urgent_approve", reason=reason, extra=extra
        )
        _notify_applicant(approved)
        return approved


def _notify_applicant(application: Application) -> None:
    """After commit, tell the applicant department what happened (returned or decided)."""
    if application.status == ApplicationStatuses.RETURNED:
        transaction.on_commit(lambda: tasks.notify_returned.enqueue(application.pk))
    elif application.status in FINAL_STATUSES:
        transaction.on_commit(lambda: tasks.notify_decided.enqueue(application.pk))


def _decide_round_when_done(actor: AnyUser, round_id: int | None) -> None:
    """The decision that leaves its round no open application decides the round, taken by the
    person recording the decision (in that decision's transaction). The round is locked first, so of
    two last decisions taken at once the later sees the earlier's."""
    if round_id is None:
        return
    review_round = ReviewRound.objects.select_for_update().get(pk=round_id)
    if review_round.status != RoundStatuses.REVIEWING:
        return
    open_statuses = (
        set(ApplicationStatuses.values) - FINAL_STATUSES - {ApplicationStatuses.RETURNED}
    )
    if not Application.objects.filter(review_round_id=round_id, status__in=open_statuses).exists():
        transition_apply(
            REVIEW_ROUND,
            actor=actor,
            subject=review_round,
            action="decide",
            values={"decided_at": clock.now()},
        )
