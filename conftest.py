"""Shared test fixtures: the settings of a test run, the append-only audit triggers, and a
small world of organisations and people with every role (own and other organisation) for the
permission grids. The helpers tests call are in communitygate/testing.py."""

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from _pytest.nodeid import NodeId
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from communitygate.audit.triggers import drop_append_only_triggers, install_append_only_triggers
from communitygate.core import clock
from communitygate.testing import World, build_world, shared_rows_owner

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}

# Two shared cores run the suite beside real servers (gunicorn, Chromium): a draw that waits for
# the CPU is not a slow strategy. The examples and their checks stay as they are.
hypothesis.settings.register_profile(
    "communitygate", suppress_health_check=[hypothesis.HealthCheck.too_slow], deadline=None
)
hypothesis.settings.load_profile("communitygate")
TEST_NUMBERS = itertools.count()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each xdist_group (the seeded demo, the seeded city, the browser) in one process.
    pytest-xdist's --dist loadgroup finds a test's group in a `@group` suffix of its node id,
    which it writes to `item._nodeid`; pytest 9.2 reads the node id from `item._id` instead, so
    without this every group was split over the processes and each seeded it again. Runs last,
    after the conftest hooks that add the marker (tests/browser)."""
    if not getattr(config.option, "loadgroup", False):  # set in xdist's worker processes only
        return
    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


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
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True, scope="session")
def static_files_listed_once() -> Iterator[None]:
    """Every test client builds its own middleware, and WhiteNoise (WHITENOISE_USE_FINDERS)
    lists every static file when it is built: tens of milliseconds a client, and the suite makes
    over ten thousand clients (the permission grid one per person and cell). The files do not
    change during a run, so they are listed once per set of WhiteNoise settings, and each new
    middleware gets the same entries, as the one middleware of a server process has."""
    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[object, ...], dict[str, Any]] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.charset,
            self.allow_all_origins,
            self.index_file,
            self.autorefresh,
        )
        if key not in listed:
            own, self.files = self.files, {}
            try:
                original(self)
                listed[key] = self.files
            finally:
                self.files = own
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(autouse=True, scope="session")
def test_run_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """For the whole run: a fast password hasher (tests create many people; a slow hasher would
    only slow the suite, not test anything), and a cache directory of this process's own, so
    that parallel test processes (pytest -n) never clear or count each other's entries. The
    audit chain's checkpoints go to this run's own directory (never the installation's)."""
    cache_dir: Path = tmp_path_factory.mktemp("cache")
    with override_settings(
        AUDIT_CHECKPOINT_DIR=tmp_path_factory.mktemp("checkpoints"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={
            "default": {
                "BACKEND": "communitygate.core.cache.SharedFileCache",
                "LOCATION": str(cache_dir),
            },
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        },
    ):
        yield


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
    shared = shared_rows_owner()
    if shared is not None and (transactional or shared not in request.fixturenames):
        pytest.fail(
            f"the rows of {shared!r} are in the database for the tests that ask for it; "
            "a transactional test, or one that does not ask for it, belongs in another module"
        )
    request.getfixturevalue("transactional_db" if transactional else "db")
    install_append_only_triggers(connection)


@pytest.fixture(autouse=True)
def audit_checkpoints_of_this_test() -> Iterator[None]:
    """A test's database is rolled back or flushed after it: a checkpoint it wrote must not be
    read by the next test (it would find the chain "cut"). Each test gets a directory of its
    own, made only when a checkpoint is written."""
    number = next(TEST_NUMBERS)
    with override_settings(
        AUDIT_CHECKPOINT_DIR=Path(settings.AUDIT_CHECKPOINT_DIR) / f"t{number}",
        AUDIT_ARCHIVE_DIR=Path(settings.AUDIT_CHECKPOINT_DIR) / f"t{number}" / "archive",
    ):
        yield


@pytest.fixture(autouse=True)
def release_clock() -> Iterator[None]:
    yield
    clock.pin(None)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with none of another test's counters (nor cached pages)."""
    cache.clear()
    caches["pages"].clear()
