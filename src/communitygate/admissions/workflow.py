"""The life of an application as a table (core.workflow): each action, the statuses it may start
from, where it leads, and who takes it: the applicant department's clerk or head
(`can_file_for`), the committee office (`is_office_staff`) or a committee member
(`is_committee_member`). Urgent approval needs an urgent application besides its status.
"""

from communitygate.accounts.permissions import is_office_staff
from communitygate.admissions.models import Application
from communitygate.admissions.models import ApplicationStatuses as S
from communitygate.admissions.permissions import can_file_for, is_committee_member
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Guard, TransitionNotAllowed, Who, Workflow, rows


class ApplicationTransitionNotAllowed(TransitionNotAllowed):
    code = "application_transition_not_allowed"


def _applicant(actor: AnyUser, application: Application) -> bool:
    return can_file_for(actor, application.applicant)


def _office(actor: AnyUser, _application: Application) -> bool:
    return is_office_staff(actor)


def _committee(actor: AnyUser, _application: Application) -> bool:
    return is_committee_member(actor)


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
        *rows([S.AT_COMMITTEE], "approve", S.APPROVED, COMMITTEE),
        *rows([S.AT_COMMITTEE], "committee_reject", S.REJECTED, COMMITTEE),
        *rows([S.SUBMITTED], "urgent_approve", S.APPROVED, OFFICE, URGENT),
    ),
)

REVIEW_ACTIONS = ("forward", "office_reject", "return", "redirect")
DECISION_ACTIONS = ("approve", "committee_reject")
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.REDIRECTED, S.WITHDRAWN})
