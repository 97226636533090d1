"""The registry import: reading XLSX and CSV (UTF-8, BOM, GBK), checking every row with its
problems by row and column, duplicates by ID number, all-or-nothing writing with sealed values,
the encrypted stored file, and a crash that ends as "failed"."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from communitygate.audit.models import AuditEvent
from communitygate.core.crypto import blind_index, unseal
from communitygate.core.idnumbers import ID_NUMBER_KIND, mask_id_number
from communitygate.core.phones import PHONE_KIND
from communitygate.registry.models import (
    Building,
    CareTag,
    Household,
    ImportStatuses,
    Resident,
    ResidentImport,
    Room,
    Unit,
)
from communitygate.registry.services import importing
from communitygate.registry.services.importing import (
    IMPORT_HEADERS,
    ImportAlreadyRunning,
    NotCommunityStaff,
    decrypt_bytes,
    parse_import_date,
    resident_import_create,
    resident_import_run,
)
from communitygate.registry.tests.importing_files import csv_bytes, demo_id, person, xlsx_bytes
from communitygate.testing import World

pytestmark = pytest.mark.django_db

# The shapes standing alone (a digest's hex or a token's base64 may hold digit runs).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z_-])\d{17}[\dX](?![0-9A-Za-z_-])")
MOBILE = re.compile(r"(?<![0-9A-Za-z_-])1[3-9]\d{9}(?![0-9A-Za-z_-])")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def imported(
    world: World, content: bytes, filename: str = "居民.csv", who: str = "community_secretary"
) -> ResidentImport:
    batch = resident_import_create(
        actor=world.user(who), community=world.org("community"), filename=filename, content=content
    )
    return resident_import_run(batch.pk)


def registry_counts() -> tuple[int, ...]:
    return (
        Building.objects.count(),
        Unit.objects.count(),
        Room.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        Resident.tags.through.objects.count(),
        # The upload itself is recorded (resident_import.start); nothing else may be.
        AuditEvent.objects.exclude(action="resident_import.start").count(),
    )


def problems_at(batch: ResidentImport) -> set[tuple[int | None, str]]:
    return {(problem["row"], problem["column"]) for problem in batch.problems}


# Writing ---------------------------------------------------------------------------------------


def test_a_valid_file_creates_the_registry_with_sealed_values(world: World) -> None:
    rows = [person(n) for n in range(6)]
    rows[0]["关爱标签"] = "独居老人、party-member"  # by Chinese name or by code
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    assert (batch.residents_created, batch.households_created) == (6, 3)
    assert batch.rows_total == batch.rows_done == 6
    assert batch.finished_at is not None
    # one building, one unit, three rooms (rows of a room share a household)
    assert (Building.objects.count(), Unit.objects.count(), Room.objects.count()) == (1, 1, 3)
    assert Household.objects.count() == 3
    first = Resident.objects.get(name="演示居民0000")
    assert first.import_batch_id == batch.pk
    assert first.relation == "head" and first.sex == "female"
    assert unseal(ID_NUMBER_KIND, first.id_number_ciphertext) == rows[0]["身份证号"]
    assert first.id_number_digest == blind_index("id_number", rows[0]["身份证号"])
    assert first.id_number_masked == mask_id_number(rows[0]["身份证号"])
    assert unseal(PHONE_KIND, first.phone_ciphertext) == "13900000000"
    assert first.phone_masked == "139****0000"
    assert first.moved_in_on == dt.date(2015, 3, 1)
    assert set(first.tags.values_list("code", flat=True)) == {"elderly-alone", "party-member"}
    assert first.household.residents.count() == 2
    assert first.household.kind == "registered"
    # One audit event for the batch (after the upload's own), with no personal data in it.
    events = AuditEvent.objects.filter(action="resident_import.complete")
    assert events.count() == 1
    assert events.get().changes["residents_created"] == [0, 6]
    assert not ID_NUMBER.search(str(events.get().changes))


def test_a_raw_read_of_the_residents_table_shows_no_id_number_or_phone(world: World) -> None:
    rows = [person(n) for n in range(10)]
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.IMPORTED
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_resident")
        dump = repr(cursor.fetchall())
    assert "演示居民0001" in dump  # the read does see the rows
    for row in rows:
        assert row["身份证号"] not in dump and row["联系电话"] not in dump
        assert row["户籍地"] not in dump
    assert not ID_NUMBER.search(dump)
    assert not MOBILE.search(dump)
    with connection.cursor() as cursor:
        cursor.execute("SELECT problems, filename FROM registry_residentimport")
        assert not ID_NUMBER.search(repr(cursor.fetchall()))


def test_rows_for_a_room_with_a_current_household_join_it(world: World) -> None:
    imported(world, csv_bytes([person(0)]))
    batch = imported(world, csv_bytes([person(1)]), filename="第二批.csv")
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    assert batch.households_created == 0
    assert Household.objects.count() == 1
    assert Household.objects.get().residents.count() == 2


def test_a_fifteen_digit_number_is_upgraded(world: World) -> None:
    # 130503670401001 → 130503196704010016 (DOMAIN.md §4.1), a man born 1967-04-01
    row = person(0, 身份证号="130503670401001", 性别="男", 出生日期="1967-04-01")
    batch = imported(world, csv_bytes([row]))
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    resident = Resident.objects.get()
    assert unseal(ID_NUMBER_KIND, resident.id_number_ciphertext) == "130503196704010016"
    assert resident.birth_date == dt.date(1967, 4, 1)


def test_an_empty_birth_date_comes_from_the_id_number(world: World) -> None:
    row = person(0, 出生日期="")
    batch = imported(world, csv_bytes([row]))
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    assert Resident.objects.get().birth_date == dt.date(1950, 1, 1)


# Reading ---------------------------------------------------------------------------------------


def test_an_xlsx_file_with_shuffled_columns_and_excel_cells_imports(world: World) -> None:
    headers = [
        "姓名",
        "社区",
        "楼栋",
        "单元",
        "房间号",
        "身份证号",
        "性别",
        "出生日期",
        "联系电话",
        "入住日期",
    ]
    row = person(0)
    row["出生日期"] = dt.datetime(1950, 1, 1)  # a date cell
    row["联系电话"] = 13900000000  # a number cell
    row["入住日期"] = 42064  # an Excel serial: 2015-03-01
    batch = imported(world, xlsx_bytes([row], headers=headers), filename="居民.xlsx")
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    resident = Resident.objects.get()
    assert resident.moved_in_on == dt.date(2015, 3, 1)
    assert resident.phone_masked == "139****0000"
    assert resident.relation == "other"  # an empty relation is 其他
    assert resident.population_kind == "registered"  # an empty category is 户籍人口


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_csv_with_a_bom_or_in_gbk_as_excel_saves_it(world: World, encoding: str) -> None:
    content = csv_bytes([person(0), person(1)], encoding=encoding)
    batch = imported(world, content)
    assert batch.status == ImportStatuses.IMPORTED, batch.problems
    assert set(Resident.objects.values_list("name", flat=True)) == {"演示居民0000", "演示居民0001"}


def test_a_nul_or_bad_bytes_in_a_cell_are_reported_by_row_and_column(world: World) -> None:
    # The file is refused as a whole, naming each cell; the problems are stored (PostgreSQL
    # cannot store a NUL, so no message may quote the cell).
    nul = person(1)
    nul["姓名"] = "演示\x00居民"
    content = csv_bytes([person(0), nul]) + "演示街道,".encode() + b"\xff\xfe\n"
    batch = imported(world, content)
    assert batch.status == ImportStatuses.REJECTED
    located = [(problem["row"], problem["column"]) for problem in batch.problems]
    assert located == [(3, "姓名"), (4, "社区")]
    assert not Resident.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", dt.date(2024, 1, 5)),
        ("2024/1/5", dt.date(2024, 1, 5)),
        ("2024.1.5", dt.date(2024, 1, 5)),
        ("2024年1月5日", dt.date(2024, 1, 5)),
        ("20240105", dt.date(2024, 1, 5)),
        # An Excel date cell reaches the check as 2024-01-05 (core.tabular reads every cell as
        # text), a date cell formatted as a number as its serial.
        ("45296", dt.date(2024, 1, 5)),
    ],
)
def test_dates_are_read_in_the_usual_forms(text: str, expected: dt.date) -> None:
    assert parse_import_date(text) == expected


@pytest.mark.parametrize("text", ["2024-13-01", "5 Jan 2024", "24/1/5", "明天"])
def test_other_date_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_import_date(text)


def test_header_problems_stop_the_file_on_row_one(world: World) -> None:
    headers = ["社区", "楼栋", "单元", "房间号", "姓名", "性别", "备注"]
    batch = imported(world, csv_bytes([person(0)], headers=headers))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(1, "身份证号"), (1, "备注")}


def test_an_unreadable_file_is_rejected_with_one_problem(world: World) -> None:
    batch = imported(world, b"PK\x03\x04 not really a workbook", filename="坏的.xlsx")
    assert batch.status == ImportStatuses.REJECTED
    assert len(batch.problems) == 1
    assert "XLSX" in batch.problems[0]["message_en"]


# Checking --------------------------------------------------------------------------------------

OTHER_SEX = "女"  # person(1) is a man


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("社区", "伊春路社区", "not the importing community"),
        ("街道", "敦化路街道", "not the community's subdistrict"),
        ("楼栋", "", "is required"),
        ("姓名", "", "is required"),
        ("姓名", "【示例】演示居民", "example row"),
        ("房间号", "1" * 21, "at most 20"),
        ("身份证号", "", "ID number is required"),
        ("身份证号", "37020319600501001", "18 characters"),
        ("身份证号", "370203196005010010", "check character"),
        ("身份证号", "370203203001010011", "future"),
        ("性别", "M", "not recognised"),
        ("性别", OTHER_SEX, "does not match the ID number"),
        ("出生日期", "1999-01-01", "does not match the ID number"),
        ("出生日期", "去年", "2024-01-05"),
        ("联系电话", "12345", "mobile number"),
        ("人员类别", "外籍人员", "not recognised"),
        ("与户主关系", "邻居", "not recognised"),
        ("关爱标签", "独居老人、不存在的标签", "no care tag"),
        ("入住日期", "2099-01-01", "future"),
        ("入住日期", "2024-02-30", "2024-01-05"),
    ],
)
def test_every_problem_names_its_row_and_column(
    world: World, column: str, value: str, words: str
) -> None:
    rows = [person(0), person(1), person(2)]
    rows[1][column] = value
    before = registry_counts()
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(3, column)}, batch.problems
    problem = batch.problems[0]
    assert words in problem["message_en"]
    assert problem["message_zh"] and problem["message_zh"] != problem["message_en"]
    assert registry_counts() == before  # nothing written, no audit event


def test_two_heads_in_one_room_are_a_problem(world: World) -> None:
    rows = [person(0), person(1, 与户主关系="户主")]
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(3, "与户主关系")}


def test_a_duplicate_id_number_in_the_file_names_both_rows(world: World) -> None:
    rows = [person(n) for n in range(4)]
    rows[3] = person(3, 身份证号=rows[1]["身份证号"], 性别="男", 出生日期="")
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(3, "身份证号"), (5, "身份证号")}
    by_row = {problem["row"]: problem["message_en"] for problem in batch.problems}
    assert "row 5" in by_row[3] and "row(s) 3" in by_row[5]
    masked = mask_id_number(rows[1]["身份证号"])
    assert masked in by_row[3]


def test_residents_already_registered_are_reported_as_duplicates(world: World) -> None:
    content = csv_bytes([person(0), person(1)])
    assert imported(world, content).status == ImportStatuses.IMPORTED
    before = registry_counts()
    again = imported(world, content)
    assert again.status == ImportStatuses.REJECTED
    assert problems_at(again) == {(2, "身份证号"), (3, "身份证号")}
    assert all("already registered" in p["message_en"] for p in again.problems)
    assert registry_counts() == before


def test_the_same_person_may_be_registered_in_another_community(world: World) -> None:
    content = csv_bytes([person(0, 社区="370203014001", 街道="")])
    other = resident_import_create(
        actor=world.user("community_secretary_other"),
        community=world.org("community_other"),
        filename="a.csv",
        content=content,
    )
    assert resident_import_run(other.pk).status == ImportStatuses.IMPORTED
    assert imported(world, csv_bytes([person(0)])).status == ImportStatuses.IMPORTED


def test_nothing_is_written_when_one_row_of_many_is_bad(world: World) -> None:
    rows = [person(n) for n in range(40)]
    rows[37]["联系电话"] = "110"
    before = registry_counts()
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(39, "联系电话")}
    assert registry_counts() == before
    assert not batch.payload  # the encrypted file is gone; the record stays


def test_problems_never_show_a_full_id_number(world: World) -> None:
    rows = [person(n) for n in range(3)]
    rows[2] = person(2, 身份证号=rows[0]["身份证号"], 性别="女", 出生日期="", 社区="别的社区")
    rows[1]["性别"] = "女"
    batch = imported(world, csv_bytes(rows))
    assert batch.status == ImportStatuses.REJECTED
    assert len(batch.problems) >= 3
    assert not ID_NUMBER.search(str(batch.problems))


def test_cells_quoted_back_in_problems_are_masked(world: World) -> None:
    """A file without its header row makes a resident's cells the headers, and a number typed in
    the wrong column is quoted back: the stored problems hold neither number in full."""
    first, second = person(0), person(1)
    headerless = csv_bytes([second], headers=[str(first.get(h, "")) for h in IMPORT_HEADERS])
    wrong_columns = csv_bytes([person(2, 性别=first["身份证号"], 关爱标签=first["联系电话"])])
    for content in (headerless, wrong_columns):
        batch = imported(world, content)
        assert batch.status == ImportStatuses.REJECTED
        text = str(batch.problems)
        assert first["身份证号"] not in text
        assert first["联系电话"] not in text
        assert mask_id_number(first["身份证号"]) in text


# The stored file and the start ------------------------------------------------------------------


def test_the_stored_file_is_ciphertext(world: World) -> None:
    content = csv_bytes([person(n) for n in range(3)])
    batch = resident_import_create(
        actor=world.user("community_worker"),
        community=world.org("community"),
        filename="居民.csv",
        content=content,
    )
    stored = Path(batch.payload.path).read_bytes()
    assert "居民".encode() not in stored and "身份证号".encode() not in stored
    assert not ID_NUMBER.search(stored.decode("ascii"))
    assert "居民" not in str(batch.payload.name)
    assert decrypt_bytes(stored) == content
    assert AuditEvent.objects.filter(action="resident_import.start").count() == 1


def test_the_same_file_is_refused_while_it_is_queued(world: World) -> None:
    content = csv_bytes([person(0)])
    first = resident_import_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        filename="a.csv",
        content=content,
    )
    with pytest.raises(ImportAlreadyRunning):
        resident_import_create(
            actor=world.user("community_worker"),
            community=world.org("community"),
            filename="b.csv",
            content=content,
        )
    resident_import_run(first.pk)
    # Once it has ended, the same file may be uploaded again (and is found to be duplicates).
    second = imported(world, content, filename="b.csv", who="community_worker")
    assert second.status == ImportStatuses.REJECTED


@pytest.mark.parametrize(
    "who", ["community_secretary_other", "subdistrict_officer", "office_officer", "no_role"]
)
def test_only_the_communitys_staff_may_import(world: World, who: str) -> None:
    with pytest.raises(NotCommunityStaff):
        resident_import_create(
            actor=world.user(who),
            community=world.org("community"),
            filename="a.csv",
            content=csv_bytes([person(0)]),
        )
    assert not ResidentImport.objects.exists()


def test_a_run_of_a_finished_batch_changes_nothing(world: World) -> None:
    batch = imported(world, csv_bytes([person(0)]))
    before = registry_counts()
    assert resident_import_run(batch.pk).status == ImportStatuses.IMPORTED
    assert registry_counts() == before


def test_a_crash_marks_the_batch_failed_not_stuck(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_write(*args: object) -> None:
        raise RuntimeError("disk on fire 370203196005010017")

    monkeypatch.setattr(importing, "_write", broken_write)
    before = registry_counts()
    batch = imported(world, csv_bytes([person(0)]))
    assert batch.status == ImportStatuses.FAILED
    assert batch.finished_at is not None and not batch.payload
    assert "RuntimeError" in batch.problems[0]["message_en"]
    assert not ID_NUMBER.search(str(batch.problems))
    assert registry_counts() == before


def test_progress_is_committed_every_thousand_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen: list[tuple[str, int, int]] = []
    batch = resident_import_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        filename="a.csv",
        content=csv_bytes([person(n) for n in range(5)]),
    )

    def watch(current: ResidentImport) -> None:
        stored = ResidentImport.objects.get(pk=current.pk)
        seen.append((stored.status, stored.rows_done, stored.rows_total))

    resident_import_run(batch.pk, on_progress=watch)
    assert seen == [
        ("checking", 0, 5),
        ("checking", 2, 5),
        ("checking", 4, 5),
        ("writing", 5, 5),
        ("imported", 5, 5),
    ]


def test_tags_by_code_and_name_use_only_active_tags(world: World) -> None:
    CareTag.objects.filter(code="veteran").update(active=False)
    batch = imported(world, csv_bytes([person(0, 关爱标签="退役军人及优抚对象")]))
    assert batch.status == ImportStatuses.REJECTED
    assert problems_at(batch) == {(2, "关爱标签")}


def test_demo_ids_are_valid(world: World) -> None:
    assert len(demo_id(1)) == 18
