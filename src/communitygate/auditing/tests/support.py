"""What the auditing tests share: the funding tests' world (the clock at Monday 23 November
2026, DEPT-MZ's delegated item F-001 funded ¥10,000.00 per community per year for 2025–2026),
the item published so dispatch admits its tasks, and tasks sent through dispatch.task_send at a
chosen moment."""

import datetime as dt

from communitygate.admissions.models import FundingCommitment
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.models import Task
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.funding.tests.support import MONDAY, funded
from communitygate.testing import World


def published_funded(world: World, code: str = "F-001", **overrides: object) -> FundingCommitment:
    commitment = funded(world, code=code, **overrides)  # type: ignore[arg-type]
    catalog_publish(actor=world.user("office_officer"), title=f"publish {code}")
    return commitment


def sent(
    world: World,
    *,
    item: str = "F-001",
    at: dt.datetime = MONDAY,
    starts_on: dt.date = dt.date(2026, 12, 1),
    due_on: dt.date = dt.date(2026, 12, 15),
    communities: tuple[str, ...] = (),
) -> Task:
    """A task of the item sent by DEPT-MZ's clerk at `at` (then the clock back to Monday)."""
    clock.pin(at)
    try:
        return task_send(
            actor=world.user("department_clerk"),
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=item,
                title=f"{item}任务",
                task_type="work",
                starts_on=starts_on,
                due_on=due_on,
                targets=Targets("communities", communities) if communities else Targets("all"),
            ),
        )
    finally:
        clock.pin(MONDAY)
