"""Each kind of anomaly on real rows made through the services (funding commitments, dispatch's
task_send, funding's payment_record and receipts): it appears when it should and not
otherwise, narrowed by the filters, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communitygate.auditing.anomalies import (
    KINDS,
    Anomaly,
    AnomalyFilters,
    anomalies_found,
    anomaly_counts,
)
from communitygate.contracts.tests import support as contracts_support
from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import (
    assignment_accept,
    assignment_confirm,
    assignment_submit,
)
from communitygate.funding import selectors
from communitygate.funding.services import (
    commitment_end,
    payment_confirm_receipt,
    payment_dispute,
)
from communitygate.funding.tests.support import (
    COMMUNITY,
    MONDAY,
    OTHER,
    SIBLING,
    TODAY,
    Y2025,
    paid,
)
from communitygate.testing import World, make_item

from .support import published_funded, sent

pytestmark = pytest.mark.django_db


def found(kind: str, today: dt.date = TODAY, **filters: object) -> list[Anomaly]:
    return anomalies_found(AnomalyFilters(kind=kind, **filters), today)  # type: ignore[arg-type]


# unfunded_tasks -------------------------------------------------------------------------------


def test_a_delegated_task_with_no_payment_for_its_period_is_found_per_community(
    world: World,
) -> None:
    published_funded(world)
    task = sent(world)
    rows = found("unfunded_tasks")
    # Oldest first, then by key (the community's code within one task).
    assert [a.community for a in rows] == sorted([COMMUNITY, SIBLING, OTHER])
    first = next(a for a in rows if a.community == COMMUNITY)
    assert first.object_type == "dispatch.task"
    assert first.object_id == task.pk
    assert first.link == f"/dispatch/tasks/{task.pk}/"
    assert (first.item, first.department) == ("F-001", "DEPT-MZ")
    assert (first.period_start, first.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert first.share == first.amount == Decimal("10000.00")
    assert first.paid == Decimal("0.00")
    assert first.count == 1
    assert first.since == TODAY
    # The share of 2026 falls due in 2027: not yet due (whatever the schedule says).
    assert first.not_yet_due is True
    assert "F-001" in first.explanation_zh and "F-001" in first.explanation_en


def test_any_payment_for_the_period_takes_the_community_off_the_list(world: World) -> None:
    commitment = published_funded(world)
    sent(world)
    paid(world, commitment, amount="1.00", community=COMMUNITY)
    assert [a.community for a in found("unfunded_tasks")] == sorted([SIBLING, OTHER])


def test_a_payment_for_another_year_does_not_fund_this_one(world: World) -> None:
    commitment = published_funded(world)
    sent(world)
    paid(world, commitment, community=COMMUNITY, period=Y2025)
    assert COMMUNITY in {a.community for a in found("unfunded_tasks")}


def test_a_past_period_is_overdue_once_its_share_is_due(world: World) -> None:
    published_funded(world)
    sent(
        world,
        at=dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC),
        starts_on=dt.date(2025, 3, 10),
        due_on=dt.date(2025, 3, 31),
        communities=(COMMUNITY,),
    )
    [anomaly] = found("unfunded_tasks")
    due = selectors.due_on(dt.date(2025, 12, 31))
    assert due is not None and due < TODAY
    assert (anomaly.due_on, anomaly.not_yet_due) == (due, False)
    assert anomaly.since == dt.date(2025, 3, 3)
    assert "已过" in anomaly.explanation_zh and "overdue" in anomaly.explanation_en
    # Before the deadline the same task is found, marked not yet due.
    [early] = found("unfunded_tasks", today=due)
    assert early.not_yet_due is True


def test_tasks_of_other_items_are_not_unfunded_tasks(world: World) -> None:
    make_item(world, "S-001")  # statutory work needs no funding
    make_item(world, "D-009", item_class="delegated", funding_per_community=Decimal("1"))
    published_funded(world)  # publishes all three
    sent(world, item="S-001")
    unfunded = sent(world, item="D-009")  # no commitment: the gate does not admit it
    assert unfunded.admitted is False
    assert found("unfunded_tasks", item="S-001") == []
    assert found("unfunded_tasks", item="D-009") == []


def test_the_filters_narrow_unfunded_tasks(world: World) -> None:
    published_funded(world)
    sent(world)
    assert [a.community for a in found("unfunded_tasks", community=SIBLING)] == [SIBLING]
    assert found("unfunded_tasks", department="DEPT-WJ") == []
    assert len(found("unfunded_tasks", department="DEPT-MZ")) == 3
    assert found("unfunded_tasks", period=parse_period("2025", today=TODAY)) == []
    assert len(found("unfunded_tasks", period=parse_period("2026-Q4", today=TODAY))) == 3
    assert found("unfunded_tasks", item="F-002") == []


# payments_beyond_commitment --------------------------------------------------------------------


def test_payments_up_to_the_share_are_not_beyond(world: World) -> None:
    commitment = published_funded(world)
    paid(world, commitment, amount="10000.00", community=COMMUNITY)
    assert found("payments_beyond_commitment") == []


def test_a_flagged_payment_and_the_share_it_exceeds_are_found(world: World) -> None:
    commitment = published_funded(world)
    paid(world, commitment, amount="10000.00", community=COMMUNITY)
    flagged = paid(
        world,
        commitment,
        amount="500.00",
        community=COMMUNITY,
        voucher="PZ-0002",
        beyond_share=True,
        note="追加慰问经费",
    )
    rows = found("payments_beyond_commitment")
    by_type = {a.object_type: a for a in rows}
    assert set(by_type) == {"funding.payment", "admissions.fundingcommitment"}
    payment = by_type["funding.payment"]
    assert (payment.object_id, payment.amount, payment.community) == (
        flagged.pk,
        Decimal("500.00"),
        COMMUNITY,
    )
    assert "追加慰问经费" in payment.explanation_zh
    share = by_type["admissions.fundingcommitment"]
    assert share.object_id == commitment.pk
    assert (share.share, share.paid, share.amount) == (
        Decimal("10000.00"),
        Decimal("10500.00"),
        Decimal("500.00"),
    )
    assert share.count == 2
    assert found("payments_beyond_commitment", community=SIBLING) == []
    assert len(found("payments_beyond_commitment", period=parse_period("2026", today=TODAY))) == 2
    assert found("payments_beyond_commitment", period=parse_period("2025", today=TODAY)) == []


def test_payments_to_a_social_organisation_beyond_the_whole_pot_are_found(world: World) -> None:
    commitment = published_funded(world)  # 2026: three communities, a pot of ¥30,000.00
    paid(world, commitment, amount="10000.00", community=COMMUNITY)
    paid(
        world,
        commitment,
        amount="25000.00",
        community="SO-1",
        voucher="PZ-0002",
        beyond_share=True,
        note="购买服务",
    )
    pot = [a for a in found("payments_beyond_commitment") if a.community is None]
    assert len(pot) == 1
    assert (pot[0].share, pot[0].paid, pot[0].amount) == (
        Decimal("30000.00"),
        Decimal("35000.00"),
        Decimal("5000.00"),
    )


# disputed_receipts -----------------------------------------------------------------------------


def test_a_disputed_receipt_is_found_with_how_long_until_confirmed(world: World) -> None:
    commitment = published_funded(world)
    payment = paid(world, commitment, community=COMMUNITY)
    assert found("disputed_receipts") == []
    payment_dispute(actor=world.user("community_secretary"), payment=payment, reason="金额不符")
    [anomaly] = found("disputed_receipts", today=dt.date(2026, 11, 30))
    assert (anomaly.object_type, anomaly.object_id) == ("funding.payment", payment.pk)
    assert anomaly.since == TODAY
    assert anomaly.days_since(dt.date(2026, 11, 30)) == 7
    assert anomaly.amount == Decimal("4000.00")
    assert "金额不符" in anomaly.explanation_zh
    assert found("disputed_receipts", community=SIBLING) == []
    payment.refresh_from_db()
    payment_confirm_receipt(actor=world.user("community_secretary"), payment=payment)
    assert found("disputed_receipts") == []


# lapsed_commitments_with_tasks -----------------------------------------------------------------


def lapsed_item_with_a_task(world: World) -> Assignment:
    """L-001 funded for the first half of 2026 only; a task sent in March to 370203031001."""
    published_funded(world, code="L-001", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    task = sent(
        world,
        item="L-001",
        at=dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC),
        starts_on=dt.date(2026, 3, 10),
        due_on=dt.date(2026, 3, 31),
        communities=(COMMUNITY,),
    )
    assert task.admitted is True
    return Assignment.objects.get(task=task)


def test_an_item_whose_commitments_ended_while_work_stays_open_is_found(world: World) -> None:
    lapsed_item_with_a_task(world)
    [anomaly] = found("lapsed_commitments_with_tasks")
    assert (anomaly.object_type, anomaly.item, anomaly.link) == (
        "catalog.catalogitem",
        "L-001",
        "/catalog/items/L-001/",
    )
    assert (anomaly.period_end, anomaly.since, anomaly.count) == (
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 1),
        1,
    )
    assert found("lapsed_commitments_with_tasks", community=SIBLING) == []
    assert found("lapsed_commitments_with_tasks", department="DEPT-WJ") == []
    assert found("lapsed_commitments_with_tasks", period=parse_period("2026-Q1", today=TODAY)) == []
    # Before the end it is not lapsed.
    assert found("lapsed_commitments_with_tasks", today=dt.date(2026, 6, 30)) == []


def test_once_the_work_is_done_the_lapsed_item_is_no_anomaly(world: World) -> None:
    assignment = lapsed_item_with_a_task(world)
    secretary = world.user("community_secretary")
    assignment = assignment_accept(actor=secretary, assignment=assignment)
    assignment = assignment_submit(actor=secretary, assignment=assignment, text="已完成")
    assignment_confirm(actor=world.user("department_clerk"), assignment=assignment)
    assert found("lapsed_commitments_with_tasks") == []


def test_a_task_sent_after_the_end_is_found_even_once_done(world: World) -> None:
    """The gate checks the task's dates, not the day it is sent: work dated inside the
    commitment but sent after its end is admitted, and the auditor sees it."""
    published_funded(world, code="L-001", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    late = sent(
        world,
        item="L-001",
        at=dt.datetime(2026, 7, 6, 2, tzinfo=dt.UTC),
        starts_on=dt.date(2026, 6, 1),
        due_on=dt.date(2026, 6, 20),
        communities=(COMMUNITY,),
    )
    assert late.admitted is True
    secretary = world.user("community_secretary")
    assignment = assignment_accept(actor=secretary, assignment=Assignment.objects.get(task=late))
    assignment = assignment_submit(actor=secretary, assignment=assignment, text="已完成")
    assignment_confirm(actor=world.user("department_clerk"), assignment=assignment)
    [anomaly] = found("lapsed_commitments_with_tasks")
    assert anomaly.count == 0  # nothing open
    assert "1 task(s) were sent after the end" in anomaly.explanation_en


def test_a_running_commitment_is_not_lapsed_whatever_its_open_work(world: World) -> None:
    published_funded(world)  # 2025–2026, running on 23 November 2026
    sent(world)
    assert found("lapsed_commitments_with_tasks") == []


def test_a_commitment_ended_early_lapses_on_the_day_it_was_ended(world: World) -> None:
    commitment = published_funded(world)  # 2025–2026, running on 23 November 2026
    sent(world)
    commitment_end(
        actor=world.user("office_officer"),
        commitment=commitment,
        ended_on=TODAY,
        reason="预算调整，提前终止",
    )
    assert found("lapsed_commitments_with_tasks") == []  # it still funds today
    tomorrow = TODAY + dt.timedelta(days=1)
    [anomaly] = found("lapsed_commitments_with_tasks", today=tomorrow)
    assert (anomaly.period_end, anomaly.since) == (TODAY, tomorrow)


# contracts_paid_beyond_amount, contracts_paid_without_acceptance -------------------------------


def test_a_contract_paid_before_its_acceptance_is_found(world: World) -> None:
    contract = contracts_support.signed(world)
    assert found("contracts_paid_without_acceptance") == []  # signed, nothing paid yet
    contracts_support.paid(world, contract, "5000.00", "GM-1")
    [anomaly] = found("contracts_paid_without_acceptance")
    assert (anomaly.object_type, anomaly.object_id, anomaly.link) == (
        "contracts.contract",
        contract.pk,
        f"/contracts/{contract.pk}/",
    )
    assert (anomaly.department, anomaly.community) == ("DEPT-MZ", "SO-1")
    assert (anomaly.paid, anomaly.amount, anomaly.since) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        dt.date(2026, 11, 20),
    )
    assert found("contracts_paid_beyond_amount") == []
    # The filters: the communities it serves, its buyer, its period.
    assert found("contracts_paid_without_acceptance", community=SIBLING) != []
    assert found("contracts_paid_without_acceptance", community=OTHER) == []
    assert found("contracts_paid_without_acceptance", department="DEPT-WJ") == []
    assert (
        found("contracts_paid_without_acceptance", period=parse_period("2026-Q1", today=TODAY))
        == []
    )


def test_a_contract_paid_beyond_its_amount_is_found_with_the_excess(world: World) -> None:
    contract = contracts_support.signed(world)
    contracts_support.paid(world, contract, "20000.00", "GM-1")
    contracts_support.paid(
        world, contract, "1500.00", "GM-2", beyond_amount=True, note="追加服务频次"
    )
    [anomaly] = found("contracts_paid_beyond_amount", community=COMMUNITY)
    assert (anomaly.share, anomaly.paid, anomaly.amount) == (
        Decimal("20000.00"),
        Decimal("21500.00"),
        Decimal("1500.00"),
    )
    assert "1500.00" in anomaly.explanation_zh and "beyond" in anomaly.explanation_en


# The registry and the cost ---------------------------------------------------------------------


def test_every_kind_is_registered_once_with_both_labels() -> None:
    codes = [kind.code for kind in KINDS]
    assert codes == [
        "unfunded_tasks",
        "payments_beyond_commitment",
        "disputed_receipts",
        "lapsed_commitments_with_tasks",
        "contracts_paid_beyond_amount",
        "contracts_paid_without_acceptance",
    ]
    assert all(kind.label_zh and kind.label_en for kind in KINDS)


def test_counts_list_every_kind_with_those_not_yet_due(world: World) -> None:
    published_funded(world)
    sent(world)
    counts = {c.kind.code: (c.count, c.not_yet_due) for c in anomaly_counts(found(""))}
    assert counts == {
        "unfunded_tasks": (3, 3),
        "payments_beyond_commitment": (0, 0),
        "disputed_receipts": (0, 0),
        "lapsed_commitments_with_tasks": (0, 0),
        "contracts_paid_beyond_amount": (0, 0),
        "contracts_paid_without_acceptance": (0, 0),
    }


def queries_for_everything() -> int:
    with CaptureQueriesContext(connection) as captured:
        anomalies_found(AnomalyFilters(), TODAY)
    return len(captured)


def test_the_queries_do_not_grow_with_the_rows(world: World) -> None:
    """Fixed per request, plus one holiday schedule per distinct period end (two years here)."""
    commitment = published_funded(world)
    lapsed_item_with_a_task(world)
    in_2025 = dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)
    sent(world, communities=(SIBLING,))
    sent(world, at=in_2025, starts_on=dt.date(2025, 3, 10), communities=(COMMUNITY,))
    first = paid(world, commitment, amount="10000.00", community=COMMUNITY, voucher="A-1")
    payment_dispute(actor=world.user("community_secretary"), payment=first, reason="未到账")
    paid(
        world,
        commitment,
        amount="1.00",
        community=COMMUNITY,
        voucher="A-2",
        beyond_share=True,
        note="n",
    )
    few = queries_for_everything()
    for n in range(3):
        sent(world)
        sent(world, at=in_2025, starts_on=dt.date(2025, 3, 10 + n), due_on=dt.date(2025, 3, 31))
        paid(
            world,
            commitment,
            amount="10000.00",
            community=OTHER,
            voucher=f"B-{n}",
            period=Y2025,
            beyond_share=True,
            note="n",
        )
        contract = contracts_support.signed(world, number=f"MZ-GM-2026-{n + 10}")
        contracts_support.paid(world, contract, "25000.00", f"GM-{n}", beyond_amount=True, note="n")
    clock.pin(MONDAY)
    assert len(anomalies_found(AnomalyFilters(), TODAY)) > len(KINDS) + 4
    assert queries_for_everything() == few
