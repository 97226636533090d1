"""The permission grid's rows for the residents' public pages, public API and Open311 (see web/tests/grid.py)."""

from typing import Any

from communitygate.testing import World
from communitygate.web.tests.grid import GridPart


def seed(world: World) -> dict[str, Any]:
    return {}


PART = GridPart(seed=seed)
