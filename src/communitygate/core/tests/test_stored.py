"""An uploaded file stored inside a transaction that rolls back leaves nothing behind in the
media directory (core.stored); one whose transaction commits stays."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import transaction

from communitygate.core.stored import keep_if_committed, uncommitted_file_names
from communitygate.oversight.models import FindingFile

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


class Broke(Exception):
    pass


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def files_in(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def store(name: str) -> str:
    return default_storage.save(name, ContentFile(PDF))


def test_a_rolled_back_transaction_leaves_no_file_once_the_request_ends(media: Path) -> None:
    with pytest.raises(Broke), transaction.atomic():
        keep_if_committed(default_storage, store("evidence/a.pdf"))
        assert len(files_in(media)) == 1  # readable inside its own transaction
        raise Broke
    request_finished.send(sender=None)  # what Django sends when the answer is done
    assert files_in(media) == []
    assert uncommitted_file_names() == []


def test_a_committed_transaction_keeps_its_file(media: Path) -> None:
    with transaction.atomic():
        keep_if_committed(default_storage, store("evidence/b.pdf"))
    request_finished.send(sender=None)
    assert [path.name for path in files_in(media)] == ["b.pdf"]


def test_a_savepoint_rolled_back_inside_a_committed_transaction_loses_its_file(
    media: Path,
) -> None:
    with transaction.atomic():
        keep_if_committed(default_storage, store("evidence/kept.pdf"))
        with pytest.raises(Broke), transaction.atomic():
            keep_if_committed(default_storage, store("evidence/lost.pdf"))
            raise Broke
    request_finished.send(sender=None)
    assert [path.name for path in files_in(media)] == ["kept.pdf"]


def test_nothing_is_removed_while_the_transaction_is_still_open(media: Path) -> None:
    with transaction.atomic():
        keep_if_committed(default_storage, store("evidence/c.pdf"))
        request_finished.send(sender=None)  # e.g. a nested request in a test
        assert len(files_in(media)) == 1
    assert len(files_in(media)) == 1


def test_a_finding_whose_service_fails_after_attaching_leaves_no_file(
    media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real path: an inspector's finding with two files over the API (core.uploads
    attach_files stores them), and the service failing after that, inside its transaction."""
    from communitygate.oversight.services import inspections
    from communitygate.oversight.tests.test_api import INSPECTIONS, PDF, PNG, b64, planned, post
    from communitygate.testing import build_world

    world = build_world()
    inspection = planned(world)
    body = {
        "kind": "unadmitted_plaque",
        "description": "社区门口挂有牌子，目录未要求",
        "community": "370203031001",
        "department": "DEPT-MZ",
        "wall_kind": "plaque",
        "wall_name": "创建文明城市工作站",
        "files": [
            {"filename": "门口.png", "content_base64": b64(PNG)},
            {"filename": "通知.pdf", "content_base64": b64(PDF)},
        ],
    }
    written: list[int] = []

    def fails_after_attaching(**kwargs: object) -> None:
        written.append(len(files_in(media)))
        raise Broke

    monkeypatch.setattr(inspections, "violation_record", fails_after_attaching)
    with pytest.raises(Broke):
        post("inspector", world, f"{INSPECTIONS}/{inspection['id']}/findings", body)
    assert written == [2]  # the files were there inside the transaction
    assert files_in(media) == []
    assert FindingFile.objects.count() == 0

    monkeypatch.undo()
    answer = post("inspector", world, f"{INSPECTIONS}/{inspection['id']}/findings", body)
    assert answer.status_code == 201, answer.content
    assert len(files_in(media)) == 2 == FindingFile.objects.count()
