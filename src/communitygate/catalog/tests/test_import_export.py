"""Catalog files: checking an import in full, applying it all or nothing, exporting an edition,
and the office's import pages. Files are built here as real XLSX and CSV bytes."""

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from communitygate.audit.models import AuditEvent
from communitygate.catalog.importing import (
    ImportNotReady,
    catalog_import_cancel,
    catalog_import_check,
    catalog_import_confirm,
)
from communitygate.catalog.models import CatalogEdition, CatalogImport, CatalogItem, Ledger
from communitygate.catalog.selectors import working_items
from communitygate.catalog.services import (
    catalog_item_retire,
    catalog_item_suspend,
    catalog_publish,
    ledger_create,
    plaque_create,
)
from communitygate.catalog.snapshots import item_snapshot
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db

HEADERS = [
    "序号",
    "编码",
    "事项名称",
    "类别",
    "领域",
    "依据",
    "责任部门",
    "社区职责",
    "频次",
    "台账",
    "预计工时",
    "经费",
]
EXISTING_NAME = "协助开展最低生活保障入户调查"


def row(
    number: int,
    code: str,
    name: str = EXISTING_NAME,
    *,
    item_class: str = "法定日常工作",
    domain: str = "民政和社会救助",
    basis: str = "《社会救助暂行办法》第十一条",
    department: str = "区民政局",
    duty: str = "受理转交申请、入户调查、公示",
    frequency: str = "常态",
    ledgers: str = "",
    hours: str = "40",
    funding: str = "",
) -> list[Any]:
    """One line of a catalog file, by default the same as `make_item` creates."""
    return [
        number,
        code,
        name,
        item_class,
        domain,
        basis,
        department,
        duty,
        frequency,
        ledgers,
        hours,
        funding,
    ]


def xlsx_file(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "准入目录"
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[list[Any]], encoding: str, headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def catalog_state() -> tuple[list[dict[str, Any]], int, int]:
    """Everything an import may change: every item's fields, the ledgers, the audit log."""
    items = [{"code": item.code, **item_snapshot(item)} for item in working_items()]
    return items, Ledger.objects.count(), AuditEvent.objects.count()


def check(world: World, filename: str, content: bytes) -> CatalogImport:
    return catalog_import_check(
        actor=world.user("office_officer"), filename=filename, content=content
    )


def actions(batch: CatalogImport) -> dict[str, str]:
    return {planned["code"]: planned["action"] for planned in batch.rows}


def located(batch: CatalogImport) -> list[tuple[int | None, str]]:
    return sorted((problem["row"], problem["column"]) for problem in batch.problems)


@pytest.fixture
def catalog(world: World) -> World:
    """MZ-001 (with the ledger 低保台账) and MZ-002 in the working copy."""
    ledger_create(
        actor=world.user("office_officer"),
        code="TZ-1",
        name="低保台账",
        medium="paper",
        department=world.org("department"),
    )
    make_item(world, "MZ-001", ledger_codes=("TZ-1",))
    make_item(world, "MZ-002", name="协助开展临时救助")
    return world


def valid_rows() -> list[list[Any]]:
    """MZ-001 as it is, MZ-002 renamed, two new items (one delegated, funded)."""
    return [
        row(1, "MZ-001", ledgers="低保台账"),
        row(2, "MZ-002", name="协助开展临时救助和急难救助"),
        row(3, "CG-001", name="配合开展占道经营巡查", domain="城市管理", frequency="每月"),
        row(
            4,
            "WJ-001",
            name="组织开展老年人健康体检",
            item_class="委托办理",
            domain="卫生健康和计划生育",
            department="DEPT-WJ",
            frequency="每年",
            hours="12.5",
            funding="8000",
        ),
    ]


# Checking a file changes nothing -----------------------------------------------------------


def test_check_of_a_valid_xlsx_is_ready_with_a_summary_and_changes_no_item(
    catalog: World,
) -> None:
    before_items, before_ledgers, before_events = catalog_state()
    batch = check(catalog, "目录.xlsx", xlsx_file(valid_rows()))
    assert batch.status == "ready"
    assert batch.problems == []
    assert batch.summary == {"create": 2, "revise": 1, "unchanged": 1, "new_ledgers": []}
    assert actions(batch) == {
        "MZ-001": "unchanged",
        "MZ-002": "revise",
        "CG-001": "create",
        "WJ-001": "create",
    }
    after_items, after_ledgers, after_events = catalog_state()
    assert after_items == before_items
    assert after_ledgers == before_ledgers
    assert after_events == before_events + 1
    assert AuditEvent.objects.order_by("-id")[0].action == "catalog_import.check"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_check_reads_csv_in_utf8_with_bom_and_in_gb18030(catalog: World, encoding: str) -> None:
    content = csv_file(valid_rows(), encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    else:
        assert content.startswith(b"\xef\xbb\xbf")
    batch = check(catalog, "目录.csv", content)
    assert batch.status == "ready", batch.problems
    assert batch.summary == {"create": 2, "revise": 1, "unchanged": 1, "new_ledgers": []}
    assert {planned["name"] for planned in batch.rows} >= {"组织开展老年人健康体检"}


def test_only_the_committee_office_may_import(catalog: World) -> None:
    for person in ["department_clerk", "community_secretary", "auditor", "no_role"]:
        with pytest.raises(PermissionDenied):
            catalog_import_check(
                actor=catalog.user(person), filename="a.xlsx", content=xlsx_file(valid_rows())
            )
    assert not CatalogImport.objects.exists()


# Confirming applies every row, once ---------------------------------------------------------


def test_confirm_applies_every_row_and_records_the_audit_events(catalog: World) -> None:
    batch = check(catalog, "目录.xlsx", xlsx_file(valid_rows()))
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    applied = catalog_import_confirm(actor=catalog.user("office_officer"), batch=batch)
    assert applied.status == "applied"
    assert applied.applied_at is not None

    delegated = CatalogItem.objects.get(code="WJ-001")
    assert (delegated.item_class, delegated.domain, delegated.frequency) == (
        "delegated",
        "health",
        "yearly",
    )
    assert delegated.department.code == "DEPT-WJ"
    assert delegated.estimated_hours == Decimal("12.5")
    assert delegated.funding_per_community == Decimal("8000.00")
    assert CatalogItem.objects.get(code="CG-001").frequency == "monthly"
    renamed = CatalogItem.objects.get(code="MZ-002")
    assert (renamed.name, renamed.revision) == ("协助开展临时救助和急难救助", 2)
    unchanged = CatalogItem.objects.get(code="MZ-001")
    assert unchanged.revision == 1
    assert [ledger.code for ledger in unchanged.ledgers.all()] == ["TZ-1"]

    new_events = AuditEvent.objects.filter(id__gt=last_event).values_list("action", flat=True)
    assert sorted(new_events) == [
        "catalog_import.confirm",
        "catalog_item.create",
        "catalog_item.create",
        "catalog_item.revise",
    ]
    revise = AuditEvent.objects.get(action="catalog_item.revise")
    assert revise.changes == {"name": ["协助开展临时救助", "协助开展临时救助和急难救助"]}
    assert revise.actor_username == "office_officer"


def test_a_second_confirm_is_refused(catalog: World) -> None:
    office = catalog.user("office_officer")
    batch = check(catalog, "目录.xlsx", xlsx_file(valid_rows()))
    catalog_import_confirm(actor=office, batch=batch)
    state = catalog_state()
    with pytest.raises(ImportNotReady):
        catalog_import_confirm(actor=office, batch=batch)
    with pytest.raises(ImportNotReady):
        catalog_import_confirm(actor=office, batch=CatalogImport.objects.get(pk=batch.pk))
    assert catalog_state() == state


def test_an_invalid_or_cancelled_import_cannot_be_confirmed(catalog: World) -> None:
    office = catalog.user("office_officer")
    invalid = check(catalog, "bad.xlsx", xlsx_file([row(1, "X-1", item_class="乱填")]))
    assert invalid.status == "invalid"
    with pytest.raises(ImportNotReady):
        catalog_import_confirm(actor=office, batch=invalid)
    ready = check(catalog, "good.xlsx", xlsx_file(valid_rows()))
    catalog_import_cancel(actor=office, batch=ready)
    state = catalog_state()
    with pytest.raises(ImportNotReady):
        catalog_import_confirm(actor=office, batch=ready)
    assert catalog_state() == state
    assert CatalogImport.objects.get(pk=ready.pk).status == "cancelled"


def test_only_the_committee_office_may_confirm(catalog: World) -> None:
    batch = check(catalog, "目录.xlsx", xlsx_file(valid_rows()))
    state = catalog_state()
    with pytest.raises(PermissionDenied):
        catalog_import_confirm(actor=catalog.user("department_head"), batch=batch)
    assert catalog_state() == state
    assert CatalogImport.objects.get(pk=batch.pk).status == "ready"


# Every problem is listed, by row and column, and nothing changes -----------------------------


def bad_rows() -> list[list[Any]]:
    return [
        row(1, "OK-001"),
        row(2, "BAD-CLASS", item_class="随便什么"),
        row(3, "BAD-DEPT", department="区不存在局"),
        row(4, "BAD-HOURS", hours="四十"),
        row(5, "DUP-1"),
        row(6, "DUP-1", name="重复编码的另一行"),
        row(7, "BAD-FUND", item_class="委托办理"),
        row(8, "BAD-DOMAIN", domain="火星事务"),
        row(9, "bad code!"),
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_file_with_bad_rows_lists_every_problem_once_and_changes_nothing(
    catalog: World, file_format: str
) -> None:
    content = xlsx_file(bad_rows()) if file_format == "xlsx" else csv_file(bad_rows(), "utf-8-sig")
    before_items, before_ledgers, before_events = catalog_state()
    batch = check(catalog, f"有错误.{file_format}", content)
    assert batch.status == "invalid"
    assert located(batch) == [
        (3, "类别"),
        (4, "责任部门"),
        (5, "预计工时"),
        (6, "编码"),
        (7, "编码"),
        (8, "经费"),
        (9, "领域"),
        (10, "编码"),
    ]
    for problem in batch.problems:
        assert problem["message_zh"]
        assert problem["message_en"]
    messages = {(p["row"], p["column"]): p["message"] for p in batch.problems}
    assert "随便什么" in messages[(3, "类别")]
    assert "区不存在局" in messages[(4, "责任部门")]
    assert "四十" in messages[(5, "预计工时")]
    assert "DUP-1" in messages[(6, "编码")]
    after_items, after_ledgers, after_events = catalog_state()
    assert (after_items, after_ledgers) == (before_items, before_ledgers)
    assert after_events == before_events + 1
    assert not CatalogItem.objects.filter(code="OK-001").exists()


def test_missing_required_columns_are_each_named(catalog: World) -> None:
    headers = [name for name in HEADERS if name not in {"领域", "责任部门"}]
    values = [[1, "X-1", "某事项", "法定日常工作", "", "", "常态", "", "1", ""]]
    state = catalog_state()
    batch = check(catalog, "缺列.xlsx", xlsx_file(values, headers=headers))
    assert batch.status == "invalid"
    assert located(batch) == [(1, "责任部门"), (1, "领域")]
    assert catalog_state()[:2] == state[:2]


def test_unknown_and_repeated_columns_are_problems(catalog: World) -> None:
    headers = [*HEADERS, "备注", "编码"]
    batch = check(catalog, "多列.xlsx", xlsx_file([[*row(1, "X-1"), "说明", "X-1"]], headers))
    assert batch.status == "invalid"
    assert located(batch) == [(1, "备注"), (1, "编码")]


def test_a_retired_item_cannot_be_changed_by_an_import(catalog: World) -> None:
    office = catalog.user("office_officer")
    catalog_item_retire(actor=office, item=CatalogItem.objects.get(code="MZ-002"), reason="清理")
    batch = check(catalog, "目录.xlsx", xlsx_file([row(1, "MZ-002", name="复活")]))
    assert batch.status == "invalid"
    assert located(batch) == [(2, "编码")]


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("目录.xlsx", b"this is not a spreadsheet"),
        ("目录.xlsx", b"PK\x03\x04 a broken zip"),
        ("目录.xlsx", b""),
        ("目录.csv", b""),
        ("目录.pdf", b"%PDF-1.7"),
        ("目录.csv", "序号,编码,事项名称,类别,领域,责任部门\n".encode()),
    ],
)
def test_an_unreadable_or_empty_file_is_an_invalid_import_not_an_error(
    catalog: World, filename: str, content: bytes
) -> None:
    state = catalog_state()
    batch = check(catalog, filename, content)
    assert batch.status == "invalid"
    assert batch.problems
    assert all(problem["message_zh"] and problem["message_en"] for problem in batch.problems)
    assert catalog_state()[:2] == state[:2]


# All or nothing at confirmation -------------------------------------------------------------


def test_confirm_applies_nothing_when_the_catalog_changed_so_that_a_row_fails(
    catalog: World,
) -> None:
    office = catalog.user("office_officer")
    rows = [
        row(1, "NEW-001", name="新增事项"),
        row(2, "MZ-001", name="改名的低保调查", ledgers="低保台账、新台账"),
        row(3, "MZ-002", name="改名的临时救助"),
    ]
    batch = check(catalog, "目录.xlsx", xlsx_file(rows))
    assert batch.status == "ready"
    catalog_item_retire(actor=office, item=CatalogItem.objects.get(code="MZ-002"), reason="清理")
    state = catalog_state()

    with pytest.raises(InvalidInput) as raised:
        catalog_import_confirm(actor=office, batch=batch)

    assert [(p.row, p.field) for p in raised.value.problems] == [(4, "编码")]
    assert catalog_state() == state
    assert not CatalogItem.objects.filter(code="NEW-001").exists()
    assert CatalogItem.objects.get(code="MZ-001").name == EXISTING_NAME
    assert not Ledger.objects.filter(name="新台账").exists()
    assert CatalogImport.objects.get(pk=batch.pk).status == "ready"


# New ledgers ----------------------------------------------------------------------------------


def test_unknown_ledger_names_are_listed_at_check_and_created_at_confirm(catalog: World) -> None:
    rows = [
        row(1, "MZ-001", ledgers="低保台账、入户调查记录表；走访台账"),
        row(2, "NEW-001", name="新增事项", ledgers="走访台账"),
    ]
    batch = check(catalog, "目录.xlsx", xlsx_file(rows))
    assert batch.status == "ready"
    assert batch.summary["new_ledgers"] == ["入户调查记录表", "走访台账"]
    assert actions(batch) == {"MZ-001": "revise", "NEW-001": "create"}
    assert Ledger.objects.count() == 1

    catalog_import_confirm(actor=catalog.user("office_officer"), batch=batch)

    created = {ledger.name: ledger for ledger in Ledger.objects.exclude(code="TZ-1")}
    assert set(created) == {"入户调查记录表", "走访台账"}
    assert all(ledger.code.startswith("TZ-IMP-") for ledger in created.values())
    item = CatalogItem.objects.get(code="MZ-001")
    assert {ledger.name for ledger in item.ledgers.all()} == {
        "低保台账",
        "入户调查记录表",
        "走访台账",
    }
    assert [ledger.name for ledger in CatalogItem.objects.get(code="NEW-001").ledgers.all()] == [
        "走访台账"
    ]
    assert AuditEvent.objects.filter(action="ledger.create").count() == 3


HISTORY_HEADERS = [*HEADERS, "牌子", "有效期起", "有效期止", "准入文号"]


def test_optional_columns_carry_plaques_validity_and_the_admitting_decision(
    catalog: World,
) -> None:
    """A catalog's history imports: an unfunded delegated item of a past year, and an item
    revised with its plaques, dates and decision. Without those columns an item keeps them."""
    office = catalog.user("office_officer")
    plaque_create(actor=office, code="PZ-1", name="社区救助工作站", department=None)
    history = [
        [
            *row(1, "MZ-001", ledgers="低保台账"),
            "社区救助工作站",
            "2015-01-01",
            "",
            "准入〔2014〕1号",
        ],
        [
            *row(2, "OLD-001", name="协助开展入户调查", item_class="委托办理"),
            "PZ-1",
            "2014-01-01",
            "2014-12-31",
            "",
        ],
    ]
    batch = check(catalog, "历史.csv", csv_file(history, "utf-8", HISTORY_HEADERS))
    assert batch.status == "ready", batch.problems
    assert actions(batch) == {"MZ-001": "revise", "OLD-001": "create"}
    catalog_import_confirm(actor=office, batch=batch)

    revised = CatalogItem.objects.get(code="MZ-001")
    assert [plaque.code for plaque in revised.plaques.all()] == ["PZ-1"]
    assert (str(revised.valid_from), revised.valid_to) == ("2015-01-01", None)
    assert revised.application_ref == "准入〔2014〕1号"
    past = CatalogItem.objects.get(code="OLD-001")
    assert (str(past.valid_from), str(past.valid_to)) == ("2014-01-01", "2014-12-31")
    assert past.funding_per_community is None

    without_columns = check(
        catalog, "目录.csv", csv_file([row(1, "MZ-001", ledgers="低保台账")], "utf-8")
    )
    assert actions(without_columns) == {"MZ-001": "unchanged"}


def test_optional_columns_report_unknown_plaques_bad_dates_and_unfunded_present_work(
    catalog: World,
) -> None:
    rows = [
        [*row(1, "MZ-001"), "无此牌子", "2015-13-01", "", ""],
        [*row(2, "NEW-001", item_class="委托办理"), "", "2015-01-01", "", "文" * 41],
        [*row(3, "NEW-002"), "", "2015-01-01", "2014-01-01", ""],
    ]
    batch = check(catalog, "历史.csv", csv_file(rows, "utf-8", HISTORY_HEADERS))
    assert batch.status == "invalid"
    assert located(batch) == [
        (2, "有效期起"),
        (2, "牌子"),
        (3, "准入文号"),
        (3, "经费"),
        (4, "有效期"),
    ]


def test_an_import_of_statutory_work_in_force_needs_the_article(catalog: World) -> None:
    """The office's import is the way statutory daily work enters the catalog: the law and its
    article in 依据, except in history (an item whose validity ended)."""
    rows = [
        [*row(1, "NEW-001", basis="《中华人民共和国城市居民委员会组织法》"), "", "", "", ""],
        [
            *row(2, "OLD-001", basis="《中华人民共和国城市居民委员会组织法》"),
            "",
            "2014-01-01",
            "2014-12-31",
            "",
        ],
        [*row(3, "NEW-002", basis="《中华人民共和国城市居民委员会组织法》第三条"), "", "", "", ""],
    ]
    batch = check(catalog, "法定.csv", csv_file(rows, "utf-8", HISTORY_HEADERS))
    assert batch.status == "invalid"
    assert located(batch) == [(2, "依据")]
    (problem,) = batch.problems
    assert "条款" in problem["message_zh"] and "article" in problem["message_en"]


def test_the_order_of_ledgers_in_the_file_does_not_make_a_revision(catalog: World) -> None:
    office = catalog.user("office_officer")
    ledger_create(actor=office, code="TZ-2", name="走访台账", medium="paper", department=None)
    make_item(catalog, "MZ-003", name="走访困难群众", ledger_codes=("TZ-1", "TZ-2"))
    batch = check(
        catalog,
        "目录.xlsx",
        xlsx_file([row(1, "MZ-003", "走访困难群众", ledgers="走访台账、TZ-1")]),
    )
    assert actions(batch) == {"MZ-003": "unchanged"}
    catalog_import_confirm(actor=office, batch=batch)
    assert CatalogItem.objects.get(code="MZ-003").revision == 1
    assert not AuditEvent.objects.filter(action="catalog_item.revise").exists()


# Export ---------------------------------------------------------------------------------------


@pytest.fixture
def published(catalog: World) -> tuple[CatalogEdition, CatalogEdition]:
    """Edition 1: MZ-001, MZ-002. Edition 2: MZ-002 suspended, WJ-001 (funded) and SX-001 (retired)
    added, with two ledgers on WJ-001."""
    office = catalog.user("office_officer")
    first = catalog_publish(actor=office, title="第一版")
    ledger_create(actor=office, code="TZ-2", name="体检登记表", medium="paper", department=None)
    make_item(
        catalog,
        "WJ-001",
        name="组织开展老年人健康体检",
        item_class="delegated",
        domain="health",
        department_code="DEPT-WJ",
        frequency="yearly",
        ledger_codes=("TZ-1", "TZ-2"),
        estimated_hours=Decimal("12.5"),
        funding_per_community=Decimal("8000"),
    )
    retired = make_item(catalog, "SX-001", name="退出的事项")
    catalog_item_retire(actor=office, item=retired, reason="清理")
    catalog_item_suspend(
        actor=office, item=CatalogItem.objects.get(code="MZ-002"), reason="暂停试点"
    )
    second = catalog_publish(actor=office, title="第二版")
    return first, second


def exported_xlsx(client: Client, edition: CatalogEdition) -> list[list[Any]]:
    response = client.get("/catalog/export.xlsx", {"edition": edition.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"edition-{edition.number}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [list(values) for values in sheet.iter_rows(values_only=True)]


def exported_csv(client: Client, edition: CatalogEdition) -> list[list[str]]:
    response = client.get("/catalog/export.csv", {"edition": edition.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_export_xlsx_has_the_chinese_headers_and_one_row_per_item(
    client: Client, published: tuple[CatalogEdition, CatalogEdition]
) -> None:
    _first, second = published
    rows = exported_xlsx(client, second)
    assert rows[0] == HEADERS
    assert [line[1] for line in rows[1:]] == ["MZ-001", "MZ-002", "WJ-001"]
    delegated = dict(zip(HEADERS, rows[3], strict=True))
    assert delegated["序号"] == 3
    assert delegated["事项名称"] == "组织开展老年人健康体检"
    assert delegated["类别"] == "委托办理"
    assert delegated["领域"] == "卫生健康和计划生育"
    assert delegated["责任部门"] == "区卫生健康局"
    assert delegated["频次"] == "每年"
    assert delegated["台账"] == "低保台账、体检登记表"
    # Hours and money are number cells (a spreadsheet can add them up), not text.
    assert delegated["预计工时"] == 12.5
    assert delegated["经费"] == 8000


def test_export_csv_has_the_chinese_headers_and_one_row_per_item(
    client: Client, published: tuple[CatalogEdition, CatalogEdition]
) -> None:
    _first, second = published
    rows = exported_csv(client, second)
    assert rows[0] == HEADERS
    assert [line[1] for line in rows[1:]] == ["MZ-001", "MZ-002", "WJ-001"]
    assert rows[1][2] == EXISTING_NAME
    assert rows[1][9] == "低保台账"
    assert rows[1][11] == ""


def test_export_of_an_older_edition_shows_the_catalog_as_it_stood_then(
    client: Client, published: tuple[CatalogEdition, CatalogEdition]
) -> None:
    first, _second = published
    assert [line[1] for line in exported_xlsx(client, first)[1:]] == ["MZ-001", "MZ-002"]
    assert [line[1] for line in exported_csv(client, first)[1:]] == ["MZ-001", "MZ-002"]


def test_export_is_public_and_an_unknown_edition_is_404(
    client: Client, published: tuple[CatalogEdition, CatalogEdition]
) -> None:
    _first, second = published
    assert client.get("/catalog/export.xlsx").status_code == 200
    assert client.get("/catalog/export.csv", {"edition": second.pk + 1000}).status_code == 404
    assert client.get("/catalog/export.pdf").status_code == 404


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_exported_catalog_imports_back_as_unchanged(
    client: Client,
    catalog: World,
    published: tuple[CatalogEdition, CatalogEdition],
    file_format: str,
) -> None:
    response = client.get(f"/catalog/export.{file_format}")
    assert response.status_code == 200
    batch = check(catalog, f"导出.{file_format}", response.content)
    assert batch.status == "ready", batch.problems
    assert batch.summary == {"create": 0, "revise": 0, "unchanged": 3, "new_ledgers": []}
    assert set(actions(batch).values()) == {"unchanged"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_name_that_looks_like_a_formula_is_exported_safe_and_imports_back(
    client: Client, catalog: World, file_format: str
) -> None:
    office = catalog.user("office_officer")
    make_item(catalog, "MZ-003", name='=HYPERLINK("http://x.example","点击")')
    make_item(catalog, "MZ-004", name="-1+2", estimated_hours=Decimal("-0"))
    catalog_publish(actor=office, title="公式")
    response = client.get(f"/catalog/export.{file_format}")
    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        names = {row[1]: row[2] for row in rows[1:]}
        # OWASP: a leading apostrophe makes the spreadsheet show the text, not run it.
        assert names["MZ-003"] == '\'=HYPERLINK("http://x.example","点击")'
        assert names["MZ-004"] == "'-1+2"
        # Numbers stay numbers: hours are never prefixed.
        assert all(not row[10].startswith("'") for row in rows[1:])
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = {row[1].value: row[2] for row in sheet.iter_rows(min_row=2)}
        assert cells["MZ-003"].data_type == "s"
        assert cells["MZ-003"].value == '=HYPERLINK("http://x.example","点击")'
    batch = check(catalog, f"导出.{file_format}", response.content)
    assert batch.status == "ready", batch.problems
    assert set(actions(batch).values()) == {"unchanged"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_nul_in_a_cell_is_reported_by_row_and_column(catalog: World, file_format: str) -> None:
    rows = valid_rows()
    rows[1][7] = "受理\x00申请"
    if file_format == "csv":
        content = csv_file(rows, "utf-8")
    else:
        # openpyxl refuses to write a NUL; another program writes it as the escape _x0000_.
        rows[1][7] = "受理NUL申请"
        original = zipfile.ZipFile(io.BytesIO(xlsx_file(rows)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as changed:
            for info in original.infolist():
                changed.writestr(info, original.read(info).replace(b"NUL", b"_x0000_"))
        content = buffer.getvalue()
    batch = check(catalog, f"目录.{file_format}", content)
    assert batch.status == "invalid"
    assert located(batch) == [(3, "社区职责")]
    assert batch.rows == []


# The office's import pages ----------------------------------------------------------------------


def sign_in(client: Client, world: World, key: str) -> None:
    person = world.user(key)
    assert isinstance(person, User)
    client.force_login(person)


def upload(client: Client, filename: str, content: bytes) -> Any:
    return client.post("/catalog/office/import/", {"file": SimpleUploadedFile(filename, content)})


def test_upload_redirects_to_the_preview_which_shows_the_plan(
    client: Client, catalog: World
) -> None:
    sign_in(client, catalog, "office_officer")
    assert client.get("/catalog/office/import/").status_code == 200
    response = upload(client, "目录.xlsx", xlsx_file(valid_rows()))
    batch = CatalogImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/catalog/office/import/{batch.pk}/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    for code in ["MZ-001", "MZ-002", "CG-001", "WJ-001"]:
        assert code in html
    assert "组织开展老年人健康体检" in html
    assert not CatalogItem.objects.filter(code="WJ-001").exists()


def test_preview_lists_the_problems_of_a_bad_file(client: Client, catalog: World) -> None:
    sign_in(client, catalog, "office_officer")
    response = upload(client, "有错误.xlsx", xlsx_file(bad_rows()))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-problems"' in html
    for text in ["随便什么", "区不存在局", "四十", "DUP-1", "预计工时", "责任部门"]:
        assert text in html
    assert 'value="confirm"' not in html


def test_post_confirm_applies_the_import(client: Client, catalog: World) -> None:
    sign_in(client, catalog, "office_officer")
    upload(client, "目录.xlsx", xlsx_file(valid_rows()))
    batch = CatalogImport.objects.get()
    response = client.post(f"/catalog/office/import/{batch.pk}/confirm/", {"decision": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/office/publish/"
    assert CatalogImport.objects.get().status == "applied"
    assert CatalogItem.objects.filter(code__in=["CG-001", "WJ-001"]).count() == 2


def test_post_cancel_changes_nothing(client: Client, catalog: World) -> None:
    sign_in(client, catalog, "office_officer")
    upload(client, "目录.xlsx", xlsx_file(valid_rows()))
    batch = CatalogImport.objects.get()
    state = catalog_state()[:2]
    response = client.post(f"/catalog/office/import/{batch.pk}/confirm/", {"decision": "cancel"})
    assert response.status_code == 302
    assert CatalogImport.objects.get().status == "cancelled"
    assert catalog_state()[:2] == state


def test_another_office_user_cannot_see_or_confirm_someone_elses_import(
    client: Client, catalog: World
) -> None:
    sign_in(client, catalog, "office_officer")
    upload(client, "目录.xlsx", xlsx_file(valid_rows()))
    batch = CatalogImport.objects.get()
    sign_in(client, catalog, "office_admin")
    assert client.get(f"/catalog/office/import/{batch.pk}/").status_code == 404
    response = client.post(f"/catalog/office/import/{batch.pk}/confirm/", {"decision": "confirm"})
    assert response.status_code == 404
    assert CatalogImport.objects.get().status == "ready"
    assert not CatalogItem.objects.filter(code="WJ-001").exists()


@pytest.mark.parametrize("person", ["department_clerk", "community_secretary", "no_role"])
def test_import_pages_are_not_there_for_anyone_but_the_office(
    client: Client, catalog: World, person: str
) -> None:
    sign_in(client, catalog, person)
    assert client.get("/catalog/office/import/").status_code == 404
    assert upload(client, "目录.xlsx", xlsx_file(valid_rows())).status_code == 404
    assert not CatalogImport.objects.exists()


def test_import_pages_ask_an_anonymous_visitor_to_sign_in(client: Client, catalog: World) -> None:
    response = client.get("/catalog/office/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
