"""The demo is seeded once for this package (it takes most of a minute): every test here reads
it inside its own savepoint, and the seeding is rolled back after the package's last test. In
parallel runs (pytest -n --dist loadgroup) the package's tests are one xdist_group, run in one
process, so the demo is seeded once per test run."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from communitygate.testing import Shared, shared_rows

DEMO_PASSWORD = "demo-password-1"


@pytest.fixture(scope="package")
def demo_seeded(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Shared[None]]:
    def seed() -> None:
        call_command("seed_demo", password=DEMO_PASSWORD)

    yield from shared_rows(request, django_db_blocker, seed)


@pytest.fixture
def demo(demo_seeded: Shared[None]) -> None:
    """The whole Shibei demo, as `communitygate seed_demo --password demo-password-1` loads it."""
    demo_seeded.enter()
