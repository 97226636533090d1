"""Service contracts, their deliverables and their instalments as tables (core.workflow).

    CONTRACT      draft ──sign──▶ signed ──accept──▶ accepted          (final)
                    │               │ └──fail_acceptance──▶ signed     (graded 不合格: hand in again)
                    └──terminate────┴──terminate──▶ terminated          (final, with the reason)

    DELIVERABLE   due ──submit──▶ submitted ──reopen──▶ due   (by the failed acceptance alone)

    INSTALMENT    recorded ──confirm──▶ confirmed                      (final)

Who acts: the buyer's staff (`BUYER`: its department's clerk or head, its subdistrict's
officer) sign, accept and terminate; the social organisation's staff hand in
deliverables (`DELIVERER`), only while the contract is in force, and confirm the instalments
they received (`PAYEE`).
The overseers (office, supervision, audit) read and take no step.
"""

from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    ContractStates,
    DeliverableStates,
    InstalmentStates,
)
from communitygate.contracts.permissions import is_buyer_of, is_social_org_of
from communitygate.core.errors import RuleBroken
from communitygate.core.people import AnyUser
from communitygate.core.workflow import Guard, TransitionNotAllowed, Who, Workflow, rows


class ContractStepNotAllowed(TransitionNotAllowed):
    code = "contract_step_not_allowed"


class DeliverableStepNotAllowed(TransitionNotAllowed):
    code = "deliverable_step_not_allowed"


class InstalmentStepNotAllowed(TransitionNotAllowed):
    code = "instalment_step_not_allowed"


class ContractNotInForce(RuleBroken):
    code = "contract_not_in_force"

    def __init__(self) -> None:
        super().__init__(
            "合同签订生效后、验收之前才能提交成果。",
            "Deliverables are handed in while the contract is signed and not yet accepted.",
        )


def _buyer(actor: AnyUser, contract: Contract) -> bool:
    return is_buyer_of(actor, contract)


def _deliverer(actor: AnyUser, deliverable: ContractDeliverable) -> bool:
    return is_social_org_of(actor, deliverable.contract)


def _deliverable_buyer(actor: AnyUser, deliverable: ContractDeliverable) -> bool:
    return is_buyer_of(actor, deliverable.contract)


def _payee(actor: AnyUser, instalment: ContractInstalment) -> bool:
    return is_social_org_of(actor, instalment.contract)


BUYER = Who(
    "buyer",
    _buyer,
    "只有购买方（合同的部门或街道）可以办理。",
    "Only the buyer (the contract's department or subdistrict) does this.",
)
DELIVERER = Who(
    "social_org",
    _deliverer,
    "只有承接合同的社会组织可以提交成果。",
    "Only the contracted social organisation hands in deliverables.",
)
DELIVERABLE_BUYER = Who(
    "buyer",
    _deliverable_buyer,
    "只有购买方可以退回成果。",
    "Only the buyer sends deliverables back.",
)
PAYEE = Who(
    "social_org",
    _payee,
    "只有收款的社会组织可以确认到账。",
    "Only the social organisation paid confirms the receipt.",
)

C = ContractStates
CONTRACT = Workflow(
    name="contract",
    field="state",
    noun_zh="购买服务合同",
    noun_en="service contract",
    label=lambda contract: contract.number,
    refusal_class=ContractStepNotAllowed,
    transitions=(
        *rows([C.DRAFT], "sign", C.SIGNED, BUYER),
        *rows([C.SIGNED], "accept", C.ACCEPTED, BUYER),
        *rows([C.SIGNED], "fail_acceptance", C.SIGNED, BUYER),
        *rows([C.DRAFT, C.SIGNED], "terminate", C.TERMINATED, BUYER),
    ),
)

IN_FORCE = Guard(
    "in_force",
    lambda deliverable: deliverable.contract.state == ContractStates.SIGNED,
    lambda _deliverable: ContractNotInForce(),
)

D = DeliverableStates
DELIVERABLE = Workflow(
    name="contract_deliverable",
    field="state",
    noun_zh="合同成果",
    noun_en="deliverable",
    label=lambda deliverable: deliverable.title,
    refusal_class=DeliverableStepNotAllowed,
    transitions=(
        *rows([D.DUE], "submit", D.SUBMITTED, DELIVERER, IN_FORCE),
        *rows([D.SUBMITTED], "reopen", D.DUE, DELIVERABLE_BUYER),
    ),
)

INSTALMENT = Workflow(
    name="contract_instalment",
    field="state",
    noun_zh="合同付款",
    noun_en="instalment",
    label=lambda instalment: instalment.voucher_number,
    refusal_class=InstalmentStepNotAllowed,
    transitions=(*rows([InstalmentStates.RECORDED], "confirm", InstalmentStates.CONFIRMED, PAYEE),),
)
