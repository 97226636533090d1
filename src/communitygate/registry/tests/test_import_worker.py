"""The registry import runs in the background: the upload queues a task that the database
worker (`communitygate db_worker`) runs to the end."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from communitygate.registry.models import ImportStatuses, Resident, ResidentImport
from communitygate.registry.services.importing import resident_import_start
from communitygate.registry.tests.importing_files import csv_bytes, person
from communitygate.testing import World, build_world

# Real transactions: the upload's on_commit queues the task, which the worker then runs.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_runs_a_queued_import_and_removes_the_file(
    settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    world: World = build_world()
    batch = resident_import_start(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        filename="居民.csv",
        content=csv_bytes([person(n) for n in range(4)]),
    )
    stored = Path(batch.payload.path)
    assert stored.exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch = ResidentImport.objects.get(pk=batch.pk)
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    assert Resident.objects.count() == 4
    assert not batch.payload and not stored.exists()
    client = Client()
    client.force_login(world.user("community_worker"))
    assert client.get(f"/residents/import/{batch.pk}/progress.json").json()["finished"]
