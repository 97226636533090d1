"""The permission grid's rows for what communities receive (/burden/received/…, its public
version /burden/public/received/… and /api/v1/burden/district, /communities, /departments,
/trend; see web/tests/grid.py).

Everyone signed in reads every table, export (XLSX and PDF) and the list of tasks behind a
figure (which shows each person only the tasks dispatch lets them read); signed out, the pages
send to the sign-in page and /communities (staff and capacity) answers 401. The public version,
its files and the district, departments and trend answers are for anyone (aggregates only;
test_permission_grid scans them for personal data). Seeded: one unadmitted task of DEPT-MZ to
370203031001 sent by a clerk with a name, so that every table has a row behind it and the scan
has a title and a name to miss."""

import datetime as dt
from typing import Any

from communitygate.core import clock
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.testing import World
from communitygate.web.tests.grid import (
    PAGE,
    PUBLIC,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

SIGNED_IN_PAGE = row(PAGE, (SIGNED_OUT, SIGN_IN))
SIGNED_IN_API = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))


PUBLIC_TASK_TITLE = "减负看板网格任务"
CLERK_NAME = ("网格", "王")


def seed(world: World) -> dict[str, Any]:
    today = clock.today()
    clerk = world.user("department_clerk")
    clerk.first_name, clerk.last_name = CLERK_NAME
    clerk.save(update_fields=["first_name", "last_name"])
    task_send(
        actor=clerk,
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title=PUBLIC_TASK_TITLE,
            task_type="work",
            starts_on=today,
            due_on=today + dt.timedelta(days=20),
            targets=Targets("communities", ("370203031001",)),
        ),
    )
    return {}


R = "/burden/received"
P = "/burden/public/received"
MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", f"{R}/?period=2026"): SIGNED_IN_PAGE,
    ("GET", f"{R}/?period=2026&subdistrict=370203031"): SIGNED_IN_PAGE,
    ("GET", f"{R}/departments/?period=2026&community=370203031001"): SIGNED_IN_PAGE,
    ("GET", f"{R}/ranking/?period=2026&months=3"): SIGNED_IN_PAGE,
    ("GET", f"{R}/tasks/?period=2026&community=370203031001&figure=unadmitted"): SIGNED_IN_PAGE,
    ("GET", f"{R}/export/communities.xlsx?period=2026"): SIGNED_IN_PAGE,
    ("GET", f"{R}/export/trend.xlsx?months=3"): SIGNED_IN_PAGE,
    ("GET", f"{R}/export/ranking.pdf?period=2026"): SIGNED_IN_PAGE,
    ("GET", "/api/v1/burden/communities?period=2026&subdistrict=370203031"): SIGNED_IN_API,
    # The public version: aggregates only, for anyone.
    ("GET", f"{P}/?period=2026"): PUBLIC,
    ("GET", f"{P}/?period=2026&subdistrict=370203031&months=3"): PUBLIC,
    ("GET", f"{P}/export/months.pdf?period=2026"): PUBLIC,
    ("GET", f"{P}/export/communities.xlsx?period=2026&subdistrict=370203031"): PUBLIC,
    ("GET", f"{P}/export/departments.pdf?period=2026"): PUBLIC,
    ("GET", f"{P}/export/trend.pdf?months=3"): PUBLIC,
    ("GET", "/api/v1/burden/district?period=2026"): PUBLIC,
    ("GET", "/api/v1/burden/district?period=2026&subdistrict=370203031"): PUBLIC,
    ("GET", "/api/v1/burden/departments?period=2026"): PUBLIC,
    ("GET", "/api/v1/burden/trend?months=3"): PUBLIC,
}

PART = GridPart(seed=seed, matrix=MATRIX)
