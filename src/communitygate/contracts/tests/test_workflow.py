"""The contract, deliverable and instalment tables as data: where each step leads from each
state, and who takes it (the buyer signs, accepts and terminates; the social organisation hands
in deliverables and confirms receipts; the overseers, the auditor among them, take no step)."""

import datetime as dt
from decimal import Decimal

import pytest

from communitygate.contracts.models import (
    Contract,
    ContractDeliverable,
    ContractInstalment,
    ContractStates,
    DeliverableStates,
    InstalmentStates,
)
from communitygate.contracts.workflow import (
    CONTRACT,
    DELIVERABLE,
    INSTALMENT,
    ContractNotInForce,
)
from communitygate.core.errors import PermissionDenied
from communitygate.core.workflow import TransitionNotAllowed
from communitygate.orgs.services import organisation_create
from communitygate.testing import World
from communitygate.web.tests.grid import WORLD_PEOPLE

C, D, P = ContractStates, DeliverableStates, InstalmentStates

CONTRACT_TABLE: dict[tuple[str, str], str] = {
    (C.DRAFT, "sign"): C.SIGNED,
    (C.DRAFT, "terminate"): C.TERMINATED,
    (C.SIGNED, "accept"): C.ACCEPTED,
    (C.SIGNED, "fail_acceptance"): C.SIGNED,
    (C.SIGNED, "terminate"): C.TERMINATED,
}


@pytest.mark.parametrize("state", C.values)
@pytest.mark.parametrize("action", ["sign", "accept", "fail_acceptance", "terminate"])
def test_the_contract_table(state: str, action: str) -> None:
    assert CONTRACT.target(state, action) == CONTRACT_TABLE.get((state, action))


def test_accepted_and_terminated_are_final() -> None:
    assert CONTRACT.actions_from(C.ACCEPTED) == []
    assert CONTRACT.actions_from(C.TERMINATED) == []


@pytest.mark.parametrize("state", D.values)
@pytest.mark.parametrize("action", ["submit", "reopen"])
def test_the_deliverable_table(state: str, action: str) -> None:
    expected: dict[tuple[str, str], str] = {
        (D.DUE, "submit"): D.SUBMITTED,
        (D.SUBMITTED, "reopen"): D.DUE,
    }
    assert DELIVERABLE.target(state, action) == expected.get((state, action))


@pytest.mark.parametrize("state", P.values)
def test_the_instalment_table(state: str) -> None:
    assert INSTALMENT.target(state, "confirm") == (P.CONFIRMED if state == P.RECORDED else None)


def unsaved_contract(world: World, state: str = C.DRAFT, buyer: str = "department") -> Contract:
    return Contract(
        number="X",
        buyer=world.org(buyer),
        social_org=world.org("social_org"),
        amount=Decimal("1"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        state=state,
    )


BUYERS = {"department_clerk", "department_head"}
SOCIAL_ORG = {"social_org_staff"}


@pytest.mark.parametrize("person", WORLD_PEOPLE)
@pytest.mark.parametrize("state", C.values)
@pytest.mark.parametrize("action", ["sign", "accept", "fail_acceptance", "terminate"])
def test_only_the_buyer_takes_the_contracts_steps(
    world: World, person: str, state: str, action: str
) -> None:
    contract = unsaved_contract(world, state)
    user = world.user(person)
    target = CONTRACT_TABLE.get((state, action))
    if person not in BUYERS:
        with pytest.raises(PermissionDenied):
            CONTRACT.check(user, contract, action, state)
    elif target is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            CONTRACT.check(user, contract, action, state)
        assert refused.value.code == "contract_step_not_allowed"
    else:
        assert CONTRACT.check(user, contract, action, state).target == target


def test_a_subdistrict_buys_through_its_officer(world: World) -> None:
    contract = unsaved_contract(world, buyer="subdistrict")
    assert CONTRACT.check(world.user("subdistrict_officer"), contract, "sign", C.DRAFT)
    with pytest.raises(PermissionDenied):
        CONTRACT.check(world.user("subdistrict_officer_other"), contract, "sign", C.DRAFT)
    with pytest.raises(PermissionDenied):
        CONTRACT.check(world.user("department_clerk"), contract, "sign", C.DRAFT)


@pytest.mark.parametrize("person", WORLD_PEOPLE)
@pytest.mark.parametrize("contract_state", C.values)
@pytest.mark.parametrize("state", D.values)
def test_only_the_social_org_hands_in_while_the_contract_is_in_force(
    world: World, person: str, contract_state: str, state: str
) -> None:
    contract = unsaved_contract(world, contract_state)
    deliverable = ContractDeliverable(contract=contract, title="报告", state=state)
    user = world.user(person)
    if person not in SOCIAL_ORG:
        with pytest.raises(PermissionDenied):
            DELIVERABLE.check(user, deliverable, "submit", state)
    elif contract_state != C.SIGNED:
        with pytest.raises(ContractNotInForce):
            DELIVERABLE.check(user, deliverable, "submit", state)
    elif state != D.DUE:
        with pytest.raises(TransitionNotAllowed):
            DELIVERABLE.check(user, deliverable, "submit", state)
    else:
        assert DELIVERABLE.check(user, deliverable, "submit", state).target == D.SUBMITTED


@pytest.mark.parametrize("person", WORLD_PEOPLE)
def test_only_the_buyer_reopens_a_deliverable(world: World, person: str) -> None:
    deliverable = ContractDeliverable(
        contract=unsaved_contract(world, C.SIGNED), title="报告", state=D.SUBMITTED
    )
    if person in BUYERS:
        assert DELIVERABLE.check(world.user(person), deliverable, "reopen", D.SUBMITTED)
    else:
        with pytest.raises(PermissionDenied):
            DELIVERABLE.check(world.user(person), deliverable, "reopen", D.SUBMITTED)


@pytest.mark.parametrize("person", WORLD_PEOPLE)
@pytest.mark.parametrize("state", P.values)
def test_only_the_social_org_confirms_a_receipt(world: World, person: str, state: str) -> None:
    instalment = ContractInstalment(
        contract=unsaved_contract(world, C.SIGNED), voucher_number="V", state=state
    )
    user = world.user(person)
    if person not in SOCIAL_ORG:
        with pytest.raises(PermissionDenied):
            INSTALMENT.check(user, instalment, "confirm", state)
    elif state == P.RECORDED:
        assert INSTALMENT.check(user, instalment, "confirm", state).target == P.CONFIRMED
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            INSTALMENT.check(user, instalment, "confirm", state)
        assert refused.value.code == "instalment_step_not_allowed"


def test_another_social_organisation_takes_no_step(world: World) -> None:
    other = organisation_create(
        actor=None,
        code="SO-9",
        name="另一社会组织",
        name_en="",
        kind="social_org",
        parent=world.org("district"),
    )
    contract = unsaved_contract(world, C.SIGNED)
    contract.social_org = other
    deliverable = ContractDeliverable(contract=contract, title="报告", state=D.DUE)
    with pytest.raises(PermissionDenied):
        DELIVERABLE.check(world.user("social_org_staff"), deliverable, "submit", D.DUE)
