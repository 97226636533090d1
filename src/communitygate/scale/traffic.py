"""Two years of dispatch in bulk: tasks and their assignments, the violations of the unadmitted
ones, and the work reported as pushed off the platform (with its violations).

Each task's verdict is the gate's own (`dispatch.gate.gate_reasons` on the item as the latest
edition publishes it, `dispatch.services._published_item`), computed in Python and stored with
the task as `task_send` stores it; every assignment carries it. The rows are inserted with
`bulk_create` rather than through `task_send`, whose per-task audit event, signal and look-ups
cost far more than the insert (docs/burden.md "A city's worth of data").

The mix (docs/burden.md): a task goes to every community (1%), to one to three subdistricts
(35%) or to one to six communities of one subdistrict (64%), drawn until the assignments reach
the number asked for exactly (the last task takes the remainder). Tasks fall on working days
mostly (a weekend day weighs 0.15). The share meant to be unadmitted falls from 25% in the first
month to 8% in the last (the reform taking hold); of those, 55% name no item, 20% a retired
item, 15% another department's item and 10% an evaluation under a statutory item. Assignment
states follow the due date: long past it, most are completed; still open ones are overdue.
"""

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.admissions.selectors import commitments_covering
from communitygate.catalog.models import (
    TASK_TYPES_BY_CLASS,
    CatalogItem,
    Frequencies,
    ItemClasses,
    ItemStatuses,
    TaskTypes,
)
from communitygate.catalog.selectors import IN_FORCE, negative_list_blocks
from communitygate.dispatch.gate import ItemFacts, TaskFacts, gate_reasons
from communitygate.dispatch.models import (
    Assignment,
    AssignmentStates,
    Channels,
    Deliverables,
    OffPlatformReport,
    TargetModes,
    Task,
)
from communitygate.dispatch.services import _published_item
from communitygate.orgs.models import Organisation
from communitygate.oversight.models import (
    RuleSources,
    Severities,
    Violation,
    ViolationSources,
    ViolationStates,
)
from communitygate.scale.batches import BATCH, RowWriter, local_day, moment_on
from communitygate.scale.groundwork import City
from communitygate.scale.progress import Advance

S = AssignmentStates
TASK_BATCH = 500
WEEKEND_WEIGHT = 0.15
MODE_WEIGHTS = (
    (TargetModes.ALL, 0.01),
    (TargetModes.SUBDISTRICTS, 0.35),
    (TargetModes.COMMUNITIES, 0.64),
)
UNADMITTED_FIRST, UNADMITTED_LAST = 0.25, 0.08
# How often an item's tasks come, relative to one another.
FREQUENCY_WEIGHT: dict[str, float] = {
    Frequencies.WEEKLY: 6.0,
    Frequencies.MONTHLY: 4.0,
    Frequencies.QUARTERLY: 2.0,
    Frequencies.YEARLY: 1.0,
    Frequencies.ONGOING: 2.0,
    Frequencies.AD_HOC: 2.0,
}
# Departments that push unadmitted work most (the rest weigh 1).
OFFENDER_WEIGHT = {
    "DEPT-CG": 5,
    "DEPT-WJ": 4,
    "DEPT-MZ": 4,
    "DEPT-SJ": 3,
    "DEPT-ZJ": 3,
    "DEPT-YJ": 3,
    "DEPT-TJ": 2,
}
UNCATALOGUED_TITLES = (
    "辖区个体工商户经营情况摸底",
    "创建文明城市迎检：社区环境整治攻坚",
    "配合拆除楼院违法建设",
    "每月报送社区养老服务设施运营台账",
    "辖区沿街商铺安全生产检查",
    "老旧小区加装电梯意愿逐户统计",
    "餐饮门店燃气使用情况排查",
    "社区作为责任主体整治占道经营",
    "协助征收居民医保费用",
    "辖区企业用工情况调查",
    "健康社区考核评比材料报送",
    "垃圾分类入户宣传打卡",
    "协助催缴物业费",
    "辖区出租房屋信息采集",
    "社区网格员每日巡查照片上报",
)
UNCATALOGUED_TYPES = (
    (TaskTypes.WORK, 4),
    (TaskTypes.REPORT, 3),
    (TaskTypes.SURVEY, 3),
    (TaskTypes.INSPECTION, 2),
    (TaskTypes.EVALUATION, 1),
)
DELIVERABLE_TEXTS = (
    "已按要求完成，情况见表。",
    "已完成，台账已更新。",
    "已组织实施，附工作记录。",
    "已走访核实，结果已填报。",
)
RETURN_COMMENTS = (
    "请补充佐证材料后重新提交。",
    "数据不完整，请核实后重新提交。",
    "请按模板格式填报。",
)
REFUSAL_COMMENTS = (
    "",
    "",
    "该事项不在社区工作准入目录内。",
    "不属于社区职责，依准入制度拒绝。",
    "列入负面清单，不得交由社区承担。",
)
REPORT_ASKS = (
    "电话要求社区当天排查辖区餐饮门店燃气使用情况并报送名单。",
    "在街道工作群通知社区两天内逐户统计加装电梯意愿并填表。",
    "纸质通知要求社区作为责任主体整治占道经营，并签订目标责任书。",
    "在工作会议上要求社区对沿街商铺开展安全生产检查，每周报送检查表。",
    "电话要求社区协助催缴辖区居民医保费用。",
    "在工作群要求社区每日上报网格巡查照片。",
    "口头要求社区出具居民无犯罪记录证明。",
)
CHANNEL_WEIGHTS = (
    (Channels.PHONE, 4),
    (Channels.CHAT_GROUP, 4),
    (Channels.PAPER, 1),
    (Channels.MEETING, 2),
)
RULES_CITED = {
    "not_in_catalog": (RuleSources.CATALOG, "社区工作准入目录之外的事项不得交由社区承担"),
    "on_negative_list": (RuleSources.NEGATIVE_LIST, "负面清单所列事项不得交由社区承担"),
}
ACCESS_RULE = (RuleSources.ACCESS_SYSTEM, "社区工作准入制度：派单须经准入审核")
DISMISSALS = ("经核实，该任务系街道转办，已另行处理。", "部门已撤回该任务。")


@dataclass(frozen=True)
class ItemChoice:
    facts: ItemFacts
    name: str
    task_types: tuple[str, ...]  # the types that fit it and the negative list allows
    weight: float


@dataclass(frozen=True)
class Plan:
    """A task to come: when, whom it reaches."""

    moment: dt.datetime
    mode: str
    targets: tuple[
        int, ...
    ]  # subdistrict indexes (subdistricts) or community indexes (communities)
    size: int


@dataclass
class Catalog:
    in_force: list[ItemChoice]
    statutory: list[ItemChoice]
    retired: list[ItemChoice]
    funded: frozenset[int]
    blocked_types: frozenset[str]
    blocked_items: frozenset[int]


@dataclass(frozen=True)
class Window:
    """The period the data covers: the first day of the month `months - 1` before today's, to
    yesterday (today's tasks are still to come)."""

    first: dt.date
    today: dt.date
    now: dt.datetime

    @classmethod
    def of(cls, months: int, now: dt.datetime) -> "Window":
        today = local_day(now)
        first = today.replace(day=1)
        for _ in range(months - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return cls(first, today, now)

    def days(self) -> list[dt.date]:
        count = max((self.today - self.first).days, 1)
        return [self.first + dt.timedelta(days=n) for n in range(count)]


class DayPicker:
    """Days of the window, working days weighted over weekends."""

    def __init__(self, window: Window) -> None:
        self.days = window.days()
        weights = [1.0 if day.weekday() < 5 else WEEKEND_WEIGHT for day in self.days]
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> dt.date:
        at = rng.random() * self.cumulative[-1]
        return self.days[min(bisect.bisect_right(self.cumulative, at), len(self.days) - 1)]


def _fitting_types(facts: ItemFacts, blocked: frozenset[str]) -> tuple[str, ...]:
    types = TASK_TYPES_BY_CLASS.get(facts.item_class, frozenset())
    return tuple(
        sorted(
            t for t in types if t not in blocked and (t != TaskTypes.PLAQUE or facts.has_plaques)
        )
    )


def read_catalog(window: Window) -> Catalog:
    """The items as the gate sees them: those in force (to send admitted work under, or under
    the wrong department) and the retired ones (work that should have stopped)."""
    blocked_types, blocked_items = negative_list_blocks()
    in_force, retired = [], []
    items = CatalogItem.objects.order_by("code").values_list("code", "name", "frequency", "status")
    for code, name, frequency, status in items:
        _item_id, facts = _published_item(code)
        if facts is None or facts.scope is not None:
            continue  # unpublished, or admitted for some communities only
        types = _fitting_types(facts, blocked_types)
        if not types:
            continue
        choice = ItemChoice(facts, name, types, FREQUENCY_WEIGHT.get(frequency, 1.0))
        if status in IN_FORCE and facts.status in IN_FORCE:
            in_force.append(choice)
        elif status == ItemStatuses.RETIRED:
            retired.append(choice)
    funded = commitments_covering(
        [c.facts.item_id for c in in_force if c.facts.item_class == ItemClasses.DELEGATED],
        window.first,
        window.today + dt.timedelta(days=400),
    )
    statutory = [c for c in in_force if c.facts.item_class == ItemClasses.STATUTORY]
    return Catalog(in_force, statutory, retired, frozenset(funded), blocked_types, blocked_items)


# Whom and when ---------------------------------------------------------------------------------


def _draw_target(city: City, rng: random.Random) -> tuple[str, tuple[int, ...], int]:
    mode = rng.choices([m for m, _ in MODE_WEIGHTS], [w for _, w in MODE_WEIGHTS])[0]
    if mode == TargetModes.ALL:
        return mode, (), len(city.communities)
    if mode == TargetModes.SUBDISTRICTS:
        count = min(rng.choices((1, 2, 3), (70, 20, 10))[0], len(city.subdistricts))
        chosen = tuple(sorted(rng.sample(range(len(city.subdistricts)), count)))
        return mode, chosen, sum(len(city.members[s]) for s in chosen)
    members = city.members[rng.randrange(len(city.subdistricts))]
    count = min(rng.choices((1, 2, 3, 4, 5, 6), (30, 20, 15, 15, 10, 10))[0], len(members))
    chosen = tuple(sorted(rng.sample(members, count)))
    return mode, chosen, count


def plan_tasks(city: City, assignments: int, window: Window, rng: random.Random) -> list[Plan]:
    """Tasks whose assignments add up to `assignments` exactly, in time order."""
    days = DayPicker(window)
    plans, remaining = [], assignments
    while remaining > 0:
        mode, targets, size = _draw_target(city, rng)
        if size > remaining:
            mode = TargetModes.COMMUNITIES
            targets = tuple(sorted(rng.sample(range(len(city.communities)), remaining)))
            size = remaining
        plans.append(Plan(moment_on(days.pick(rng), rng), mode, targets, size))
        remaining -= size
    plans.sort(key=lambda plan: plan.moment)
    return plans


def community_indexes(city: City, plan: Plan) -> Sequence[int]:
    if plan.mode == TargetModes.ALL:
        return range(len(city.communities))
    if plan.mode == TargetModes.SUBDISTRICTS:
        return [c for s in plan.targets for c in city.members[s]]
    return plan.targets


def _target_codes(city: City, plan: Plan) -> list[str]:
    if plan.mode == TargetModes.SUBDISTRICTS:
        return [city.subdistricts[s].code for s in plan.targets]
    if plan.mode == TargetModes.COMMUNITIES:
        return [city.communities[c].code for c in plan.targets]
    return []


# What each task asks, and the gate's verdict ---------------------------------------------------


class TaskMaker:
    def __init__(self, city: City, catalog: Catalog, window: Window, rng: random.Random) -> None:
        self.city, self.catalog, self.window, self.rng = city, catalog, window, rng
        self.departments = city.departments
        self.offender_weights = [OFFENDER_WEIGHT.get(d.code, 1) for d in self.departments]
        self.item_weights = list(itertools.accumulate(c.weight for c in catalog.in_force))
        self.span = max((window.today - window.first).days, 1)

    def _department(self) -> Organisation:
        return self.rng.choices(self.departments, cum_weights=None, weights=self.offender_weights)[
            0
        ]

    def _in_force_item(self) -> ItemChoice:
        return self.rng.choices(self.catalog.in_force, cum_weights=self.item_weights)[0]

    def _by_id(self, department_id: int) -> Organisation:
        return next(d for d in self.departments if d.pk == department_id)

    def _what(self, unadmitted_share: float) -> tuple[Organisation, ItemChoice | None, str, str]:
        """The sending department, the item (or none), the task type and the title."""
        rng = self.rng
        if rng.random() >= unadmitted_share or not self.catalog.in_force:
            choice = self._in_force_item()
            return (
                self._by_id(choice.facts.department_id),
                choice,
                rng.choice(choice.task_types),
                choice.name,
            )
        kind = rng.choices(("none", "retired", "owner", "type"), (55, 20, 15, 10))[0]
        if kind == "retired" and self.catalog.retired:
            choice = rng.choice(self.catalog.retired)
            return (
                self._by_id(choice.facts.department_id),
                choice,
                rng.choice(choice.task_types),
                choice.name,
            )
        if kind == "owner" and len(self.departments) > 1:
            choice = self._in_force_item()
            others = [d for d in self.departments if d.pk != choice.facts.department_id]
            return rng.choice(others), choice, rng.choice(choice.task_types), choice.name
        if kind == "type" and self.catalog.statutory:
            choice = rng.choice(self.catalog.statutory)
            title = f"{choice.name}评比"
            return self._by_id(choice.facts.department_id), choice, TaskTypes.EVALUATION, title
        task_type = rng.choices(
            [t for t, _ in UNCATALOGUED_TYPES], [w for _, w in UNCATALOGUED_TYPES]
        )[0]
        return self._department(), None, task_type, rng.choice(UNCATALOGUED_TITLES)

    def task(self, plan: Plan, clerks: dict[int, User]) -> tuple[Task, Sequence[int]]:
        rng = self.rng
        created_on = local_day(plan.moment)
        progress = (created_on - self.window.first).days / self.span
        share = UNADMITTED_FIRST + (UNADMITTED_LAST - UNADMITTED_FIRST) * progress
        department, choice, task_type, name = self._what(share)
        indexes = community_indexes(self.city, plan)
        starts_on = created_on + dt.timedelta(days=rng.randint(0, 3))
        due_on = starts_on + dt.timedelta(days=rng.randint(5, 30))
        facts = choice.facts if choice else None
        reasons = gate_reasons(
            TaskFacts(
                department_id=department.pk,
                department_is_office=False,
                task_type=task_type,
                starts_on=starts_on,
                due_on=due_on,
                community_ids=frozenset(self.city.communities[i].pk for i in indexes),
            ),
            facts,
            funding_committed=facts is not None and facts.item_id in self.catalog.funded,
            blocked_task_types=self.catalog.blocked_types,
            blocked_item_ids=self.catalog.blocked_items,
        )
        task = Task(
            department=department,
            item_id=facts.item_id if facts else None,
            title=f"{name}（{created_on:%Y年%m月}）"[:200],
            task_type=task_type,
            deliverable=rng.choice(Deliverables.values),
            starts_on=starts_on,
            due_on=due_on,
            target_mode=plan.mode,
            target_codes=_target_codes(self.city, plan),
            admitted=not reasons,
            reasons=[reason.as_dict() for reason in reasons],
            created_by=clerks[department.pk],
            created_at=plan.moment,
        )
        return task, indexes


# Where each assignment stands ------------------------------------------------------------------

# (state, weight) by how far the due date is behind today; unadmitted ones are refused or left.
LONG_PAST = ((S.COMPLETED, 88), (S.SUBMITTED, 4), (S.ACCEPTED, 3), (S.RECEIVED, 2), (S.RETURNED, 3))
JUST_PAST = (
    (S.COMPLETED, 55),
    (S.SUBMITTED, 20),
    (S.ACCEPTED, 12),
    (S.RECEIVED, 6),
    (S.RETURNED, 7),
)
NOT_DUE = ((S.RECEIVED, 35), (S.ACCEPTED, 35), (S.SUBMITTED, 18), (S.COMPLETED, 8), (S.RETURNED, 4))
UNADMITTED_STATES = ((S.REFUSED, 70), (S.RECEIVED, 30))
STEPS: dict[str, int] = {
    S.RECEIVED: 0,
    S.ACCEPTED: 1,
    S.REFUSED: 1,
    S.SUBMITTED: 2,
    S.COMPLETED: 3,
    S.RETURNED: 3,
}


def _cumulative(pairs: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    return [s for s, _ in pairs], list(itertools.accumulate(w for _, w in pairs))


STATE_TABLES = {
    name: _cumulative(pairs)
    for name, pairs in (
        ("long_past", LONG_PAST),
        ("just_past", JUST_PAST),
        ("not_due", NOT_DUE),
        ("unadmitted", UNADMITTED_STATES),
    )
}


def _state_table(task: Task, today: dt.date) -> tuple[list[str], list[int]]:
    if not task.admitted:
        return STATE_TABLES["unadmitted"]
    if task.due_on < today - dt.timedelta(days=30):
        return STATE_TABLES["long_past"]
    if task.due_on < today:
        return STATE_TABLES["just_past"]
    return STATE_TABLES["not_due"]


ASSIGNMENT_FIELDS = (
    "task_id",
    "community_id",
    "state",
    "admitted",
    "due_on",
    "deliverable_text",
    "department_comment",
    "refusal_comment",
    "updated_at",
    "revision",
)


def assignments_of(
    task: Task, indexes: Sequence[int], city: City, window: Window, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """The task's assignments as rows of ASSIGNMENT_FIELDS (see batches.RowWriter)."""
    states, cumulative = _state_table(task, window.today)
    for index in indexes:
        state = rng.choices(states, cum_weights=cumulative)[0]
        steps = STEPS[state]
        updated = task.created_at + dt.timedelta(
            hours=rng.randint(1, 24) + 24 * rng.randint(0, 10) * steps
        )
        yield (
            task.pk,
            city.communities[index].pk,
            state,
            task.admitted,
            task.due_on,
            rng.choice(DELIVERABLE_TEXTS) if steps >= 2 and state != S.REFUSED else "",
            rng.choice(RETURN_COMMENTS) if state == S.RETURNED else "",
            rng.choice(REFUSAL_COMMENTS) if state == S.REFUSED else "",
            min(updated, window.now),
            steps,
        )


# Supervision -----------------------------------------------------------------------------------


def _violation_state(
    occurred: dt.datetime,
    window: Window,
    rng: random.Random,
    rule: tuple[str, str],
    inspector: User,
) -> dict[str, object]:
    """A violation's decision: recent ones are mostly open; older ones mostly confirmed."""
    recent = (window.now - occurred).days < 60
    state = rng.choices(
        (ViolationStates.OPEN, ViolationStates.CONFIRMED, ViolationStates.DISMISSED),
        (80, 15, 5) if recent else (35, 50, 15),
    )[0]
    if state == ViolationStates.OPEN:
        return {"state": state}
    decided_at = min(
        occurred + dt.timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 8)), window.now
    )
    decided = {
        "state": state,
        "decided_by": inspector,
        "decided_at": decided_at,
        "updated_at": decided_at,
        "revision": 1,
    }
    if state == ViolationStates.DISMISSED:
        return {**decided, "decision_note": rng.choice(DISMISSALS)}
    source, cited = rule
    severity = rng.choices((Severities.MINOR, Severities.SERIOUS, Severities.GRAVE), (60, 30, 10))[
        0
    ]
    return {**decided, "severity": severity, "rule_source": source, "rule_cited": cited}


def violation_for_task(
    task: Task, window: Window, rng: random.Random, inspector: User
) -> Violation:
    """What `oversight.services.violations.violation_record_for_task` records for an unadmitted
    task, dated when the task was sent, with a decision where time has allowed one."""
    codes = [reason["code"] for reason in task.reasons]
    rule = next((RULES_CITED[code] for code in codes if code in RULES_CITED), ACCESS_RULE)
    fields = {
        "updated_at": task.created_at,
        **_violation_state(task.created_at, window, rng, rule, inspector),
    }
    return Violation(
        source=ViolationSources.UNADMITTED_TASK,
        department_id=task.department_id,
        task=task,
        summary=task.title[:300],
        reasons=list(task.reasons),
        occurred_on=local_day(task.created_at),
        created_at=task.created_at,
        **fields,
    )


def _report_decision(
    report: OffPlatformReport, window: Window, rng: random.Random, inspector: User
) -> dict[str, object]:
    """A report's violation is decided only where it names a department (a violation is
    confirmed only against one)."""
    if report.department_id is None:
        return {"updated_at": report.reported_at}
    state = _violation_state(report.reported_at, window, rng, ACCESS_RULE, inspector)
    return {"updated_at": report.reported_at, **state}


# The stages ------------------------------------------------------------------------------------


@dataclass
class TrafficCounts:
    tasks: int = 0
    admitted_tasks: int = 0
    assignments: int = 0
    violations: int = 0


def build_dispatch(
    city: City,
    plans: list[Plan],
    catalog: Catalog,
    window: Window,
    rng: random.Random,
    advance: Advance,
) -> TrafficCounts:
    """The planned tasks, a batch at a time (tasks, their assignments, their violations in one
    transaction)."""
    maker = TaskMaker(city, catalog, window, rng)
    writer = RowWriter(Assignment, ASSIGNMENT_FIELDS)
    counts = TrafficCounts()
    for chunk in itertools.batched(plans, TASK_BATCH):
        made = [maker.task(plan, city.clerks) for plan in chunk]
        with transaction.atomic():
            tasks = Task.objects.bulk_create([task for task, _ in made])
            rows = itertools.chain.from_iterable(
                assignments_of(task, indexes, city, window, rng) for task, indexes in made
            )
            for batch in itertools.batched(rows, BATCH):
                counts.assignments += writer.write(batch)
                advance(len(batch))
            violations = [
                violation_for_task(task, window, rng, city.inspector)
                for task in tasks
                if not task.admitted
            ]
            Violation.objects.bulk_create(violations)
        counts.tasks += len(tasks)
        counts.admitted_tasks += sum(1 for task in tasks if task.admitted)
        counts.violations += len(violations)
    return counts


REPORTS_PER_COMMUNITY_MONTH = 0.4


def reports_planned(communities: int, months: int) -> int:
    return round(communities * months * REPORTS_PER_COMMUNITY_MONTH)


def build_reports(
    city: City, count: int, window: Window, rng: random.Random, advance: Advance
) -> tuple[int, int]:
    """Work pushed at communities off the platform, each with its violation (as
    `violation_record_for_report` records it). Returns (reports, violations)."""
    days = DayPicker(window)
    weights = [OFFENDER_WEIGHT.get(d.code, 1) for d in city.departments]
    planned = []
    for _ in range(count):
        occurred_on = days.pick(rng)
        reported_at = min(
            moment_on(occurred_on + dt.timedelta(days=rng.randint(0, 3)), rng), window.now
        )
        department = rng.choices(city.departments, weights)[0] if rng.random() < 0.9 else None
        planned.append((reported_at, occurred_on, department, rng.randrange(len(city.communities))))
    planned.sort(key=lambda row: row[0])
    made = 0
    for chunk in itertools.batched(planned, BATCH):
        reports = []
        for reported_at, occurred_on, department, index in chunk:
            reports.append(
                OffPlatformReport(
                    community=city.communities[index],
                    department=department,
                    pushed_by=f"{department.name if department else '街道'}工作人员（示例）",
                    channel=rng.choices(
                        [c for c, _ in CHANNEL_WEIGHTS], [w for _, w in CHANNEL_WEIGHTS]
                    )[0],
                    occurred_on=occurred_on,
                    what_was_asked=rng.choice(REPORT_ASKS),
                    reported_by=city.secretaries[index],
                    reported_at=reported_at,
                )
            )
        with transaction.atomic():
            OffPlatformReport.objects.bulk_create(reports)
            Violation.objects.bulk_create(
                Violation(
                    source=ViolationSources.OFF_PLATFORM_REPORT,
                    department=report.department,
                    report=report,
                    community=report.community,
                    summary=report.what_was_asked[:300],
                    occurred_on=report.occurred_on,
                    created_at=report.reported_at,
                    **_report_decision(report, window, rng, city.inspector),
                )
                for report in reports
            )
        made += len(reports)
        advance(len(reports))
    return made, made
