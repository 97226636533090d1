"""core.workflow as pure functions: any table answers "where does this lead", "may this person
take it" and "what may they do now" consistently, and refuses in the documented order."""

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communitygate.core.errors import RuleBroken
from communitygate.core.workflow import (
    ActorNotAllowed,
    Guard,
    Transition,
    TransitionNotAllowed,
    Who,
    Workflow,
    rows,
)

STATES = ("a", "b", "c", "d")
ACTIONS = ("go", "stop", "undo")


@dataclass
class Thing:
    state: str
    ready: bool = True


def role(name: str) -> Who:
    return Who(name, lambda actor, _thing: actor == name, f"只有{name}可以。", f"Only {name}.")


ALICE, BOB = role("alice"), role("bob")


class NotReady(RuleBroken):
    code = "not_ready"

    def __init__(self) -> None:
        super().__init__("尚未就绪。", "Not ready.")


READY = Guard("ready", lambda thing: thing.ready, lambda _thing: NotReady())


@st.composite
def tables(draw: st.DrawFn) -> Workflow:
    """A table with at most one target per (state, action) and one who per action."""
    whos = {action: draw(st.sampled_from([ALICE, BOB])) for action in ACTIONS}
    steps = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(STATES), st.sampled_from(ACTIONS)),
            st.sampled_from(STATES),
            max_size=8,
        )
    )
    transitions = tuple(
        Transition(source, action, target, whos[action])
        for (source, action), target in steps.items()
    )
    return Workflow(name="thing", field="state", transitions=transitions)


@given(tables(), st.sampled_from(STATES), st.sampled_from(ACTIONS))
def test_target_is_the_rows_target(table: Workflow, state: str, action: str) -> None:
    matching = [r.target for r in table.transitions if (r.source, r.action) == (state, action)]
    assert table.target(state, action) == (matching[0] if matching else None)


@given(tables(), st.sampled_from(STATES), st.sampled_from(["alice", "bob", "eve"]))
def test_the_buttons_are_exactly_the_steps_check_allows(
    table: Workflow, state: str, actor: str
) -> None:
    thing = Thing(state)
    allowed = []
    for action in ACTIONS:
        try:
            row = table.check(actor, thing, action, state)
        except TransitionNotAllowed:
            assert table.target(state, action) is None or not any(
                who.may(actor, thing) for who in table.whos(action)
            )
        except ActorNotAllowed:
            assert not any(who.may(actor, thing) for who in table.whos(action))
        else:
            assert row.target == table.target(state, action)
            assert row.who.may(actor, thing)
            allowed.append(action)
    # In the table's order: the order a page shows its buttons in.
    assert table.actions_for(actor, thing) == [a for a in table.actions if a in allowed]
    assert set(allowed) <= set(table.actions_from(state))


def test_a_table_with_two_targets_for_one_step_is_refused() -> None:
    with pytest.raises(ValueError, match="leads two ways"):
        Workflow(
            name="thing",
            field="state",
            transitions=(Transition("a", "go", "b", ALICE), Transition("a", "go", "c", ALICE)),
        )


def test_refusals_come_in_order_who_then_guard_then_state() -> None:
    table = Workflow(
        name="thing", field="state", transitions=rows(["a", "b"], "go", "c", ALICE, READY)
    )
    with pytest.raises(ActorNotAllowed) as refused:
        table.check("bob", Thing("d", ready=False), "go", "d")
    assert (refused.value.code, refused.value.status) == ("permission_denied", 403)
    assert refused.value.message == "只有alice可以。 / Only alice."
    with pytest.raises(NotReady):
        table.check("alice", Thing("d", ready=False), "go", "d")
    with pytest.raises(TransitionNotAllowed):
        table.check("alice", Thing("d"), "go", "d")
    assert table.check("alice", Thing("b"), "go", "b").target == "c"
    with pytest.raises(TransitionNotAllowed):
        table.check("alice", Thing("a"), "fly", "a")
    assert table.actions_for("alice", Thing("a", ready=False)) == []
    assert table.actions_for("alice", Thing("a")) == ["go"]


def test_a_step_two_kinds_of_actor_may_take() -> None:
    table = Workflow(
        name="thing",
        field="state",
        transitions=(*rows(["a"], "undo", "b", ALICE), *rows(["a", "c"], "undo", "b", BOB)),
    )
    assert table.check("bob", Thing("c"), "undo", "c").who == BOB
    with pytest.raises(TransitionNotAllowed):
        table.check("alice", Thing("c"), "undo", "c")
    with pytest.raises(ActorNotAllowed):
        table.check("eve", Thing("a"), "undo", "a")


def test_the_refusal_names_the_object_in_both_languages() -> None:
    named = Workflow(
        name="item",
        field="state",
        noun_zh="事项",
        noun_en="item",
        label=lambda thing: "A-1",
        transitions=rows(["a"], "go", "b", ALICE),
    )
    refused = named.refusal(Thing("b"), "b", "go")
    assert refused.message_zh == "事项 A-1 当前状态为“b”，不能执行这一步。"
    assert refused.message_en == "Item A-1 is 'b'; 'go' is not possible from there."
    assert (refused.code, refused.status, refused.current, refused.action) == (
        "transition_not_allowed",
        409,
        "b",
        "go",
    )
    plain = TransitionNotAllowed("b", "go", what_zh="派单", what_en="assignment")
    assert (
        plain.message
        == "派单当前状态为“b”，不能执行“go”。 / The assignment is 'b'; 'go' is not possible from there."
    )


def test_one_action_may_keep_its_own_refusal() -> None:
    class ThingTransitionNotAllowed(TransitionNotAllowed):
        code = "thing_transition_not_allowed"

    class NotStarted(TransitionNotAllowed):
        code = "not_started"

    table = Workflow(
        name="thing",
        field="state",
        refusal_class=ThingTransitionNotAllowed,
        refusals={"stop": NotStarted},
        transitions=(*rows(["a"], "go", "b", ALICE), *rows(["b"], "stop", "c", ALICE)),
    )
    with pytest.raises(NotStarted) as stopped:
        table.check("alice", Thing("a"), "stop", "a")
    assert (stopped.value.code, stopped.value.current, stopped.value.action) == (
        "not_started",
        "a",
        "stop",
    )
    with pytest.raises(ThingTransitionNotAllowed):
        table.check("alice", Thing("b"), "go", "b")
    assert hash(table) == hash(table)
