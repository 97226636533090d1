"""The permission grid's rows for what communities receive (/burden/received/… and
/api/v1/burden/communities, /departments, /trend; see web/tests/grid.py).

Everyone signed in reads every table, export and the list of tasks behind a figure (which
shows each person only the tasks dispatch lets them read); signed out, the pages send to the
sign-in page and the API answers 401. Seeded: one unadmitted task of DEPT-MZ to 370203031001
and an off-platform report, so that every table has a row behind it."""

import datetime as dt
from typing import Any

from communitygate.core import clock
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.testing import World
from communitygate.web.tests.grid import (
    PAGE,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

SIGNED_IN_PAGE = row(PAGE, (SIGNED_OUT, SIGN_IN))
SIGNED_IN_API = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))


def seed(world: World) -> dict[str, Any]:
    today = clock.today()
    task_send(
        actor=world.user("department_clerk"),
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title="减负看板网格任务",
            task_type="work",
            starts_on=today,
            due_on=today + dt.timedelta(days=20),
            targets=Targets("communities", ("370203031001",)),
        ),
    )
    return {}


R = "/burden/received"
MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", f"{R}/?period=2026"): SIGNED_IN_PAGE,
    ("GET", f"{R}/?period=2026&subdistrict=370203031"): SIGNED_IN_PAGE,
    ("GET", f"{R}/departments/?period=2026&community=370203031001"): SIGNED_IN_PAGE,
    ("GET", f"{R}/ranking/?period=2026&months=3"): SIGNED_IN_PAGE,
    ("GET", f"{R}/tasks/?period=2026&community=370203031001&figure=unadmitted"): SIGNED_IN_PAGE,
    ("GET", f"{R}/export/communities.xlsx?period=2026"): SIGNED_IN_PAGE,
    ("GET", f"{R}/export/trend.xlsx?months=3"): SIGNED_IN_PAGE,
    ("GET", "/api/v1/burden/communities?period=2026&subdistrict=370203031"): SIGNED_IN_API,
    ("GET", "/api/v1/burden/departments?period=2026"): SIGNED_IN_API,
    ("GET", "/api/v1/burden/trend?months=3"): SIGNED_IN_API,
}

PART = GridPart(seed=seed, matrix=MATRIX)
