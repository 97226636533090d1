"""Reads of the money trail: each commitment's shares per community and period, and the
balances (committed share, paid, confirmed, outstanding) computed from the payments, never
stored.

A commitment promises an amount per community per year. Its settlement periods are the calendar
years it covers, cut to its own start and end; the period's pot is the yearly amount times the
number of communities in the item's scope, pro rata for a part year, and is split in equal
shares exactly to the fen (funding.allocation). A payment settles the period that contains its
own start. A share not fully paid `FUNDING_OVERDUE_WORKDAYS` working days after its period ends
is overdue."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from communitygate.accounts.permissions import department_staff_ids, oversees_district
from communitygate.admissions.models import FundingCommitment
from communitygate.admissions.selectors import admitted_scopes
from communitygate.catalog.models import CatalogItem
from communitygate.core import clock
from communitygate.core.people import AnyUser
from communitygate.core.periods import Period
from communitygate.core.workdays import HolidayScheduleMissing, add_workdays
from communitygate.funding.allocation import split_equally, to_yuan
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.permissions import payee_ids
from communitygate.orgs.models import Organisation, OrganisationKinds


def overdue_workdays() -> int:
    return int(settings.COMMUNITYGATE.get("FUNDING_OVERDUE_WORKDAYS", 20))


# Periods and shares -------------------------------------------------------------------------------


def item_of(commitment: FundingCommitment) -> int | None:
    """The catalog item a commitment funds (its own, else its application's)."""
    if commitment.catalog_item_id is not None:
        return commitment.catalog_item_id
    application = commitment.application
    return application.catalog_item_id if application is not None else None


def settlement_periods(
    commitment: FundingCommitment, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The commitment's calendar-year periods, cut to its start and end, that overlap
    [first, last]."""
    start = max(commitment.period_start, first)
    end = min(commitment.period_end or last, last)
    periods = []
    for year in range(start.year, end.year + 1):
        period_start = max(dt.date(year, 1, 1), commitment.period_start)
        period_end = dt.date(year, 12, 31)
        if commitment.period_end is not None:
            period_end = min(period_end, commitment.period_end)
        if period_start <= period_end:
            periods.append((period_start, period_end))
    return periods


def settlement_period_of(
    commitment: FundingCommitment, day: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The settlement period holding `day`, or None when the commitment does not cover it."""
    periods = settlement_periods(commitment, day, day)
    return periods[0] if periods else None


def period_pot_fen(commitment: FundingCommitment, start: dt.date, end: dt.date, count: int) -> int:
    """What the commitment promises for the period to `count` communities, in fen: the yearly
    amount pro rata by days for a part year, rounded half up once, for the whole pot."""
    days_in_year = (dt.date(start.year, 12, 31) - dt.date(start.year, 1, 1)).days + 1
    covered = (end - start).days + 1
    exact = commitment.amount_per_community_per_year * 100 * count * covered / days_in_year
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _communities() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY).only(
            "pk", "code", "name", "active_from", "active_to"
        )
    )


def _active_in(community: Organisation, start: dt.date, end: dt.date) -> bool:
    if community.active_from is not None and community.active_from > end:
        return False
    return community.active_to is None or community.active_to >= start


@dataclass(frozen=True)
class Share:
    """One community's share of a commitment for one period."""

    commitment: FundingCommitment
    community: Organisation
    period_start: dt.date
    period_end: dt.date
    amount: Decimal


class ShareBook:
    """The shares of some commitments, computed once for a request (one query for the
    communities, two for the items' scopes)."""

    def __init__(self, commitments: Iterable[FundingCommitment]) -> None:
        self.commitments = list(commitments)
        self.communities = _communities()
        items = [i for i in (item_of(c) for c in self.commitments) if i is not None]
        self.scopes = admitted_scopes(items)

    def in_scope(
        self, commitment: FundingCommitment, start: dt.date, end: dt.date
    ) -> list[Organisation]:
        item = item_of(commitment)
        scope = self.scopes.get(item) if item is not None else None
        return [
            c
            for c in self.communities
            if _active_in(c, start, end) and (scope is None or c.pk in scope)
        ]

    def shares(self, commitment: FundingCommitment, start: dt.date, end: dt.date) -> list[Share]:
        communities = self.in_scope(commitment, start, end)
        if not communities:
            return []
        pot = period_pot_fen(commitment, start, end, len(communities))
        fen = split_equally(pot, [c.code for c in communities])
        return [
            Share(commitment, c, start, end, to_yuan(fen[c.code]))
            for c in sorted(communities, key=lambda c: c.code)
        ]

    def shares_within(self, first: dt.date, last: dt.date) -> list[Share]:
        return [
            share
            for commitment in self.commitments
            for start, end in settlement_periods(commitment, first, last)
            for share in self.shares(commitment, start, end)
        ]


def share_of(
    commitment: FundingCommitment, community: Organisation, start: dt.date
) -> Decimal | None:
    """The community's share of the commitment for the period starting `start` (None when the
    community is not in the item's scope then)."""
    period = settlement_period_of(commitment, start)
    if period is None:
        return None
    for share in ShareBook([commitment]).shares(commitment, *period):
        if share.community.pk == community.pk:
            return share.amount
    return None


def paid_towards(
    commitment: FundingCommitment, community: Organisation, start: dt.date, end: dt.date
) -> Decimal:
    """Every payment recorded to the community that settles the period (disputed ones too: the
    money was sent as far as the payer says)."""
    amounts = Payment.objects.filter(
        commitment=commitment,
        community=community,
        period_start__gte=start,
        period_start__lte=end,
    ).values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00"))


def due_on(period_end: dt.date) -> dt.date | None:
    """When a share of a period ending `period_end` falls due; None while the holiday schedule
    of the year it falls in is not entered."""
    try:
        return add_workdays(period_end, overdue_workdays())
    except HolidayScheduleMissing:
        return None


# Balances -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    commitment_id: int
    item: str | None
    payer: str
    community: str
    community_name: str
    period_start: dt.date
    period_end: dt.date
    share: Decimal
    paid: Decimal
    confirmed: Decimal
    disputed: Decimal
    outstanding: Decimal
    due_on: dt.date | None
    overdue: bool


def _totals(
    commitment_ids: list[int],
) -> dict[tuple[int, int, int], dict[str, Decimal]]:
    """Payments summed per (commitment, community, year of the period settled) and state."""
    totals: dict[tuple[int, int, int], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: Decimal("0.00"))
    )
    rows = Payment.objects.filter(commitment_id__in=commitment_ids).values_list(
        "commitment_id", "community_id", "period_start", "state", "amount"
    )
    for commitment_id, community_id, start, state, amount in rows:
        totals[(commitment_id, community_id, start.year)][state] += amount
    return totals


def balances(
    *,
    user: AnyUser,
    period: Period,
    item_code: str = "",
    community_code: str = "",
    today: dt.date | None = None,
) -> list[Balance]:
    """Every share the person may read in the period (shares of settlement periods overlapping
    it), with what was paid, confirmed and is outstanding."""
    today = today or clock.today()
    commitments = (
        FundingCommitment.objects.select_related("catalog_item", "application", "payer")
        .filter(period_start__lte=period.end)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=period.start))
        .order_by("pk")
    )
    if item_code:
        commitments = commitments.filter(
            Q(catalog_item__code=item_code) | Q(application__catalog_item__code=item_code)
        )
    book = ShareBook(commitments)
    shares = book.shares_within(period.start, period.end)
    if community_code:
        shares = [s for s in shares if s.community.code == community_code]
    if not oversees_district(user):
        shares = _readable(shares, user)
    totals = _totals([c.pk for c in book.commitments])
    deadlines: dict[dt.date, dt.date | None] = {}
    result = []
    for share in shares:
        sums = totals.get((share.commitment.pk, share.community.pk, share.period_start.year), {})
        paid = sum(sums.values(), Decimal("0.00"))
        if share.period_end not in deadlines:
            deadlines[share.period_end] = due_on(share.period_end)
        due = deadlines[share.period_end]
        outstanding = max(share.amount - paid, Decimal("0.00"))
        item = share.commitment.catalog_item or (
            share.commitment.application.catalog_item if share.commitment.application else None
        )
        result.append(
            Balance(
                commitment_id=share.commitment.pk,
                item=item.code if item is not None else None,
                payer=share.commitment.payer.code,
                community=share.community.code,
                community_name=share.community.name,
                period_start=share.period_start,
                period_end=share.period_end,
                share=share.amount,
                paid=paid,
                confirmed=sums.get(PaymentStates.CONFIRMED, Decimal("0.00")),
                disputed=sums.get(PaymentStates.DISPUTED, Decimal("0.00")),
                outstanding=outstanding,
                due_on=due,
                overdue=bool(outstanding > 0 and due is not None and today > due),
            )
        )
    return result


def _readable(shares: list[Share], user: AnyUser) -> list[Share]:
    departments = set(department_staff_ids(user))
    payees = set(payee_ids(user))
    return [s for s in shares if s.commitment.payer_id in departments or s.community.pk in payees]


def overdue_shares(*, today: dt.date | None = None) -> list[tuple[Share, Decimal, dt.date]]:
    """Every share past its deadline and not fully paid: (share, paid, due date). Periods whose
    deadline falls in a year with no holiday schedule are left for a later run."""
    today = today or clock.today()
    commitments = (
        FundingCommitment.objects.select_related("catalog_item", "application", "payer")
        .filter(period_start__lt=today)
        .order_by("pk")
    )
    book = ShareBook(commitments)
    totals = _totals([c.pk for c in book.commitments])
    found = []
    for share in book.shares_within(dt.date(2000, 1, 1), today - dt.timedelta(days=1)):
        due = due_on(share.period_end)
        if due is None or today <= due:
            continue
        sums = totals.get((share.commitment.pk, share.community.pk, share.period_start.year), {})
        paid = sum(sums.values(), Decimal("0.00"))
        if paid < share.amount:
            found.append((share, paid, due))
    return found


# Lists --------------------------------------------------------------------------------------------


def payments_listed(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.select_related(
        "commitment__catalog_item", "payer", "community", "recorded_by", "decided_by"
    ).order_by("-paid_on", "-pk")


def commitments_listed(commitments: QuerySet[FundingCommitment]) -> QuerySet[FundingCommitment]:
    return commitments.select_related(
        "catalog_item", "application__catalog_item", "payer"
    ).order_by("period_start", "pk")


def commitment_status(commitment: FundingCommitment, today: dt.date | None = None) -> str:
    """upcoming (not started), active, or lapsed (ended before today)."""
    today = today or clock.today()
    if commitment.period_start > today:
        return "upcoming"
    if commitment.period_end is not None and commitment.period_end < today:
        return "lapsed"
    return "active"


# The pages' reads (payments, receipts and balances under /funding/) -------------------------------


@dataclass(frozen=True)
class PaymentFilters:
    """What the payments page asks for; every part optional. `period` selects the payments whose
    settled period overlaps it."""

    item: str = ""
    community: str = ""
    payer: str = ""
    state: str = ""
    period: Period | None = None


def payments_filtered(payments: QuerySet[Payment], filters: PaymentFilters) -> QuerySet[Payment]:
    """The payments that match, newest first, with everything a row shows (one query a page)."""
    if filters.item:
        payments = payments.filter(
            Q(commitment__catalog_item__code=filters.item)
            | Q(commitment__application__catalog_item__code=filters.item)
        )
    if filters.community:
        payments = payments.filter(community__code=filters.community)
    if filters.payer:
        payments = payments.filter(payer__code=filters.payer)
    if filters.state:
        payments = payments.filter(state=filters.state)
    if filters.period is not None:
        payments = payments.filter(
            period_start__lte=filters.period.end, period_end__gte=filters.period.start
        )
    return payments.select_related(
        "commitment__catalog_item",
        "commitment__application__catalog_item",
        "payer",
        "community",
        "recorded_by",
        "decided_by",
    ).order_by("-paid_on", "-pk")


def payment_item(payment: Payment) -> CatalogItem | None:
    """The catalog item a payment funds (its commitment's, else the application's)."""
    commitment = payment.commitment
    if commitment.catalog_item is not None:
        return commitment.catalog_item
    application = commitment.application
    return application.catalog_item if application is not None else None


def receipts_to_confirm(user: AnyUser) -> QuerySet[Payment]:
    """待确认到账: payments to the person's communities (or social organisations) still to be
    confirmed or disputed, oldest first."""
    return payments_filtered(
        Payment.objects.filter(community_id__in=payee_ids(user), state=PaymentStates.RECORDED),
        PaymentFilters(),
    ).order_by("paid_on", "pk")


def disputes_to_answer(user: AnyUser) -> QuerySet[Payment]:
    """待答复异议: the person's department's payments a community disputed, oldest first."""
    return payments_filtered(
        Payment.objects.filter(
            payer_id__in=department_staff_ids(user), state=PaymentStates.DISPUTED
        ),
        PaymentFilters(),
    ).order_by("paid_on", "pk")


def funded_item_choices(commitments: QuerySet[FundingCommitment]) -> list[tuple[str, str]]:
    """(code, "code name") of the items these commitments fund, by code."""
    items: dict[str, str] = {}
    for commitment in commitments.select_related("catalog_item", "application__catalog_item"):
        item = commitment.catalog_item or (
            commitment.application.catalog_item if commitment.application else None
        )
        if item is not None:
            items[item.code] = f"{item.code} {item.name}"
    return sorted(items.items())


def payee_choices(user: AnyUser) -> list[tuple[str, str]]:
    """The communities and social organisations the person may filter by or pay: their own for a
    community's (or social organisation's) staff, every one for the others."""
    payees = Organisation.objects.filter(
        kind__in=[OrganisationKinds.COMMUNITY, OrganisationKinds.SOCIAL_ORG]
    )
    if not oversees_district(user) and not department_staff_ids(user):
        payees = payees.filter(pk__in=payee_ids(user))
    return [(o.code, f"{o.name}（{o.code}）") for o in payees.order_by("kind", "code")]


def payer_choices() -> list[tuple[str, str]]:
    """Every department, by code (the payers a list may be narrowed to)."""
    departments = Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT).order_by("code")
    return [(o.code, o.name) for o in departments]


def commitments_paid_by(user: AnyUser) -> QuerySet[FundingCommitment]:
    """The commitments whose payments the person's department records, by item."""
    return (
        FundingCommitment.objects.filter(payer_id__in=department_staff_ids(user))
        .select_related("catalog_item", "application__catalog_item", "payer")
        .order_by("catalog_item__code", "period_start", "pk")
    )


def payment_balance(user: AnyUser, payment: Payment) -> Balance | None:
    """The balance line of the period a payment settles, for its community (None for a payment
    to a social organisation, which has no share of its own)."""
    period = settlement_period_of(payment.commitment, payment.period_start)
    if period is None:
        return None
    start, end = period
    rows = balances(
        user=user,
        period=Period(start, end, f"{start}..{end}"),
        community_code=payment.community.code,
    )
    return next((b for b in rows if b.commitment_id == payment.commitment_id), None)


@dataclass(frozen=True)
class BalanceTotals:
    share: Decimal
    paid: Decimal
    confirmed: Decimal
    disputed: Decimal
    outstanding: Decimal
    overdue: int


def balance_totals(rows: list[Balance]) -> BalanceTotals:
    zero = Decimal("0.00")
    return BalanceTotals(
        share=sum((b.share for b in rows), zero),
        paid=sum((b.paid for b in rows), zero),
        confirmed=sum((b.confirmed for b in rows), zero),
        disputed=sum((b.disputed for b in rows), zero),
        outstanding=sum((b.outstanding for b in rows), zero),
        overdue=sum(1 for b in rows if b.overdue),
    )
