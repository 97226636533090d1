"""The health endpoint, `GET /healthz`, for the load balancer and the operator's monitoring.

Four checks, each "ok", "warn" or "fail", and the worst of them as `status`:

- database: a `SELECT 1` on the default database.
- queue: the task queue's table (django-tasks-db) answers, and how long the oldest task ready to
  run has waited. Waiting longer than HEALTH_QUEUE_WARN_SECONDS is "warn" (the worker is
  probably down): the web server itself is well, so the load balancer keeps it.
- cache: a value written to the cache is read back (Redis with REDIS_URL, else the file cache).
- calendar: the working-day calendar (core.workdays) knows this year and next year. This year
  unknown is "fail": no deadline of today can be counted. Next year unknown is "warn": the State
  Council publishes it between late October and early December and the office enters it then
  (the November reminder); until it does, only dates that reach into next year are refused.

The answer is 200 when no check fails ("ok" or "warn"), 503 when one does: a load balancer
takes a node out on 503. It needs no sign-in and carries no personal data: statuses, durations
and an exception's class name, never its message (which may name hosts or users).
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Min, Q
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max

from communitygate.core import clock, workdays

Status = Literal["ok", "warn", "fail"]
_ORDER: dict[Status, int] = {"ok": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True)
class Check:
    status: Status
    details: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, **self.details}


def _failed(error: Exception) -> Check:
    return Check("fail", {"error": type(error).__name__})


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check("ok", {})


def check_queue() -> Check:
    """The oldest task ready to run: waiting since it was enqueued, or since its run_after."""
    never = get_date_max()
    oldest = DBTaskResult.objects.ready().aggregate(
        enqueued=Min("enqueued_at", filter=Q(run_after=never)),
        due=Min("run_after", filter=~Q(run_after=never)),
    )
    waiting_since = min((moment for moment in oldest.values() if moment is not None), default=None)
    if waiting_since is None:
        return Check("ok", {"oldest_waiting_seconds": 0})
    waited = max(0, int((clock.now() - waiting_since).total_seconds()))
    limit = int(settings.HEALTH_QUEUE_WARN_SECONDS)
    return Check("warn" if waited > limit else "ok", {"oldest_waiting_seconds": waited})


def check_cache() -> Check:
    key = f"healthz:{get_random_string(16)}"
    value = get_random_string(16)
    cache.set(key, value, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        return Check("fail", {"error": "ValueNotReadBack"})
    return Check("ok", {})


def check_calendar(today: dt.date | None = None) -> Check:
    year = (today or clock.today()).year
    if not workdays.year_is_covered(year):
        return Check("fail", {"missing_year": year})
    if not workdays.year_is_covered(year + 1):
        return Check("warn", {"missing_year": year + 1})
    return Check("ok", {})


# name → (check, whether it reads the database)
CHECKS: dict[str, tuple[Callable[[], Check], bool]] = {
    "database": (check_database, True),
    "queue": (check_queue, True),
    "cache": (check_cache, False),
    "calendar": (check_calendar, True),
}


def _run(check: Callable[[], Check], reads_database: bool) -> Check:
    started = time.perf_counter()
    try:
        if reads_database:
            # A savepoint of its own: a failed query must not spoil the next check's (PostgreSQL).
            with transaction.atomic():
                result = check()
        else:
            result = check()
    except Exception as error:  # any failure is the answer, never a 500
        result = _failed(error)
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return Check(result.status, {**result.details, "ms": elapsed})


def health_report() -> tuple[Status, dict[str, dict[str, object]]]:
    results = {name: _run(*check) for name, check in CHECKS.items()}
    worst = max((result.status for result in results.values()), key=_ORDER.__getitem__)
    return worst, {name: result.as_dict() for name, result in results.items()}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status, checks = health_report()
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "fail" else 200
    )
