"""Commitments as records of their own: who records, renews and ends them and what is refused;
shares following the basis (equal, households, tasks, a fixed list) adding up to the pot to the
fen; the effective end every reader uses; the statuses (the function and the query agree); the
30-day notice sent once; Idempotency-Keys."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from communitygate.accounts.models import Notification
from communitygate.admissions.models import CommitmentBases, FundingCommitment
from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import CatalogItem
from communitygate.catalog.services import catalog_item_suspend
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.idempotency import IdempotencyKeyReused
from communitygate.dispatch.models import Assignment, Task
from communitygate.funding import selectors
from communitygate.funding.allocation import to_fen
from communitygate.funding.models import CommitmentShare
from communitygate.funding.selectors import CommitmentStatuses, commitment_status, status_condition
from communitygate.funding.services import (
    CommitmentNotEndable,
    CommitmentNotRenewable,
    CommitmentOverlaps,
    CommitmentRequest,
    CommitmentTerms,
    ItemNotDelegatedInForce,
    commitment_end,
    commitment_record,
    commitment_renew,
    commitments_lapsing_notify,
)
from communitygate.registry.services.registry import household_add
from communitygate.testing import World, make_item

from .support import COMMUNITY, MONDAY, OTHER, SIBLING, TODAY, funded

Y2027 = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def item(world: World, code: str = "F-010", **fields: object) -> str:
    make_item(world, code, item_class="delegated", funding_per_community=Decimal("1"), **fields)
    return code


def terms(
    *,
    amount: str = "9000.00",
    budget_line: str = "2027年民政专项",
    end: dt.date | None = dt.date(2027, 12, 31),
    basis: str = CommitmentBases.EQUAL,
    shares: tuple[tuple[str, str], ...] = (),
) -> CommitmentTerms:
    return CommitmentTerms(
        amount=amount, budget_line=budget_line, period_end=end, basis=basis, shares=shares
    )


def record(
    world: World,
    *,
    person: str = "office_officer",
    code: str = "F-010",
    payer: str = "department",
    start: dt.date = dt.date(2027, 1, 1),
    key: str = "",
    **more: object,
) -> FundingCommitment:
    return commitment_record(
        actor=world.user(person),
        request=CommitmentRequest(
            item_code=code,
            payer_code=world.org(payer).code,
            period_start=start,
            terms=terms(**more),  # type: ignore[arg-type]
        ),
        idempotency_key=key,
    )


# Recording ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["office_officer", "department_clerk", "department_head"])
def test_the_office_or_the_payers_staff_record_a_commitment_with_its_event(
    world: World, person: str
) -> None:
    item(world)
    commitment = record(world, person=person)
    assert commitment.budget_line == "2027年民政专项"
    assert commitment.basis == CommitmentBases.EQUAL
    assert commitment.amount_per_community_per_year == Decimal("9000.00")
    assert commitment.recorded_by == world.user(person)
    event = AuditEvent.objects.get(action="funding_commitment.record")
    assert event.object_id == str(commitment.pk)
    assert event.changes["budget_line"] == [None, "2027年民政专项"]


@pytest.mark.parametrize(
    "person", ["department_clerk_other", "community_secretary", "auditor", "inspector", "no_role"]
)
def test_nobody_else_records_one(world: World, person: str) -> None:
    item(world)
    with pytest.raises(PermissionDenied):
        record(world, person=person)
    assert not FundingCommitment.objects.exists()


def test_the_terms_are_checked_together(world: World) -> None:
    item(world)
    with pytest.raises(InvalidInput) as refused:
        record(world, amount="12.345", budget_line=" ", end=dt.date(2026, 12, 31), basis="x")
    assert {p.field for p in refused.value.problems} == {
        "amount",
        "budget_line",
        "period_end",
        "basis",
    }


@pytest.mark.parametrize("amount", ["0", "-1.00", "NaN", "abc", ""])
def test_the_amount_is_a_positive_sum_of_yuan(world: World, amount: str) -> None:
    item(world)
    with pytest.raises(InvalidInput) as refused:
        record(world, amount=amount)
    assert [p.field for p in refused.value.problems] == ["amount"]


def test_only_a_delegated_item_in_force_is_funded(world: World) -> None:
    make_item(world, "S-001", item_class="statutory")
    with pytest.raises(ItemNotDelegatedInForce):
        record(world, code="S-001")
    suspended = make_item(
        world, "F-011", item_class="delegated", funding_per_community=Decimal("1")
    )
    catalog_item_suspend(actor=world.user("office_officer"), item=suspended, reason="暂停")
    with pytest.raises(ItemNotDelegatedInForce):
        record(world, code="F-011")
    with pytest.raises(InvalidInput) as refused:
        record(world, code="NOPE")
    assert [p.field for p in refused.value.problems] == ["item"]


def test_a_second_live_commitment_of_the_item_and_payer_overlapping_is_refused(
    world: World,
) -> None:
    item(world)
    first = record(world)
    with pytest.raises(CommitmentOverlaps):
        record(world, start=dt.date(2027, 12, 31), end=dt.date(2028, 6, 30))
    with pytest.raises(CommitmentOverlaps):
        record(world, start=dt.date(2026, 12, 1), end=None)
    # Another payer may fund the same item; after the first's end the payer may again.
    record(world, payer="department_other", person="office_officer")
    later = record(world, start=dt.date(2028, 1, 1), end=dt.date(2028, 12, 31))
    assert later.period_start > first.period_end  # type: ignore[operator]


def test_an_ended_commitment_no_longer_overlaps_after_its_end(world: World) -> None:
    item(world)
    clock.pin(dt.datetime(2027, 3, 1, 2, tzinfo=dt.UTC))
    first = record(world)
    commitment_end(
        actor=world.user("office_officer"),
        commitment=first,
        ended_on=dt.date(2027, 3, 31),
        reason="改由区财政统筹",
    )
    record(world, start=dt.date(2027, 4, 1))


def test_a_fixed_list_must_add_up_to_the_yearly_total(world: World) -> None:
    item(world)
    with pytest.raises(InvalidInput) as refused:
        record(
            world,
            amount="10000.00",
            basis=CommitmentBases.FIXED,
            shares=((COMMUNITY, "6000.00"), (SIBLING, "3000.00")),
        )
    assert "10000.00" in refused.value.problems[0].message_en
    with pytest.raises(InvalidInput) as refused:
        record(
            world,
            amount="10000.00",
            basis=CommitmentBases.FIXED,
            shares=((COMMUNITY, "6000.00"), (COMMUNITY, "4000.00"), ("999", "x")),
        )
    assert len(refused.value.problems) == 3
    with pytest.raises(InvalidInput):
        record(world, shares=((COMMUNITY, "9000.00"),))  # a list needs the fixed basis
    commitment = record(
        world,
        amount="10000.00",
        basis=CommitmentBases.FIXED,
        shares=((COMMUNITY, "6000.00"), (SIBLING, "4000.00"), (OTHER, "0")),
    )
    assert {(s.community.code, s.amount) for s in CommitmentShare.objects.all()} == {
        (COMMUNITY, Decimal("6000.00")),
        (SIBLING, Decimal("4000.00")),
        (OTHER, Decimal("0.00")),
    }
    shares = selectors.ShareBook([commitment]).shares(commitment, *Y2027)
    assert {s.community.code: s.amount for s in shares} == {
        COMMUNITY: Decimal("6000.00"),
        SIBLING: Decimal("4000.00"),
        OTHER: Decimal("0.00"),
    }


def test_the_idempotency_key_answers_the_first_commitment(world: World) -> None:
    item(world)
    first = record(world, key="c-1")
    assert record(world, key="c-1") == first
    with pytest.raises(IdempotencyKeyReused):
        record(world, key="c-1", amount="1.00")
    assert FundingCommitment.objects.count() == 1


# Shares by basis ----------------------------------------------------------------------------------


def _households(world: World, community: str, count: int) -> None:
    person = {"community": "community_secretary", "community_other": "community_secretary_other"}
    for number in range(count):
        household_add(
            actor=world.user(person[community]),
            community=world.org(community),
            estate="",
            building="1号楼",
            unit="1单元",
            room=f"{number + 101}",
        )


def test_shares_by_households_follow_the_registry_and_add_up_to_the_pot(world: World) -> None:
    item(world)
    _households(world, "community", 2)
    _households(world, "community_other", 1)
    commitment = record(world, amount="1000.01", basis=CommitmentBases.HOUSEHOLDS)
    shares = selectors.ShareBook([commitment]).shares(commitment, *Y2027)
    amounts = {s.community.code: s.amount for s in shares}
    pot = selectors.period_pot_fen(commitment, *Y2027, 3)
    assert sum(to_fen(a) for a in amounts.values()) == pot == 300003
    assert amounts == {
        COMMUNITY: Decimal("2000.02"),
        OTHER: Decimal("1000.01"),
        SIBLING: Decimal("0.00"),
    }


def _assigned(world: World, code: str, starts_on: dt.date, states: dict[str, str]) -> None:
    """A task of the item sent to the communities in `states` (rows as task_send leaves them)."""
    task = Task.objects.create(
        department=world.org("department"),
        item=CatalogItem.objects.get(code=code),
        title="核查",
        task_type="inspection",
        starts_on=starts_on,
        due_on=starts_on + dt.timedelta(days=10),
        target_mode="all",
        admitted=True,
        created_by=world.user("department_clerk"),
        created_at=clock.now(),
    )
    for community, state in states.items():
        Assignment.objects.create(
            task=task,
            community=world.org(community),
            state=state,
            admitted=True,
            due_on=task.due_on,
            updated_at=clock.now(),
        )


def test_shares_by_tasks_count_the_assignments_in_the_period_not_refused(world: World) -> None:
    item(world)
    commitment = record(world, amount="100.00", basis=CommitmentBases.TASKS)
    _assigned(
        world,
        "F-010",
        dt.date(2027, 3, 1),
        {"community": "accepted", "community_sibling": "refused"},
    )
    _assigned(
        world,
        "F-010",
        dt.date(2027, 5, 1),
        {"community": "completed", "community_other": "received"},
    )
    _assigned(world, "F-010", dt.date(2026, 5, 1), {"community_sibling": "completed"})  # before
    shares = selectors.ShareBook([commitment]).shares(commitment, *Y2027)
    amounts = {s.community.code: s.amount for s in shares}
    assert amounts == {
        COMMUNITY: Decimal("200.00"),  # two of three assignments
        OTHER: Decimal("100.00"),
        SIBLING: Decimal("0.00"),  # refused, and one outside the period
    }
    assert sum(amounts.values()) == Decimal("300.00")


def test_shares_with_no_weight_anywhere_are_equal(world: World) -> None:
    item(world)
    commitment = record(world, amount="100.00", basis=CommitmentBases.TASKS)
    start, end = dt.date(2027, 1, 1), dt.date(2027, 3, 17)  # a part year
    shares = selectors.ShareBook([commitment]).shares(commitment, start, end)
    pot = selectors.period_pot_fen(commitment, start, end, 3)
    assert sum(to_fen(s.amount) for s in shares) == pot
    assert max(s.amount for s in shares) - min(s.amount for s in shares) <= Decimal("0.01")


def test_a_part_year_of_a_fixed_list_adds_up_to_the_pro_rata_pot(world: World) -> None:
    item(world)
    commitment = record(
        world,
        amount="1000.00",
        end=dt.date(2027, 4, 10),
        basis=CommitmentBases.FIXED,
        shares=((COMMUNITY, "333.33"), (SIBLING, "333.33"), (OTHER, "333.34")),
    )
    (period,) = selectors.settlement_periods(commitment, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    shares = selectors.ShareBook([commitment]).shares(commitment, *period)
    assert sum(to_fen(s.amount) for s in shares) == selectors.fixed_pot_fen(100000, *period)
    assert selectors.fixed_pot_fen(100000, *period) == 27397  # 100 days of 365, half up


# Renewing -----------------------------------------------------------------------------------------


def test_a_renewal_is_a_new_record_from_the_day_after_the_old_end(world: World) -> None:
    old = funded(world)  # 2025-2026
    renewal = commitment_renew(
        actor=world.user("department_clerk"),
        commitment=old,
        terms=terms(amount="12000.00", budget_line="2027年预算", basis=CommitmentBases.HOUSEHOLDS),
    )
    assert renewal.renews == old
    assert renewal.period_start == dt.date(2027, 1, 1)
    assert renewal.period_end == dt.date(2027, 12, 31)
    assert renewal.payer == old.payer and renewal.catalog_item == old.catalog_item
    old.refresh_from_db()
    assert old.amount_per_community_per_year == Decimal("10000.00")  # nothing overwritten
    assert old.period_end == dt.date(2026, 12, 31)
    event = AuditEvent.objects.get(action="funding_commitment.renew")
    assert event.changes["renews"] == [None, old.pk]
    with pytest.raises(CommitmentNotRenewable):
        commitment_renew(actor=world.user("office_officer"), commitment=old, terms=terms())
    assert selectors.renewal_chain(old) == [old, renewal]
    assert selectors.renewal_chain(renewal) == [old, renewal]


def test_an_ended_or_open_ended_commitment_is_not_renewed(world: World) -> None:
    old = funded(world)
    commitment_end(
        actor=world.user("office_officer"), commitment=old, ended_on=TODAY, reason="停止委托"
    )
    with pytest.raises(CommitmentNotRenewable):
        commitment_renew(actor=world.user("office_officer"), commitment=old, terms=terms())
    open_ended = funded(world, code="F-002", end=None)
    with pytest.raises(CommitmentNotRenewable):
        commitment_renew(actor=world.user("office_officer"), commitment=open_ended, terms=terms())


def test_only_the_office_or_the_payer_renews(world: World) -> None:
    old = funded(world)
    with pytest.raises(PermissionDenied):
        commitment_renew(actor=world.user("department_clerk_other"), commitment=old, terms=terms())
    with pytest.raises(PermissionDenied):
        commitment_renew(actor=world.user("auditor"), commitment=old, terms=terms())


def test_a_renewal_key_answers_the_first_renewal(world: World) -> None:
    old = funded(world)
    first = commitment_renew(
        actor=world.user("office_officer"), commitment=old, terms=terms(), idempotency_key="r"
    )
    again = commitment_renew(
        actor=world.user("office_officer"), commitment=old, terms=terms(), idempotency_key="r"
    )
    assert again == first
    assert FundingCommitment.objects.filter(renews=old).count() == 1


# Ending -------------------------------------------------------------------------------------------


def test_ending_records_the_day_and_cuts_the_effective_end_only(world: World) -> None:
    commitment = funded(world)
    ended = commitment_end(
        actor=world.user("department_head"),
        commitment=commitment,
        ended_on=dt.date(2026, 11, 30),
        reason="事项调整",
    )
    assert ended.ended_on == dt.date(2026, 11, 30)
    assert ended.period_end == dt.date(2026, 12, 31)
    assert ended.effective_end == dt.date(2026, 11, 30)
    assert ended.ended_by == world.user("department_head")
    periods = selectors.settlement_periods(ended, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert periods == [(dt.date(2026, 1, 1), dt.date(2026, 11, 30))]
    event = AuditEvent.objects.get(action="funding_commitment.end")
    assert event.reason == "事项调整"
    with pytest.raises(CommitmentNotEndable):
        commitment_end(
            actor=world.user("office_officer"),
            commitment=ended,
            ended_on=dt.date(2026, 12, 1),
            reason="再次终止",
        )


def test_ending_needs_a_reason_and_a_day_from_today_to_the_period_end(world: World) -> None:
    commitment = funded(world)
    with pytest.raises(InvalidInput) as refused:
        commitment_end(
            actor=world.user("office_officer"),
            commitment=commitment,
            ended_on=TODAY - dt.timedelta(days=1),
            reason=" ",
        )
    assert {p.field for p in refused.value.problems} == {"reason", "ended_on"}
    with pytest.raises(InvalidInput):
        commitment_end(
            actor=world.user("office_officer"),
            commitment=commitment,
            ended_on=dt.date(2027, 1, 1),
            reason="超出期限",
        )
    with pytest.raises(PermissionDenied):
        commitment_end(
            actor=world.user("community_secretary"),
            commitment=commitment,
            ended_on=TODAY,
            reason="无权",
        )
    commitment.refresh_from_db()
    assert commitment.ended_on is None


def test_a_renewed_commitment_is_not_ended_its_renewal_is(world: World) -> None:
    old = funded(world)
    commitment_renew(actor=world.user("office_officer"), commitment=old, terms=terms())
    with pytest.raises(CommitmentNotEndable):
        commitment_end(
            actor=world.user("office_officer"), commitment=old, ended_on=TODAY, reason="终止"
        )


# Statuses -----------------------------------------------------------------------------------------


def test_statuses_by_day(world: World) -> None:
    commitment = funded(world, start=dt.date(2026, 12, 1), end=dt.date(2027, 6, 30))
    assert commitment_status(commitment, dt.date(2026, 11, 30)) == CommitmentStatuses.UPCOMING
    assert commitment_status(commitment, dt.date(2027, 5, 30)) == CommitmentStatuses.ACTIVE
    assert commitment_status(commitment, dt.date(2027, 5, 31)) == CommitmentStatuses.LAPSING
    assert commitment_status(commitment, dt.date(2027, 6, 30)) == CommitmentStatuses.LAPSING
    assert commitment_status(commitment, dt.date(2027, 7, 1)) == CommitmentStatuses.LAPSED
    commitment.ended_on = dt.date(2027, 1, 15)
    assert commitment_status(commitment, dt.date(2027, 1, 15)) == CommitmentStatuses.LAPSING
    assert commitment_status(commitment, dt.date(2027, 1, 16)) == CommitmentStatuses.ENDED
    commitment.ended_on = dt.date(2026, 11, 23)  # called off before it began
    assert commitment_status(commitment, dt.date(2026, 11, 23)) == CommitmentStatuses.ENDED


def test_the_status_query_agrees_with_the_status_function(world: World) -> None:
    shapes = [
        (dt.date(2026, 12, 1), dt.date(2027, 6, 30), None),
        (dt.date(2025, 1, 1), None, None),
        (dt.date(2025, 1, 1), dt.date(2026, 12, 10), None),
        (dt.date(2025, 1, 1), dt.date(2026, 6, 30), None),
        (dt.date(2025, 1, 1), dt.date(2027, 6, 30), dt.date(2026, 12, 1)),
        (dt.date(2025, 1, 1), dt.date(2027, 6, 30), dt.date(2027, 3, 1)),
        (dt.date(2027, 1, 1), dt.date(2027, 6, 30), dt.date(2026, 11, 23)),
        (dt.date(2025, 1, 1), dt.date(2026, 11, 23), dt.date(2026, 11, 23)),
    ]
    for number, (start, end, ended_on) in enumerate(shapes):
        commitment = funded(world, code=f"F-1{number:02d}", start=start, end=end)
        if ended_on is not None:
            FundingCommitment.objects.filter(pk=commitment.pk).update(ended_on=ended_on)
    for today in [dt.date(2026, 11, 22), TODAY, dt.date(2026, 12, 20), dt.date(2027, 3, 2)]:
        by_function = {c.pk: commitment_status(c, today) for c in FundingCommitment.objects.all()}
        for status in CommitmentStatuses.ALL:
            by_query = set(
                FundingCommitment.objects.filter(status_condition(status, today)).values_list(
                    "pk", flat=True
                )
            )
            assert by_query == {pk for pk, s in by_function.items() if s == status}, (
                today,
                status,
            )


# The 30-day notice --------------------------------------------------------------------------------


def test_the_lapse_notice_goes_once_to_the_payer_and_the_office(world: World) -> None:
    lapsing = funded(world, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 20))
    funded(world, code="F-002", start=dt.date(2026, 1, 1), end=dt.date(2027, 6, 30))  # far off
    renewed = funded(world, code="F-003", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 1))
    commitment_renew(actor=world.user("office_officer"), commitment=renewed, terms=terms())
    call_command("commitments_lapsing")
    told = Notification.objects.filter(key=f"commitment-lapsing:{lapsing.pk}")
    assert {n.recipient.username for n in told} == {
        world.user(p).username
        for p in ("department_clerk", "department_head", "office_officer", "office_admin")
    }
    assert "2026年12月20日" in told[0].text_zh and "2026-12-20" in told[0].text_en
    assert Notification.objects.count() == told.count()  # nothing for the others
    lapsing.refresh_from_db()
    assert lapsing.lapse_notified_at is not None
    assert commitments_lapsing_notify() == 0
    assert Notification.objects.count() == told.count()
    assert AuditEvent.objects.filter(action="funding_commitment.notify_lapsing").count() == 1
