"""Payments and receipts through their services, on the database: only the payer's staff record,
inside the item's scope and the commitment's period, up to the share unless flagged; vouchers
unique per payer; Idempotency-Keys; receipts confirmed or disputed by the receiving community;
the balances' arithmetic; and an overdue share as exactly one violation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.idempotency import IdempotencyKeyReused
from communitygate.core.periods import parse_period
from communitygate.core.workflow import TransitionNotAllowed
from communitygate.funding import selectors
from communitygate.funding.models import OverdueShare, Payment, PaymentStates
from communitygate.funding.services import (
    PayeeNotInScope,
    PaymentBeyondShare,
    PeriodNotCovered,
    VoucherNumberUsed,
    overdue_shares_mark,
    payment_confirm_receipt,
    payment_dispute,
)
from communitygate.orgs.services import organisation_create
from communitygate.oversight.models import Violation, ViolationSources
from communitygate.testing import World

from .support import COMMUNITY, MONDAY, OTHER, SIBLING, TODAY, Y2025, Y2026, funded, paid


@pytest.mark.parametrize("person", ["department_clerk", "department_head"])
def test_the_payers_staff_record_a_payment_with_its_event(world: World, person: str) -> None:
    commitment = funded(world)
    payment = paid(world, commitment, person=person)
    assert payment.state == PaymentStates.RECORDED
    assert payment.amount == Decimal("4000.00")
    assert payment.payer == world.org("department")
    event = AuditEvent.objects.get(action="payment.record")
    assert event.object_id == str(payment.pk)
    assert event.changes["community"] == [None, COMMUNITY]


@pytest.mark.parametrize(
    "person",
    ["department_clerk_other", "office_officer", "community_secretary", "auditor", "no_role"],
)
def test_nobody_else_records_one(world: World, person: str) -> None:
    commitment = funded(world)
    with pytest.raises(PermissionDenied):
        paid(world, commitment, person=person)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5.00", "12.345", "abc", "NaN", "Infinity", ""])
def test_the_amount_is_a_positive_sum_of_yuan_and_fen(world: World, amount: str) -> None:
    commitment = funded(world)
    with pytest.raises(InvalidInput) as refused:
        paid(world, commitment, amount=amount)
    assert [p.field for p in refused.value.problems] == ["amount"]


def test_a_voucher_number_and_period_are_required(world: World) -> None:
    commitment = funded(world)
    with pytest.raises(InvalidInput) as refused:
        paid(world, commitment, voucher=" ", period=(Y2026[1], Y2026[0]))
    assert {p.field for p in refused.value.problems} == {"voucher_number", "period_end"}


def test_the_community_must_be_in_scope_then(world: World) -> None:
    commitment = funded(world)
    organisation_create(
        actor=None,
        code="370203031009",
        name="新设社区",
        name_en="new",
        kind="community",
        parent=world.org("subdistrict"),
        active_from=dt.date(2027, 1, 1),
    )
    with pytest.raises(PayeeNotInScope):
        paid(world, commitment, community="370203031009")
    with pytest.raises(InvalidInput):
        paid(world, commitment, community="DEPT-WJ")


@pytest.mark.parametrize(
    "period",
    [
        (dt.date(2024, 12, 1), dt.date(2024, 12, 31)),  # before the commitment
        (dt.date(2025, 12, 1), dt.date(2026, 1, 31)),  # across two years
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)),  # after it
    ],
)
def test_the_period_lies_in_one_settlement_period(
    world: World, period: tuple[dt.date, dt.date]
) -> None:
    commitment = funded(world)
    with pytest.raises(PeriodNotCovered):
        paid(world, commitment, period=period)


def test_not_beyond_the_share_unless_flagged_with_a_note(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, amount="9000.00", voucher="PZ-1")
    with pytest.raises(PaymentBeyondShare) as refused:
        paid(world, commitment, amount="1000.01", voucher="PZ-2")
    assert "10000.00" in refused.value.message_zh
    paid(world, commitment, amount="1000.00", voucher="PZ-3")  # exactly the share
    with pytest.raises(InvalidInput):
        paid(world, commitment, amount="5.00", voucher="PZ-4", beyond_share=True)
    extra = paid(
        world, commitment, amount="5.00", voucher="PZ-5", beyond_share=True, note="补发差旅"
    )
    assert extra.beyond_share
    # Another year's share is untouched.
    paid(world, commitment, amount="10000.00", voucher="PZ-6", period=Y2025)


def test_a_social_organisation_is_paid_from_what_the_shares_leave(world: World) -> None:
    commitment = funded(world)  # three communities: ¥30,000.00 in 2026
    paid(world, commitment, amount="25000.00", community="SO-1", voucher="SO-A")
    with pytest.raises(PaymentBeyondShare):
        paid(world, commitment, amount="5000.01", community="SO-1", voucher="SO-B")


def test_a_voucher_number_is_unique_per_payer(world: World) -> None:
    commitment = funded(world)
    other = funded(world, code="F-002", payer="department_other")
    paid(world, commitment, voucher="PZ-9")
    with pytest.raises(VoucherNumberUsed):
        paid(world, commitment, voucher="PZ-9", community=SIBLING)
    paid(world, other, voucher="PZ-9", person="department_clerk_other")
    assert Payment.objects.count() == 2


def test_an_idempotency_key_answers_the_first_payment(world: World) -> None:
    commitment = funded(world)
    first = paid(world, commitment, key="pay-1")
    again = paid(world, commitment, key="pay-1")
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.record").count() == 1
    with pytest.raises(IdempotencyKeyReused):
        paid(world, commitment, key="pay-1", amount="4000.01")
    with pytest.raises(InvalidInput) as refused:
        paid(world, commitment, key="k" * 65, voucher="PZ-65")
    assert refused.value.status == 422
    assert Payment.objects.count() == 1


def test_the_community_confirms_receipt(world: World) -> None:
    payment = paid(world, funded(world))
    confirmed = payment_confirm_receipt(actor=world.user("community_worker"), payment=payment)
    assert confirmed.state == PaymentStates.CONFIRMED
    assert confirmed.decided_by == world.user("community_worker")
    assert AuditEvent.objects.filter(action="payment.confirm").count() == 1
    with pytest.raises(TransitionNotAllowed):
        payment_confirm_receipt(actor=world.user("community_worker"), payment=confirmed)


@pytest.mark.parametrize(
    "person", ["community_secretary_other", "department_clerk", "auditor", "office_officer"]
)
def test_nobody_else_confirms_or_disputes(world: World, person: str) -> None:
    payment = paid(world, funded(world))
    with pytest.raises(PermissionDenied):
        payment_confirm_receipt(actor=world.user(person), payment=payment)
    with pytest.raises(PermissionDenied):
        payment_dispute(actor=world.user(person), payment=payment, reason="未到账")
    payment.refresh_from_db()
    assert payment.state == PaymentStates.RECORDED


def test_a_dispute_needs_a_reason_and_can_be_confirmed_later(world: World) -> None:
    payment = paid(world, funded(world))
    secretary = world.user("community_secretary")
    with pytest.raises(InvalidInput):
        payment_dispute(actor=secretary, payment=payment, reason="  ")
    disputed = payment_dispute(actor=secretary, payment=payment, reason="只到账3000元")
    assert disputed.state == PaymentStates.DISPUTED
    assert disputed.dispute_reason == "只到账3000元"
    event = AuditEvent.objects.get(action="payment.dispute")
    assert event.reason == "只到账3000元"
    with pytest.raises(TransitionNotAllowed):
        payment_dispute(actor=secretary, payment=disputed, reason="再次异议")
    assert payment_confirm_receipt(actor=secretary, payment=disputed).state == "confirmed"


# Balances -----------------------------------------------------------------------------------------


def by_key(rows: list[selectors.Balance]) -> dict[tuple[str, int], selectors.Balance]:
    return {(b.community, b.period_start.year): b for b in rows}


def test_balances_add_up(world: World) -> None:
    commitment = funded(world)
    first = paid(world, commitment, amount="4000.00", voucher="A")
    paid(world, commitment, amount="2500.50", voucher="B")
    payment_confirm_receipt(actor=world.user("community_secretary"), payment=first)
    disputed = paid(world, commitment, amount="100.00", voucher="C", community=OTHER)
    payment_dispute(actor=world.user("community_secretary_other"), payment=disputed, reason="x")
    rows = by_key(
        selectors.balances(user=world.user("auditor"), period=parse_period("2026", today=TODAY))
    )
    assert set(rows) == {(COMMUNITY, 2026), (SIBLING, 2026), (OTHER, 2026)}
    mine = rows[(COMMUNITY, 2026)]
    assert (mine.share, mine.paid, mine.confirmed, mine.outstanding) == (
        Decimal("10000.00"),
        Decimal("6500.50"),
        Decimal("4000.00"),
        Decimal("3499.50"),
    )
    assert mine.item == "F-001"
    assert mine.payer == "DEPT-MZ"
    assert not mine.overdue  # 2026 is not over
    other = rows[(OTHER, 2026)]
    assert (other.paid, other.disputed, other.confirmed, other.outstanding) == (
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("9900.00"),
    )
    assert rows[(SIBLING, 2026)].paid == Decimal("0.00")


def test_the_period_asked_selects_settlement_periods(world: World) -> None:
    funded(world)
    both = selectors.balances(
        user=world.user("auditor"),
        period=parse_period("2025-06-01..2026-01-31", today=TODAY),
    )
    assert {b.period_start.year for b in both} == {2025, 2026}
    one = selectors.balances(
        user=world.user("auditor"), period=parse_period("2025-Q3", today=TODAY), item_code="F-001"
    )
    assert {(b.period_start, b.period_end) for b in one} == {Y2025}
    assert (
        selectors.balances(
            user=world.user("auditor"), period=parse_period("2025", today=TODAY), item_code="NONE"
        )
        == []
    )


def test_a_part_year_is_pro_rata_and_shared_to_the_fen(world: World) -> None:
    funded(world, amount="1000.01", start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31))
    rows = selectors.balances(user=world.user("auditor"), period=parse_period("2026", today=TODAY))
    # 1000.01 × 3 communities × 184/365 days = ¥1,512.34 (151,234 fen): the odd fen to the
    # lowest code.
    assert [(b.community, b.share) for b in rows] == [
        (OTHER, Decimal("504.12")),
        (COMMUNITY, Decimal("504.11")),
        (SIBLING, Decimal("504.11")),
    ]
    assert sum(b.share for b in rows) == Decimal("1512.34")


def test_a_scoped_item_shares_among_its_communities_only(world: World) -> None:
    commitment = funded(world)
    book = selectors.ShareBook([commitment])
    assert commitment.catalog_item_id is not None
    book.scopes[commitment.catalog_item_id] = {world.org("community").pk}
    shares = book.shares(commitment, *Y2026)
    assert [(s.community.code, s.amount) for s in shares] == [(COMMUNITY, Decimal("10000.00"))]


@pytest.mark.parametrize(
    ("person", "communities"),
    [
        ("auditor", {COMMUNITY, SIBLING, OTHER}),
        ("inspector", {COMMUNITY, SIBLING, OTHER}),
        ("office_officer", {COMMUNITY, SIBLING, OTHER}),
        ("department_clerk", {COMMUNITY, SIBLING, OTHER}),
        ("department_clerk_other", set()),
        ("community_secretary", {COMMUNITY}),
        ("community_secretary_other", {OTHER}),
        ("subdistrict_officer", set()),
        ("no_role", set()),
    ],
)
def test_balances_are_scoped(world: World, person: str, communities: set[str]) -> None:
    funded(world)
    rows = selectors.balances(user=world.user(person), period=parse_period("2026", today=TODAY))
    assert {b.community for b in rows} == communities


# Overdue shares -----------------------------------------------------------------------------------


def test_an_overdue_share_is_one_violation_however_often_the_run_goes(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, amount="10000.00", voucher="Y1", period=Y2025)  # COMMUNITY in full
    paid(world, commitment, amount="6000.00", voucher="Y2", period=Y2025, community=SIBLING)
    clock.pin(MONDAY)
    call_command("funding_overdue")
    call_command("funding_overdue")
    assert overdue_shares_mark() == 0
    marks = {(o.community.code, o.period_start.year, o.paid) for o in OverdueShare.objects.all()}
    assert marks == {(SIBLING, 2025, Decimal("6000.00")), (OTHER, 2025, Decimal("0.00"))}
    violations = Violation.objects.filter(source=ViolationSources.PAYMENT_OVERDUE)
    assert violations.count() == 2
    assert {v.community.code for v in violations if v.community} == {SIBLING, OTHER}
    assert {v.department.code for v in violations if v.department} == {"DEPT-MZ"}
    rows = by_key(
        selectors.balances(user=world.user("auditor"), period=parse_period("2025", today=TODAY))
    )
    assert rows[(OTHER, 2025)].overdue
    assert not rows[(COMMUNITY, 2025)].overdue
    # 20 working days after 31 December 2025 (New Year's Day a holiday, 4 January worked).
    assert rows[(OTHER, 2025)].due_on == selectors.due_on(dt.date(2025, 12, 31))
    assert AuditEvent.objects.filter(action="overdue_share.find").count() == 2


def test_nothing_is_overdue_before_its_deadline(world: World) -> None:
    funded(world)
    due = selectors.due_on(dt.date(2025, 12, 31))
    assert due is not None
    assert overdue_shares_mark(today=due) == 0
    assert overdue_shares_mark(today=due + dt.timedelta(days=1)) == 3
