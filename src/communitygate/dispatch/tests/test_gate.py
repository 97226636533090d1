"""The gate (SPEC §4) as a pure function, checked against an oracle written from the issue's own
words, one rule per line: random items, classes, owners, scopes, dates, commitments and
negative-list entries must get exactly the reasons the oracle lists, in the issue's order."""

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from communitygate.dispatch.gate import ItemFacts, TaskFacts, gate_reasons

# The reasons in the order the issue lists them (and the gate reports them).
ORDER = [
    "not_in_catalog",
    "item_not_active",
    "not_item_owner",
    "outside_item_scope",
    "type_not_allowed",
    "funding_not_committed",
    "on_negative_list",
]
CLASSES = ["statutory", "delegated", "certificate", "evaluation"]
STATUSES = ["active", "suspended", "retired"]
TASK_TYPES = ["work", "report", "survey", "inspection", "evaluation", "plaque", "certificate"]
DEPARTMENTS = [10, 11, 12]
COMMUNITIES = [1, 2, 3, 4, 5]
ITEM_IDS = [100, 101, 102]
DAY0 = dt.date(2026, 12, 1)


def fits_class(task_type: str, item_class: str, has_plaques: bool) -> bool:
    """What a task of each type may ask under each class of item: a certificate item asks for
    certificates, an evaluation item for evaluations; ordinary (statutory or delegated) work
    asks for work, reports, surveys, inspections, and a plaque only if the item requires one."""
    if item_class == "certificate":
        return task_type == "certificate"
    if item_class == "evaluation":
        return task_type == "evaluation"
    if task_type == "plaque":
        return has_plaques
    return task_type in {"work", "report", "survey", "inspection"}


def oracle(
    task: TaskFacts,
    item: ItemFacts | None,
    funded: bool,
    blocked_types: frozenset[str],
    blocked_items: frozenset[int],
) -> list[str]:
    codes = set()
    if item is None:
        codes.add("not_in_catalog")
    else:
        active_throughout = (
            item.status == "active"
            and (item.valid_from is None or item.valid_from <= task.starts_on)
            and (item.valid_to is None or task.due_on <= item.valid_to)
        )
        if not active_throughout:
            codes.add("item_not_active")
        if item.department_id != task.department_id and not task.department_is_office:
            codes.add("not_item_owner")
        if item.scope is not None and not task.community_ids <= item.scope:
            codes.add("outside_item_scope")
        if not fits_class(task.task_type, item.item_class, item.has_plaques):
            codes.add("type_not_allowed")
        if item.item_class == "delegated" and not funded:
            codes.add("funding_not_committed")
    if task.task_type in blocked_types:
        codes.add("on_negative_list")
    if item is not None and item.item_id in blocked_items:
        codes.add("on_negative_list")
    return [code for code in ORDER if code in codes]


days = st.integers(min_value=-10, max_value=10).map(lambda n: DAY0 + dt.timedelta(days=n))
optional_days = st.none() | days
community_sets = st.frozensets(st.sampled_from(COMMUNITIES), min_size=1)


@st.composite
def items(draw: st.DrawFn) -> ItemFacts:
    valid_from = draw(optional_days)
    valid_to = draw(optional_days)
    if valid_from and valid_to and valid_to < valid_from:
        valid_from, valid_to = valid_to, valid_from
    return ItemFacts(
        item_id=draw(st.sampled_from(ITEM_IDS)),
        code="T-001",
        item_class=draw(st.sampled_from(CLASSES)),
        status=draw(st.sampled_from(STATUSES)),
        valid_from=valid_from,
        valid_to=valid_to,
        department_id=draw(st.sampled_from(DEPARTMENTS)),
        has_plaques=draw(st.booleans()),
        scope=draw(st.none() | st.frozensets(st.sampled_from(COMMUNITIES))),
    )


@st.composite
def tasks(draw: st.DrawFn) -> TaskFacts:
    first, second = draw(days), draw(days)
    return TaskFacts(
        department_id=draw(st.sampled_from(DEPARTMENTS)),
        department_is_office=draw(st.booleans()),
        task_type=draw(st.sampled_from(TASK_TYPES)),
        starts_on=min(first, second),
        due_on=max(first, second),
        community_ids=draw(community_sets),
    )


@settings(max_examples=1500, deadline=None)
@given(
    task=tasks(),
    item=st.none() | items(),
    funded=st.booleans(),
    blocked_types=st.frozensets(st.sampled_from(TASK_TYPES), max_size=2),
    blocked_items=st.frozensets(st.sampled_from(ITEM_IDS), max_size=2),
)
def test_the_gate_lists_exactly_the_reasons_the_rules_give(
    task: TaskFacts,
    item: ItemFacts | None,
    funded: bool,
    blocked_types: frozenset[str],
    blocked_items: frozenset[int],
) -> None:
    reasons = gate_reasons(
        task,
        item,
        funding_committed=funded,
        blocked_task_types=blocked_types,
        blocked_item_ids=blocked_items,
    )
    assert [reason.code for reason in reasons] == oracle(
        task, item, funded, blocked_types, blocked_items
    )
    for reason in reasons:
        assert reason.message_zh.strip() and reason.message_en.strip(), reason.code
        assert reason.as_dict()["message"] == f"{reason.message_zh} / {reason.message_en}"
    if item is not None and item.scope is not None:
        outside = len(task.community_ids - item.scope)
        scope_reasons = [r for r in reasons if r.code == "outside_item_scope"]
        assert all(str(outside) in r.message_en for r in scope_reasons)


# Named examples: one admitted baseline, then each rule broken alone.

ITEM = ItemFacts(
    item_id=100,
    code="T-001",
    item_class="statutory",
    status="active",
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2026, 12, 31),
    department_id=10,
    has_plaques=False,
    scope=None,
)
TASK = TaskFacts(
    department_id=10,
    department_is_office=False,
    task_type="work",
    starts_on=dt.date(2026, 12, 1),
    due_on=dt.date(2026, 12, 15),
    community_ids=frozenset({1, 2}),
)


def codes(
    task: TaskFacts = TASK,
    item: ItemFacts | None = ITEM,
    *,
    funded: bool = False,
    blocked_types: frozenset[str] = frozenset(),
    blocked_items: frozenset[int] = frozenset(),
) -> list[str]:
    return [
        reason.code
        for reason in gate_reasons(
            task,
            item,
            funding_committed=funded,
            blocked_task_types=blocked_types,
            blocked_item_ids=blocked_items,
        )
    ]


def with_item(**changes: object) -> ItemFacts:
    return replace(ITEM, **changes)  # type: ignore[arg-type]


def with_task(**changes: object) -> TaskFacts:
    return replace(TASK, **changes)  # type: ignore[arg-type]


def test_a_task_under_an_owned_active_item_in_scope_is_admitted() -> None:
    assert codes() == []


def test_no_catalog_item_is_not_in_catalog() -> None:
    assert codes(item=None) == ["not_in_catalog"]


@pytest.mark.parametrize(
    "item",
    [
        with_item(status="suspended"),
        with_item(status="retired"),
        with_item(valid_from=dt.date(2026, 12, 2)),  # starts after the task starts
        with_item(valid_to=dt.date(2026, 12, 14)),  # ends before the task is due
    ],
    ids=["suspended", "retired", "not_yet_valid", "expires_before_due"],
)
def test_an_item_not_active_over_the_task_dates(item: ItemFacts) -> None:
    assert codes(item=item) == ["item_not_active"]


def test_validity_boundaries_are_inclusive() -> None:
    assert codes(item=with_item(valid_from=TASK.starts_on, valid_to=TASK.due_on)) == []


def test_another_department_does_not_own_the_item() -> None:
    assert codes(task=with_task(department_id=11)) == ["not_item_owner"]


def test_the_committee_office_may_send_under_any_item() -> None:
    assert codes(task=with_task(department_id=99, department_is_office=True)) == []


def test_a_community_outside_the_admitted_scope() -> None:
    assert codes(item=with_item(scope=frozenset({1}))) == ["outside_item_scope"]
    assert codes(item=with_item(scope=frozenset({1, 2, 3}))) == []


@pytest.mark.parametrize(
    ("item_class", "task_type"),
    [
        ("statutory", "evaluation"),
        ("statutory", "certificate"),
        ("certificate", "work"),
        ("evaluation", "report"),
        ("statutory", "plaque"),  # the item requires no plaque
    ],
)
def test_a_task_type_that_does_not_fit_the_class(item_class: str, task_type: str) -> None:
    assert codes(task=with_task(task_type=task_type), item=with_item(item_class=item_class)) == [
        "type_not_allowed"
    ]


def test_a_plaque_task_fits_an_item_that_requires_a_plaque() -> None:
    assert codes(task=with_task(task_type="plaque"), item=with_item(has_plaques=True)) == []


def test_a_delegated_item_needs_committed_funding() -> None:
    delegated = with_item(item_class="delegated")
    assert codes(item=delegated) == ["funding_not_committed"]
    assert codes(item=delegated, funded=True) == []


def test_funding_does_not_matter_for_other_classes() -> None:
    assert codes(funded=False) == []


def test_a_blocked_task_type_or_item_is_on_the_negative_list() -> None:
    assert codes(blocked_types=frozenset({"work"})) == ["on_negative_list"]
    assert codes(blocked_items=frozenset({100})) == ["on_negative_list"]
    assert codes(blocked_items=frozenset({101})) == []
    assert codes(item=None, blocked_types=frozenset({"work"})) == [
        "not_in_catalog",
        "on_negative_list",
    ]


def test_every_failing_reason_is_listed_once() -> None:
    bad_item = with_item(
        item_class="delegated",
        status="suspended",
        department_id=11,
        scope=frozenset({3}),
    )
    assert codes(
        task=with_task(task_type="evaluation"),
        item=bad_item,
        blocked_types=frozenset({"evaluation"}),
        blocked_items=frozenset({100}),
    ) == [
        "item_not_active",
        "not_item_owner",
        "outside_item_scope",
        "type_not_allowed",
        "funding_not_committed",
        "on_negative_list",
    ]


def test_each_reason_carries_its_code_and_a_message_in_both_languages() -> None:
    reasons = gate_reasons(
        with_task(task_type="evaluation", department_id=11),
        with_item(item_class="delegated", status="retired", scope=frozenset({1})),
        funding_committed=False,
        blocked_task_types=frozenset({"evaluation"}),
        blocked_item_ids=frozenset(),
    )
    for reason in reasons:
        shown = reason.as_dict()
        assert shown["code"] == reason.code
        assert any("\u4e00" <= char <= "\u9fff" for char in shown["message_zh"])
        assert shown["message_en"].isascii()
    scope = next(r for r in reasons if r.code == "outside_item_scope")
    assert "1" in scope.message_en, "says how many communities are outside"
