"""The residents' matters workflow (民情事项办理流程) as a table (core.workflow): which step
leads from which status to which, and who may take it. The services take every step through
`audit.transitions.transition_apply`, a conditional update from the status the table was asked
about, so two people acting at once cannot both win.

    received ──assign──▶ assigned ──answer──▶ answered ──close──▶ closed
        └──────────answer──────────────────▲     │                  │
    reopened ◀──reopen (staff, or the resident's "unsatisfied" rating)┘
    reopened ──assign──▶ assigned;  reopened ──answer──▶ answered

A matter may be answered without first being assigned (most questions at the counter are
answered on the spot); answering then makes the person who answered its assignee. Staff are the
secretary and workers of the matter's own community (`works_in`); the resident is whoever gave
the matter's tracking code and phone on the public rating page (`TrackingCodeHolder`).
"""

from dataclasses import dataclass
from enum import StrEnum

from communitygate.core.errors import RuleBroken
from communitygate.core.workflow import Actor, TransitionNotAllowed, Who, Workflow, rows
from communitygate.matters.models import Matter, MatterStatuses
from communitygate.registry.permissions import works_in


class MatterActions(StrEnum):
    ASSIGN = "assign"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class TrackingCodeHolder:
    """The resident on the public rating page: not signed in, known by having given the matter's
    tracking code and the last four digits of its phone (`matter_by_code`)."""

    matter_id: int


class MatterStepNotAllowed(TransitionNotAllowed):
    code = "matter_step_not_allowed"
    status = 409

    def __init__(
        self, state: str, action: str, *, what_zh: str = "", what_en: str = "", name: str = ""
    ) -> None:
        label = MatterStatuses(state).label if state in MatterStatuses.values else state
        RuleBroken.__init__(
            self,
            f"事项当前状态为“{label}”，不能执行“{action}”；请刷新页面查看最新状态。",
            f"The matter is '{state}'; '{action}' is not possible from there. Reload the page "
            "to see its current status.",
        )
        self.current = state
        self.action = action


def _staff(actor: Actor, matter: Matter) -> bool:
    if isinstance(actor, TrackingCodeHolder):
        return False
    return works_in(actor, matter.community_id)


def _resident(actor: Actor, matter: Matter) -> bool:
    return isinstance(actor, TrackingCodeHolder) and actor.matter_id == matter.pk


STAFF = Who(
    "staff",
    _staff,
    "只有本社区的工作人员可以办理本社区的事项。",
    "Only the community's own staff may act on its matters.",
)
RESIDENT = Who(
    "resident",
    _resident,
    "只有凭查询码和电话核实的居民可以评价事项。",
    "Only the resident, with the tracking code and phone, may rate the matter.",
)

S = MatterStatuses
A = MatterActions

MATTER = Workflow(
    name="matter",
    field="status",
    noun_zh="事项",
    noun_en="matter",
    refusal_class=MatterStepNotAllowed,
    transitions=(
        *rows([S.RECEIVED, S.ASSIGNED, S.REOPENED], A.ASSIGN, S.ASSIGNED, STAFF),
        *rows([S.RECEIVED, S.ASSIGNED, S.REOPENED], A.ANSWER, S.ANSWERED, STAFF),
        *rows([S.ANSWERED], A.CLOSE, S.CLOSED, STAFF),
        *rows([S.ANSWERED, S.CLOSED], A.REOPEN, S.REOPENED, STAFF),
        *rows([S.ANSWERED, S.CLOSED], A.REOPEN, S.REOPENED, RESIDENT),
    ),
)

# Statuses in which the community still owes the resident an answer.
OPEN_STATUSES = frozenset({S.RECEIVED, S.ASSIGNED, S.REOPENED})
# Statuses in which the resident may rate the answer.
RATEABLE_STATUSES = frozenset({S.ANSWERED, S.CLOSED})
