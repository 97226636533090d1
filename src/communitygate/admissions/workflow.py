"""The life of an application and of a review round as tables (core.workflow): each action, the
statuses it may start from, where it leads, and who takes it: the applicant department's clerk or
head (`can_file_for`), the committee office (`is_office_staff`), or, for the committee's decision,
a committee member or the office recording the meeting (`DECIDERS`). Urgent approval needs an urgent application besides its status.

A review round (审批批次) is planned, the office opens its consultation and closes it, and the
round is decided when the committee member taking the decision on its last open application
decides it (`review_round.decide`, in that decision's transaction).
"""

from typing import Literal, get_args

from communitygate.accounts.permissions import is_office_staff
from communitygate.admissions.models import Application, ReviewRound
from communitygate.admissions.models import ApplicationStatuses as S
from communitygate.admissions.models import RoundStatuses as R
from communitygate.admissions.permissions import can_file_for, is_committee_member
from communitygate.core.errors import RuleBroken
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Guard, TransitionNotAllowed, Who, Workflow, rows


class ApplicationTransitionNotAllowed(TransitionNotAllowed):
    code = "application_transition_not_allowed"


class RoundNotPlanned(TransitionNotAllowed):
    """Only a planned round's consultation opens (the round keeps its own code)."""

    code = "round_not_planned"

    def __init__(self, state: str, action: str = "open_consultation", **_naming: str) -> None:
        RuleBroken.__init__(
            self,
            f"该批次当前状态为“{state}”，不能开始征询。",
            f"The round is '{state}'; the consultation cannot open.",
        )
        self.current, self.action = state, action


class RoundNotConsulting(TransitionNotAllowed):
    """Only a round in consultation closes it (the round keeps its own code)."""

    code = "round_not_consulting"

    def __init__(self, state: str, action: str = "close_consultation", **_naming: str) -> None:
        RuleBroken.__init__(self, "该批次未在征询中。", "The round is not in consultation.")
        self.current, self.action = state, action


def _applicant(actor: AnyUser, application: Application) -> bool:
    return can_file_for(actor, application.applicant)


def _office(actor: AnyUser, _subject: Application | ReviewRound) -> bool:
    return is_office_staff(actor)


def _committee(actor: AnyUser, _subject: Application | ReviewRound) -> bool:
    return is_committee_member(actor)


def _decider(actor: AnyUser, _subject: Application | ReviewRound) -> bool:
    """Whoever records the committee's decision: a member (the committee's secretary is one)
    or the committee office. The decision itself is the meeting's (admissions.committee)."""
    if is_committee_member(actor):
        return True
    return is_office_staff(actor)


APPLICANT = Who("applicant", _applicant)
OFFICE = Who(
    "office", _office, "只有委员会办公室可以执行此操作。", "Only the committee office may do this."
)
COMMITTEE = Who(
    "committee",
    _committee,
    "只有区社区建设指导委员会委员可以作出决定。",
    "Only committee members decide.",
)


def _not_urgent(application: Application) -> TransitionNotAllowed:
    return APPLICATION.refusal(application, application.status, "urgent_approve")


DECIDERS = Who(
    "committee",
    _decider,
    "只有区社区建设指导委员会委员或委员会办公室可以记录委员会的决定。",
    "Only a committee member or the committee office records the committee's decision.",
)


URGENT = Guard("urgent", lambda application: application.urgent, _not_urgent)

APPLICATION = Workflow(
    name="application",
    field="status",
    noun_zh="申请",
    noun_en="application",
    label=lambda application: application.number,
    refusal_class=ApplicationTransitionNotAllowed,
    transitions=(
        *rows([S.DRAFT, S.RETURNED], "submit", S.SUBMITTED, APPLICANT),
        *rows(
            [S.DRAFT, S.SUBMITTED, S.RETURNED, S.CONSULTING, S.IN_REVIEW],
            "withdraw",
            S.WITHDRAWN,
            APPLICANT,
        ),
        *rows([S.SUBMITTED], "open_consultation", S.CONSULTING, OFFICE),
        *rows([S.CONSULTING], "close_consultation", S.IN_REVIEW, OFFICE),
        *rows([S.IN_REVIEW], "forward", S.AT_COMMITTEE, OFFICE),
        *rows([S.IN_REVIEW], "office_reject", S.REJECTED, OFFICE),
        *rows([S.IN_REVIEW], "return", S.RETURNED, OFFICE),
        *rows([S.IN_REVIEW], "redirect", S.REDIRECTED, OFFICE),
        *rows([S.AT_COMMITTEE], "approve", S.APPROVED, DECIDERS),
        *rows([S.AT_COMMITTEE], "committee_reject", S.REJECTED, DECIDERS),
        *rows([S.SUBMITTED], "urgent_approve", S.APPROVED, OFFICE, URGENT),
    ),
)

ReviewAction = Literal["forward", "office_reject", "return", "redirect"]
DecisionAction = Literal["approve", "committee_reject"]
REVIEW_ACTIONS: tuple[str, ...] = get_args(ReviewAction)
DECISION_ACTIONS: tuple[str, ...] = get_args(DecisionAction)
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.REDIRECTED, S.WITHDRAWN})

REVIEW_ROUND = Workflow(
    name="review_round",
    field="status",
    noun_zh="批次",
    noun_en="review round",
    label=str,
    refusals={"open_consultation": RoundNotPlanned, "close_consultation": RoundNotConsulting},
    transitions=(
        *rows([R.PLANNED], "open_consultation", R.CONSULTING, OFFICE),
        *rows([R.CONSULTING], "close_consultation", R.REVIEWING, OFFICE),
        # Taken by whoever records the decision that leaves the round no open application.
        *rows([R.REVIEWING], "decide", R.DECIDED, DECIDERS),
    ),
)
