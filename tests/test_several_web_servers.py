"""Several web servers behind one load balancer (REDIS_URL): two real gunicorn processes on one
database share the cache through Redis — the failed public look-ups counted on one server count
on the other until 429, a session made on one is valid on the other, and the idle timeout one
server keeps is the other's too. Without REDIS_URL (each server with a file cache of its own, as
on two machines) the same look-ups are counted apart: the control that shows the test can fail.

Redis runs on this machine at 127.0.0.1:6379; each test uses a key prefix of its own, so tests
running at the same time never count each other's look-ups."""

import http.cookiejar
import pickle
import re
import secrets
import shutil
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from communitygate.matters.throttling import LIMIT
from tests.servers import communitygate, get, gunicorn, server_environment

# Its servers run on a SQLite file of their own, whatever DATABASE_URL names: .ci/run's
# PostgreSQL pass leaves it out (`-m "not own_database"`), the SQLite pass runs it.
pytestmark = pytest.mark.own_database

REDIS_URL = "redis://127.0.0.1:6379/3"
UNKNOWN_MATTER = "/api/v1/public/matters/MQ00000000?phone_last4=1234"
PASSWORD = "correct horse battery staple 7"


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite database with one person, copied for each test (migrating is slow)."""
    var_dir = tmp_path_factory.mktemp("migrated")
    env = server_environment(var_dir)
    communitygate("migrate", "--verbosity", "0", env=env, timeout=600)
    communitygate(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user('ops-tester', password='{PASSWORD}')",
        env=env,
    )
    return var_dir / "server.sqlite3"


def two_server_environments(
    tmp_path: Path, database: Path, **extra: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Two installations on one database file and one SECRET_KEY, each with a cache directory of
    its own (used only without REDIS_URL)."""
    shutil.copy(database, tmp_path / "server.sqlite3")
    common = {"SECRET_KEY": secrets.token_urlsafe(50), "COMMUNITYGATE_REQUIRE_MFA": "0", **extra}
    return tuple(  # type: ignore[return-value]
        server_environment(tmp_path, CACHE_DIR=str(tmp_path / f"cache-{name}"), **common)
        for name in ("a", "b")
    )


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    prefix = f"cg-test-{secrets.token_hex(8)}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def fail_lookups(base: str, count: int) -> list[int]:
    return [get(f"{base}{UNKNOWN_MATTER}") for _ in range(count)]


def test_two_servers_share_throttles_sessions_and_idle_timeouts_through_redis(
    tmp_path: Path, migrated_database: Path, redis_prefix: str
) -> None:
    env_a, env_b = two_server_environments(
        tmp_path, migrated_database, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix
    )
    with gunicorn(env_a, tmp_path, "a") as server_a, gunicorn(env_b, tmp_path, "b") as server_b:
        # Failed look-ups: half on each server, then both refuse.
        half = LIMIT // 2
        assert fail_lookups(server_a, half) == [404] * half
        assert fail_lookups(server_b, LIMIT - half) == [404] * (LIMIT - half)
        assert fail_lookups(server_b, 1) == [429]
        assert fail_lookups(server_a, 1) == [429]

        # A session made on A is valid on B; B notes the session's last request in Redis.
        browser = Browser()
        browser.sign_in(server_a, "ops-tester", PASSWORD)
        assert browser.status(f"{server_b}/workbench/") == 200
        session_key = browser.cookie("sessionid")
        client = redis.Redis.from_url(REDIS_URL)
        idle_key = f"{redis_prefix}:1:idle:{session_key}"
        last_seen = pickle.loads(client.get(idle_key))  # noqa: S301 (our own test's Redis)
        assert abs(time.time() - last_seen) < 60

        # Idle for 31 minutes, as B recorded it: A signs the person out.
        client.set(idle_key, pickle.dumps(last_seen - 31 * 60), keepttl=True)
        answer = browser.open(f"{server_a}/workbench/")
        assert answer.url.startswith(f"{server_a}/accounts/login/"), answer.url
    access_a = (tmp_path / "a.out").read_text()
    access_b = (tmp_path / "b.out").read_text()
    assert access_a.count(UNKNOWN_MATTER.split("?")[0]) == half + 1
    assert access_b.count(UNKNOWN_MATTER.split("?")[0]) == LIMIT - half + 1


def test_without_redis_each_server_counts_on_its_own(
    tmp_path: Path, migrated_database: Path
) -> None:
    env_a, env_b = two_server_environments(tmp_path, migrated_database)
    with gunicorn(env_a, tmp_path, "a") as server_a, gunicorn(env_b, tmp_path, "b") as server_b:
        half = LIMIT // 2
        assert fail_lookups(server_a, half) == [404] * half
        assert fail_lookups(server_b, LIMIT - half) == [404] * (LIMIT - half)
        # B has counted only its own half: the look-up that A and B together should refuse runs.
        assert fail_lookups(server_b, 1) == [404]


class Browser:
    """Cookies and redirects, as a browser keeps them (urllib: no client library to install)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, data: dict[str, str] | None = None, **headers: str):  # type: ignore[no-untyped-def]
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        return self.opener.open(request, timeout=30)

    def status(self, url: str) -> int:
        with self.open(url) as answer:
            assert not answer.url.split("?")[0].endswith("/accounts/login/"), answer.url
            return int(answer.status)

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name and cookie.value)

    def sign_in(self, base: str, username: str, password: str) -> None:
        page = self.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        with self.open(
            f"{base}/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
            Referer=f"{base}/accounts/login/",
        ) as answer:
            assert "/accounts/login/" not in answer.url, "signed in"
