"""What the funding tests share: the clock pinned to Monday 23 November 2026, a delegated item
of DEPT-MZ (F-001) funded ¥10,000.00 per community per year from 2025 to 2026, and payments
recorded through the service."""

import datetime as dt
from decimal import Decimal

from communitygate.admissions.models import FundingCommitment
from communitygate.core import clock
from communitygate.funding.models import Payment
from communitygate.funding.services import (
    CommitmentRequest,
    CommitmentTerms,
    PaymentRequest,
    commitment_record,
    payment_record,
)
from communitygate.testing import World, make_item

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 11, 23)
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"
Y2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def funded(
    world: World,
    *,
    code: str = "F-001",
    amount: str = "10000.00",
    start: dt.date = dt.date(2025, 1, 1),
    end: dt.date | None = dt.date(2026, 12, 31),
    payer: str = "department",
) -> FundingCommitment:
    """A delegated item and its commitment (recorded by the office, as for the reform's six)."""
    clock.pin(MONDAY)
    item = make_item(
        world,
        code,
        item_class="delegated",
        funding_per_community=Decimal(amount),
        name=f"委托事项{code}",
    )
    return commitment_record(
        actor=world.user("office_officer"),
        request=CommitmentRequest(
            item_code=item.code,
            payer_code=world.org(payer).code,
            period_start=start,
            terms=CommitmentTerms(amount=str(amount), budget_line="民政专项", period_end=end),
        ),
    )


def paid(
    world: World,
    commitment: FundingCommitment,
    *,
    amount: str = "4000.00",
    community: str = COMMUNITY,
    voucher: str = "PZ-0001",
    period: tuple[dt.date, dt.date] = Y2026,
    person: str = "department_clerk",
    key: str = "",
    beyond_share: bool = False,
    note: str = "",
) -> Payment:
    return payment_record(
        actor=world.user(person),
        commitment=commitment,
        request=request(
            amount=amount,
            community=community,
            voucher=voucher,
            period=period,
            beyond_share=beyond_share,
            note=note,
        ),
        idempotency_key=key,
    )


def request(
    *,
    amount: str = "4000.00",
    community: str = COMMUNITY,
    voucher: str = "PZ-0001",
    period: tuple[dt.date, dt.date] = Y2026,
    paid_on: dt.date = dt.date(2026, 11, 20),
    beyond_share: bool = False,
    note: str = "",
) -> PaymentRequest:
    return PaymentRequest(
        community_code=community,
        amount=amount,
        paid_on=paid_on,
        voucher_number=voucher,
        period_start=period[0],
        period_end=period[1],
        beyond_share=beyond_share,
        note=note,
    )
