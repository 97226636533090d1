"""A payment's receipt as a table (core.workflow).

    PAYMENT   recorded ──confirm──▶ confirmed
                 └──dispute──▶ disputed ──confirm──▶ confirmed
                                  └──answer──▶ recorded   (the payer's answer; asked again)

Who acts: the receiving community's staff (or the social organisation's), `PAYEE`, confirm and
dispute; the paying department's clerk or head, `PAYER`, answers a dispute (the payment is
recorded again, with the answer, and the community confirms or disputes anew). A confirmed
receipt is final; a payment is never edited or deleted (a wrong one stays disputed, and the
payer records the right one).
"""

from communitygate.core.people import AnyUser
from communitygate.core.workflow import TransitionNotAllowed, Who, Workflow, rows
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.permissions import can_acknowledge_payment, can_answer_dispute


class PaymentStepNotAllowed(TransitionNotAllowed):
    code = "payment_step_not_allowed"


def _payee(actor: AnyUser, payment: Payment) -> bool:
    return can_acknowledge_payment(actor, payment)


PAYEE = Who(
    "payee",
    _payee,
    "只有收款社区（或社会组织）的工作人员可以确认到账或提出异议。",
    "Only the receiving community's (or social organisation's) staff confirm or dispute a receipt.",
)


def _payer(actor: AnyUser, payment: Payment) -> bool:
    return can_answer_dispute(actor, payment)


PAYER = Who(
    "payer",
    _payer,
    "只有拨付单位（出资部门的科员或负责人）可以答复异议。",
    "Only the paying department's clerk or head answers a dispute.",
)

P = PaymentStates
PAYMENT = Workflow(
    name="payment",
    field="state",
    noun_zh="拨付记录",
    noun_en="payment",
    label=lambda payment: payment.voucher_number,
    refusal_class=PaymentStepNotAllowed,
    transitions=(
        *rows([P.RECORDED, P.DISPUTED], "confirm", P.CONFIRMED, PAYEE),
        *rows([P.RECORDED], "dispute", P.DISPUTED, PAYEE),
        *rows([P.DISPUTED], "answer", P.RECORDED, PAYER),
    ),
)
