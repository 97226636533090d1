"""What the supervision tests share: a second supervision office (区委督查室) with its own head
and inspector beside the world's 区政府督查室, a published catalog item to send tasks under, and
violations, notices and correction orders brought into each state through the services."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User

from communitygate.accounts.services import membership_grant
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.models import OffPlatformReport, Task
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    off_platform_report_create,
    task_send,
)
from communitygate.orgs.services import organisation_create
from communitygate.oversight.models import (
    CorrectionOrder,
    Notice,
    NoticeStates,
    OrderStates,
    Violation,
    ViolationStates,
)
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    notice_withdraw,
    order_accept,
    order_respond,
    order_return,
    orders_lapse,
)
from communitygate.oversight.services.violations import (
    Confirmation,
    violation_confirm,
    violation_dismiss,
)
from communitygate.testing import PASSWORD, World, make_item

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, no holiday near
TODAY = dt.date(2026, 11, 23)
# Ten working days after Monday 23 November 2026 (no holiday in between): Monday 7 December.
TEN_WORKDAYS_LATER = dt.date(2026, 12, 7)
STARTS, DUE = dt.date(2026, 12, 1), dt.date(2026, 12, 15)
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"


def with_party_office(world: World) -> World:
    """区委督查室 (SUP-PARTY) beside the world's 区政府督查室, with a head and an inspector."""
    office = organisation_create(
        actor=None,
        code="SUP-PARTY",
        name="区委督查室",
        kind="supervision_office",
        parent=world.org("district"),
    )
    world.orgs["supervision_party"] = office
    for person, role in (("party_head", "head"), ("party_inspector", "inspector")):
        user = User.objects.create_user(username=person, password=PASSWORD)
        membership_grant(
            actor=None, user=user, organisation=office, role=role, active_from=dt.date(2020, 1, 1)
        )
        world.users[person] = user
    return world


# Tasks -------------------------------------------------------------------------------------


def publish_catalog(world: World) -> None:
    """T-001, the civil-affairs bureau's statutory item, in a published edition."""
    make_item(world, "T-001")
    catalog_publish(actor=world.user("office_officer"), title="edition")


def task_request(**overrides: object) -> TaskRequest:
    values: dict[str, object] = {
        "department_code": "DEPT-MZ",
        "item_code": "T-001",
        "title": "低保户入户核查",
        "task_type": "inspection",
        "starts_on": STARTS,
        "due_on": DUE,
        "targets": Targets("all"),
    }
    values.update(overrides)
    return TaskRequest(**values)  # type: ignore[arg-type]


# The health bureau sends an evaluation under the civil-affairs bureau's item: the gate finds
# that it is not the item's owner and that the item admits no evaluation.
UNADMITTED = {
    "department_code": "DEPT-WJ",
    "item_code": "T-001",
    "task_type": "evaluation",
    "title": "文明社区创建评比材料",
}
UNADMITTED_REASONS = ["not_item_owner", "type_not_allowed"]


def send_unadmitted(world: World, key: str = "") -> Task:
    return task_send(
        actor=world.user("department_clerk_other"),
        request=task_request(**UNADMITTED),
        idempotency_key=key,
    )


def send_admitted(world: World) -> Task:
    return task_send(actor=world.user("department_clerk"), request=task_request())


# Violations --------------------------------------------------------------------------------


def report(
    world: World,
    *,
    department: str | None = "department",
    community: str = "community",
    person: str = "community_secretary",
    what: str = "三天内上报辖区全部商户名单",
) -> OffPlatformReport:
    return off_platform_report_create(
        actor=world.user(person),
        community=world.org(community),
        department=world.org(department) if department else None,
        pushed_by="王科长",
        channel="chat_group",
        occurred_on=clock.today(),
        what_was_asked=what,
    )


def open_violation(world: World, department: str = "department") -> Violation:
    return Violation.objects.get(report=report(world, department=department))


CONFIRMATION = Confirmation(
    severity="serious",
    rule_source="access_system",
    rule_cited="《社区工作准入制度》第六条：未经准入的事项不得交由社区承担",
)


def confirmed_violation(
    world: World, department: str = "department", inspector: str = "inspector"
) -> Violation:
    return violation_confirm(
        actor=world.user(inspector),
        violation=open_violation(world, department),
        confirmation=CONFIRMATION,
    )


def violation_in(world: World, state: str) -> Violation:
    """A violation brought to `state` the way it gets there."""
    if state == ViolationStates.OPEN:
        return open_violation(world)
    if state == ViolationStates.DISMISSED:
        return violation_dismiss(
            actor=world.user("inspector"), violation=open_violation(world), reason="经核实为误报"
        )
    violation = confirmed_violation(world)
    if state == ViolationStates.CONFIRMED:
        return violation
    order = order_in(world, OrderStates.ACCEPTED, violations=[violation])
    assert order.state == OrderStates.ACCEPTED
    return Violation.objects.get(pk=violation.pk)


# Notices and orders ------------------------------------------------------------------------


def notice_request(violations: list[Violation], **overrides: object) -> NoticeRequest:
    values: dict[str, object] = {
        "title": "关于部门违规向社区派活的通报",
        "facts": "区民政局通过工作群要求社区三天内上报辖区全部商户名单。",
        "rule_broken": "《社区工作准入制度》第六条",
        "correction_required": "立即停止，并通过平台按程序申请准入。",
        "violation_ids": tuple(v.pk for v in violations),
    }
    values.update(overrides)
    return NoticeRequest(**values)  # type: ignore[arg-type]


def drafted(
    world: World,
    violations: list[Violation] | None = None,
    drafter: str = "inspector",
    **overrides: Any,
) -> Notice:
    named = violations if violations is not None else [confirmed_violation(world)]
    return notice_draft(actor=world.user(drafter), request=notice_request(named, **overrides))


def approved(world: World, violations: list[Violation] | None = None, **overrides: Any) -> Notice:
    notice = drafted(world, violations, **overrides)
    return notice_approve(actor=world.user("supervision_head"), notice=notice)


def published(world: World, violations: list[Violation] | None = None, **overrides: Any) -> Notice:
    notice = approved(world, violations, **overrides)
    return notice_publish(actor=world.user("inspector"), notice=notice)


def notice_in(world: World, state: str) -> Notice:
    if state == NoticeStates.DRAFT:
        return drafted(world)
    if state == NoticeStates.WITHDRAWN:
        return notice_withdraw(
            actor=world.user("inspector"), notice=drafted(world), reason="事实有误，重新起草"
        )
    if state == NoticeStates.APPROVED:
        return approved(world)
    return published(world)


def order_of(notice: Notice, department: str = "DEPT-MZ") -> CorrectionOrder:
    return CorrectionOrder.objects.get(notice=notice, department__code=department)


def order_in(
    world: World, state: str, violations: list[Violation] | None = None
) -> CorrectionOrder:
    """The civil-affairs bureau's order, issued today (TODAY when the clock is pinned to MONDAY:
    due TEN_WORKDAYS_LATER), in `state`."""
    order = order_of(published(world, violations))
    clerk, inspector = world.user("department_clerk"), world.user("inspector")
    if state == OrderStates.ISSUED:
        return order
    if state == OrderStates.OVERDUE:
        orders_lapse(TEN_WORKDAYS_LATER + dt.timedelta(days=1))
        return CorrectionOrder.objects.get(pk=order.pk)
    order = order_respond(actor=clerk, order=order, response="已停止通过工作群派活，并完成整改。")
    if state == OrderStates.ANSWERED:
        return order
    if state == OrderStates.RETURNED:
        return order_return(actor=inspector, order=order, reason="未附整改证据")
    return order_accept(actor=inspector, order=order)
