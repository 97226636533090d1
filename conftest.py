"""Shared test fixtures: the append-only audit triggers, and a small world of organisations
and people with every role (own and other organisation) for the permission grids."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import TransactionTestCase

from communitygate.audit.triggers import drop_append_only_triggers, install_append_only_triggers
from communitygate.core import clock
from communitygate.testing import World, build_world

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


@pytest.fixture(autouse=True, scope="session")
def audit_triggers_yield_to_the_test_flush() -> Iterator[None]:
    """A transactional test ends with Django flushing every table, which the append-only
    triggers refuse. Drop them on that connection just before the flush (Django's
    TransactionTestCase._fixture_teardown); the next test installs them again."""
    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        for alias in self._databases_names(include_mirrors=False):
            drop_append_only_triggers(connections[alias])
        original(self)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def audit_table_append_only(request: pytest.FixtureRequest) -> None:
    """Every database test runs with the triggers in place."""
    uses_database = {"db", *TRANSACTIONAL_FIXTURES} & set(request.fixturenames)
    if not uses_database and request.node.get_closest_marker("django_db") is None:
        return
    transactional = bool(TRANSACTIONAL_FIXTURES & set(request.fixturenames))
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    request.getfixturevalue("transactional_db" if transactional else "db")
    install_append_only_triggers(connection)


@pytest.fixture(autouse=True)
def release_clock() -> Iterator[None]:
    yield
    clock.pin(None)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests create many people; a slow hasher would only slow the suite, not test anything."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """The cache is files shared by every process of a machine: each test starts with none of
    another test's counters."""
    cache.clear()
