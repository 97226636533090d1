"""A payment's receipt as a table (core.workflow).

    PAYMENT   recorded ──confirm──▶ confirmed
                 └──dispute──▶ disputed ──confirm──▶ confirmed   (after the payer's answer)

Who acts: the receiving community's staff (or the social organisation's), `PAYEE`. A confirmed
receipt is final; a payment is never edited or deleted (a wrong one stays disputed, and the
payer records the right one).
"""

from communitygate.core.people import AnyUser
from communitygate.core.workflow import TransitionNotAllowed, Who, Workflow, rows
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.permissions import can_acknowledge_payment


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
    ),
)
