"""What the contracts tests share: the clock pinned to Monday 23 November 2026; a contract of
DEPT-MZ with SO-1 for 370203031001 and 370203031002 (¥20,000.00, 2026-09-01 to 2027-06-30, two
deliverables), drafted and signed through the services; a task of DEPT-MZ that 370203031001
refused."""

import datetime as dt
from typing import Any

from communitygate.contracts.models import Contract, ContractInstalment
from communitygate.contracts.services import (
    ContractRequest,
    DeliverableRequest,
    InstalmentRequest,
    contract_draft,
    contract_sign,
    instalment_record,
)
from communitygate.core import clock
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import Targets, TaskRequest, assignment_refuse, task_send
from communitygate.testing import World

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 11, 23)
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"


def contract_request(**overrides: Any) -> ContractRequest:
    values: dict[str, Any] = {
        "number": "MZ-GM-2026-01",
        "title": "独居老人上门助餐服务",
        "social_org_code": "SO-1",
        "amount": "20000.00",
        "period_start": dt.date(2026, 9, 1),
        "period_end": dt.date(2027, 6, 30),
        "community_codes": (COMMUNITY, SIBLING),
        "deliverables": (
            DeliverableRequest("第一季度服务记录", dt.date(2026, 12, 31)),
            DeliverableRequest("年度服务总结报告", dt.date(2027, 6, 30)),
        ),
        "scope": "每周两次上门送餐",
    }
    values.update(overrides)
    return ContractRequest(**values)


def drafted(world: World, person: str = "department_clerk", **overrides: Any) -> Contract:
    clock.pin(MONDAY)
    return contract_draft(actor=world.user(person), request=contract_request(**overrides))


def signed(world: World, **overrides: Any) -> Contract:
    contract = drafted(world, **overrides)
    return contract_sign(
        actor=world.user("department_clerk"), contract=contract, signed_on=dt.date(2026, 8, 28)
    )


def paid(
    world: World, contract: Contract, amount: str, voucher: str, **kw: Any
) -> ContractInstalment:
    return instalment_record(
        actor=world.user("department_clerk"),
        contract=contract,
        request=InstalmentRequest(
            amount=amount, paid_on=dt.date(2026, 11, 20), voucher_number=voucher, **kw
        ),
    )


def refused_assignment(
    world: World, community: str = COMMUNITY, title: str = "养老台账"
) -> Assignment:
    """A task of DEPT-MZ under no catalog item (unadmitted), refused by `community`."""
    clock.pin(MONDAY)
    task = task_send(
        actor=world.user("department_clerk"),
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title=title,
            task_type="report",
            starts_on=dt.date(2026, 12, 1),
            due_on=dt.date(2026, 12, 15),
            targets=Targets("communities", (community,)),
        ),
    )
    assignment = Assignment.objects.get(task=task)
    secretary = "community_secretary" if community != OTHER else "community_secretary_other"
    return assignment_refuse(actor=world.user(secretary), assignment=assignment, comment="未准入")
