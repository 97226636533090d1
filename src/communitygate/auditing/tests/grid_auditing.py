"""The permission grid's rows for the auditor's workspace (see web/tests/grid.py): the
workspace, the anomalies, their export and GET /api/v1/audit/anomalies are the audit bureau's
alone. Pages answer 404 to everyone else signed in (as for a missing page) and send the signed
out to sign in; the API answers 403 and 401. Nothing here writes."""

from typing import Any

from communitygate.testing import World
from communitygate.web.tests.grid import (
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

AUDITOR = ("auditor",)
AUDITOR_PAGE = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (AUDITOR, PAGE))


def seed(world: World) -> dict[str, Any]:
    return {}  # the funding part's commitment and payment are enough to read


MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/audit/workspace/"): AUDITOR_PAGE,
    ("GET", "/audit/anomalies/"): AUDITOR_PAGE,
    ("GET", "/audit/anomalies/?kind=unfunded_tasks&period=2026"): AUDITOR_PAGE,
    ("GET", "/audit/anomalies/export/"): AUDITOR_PAGE,
    ("GET", "/api/v1/audit/anomalies"): row(
        FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (AUDITOR, PAGE)
    ),
}

PART = GridPart(seed=seed, matrix=MATRIX)
