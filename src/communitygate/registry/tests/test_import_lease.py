"""The import's lease without a process of its own: a running import renews its heartbeat as it
writes its progress; one that stopped renewing is failed when someone looks at it or uploads
its file again; a live one is left alone."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.registry.models import ImportStatuses, ResidentImport
from communitygate.registry.services.importing import (
    import_lease,
    resident_import_create,
    resident_import_run,
    stalled_imports_fail,
)
from communitygate.registry.tests.importing_files import csv_bytes, person
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def stuck_import(world: World, content: bytes, *, heartbeat: dt.datetime) -> ResidentImport:
    """An import a worker took and then stopped renewing (as a killed worker leaves it)."""
    batch = resident_import_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        filename="居民.csv",
        content=content,
    )
    ResidentImport.objects.filter(pk=batch.pk).update(
        status=ImportStatuses.WRITING, rows_done=4, rows_total=4, heartbeat_at=heartbeat
    )
    batch.refresh_from_db()
    return batch


def test_progress_writes_renew_the_heartbeat(world: World) -> None:
    clock.pin(NOON)
    batch = resident_import_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        filename="居民.csv",
        content=csv_bytes([person(n) for n in range(3)]),
    )
    assert batch.heartbeat_at is None
    seen: list[dt.datetime | None] = []
    resident_import_run(
        batch.pk,
        on_progress=lambda b: seen.append(
            ResidentImport.objects.values_list("heartbeat_at", flat=True).get(pk=b.pk)
        ),
    )
    assert seen and all(moment == NOON for moment in seen)


def test_a_live_import_is_left_alone_and_its_file_refused(world: World) -> None:
    content = csv_bytes([person(n) for n in range(4)])
    clock.pin(NOON)
    batch = stuck_import(world, content, heartbeat=NOON)
    clock.pin(NOON + import_lease() - dt.timedelta(seconds=1))
    assert stalled_imports_fail() == []
    client = signed_in(world.user("community_secretary"))
    assert client.get(f"/residents/import/{batch.pk}/progress.json").json()["finished"] is False
    answer = client.post(
        "/residents/import/",
        {"community": "370203031001", "file": _upload(content)},
    )
    assert "正在为本社区导入" in answer.content.decode()
    assert ResidentImport.objects.get(pk=batch.pk).status == ImportStatuses.WRITING


def test_looking_at_a_dead_import_fails_it_and_removes_its_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = csv_bytes([person(n) for n in range(4)])
    clock.pin(NOON)
    batch = stuck_import(world, content, heartbeat=NOON)
    stored = Path(batch.payload.path)
    assert stored.exists()
    clock.pin(NOON + import_lease() + dt.timedelta(seconds=1))
    client = signed_in(world.user("community_secretary"))
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        progress = client.get(f"/residents/import/{batch.pk}/progress.json").json()
    assert (progress["status"], progress["finished"], progress["percent"]) == ("failed", True, 100)
    page = client.get(f"/residents/import/{batch.pk}/").content.decode()
    assert "导入中断" in page
    batch.refresh_from_db()
    assert batch.status == ImportStatuses.FAILED and not batch.payload
    assert not stored.exists()
    event = AuditEvent.objects.get(action="resident_import.interrupted")
    assert event.changes["status"] == ["writing", "failed"]
    assert event.actor_id is None  # the system, not a person


def test_uploading_the_file_of_a_dead_import_fails_it_and_starts_afresh(world: World) -> None:
    content = csv_bytes([person(n) for n in range(4)])
    clock.pin(NOON)
    dead = stuck_import(world, content, heartbeat=NOON)
    clock.pin(NOON + import_lease() + dt.timedelta(minutes=1))
    fresh = resident_import_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        filename="居民.csv",
        content=content,
    )
    assert ResidentImport.objects.get(pk=dead.pk).status == ImportStatuses.FAILED
    assert resident_import_run(fresh.pk).status == ImportStatuses.IMPORTED


def test_an_import_from_before_the_heartbeat_counts_from_its_upload(world: World) -> None:
    clock.pin(NOON)
    batch = stuck_import(world, csv_bytes([person(1)]), heartbeat=NOON)
    ResidentImport.objects.filter(pk=batch.pk).update(heartbeat_at=None)
    clock.pin(NOON + import_lease() - dt.timedelta(seconds=1))
    assert stalled_imports_fail() == []
    clock.pin(NOON + import_lease() + dt.timedelta(seconds=1))
    assert stalled_imports_fail() == [batch.pk]


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("居民.csv", content, content_type="text/csv")
