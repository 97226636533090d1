"""The registry import's pages, progress JSON, template download and command line."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from communitygate.core.idnumbers import is_valid_id_number
from communitygate.registry.models import ImportStatuses, Resident, ResidentImport
from communitygate.registry.services import importing
from communitygate.registry.services.importing import (
    IMPORT_HEADERS,
    resident_import_create,
    resident_import_run,
)
from communitygate.registry.tests.importing_files import csv_bytes, person
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"(?<![0-9A-Za-z_-])\d{17}[\dX](?![0-9A-Za-z_-])")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def batch_of(world: World, content: bytes, *, run: bool = True) -> ResidentImport:
    batch = resident_import_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        filename="居民.csv",
        content=content,
    )
    return resident_import_run(batch.pk) if run else batch


def test_uploading_queues_the_task_and_shows_the_progress_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(world.user("community_secretary"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/residents/import/",
            {
                "community": "370203031001",
                "file": SimpleUploadedFile("居民.csv", csv_bytes([person(0)]), "text/csv"),
            },
        )
    batch = ResidentImport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/residents/import/{batch.pk}/"
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("run_resident_import")
    assert queued.args_kwargs["args"] == [batch.pk]  # the id only, nothing personal
    page = client.get(answer["Location"]).content.decode()
    assert '<progress id="import-bar" max="100" value="0"' in page
    assert "registry/import-progress.js" in page
    assert "<script>" not in page  # no inline script (CSP)
    assert f'href="/residents/import/{batch.pk}/"' in page  # the reload link without scripts


def test_an_upload_for_another_community_is_refused_with_the_form(world: World) -> None:
    answer = signed_in(world.user("community_secretary")).post(
        "/residents/import/",
        {
            "community": "370203014001",
            "file": SimpleUploadedFile("居民.csv", csv_bytes([person(0)]), "text/csv"),
        },
    )
    assert answer.status_code == 200
    assert not ResidentImport.objects.exists()


def test_the_same_file_twice_while_queued_is_refused_on_the_page(world: World) -> None:
    content = csv_bytes([person(0)])
    batch_of(world, content, run=False)
    answer = signed_in(world.user("community_secretary")).post(
        "/residents/import/",
        {"community": "370203031001", "file": SimpleUploadedFile("b.csv", content, "text/csv")},
    )
    assert answer.status_code == 200
    assert "同一文件正在为本社区导入" in answer.content.decode()
    assert "already being imported" not in answer.content.decode()
    assert ResidentImport.objects.count() == 1


def test_a_rejected_import_lists_its_problems_by_row_and_column_paged(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [person(n, 联系电话="12345") for n in range(150)]
    batch = batch_of(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED and len(batch.problems) == 150
    client = signed_in(world.user("community_secretary"))
    page = client.get(f"/residents/import/{batch.pk}/").content.decode()
    assert "150 problems" in page or "150 处" in page
    assert page.count("<td>联系电话</td>") == 100
    assert "<td>2</td>" in page
    second = client.get(f"/residents/import/{batch.pk}/?page=2").content.decode()
    assert second.count("<td>联系电话</td>") == 50
    assert "<td>151</td>" in second
    assert not FULL_ID.search(page + second)


def test_the_progress_json_has_numbers_and_status_only(world: World) -> None:
    batch = batch_of(world, csv_bytes([person(0), person(1)]), run=False)
    client = signed_in(world.user("community_worker"))
    queued = client.get(f"/residents/import/{batch.pk}/progress.json").json()
    assert queued == {
        "id": batch.pk,
        "status": "queued",
        "status_label": queued["status_label"],
        "rows_total": 0,
        "rows_done": 0,
        "percent": 0,
        "residents_created": 0,
        "households_created": 0,
        "problems": 0,
        "finished": False,
    }
    resident_import_run(batch.pk)
    done = client.get(f"/residents/import/{batch.pk}/progress.json").json()
    assert (done["status"], done["percent"], done["finished"]) == ("imported", 100, True)
    assert (done["rows_total"], done["rows_done"], done["residents_created"]) == (2, 2, 2)


@pytest.mark.parametrize(
    "who", ["community_secretary_other", "subdistrict_officer", "office_admin", "no_role"]
)
def test_others_get_404_for_a_communitys_import(world: World, who: str) -> None:
    batch = batch_of(world, csv_bytes([person(0)]), run=False)
    client = signed_in(world.user(who))
    assert client.get(f"/residents/import/{batch.pk}/").status_code == 404
    assert client.get(f"/residents/import/{batch.pk}/progress.json").status_code == 404


def test_the_list_shows_only_the_communitys_imports_in_fixed_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    for number in range(3):
        batch_of(world, csv_bytes([person(number)]), run=False)
    client = signed_in(world.user("community_secretary"))
    client.get("/residents/import/")  # warm the session
    with django_assert_num_queries(6):
        page = client.get("/residents/import/").content.decode()
    assert page.count('data-testid="import-') >= 3
    other = signed_in(world.user("community_secretary_other")).get("/residents/import/")
    assert other.status_code == 200
    assert "居民.csv" not in other.content.decode()


def test_the_template_has_the_headers_and_a_refused_example_row(world: World) -> None:
    answer = signed_in(world.user("community_secretary")).get("/residents/import/template.xlsx")
    assert answer.status_code == 200
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == IMPORT_HEADERS
    example = dict(zip(IMPORT_HEADERS, rows[1], strict=True))
    assert str(example["姓名"]).startswith("【示例】")
    assert is_valid_id_number(str(example["身份证号"]))
    batch = batch_of(world, content, run=False)
    batch.filename = "模板.xlsx"
    batch.save()
    rejected = resident_import_run(batch.pk)
    assert rejected.status == ImportStatuses.REJECTED
    assert {(p["row"], p["column"]) for p in rejected.problems} == {(2, "姓名")}


# The command line ------------------------------------------------------------------------------


def test_the_command_imports_and_exits_zero(world: World, tmp_path: Path) -> None:
    path = tmp_path / "居民.csv"
    path.write_bytes(csv_bytes([person(n) for n in range(4)]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_residents", str(path), community="370203031001", stdout=out, stderr=err)
    assert "imported 4 residents" in out.getvalue()
    assert Resident.objects.count() == 4
    batch = ResidentImport.objects.get()
    assert batch.uploaded_by.get_username() == "community_secretary"  # the default uploader


def test_the_command_prints_the_problems_and_exits_two_when_rejected(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "居民.csv"
    path.write_bytes(csv_bytes([person(0), person(1, 性别="女")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_residents",
            str(path),
            community="370203031001",
            as_user="community_worker",
            stderr=err,
        )
    assert refused.value.returncode == 2
    assert "第 3 行 [性别]" in err.getvalue()
    assert "100%" in capsys.readouterr().err  # the progress bar
    assert not Resident.objects.exists()


def test_the_command_exits_one_when_the_import_fails(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_write(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importing, "_write", broken_write)
    path = tmp_path / "居民.csv"
    path.write_bytes(csv_bytes([person(0)]))
    with pytest.raises(CommandError) as failed:
        call_command("import_residents", str(path), community="370203031001", stderr=io.StringIO())
    assert failed.value.returncode == 1


def test_the_command_refuses_someone_outside_the_community(world: World, tmp_path: Path) -> None:
    path = tmp_path / "居民.csv"
    path.write_bytes(csv_bytes([person(0)]))
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_residents", str(path), community="370203031001", as_user="subdistrict_officer"
        )
    assert refused.value.returncode == 1
    assert not ResidentImport.objects.exists()


def test_the_import_pages_progress_and_template_are_never_cached(world: World) -> None:
    batch = batch_of(world, csv_bytes([person(0)]), run=False)
    client = signed_in(world.user("community_secretary"))
    for url in (
        "/residents/import/",
        f"/residents/import/{batch.pk}/",
        f"/residents/import/{batch.pk}/progress.json",
        "/residents/import/template.xlsx",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "no-store" in answer["Cache-Control"], url
