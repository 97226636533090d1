"""Reads of the money trail: each commitment's shares per community and period, its status, and
the balances (committed share, paid, confirmed, outstanding) computed from the payments, never
stored.

A commitment promises an amount per community per year. Its settlement periods are the calendar
years it covers, cut to its own start and its effective end (the period's end, or the day it was
ended if earlier). The period's pot is the yearly amount times the number of communities in the
item's scope, pro rata for a part year, and is shared by the commitment's basis exactly to the
fen (funding.allocation): equally, by each community's current households, by the assignments
of the item's tasks starting in the period (refused ones not counted), or by a fixed list (whose
amounts per year make the pot instead). A payment settles the period that contains its own
start. A share not fully paid `FUNDING_OVERDUE_WORKDAYS` working days after its period ends is
overdue."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet

from communitygate.accounts.permissions import department_staff_ids, oversees_district
from communitygate.admissions.models import CommitmentBases, FundingCommitment
from communitygate.admissions.selectors import admitted_scopes
from communitygate.catalog.models import CatalogItem, ItemClasses, ItemStatuses
from communitygate.core import clock
from communitygate.core.people import AnyUser
from communitygate.core.periods import EARLIEST_YEAR, Period
from communitygate.core.workdays import HolidayScheduleMissing, add_workdays
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.funding.allocation import split_by_weights, split_equally, to_fen, to_yuan
from communitygate.funding.models import CommitmentShare, Payment, PaymentStates
from communitygate.funding.permissions import payee_ids
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.registry.selectors.visits import current_households

LAPSING_DAYS = 30  # a commitment within this many days of its effective end is lapsing


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
    """The commitment's calendar-year periods, cut to its start and effective end, that overlap
    [first, last]."""
    effective_end = commitment.effective_end
    start = max(commitment.period_start, first)
    end = min(effective_end or last, last)
    periods = []
    for year in range(start.year, end.year + 1):
        period_start = max(dt.date(year, 1, 1), commitment.period_start)
        period_end = dt.date(year, 12, 31)
        if effective_end is not None:
            period_end = min(period_end, effective_end)
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


def fixed_pot_fen(yearly_fen: int, start: dt.date, end: dt.date) -> int:
    """A fixed list's yearly fen for the period, pro rata by days, rounded half up once."""
    days_in_year = (dt.date(start.year, 12, 31) - dt.date(start.year, 1, 1)).days + 1
    covered = (end - start).days + 1
    return (yearly_fen * covered * 2 + days_in_year) // (days_in_year * 2)


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
    """The shares of some commitments, computed once for a request: one query for the
    communities, two for the items' scopes, one for the fixed lists; the households (one
    query) and the tasks assigned (one query per item and period) only when a basis needs
    them."""

    def __init__(self, commitments: Iterable[FundingCommitment]) -> None:
        self.commitments = list(commitments)
        self.communities = _communities()
        items = [i for i in (item_of(c) for c in self.commitments) if i is not None]
        self.scopes = admitted_scopes(items)
        self.fixed: dict[int, dict[int, Decimal]] = defaultdict(dict)
        fixed_ids = [c.pk for c in self.commitments if c.basis == CommitmentBases.FIXED]
        if fixed_ids:
            rows = CommitmentShare.objects.filter(commitment_id__in=fixed_ids).values_list(
                "commitment_id", "community_id", "amount"
            )
            for commitment_id, community_id, amount in rows:
                self.fixed[commitment_id][community_id] = amount
        self._households: dict[int, int] | None = None
        self._assigned: dict[tuple[int | None, dt.date, dt.date], dict[int, int]] = {}

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

    def households(self) -> dict[int, int]:
        """Current households per community (the registry as it stands today)."""
        if self._households is None:
            rows = (
                current_households()
                .values("community_id")
                .annotate(n=Count("pk"))
                .values_list("community_id", "n")
            )
            self._households = dict(rows)
        return self._households

    def assigned(self, item: int | None, start: dt.date, end: dt.date) -> dict[int, int]:
        """Assignments per community of the item's tasks starting in the period, refused ones
        not counted."""
        key = (item, start, end)
        if key not in self._assigned:
            rows = (
                Assignment.objects.filter(
                    task__item_id=item,
                    task__admitted=True,
                    task__starts_on__gte=start,
                    task__starts_on__lte=end,
                )
                .exclude(state=AssignmentStates.REFUSED)
                .values("community_id")
                .annotate(n=Count("pk"))
                .values_list("community_id", "n")
            )
            self._assigned[key] = dict(rows) if item is not None else {}
        return self._assigned[key]

    def weights(
        self,
        commitment: FundingCommitment,
        communities: list[Organisation],
        start: dt.date,
        end: dt.date,
    ) -> dict[str, int]:
        """Each community's weight under the commitment's basis (all zero: equal shares)."""
        if commitment.basis == CommitmentBases.HOUSEHOLDS:
            counts = self.households()
        elif commitment.basis == CommitmentBases.TASKS:
            counts = self.assigned(item_of(commitment), start, end)
        else:
            counts = {}
        if not counts:
            return {c.code: 1 for c in communities}
        return {c.code: counts.get(c.pk, 0) for c in communities}

    def shares(self, commitment: FundingCommitment, start: dt.date, end: dt.date) -> list[Share]:
        if commitment.basis == CommitmentBases.FIXED:
            return self._fixed_shares(commitment, start, end)
        communities = self.in_scope(commitment, start, end)
        if not communities:
            return []
        pot = period_pot_fen(commitment, start, end, len(communities))
        if commitment.basis == CommitmentBases.EQUAL:
            fen = split_equally(pot, [c.code for c in communities])
        else:
            fen = split_by_weights(pot, self.weights(commitment, communities, start, end))
        return [
            Share(commitment, c, start, end, to_yuan(fen[c.code]))
            for c in sorted(communities, key=lambda c: c.code)
        ]

    def _fixed_shares(
        self, commitment: FundingCommitment, start: dt.date, end: dt.date
    ) -> list[Share]:
        """The listed communities existing in the period; their yearly amounts make the pot
        (pro rata) and are its weights, so a whole year gives each exactly its amount."""
        listed = self.fixed.get(commitment.pk, {})
        communities = [c for c in self.communities if c.pk in listed and _active_in(c, start, end)]
        if not communities:
            return []
        amounts = {c.code: to_fen(listed[c.pk]) for c in communities}
        pot = fixed_pot_fen(sum(amounts.values()), start, end)
        fen = split_by_weights(pot, amounts)
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


# What a share asks of its payer today (the balances' `show=`, the department's workbench):
# "due" — its settlement period has ended and part of it is unpaid, the deadline (period end +
# FUNDING_OVERDUE_WORKDAYS working days) not passed yet or not known while the calendar lacks its
# year; "overdue" — part of it is unpaid after the deadline (Balance.overdue, the daily run's
# overdue share). A share of a period still running is neither: nothing is owed yet.
SHARE_DUE = "due"
SHARE_OVERDUE = "overdue"
SHARE_STANDINGS = (SHARE_DUE, SHARE_OVERDUE)


def balance_standing(balance: Balance, today: dt.date) -> str:
    """SHARE_DUE, SHARE_OVERDUE or "" (paid in full, or its period still running)."""
    if balance.outstanding <= 0:
        return ""
    if balance.overdue:
        return SHARE_OVERDUE
    if balance.period_end < today:
        return SHARE_DUE
    return ""


def owed_so_far(today: dt.date) -> Period:
    """Every settlement period up to today: where due and overdue shares are looked for when
    no period is asked (a share overdue since an earlier year is still owed)."""
    return Period(dt.date(EARLIEST_YEAR, 1, 1), today, "")


def balances(
    *,
    user: AnyUser,
    period: Period,
    item_code: str = "",
    community_code: str = "",
    today: dt.date | None = None,
    commitment_ids: list[int] | None = None,
    payer_code: str = "",
    standing: str = "",
) -> list[Balance]:
    """Every share the person may read in the period (shares of settlement periods overlapping
    it), with what was paid, confirmed and is outstanding; `payer_code` keeps one paying
    department's commitments, `standing` (SHARE_DUE, SHARE_OVERDUE) the shares it names."""
    today = today or clock.today()
    commitments = (
        FundingCommitment.objects.select_related("catalog_item", "application", "payer")
        .filter(period_start__lte=period.end)
        .filter(effective_end_from(period.start))
        .order_by("pk")
    )
    if commitment_ids is not None:
        commitments = commitments.filter(pk__in=commitment_ids)
    if payer_code:
        commitments = commitments.filter(payer__code=payer_code)
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
    if standing:
        result = [row for row in result if balance_standing(row, today) == standing]
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
        "commitment__catalog_item",
        "commitment__application__catalog_item",
        "payer",
        "community",
        "recorded_by",
        "decided_by",
    ).order_by("-paid_on", "-pk")


def commitments_listed(commitments: QuerySet[FundingCommitment]) -> QuerySet[FundingCommitment]:
    return (
        commitments.select_related(
            "catalog_item", "application__catalog_item", "payer", "renews", "renewal"
        )
        .prefetch_related(
            Prefetch("fixed_shares", queryset=CommitmentShare.objects.select_related("community"))
        )
        .order_by("period_start", "pk")
    )


# Status -------------------------------------------------------------------------------------------


class CommitmentStatuses:
    """A commitment's status on a day, derived from its dates (never stored)."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    LAPSING = "lapsing"
    LAPSED = "lapsed"
    ENDED = "ended"
    ALL = (UPCOMING, ACTIVE, LAPSING, LAPSED, ENDED)


def effective_end_from(day: dt.date) -> Q:
    """Commitments funding `day` or later (effective end on or after it, or none)."""
    return (Q(period_end__isnull=True) | Q(period_end__gte=day)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def commitment_status(commitment: FundingCommitment, today: dt.date | None = None) -> str:
    """ended (ended early, and that day has passed, or it was ended before it began), upcoming
    (not started), lapsed (its period is over), lapsing (its effective end within
    LAPSING_DAYS), else active. `status_condition` is the same rule as a query."""
    today = today or clock.today()
    end = commitment.effective_end
    ended = commitment.ended_on
    if ended is not None and (ended < today or ended < commitment.period_start):
        return CommitmentStatuses.ENDED
    if commitment.period_start > today:
        return CommitmentStatuses.UPCOMING
    if end is not None and end < today:
        return CommitmentStatuses.LAPSED
    if end is not None and (end - today).days <= LAPSING_DAYS:
        return CommitmentStatuses.LAPSING
    return CommitmentStatuses.ACTIVE


def status_condition(status: str, today: dt.date) -> Q:
    """The commitments in `status` on `today`, as a filter (agrees with commitment_status)."""
    horizon = today + dt.timedelta(days=LAPSING_DAYS)
    ended = Q(ended_on__isnull=False) & (Q(ended_on__lt=today) | Q(ended_on__lt=F("period_start")))
    started = Q(period_start__lte=today)
    if status == CommitmentStatuses.ENDED:
        return ended
    if status == CommitmentStatuses.UPCOMING:
        return ~ended & Q(period_start__gt=today)
    # Not ended and started: ended_on (if any) is today or later and not after period_end.
    lapsed = Q(ended_on__isnull=True, period_end__lt=today)
    if status == CommitmentStatuses.LAPSED:
        return started & lapsed
    end_soon = Q(ended_on__isnull=True, period_end__gte=today, period_end__lte=horizon) | Q(
        ended_on__gte=today, ended_on__lte=horizon
    )
    if status == CommitmentStatuses.LAPSING:
        return ~ended & started & end_soon
    if status == CommitmentStatuses.ACTIVE:
        far = Q(ended_on__isnull=True) & (Q(period_end__isnull=True) | Q(period_end__gt=horizon))
        return ~ended & started & (far | Q(ended_on__gt=horizon))
    return Q(pk__in=[])


@dataclass(frozen=True)
class CommitmentFilters:
    item: str = ""
    payer: str = ""
    status: str = ""
    year: int | None = None


def commitments_filtered(
    commitments: QuerySet[FundingCommitment], filters: CommitmentFilters, today: dt.date
) -> QuerySet[FundingCommitment]:
    """The list's filters: item code, payer code, status on `today`, a calendar year the
    commitment funds part of."""
    if filters.item:
        commitments = commitments.filter(
            Q(catalog_item__code=filters.item) | Q(application__catalog_item__code=filters.item)
        )
    if filters.payer:
        commitments = commitments.filter(payer__code=filters.payer)
    if filters.status:
        commitments = commitments.filter(status_condition(filters.status, today))
    if filters.year is not None:
        commitments = commitments.filter(period_start__lte=dt.date(filters.year, 12, 31)).filter(
            effective_end_from(dt.date(filters.year, 1, 1))
        )
    return commitments


def renewal_chain(commitment: FundingCommitment) -> list[FundingCommitment]:
    """The commitments renewing one another through this one, oldest first (one query a
    link)."""
    chain = [commitment]
    earlier = commitment
    while earlier.renews_id is not None:
        earlier = FundingCommitment.objects.select_related("payer").get(pk=earlier.renews_id)
        chain.insert(0, earlier)
    later = commitment
    while True:
        following = (
            FundingCommitment.objects.select_related("payer").filter(renews_id=later.pk).first()
        )
        if following is None:
            break
        chain.append(following)
        later = following
    return chain


def fixed_shares_of(commitment: FundingCommitment) -> list[CommitmentShare]:
    return list(
        CommitmentShare.objects.filter(commitment=commitment)
        .select_related("community")
        .order_by("community__code")
    )


def commitments_lapsing(today: dt.date) -> QuerySet[FundingCommitment]:
    """Commitments whose effective end falls within LAPSING_DAYS and whose payer and the office
    have not been told yet (renewed ones need no notice)."""
    return (
        FundingCommitment.objects.filter(status_condition(CommitmentStatuses.LAPSING, today))
        .filter(lapse_notified_at__isnull=True, renewal__isnull=True)
        .select_related("catalog_item", "application__catalog_item", "payer")
        .order_by("pk")
    )


# Page choices -------------------------------------------------------------------------------------


def delegated_item_choices() -> list[tuple[str, str]]:
    """Delegated items in force, for the commitment form."""
    items = CatalogItem.objects.filter(
        item_class=ItemClasses.DELEGATED, status=ItemStatuses.ACTIVE
    ).order_by("code")
    return [(item.code, f"{item.code} {item.name}") for item in items.only("code", "name")]


def payer_choices(user: AnyUser, *, every: bool) -> list[tuple[str, str]]:
    """Departments the person may name as payer: all of them (`every`: the office, or anyone
    overseeing the district when filtering), else their own."""
    departments = Organisation.objects.filter(kind=OrganisationKinds.DEPARTMENT)
    if not every:
        departments = departments.filter(pk__in=department_staff_ids(user))
    return [(d.code, f"{d.code} {d.name}") for d in departments.order_by("code")]


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


def commitment_item(commitment: FundingCommitment) -> CatalogItem | None:
    """The catalog item a commitment funds: its own, else its application's (load
    `catalog_item` and `application__catalog_item` with it)."""
    if commitment.catalog_item is not None:
        return commitment.catalog_item
    application = commitment.application
    return application.catalog_item if application is not None else None


def payment_item(payment: Payment) -> CatalogItem | None:
    """The catalog item a payment funds (its commitment's)."""
    return commitment_item(payment.commitment)


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
        commitment_ids=[payment.commitment_id],
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
