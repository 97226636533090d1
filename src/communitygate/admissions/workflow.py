"""The life of an application as data: each action, the statuses it may start from, where it
leads, and who takes it. `target_status` is a pure function, tested as a table."""

from dataclasses import dataclass

from communitygate.admissions.models import ApplicationStatuses as S


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    actor: str  # "applicant" | "office" | "committee"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "applicant"),
    "withdraw": Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.CONSULTING, S.IN_REVIEW}),
        S.WITHDRAWN,
        "applicant",
    ),
    "open_consultation": Transition(frozenset({S.SUBMITTED}), S.CONSULTING, "office"),
    "close_consultation": Transition(frozenset({S.CONSULTING}), S.IN_REVIEW, "office"),
    "forward": Transition(frozenset({S.IN_REVIEW}), S.AT_COMMITTEE, "office"),
    "office_reject": Transition(frozenset({S.IN_REVIEW}), S.REJECTED, "office"),
    "return": Transition(frozenset({S.IN_REVIEW}), S.RETURNED, "office"),
    "redirect": Transition(frozenset({S.IN_REVIEW}), S.REDIRECTED, "office"),
    "approve": Transition(frozenset({S.AT_COMMITTEE}), S.APPROVED, "committee"),
    "committee_reject": Transition(frozenset({S.AT_COMMITTEE}), S.REJECTED, "committee"),
    "urgent_approve": Transition(frozenset({S.SUBMITTED}), S.APPROVED, "office"),
}

REVIEW_ACTIONS = ("forward", "office_reject", "return", "redirect")
DECISION_ACTIONS = ("approve", "committee_reject")
FINAL_STATUSES = frozenset({S.APPROVED, S.REJECTED, S.REDIRECTED, S.WITHDRAWN})


def target_status(current: str, action: str) -> str | None:
    """Where `action` leads from `current`, or None when it is not allowed from there."""
    transition = TRANSITIONS.get(action)
    if transition is None or current not in transition.sources:
        return None
    return transition.target


def actions_from(current: str) -> list[str]:
    return [action for action in TRANSITIONS if target_status(current, action) is not None]
