"""The gate (SPEC §4), as a pure function: given what is known about a task and its item, the
list of every reason it is not admitted (empty = admitted). Decided once, when the task is sent.

A task is admitted when its item is in the published catalog and active on the task's dates,
the department owns the item (or is the committee office), the task type fits the item's class,
every target community is in the item's scope, a delegated item has funding committed for the
period, and neither the task type nor the item is on the negative list.
"""

import datetime as dt
from dataclasses import dataclass

from communitygate.catalog.models import TASK_TYPES_BY_CLASS, ItemClasses, TaskTypes


@dataclass(frozen=True)
class Reason:
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": f"{self.message_zh} / {self.message_en}",
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class ItemFacts:
    """The item as published in the latest edition."""

    item_id: int
    code: str
    item_class: str
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    department_id: int
    has_plaques: bool
    scope: frozenset[int] | None  # community ids it was admitted for; None = every community


@dataclass(frozen=True)
class TaskFacts:
    department_id: int
    department_is_office: bool
    task_type: str
    starts_on: dt.date
    due_on: dt.date
    community_ids: frozenset[int]


NOT_IN_CATALOG = Reason(
    "not_in_catalog",
    "该任务不属于社区工作准入目录中的事项，社区有权拒绝。",
    "The task is not under an item of the admission catalog; the community may refuse it.",
)
ON_NEGATIVE_LIST = Reason(
    "on_negative_list",
    "该任务类型或事项列入负面清单，不得交由社区承担。",
    "The task type or the item is on the negative list: it may not be given to communities.",
)


def item_not_active(code: str) -> Reason:
    return Reason(
        "item_not_active",
        f"事项 {code} 在任务期间不处于有效状态。",
        f"Item {code} is not active for the task's dates.",
    )


def not_item_owner(code: str) -> Reason:
    return Reason(
        "not_item_owner",
        f"事项 {code} 的责任部门不是派单部门。",
        f"The sending department does not own item {code}.",
    )


def outside_item_scope(count: int) -> Reason:
    return Reason(
        "outside_item_scope",
        f"有 {count} 个社区不在该事项的准入范围内。",
        f"{count} target communities are outside the item's admitted scope.",
    )


def type_not_allowed(task_type: str, item_class: str) -> Reason:
    return Reason(
        "type_not_allowed",
        f"任务类型“{TaskTypes(task_type).label}”与事项类别不符。",
        f"The task type '{task_type}' does not fit an item of class '{item_class}'.",
    )


FUNDING_NOT_COMMITTED = Reason(
    "funding_not_committed",
    "谁委托谁出钱：该委托办理事项在任务期间没有经费承诺。",
    "Who delegates pays: no funding is committed for this delegated item over the task's period.",
)


def _active_on_period(item: ItemFacts, task: TaskFacts) -> bool:
    if item.status != "active":
        return False
    starts_in_time = item.valid_from is None or item.valid_from <= task.starts_on
    ends_in_time = item.valid_to is None or task.due_on <= item.valid_to
    return starts_in_time and ends_in_time


def _type_fits(item: ItemFacts, task_type: str) -> bool:
    if task_type not in TASK_TYPES_BY_CLASS.get(item.item_class, frozenset()):
        return False
    return task_type != TaskTypes.PLAQUE or item.has_plaques


def gate_reasons(
    task: TaskFacts,
    item: ItemFacts | None,
    *,
    funding_committed: bool,
    blocked_task_types: frozenset[str],
    blocked_item_ids: frozenset[int],
) -> list[Reason]:
    """Every reason the task is not admitted, in a fixed order; an empty list admits it."""
    reasons: list[Reason] = []
    if item is None:
        reasons.append(NOT_IN_CATALOG)
    else:
        if not _active_on_period(item, task):
            reasons.append(item_not_active(item.code))
        if item.department_id != task.department_id and not task.department_is_office:
            reasons.append(not_item_owner(item.code))
        if item.scope is not None and task.community_ids - item.scope:
            reasons.append(outside_item_scope(len(task.community_ids - item.scope)))
        if not _type_fits(item, task.task_type):
            reasons.append(type_not_allowed(task.task_type, item.item_class))
        if item.item_class == ItemClasses.DELEGATED and not funding_committed:
            reasons.append(FUNDING_NOT_COMMITTED)
    on_list = task.task_type in blocked_task_types or (
        item is not None and item.item_id in blocked_item_ids
    )
    if on_list:
        reasons.append(ON_NEGATIVE_LIST)
    return reasons
