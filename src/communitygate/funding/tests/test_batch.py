"""A batch transfer (批量拨付) through `payments_record_batch`: the payer's staff only; each payment
checked as `payment_record` checks one (the batch's earlier payments count towards the share),
each with its own `payment.record` event; a broken rule anywhere records nothing."""

import datetime as dt

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.funding.models import Payment
from communitygate.funding.services import (
    PayeeNotInScope,
    PaymentBeyondShare,
    VoucherNumberUsed,
    payments_record_batch,
)
from communitygate.orgs.services import organisation_create
from communitygate.testing import World

from .support import SIBLING, Y2025, funded, paid, request


def test_a_batch_records_each_payment_with_its_event(world: World) -> None:
    commitment = funded(world)
    created = payments_record_batch(
        actor=world.user("department_head"),
        commitment=commitment,
        requests=[
            request(voucher="B-1", amount="6000.00"),
            request(voucher="B-2", amount="10000.00", community=SIBLING),
            request(voucher="B-3", amount="4000.00", period=Y2025),
        ],
    )
    assert [p.voucher_number for p in created] == ["B-1", "B-2", "B-3"]
    assert Payment.objects.count() == 3
    events = AuditEvent.objects.filter(action="payment.record")
    assert sorted(int(e.object_id) for e in events) == sorted(p.pk for p in created)


@pytest.mark.parametrize("person", ["department_clerk_other", "community_secretary", "auditor"])
def test_nobody_but_the_payer_records_a_batch(world: World, person: str) -> None:
    commitment = funded(world)
    with pytest.raises(PermissionDenied):
        payments_record_batch(
            actor=world.user(person), commitment=commitment, requests=[request(voucher="B-1")]
        )
    assert not Payment.objects.exists()


def test_earlier_payments_of_the_batch_and_before_count_towards_the_share(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, amount="4000.00", voucher="EARLIER")
    with pytest.raises(PaymentBeyondShare):
        payments_record_batch(
            actor=world.user("department_clerk"),
            commitment=commitment,
            requests=[
                request(voucher="B-1", amount="5000.00"),
                request(voucher="B-2", amount="1000.01"),
            ],
        )
    assert Payment.objects.count() == 1  # nothing of the batch
    flagged = payments_record_batch(
        actor=world.user("department_clerk"),
        commitment=commitment,
        requests=[request(voucher="B-3", amount="7000.00", beyond_share=True, note="追加")],
    )
    assert flagged[0].beyond_share


def test_any_broken_rule_records_nothing(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, amount="1.00", voucher="USED")
    clerk = world.user("department_clerk")
    with pytest.raises(VoucherNumberUsed):
        payments_record_batch(
            actor=clerk,
            commitment=commitment,
            requests=[request(voucher="B-1"), request(voucher="USED")],
        )
    with pytest.raises(VoucherNumberUsed):
        payments_record_batch(
            actor=clerk,
            commitment=commitment,
            requests=[request(voucher="B-1", amount="1.00"), request(voucher="B-1", amount="1.00")],
        )
    with pytest.raises(InvalidInput) as refused:
        payments_record_batch(
            actor=clerk,
            commitment=commitment,
            requests=[request(voucher="B-1"), request(voucher="B-2", amount="0")],
        )
    assert refused.value.problems[0].row == 2
    with pytest.raises(InvalidInput):
        payments_record_batch(
            actor=clerk, commitment=commitment, requests=[request(voucher="B-1", community="NOPE")]
        )
    with pytest.raises(InvalidInput):
        payments_record_batch(
            actor=clerk,
            commitment=commitment,
            requests=[request(voucher="B-1", community=world.org("social_org").code)],
        )
    assert Payment.objects.count() == 1


def test_a_community_out_of_scope_is_refused(world: World) -> None:
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
        payments_record_batch(
            actor=world.user("department_clerk"),
            commitment=commitment,
            requests=[request(voucher="B-1"), request(voucher="B-2", community="370203031009")],
        )
    assert not Payment.objects.exists()
