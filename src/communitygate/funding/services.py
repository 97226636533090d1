"""Payments (拨付) and receipts (到账): the paying department records a payment under its
commitment; the receiving community (or social organisation) confirms its receipt or disputes
it with a reason; the daily run finds shares unpaid past their deadline and marks each overdue
once, which supervision records as a `payment_overdue` violation (funding.signals)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from communitygate.admissions.models import FundingCommitment
from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import (
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.people import AnyUser, acting_user
from communitygate.funding import selectors
from communitygate.funding.models import OverdueShare, Payment
from communitygate.funding.permissions import can_record_payments
from communitygate.funding.signals import payment_overdue
from communitygate.funding.workflow import PAYMENT
from communitygate.orgs.models import Organisation, OrganisationKinds

# Refusals -----------------------------------------------------------------------------------------


class PaymentBeyondShare(RuleBroken):
    """The payment would take what the community was paid for the period beyond its share."""

    code = "payment_beyond_share"
    status = 409

    def __init__(self, share: Decimal, paid: Decimal, amount: Decimal) -> None:
        super().__init__(
            f"该社区本期应拨份额为 ¥{share}，已拨 ¥{paid}，本次 ¥{amount} 将超出份额。"
            "如确需超额拨付，请勾选“超出份额”并说明理由后重新提交。",
            f"The community's share for the period is ¥{share} and ¥{paid} is already paid; "
            f"¥{amount} more would exceed it. To pay beyond the share on purpose, flag it as "
            "beyond the share with a note and send it again.",
        )


class PayeeNotInScope(RuleBroken):
    code = "payee_not_in_scope"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "收款社区不在该事项的准入范围内（或当期不存在），不能按此承诺拨付。",
            "The community is not in the item's scope (or did not exist in the period): no "
            "payment is due to it under this commitment.",
        )


class PeriodNotCovered(RuleBroken):
    code = "period_not_covered"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "结算期间须在经费承诺的期限之内，且不能跨年度（每年一个结算期）。",
            "The period settled must lie within the commitment's period and within one "
            "calendar year (one settlement period a year).",
        )


class VoucherNumberUsed(RuleBroken):
    code = "voucher_number_used"
    status = 409

    def __init__(self, number: str) -> None:
        super().__init__(
            f"凭证号“{number}”已用于本单位的另一笔拨付。",
            f"Voucher number '{number}' is already used by another of your payments.",
        )


# Recording a payment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRequest:
    community_code: str
    amount: str
    paid_on: dt.date
    voucher_number: str
    period_start: dt.date
    period_end: dt.date
    beyond_share: bool = False
    note: str = ""

    def fingerprint(self, commitment_id: int) -> str:
        return request_hash(
            {
                "commitment": commitment_id,
                "community": self.community_code,
                "amount": self.amount,
                "paid_on": self.paid_on.isoformat(),
                "voucher_number": self.voucher_number.strip(),
                "period_start": self.period_start.isoformat(),
                "period_end": self.period_end.isoformat(),
                "beyond_share": self.beyond_share,
                "note": self.note.strip(),
            }
        )


def _amount(text: str) -> Decimal | None:
    """The amount in yuan as sent ("1234.50"): a positive number with at most two places."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    if amount >= Decimal("1e12"):
        return None
    return amount.quantize(Decimal("0.01"))


def _request_problems(request: PaymentRequest, amount: Decimal | None) -> list[Problem]:
    problems = []
    if amount is None:
        problems.append(
            Problem(
                "金额须为大于零的数字（元，最多两位小数），例如 1234.50。",
                "The amount must be a positive number of yuan with at most two decimals, "
                "e.g. 1234.50.",
                field="amount",
            )
        )
    if not request.voucher_number.strip():
        problems.append(
            Problem("请填写凭证号。", "Give the voucher number.", field="voucher_number")
        )
    elif len(request.voucher_number.strip()) > 64:
        problems.append(
            Problem(
                "凭证号不能超过64个字符。",
                "The voucher number is longer than 64 characters.",
                field="voucher_number",
            )
        )
    if request.period_end < request.period_start:
        problems.append(
            Problem(
                "结算期间的结束日期早于开始日期。",
                "The period settled ends before it starts.",
                field="period_end",
            )
        )
    if request.paid_on > clock.today():
        problems.append(
            Problem("拨付日期不能晚于今天。", "The payment date is in the future.", field="paid_on")
        )
    if request.beyond_share and not request.note.strip():
        problems.append(
            Problem(
                "超出份额拨付须说明理由。",
                "Say why the payment goes beyond the share.",
                field="note",
            )
        )
    return problems


def _payee(commitment: FundingCommitment, request: PaymentRequest) -> Organisation:
    payee = Organisation.objects.filter(
        code=request.community_code,
        kind__in=[OrganisationKinds.COMMUNITY, OrganisationKinds.SOCIAL_ORG],
    ).first()
    if payee is None:
        raise InvalidInput(
            [
                Problem(
                    f"收款单位代码无效：{request.community_code[:40] or '（空）'}",
                    f"Unknown community or social organisation: "
                    f"{request.community_code[:40] or '(none)'}",
                    field="community",
                )
            ]
        )
    return payee


def _check_within_share(
    commitment: FundingCommitment,
    payee: Organisation,
    period: tuple[dt.date, dt.date],
    amount: Decimal,
    beyond_share: bool,
) -> None:
    """A community is paid up to its share for the period; a social organisation up to what the
    period's shares leave unpaid altogether. Flagged payments go beyond on purpose."""
    book = selectors.ShareBook([commitment])
    shares = book.shares(commitment, *period)
    if payee.kind == OrganisationKinds.COMMUNITY:
        mine = [s for s in shares if s.community.pk == payee.pk]
        if not mine:
            raise PayeeNotInScope()
        share = mine[0].amount
        paid = selectors.paid_towards(commitment, payee, *period)
    else:
        share = sum((s.amount for s in shares), Decimal("0.00"))
        paid = sum(
            Payment.objects.filter(
                commitment=commitment,
                period_start__gte=period[0],
                period_start__lte=period[1],
            ).values_list("amount", flat=True),
            Decimal("0.00"),
        )
    if paid + amount > share and not beyond_share:
        raise PaymentBeyondShare(share, paid, amount)


def payment_record(
    *,
    actor: AnyUser,
    commitment: FundingCommitment,
    request: PaymentRequest,
    idempotency_key: str = "",
) -> Payment:
    """The paying department's clerk or head records a payment to a community (or social
    organisation) settling a period of its commitment. Send an Idempotency-Key to retry safely."""
    user = acting_user(actor)
    if user is None or not can_record_payments(actor, commitment):
        raise PermissionDenied(
            "只有承诺出资的部门（科员或负责人）可以登记拨付。",
            "Only the paying department's clerk or head records its payments.",
        )
    key = idempotency_key_checked(idempotency_key)
    amount = _amount(request.amount)
    problems = _request_problems(request, amount)
    if problems:
        raise InvalidInput(problems)
    assert amount is not None
    payee = _payee(commitment, request)
    period = selectors.settlement_period_of(commitment, request.period_start)
    if period is None or request.period_end > period[1]:
        raise PeriodNotCovered()
    fingerprint = request.fingerprint(commitment.pk)
    voucher = request.voucher_number.strip()
    same_key = Payment.objects.filter(recorded_by=user, idempotency_key=key)

    def create() -> Payment:
        now = clock.now()
        with transaction.atomic():
            # One payer's payments one at a time: the share check reads what the others wrote.
            FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).get()
            _check_within_share(commitment, payee, period, amount, request.beyond_share)
            if Payment.objects.filter(payer=commitment.payer, voucher_number=voucher).exists():
                raise VoucherNumberUsed(voucher)
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        commitment=commitment,
                        payer=commitment.payer,
                        community=payee,
                        amount=amount,
                        paid_on=request.paid_on,
                        voucher_number=voucher,
                        period_start=request.period_start,
                        period_end=request.period_end,
                        beyond_share=request.beyond_share,
                        note=request.note.strip(),
                        recorded_by=user,
                        created_at=now,
                        updated_at=now,
                        idempotency_key=key,
                        request_hash=fingerprint,
                    )
            except IntegrityError:
                if key and same_key.exists():
                    raise  # the same key at the same moment: idempotent_create answers it
                raise VoucherNumberUsed(voucher) from None
            record_event(
                actor=user,
                action="payment.record",
                obj=payment,
                changes=created_fields(
                    {
                        "commitment": commitment.pk,
                        "payer": commitment.payer.code,
                        "community": payee.code,
                        "amount": amount,
                        "paid_on": request.paid_on,
                        "voucher_number": voucher,
                        "period_start": request.period_start,
                        "period_end": request.period_end,
                        "beyond_share": request.beyond_share,
                    }
                ),
                reason=request.note.strip(),
            )
        return payment

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


# Receipts -----------------------------------------------------------------------------------------


def payment_confirm_receipt(*, actor: AnyUser, payment: Payment) -> Payment:
    """The receiving community confirms the money arrived (also after a dispute the payer
    answered)."""
    PAYMENT.authorise(actor, payment, "confirm")
    transition_apply(
        PAYMENT,
        actor=actor,
        subject=payment,
        action="confirm",
        values={"decided_by": acting_user(actor), "decided_at": clock.now()},
    )
    payment.refresh_from_db()
    return payment


def payment_dispute(*, actor: AnyUser, payment: Payment, reason: str) -> Payment:
    """The receiving community says the money did not arrive as recorded, and why."""
    PAYMENT.authorise(actor, payment, "dispute")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            [Problem("请说明异议的理由。", "Give the reason for the dispute.", field="reason")]
        )
    transition_apply(
        PAYMENT,
        actor=actor,
        subject=payment,
        action="dispute",
        values={
            "dispute_reason": reason,
            "decided_by": acting_user(actor),
            "decided_at": clock.now(),
        },
        changes={"dispute_reason": [payment.dispute_reason, reason]},
        reason=reason,
    )
    payment.refresh_from_db()
    return payment


# Overdue shares -----------------------------------------------------------------------------------


def overdue_shares_mark(*, today: dt.date | None = None) -> int:
    """Mark every share unpaid past its deadline as overdue, once (the daily run); each new mark
    sends `payment_overdue` in its own transaction. The number newly marked."""
    today = today or clock.today()
    marked = 0
    for share, paid, due in selectors.overdue_shares(today=today):
        exists = OverdueShare.objects.filter(
            commitment=share.commitment,
            community=share.community,
            period_start=share.period_start,
        ).exists()
        if exists:
            continue
        try:
            with transaction.atomic():
                overdue = OverdueShare.objects.create(
                    commitment=share.commitment,
                    community=share.community,
                    period_start=share.period_start,
                    period_end=share.period_end,
                    due_on=due,
                    share=share.amount,
                    paid=paid,
                    found_at=clock.now(),
                )
                record_event(
                    actor=None,
                    action="overdue_share.find",
                    obj=overdue,
                    changes=created_fields(
                        {
                            "commitment": share.commitment.pk,
                            "community": share.community.code,
                            "period_start": share.period_start,
                            "due_on": due,
                            "share": share.amount,
                            "paid": paid,
                        }
                    ),
                )
                payment_overdue.send(sender=OverdueShare, share=overdue)
        except IntegrityError:
            continue  # another run marked it a moment ago
        marked += 1
    return marked


# The payer's answer -------------------------------------------------------------------------------

ANSWER_MAX_LENGTH = 2000


def payment_answer_dispute(*, actor: AnyUser, payment: Payment, answer: str) -> Payment:
    """The payer answers the community's dispute ("已核实，凭证号更正"): the payment is recorded
    again, with the answer, so the community confirms its receipt or disputes anew. The dispute's
    reason stays on the payment and in the audit trail."""
    PAYMENT.authorise(actor, payment, "answer")
    answer = answer.strip()
    if not answer:
        raise InvalidInput(
            [Problem("请填写对异议的答复。", "Give your answer to the dispute.", field="answer")]
        )
    if len(answer) > ANSWER_MAX_LENGTH:
        raise InvalidInput(
            [
                Problem(
                    f"答复不能超过{ANSWER_MAX_LENGTH}个字符。",
                    f"The answer is longer than {ANSWER_MAX_LENGTH} characters.",
                    field="answer",
                )
            ]
        )
    transition_apply(
        PAYMENT,
        actor=actor,
        subject=payment,
        action="answer",
        values={"answer": answer, "answered_at": clock.now()},
        changes={"answer": [payment.answer, answer]},
        reason=answer,
    )
    payment.refresh_from_db()
    return payment


# A batch transfer -------------------------------------------------------------------------------


def payments_record_batch(
    *, actor: AnyUser, commitment: FundingCommitment, requests: list[PaymentRequest]
) -> list[Payment]:
    """A department's batch transfer (批量拨付): many payments under one commitment entered at
    once, as one bank batch pays every community. Each is checked as `payment_record` checks it,
    in order (each counts the batch's earlier payments towards the share), and each has its own
    `payment.record` event; the batch is recorded whole or not at all (the first broken rule
    names its row). The shares are computed once for the batch, not once a payment."""
    user = acting_user(actor)
    if user is None or not can_record_payments(actor, commitment):
        raise PermissionDenied(
            "只有承诺出资的部门（科员或负责人）可以登记拨付。",
            "Only the paying department's clerk or head records its payments.",
        )
    amounts = [_amount(r.amount) for r in requests]
    problems = [
        Problem(p.message_zh, p.message_en, field=p.field, row=row)
        for row, (r, amount) in enumerate(zip(requests, amounts, strict=True), start=1)
        for p in _request_problems(r, amount)
    ]
    if problems:
        raise InvalidInput(problems)
    codes = {r.community_code for r in requests}
    payees = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=codes, kind__in=[OrganisationKinds.COMMUNITY, OrganisationKinds.SOCIAL_ORG]
        )
    }
    for request in requests:
        if request.community_code not in payees:
            _payee(commitment, request)  # raises the one refusal of an unknown payee
    now = clock.now()
    with transaction.atomic():
        FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).get()
        book = selectors.ShareBook([commitment])
        shares: dict[tuple[dt.date, dt.date], dict[int, Decimal]] = {}
        paid: dict[tuple[int, dt.date], Decimal] = {}
        for community_id, start, amount in Payment.objects.filter(
            commitment=commitment
        ).values_list("community_id", "period_start", "amount"):
            period = selectors.settlement_period_of(commitment, start)
            if period is not None:
                key = (community_id, period[0])
                paid[key] = paid.get(key, Decimal("0.00")) + amount
        vouchers = set(
            Payment.objects.filter(
                payer=commitment.payer,
                voucher_number__in=[r.voucher_number.strip() for r in requests],
            ).values_list("voucher_number", flat=True)
        )
        payments = []
        for request, maybe_amount in zip(requests, amounts, strict=True):
            assert maybe_amount is not None
            amount = maybe_amount
            payee = payees[request.community_code]
            period = selectors.settlement_period_of(commitment, request.period_start)
            if period is None or request.period_end > period[1]:
                raise PeriodNotCovered()
            if period not in shares:
                shares[period] = {
                    s.community.pk: s.amount for s in book.shares(commitment, *period)
                }
            if payee.kind != OrganisationKinds.COMMUNITY:
                # A social organisation's limit reads every payment of the period: one at a time.
                raise InvalidInput(
                    [
                        Problem(
                            "批量拨付只用于社区；向社会组织拨付请逐笔登记。",
                            "A batch pays communities only; record a payment to a social "
                            "organisation on its own.",
                            field="community",
                        )
                    ]
                )
            share = shares[period].get(payee.pk)
            if share is None:
                raise PayeeNotInScope()
            key = (payee.pk, period[0])
            already = paid.get(key, Decimal("0.00"))
            if already + amount > share and not request.beyond_share:
                raise PaymentBeyondShare(share, already, amount)
            paid[key] = already + amount
            voucher = request.voucher_number.strip()
            if voucher in vouchers:
                raise VoucherNumberUsed(voucher)
            vouchers.add(voucher)
            payments.append(
                Payment(
                    commitment=commitment,
                    payer=commitment.payer,
                    community=payee,
                    amount=amount,
                    paid_on=request.paid_on,
                    voucher_number=voucher,
                    period_start=request.period_start,
                    period_end=request.period_end,
                    beyond_share=request.beyond_share,
                    note=request.note.strip(),
                    recorded_by=user,
                    created_at=now,
                    updated_at=now,
                    request_hash=request.fingerprint(commitment.pk),
                )
            )
        try:
            with transaction.atomic():
                created = Payment.objects.bulk_create(payments)
        except IntegrityError:
            raise VoucherNumberUsed(", ".join(sorted(p.voucher_number for p in payments))) from None
        for payment in created:
            record_event(
                actor=user,
                action="payment.record",
                obj=payment,
                changes=created_fields(
                    {
                        "commitment": commitment.pk,
                        "payer": commitment.payer.code,
                        "community": payment.community.code,
                        "amount": payment.amount,
                        "paid_on": payment.paid_on,
                        "voucher_number": payment.voucher_number,
                        "period_start": payment.period_start,
                        "period_end": payment.period_end,
                        "beyond_share": payment.beyond_share,
                    }
                ),
                reason=payment.note,
            )
    return created
