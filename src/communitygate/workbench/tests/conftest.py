"""The workbench's tests read the permission grid's world (every role, own and other
organisation, with applications, tasks, reports, matters, visits, violations, orders, money and
contracts), seeded once for this package."""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings

from communitygate.testing import Shared, build_world, shared_rows
from communitygate.web.tests.test_permission_grid import GridSeed, seed_grid


@pytest.fixture(scope="package")
def workbench_seeded(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Shared[GridSeed]]:
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("workbench-files"))},
        },
    }
    with override_settings(STORAGES=storages):
        yield from shared_rows(request, django_db_blocker, lambda: seed_grid(build_world()))


@pytest.fixture
def seed(workbench_seeded: Shared[GridSeed]) -> GridSeed:
    """The package's seed, its people read afresh."""
    shared = workbench_seeded.enter()
    people = User.objects.in_bulk([user.pk for user in shared.people.values()])
    return replace(shared, people={key: people[user.pk] for key, user in shared.people.items()})
