"""Benchmark: public catalog reads at city scale.

Builds, in a throw-away database, a city of 1,000+ communities and a catalog with many published
editions, then times the public API's list and diff endpoints and counts their queries. Prints
medians over repeated runs (shared machines are noisy).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python scripts/benchmark_catalog.py
    .venv/bin/python scripts/benchmark_catalog.py            # SQLite, in var/bench-<pid>.sqlite3

The database named by DATABASE_URL is created for the run and dropped afterwards.
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communitygate.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SUBDISTRICTS = 40
COMMUNITIES_PER_SUBDISTRICT = 26  # 1,040 communities
ITEMS = 600
EDITIONS = 30
REPEATS = 15


def build() -> dict[str, int]:
    from dataclasses import replace

    from django.contrib.auth.models import User

    from communitygate.accounts.services import membership_grant
    from communitygate.catalog.models import CatalogEdition, CatalogItem
    from communitygate.catalog.services import (
        catalog_item_create,
        catalog_item_revise,
        catalog_publish,
        item_fields_of,
    )
    from communitygate.orgs.services import organisation_create
    from communitygate.testing import item_fields

    district = organisation_create(actor=None, code="3702", name="示例市", kind="district")
    for s in range(SUBDISTRICTS):
        sub = organisation_create(
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
                parent=sub,
            )
    for code in ("DEPT-MZ", "DEPT-WJ"):
        organisation_create(actor=None, code=code, name=code, kind="department", parent=district)
    office_org = organisation_create(
        actor=None, code="OFFICE", name="办公室", kind="committee_office"
    )
    office = User.objects.create_user("bench-office")
    membership_grant(actor=None, user=office, organisation=office_org, role="officer")
    for number in range(ITEMS):
        catalog_item_create(
            actor=office,
            fields=item_fields(
                f"B-{number:04d}",
                name=f"示例事项{number}号 社区协助工作",
                domain=["civil_affairs", "health", "labour", "culture"][number % 4],
                department_code=["DEPT-MZ", "DEPT-WJ"][number % 2],
            ),
        )
    catalog_publish(actor=office, title="edition 1")
    items = list(
        CatalogItem.objects.select_related("department").prefetch_related("ledgers", "plaques")
    )
    for edition in range(2, EDITIONS + 1):
        for item in items[edition::37]:
            fields = replace(item_fields_of(item), estimated_hours=Decimal(edition))
            item = catalog_item_revise(actor=office, item=item, fields=fields)
        catalog_publish(actor=office, title=f"edition {edition}")
    first = CatalogEdition.objects.order_by("number").first()
    last = CatalogEdition.objects.order_by("-number").first()
    assert first is not None and last is not None
    return {"first": first.pk, "last": last.pk}


def measure(client: Client, path: str) -> tuple[float, int, int]:
    timings = []
    queries = 0
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        queries = len(captured)
    return statistics.median(timings) * 1000, queries, len(response.content)


def main() -> None:
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        ids = build()
        built = time.perf_counter() - started
        from communitygate.catalog.models import EditionEntry
        from communitygate.orgs.models import Organisation

        print(f"database: {connection.vendor}; built in {built:.0f} s")
        print(
            f"organisations {Organisation.objects.count()}, "
            f"communities {Organisation.objects.filter(kind='community').count()}, "
            f"edition entries {EditionEntry.objects.count()} ({EDITIONS} editions x {ITEMS} items)"
        )
        client = Client()
        paths = [
            "/api/v1/catalog/items?limit=50",
            "/api/v1/catalog/items?limit=500",
            "/api/v1/catalog/items?class=statutory&domain=health&department=DEPT-WJ",
            "/api/v1/catalog/items?q=" + "示例事项59",
            f"/api/v1/catalog/items?edition={ids['first']}&limit=100&offset=400",
            f"/api/v1/catalog/editions/{ids['last']}/diff?against={ids['first']}",
            "/api/v1/catalog/editions",
            "/api/v1/organisations?kind=community&limit=500",
            "/catalog/?domain=health",
        ]
        print(f"{'path':<78} {'median ms':>9} {'queries':>7} {'bytes':>8}")
        for path in paths:
            median, queries, size = measure(client, path)
            print(f"{path:<78} {median:9.1f} {queries:7d} {size:8d}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
