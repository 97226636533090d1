"""Anomalies (异常): the irregularities of "who delegates pays" the platform finds by itself, for
the audit bureau. Each kind is one function `(filters, today) -> list[Anomaly]` that reads the
rows as they are (nothing is stored: an anomaly disappears when the rows that make it are put
right) in a fixed number of queries, whatever the number of communities or tasks: aggregates
grouped in the database and EXISTS sub-queries, never a query per row. `KINDS` is the registry:
a new kind (the contracts' two) is one function and one line there.

The kinds (docs/funding.md, "The auditor's workspace"):

- `unfunded_tasks` 委托任务无拨付: delegated tasks admitted and sent to a community in a
  settlement period in which the item's payer has recorded no payment at all to it.
- `payments_beyond_commitment` 超额拨付: payments flagged beyond the share, and shares (or a
  period's whole pot) whose payments add up to more than the commitment promised.
- `disputed_receipts` 到账有争议: payments whose receipt the community disputes, with how long.
- `lapsed_commitments_with_tasks` 承诺终止后任务未停: a delegated item whose commitments have
  all ended while its tasks continue (assignments still open, tasks sent after the end).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from communitygate.admissions.models import FundingCommitment
from communitygate.audit.labels import object_type_label
from communitygate.catalog.models import ItemClasses
from communitygate.contracts.models import Contract
from communitygate.contracts.selectors import (
    PaidRow,
    contracts_paid_beyond_amount,
    contracts_paid_without_acceptance,
)
from communitygate.core.periods import Period
from communitygate.dispatch.models import Assignment, AssignmentStates
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.selectors import (
    ShareBook,
    commitment_item,
    due_on,
    item_of,
    settlement_period_of,
    settlement_periods,
)
from communitygate.orgs.models import OrganisationKinds

ZERO = Decimal("0.00")

# Assignments a community is still working on (not completed, not refused).
OPEN_STATES = (
    AssignmentStates.RECEIVED,
    AssignmentStates.ACCEPTED,
    AssignmentStates.SUBMITTED,
    AssignmentStates.RETURNED,
)

# The page of each kind of object, by route name (a name that does not resolve gives no link
# rather than a wrong one).
OBJECT_ROUTES = {
    "dispatch.task": "dispatch:task",
    "funding.payment": "funding:payment",
    "admissions.fundingcommitment": "funding:commitment",
    "catalog.catalogitem": "catalog:item",
    "contracts.contract": "contracts:contract",
}


def object_link(object_type: str, key: int | str) -> str | None:
    """The path of the object's page, or None where it has none."""
    route = OBJECT_ROUTES.get(object_type)
    if route is None:
        return None
    try:
        return reverse(route, args=[key])
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class AnomalyFilters:
    """What the auditor narrows the list to; empty means everything. `department` is the paying
    department (the commitment's payer); `period` selects the settlement periods (calendar
    years) overlapping it."""

    kind: str = ""
    item: str = ""
    department: str = ""
    community: str = ""
    period: Period | None = None

    def years(self) -> tuple[int, int] | None:
        return (self.period.start.year, self.period.end.year) if self.period else None


@dataclass(frozen=True)
class Anomaly:
    """One irregularity: what kind, which object shows it (and its page), whose money, where,
    for which settlement period, the sums, since when, and a sentence in each language that
    explains it."""

    kind: str
    object_type: str  # app_label.model, as the audit log names objects
    object_id: int
    link: str | None
    item: str | None  # the catalog item's code
    department: str | None  # the paying department's code
    community: str | None  # the community's (or payee's) code
    period_start: dt.date | None
    period_end: dt.date | None
    share: Decimal | None  # what the commitment promised (the share, or the period's pot)
    paid: Decimal | None  # what was paid towards it
    amount: Decimal | None  # the sum at stake: unpaid, beyond, disputed
    since: dt.date  # when it began: the first task sent, the dispute, the day after the end
    due_on: dt.date | None  # when the money was due, where that is the question
    not_yet_due: bool  # found, but the deadline has not passed (or is not known yet)
    count: int  # how many rows stand behind it (tasks, payments, open assignments)
    explanation_zh: str
    explanation_en: str

    @property
    def key(self) -> str:
        """Stable while the rows that make it stay: kind, object, community and period."""
        period = self.period_start.isoformat() if self.period_start else ""
        return f"{self.kind}:{self.object_type}:{self.object_id}:{self.community or ''}:{period}"

    @property
    def object_label(self) -> str:
        """What the object is, in the active language (经费承诺, 拨付记录, 任务…)."""
        return object_type_label(self.object_type)

    @property
    def label_zh(self) -> str:
        return kind_of(self.kind).label_zh

    @property
    def label_en(self) -> str:
        return kind_of(self.kind).label_en

    @property
    def label(self) -> str:
        return self.label_zh if _chinese() else self.label_en

    @property
    def explanation(self) -> str:
        return self.explanation_zh if _chinese() else self.explanation_en

    def days_since(self, today: dt.date) -> int:
        return (today - self.since).days


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


# Shared reads ---------------------------------------------------------------------------------


def _payment_item() -> Coalesce:
    """The catalog item a payment's commitment funds, as a column (as funding.selectors.item_of
    reads it: the commitment's own item, else its application's)."""
    return Coalesce("commitment__catalog_item_id", "commitment__application__catalog_item_id")


def _commitment_item_code() -> Coalesce:
    return Coalesce("catalog_item__code", "application__catalog_item__code")


def _commitments(filters: AnomalyFilters) -> QuerySet[FundingCommitment]:
    commitments = FundingCommitment.objects.select_related(
        "catalog_item", "application__catalog_item", "payer"
    ).order_by("period_start", "pk")
    if filters.item:
        commitments = commitments.annotate(item_code=_commitment_item_code()).filter(
            item_code=filters.item
        )
    if filters.department:
        commitments = commitments.filter(payer__code=filters.department)
    return commitments


def _payments(filters: AnomalyFilters) -> QuerySet[Payment]:
    payments = Payment.objects.all()
    if filters.item:
        payments = payments.annotate(
            item_code=Coalesce(
                "commitment__catalog_item__code", "commitment__application__catalog_item__code"
            )
        ).filter(item_code=filters.item)
    if filters.department:
        payments = payments.filter(payer__code=filters.department)
    if filters.community:
        payments = payments.filter(community__code=filters.community)
    if years := filters.years():
        payments = payments.filter(
            period_start__year__gte=years[0], period_start__year__lte=years[1]
        )
    return payments


def _item_code(commitment: FundingCommitment) -> str | None:
    item = commitment_item(commitment)
    return item.code if item is not None else None


class _Deadlines:
    """`due_on` of each period end asked, read once (a holiday schedule per distinct year)."""

    def __init__(self) -> None:
        self.known: dict[dt.date, dt.date | None] = {}

    def __call__(self, period_end: dt.date) -> dt.date | None:
        if period_end not in self.known:
            self.known[period_end] = due_on(period_end)
        return self.known[period_end]


class _Shares:
    """Each community's share per (commitment, period), computed once per pair (ShareBook: three
    queries for the whole request, then arithmetic)."""

    def __init__(self, commitments: list[FundingCommitment]) -> None:
        self.book = ShareBook(commitments)
        self.known: dict[tuple[int, dt.date], dict[int, Decimal]] = {}

    def of(self, commitment: FundingCommitment, start: dt.date, end: dt.date) -> dict[int, Decimal]:
        key = (commitment.pk, start)
        if key not in self.known:
            self.known[key] = {
                s.community.pk: s.amount for s in self.book.shares(commitment, start, end)
            }
        return self.known[key]


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


# unfunded_tasks ----------------------------------------------------------------------------------


def unfunded_tasks(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Delegated tasks sent with no payment for their period (委托任务无拨付).

    One anomaly per (item, community, settlement period): admitted tasks of a delegated item
    whose work starts in the period, sent to the community, while no payment at all (in any
    receipt state) settles that period for that community under any commitment of the item.
    Found as soon as the first task is sent; `not_yet_due` until the share's deadline
    (funding.selectors.due_on: period end + the overdue working days) has passed — the auditor
    sees a year's unfunded work as it builds up, and the overdue ones apart.

    Queries: the item's commitments (1), the assignments grouped by (item, community, year of
    the task's start) with NOT EXISTS over the payments (1), the shares (3), a holiday schedule
    per distinct period end. Relies on the foreign-key indexes of Assignment.task, Task.item and
    Payment.commitment, and on payment_share_idx (commitment, community) for the EXISTS."""
    commitments = list(
        _commitments(AnomalyFilters(item=filters.item)).filter(
            Q(catalog_item__item_class=ItemClasses.DELEGATED)
            | Q(application__catalog_item__item_class=ItemClasses.DELEGATED)
        )
    )
    paid = (
        Payment.objects.annotate(item_id=_payment_item())
        .filter(
            item_id=OuterRef("task__item_id"),
            community_id=OuterRef("community_id"),
            period_start__year=OuterRef("year"),
        )
        .values("pk")
    )
    assignments = Assignment.objects.filter(
        admitted=True, task__item__item_class=ItemClasses.DELEGATED
    ).annotate(year=ExtractYear("task__starts_on"))
    if filters.item:
        assignments = assignments.filter(task__item__code=filters.item)
    if filters.community:
        assignments = assignments.filter(community__code=filters.community)
    if years := filters.years():
        assignments = assignments.filter(year__gte=years[0], year__lte=years[1])
    groups = (
        assignments.filter(~Exists(paid))
        .values("task__item_id", "task__item__code", "community_id", "community__code", "year")
        .annotate(
            tasks=Count("task_id", distinct=True),
            first_task=Min("task_id"),
            first_sent=Min("task__created_at"),
            first_start=Min("task__starts_on"),
        )
        .order_by("task__item__code", "community__code", "year")
    )
    rows = list(groups)
    if not rows:
        return []
    by_item: dict[int, list[FundingCommitment]] = defaultdict(list)
    for each in commitments:
        item_id = item_of(each)
        if item_id is not None:
            by_item[item_id].append(each)
    shares = _Shares(commitments)
    deadlines = _Deadlines()
    found = []
    for row in rows:
        start_day: dt.date = row["first_start"]
        commitment: FundingCommitment | None = _covering(
            by_item.get(row["task__item_id"], []), start_day
        )
        payer = commitment.payer.code if commitment else None
        if filters.department and payer != filters.department:
            continue
        period = (
            settlement_period_of(commitment, start_day)
            if commitment
            else (dt.date(row["year"], 1, 1), dt.date(row["year"], 12, 31))
        ) or (dt.date(row["year"], 1, 1), dt.date(row["year"], 12, 31))
        share = shares.of(commitment, *period).get(row["community_id"]) if commitment else None
        due = deadlines(period[1])
        not_yet_due = due is None or today <= due
        sent = timezone.localdate(row["first_sent"])
        item, community, n = row["task__item__code"], row["community__code"], row["tasks"]
        if due is None:
            when_zh, when_en = (
                "拨付期限尚未确定（节假日安排未录入）。",
                "The deadline is not known yet (no holiday schedule).",
            )
        elif not_yet_due:
            when_zh, when_en = (f"拨付期限{_d(due)}尚未到。", f"Payment is due by {_d(due)}.")
        else:
            when_zh, when_en = (
                f"拨付期限{_d(due)}已过。",
                f"Payment was due by {_d(due)}: overdue.",
            )
        found.append(
            Anomaly(
                kind="unfunded_tasks",
                object_type="dispatch.task",
                object_id=row["first_task"],
                link=object_link("dispatch.task", row["first_task"]),
                item=item,
                department=payer,
                community=community,
                period_start=period[0],
                period_end=period[1],
                share=share,
                paid=ZERO,
                amount=share,
                since=sent,
                due_on=due,
                not_yet_due=not_yet_due,
                count=n,
                explanation_zh=(
                    f"委托事项{item}在{_d(period[0])}至{_d(period[1])}期间向社区{community}"
                    f"派出{n}件任务（首件{_d(sent)}），该期间没有任何拨付记录。{when_zh}"
                ),
                explanation_en=(
                    f"{n} task(s) of delegated item {item} were sent to community {community} "
                    f"for {_d(period[0])} to {_d(period[1])} (the first on {_d(sent)}), and "
                    f"no payment settles that period. {when_en}"
                ),
            )
        )
    return found


def _covering(commitments: list[FundingCommitment], day: dt.date) -> FundingCommitment | None:
    """The commitment whose settlement periods hold `day` (the latest recorded), else the one
    that started last before it."""
    holding = [c for c in commitments if settlement_period_of(c, day) is not None]
    if holding:
        return holding[-1]
    before = [c for c in commitments if c.period_start <= day]
    return before[-1] if before else None


# payments_beyond_commitment ----------------------------------------------------------------------


def payments_beyond_commitment(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Payments beyond the commitment (超额拨付): each payment flagged `beyond_share` (recorded
    knowingly, with a note); each (commitment, community, period) whose payments add up to more
    than the community's share; and each (commitment, period) whose payments to everyone, social
    organisations included, add up to more than the period's whole pot (reported when a payee
    outside the shares was paid, as the community rows already show the rest).

    Queries: the flagged payments (1), the payments summed per (commitment, payee, year) (1),
    their commitments (1), the shares (3). Relies on payment_share_idx (commitment, community)."""
    payments = _payments(filters)
    found = []
    flagged = payments.filter(beyond_share=True).select_related(
        "commitment__catalog_item", "commitment__application__catalog_item", "payer", "community"
    )
    for payment in flagged.order_by("paid_on", "pk"):
        item = _item_code(payment.commitment)
        found.append(
            Anomaly(
                kind="payments_beyond_commitment",
                object_type="funding.payment",
                object_id=payment.pk,
                link=object_link("funding.payment", payment.pk),
                item=item,
                department=payment.payer.code,
                community=payment.community.code,
                period_start=payment.period_start,
                period_end=payment.period_end,
                share=None,
                paid=payment.amount,
                amount=payment.amount,
                since=payment.paid_on,
                due_on=None,
                not_yet_due=False,
                count=1,
                explanation_zh=(
                    f"拨付凭证{payment.voucher_number}（¥{payment.amount}）由付款部门标记为超出份额，"
                    f"说明：{payment.note}"
                ),
                explanation_en=(
                    f"Payment {payment.voucher_number} (¥{payment.amount}) was recorded as beyond "
                    f"the share by the payer, noting: {payment.note}"
                ),
            )
        )
    sums = list(
        payments.annotate(year=ExtractYear("period_start"))
        .values("commitment_id", "community_id", "community__code", "community__kind", "year")
        .annotate(paid=Sum("amount"), payments=Count("pk"), last_paid=Max("paid_on"))
        .order_by("commitment_id", "year", "community__code")
    )
    if not sums:
        return found
    commitments = {
        c.pk: c
        for c in FundingCommitment.objects.select_related(
            "catalog_item", "application__catalog_item", "payer"
        ).filter(pk__in={row["commitment_id"] for row in sums})
    }
    shares = _Shares(list(commitments.values()))
    pots: dict[tuple[int, int], list[_Paid]] = defaultdict(list)
    for row in sums:
        commitment = commitments[row["commitment_id"]]
        period = _period_of_year(commitment, row["year"])
        if period is None:
            continue
        total = _Paid(row["paid"], row["payments"], row["last_paid"], row["community__kind"])
        pots[(commitment.pk, row["year"])].append(total)
        if total.payee_kind != OrganisationKinds.COMMUNITY:
            continue
        share = shares.of(commitment, *period).get(row["community_id"], ZERO)
        if total.paid > share:
            found.append(_beyond(commitment, period, row["community__code"], share, total))
    if not filters.community:
        for (commitment_id, year), totals in pots.items():
            if all(t.payee_kind == OrganisationKinds.COMMUNITY for t in totals):
                continue
            commitment = commitments[commitment_id]
            period = _period_of_year(commitment, year)
            assert period is not None
            pot = sum(shares.of(commitment, *period).values(), ZERO)
            total = _Paid(
                sum((t.paid for t in totals), ZERO),
                sum(t.payments for t in totals),
                max(t.last_paid for t in totals),
                "",
            )
            if total.paid > pot:
                found.append(_beyond(commitment, period, None, pot, total))
    return found


@dataclass(frozen=True)
class _Paid:
    """Payments summed towards a share (or a whole pot)."""

    paid: Decimal
    payments: int
    last_paid: dt.date
    payee_kind: str  # the payee's kind; empty for a whole pot


def _period_of_year(commitment: FundingCommitment, year: int) -> tuple[dt.date, dt.date] | None:
    periods = settlement_periods(commitment, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return periods[0] if periods else None


def _beyond(
    commitment: FundingCommitment,
    period: tuple[dt.date, dt.date],
    community: str | None,
    promised: Decimal,
    total: _Paid,
) -> Anomaly:
    """A share (`community` named) or a period's whole pot (`community` None) paid beyond."""
    paid = total.paid
    excess = paid - promised
    item = _item_code(commitment)
    span = f"{_d(period[0])}至{_d(period[1])}"
    span_en = f"{_d(period[0])} to {_d(period[1])}"
    if community is not None:
        zh = f"社区{community}在{span}期间收到¥{paid}，超出其份额¥{promised}共¥{excess}。"
        en = (
            f"Community {community} was paid ¥{paid} for {span_en}, ¥{excess} beyond its share "
            f"of ¥{promised}."
        )
    else:
        zh = f"{span}期间共拨付¥{paid}（含社会组织），超出承诺总额¥{promised}共¥{excess}。"
        en = (
            f"¥{paid} was paid for {span_en} (social organisations included), ¥{excess} beyond "
            f"the period's whole commitment of ¥{promised}."
        )
    return Anomaly(
        kind="payments_beyond_commitment",
        object_type="admissions.fundingcommitment",
        object_id=commitment.pk,
        link=object_link("admissions.fundingcommitment", commitment.pk),
        item=item,
        department=commitment.payer.code,
        community=community,
        period_start=period[0],
        period_end=period[1],
        share=promised,
        paid=paid,
        amount=excess,
        since=total.last_paid,
        due_on=None,
        not_yet_due=False,
        count=total.payments,
        explanation_zh=f"委托事项{item}：{zh}",
        explanation_en=f"Delegated item {item}: {en}",
    )


# disputed_receipts -------------------------------------------------------------------------------


def disputed_receipts(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Receipts disputed (到账有争议): every payment whose receiving community disputes it and
    that nobody has confirmed since, with how many days it has stood disputed.

    Queries: one. Relies on payment_disputed_idx (a partial index on the disputed payments)."""
    payments = (
        _payments(filters)
        .filter(state=PaymentStates.DISPUTED)
        .select_related(
            "commitment__catalog_item",
            "commitment__application__catalog_item",
            "payer",
            "community",
        )
        .order_by("decided_at", "pk")
    )
    found = []
    for payment in payments:
        since = timezone.localdate(payment.decided_at) if payment.decided_at else payment.paid_on
        days = (today - since).days
        found.append(
            Anomaly(
                kind="disputed_receipts",
                object_type="funding.payment",
                object_id=payment.pk,
                link=object_link("funding.payment", payment.pk),
                item=_item_code(payment.commitment),
                department=payment.payer.code,
                community=payment.community.code,
                period_start=payment.period_start,
                period_end=payment.period_end,
                share=None,
                paid=payment.amount,
                amount=payment.amount,
                since=since,
                due_on=None,
                not_yet_due=False,
                count=1,
                explanation_zh=(
                    f"{payment.community.code}对拨付凭证{payment.voucher_number}（¥{payment.amount}）"
                    f"的到账提出异议已{days}天，理由：{payment.dispute_reason}"
                ),
                explanation_en=(
                    f"{payment.community.code} has disputed the receipt of payment "
                    f"{payment.voucher_number} (¥{payment.amount}) for {days} day(s): "
                    f"{payment.dispute_reason}"
                ),
            )
        )
    return found


# lapsed_commitments_with_tasks -------------------------------------------------------------------


def lapsed_commitments_with_tasks(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Commitments lapsed while tasks continue (承诺终止后任务未停): a catalog item whose funding
    commitments have all ended (the latest `effective_end` is before today; none open-ended)
    while, under it, admitted assignments are still open (received, accepted, submitted or
    returned) or admitted tasks were sent after that end. One anomaly per item; `community`
    narrows the assignments counted.

    Queries: the commitments (1), the assignments of the lapsed items counted in one aggregate
    (1). Relies on the foreign-key indexes of Assignment.task and Task.item."""
    by_item: dict[int, list[FundingCommitment]] = defaultdict(list)
    for commitment in _commitments(AnomalyFilters(item=filters.item)):
        item_id = item_of(commitment)
        if item_id is not None:
            by_item[item_id].append(commitment)
    lapsed: dict[int, dt.date] = {}
    latest: dict[int, FundingCommitment] = {}
    for item_id, commitments in by_item.items():
        ends = [c.effective_end for c in commitments]
        if any(end is None for end in ends):
            continue  # an open-ended commitment still funds the item
        end = max(e for e in ends if e is not None)
        if end >= today:
            continue
        last = max(commitments, key=lambda c: (c.effective_end or end, c.pk))
        if filters.department and last.payer.code != filters.department:
            continue
        if filters.period and not (filters.period.start <= today and end < filters.period.end):
            continue  # the filter's period must overlap the time since the end
        lapsed[item_id], latest[item_id] = end, last
    if not lapsed:
        return []
    sent_after = Q(pk__in=[])
    for item_id, end in lapsed.items():
        sent_after |= Q(task__item_id=item_id, task__created_at__date__gt=end)
    assignments = Assignment.objects.filter(task__item_id__in=lapsed, admitted=True)
    if filters.community:
        assignments = assignments.filter(community__code=filters.community)
    counts = (
        assignments.values("task__item_id", "task__item__code")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            tasks_after=Count("task_id", distinct=True, filter=sent_after),
        )
        .order_by("task__item__code")
    )
    found = []
    for row in counts:
        if not row["open"] and not row["tasks_after"]:
            continue
        item_id, item = row["task__item_id"], row["task__item__code"]
        end = lapsed[item_id]
        commitment = latest[item_id]
        found.append(
            Anomaly(
                kind="lapsed_commitments_with_tasks",
                object_type="catalog.catalogitem",
                object_id=item_id,
                link=object_link("catalog.catalogitem", item),
                item=item,
                department=commitment.payer.code,
                community=filters.community or None,
                period_start=commitment.period_start,
                period_end=end,
                share=None,
                paid=None,
                amount=None,
                since=end + dt.timedelta(days=1),
                due_on=None,
                not_yet_due=False,
                count=row["open"],
                explanation_zh=(
                    f"委托事项{item}的资金承诺已于{_d(end)}全部终止，但仍有{row['open']}个社区任务"
                    f"未办结，终止后又派出{row['tasks_after']}件任务。"
                ),
                explanation_en=(
                    f"Every funding commitment of delegated item {item} ended on {_d(end)}, yet "
                    f"{row['open']} assignment(s) are still open and {row['tasks_after']} "
                    f"task(s) were sent after the end."
                ),
            )
        )
    return found


# The registry ------------------------------------------------------------------------------------


# contracts_paid_beyond_amount, contracts_paid_without_acceptance ----------------------------------


def _contracts(filters: AnomalyFilters) -> QuerySet[Contract]:
    """The contracts the filters name: `item` one of its catalog items, `department` its buyer,
    `community` one it serves, `period` overlapping its own. The many-to-many filters narrow by
    id (a subquery), so the sums over instalments are not multiplied by the joins."""
    contracts = Contract.objects.all()
    if filters.item:
        contracts = contracts.filter(catalog_items__code=filters.item)
    if filters.department:
        contracts = contracts.filter(buyer__code=filters.department)
    if filters.community:
        contracts = contracts.filter(communities__code=filters.community)
    if filters.period:
        contracts = contracts.filter(
            period_start__lte=filters.period.end, period_end__gte=filters.period.start
        )
    return Contract.objects.filter(pk__in=contracts.values("pk")).annotate(
        first_paid=Min("instalments__paid_on"), last_paid=Max("instalments__paid_on")
    )


def _annotated(row: PaidRow, name: str) -> dt.date:
    """A date `_contracts` annotated the contract with (its first or last instalment)."""
    day: dt.date = row.contract.__dict__[name]
    return day


def _contract_anomaly(kind: str, row: PaidRow, amount: Decimal, since: dt.date) -> Anomaly:
    contract = row.contract
    if kind == "contracts_paid_beyond_amount":
        zh = (
            f"合同{contract.number}（{contract.social_org.name}）金额¥{row.amount}，"
            f"已支付¥{row.paid}，超出¥{amount}"
        )
        en = (
            f"Contract {contract.number} ({contract.social_org.code}) is for ¥{row.amount}; "
            f"¥{row.paid} has been paid, ¥{amount} beyond it"
        )
    else:
        zh = (
            f"合同{contract.number}（{contract.social_org.name}）未经验收（{contract.get_state_display()}）"
            f"已支付¥{row.paid}"
        )
        en = (
            f"Contract {contract.number} ({contract.social_org.code}) has been paid ¥{row.paid} "
            f"without acceptance (state: {contract.state})"
        )
    return Anomaly(
        kind=kind,
        object_type="contracts.contract",
        object_id=contract.pk,
        link=object_link("contracts.contract", contract.pk),
        item=None,
        department=contract.buyer.code,
        community=contract.social_org.code,
        period_start=contract.period_start,
        period_end=contract.period_end,
        share=row.amount,
        paid=row.paid,
        amount=amount,
        since=since,
        due_on=None,
        not_yet_due=False,
        count=1,
        explanation_zh=zh,
        explanation_en=en,
    )


def contracts_paid_beyond(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Contracts paid beyond their amount (合同超额支付): the instalments add up to more than the
    contract's amount (each such instalment was flagged with a note when recorded). Since: the
    last instalment.

    Queries: one (contracts.selectors.contracts_paid_beyond_amount over the filtered contracts;
    the instalments' contract foreign-key index)."""
    return [
        _contract_anomaly(
            "contracts_paid_beyond_amount", row, row.paid - row.amount, _annotated(row, "last_paid")
        )
        for row in contracts_paid_beyond_amount(_contracts(filters))
    ]


def contracts_paid_unaccepted(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Contracts paid without acceptance (未验收即支付): any instalment on a contract not
    accepted (in force, or terminated). Since: the first instalment.

    Queries: one (contracts.selectors.contracts_paid_without_acceptance)."""
    return [
        _contract_anomaly(
            "contracts_paid_without_acceptance", row, row.paid, _annotated(row, "first_paid")
        )
        for row in contracts_paid_without_acceptance(_contracts(filters))
    ]


# The kinds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyKind:
    code: str
    label_zh: str
    label_en: str
    find: Callable[[AnomalyFilters, dt.date], list[Anomaly]]


KINDS: tuple[AnomalyKind, ...] = (
    AnomalyKind(
        "unfunded_tasks", "委托任务无拨付", "Delegated tasks with no payment", unfunded_tasks
    ),
    AnomalyKind(
        "payments_beyond_commitment",
        "超出承诺的拨付",
        "Payments beyond the commitment",
        payments_beyond_commitment,
    ),
    AnomalyKind("disputed_receipts", "到账有争议", "Receipts disputed", disputed_receipts),
    AnomalyKind(
        "lapsed_commitments_with_tasks",
        "承诺终止后任务未停",
        "Commitments ended while tasks continue",
        lapsed_commitments_with_tasks,
    ),
    AnomalyKind(
        "contracts_paid_beyond_amount",
        "合同超额支付",
        "Contracts paid beyond their amount",
        contracts_paid_beyond,
    ),
    AnomalyKind(
        "contracts_paid_without_acceptance",
        "合同未验收即支付",
        "Contracts paid without acceptance",
        contracts_paid_unaccepted,
    ),
)


def kind_of(code: str) -> AnomalyKind:
    return next(kind for kind in KINDS if kind.code == code)


def kind_codes() -> list[str]:
    return [kind.code for kind in KINDS]


def anomalies_found(filters: AnomalyFilters, today: dt.date) -> list[Anomaly]:
    """Every anomaly the filters select, kind by kind in the registry's order, oldest first
    within a kind."""
    found: list[Anomaly] = []
    for kind in KINDS:
        if filters.kind and kind.code != filters.kind:
            continue
        found.extend(sorted(kind.find(filters, today), key=lambda a: (a.since, a.key)))
    return found


@dataclass(frozen=True)
class KindCount:
    kind: AnomalyKind
    count: int
    not_yet_due: int

    @property
    def label(self) -> str:
        return self.kind.label_zh if _chinese() else self.kind.label_en


def anomaly_counts(anomalies: list[Anomaly]) -> list[KindCount]:
    """How many of each kind (and how many of them are not yet due), every kind listed."""
    return [
        KindCount(
            kind,
            sum(1 for a in anomalies if a.kind == kind.code),
            sum(1 for a in anomalies if a.kind == kind.code and a.not_yet_due),
        )
        for kind in KINDS
    ]
