"""The residents' matters workflow (民情事项办理流程) as data: which step leads from which status
to which, and who may take it. The services ask `next_status` before every state change and
then make the change with a conditional update from exactly these source statuses, so two
people acting at once cannot both win.

    received ──assign──▶ assigned ──answer──▶ answered ──close──▶ closed
        └──────────answer──────────────────▲     │                  │
    reopened ◀──reopen (staff, or the resident's "unsatisfied" rating)┘
    reopened ──assign──▶ assigned;  reopened ──answer──▶ answered

A matter may be answered without first being assigned (most questions at the counter are
answered on the spot); answering then makes the person who answered its assignee.
"""

from dataclasses import dataclass
from enum import StrEnum

from communitygate.core.errors import RuleBroken
from communitygate.residents.models import MatterStatuses


class MatterActions(StrEnum):
    ASSIGN = "assign"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"


class MatterActors(StrEnum):
    """Who takes a step: the community's own staff (secretary or worker of the matter's
    community), or the resident through the public rating page."""

    STAFF = "staff"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Transition:
    action: MatterActions
    sources: frozenset[str]
    target: str
    actors: frozenset[MatterActors]


S = MatterStatuses
STAFF_ONLY = frozenset({MatterActors.STAFF})

TRANSITIONS: dict[MatterActions, Transition] = {
    MatterActions.ASSIGN: Transition(
        MatterActions.ASSIGN,
        frozenset({S.RECEIVED, S.ASSIGNED, S.REOPENED}),
        S.ASSIGNED,
        STAFF_ONLY,
    ),
    MatterActions.ANSWER: Transition(
        MatterActions.ANSWER,
        frozenset({S.RECEIVED, S.ASSIGNED, S.REOPENED}),
        S.ANSWERED,
        STAFF_ONLY,
    ),
    MatterActions.CLOSE: Transition(
        MatterActions.CLOSE, frozenset({S.ANSWERED}), S.CLOSED, STAFF_ONLY
    ),
    MatterActions.REOPEN: Transition(
        MatterActions.REOPEN,
        frozenset({S.ANSWERED, S.CLOSED}),
        S.REOPENED,
        frozenset({MatterActors.STAFF, MatterActors.RESIDENT}),
    ),
}

# Statuses in which the community still owes the resident an answer.
OPEN_STATUSES = frozenset({S.RECEIVED, S.ASSIGNED, S.REOPENED})
# Statuses in which the resident may rate the answer.
RATEABLE_STATUSES = frozenset({S.ANSWERED, S.CLOSED})


class MatterStepNotAllowed(RuleBroken):
    code = "matter_step_not_allowed"
    status = 409

    def __init__(self, status: str, action: str) -> None:
        label = MatterStatuses(status).label if status in MatterStatuses.values else status
        super().__init__(
            f"事项当前状态为“{label}”，不能执行“{action}”；请刷新页面查看最新状态。",
            f"The matter is '{status}'; '{action}' is not possible from there. Reload the page "
            "to see its current status.",
        )
        self.current = status
        self.action = action


def next_status(current: str, action: str, actor: MatterActors) -> str:
    """The status after `actor` takes `action` on a matter in `current`; raises
    MatterStepNotAllowed when the table does not allow it. A pure function."""
    transition = TRANSITIONS.get(MatterActions(action)) if action in MatterActions else None
    if transition is None or current not in transition.sources or actor not in transition.actors:
        raise MatterStepNotAllowed(current, action)
    return transition.target


def sources_of(action: MatterActions) -> frozenset[str]:
    return TRANSITIONS[action].sources


def actions_from(current: str, actor: MatterActors) -> list[MatterActions]:
    """The steps `actor` may take from `current`, in the table's order (the buttons offered)."""
    return [
        transition.action
        for transition in TRANSITIONS.values()
        if current in transition.sources and actor in transition.actors
    ]
