"""The money trail's API (谁委托谁出钱): commitments (read, record, renew, end), payments and their receipts, and
balances. Every path needs a signed-in person and is scoped by funding.permissions (the office,
supervision and audit read everything; a paying department its own; a community the money paid
to it); a payment the person may not see answers 404, a step they may not take 403. Amounts
travel as strings of yuan with two decimals ("1234.50"), never as JSON numbers. Lists answer
{"count", "items"} with `limit`/`offset`."""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from communitygate.admissions.models import CommitmentBases, FundingCommitment
from communitygate.catalog.models import CatalogItem
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem
from communitygate.core.idempotency import IDEMPOTENCY_KEY_HEADER
from communitygate.core.inputs import AmountText, Day, Offset, PeriodText, RowId, Year, capped
from communitygate.core.money import yuan_string
from communitygate.core.paging import page_bounds
from communitygate.core.periods import parse_period
from communitygate.funding.models import Payment
from communitygate.funding.permissions import (
    access_commitment,
    access_commitment_to_pay,
    access_payment,
    commitments_visible_to,
    payments_visible_to,
)
from communitygate.funding.selectors import (
    Balance,
    CommitmentFilters,
    CommitmentStatuses,
    balances,
    commitment_item,
    commitment_status,
    commitments_filtered,
    commitments_listed,
    payment_item,
    payments_listed,
)
from communitygate.funding.services import (
    ANSWER_MAX_LENGTH,
    CommitmentRequest,
    CommitmentTerms,
    PaymentRequest,
    commitment_end,
    commitment_record,
    commitment_renew,
    payment_answer_dispute,
    payment_confirm_receipt,
    payment_dispute,
    payment_record,
)
from communitygate.orgs.inputs import OrgCode
from communitygate.orgs.models import Organisation

router = Router(tags=["funding"])


def _max_limit() -> int:
    return int(settings.COMMUNITYGATE["API_MAX_LIMIT"])


# Commitments --------------------------------------------------------------------------------------


class FixedShareIO(Schema):
    community: str = capped(Organisation, "code", description="The community's code.")
    amount: AmountText = Field(description='Yuan per year, two decimals at most: "6000.00".')


class CommitmentOut(Schema):
    id: int
    item: str | None = Field(description="The catalog item's code.")
    payer: str = Field(description="The paying department's code.")
    amount: str = Field(
        description='Yuan per community per year, two decimals: "1234.50" (basis "fixed": the '
        "list's yearly total)."
    )
    budget_line: str = Field(description="预算科目 (blank on commitments recorded before it).")
    basis: str = Field(description="equal, households, tasks or fixed.")
    period_start: dt.date
    period_end: dt.date | None
    ended_on: dt.date | None = Field(description="The last day funded when ended early.")
    end_reason: str
    renews: int | None = Field(description="The commitment this one renews.")
    renewed_by: int | None = Field(description="The commitment renewing this one.")
    status: str = Field(description="upcoming, active, lapsing, lapsed or ended.")
    shares: list[FixedShareIO] = Field(description="The fixed list (basis fixed), else empty.")


class CommitmentPage(Schema):
    count: int
    items: list[CommitmentOut]


def commitment_out(commitment: FundingCommitment, today: dt.date) -> CommitmentOut:
    item = commitment_item(commitment)
    renewal = getattr(commitment, "renewal", None)
    return CommitmentOut(
        id=commitment.pk,
        item=item.code if item is not None else None,
        payer=commitment.payer.code,
        amount=yuan_string(commitment.amount_per_community_per_year),
        budget_line=commitment.budget_line,
        basis=commitment.basis,
        period_start=commitment.period_start,
        period_end=commitment.period_end,
        ended_on=commitment.ended_on,
        end_reason=commitment.end_reason,
        renews=commitment.renews_id,
        renewed_by=renewal.pk if renewal is not None else None,
        status=commitment_status(commitment, today),
        shares=[
            FixedShareIO(community=share.community.code, amount=yuan_string(share.amount))
            for share in commitment.fixed_shares.all()
        ],
    )


def _status_checked(status: str) -> str:
    if status and status not in CommitmentStatuses.ALL:
        raise InvalidInput(
            [
                Problem(
                    "状态须为 upcoming、active、lapsing、lapsed 或 ended。",
                    "The status must be upcoming, active, lapsing, lapsed or ended.",
                    field="status",
                )
            ]
        )
    return status


@router.get("/funding/commitments", response=CommitmentPage)
def list_commitments(
    request: HttpRequest,
    item: Annotated[str, capped(CatalogItem, "code")] = "",
    payer: OrgCode = "",
    status: Annotated[str, Field(max_length=20)] = "",
    year: Year | None = None,
    limit: int = 50,
    offset: Offset = 0,
) -> CommitmentPage:
    """The funding commitments the caller may read (a department those it pays), filtered by
    item code, payer code, status today and a calendar year they fund part of."""
    limit, offset = page_bounds(limit, offset, _max_limit())
    today = clock.today()
    filters = CommitmentFilters(
        item=item.strip(), payer=payer.strip(), status=_status_checked(status.strip()), year=year
    )
    commitments = commitments_listed(
        commitments_filtered(commitments_visible_to(request.user), filters, today)
    )
    return CommitmentPage(
        count=commitments.count(),
        items=[commitment_out(c, today) for c in commitments[offset : offset + limit]],
    )


class TermsIn(Schema):
    amount: AmountText = Field(description='Yuan, two decimals at most: "10000.00".')
    budget_line: str = capped(FundingCommitment, "budget_line", "")
    period_end: Day | None = Field(None, description="null: open-ended until ended.")
    basis: CommitmentBases = Field(
        CommitmentBases.EQUAL, description="equal, households, tasks or fixed."
    )
    shares: list[FixedShareIO] = Field(
        default_factory=list, description="Basis fixed: each community's yuan per year."
    )

    def terms(self) -> CommitmentTerms:
        return CommitmentTerms(
            amount=self.amount,
            budget_line=self.budget_line,
            period_end=self.period_end,
            basis=self.basis,
            shares=tuple((share.community, share.amount) for share in self.shares),
        )


class CommitmentIn(TermsIn):
    item: str = capped(CatalogItem, "code", description="The delegated catalog item's code.")
    payer: str = capped(Organisation, "code", description="The paying department's code.")
    period_start: Day


class EndIn(Schema):
    ended_on: Day = Field(description="The last day funded (today or later).")
    reason: str = Field("", max_length=2000)


def _shown(request: HttpRequest, commitment: FundingCommitment) -> CommitmentOut:
    listed = commitments_listed(commitments_visible_to(request.user)).get(pk=commitment.pk)
    return commitment_out(listed, clock.today())


@router.post("/funding/commitments", response={201: CommitmentOut})
def record_commitment(request: HttpRequest, payload: CommitmentIn) -> Status[CommitmentOut]:
    """Record a commitment (the office, or the paying department for itself). Send an
    `Idempotency-Key` to retry safely."""
    commitment = commitment_record(
        actor=request.user,
        request=CommitmentRequest(
            item_code=payload.item,
            payer_code=payload.payer,
            period_start=payload.period_start,
            terms=payload.terms(),
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, _shown(request, commitment))


@router.post("/funding/commitments/{commitment_id}/renew", response={201: CommitmentOut})
def renew_commitment(
    request: HttpRequest, commitment_id: int, payload: TermsIn
) -> Status[CommitmentOut]:
    """Renew: a new commitment from the day after this one's end (the office or the payer).
    Send an `Idempotency-Key` to retry safely."""
    renewal = commitment_renew(
        actor=request.user,
        commitment=access_commitment(request.user, commitment_id),
        terms=payload.terms(),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, _shown(request, renewal))


@router.post("/funding/commitments/{commitment_id}/end", response=CommitmentOut)
def end_commitment(request: HttpRequest, commitment_id: int, payload: EndIn) -> CommitmentOut:
    """End the commitment early (the office or the payer), with a reason."""
    ended = commitment_end(
        actor=request.user,
        commitment=access_commitment(request.user, commitment_id),
        ended_on=payload.ended_on,
        reason=payload.reason,
    )
    return _shown(request, ended)


# Payments -----------------------------------------------------------------------------------------


class PaymentIn(Schema):
    commitment: RowId
    community: str = capped(
        Organisation, "code", description="The community's (or social organisation's) code."
    )
    amount: AmountText = Field(description='Yuan, two decimals at most: "1234.50".')
    paid_on: Day
    voucher_number: str = capped(Payment, "voucher_number", "")
    period_start: Day
    period_end: Day
    beyond_share: bool = Field(
        False, description="Pay beyond the community's share on purpose (a note is required)."
    )
    note: str = Field("", max_length=2000)


class PaymentOut(Schema):
    id: int
    commitment: int
    item: str | None
    payer: str
    community: str
    amount: str
    paid_on: dt.date
    voucher_number: str
    period_start: dt.date
    period_end: dt.date
    beyond_share: bool
    note: str
    state: str = Field(description="recorded, confirmed or disputed.")
    dispute_reason: str
    answer: str = Field(description="The payer's answer to the latest dispute.")
    recorded_at: dt.datetime
    decided_at: dt.datetime | None


class PaymentPage(Schema):
    count: int
    items: list[PaymentOut]


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


def payment_out(payment: Payment) -> PaymentOut:
    item = payment_item(payment)
    return PaymentOut(
        id=payment.pk,
        commitment=payment.commitment_id,
        item=item.code if item is not None else None,
        payer=payment.payer.code,
        community=payment.community.code,
        amount=yuan_string(payment.amount),
        paid_on=payment.paid_on,
        voucher_number=payment.voucher_number,
        period_start=payment.period_start,
        period_end=payment.period_end,
        beyond_share=payment.beyond_share,
        note=payment.note,
        state=payment.state,
        dispute_reason=payment.dispute_reason,
        answer=payment.answer,
        recorded_at=payment.created_at,
        decided_at=payment.decided_at,
    )


@router.get("/funding/payments", response=PaymentPage)
def list_payments(request: HttpRequest, limit: int = 50, offset: Offset = 0) -> PaymentPage:
    """The payments the caller may read: a department its own, a community those to it."""
    limit, offset = page_bounds(limit, offset, _max_limit())
    payments = payments_listed(payments_visible_to(request.user))
    return PaymentPage(
        count=payments.count(),
        items=[payment_out(p) for p in payments[offset : offset + limit]],
    )


@router.post("/funding/payments", response={201: PaymentOut})
def record_payment(request: HttpRequest, payload: PaymentIn) -> Status[PaymentOut]:
    """Record a payment (the paying department). Send an `Idempotency-Key` to retry safely: the
    same key and body answer the first payment."""
    payment = payment_record(
        actor=request.user,
        commitment=access_commitment_to_pay(request.user, payload.commitment),
        request=PaymentRequest(
            community_code=payload.community,
            amount=payload.amount,
            paid_on=payload.paid_on,
            voucher_number=payload.voucher_number,
            period_start=payload.period_start,
            period_end=payload.period_end,
            beyond_share=payload.beyond_share,
            note=payload.note,
        ),
        idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER, ""),
    )
    return Status(201, payment_out(access_payment(request.user, payment.pk)))


@router.post("/funding/payments/{payment_id}/confirm-receipt", response=PaymentOut)
def confirm_receipt(request: HttpRequest, payment_id: int) -> PaymentOut:
    """The receiving community confirms the money arrived."""
    payment = payment_confirm_receipt(
        actor=request.user, payment=access_payment(request.user, payment_id)
    )
    return payment_out(access_payment(request.user, payment.pk))


@router.post("/funding/payments/{payment_id}/dispute", response=PaymentOut)
def dispute_payment(request: HttpRequest, payment_id: int, payload: ReasonIn) -> PaymentOut:
    """The receiving community disputes the payment, with a reason."""
    payment = payment_dispute(
        actor=request.user,
        payment=access_payment(request.user, payment_id),
        reason=payload.reason,
    )
    return payment_out(access_payment(request.user, payment.pk))


# Balances -----------------------------------------------------------------------------------------


class BalanceOut(Schema):
    commitment: int
    item: str | None
    payer: str
    community: str
    community_name: str
    period_start: dt.date
    period_end: dt.date
    share: str = Field(description="The community's committed share for the period (yuan).")
    paid: str
    confirmed: str
    disputed: str
    outstanding: str
    due_on: dt.date | None = Field(
        description="When the share falls due; null while that year's holidays are not entered."
    )
    overdue: bool


class BalancePage(Schema):
    count: int
    period_start: dt.date
    period_end: dt.date
    items: list[BalanceOut]


def balance_out(balance: Balance) -> BalanceOut:
    return BalanceOut(
        commitment=balance.commitment_id,
        item=balance.item,
        payer=balance.payer,
        community=balance.community,
        community_name=balance.community_name,
        period_start=balance.period_start,
        period_end=balance.period_end,
        share=yuan_string(balance.share),
        paid=yuan_string(balance.paid),
        confirmed=yuan_string(balance.confirmed),
        disputed=yuan_string(balance.disputed),
        outstanding=yuan_string(balance.outstanding),
        due_on=balance.due_on,
        overdue=balance.overdue,
    )


@router.get("/funding/balances", response=BalancePage)
def list_balances(
    request: HttpRequest,
    item: Annotated[str, capped(CatalogItem, "code")] = "",
    community: OrgCode = "",
    period: PeriodText = "",
) -> BalancePage:
    """Committed share, paid, confirmed and outstanding per item, community and settlement
    period (the calendar years of each commitment overlapping `period`: 2026, 2026-H1, 2026-Q3,
    2026-11 or 2026-03-01..2026-06-30; empty: this year so far)."""
    today = clock.today()
    asked = parse_period(period, today=today)
    rows = balances(
        user=request.user, period=asked, item_code=item, community_code=community, today=today
    )
    return BalancePage(
        count=len(rows),
        period_start=asked.start,
        period_end=asked.end,
        items=[balance_out(b) for b in rows],
    )


# The payer's answer -------------------------------------------------------------------------------


class AnswerIn(Schema):
    answer: str = Field("", max_length=ANSWER_MAX_LENGTH)


@router.post("/funding/payments/{payment_id}/answer", response=PaymentOut)
def answer_dispute(request: HttpRequest, payment_id: int, payload: AnswerIn) -> PaymentOut:
    """The payer answers a dispute ("已核实，凭证号更正"): the payment is recorded again and the
    community confirms or disputes anew."""
    payment = payment_answer_dispute(
        actor=request.user,
        payment=access_payment(request.user, payment_id),
        answer=payload.answer,
    )
    return payment_out(access_payment(request.user, payment.pk))
