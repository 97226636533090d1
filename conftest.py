"""Shared test fixtures: the append-only audit triggers, and a small world of organisations
and people with every role (own and other organisation) for the permission grids."""

from collections.abc import Iterator

import pytest
from django.db import connection

from communitygate.audit.triggers import drop_append_only_triggers, install_append_only_triggers
from communitygate.core import clock
from communitygate.testing import World, build_world

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def audit_table_append_only(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs with the triggers in place. A transactional test flushes its tables at
    the end, which the triggers would refuse, so they are dropped just before that flush and
    installed again by the next test."""
    uses_database = {"db", *TRANSACTIONAL_FIXTURES} & set(request.fixturenames)
    if not uses_database and request.node.get_closest_marker("django_db") is None:
        yield
        return
    transactional = bool(TRANSACTIONAL_FIXTURES & set(request.fixturenames))
    if transactional:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    install_append_only_triggers(connection)
    yield
    if transactional:
        drop_append_only_triggers(connection)


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
