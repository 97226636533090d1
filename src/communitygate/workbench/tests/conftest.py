"""The workbench's tests read the permission grid's world (every role, own and other
organisation, with applications, tasks, reports, matters, visits, violations, orders, money and
contracts), seeded once for this package."""

from collections.abc import Iterator
from typing import Any

import pytest

from communitygate.testing import Shared
from communitygate.web.tests.test_permission_grid import GridSeed, entered, seeded_grid


@pytest.fixture(scope="package")
def workbench_seeded(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Shared[GridSeed]]:
    yield from seeded_grid(request, django_db_blocker, tmp_path_factory.mktemp("workbench-files"))


@pytest.fixture
def seed(workbench_seeded: Shared[GridSeed]) -> GridSeed:
    """The package's seed, its people read afresh."""
    return entered(workbench_seeded)
