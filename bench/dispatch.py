"""Benchmark: one task sent to every community of a city, beside the floor.

Builds, in a throw-away database, a city of 1,144 communities (44 subdistricts of 26) and a
published catalog item, then times `services.task_send` to all communities (the gate, the task,
one assignment per community, the audit event, one transaction) against the floor: the same
number of assignment rows inserted by ONE raw SQL `INSERT ... SELECT`, also in its own
transaction. Prints the medians of the runs (taken alternately, after a warm-up; shared machines
are noisy), the ratio, and the number of SQL queries `task_send` makes. Target: within 3x.

    .venv/bin/python bench/dispatch.py                 # SQLite, in VAR_DIR/test-<pid>.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python bench/dispatch.py
    .venv/bin/python bench/dispatch.py --runs 15       # more runs (at least 7)

The database named by DATABASE_URL is not touched: a test database beside it is created for the
run and dropped afterwards.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SUBDISTRICTS = 44
COMMUNITIES_PER_SUBDISTRICT = 26  # 1,144 communities
STARTS, DUE = dt.date(2026, 12, 1), dt.date(2026, 12, 15)


def build() -> dict[str, object]:
    from django.contrib.auth.models import User

    from communitygate.accounts.services import membership_grant
    from communitygate.catalog.services import catalog_item_create, catalog_publish
    from communitygate.orgs.services import organisation_create
    from communitygate.testing import item_fields

    district = organisation_create(actor=None, code="3702", name="示例市", kind="district")
    for s in range(SUBDISTRICTS):
        subdistrict = organisation_create(
            actor=None,
            code=f"3702{s:03d}",
            name=f"示例街道{s}",
            kind="subdistrict",
            parent=district,
        )
        for c in range(COMMUNITIES_PER_SUBDISTRICT):
            organisation_create(
                actor=None,
                code=f"3702{s:03d}{c:03d}",
                name=f"示例社区{s}-{c}",
                kind="community",
                parent=subdistrict,
            )
    department = organisation_create(
        actor=None, code="DEPT-MZ", name="民政局", kind="department", parent=district
    )
    office_org = organisation_create(
        actor=None, code="OFFICE", name="办公室", kind="committee_office"
    )
    since = dt.date(2020, 1, 1)
    office = User.objects.create_user("bench-office")
    membership_grant(
        actor=None, user=office, organisation=office_org, role="officer", active_from=since
    )
    clerk = User.objects.create_user("bench-clerk")
    membership_grant(
        actor=None, user=clerk, organisation=department, role="clerk", active_from=since
    )
    catalog_item_create(actor=office, fields=item_fields("B-0001", department_code="DEPT-MZ"))
    catalog_publish(actor=office, title="edition 1")
    return {"clerk": clerk}


def send_once(clerk: object, number: int, *, count_queries: bool = False) -> tuple[float, int]:
    from communitygate.dispatch.services import Targets, TaskRequest, task_send

    request = TaskRequest(
        department_code="DEPT-MZ",
        item_code="B-0001",
        title=f"全市社区入户核查 {number}",
        task_type="inspection",
        starts_on=STARTS,
        due_on=DUE,
        targets=Targets("all"),
    )
    # Counting queries turns on Django's debug cursor, which costs time of its own (on SQLite
    # it quotes every parameter for the log): count them on an untimed run only.
    if count_queries:
        with CaptureQueriesContext(connection) as queries:
            task = task_send(actor=clerk, request=request)  # type: ignore[arg-type]
        assert task.admitted, task.reasons
        return 0.0, len(queries)
    started = time.perf_counter()
    task = task_send(actor=clerk, request=request)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    assert task.admitted, task.reasons
    return elapsed, 0


def floor_once(clerk: object, number: int) -> float:
    """The same rows with one INSERT ... SELECT (the task row is made beforehand, untimed)."""
    from communitygate.core import clock
    from communitygate.dispatch.models import Assignment, Task
    from communitygate.orgs.models import Organisation

    task = Task.objects.create(
        department=Organisation.objects.get(code="DEPT-MZ"),
        title=f"floor {number}",
        task_type="inspection",
        starts_on=STARTS,
        due_on=DUE,
        target_mode="all",
        admitted=True,
        created_by=clerk,
        created_at=clock.now(),
    )
    assignments, organisations = Assignment._meta.db_table, Organisation._meta.db_table
    columns = (
        "task_id, community_id, state, admitted, due_on, deliverable_text, deliverable_file, "
        "department_comment, refusal_comment, extension_state, extension_until, "
        "extension_reason, updated_at, revision"
    )
    sql = (
        f"INSERT INTO {assignments} ({columns}) "  # noqa: S608 (names from the models; values are parameters)
        "SELECT %s, id, 'received', %s, %s, '', '', '', '', '', NULL, '', %s, 0 "
        f"FROM {organisations} WHERE kind = 'community'"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [task.pk, True, DUE, clock.now()])
        inserted = cursor.rowcount
    elapsed = time.perf_counter() - started
    assert inserted == SUBDISTRICTS * COMMUNITIES_PER_SUBDISTRICT, inserted
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each (at least 7)")
    runs = max(7, parser.parse_args().runs)

    from django.test.utils import setup_databases, teardown_databases

    from communitygate.core import clock

    clock.pin(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    old = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        clerk = build()["clerk"]
        built = time.perf_counter() - started
        from communitygate.dispatch.models import Assignment
        from communitygate.orgs.models import Organisation

        communities = Organisation.objects.filter(kind="community").count()
        print(
            f"database: {connection.vendor}; city built in {built:.0f} s; {communities} communities"
        )
        _untimed, queries = send_once(clerk, -1, count_queries=True)
        for warm_up in range(2):
            send_once(clerk, -2 - warm_up)
            floor_once(clerk, -2 - warm_up)
        sends, floors = [], []
        for number in range(runs):
            sends.append(send_once(clerk, number)[0])
            floors.append(floor_once(clerk, number))
        assert Assignment.objects.count() == communities * (2 * (runs + 2) + 1)
        send_ms = statistics.median(sends) * 1000
        floor_ms = statistics.median(floors) * 1000
        print(f"runs: {runs} of each, alternating, after 2 warm-up runs")
        print(f"task_send to all communities   median {send_ms:8.1f} ms   ({queries} queries)")
        print(f"floor: one INSERT ... SELECT   median {floor_ms:8.1f} ms   (1 query)")
        print(f"ratio {send_ms / floor_ms:.2f}x  (target: within 3x)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
