"""One community's copy of a task (an assignment) as two tables (core.workflow).

`ASSIGNMENT` moves its state: the community accepts an admitted task or refuses an unadmitted
one (one step, final), hands in the deliverable; the sending department confirms it or returns
it for another go. `ASSIGNMENT_EXTENSION` moves its extension state: the community asks for more
time while the work is in hand, the department grants (the due date moves) or declines.

    received ──accept──▶ accepted ──submit──▶ submitted ──confirm──▶ completed
        └──refuse──▶ refused        returned ◀──return──┘ (submit again)

Who acts: the assigned community's secretary or workers (`can_act_for_community`), the task's
sending department (`can_act_for_department`).
"""

from django.db.models import Q

from communitygate.core.errors import RuleBroken
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Guard, TransitionNotAllowed, Who, Workflow, rows
from communitygate.dispatch.models import Assignment, AssignmentStates, ExtensionStates
from communitygate.dispatch.permissions import can_act_for_community, can_act_for_department


class StateNotAllowed(TransitionNotAllowed):
    code = "assignment_state_not_allowed"


class AdmittedTaskCannotBeRefused(RuleBroken):
    code = "admitted_task_cannot_be_refused"

    def __init__(self) -> None:
        super().__init__(
            "已准入的任务不能拒绝；如需更多时间，可申请延期。",
            "An admitted task cannot be refused; ask for more time instead.",
        )


class UnadmittedTaskNotAccepted(RuleBroken):
    code = "unadmitted_task_not_accepted"

    def __init__(self) -> None:
        super().__init__(
            "未准入的任务不能接收，只能拒绝。",
            "An unadmitted task cannot be accepted; it can be refused.",
        )


def _community(actor: AnyUser, assignment: Assignment) -> bool:
    return can_act_for_community(actor, assignment)


def _department(actor: AnyUser, assignment: Assignment) -> bool:
    return can_act_for_department(actor, assignment.task)


COMMUNITY = Who(
    "community",
    _community,
    "只有被派单的社区可以办理。",
    "Only the assigned community may act on it.",
)
DEPARTMENT = Who(
    "department", _department, "只有派单部门可以办理。", "Only the sending department may do this."
)

ADMITTED = Guard(
    "admitted",
    lambda assignment: assignment.admitted,
    lambda _assignment: UnadmittedTaskNotAccepted(),
)
UNADMITTED = Guard(
    "unadmitted",
    lambda assignment: not assignment.admitted,
    lambda _assignment: AdmittedTaskCannotBeRefused(),
)

S = AssignmentStates
IN_HAND = (S.ACCEPTED, S.RETURNED)

ASSIGNMENT = Workflow(
    name="assignment",
    field="state",
    noun_zh="派单",
    noun_en="assignment",
    refusal_class=StateNotAllowed,
    transitions=(
        *rows([S.RECEIVED], "accept", S.ACCEPTED, COMMUNITY, ADMITTED),
        *rows([S.RECEIVED], "refuse", S.REFUSED, COMMUNITY, UNADMITTED),
        *rows(IN_HAND, "submit", S.SUBMITTED, COMMUNITY),
        *rows([S.SUBMITTED], "confirm", S.COMPLETED, DEPARTMENT),
        *rows([S.SUBMITTED], "return", S.RETURNED, DEPARTMENT),
    ),
)

# More time is asked only while the work is in hand (accepted, or returned to be done again).
WORK_IN_HAND = Guard(
    "work_in_hand",
    lambda assignment: assignment.state in IN_HAND,
    lambda assignment: StateNotAllowed(
        assignment.state, "request_extension", what_zh="派单", what_en="assignment"
    ),
    where=Q(state__in=IN_HAND),
)

E = ExtensionStates

ASSIGNMENT_EXTENSION = Workflow(
    name="assignment",
    field="extension_state",
    noun_zh="延期申请",
    noun_en="extension request",
    refusal_class=StateNotAllowed,
    transitions=(
        *rows(
            [E.NONE, E.GRANTED, E.DECLINED],
            "request_extension",
            E.REQUESTED,
            COMMUNITY,
            WORK_IN_HAND,
        ),
        *rows([E.REQUESTED], "grant_extension", E.GRANTED, DEPARTMENT),
        *rows([E.REQUESTED], "decline_extension", E.DECLINED, DEPARTMENT),
    ),
)
