"""The payer's answer to a dispute (答复异议): a step of the payment's table taken by the paying
department's clerk or head, from `disputed` only, back to `recorded` with the answer, so the
receiving community confirms (or disputes anew); audited as `payment.answer`."""

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.workflow import TransitionNotAllowed
from communitygate.funding.models import PaymentStates
from communitygate.funding.services import (
    payment_answer_dispute,
    payment_confirm_receipt,
    payment_dispute,
)
from communitygate.funding.workflow import PAYEE, PAYER, PAYMENT
from communitygate.testing import World, signed_in

from .support import funded, paid
from .test_workflow import unsaved_payment

P = PaymentStates
ANSWER = "已核实，凭证号更正为PZ-0001-1，款项已于11月20日到账。"


@pytest.mark.parametrize(
    ("state", "target"),
    [(P.DISPUTED, P.RECORDED), (P.RECORDED, None), (P.CONFIRMED, None)],
)
def test_the_answer_leads_from_disputed_back_to_recorded(state: str, target: str | None) -> None:
    assert PAYMENT.target(state, "answer") == target


def test_the_payer_answers_and_the_payee_does_not() -> None:
    assert PAYMENT.actions_from(P.DISPUTED, PAYER) == ["answer"]
    assert PAYMENT.actions_from(P.DISPUTED, PAYEE) == ["confirm"]
    assert PAYMENT.actions_from(P.RECORDED, PAYER) == []


PAYERS = {"department_clerk", "department_head"}


@pytest.mark.parametrize(
    "person",
    [
        "office_admin",
        "office_officer",
        "department_clerk",
        "department_head",
        "department_clerk_other",
        "community_secretary",
        "community_worker",
        "inspector",
        "auditor",
        "social_org_staff",
        "no_role",
    ],
)
def test_only_the_paying_department_answers(world: World, person: str) -> None:
    payment = unsaved_payment(world, "community", P.DISPUTED)
    user = world.user(person)
    if person in PAYERS:
        assert PAYMENT.check(user, payment, "answer", P.DISPUTED).target == P.RECORDED
    else:
        with pytest.raises(PermissionDenied):
            PAYMENT.check(user, payment, "answer", P.DISPUTED)


def test_an_answer_before_any_dispute_is_refused(world: World) -> None:
    payment = paid(world, funded(world))
    with pytest.raises(TransitionNotAllowed) as refused:
        payment_answer_dispute(actor=world.user("department_clerk"), payment=payment, answer=ANSWER)
    assert refused.value.code == "payment_step_not_allowed"
    assert not AuditEvent.objects.filter(action="payment.answer").exists()


def test_the_answer_is_recorded_and_the_community_confirms_after(world: World) -> None:
    payment = paid(world, funded(world))
    secretary = world.user("community_secretary")
    payment_dispute(actor=secretary, payment=payment, reason="到账金额不符")
    answered = payment_answer_dispute(
        actor=world.user("department_head"), payment=payment, answer=f"  {ANSWER}  "
    )
    assert answered.state == P.RECORDED
    assert answered.answer == ANSWER
    assert answered.answered_at is not None
    assert answered.dispute_reason == "到账金额不符"  # the dispute stays on the record
    event = AuditEvent.objects.get(action="payment.answer")
    assert event.reason == ANSWER
    assert event.changes["state"] == [P.DISPUTED, P.RECORDED]
    assert event.changes["answer"] == ["", ANSWER]
    assert payment_confirm_receipt(actor=secretary, payment=answered).state == P.CONFIRMED


def test_the_community_may_dispute_the_answered_payment_again(world: World) -> None:
    payment = paid(world, funded(world))
    secretary = world.user("community_secretary")
    payment_dispute(actor=secretary, payment=payment, reason="到账金额不符")
    payment_answer_dispute(actor=world.user("department_clerk"), payment=payment, answer=ANSWER)
    again = payment_dispute(actor=secretary, payment=payment, reason="仍未到账")
    assert again.state == P.DISPUTED
    assert again.dispute_reason == "仍未到账"
    assert AuditEvent.objects.filter(action="payment.dispute").count() == 2


@pytest.mark.parametrize("answer", ["", "   ", "答" * 2001])
def test_an_answer_is_required_and_bounded(world: World, answer: str) -> None:
    payment = paid(world, funded(world))
    payment_dispute(actor=world.user("community_secretary"), payment=payment, reason="未到账")
    with pytest.raises(InvalidInput) as refused:
        payment_answer_dispute(actor=world.user("department_clerk"), payment=payment, answer=answer)
    assert refused.value.problems[0].field == "answer"
    payment.refresh_from_db()
    assert payment.state == P.DISPUTED


def test_the_api_answers_a_dispute(world: World) -> None:
    payment = paid(world, funded(world))
    payment_dispute(actor=world.user("community_secretary"), payment=payment, reason="未到账")
    url = f"/api/v1/funding/payments/{payment.pk}/answer"
    community = signed_in(world.user("community_secretary"))
    refused = community.post(url, {"answer": ANSWER}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    outsider = signed_in(world.user("department_clerk_other"))
    assert (
        outsider.post(url, {"answer": ANSWER}, content_type="application/json").status_code == 404
    )
    payer = signed_in(world.user("department_clerk"))
    empty = payer.post(url, {"answer": " "}, content_type="application/json")
    assert empty.status_code == 422
    answered = payer.post(url, {"answer": ANSWER}, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["state"] == "recorded"
    assert answered.json()["answer"] == ANSWER
    again = payer.post(url, {"answer": ANSWER}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "payment_step_not_allowed"
