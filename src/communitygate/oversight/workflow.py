"""Supervision's state machines as tables (core.workflow).

    VIOLATION    open ──confirm──▶ confirmed ──correct──▶ corrected
                   └──dismiss──▶ dismissed
    INSPECTION   planned ──complete──▶ completed;  planned ──cancel──▶ cancelled
    NOTICE       draft ──approve──▶ approved ──publish──▶ published (final, never changed)
                   │                  └──return──▶ draft
                   └──withdraw──▶ withdrawn
    ORDER        issued / returned / overdue ──respond──▶ answered ──accept──▶ accepted
                 issued / returned ──lapse──▶ overdue       answered ──return──▶ returned

Who acts: inspectors and their head (`SUPERVISION`); the head of a supervision office who did
not draft the notice (`APPROVER`, the second person); the named department (`DEPARTMENT`); the
daily deadline run (`CLOCK`: an order lapses when its deadline passes unanswered).
"""

from dataclasses import dataclass

from communitygate.core.people import AnyUser
from communitygate.core.workflow import TransitionNotAllowed, Who, Workflow, rows
from communitygate.oversight.models import (
    CorrectionOrder,
    InspectionStates,
    Notice,
    NoticeStates,
    OrderStates,
    ViolationStates,
)
from communitygate.oversight.permissions import (
    can_answer_order,
    can_approve_notice,
    can_decide_violations,
)


@dataclass(frozen=True)
class DeadlineRun:
    """The daily run (`lapse_correction_orders`) that marks orders past their deadline: not a
    person, so the audit event has no user and the table's CLOCK row admits only it."""


class SupervisionStepNotAllowed(TransitionNotAllowed):
    code = "supervision_step_not_allowed"


def _supervision(actor: AnyUser, _subject: object) -> bool:
    return not isinstance(actor, DeadlineRun) and can_decide_violations(actor)


def _approver(actor: AnyUser, notice: Notice) -> bool:
    return not isinstance(actor, DeadlineRun) and can_approve_notice(actor, notice)


def _department(actor: AnyUser, order: CorrectionOrder) -> bool:
    return not isinstance(actor, DeadlineRun) and can_answer_order(actor, order)


def _clock(actor: object, _subject: object) -> bool:
    return isinstance(actor, DeadlineRun)


SUPERVISION = Who(
    "supervision",
    _supervision,
    "只有督查室的督查员可以办理。",
    "Only a supervision office's inspectors may do this.",
)
APPROVER = Who(
    "approver",
    _approver,
    "通报须由督查室负责人审批，且审批人不能是起草人。",
    "A notice is approved by the head of a supervision office, who cannot be its drafter.",
)
DEPARTMENT = Who(
    "department",
    _department,
    "只有被责令整改的部门可以答复。",
    "Only the department ordered to correct may answer.",
)
CLOCK = Who("clock", _clock, "到期由系统自动标记。", "The daily deadline run marks this.")

V = ViolationStates
VIOLATION = Workflow(
    name="violation",
    field="state",
    noun_zh="违规记录",
    noun_en="violation",
    refusal_class=SupervisionStepNotAllowed,
    transitions=(
        *rows([V.OPEN], "confirm", V.CONFIRMED, SUPERVISION),
        *rows([V.OPEN], "dismiss", V.DISMISSED, SUPERVISION),
        *rows([V.CONFIRMED], "correct", V.CORRECTED, SUPERVISION),
    ),
)

IS = InspectionStates
INSPECTION = Workflow(
    name="inspection",
    field="state",
    noun_zh="检查",
    noun_en="inspection",
    refusal_class=SupervisionStepNotAllowed,
    transitions=(
        *rows([IS.PLANNED], "complete", IS.COMPLETED, SUPERVISION),
        *rows([IS.PLANNED], "cancel", IS.CANCELLED, SUPERVISION),
    ),
)

N = NoticeStates
NOTICE = Workflow(
    name="notice",
    field="state",
    noun_zh="通报",
    noun_en="notice",
    refusal_class=SupervisionStepNotAllowed,
    transitions=(
        *rows([N.DRAFT], "approve", N.APPROVED, APPROVER),
        *rows([N.APPROVED], "return", N.DRAFT, APPROVER),
        *rows([N.APPROVED], "publish", N.PUBLISHED, SUPERVISION),
        *rows([N.DRAFT], "withdraw", N.WITHDRAWN, SUPERVISION),
    ),
)

OS = OrderStates
ORDER = Workflow(
    name="correction_order",
    field="state",
    noun_zh="整改通知",
    noun_en="correction order",
    refusal_class=SupervisionStepNotAllowed,
    transitions=(
        *rows([OS.ISSUED, OS.RETURNED, OS.OVERDUE], "respond", OS.ANSWERED, DEPARTMENT),
        *rows([OS.ANSWERED], "accept", OS.ACCEPTED, SUPERVISION),
        *rows([OS.ANSWERED], "return", OS.RETURNED, SUPERVISION),
        *rows([OS.ISSUED, OS.RETURNED], "lapse", OS.OVERDUE, CLOCK),
    ),
)
