"""A residents' import whose worker is killed mid-way (kill -9, a machine going down) stops
renewing its lease; the scheduler's sweep, or the next look at it, fails it with a message,
removes its encrypted file and lets the same file be imported again."""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.idnumbers import generate_id_number
from communitygate.jobs.services import WORKER_LOST, scheduler_tick
from communitygate.registry.models import ImportStatuses, Resident, ResidentImport
from communitygate.registry.services.importing import (
    ImportAlreadyRunning,
    import_lease,
    resident_import_create,
    resident_import_run,
    resident_import_start,
)
from communitygate.registry.tests.importing_files import csv_bytes, person
from communitygate.testing import build_world, command_process_environment

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 6000  # checked at a few thousand rows a second: killed after the first 1,000


def distinct_people(count: int) -> bytes:
    """`count` residents with distinct ID numbers (one birth date each)."""
    rows = []
    for number in range(count):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=number)
        sex = "male" if number % 2 else "female"
        id_number = generate_id_number(
            random.Random(number), region="370203", birth_date=birth, sex=sex
        )
        rows.append(person(number, 身份证号=id_number, 出生日期=birth.isoformat()))
    return csv_bytes(rows)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The media directory this process and the worker's process share (VAR_DIR/media)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def test_a_worker_killed_mid_import_is_failed_by_the_sweep_and_the_file_imports_again(
    media: Path, tmp_path: Path
) -> None:
    world = build_world()
    secretary, community = world.user("community_secretary"), world.org("community")
    content = distinct_people(ROWS)
    batch = resident_import_start(
        actor=secretary, community=community, filename="居民.csv", content=content
    )
    stored = Path(batch.payload.path)
    assert stored.exists() and stored.is_relative_to(media)
    connection.close()
    worker = subprocess.Popen(
        [sys.executable, "-m", "communitygate", "db_worker", "--batch", "--no-startup-delay"],
        env=command_process_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            batch = ResidentImport.objects.get(pk=batch.pk)
            if batch.status == ImportStatuses.CHECKING and batch.rows_done >= 1000:
                break
            assert worker.poll() is None, "the worker ended before it could be killed"
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    batch = ResidentImport.objects.get(pk=batch.pk)
    assert batch.status == ImportStatuses.CHECKING and batch.rows_done < ROWS  # stuck mid-way
    assert batch.heartbeat_at is not None
    task = DBTaskResult.objects.get(task_path__endswith="run_resident_import")
    assert task.status == TaskResultStatus.RUNNING  # what django_tasks_db leaves behind

    # Within the lease the import may still be alive: the same file is refused, nothing swept.
    with pytest.raises(ImportAlreadyRunning):
        resident_import_create(
            actor=secretary, community=community, filename="居民.csv", content=content
        )
    assert scheduler_tick().imports_failed == []

    clock.pin(batch.heartbeat_at + import_lease() + dt.timedelta(seconds=1))
    tick = scheduler_tick()
    assert tick.imports_failed == [batch.pk]
    assert tick.tasks_failed == [str(task.pk)]
    batch.refresh_from_db()
    assert batch.status == ImportStatuses.FAILED
    assert batch.problems[0]["message_zh"].startswith("导入中断")
    assert "interrupted" in batch.problems[0]["message_en"]
    assert batch.finished_at is not None and not batch.payload
    assert not stored.exists()
    assert list(media.rglob("*.enc")) == []
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == (TaskResultStatus.FAILED, WORKER_LOST)
    assert AuditEvent.objects.filter(
        action="resident_import.interrupted", object_id=str(batch.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="background_task.interrupted").count() == 1
    assert Resident.objects.count() == 0  # nothing half-written

    again = resident_import_create(
        actor=secretary, community=community, filename="居民.csv", content=content
    )
    again = resident_import_run(again.pk)
    assert again.status == ImportStatuses.IMPORTED, again.problems[:3]
    assert Resident.objects.count() == ROWS
    assert list(media.rglob("*.enc")) == []


def test_an_upload_rolled_back_with_its_callers_transaction_leaves_no_encrypted_file(
    media: Path,
) -> None:
    from django.core.signals import request_finished
    from django.db import transaction

    world = build_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        batch = resident_import_create(
            actor=world.user("community_secretary"),
            community=world.org("community"),
            filename="居民.csv",
            content=csv_bytes([person(1)]),
        )
        assert Path(batch.payload.path).exists()
        raise RuntimeError("the caller's transaction fails")
    request_finished.send(sender=None)
    assert ResidentImport.objects.count() == 0
    assert list(media.rglob("*.enc")) == []
