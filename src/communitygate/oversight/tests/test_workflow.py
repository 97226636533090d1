"""Supervision's four state machines against tables written from the issue's own words: every
(state, action) pair leads where the table says or is refused, as a pure function (exhaustively,
and as random walks with hypothesis) and through the services on the database; the "who" column
is enforced for every row and every kind of person (a department cannot confirm, an inspector
cannot answer an order, only the daily run lapses one, a head never approves their own notice)."""

import datetime as dt
from itertools import product
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communitygate.audit.models import AuditEvent
from communitygate.audit.transitions import transition_apply
from communitygate.core import clock
from communitygate.core.errors import PermissionDenied
from communitygate.core.workflow import ActorNotAllowed, TransitionNotAllowed, Workflow
from communitygate.oversight.models import (
    CorrectionOrder,
    Inspection,
    InspectionStates,
    Notice,
    NoticeStates,
    OrderStates,
    Violation,
    ViolationStates,
)
from communitygate.oversight.services.inspections import (
    InspectionRequest,
    inspection_cancel,
    inspection_complete,
    inspection_plan,
)
from communitygate.oversight.services.notices import (
    notice_approve,
    notice_publish,
    notice_return,
    notice_withdraw,
    order_accept,
    order_respond,
    order_return,
    orders_lapse,
)
from communitygate.oversight.services.violations import violation_confirm, violation_dismiss
from communitygate.oversight.workflow import (
    INSPECTION,
    NOTICE,
    ORDER,
    VIOLATION,
    DeadlineRun,
    SupervisionStepNotAllowed,
)
from communitygate.testing import World

from .support import (
    CONFIRMATION,
    MONDAY,
    TEN_WORKDAYS_LATER,
    notice_in,
    order_in,
    violation_in,
    with_party_office,
)

# The tables as the issue states them: (state, action) → the state it leads to, and who acts.
V, IS, N, OS = ViolationStates, InspectionStates, NoticeStates, OrderStates
EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "violation": {
        (V.OPEN, "confirm"): V.CONFIRMED,
        (V.OPEN, "dismiss"): V.DISMISSED,
        (V.CONFIRMED, "correct"): V.CORRECTED,
    },
    "inspection": {
        (IS.PLANNED, "complete"): IS.COMPLETED,
        (IS.PLANNED, "cancel"): IS.CANCELLED,
    },
    "notice": {
        (N.DRAFT, "approve"): N.APPROVED,
        (N.APPROVED, "return"): N.DRAFT,
        (N.APPROVED, "publish"): N.PUBLISHED,
        (N.DRAFT, "withdraw"): N.WITHDRAWN,
    },
    "correction_order": {
        (OS.ISSUED, "respond"): OS.ANSWERED,
        (OS.RETURNED, "respond"): OS.ANSWERED,
        (OS.OVERDUE, "respond"): OS.ANSWERED,
        (OS.ANSWERED, "accept"): OS.ACCEPTED,
        (OS.ANSWERED, "return"): OS.RETURNED,
        (OS.ISSUED, "lapse"): OS.OVERDUE,
        (OS.RETURNED, "lapse"): OS.OVERDUE,
    },
}
WHO: dict[str, dict[str, str]] = {
    "violation": {"confirm": "supervision", "dismiss": "supervision", "correct": "supervision"},
    "inspection": {"complete": "supervision", "cancel": "supervision"},
    "notice": {
        "approve": "approver",
        "return": "approver",
        "publish": "supervision",
        "withdraw": "supervision",
    },
    "correction_order": {
        "respond": "department",
        "accept": "supervision",
        "return": "supervision",
        "lapse": "clock",
    },
}
WORKFLOWS: dict[str, tuple[Workflow, Any]] = {
    "violation": (VIOLATION, ViolationStates),
    "inspection": (INSPECTION, InspectionStates),
    "notice": (NOTICE, NoticeStates),
    "correction_order": (ORDER, OrderStates),
}
FINAL: dict[str, set[str]] = {
    "violation": {V.DISMISSED, V.CORRECTED},
    "inspection": {IS.COMPLETED, IS.CANCELLED},
    "notice": {N.PUBLISHED, N.WITHDRAWN},
    "correction_order": {OS.ACCEPTED},
}
EVERY_PAIR = [
    (name, state, action)
    for name, (workflow, states) in WORKFLOWS.items()
    for state, action in product(states.values, workflow.actions)
]


# The tables as pure functions ------------------------------------------------------------


@pytest.mark.parametrize(("name", "state", "action"), EVERY_PAIR)
def test_every_state_and_action_leads_where_the_issue_says_or_nowhere(
    name: str, state: str, action: str
) -> None:
    workflow, _states = WORKFLOWS[name]
    assert workflow.target(state, action) == EXPECTED[name].get((state, action))


@pytest.mark.parametrize("name", WORKFLOWS)
def test_each_table_has_exactly_the_rows_and_actors_of_the_issue(name: str) -> None:
    workflow, _states = WORKFLOWS[name]
    rows = {(row.source, row.action): row.target for row in workflow.transitions}
    assert rows == EXPECTED[name]
    assert {row.action: row.who.name for row in workflow.transitions} == WHO[name]


@pytest.mark.parametrize("name", WORKFLOWS)
def test_nothing_leaves_a_final_state(name: str) -> None:
    workflow, _states = WORKFLOWS[name]
    for state in FINAL[name]:
        assert workflow.actions_from(state) == [], state


def initial(name: str) -> str:
    return {
        "violation": V.OPEN,
        "inspection": IS.PLANNED,
        "notice": N.DRAFT,
        "correction_order": OS.ISSUED,
    }[name]


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(sorted(WORKFLOWS)),
    attempts=st.lists(st.integers(min_value=0, max_value=10), max_size=12),
)
def test_any_sequence_of_attempts_walks_the_table(name: str, attempts: list[int]) -> None:
    """From the first state, any sequence of attempted steps moves exactly as the table says and
    refuses the rest; a published notice stays published whatever is attempted after."""
    workflow, _states = WORKFLOWS[name]
    actions = sorted(workflow.actions)
    state = initial(name)
    for attempt in attempts:
        action = actions[attempt % len(actions)]
        before = state
        expected = EXPECTED[name].get((state, action))
        assert workflow.target(state, action) == expected
        assert (action in workflow.actions_from(state)) == (expected is not None)
        state = expected or state
        if before in FINAL[name]:
            assert state == before


# Who may take each step (the tables' "who", with the permission predicates) ----------------

PERSONAS = [
    "inspector",
    "supervision_head",
    "party_inspector",
    "party_head",
    "department_clerk",
    "department_head",
    "department_clerk_other",
    "community_secretary",
    "subdistrict_officer",
    "office_officer",
    "office_admin",
    "committee_member",
    "auditor",
    "no_role",
    "anonymous",
    "clock",
]
SUPERVISION_PEOPLE = {"inspector", "supervision_head", "party_inspector", "party_head"}
# Who each "who" admits, for a notice the world's inspector drafted and an order to DEPT-MZ.
ADMITTED_BY = {
    "supervision": SUPERVISION_PEOPLE,
    "approver": {"supervision_head", "party_head"},
    "department": {"department_clerk", "department_head"},
    "clock": {"clock"},
}


def actor_of(world: World, persona: str) -> Any:
    if persona == "clock":
        return DeadlineRun()
    if persona == "anonymous":
        return AnonymousUser()
    return world.user(persona)


def subject_of(world: World, name: str, drafter: str = "inspector") -> Any:
    if name == "notice":
        return Notice(drafted_by=world.user(drafter))
    if name == "correction_order":
        return CorrectionOrder(department=world.org("department"))
    return {"violation": Violation, "inspection": Inspection}[name]()


ROWS = [
    (name, row.source, row.action, row.who.name)
    for name, (workflow, _states) in WORKFLOWS.items()
    for row in workflow.transitions
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state", "action", "who"), ROWS)
def test_every_row_admits_exactly_its_who(
    world: World, name: str, state: str, action: str, who: str
) -> None:
    with_party_office(world)
    workflow, _states = WORKFLOWS[name]
    subject = subject_of(world, name)
    admitted = set()
    for persona in PERSONAS:
        try:
            row = workflow.check(actor_of(world, persona), subject, action, state)
        except ActorNotAllowed:
            continue
        assert row.target == EXPECTED[name][(state, action)]
        admitted.add(persona)
    assert admitted == ADMITTED_BY[who]


@pytest.mark.django_db
def test_a_head_never_approves_the_notice_they_drafted(world: World) -> None:
    with_party_office(world)
    by_the_head = subject_of(world, "notice", drafter="supervision_head")
    may = {
        persona
        for persona in PERSONAS
        if NOTICE.allows(actor_of(world, persona), _in(by_the_head, N.DRAFT), "approve")
    }
    assert may == {"party_head"}


def _in(notice: Notice, state: str) -> Notice:
    notice.state = state
    return notice


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state", "action"), EVERY_PAIR)
def test_an_admitted_person_is_refused_a_step_the_table_lacks(
    world: World, name: str, state: str, action: str
) -> None:
    if (state, action) in EXPECTED[name]:
        return
    workflow, _states = WORKFLOWS[name]
    who = WHO[name][action]
    persona = sorted(ADMITTED_BY[who] - {"party_head", "party_inspector"})[0]
    with pytest.raises(SupervisionStepNotAllowed) as refused:
        workflow.check(actor_of(world, persona), subject_of(world, name), action, state)
    assert refused.value.code == "supervision_step_not_allowed"
    assert isinstance(refused.value, TransitionNotAllowed)


# Through the services, on the database ------------------------------------------------------


@pytest.fixture
def supervised(world: World) -> World:
    clock.pin(MONDAY)
    return world


def step_events(name: str, action: str) -> int:
    return AuditEvent.objects.filter(action=f"{name}.{action}").count()


VIOLATION_STEPS = {
    "confirm": lambda world, violation: violation_confirm(
        actor=world.user("inspector"), violation=violation, confirmation=CONFIRMATION
    ),
    "dismiss": lambda world, violation: violation_dismiss(
        actor=world.user("inspector"), violation=violation, reason="经核实为误报"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action"), list(product(ViolationStates.values, VIOLATION_STEPS))
)
def test_a_violation_step_through_its_service(supervised: World, state: str, action: str) -> None:
    violation = violation_in(supervised, state)
    assert violation.state == state
    expected = EXPECTED["violation"].get((state, action))
    before = step_events("violation", action)
    if expected is None:
        with pytest.raises(SupervisionStepNotAllowed):
            VIOLATION_STEPS[action](supervised, violation)
        assert Violation.objects.get(pk=violation.pk).state == state
        assert step_events("violation", action) == before
    else:
        assert VIOLATION_STEPS[action](supervised, violation).state == expected
        assert step_events("violation", action) == before + 1


NOTICE_STEPS = {
    "approve": lambda world, notice: notice_approve(
        actor=world.user("supervision_head"), notice=notice
    ),
    "return": lambda world, notice: notice_return(
        actor=world.user("supervision_head"), notice=notice, reason="请补充事实"
    ),
    "publish": lambda world, notice: notice_publish(actor=world.user("inspector"), notice=notice),
    "withdraw": lambda world, notice: notice_withdraw(
        actor=world.user("inspector"), notice=notice, reason="不再通报"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), list(product(NoticeStates.values, NOTICE_STEPS)))
def test_a_notice_step_through_its_service(supervised: World, state: str, action: str) -> None:
    notice = notice_in(supervised, state)
    assert notice.state == state
    expected = EXPECTED["notice"].get((state, action))
    orders = CorrectionOrder.objects.count()
    if expected is None:
        frozen = Notice.objects.values().get(pk=notice.pk)
        with pytest.raises(SupervisionStepNotAllowed):
            NOTICE_STEPS[action](supervised, notice)
        assert Notice.objects.values().get(pk=notice.pk) == frozen
        assert CorrectionOrder.objects.count() == orders
    else:
        assert NOTICE_STEPS[action](supervised, notice).state == expected


ORDER_STEPS = {
    "respond": lambda world, order: order_respond(
        actor=world.user("department_clerk"), order=order, response="已整改"
    ),
    "accept": lambda world, order: order_accept(actor=world.user("inspector"), order=order),
    "return": lambda world, order: order_return(
        actor=world.user("inspector"), order=order, reason="证据不足"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), list(product(OrderStates.values, ORDER_STEPS)))
def test_an_order_step_through_its_service(supervised: World, state: str, action: str) -> None:
    order = order_in(supervised, state)
    assert order.state == state
    expected = EXPECTED["correction_order"].get((state, action))
    if expected is None:
        with pytest.raises(SupervisionStepNotAllowed):
            ORDER_STEPS[action](supervised, order)
        assert CorrectionOrder.objects.get(pk=order.pk).state == state
    else:
        assert ORDER_STEPS[action](supervised, order).state == expected


@pytest.mark.django_db
@pytest.mark.parametrize("state", OrderStates.values)
def test_the_daily_run_lapses_only_what_the_table_lets_lapse(supervised: World, state: str) -> None:
    order = order_in(supervised, state)
    lapsed = orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1))
    expected = EXPECTED["correction_order"].get((state, "lapse"))
    assert CorrectionOrder.objects.get(pk=order.pk).state == (expected or state)
    assert lapsed == (1 if expected else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["inspector", "supervision_head", "department_clerk"])
def test_only_the_daily_run_lapses_an_order(supervised: World, persona: str) -> None:
    order = order_in(supervised, OrderStates.ISSUED)
    with pytest.raises(ActorNotAllowed):
        transition_apply(ORDER, actor=supervised.user(persona), subject=order, action="lapse")
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.ISSUED
    transition_apply(ORDER, actor=DeadlineRun(), subject=order, action="lapse")
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.OVERDUE
    event = AuditEvent.objects.get(action="correction_order.lapse")
    assert event.actor is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["department_clerk", "department_head", "community_secretary", "auditor"]
)
def test_only_supervision_confirms_or_dismisses(supervised: World, persona: str) -> None:
    violation = violation_in(supervised, ViolationStates.OPEN)
    with pytest.raises(PermissionDenied):
        violation_confirm(
            actor=supervised.user(persona), violation=violation, confirmation=CONFIRMATION
        )
    with pytest.raises(PermissionDenied):
        violation_dismiss(actor=supervised.user(persona), violation=violation, reason="x")
    assert Violation.objects.get(pk=violation.pk).state == ViolationStates.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["inspector", "supervision_head", "department_clerk_other", "community_secretary"]
)
def test_only_the_named_department_answers_its_order(supervised: World, persona: str) -> None:
    order = order_in(supervised, OrderStates.ISSUED)
    with pytest.raises(PermissionDenied):
        order_respond(actor=supervised.user(persona), order=order, response="已整改")
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.ISSUED


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["department_clerk", "department_head"])
def test_a_department_neither_accepts_nor_returns_its_own_answer(
    supervised: World, persona: str
) -> None:
    order = order_in(supervised, OrderStates.ANSWERED)
    with pytest.raises(PermissionDenied):
        order_accept(actor=supervised.user(persona), order=order)
    with pytest.raises(PermissionDenied):
        order_return(actor=supervised.user(persona), order=order, reason="x")
    assert CorrectionOrder.objects.get(pk=order.pk).state == OrderStates.ANSWERED


def planned_inspection(world: World) -> Inspection:
    return inspection_plan(
        actor=world.user("inspector"),
        request=InspectionRequest(
            title="2026年第四季度社区减负专项检查",
            starts_on=dt.date(2026, 11, 24),
            ends_on=dt.date(2026, 11, 27),
            community_codes=("370203031001",),
        ),
    )


INSPECTION_STEPS = {
    "complete": lambda world, inspection: inspection_complete(
        actor=world.user("inspector"), inspection=inspection, conclusion="发现问题2项"
    ),
    "cancel": lambda world, inspection: inspection_cancel(
        actor=world.user("inspector"), inspection=inspection, reason="另行安排"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action"), list(product(InspectionStates.values, INSPECTION_STEPS))
)
def test_an_inspection_step_through_its_service(supervised: World, state: str, action: str) -> None:
    inspection = planned_inspection(supervised)
    if state != IS.PLANNED:
        step = "complete" if state == IS.COMPLETED else "cancel"
        inspection = INSPECTION_STEPS[step](supervised, inspection)
    expected = EXPECTED["inspection"].get((state, action))
    if expected is None:
        with pytest.raises(SupervisionStepNotAllowed):
            INSPECTION_STEPS[action](supervised, inspection)
        assert Inspection.objects.get(pk=inspection.pk).state == state
    else:
        assert INSPECTION_STEPS[action](supervised, inspection).state == expected
    with pytest.raises(PermissionDenied):
        inspection_complete(
            actor=supervised.user("department_clerk"), inspection=inspection, conclusion="x"
        )


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(st.sampled_from(["respond", "accept", "return", "lapse"]), max_size=6))
def test_any_sequence_of_service_calls_moves_an_order_as_the_table_says(
    supervised: World, attempts: list[str]
) -> None:
    """Each example runs in its own transaction, rolled back at the end."""
    with transaction.atomic():
        order = order_in(supervised, OrderStates.ISSUED)
        state: str = OS.ISSUED
        for action in attempts:
            expected = EXPECTED["correction_order"].get((state, action))
            if action == "lapse":
                assert orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1)) == int(
                    expected is not None
                )
            elif expected is None:
                with pytest.raises(SupervisionStepNotAllowed):
                    ORDER_STEPS[action](supervised, CorrectionOrder.objects.get(pk=order.pk))
            else:
                ORDER_STEPS[action](supervised, CorrectionOrder.objects.get(pk=order.pk))
            state = expected or state
            assert CorrectionOrder.objects.get(pk=order.pk).state == state
        transaction.set_rollback(True)
