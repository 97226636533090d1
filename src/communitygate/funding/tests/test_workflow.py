"""The payment's receipt table as data: where each step leads from each state, and who takes it
(the receiving community's staff, or the social organisation's; nobody else)."""

import datetime as dt

import pytest

from communitygate.core.errors import PermissionDenied
from communitygate.core.workflow import TransitionNotAllowed
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.workflow import PAYEE, PAYMENT
from communitygate.testing import World

P = PaymentStates


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        (P.RECORDED, "confirm", P.CONFIRMED),
        (P.RECORDED, "dispute", P.DISPUTED),
        (P.DISPUTED, "confirm", P.CONFIRMED),
        (P.DISPUTED, "dispute", None),
        (P.CONFIRMED, "confirm", None),
        (P.CONFIRMED, "dispute", None),
    ],
)
def test_the_table(state: str, action: str, target: str | None) -> None:
    assert PAYMENT.target(state, action) == target


def test_a_confirmed_receipt_is_final() -> None:
    assert PAYMENT.actions_from(P.CONFIRMED) == []
    assert PAYMENT.actions_from(P.RECORDED, PAYEE) == ["confirm", "dispute"]


def unsaved_payment(world: World, payee: str, state: str = P.RECORDED) -> Payment:
    return Payment(
        community=world.org(payee),
        payer=world.org("department"),
        amount=1,
        paid_on=dt.date(2026, 11, 20),
        state=state,
        voucher_number="X",
    )


RECEIVERS = {"community_secretary", "community_worker"}


@pytest.mark.parametrize(
    "person",
    [
        "office_admin",
        "office_officer",
        "committee_member",
        "department_clerk",
        "department_head",
        "department_clerk_other",
        "subdistrict_officer",
        "community_secretary",
        "community_worker",
        "community_secretary_other",
        "inspector",
        "supervision_head",
        "auditor",
        "social_org_staff",
        "no_role",
    ],
)
def test_only_the_receiving_community_acts(world: World, person: str) -> None:
    payment = unsaved_payment(world, "community")
    user = world.user(person)
    for action in ("confirm", "dispute"):
        if person in RECEIVERS:
            assert PAYMENT.check(user, payment, action, P.RECORDED).target
        else:
            with pytest.raises(PermissionDenied):
                PAYMENT.check(user, payment, action, P.RECORDED)


def test_a_social_organisation_acknowledges_its_own(world: World) -> None:
    payment = unsaved_payment(world, "social_org")
    assert PAYMENT.check(world.user("social_org_staff"), payment, "confirm", P.RECORDED)
    with pytest.raises(PermissionDenied):
        PAYMENT.check(world.user("community_secretary"), payment, "confirm", P.RECORDED)


def test_a_step_from_the_wrong_state_is_refused(world: World) -> None:
    payment = unsaved_payment(world, "community", P.CONFIRMED)
    with pytest.raises(TransitionNotAllowed) as refused:
        PAYMENT.check(world.user("community_secretary"), payment, "dispute", P.CONFIRMED)
    assert refused.value.code == "payment_step_not_allowed"
