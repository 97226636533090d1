"""Commitments (经费承诺: record, renew, end, the 30-day notice), payments (拨付) and receipts
(到账): the paying department records a payment under its
commitment; the receiving community (or social organisation) confirms its receipt or disputes
it with a reason; the daily run finds shares unpaid past their deadline and marks each overdue
once, which supervision records as a `payment_overdue` violation (funding.signals)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from communitygate.accounts.models import Roles
from communitygate.accounts.permissions import (
    DEPARTMENT_STAFF_ROLES,
    department_staff_ids,
    is_office_staff,
)
from communitygate.accounts.selectors import people_holding
from communitygate.accounts.services import notifications_send
from communitygate.admissions.models import CommitmentBases, FundingCommitment
from communitygate.admissions.selectors import admitted_scope
from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import CatalogItem, ItemClasses, ItemStatuses
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import (
    earlier_answer,
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.money import parse_yuan
from communitygate.core.people import AnyUser, acting_user
from communitygate.funding import selectors
from communitygate.funding.models import CommitmentShare, OverdueShare, Payment
from communitygate.funding.permissions import can_record_payments
from communitygate.funding.signals import payment_overdue
from communitygate.funding.workflow import PAYMENT
from communitygate.orgs.models import Organisation, OrganisationKinds

OFFICE_STAFF_ROLES = (Roles.OFFICER, Roles.ADMIN)

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


def _paying_clerk(actor: AnyUser, commitment: FundingCommitment) -> User:
    """The person recording a payment of `commitment`: its payer's clerk or head, else 403."""
    user = acting_user(actor)
    if user is None or not can_record_payments(actor, commitment):
        raise PermissionDenied(
            "只有承诺出资的部门（科员或负责人）可以登记拨付。",
            "Only the paying department's clerk or head records its payments.",
        )
    return user


def _unsaved_payment(
    commitment: FundingCommitment,
    payee: Organisation,
    amount: Decimal,
    request: PaymentRequest,
    user: User,
    now: dt.datetime,
) -> Payment:
    """The payment a checked request describes, not yet saved (one at a time or in a batch)."""
    return Payment(
        commitment=commitment,
        payer=commitment.payer,
        community=payee,
        amount=amount,
        paid_on=request.paid_on,
        voucher_number=request.voucher_number.strip(),
        period_start=request.period_start,
        period_end=request.period_end,
        beyond_share=request.beyond_share,
        note=request.note.strip(),
        recorded_by=user,
        created_at=now,
        updated_at=now,
        request_hash=request.fingerprint(commitment.pk),
    )


def payment_record(
    *,
    actor: AnyUser,
    commitment: FundingCommitment,
    request: PaymentRequest,
    idempotency_key: str = "",
) -> Payment:
    """The paying department's clerk or head records a payment to a community (or social
    organisation) settling a period of its commitment. Send an Idempotency-Key to retry safely."""
    user = _paying_clerk(actor, commitment)
    key = idempotency_key_checked(idempotency_key)
    amount = parse_yuan(request.amount)
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
                    payment = _unsaved_payment(commitment, payee, amount, request, user, now)
                    payment.idempotency_key = key
                    payment.save(force_insert=True)
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


# Commitments (经费承诺) -----------------------------------------------------------------------------
#
# The office, or the paying department's clerk or head for its own department, records a
# commitment per catalog item and payer: budget line, amount, period and basis. A renewal is a
# new record starting the day after the old one's effective end; ending one early records the
# day and the reason and leaves `period_end` as it was. Nothing is overwritten.


class CommitmentOverlaps(RuleBroken):
    code = "commitment_overlaps"
    status = 409

    def __init__(self, other: FundingCommitment) -> None:
        end = other.effective_end.isoformat() if other.effective_end else "长期 / open-ended"
        super().__init__(
            f"该出资单位对此事项已有一项期限重叠的经费承诺（#{other.pk}，"
            f"{other.period_start.isoformat()} 至 {end}）。请续签或先终止该承诺。",
            f"The payer already has a commitment for this item overlapping the period "
            f"(#{other.pk}, {other.period_start.isoformat()} to {end}). Renew it or end it first.",
        )


class ItemNotDelegatedInForce(RuleBroken):
    code = "item_not_delegated_in_force"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "经费承诺只能针对目录中有效的委托事项（未停用，且在承诺开始时仍在有效期内）。",
            "A commitment funds a delegated catalog item in force (not suspended or retired, "
            "and still valid when the commitment starts).",
        )


class CommitmentNotRenewable(RuleBroken):
    code = "commitment_not_renewable"
    status = 409

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"该承诺不能续签：{why_zh}", f"The commitment cannot be renewed: {why_en}")


class CommitmentNotEndable(RuleBroken):
    code = "commitment_not_endable"
    status = 409

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"该承诺不能终止：{why_zh}", f"The commitment cannot be ended: {why_en}")


@dataclass(frozen=True)
class CommitmentTerms:
    """What a commitment (or its renewal) promises. `amount` is yuan per community per year
    (a fixed list: the list's yearly total); `shares` the fixed list as (community code,
    yuan per year)."""

    amount: str
    budget_line: str
    period_end: dt.date | None
    basis: str = CommitmentBases.EQUAL
    shares: tuple[tuple[str, str], ...] = ()

    def fingerprint(self, **more: object) -> str:
        return request_hash(
            {
                **{k: str(v) for k, v in more.items()},
                "amount": self.amount.strip(),
                "budget_line": self.budget_line.strip(),
                "period_end": self.period_end.isoformat() if self.period_end else "",
                "basis": self.basis,
                "shares": [[code.strip(), amount.strip()] for code, amount in self.shares],
            }
        )


@dataclass(frozen=True)
class CommitmentRequest:
    item_code: str
    payer_code: str
    period_start: dt.date
    terms: CommitmentTerms


def may_manage_commitments_of(actor: AnyUser, payer: Organisation) -> bool:
    """The office for any payer; a department's clerk or head for its own."""
    if is_office_staff(actor):
        return True
    return payer.pk in department_staff_ids(actor)


def _require_manager(actor: AnyUser, payer: Organisation) -> None:
    if acting_user(actor) is None or not may_manage_commitments_of(actor, payer):
        raise PermissionDenied(
            "只有委员会办公室或出资部门（科员、负责人）可以登记、续签或终止经费承诺。",
            "Only the committee office or the paying department's clerk or head records, "
            "renews or ends its commitments.",
        )


def _terms_problems(
    terms: CommitmentTerms, period_start: dt.date, amount: Decimal | None
) -> list[Problem]:
    problems = []
    if amount is None:
        problems.append(
            Problem(
                "金额须为大于零的数字（元，最多两位小数），例如 10000.00。",
                "The amount must be a positive number of yuan with at most two decimals, "
                "e.g. 10000.00.",
                field="amount",
            )
        )
    if not terms.budget_line.strip():
        problems.append(Problem("请填写预算科目。", "Give the budget line.", field="budget_line"))
    elif len(terms.budget_line.strip()) > 200:
        problems.append(
            Problem(
                "预算科目不能超过200个字符。",
                "The budget line is longer than 200 characters.",
                field="budget_line",
            )
        )
    if terms.period_end is not None and terms.period_end < period_start:
        problems.append(
            Problem(
                "承诺期限的结束日期早于开始日期。",
                "The commitment's period ends before it starts.",
                field="period_end",
            )
        )
    if terms.basis not in CommitmentBases.values:
        problems.append(
            Problem(
                "分配方式须为平均、按户数、按派发任务数或固定名单之一。",
                "The basis must be equal, households, tasks or fixed.",
                field="basis",
            )
        )
    if terms.basis == CommitmentBases.FIXED and not terms.shares:
        problems.append(
            Problem(
                "固定名单分配须列出各社区每年的金额。",
                "A fixed list needs each community's amount per year.",
                field="shares",
            )
        )
    if terms.basis != CommitmentBases.FIXED and terms.shares:
        problems.append(
            Problem(
                "只有固定名单分配才列出各社区的金额。",
                "Only a fixed list names each community's amount.",
                field="shares",
            )
        )
    return problems


def _share_amount(text: str) -> Decimal | None:
    """A fixed list's amount: yuan ≥ 0 with at most two places (a listed community may get
    nothing)."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    if amount >= Decimal("1e12"):
        return None
    return amount.quantize(Decimal("0.01"))


def _fixed_list(
    terms: CommitmentTerms, total: Decimal, scope: set[int] | None
) -> list[tuple[Organisation, Decimal]]:
    """The fixed list checked: known communities in the item's scope, each once, amounts of
    yuan ≥ 0 adding up to the yearly total."""
    if terms.basis != CommitmentBases.FIXED:
        return []
    codes = [code.strip() for code, _amount_text in terms.shares]
    communities = {
        c.code: c
        for c in Organisation.objects.filter(code__in=codes, kind=OrganisationKinds.COMMUNITY)
    }
    problems = []
    listed: list[tuple[Organisation, Decimal]] = []
    seen: set[str] = set()
    for code, amount_text in terms.shares:
        code = code.strip()
        community = communities.get(code)
        amount = _share_amount(amount_text)
        if community is None:
            problems.append(
                Problem(
                    f"社区代码无效：{code[:40] or '（空）'}",
                    f"Unknown community: {code[:40] or '(none)'}",
                    field="shares",
                )
            )
        elif code in seen:
            problems.append(
                Problem(
                    f"社区 {code} 列了两次。", f"Community {code} is listed twice.", field="shares"
                )
            )
        elif scope is not None and community.pk not in scope:
            problems.append(
                Problem(
                    f"社区 {code} 不在该事项的准入范围内。",
                    f"Community {code} is not in the item's scope.",
                    field="shares",
                )
            )
        if amount is None:
            problems.append(
                Problem(
                    f"社区 {code[:40]} 的金额须为元（最多两位小数）。",
                    f"Community {code[:40]}'s amount must be yuan with at most two decimals.",
                    field="shares",
                )
            )
        seen.add(code)
        if community is not None and amount is not None:
            listed.append((community, amount))
    if not problems and sum((a for _c, a in listed), Decimal("0.00")) != total:
        problems.append(
            Problem(
                f"固定名单各社区金额之和须等于承诺的年度总额 ¥{total}。",
                f"The fixed list's amounts must add up to the commitment's yearly total ¥{total}.",
                field="shares",
            )
        )
    if problems:
        raise InvalidInput(problems)
    return listed


def _item(code: str) -> CatalogItem:
    item = CatalogItem.objects.filter(code=code.strip()).first() if code.strip() else None
    if item is None:
        raise InvalidInput(
            [
                Problem(
                    f"事项编码无效：{code[:40] or '（空）'}",
                    f"Unknown catalog item: {code[:40] or '(none)'}",
                    field="item",
                )
            ]
        )
    return item


def _payer(code: str) -> Organisation:
    payer = Organisation.objects.filter(
        code=code.strip(), kind=OrganisationKinds.DEPARTMENT
    ).first()
    if payer is None:
        raise InvalidInput(
            [
                Problem(
                    f"出资部门代码无效：{code[:40] or '（空）'}",
                    f"Unknown paying department: {code[:40] or '(none)'}",
                    field="payer",
                )
            ]
        )
    return payer


def _check_item_in_force(item: CatalogItem, start: dt.date) -> None:
    if item.item_class != ItemClasses.DELEGATED:
        raise ItemNotDelegatedInForce()
    if item.status != ItemStatuses.ACTIVE:
        raise ItemNotDelegatedInForce()
    if item.valid_to is not None and item.valid_to < start:
        raise ItemNotDelegatedInForce()


def _check_no_overlap(
    item: CatalogItem, payer: Organisation, start: dt.date, end: dt.date | None
) -> None:
    """Another commitment of the item and payer funding any day of [start, end] refuses it
    (the rows are locked first, so two records at once are checked one after the other)."""
    others = FundingCommitment.objects.select_for_update(of=("self",)).filter(
        Q(catalog_item=item) | Q(application__catalog_item=item), payer=payer
    )
    others = others.filter(selectors.effective_end_from(start))
    if end is not None:
        others = others.filter(period_start__lte=end)
    other = others.order_by("period_start").first()
    if other is not None:
        raise CommitmentOverlaps(other)


def _create_commitment(
    *,
    user: Any,
    item: CatalogItem,
    payer: Organisation,
    period_start: dt.date,
    terms: CommitmentTerms,
    amount: Decimal,
    listed: list[tuple[Organisation, Decimal]],
    renews: FundingCommitment | None,
    key: str,
    fingerprint: str,
) -> FundingCommitment:
    _check_no_overlap(item, payer, period_start, terms.period_end)
    commitment = FundingCommitment.objects.create(
        catalog_item=item,
        payer=payer,
        amount_per_community_per_year=amount,
        period_start=period_start,
        period_end=terms.period_end,
        budget_line=terms.budget_line.strip(),
        basis=terms.basis,
        renews=renews,
        recorded_at=clock.now(),
        recorded_by=user,
        idempotency_key=key,
        request_hash=fingerprint,
    )
    CommitmentShare.objects.bulk_create(
        CommitmentShare(commitment=commitment, community=community, amount=share)
        for community, share in listed
    )
    record_event(
        actor=user,
        action="funding_commitment.renew" if renews is not None else "funding_commitment.record",
        obj=commitment,
        changes=created_fields(
            {
                "item": item.code,
                "payer": payer.code,
                "amount": amount,
                "budget_line": commitment.budget_line,
                "basis": commitment.basis,
                "from": period_start,
                "to": terms.period_end,
                "renews": renews.pk if renews is not None else None,
                "shares": {c.code: str(a) for c, a in listed} or None,
            }
        ),
    )
    return commitment


def commitment_record(
    *, actor: AnyUser, request: CommitmentRequest, idempotency_key: str = ""
) -> FundingCommitment:
    """Record a payer's commitment to fund a delegated item for a period (the office, or the
    payer's own clerk or head). Send an Idempotency-Key to retry safely."""
    payer = _payer(request.payer_code)
    _require_manager(actor, payer)
    user = acting_user(actor)
    key = idempotency_key_checked(idempotency_key)
    item = _item(request.item_code)
    amount = parse_yuan(request.terms.amount)
    problems = _terms_problems(request.terms, request.period_start, amount)
    if problems:
        raise InvalidInput(problems)
    assert amount is not None
    _check_item_in_force(item, request.period_start)
    listed = _fixed_list(request.terms, amount, admitted_scope(item.pk))
    fingerprint = request.terms.fingerprint(
        item=item.code, payer=payer.code, period_start=request.period_start.isoformat()
    )

    def create() -> FundingCommitment:
        with transaction.atomic():
            return _create_commitment(
                user=user,
                item=item,
                payer=payer,
                period_start=request.period_start,
                terms=request.terms,
                amount=amount,
                listed=listed,
                renews=None,
                key=key,
                fingerprint=fingerprint,
            )

    return idempotent_create(
        key=key,
        fingerprint=fingerprint,
        same_key=FundingCommitment.objects.filter(recorded_by=user, idempotency_key=key),
        create=create,
    )


def commitment_renew(
    *,
    actor: AnyUser,
    commitment: FundingCommitment,
    terms: CommitmentTerms,
    idempotency_key: str = "",
) -> FundingCommitment:
    """Renew a commitment: a new record for the same item and payer starting the day after the
    old one's effective end (amount, budget line, basis and end may change). An ended, an
    open-ended or an already renewed commitment is not renewed."""
    _require_manager(actor, commitment.payer)
    user = acting_user(actor)
    key = idempotency_key_checked(idempotency_key)
    item = selectors.commitment_item(commitment)
    fingerprint = terms.fingerprint(renews=commitment.pk)
    same_key = FundingCommitment.objects.filter(recorded_by=user, idempotency_key=key)
    if key:
        earlier = earlier_answer(same_key, fingerprint)
        if earlier is not None:
            return earlier
    if commitment.ended_on is not None:
        raise CommitmentNotRenewable(
            "它已被终止，请登记一项新的承诺。", "it was ended; record a new commitment."
        )
    if FundingCommitment.objects.filter(renews=commitment).exists():
        raise CommitmentNotRenewable("它已续签过。", "it has already been renewed.")
    if commitment.period_end is None or item is None:
        raise CommitmentNotRenewable(
            "它没有结束日期（长期有效），无需续签。", "it has no end date (open-ended)."
        )
    start = commitment.period_end + dt.timedelta(days=1)
    amount = parse_yuan(terms.amount)
    problems = _terms_problems(terms, start, amount)
    if problems:
        raise InvalidInput(problems)
    assert amount is not None
    _check_item_in_force(item, start)
    listed = _fixed_list(terms, amount, admitted_scope(item.pk))

    def create() -> FundingCommitment:
        with transaction.atomic():
            old = FundingCommitment.objects.select_for_update().get(pk=commitment.pk)
            if old.ended_on is not None:
                raise CommitmentNotRenewable(
                    "它已被终止，请登记一项新的承诺。", "it was ended; record a new commitment."
                )
            try:
                with transaction.atomic():
                    return _create_commitment(
                        user=user,
                        item=item,
                        payer=commitment.payer,
                        period_start=start,
                        terms=terms,
                        amount=amount,
                        listed=listed,
                        renews=old,
                        key=key,
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                if key and same_key.exists():
                    raise
                raise CommitmentNotRenewable(
                    "它已续签过。", "it has already been renewed."
                ) from None

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def commitment_end(
    *, actor: AnyUser, commitment: FundingCommitment, ended_on: dt.date, reason: str
) -> FundingCommitment:
    """End a commitment early (the office or the payer): from the day after `ended_on` it funds
    nothing and the gate refuses new delegated tasks under it. `period_end` stays as promised;
    the ending is its own record (ended_on, by whom, why)."""
    _require_manager(actor, commitment.payer)
    user = acting_user(actor)
    reason = reason.strip()
    problems = []
    if not reason:
        problems.append(
            Problem("请说明终止的理由。", "Give the reason for ending it.", field="reason")
        )
    if ended_on < clock.today():
        problems.append(
            Problem(
                "终止日期不能早于今天。",
                "The commitment cannot end before today.",
                field="ended_on",
            )
        )
    if commitment.period_end is not None and ended_on > commitment.period_end:
        problems.append(
            Problem(
                f"终止日期不能晚于承诺期限的结束日期（{commitment.period_end.isoformat()}）。",
                f"The commitment cannot end after its period ends "
                f"({commitment.period_end.isoformat()}).",
                field="ended_on",
            )
        )
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        # Locked as commitment_renew locks it: a renewal and an ending at once are one after
        # the other, so an ended commitment never has a renewal.
        FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).get()
        if FundingCommitment.objects.filter(renews=commitment).exists():
            raise CommitmentNotEndable(
                "它已续签，请终止续签后的承诺。", "it was renewed; end the renewal instead."
            )
        now = clock.now()
        updated = FundingCommitment.objects.filter(pk=commitment.pk, ended_on__isnull=True).update(
            ended_on=ended_on, ended_at=now, ended_by=user, end_reason=reason
        )
        if updated != 1:
            raise CommitmentNotEndable("它已被终止。", "it was already ended.")
        record_event(
            actor=user,
            action="funding_commitment.end",
            obj=commitment,
            changes={"ended_on": [None, ended_on]},
            reason=reason,
        )
    commitment.refresh_from_db()
    return commitment


# The 30-day notice --------------------------------------------------------------------------------


def commitments_lapsing_notify(*, today: dt.date | None = None) -> int:
    """Tell the payer's clerks and heads and the office staff, once, of every commitment whose
    effective end is within 30 days and that is not renewed (the daily run). Each commitment is
    marked (`lapse_notified_at`) by a conditional update, so a second run sends nothing. The
    number of commitments newly notified."""
    today = today or clock.today()
    office_ids = list(
        Organisation.objects.filter(kind=OrganisationKinds.COMMITTEE_OFFICE).values_list(
            "pk", flat=True
        )
    )
    notified = 0
    for commitment in selectors.commitments_lapsing(today):
        with transaction.atomic():
            marked = FundingCommitment.objects.filter(
                pk=commitment.pk, lapse_notified_at__isnull=True
            ).update(lapse_notified_at=clock.now())
            if marked != 1:
                continue
            item = selectors.commitment_item(commitment)
            code = item.code if item is not None else f"#{commitment.pk}"
            end = commitment.effective_end
            assert end is not None
            recipients = [
                *people_holding([commitment.payer_id], DEPARTMENT_STAFF_ROLES),
                *people_holding(office_ids, OFFICE_STAFF_ROLES),
            ]
            link = reverse("funding:commitment", args=[commitment.pk])
            notifications_send(
                recipients=recipients,
                key=f"commitment-lapsing:{commitment.pk}",
                text_zh=f"经费承诺即将到期：{code}（{commitment.payer.name}，"
                f"预算科目 {commitment.budget_line or '未填'}）将于 {end:%Y年%m月%d日} 到期，"
                "到期后该事项的新委托任务将被拦截。如需继续，请及时续签。",
                text_en=f"Funding commitment lapsing: {code} ({commitment.payer.code}) ends on "
                f"{end:%Y-%m-%d}; after that new delegated tasks under the item are refused. "
                "Renew it in time to go on.",
                link=link,
            )
            record_event(
                actor=None,
                action="funding_commitment.notify_lapsing",
                obj=commitment,
                changes={"lapse_notified_at": [None, clock.now()]},
            )
        notified += 1
    return notified


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
    user = _paying_clerk(actor, commitment)
    amounts = [parse_yuan(r.amount) for r in requests]
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
            payments.append(_unsaved_payment(commitment, payee, amount, request, user, now))
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
