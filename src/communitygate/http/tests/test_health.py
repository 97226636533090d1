"""GET /healthz (http.health): every check passes on a well installation, and each one that
cannot do its work says so — 503 for the load balancer when one fails, 200 with "warn" when the
node itself is well but something needs the operator."""

import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from communitygate.core import clock
from communitygate.dispatch.tasks import notify_refused
from communitygate.workcalendar.models import CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Within the years the chinesecalendar package knows (this one and the next).
KNOWN_YEARS_DAY = dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def test_a_well_installation_answers_ok_for_every_check(client) -> None:
    clock.pin(KNOWN_YEARS_DAY)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "queue", "cache", "calendar"}
    assert {check["status"] for check in body["checks"].values()} == {"ok"}
    assert body["checks"]["queue"]["oldest_waiting_seconds"] == 0
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies  # no sign-in, no session


def test_no_sign_in_and_no_other_method(client) -> None:
    assert client.post("/healthz").status_code == 405


def test_next_years_calendar_not_entered_is_a_warning_not_a_failure(client) -> None:
    clock.pin(dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))  # the package stops at 2026
    status, body = health(client)
    assert status == 200
    assert body["status"] == "warn"
    assert body["checks"]["calendar"]["status"] == "warn"
    assert body["checks"]["calendar"]["missing_year"] == 2027

    CalendarYear.objects.create(year=2027, complete=True)
    status, body = health(client)
    assert (status, body["status"], body["checks"]["calendar"]["status"]) == (200, "ok", "ok")


def test_this_years_calendar_unknown_fails(client) -> None:
    clock.pin(dt.datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI))
    status, body = health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["calendar"] == {
        "status": "fail",
        "missing_year": 2027,
        "ms": body["checks"]["calendar"]["ms"],
    }
    assert body["checks"]["database"]["status"] == "ok"


@override_settings(HEALTH_QUEUE_WARN_SECONDS=600)
def test_a_task_waiting_longer_than_the_limit_is_a_warning(client) -> None:
    clock.pin(KNOWN_YEARS_DAY)
    notify_refused.enqueue(assignment_id=1)
    DBTaskResult.objects.update(enqueued_at=clock.now() - dt.timedelta(seconds=300))
    status, body = health(client)
    assert (status, body["checks"]["queue"]["status"]) == (200, "ok")
    assert 300 <= body["checks"]["queue"]["oldest_waiting_seconds"] < 310

    DBTaskResult.objects.update(enqueued_at=clock.now() - dt.timedelta(hours=2))
    status, body = health(client)
    assert (status, body["status"]) == (200, "warn")
    assert body["checks"]["queue"]["status"] == "warn"
    assert body["checks"]["queue"]["oldest_waiting_seconds"] >= 7200


def test_a_task_due_later_is_not_waiting(client) -> None:
    clock.pin(KNOWN_YEARS_DAY)
    notify_refused.using(run_after=clock.now() + dt.timedelta(days=1)).enqueue(assignment_id=1)
    DBTaskResult.objects.update(enqueued_at=clock.now() - dt.timedelta(hours=2))
    _status, body = health(client)
    assert body["checks"]["queue"] == {
        "status": "ok",
        "oldest_waiting_seconds": 0,
        "ms": body["checks"]["queue"]["ms"],
    }


def test_a_queue_table_that_does_not_answer_fails(client) -> None:
    clock.pin(KNOWN_YEARS_DAY)
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(f"DROP TABLE {DBTaskResult._meta.db_table}")
    status, body = health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["queue"]["status"] == "fail"
    assert body["checks"]["queue"]["error"] in {"OperationalError", "ProgrammingError"}
    # The failure stays in its own savepoint: the checks after it still run.
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["calendar"]["status"] == "ok"


def test_a_cache_that_does_not_answer_fails(client) -> None:
    clock.pin(KNOWN_YEARS_DAY)
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=unreachable):
        status, body = health(client)
    assert status == 503
    assert body["checks"]["cache"] == {
        "status": "fail",
        "error": "ConnectionError",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert body["checks"]["database"]["status"] == "ok"


def test_a_database_that_does_not_answer_fails_without_a_500(tmp_path) -> None:
    """A server whose database is down (nothing listens on its port) answers 503 and says
    which checks failed, without the error's text (it may name hosts and users)."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://someone@127.0.0.1:1/nowhere",
        "VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
    }
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "communitygate.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status_line, body_line = result.stdout.strip().splitlines()[-2:]
    body = json.loads(body_line)
    assert int(status_line) == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["queue"]["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "ok"
    assert "someone" not in body_line and "nowhere" not in body_line
