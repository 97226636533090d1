"""The money trail in bulk: for every funding commitment (one per delegated item, built through
`funding.services.commitment_record`), a payment to each community for each settlement year of
the window that has begun: the community's equal share of the year (the commitment's amount a
community a year), paid in the first half of the year. A few communities were not paid this
year (the daily `funding_overdue` run will find them when their share falls due); most receipts
are confirmed, some wait, a few are disputed."""

import datetime as dt
import itertools
import random
from collections.abc import Iterator

from django.db import transaction

from communitygate.admissions.models import FundingCommitment
from communitygate.funding.models import Payment, PaymentStates
from communitygate.scale.batches import BATCH, moment_on
from communitygate.scale.groundwork import City
from communitygate.scale.progress import Advance
from communitygate.scale.traffic import Window

UNPAID_SHARE = 0.03
DISPUTES = ("到账金额与应拨金额不符，请核实。", "未收到该笔拨款，请提供转账凭证。")


def payment_years(commitment: FundingCommitment, window: Window) -> list[int]:
    first = max(window.first.year, commitment.period_start.year)
    return list(range(first, window.today.year + 1))


def payments_planned(commitments: list[FundingCommitment], communities: int, window: Window) -> int:
    return sum(len(payment_years(c, window)) for c in commitments) * communities


def _payments(
    city: City, commitments: list[FundingCommitment], window: Window, rng: random.Random
) -> Iterator[Payment]:
    for number, commitment in enumerate(commitments, start=1):
        payer = commitment.payer
        clerk = city.clerks[payer.pk]
        for year in payment_years(commitment, window):
            start = max(dt.date(year, 1, 1), commitment.period_start)
            paid_on = min(
                dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 120)), window.today
            )
            for index, community in enumerate(city.communities):
                if year == window.today.year and rng.random() < UNPAID_SHARE:
                    continue
                recorded_at = min(moment_on(paid_on, rng), window.now)
                state = rng.choices(
                    (PaymentStates.CONFIRMED, PaymentStates.RECORDED, PaymentStates.DISPUTED),
                    (85, 13, 2),
                )[0]
                decided_at = (
                    min(recorded_at + dt.timedelta(days=rng.randint(1, 20)), window.now)
                    if state != PaymentStates.RECORDED
                    else None
                )
                yield Payment(
                    commitment=commitment,
                    payer=payer,
                    community=community,
                    amount=commitment.amount_per_community_per_year,
                    paid_on=paid_on,
                    voucher_number=f"{payer.code}-{year}-{number:02d}-{index + 1:05d}",
                    period_start=start,
                    period_end=dt.date(year, 12, 31),
                    state=state,
                    dispute_reason=rng.choice(DISPUTES) if state == PaymentStates.DISPUTED else "",
                    recorded_by=clerk,
                    decided_by=city.secretaries[index] if decided_at else None,
                    decided_at=decided_at,
                    created_at=recorded_at,
                    updated_at=decided_at or recorded_at,
                    revision=1 if decided_at else 0,
                )


def build_payments(
    city: City,
    commitments: list[FundingCommitment],
    window: Window,
    rng: random.Random,
    advance: Advance,
) -> int:
    made = 0
    for chunk in itertools.batched(_payments(city, commitments, window, rng), BATCH):
        with transaction.atomic():
            Payment.objects.bulk_create(chunk)
        made += len(chunk)
        advance(len(chunk))
    return made
