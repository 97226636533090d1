"""Catalog pages: the public catalog in Chinese first, its filters, item pages, lists, editions
and comparisons, their query budgets, the office's maintenance pages and the security headers."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseBase
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import CatalogEdition, CatalogItem
from communitygate.catalog.services import (
    catalog_item_retire,
    catalog_item_revise,
    catalog_item_suspend,
    catalog_publish,
    certificate_rule_create,
    item_fields_of,
    ledger_create,
    negative_list_entry_create,
    negative_list_entry_retire,
)
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/catalog/",
    "/catalog/items/P-1/",
    "/catalog/negative-list/",
    "/catalog/certificates/",
    "/catalog/editions/",
    "/catalog/editions/compare/",
]


@pytest.fixture
def published(world: World) -> World:
    """Two editions (P-1 revised between them) and one entry on each public list."""
    office = world.user("office_officer")
    item = make_item(world, "P-1")
    catalog_publish(actor=office, title="第一版")
    catalog_item_revise(
        actor=office, item=item, fields=replace(item_fields_of(item), name="最低生活保障入户调查")
    )
    catalog_publish(actor=office, title="第二版")
    negative_list_entry_create(actor=office, code="N-1", name="招商引资", reason="不属于社区职责")
    certificate_rule_create(actor=office, code="C-1", name="居住证明", verdict="may_issue")
    return world


def office_client(world: World, person: str = "office_officer") -> Client:
    client = Client()
    client.force_login(cast(User, world.user(person)))
    return client


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def table_codes(page: str, testid: str) -> list[str]:
    """The first cell of every row of the table marked data-testid=`testid`."""
    table = page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>\s*<td(?: data-label=\"[^\"]*\")?>([^<]*)</td>", table)


# Chinese first ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_chinese_even_when_the_browser_asks_for_english(
    published: World, client: Client, path: str
) -> None:
    response = client.get(path, headers={"accept-language": "en-GB,en;q=0.9"})
    page = html(response)
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert "准入目录" in page  # the navigation's "Admission catalog", translated


def test_the_language_switch_turns_the_pages_english_and_back(
    published: World, client: Client
) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/catalog/"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"
    for path in PUBLIC_PAGES:
        response = client.get(path)
        page = html(response)
        assert response["Content-Language"] == "en", path
        assert '<html lang="en">' in page, path
    assert "Admission catalog" in html(client.get("/catalog/"))

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/catalog/"})
    assert client.get("/catalog/")["Content-Language"] == "zh-hans"


def test_an_unknown_language_cookie_falls_back_to_chinese(published: World, client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/catalog/")["Content-Language"] == "zh-hans"


# The catalog list and its filters -----------------------------------------------------------------


@pytest.fixture
def filterable(world: World) -> dict[str, int]:
    """Edition 1: five items in force. Edition 2: F-SUSP suspended, F-RET retired, F-NEW added."""
    office = world.user("office_officer")
    make_item(world, "F-STAT", name="低保入户调查")
    make_item(
        world,
        "F-DELE",
        name="健康档案更新",
        item_class="delegated",
        domain="health",
        department_code="DEPT-WJ",
        funding_per_community=Decimal("8000"),
    )
    make_item(world, "F-CERT", name="居住证明", item_class="certificate", department_code="DEPT-WJ")
    suspended = make_item(
        world, "F-SUSP", name="文明社区创建", item_class="evaluation", domain="culture"
    )
    retired = make_item(world, "F-RET", name="人口普查协助")
    first = catalog_publish(actor=office, title="第一版")
    catalog_item_suspend(actor=office, item=suspended, reason="暂停")
    catalog_item_retire(actor=office, item=retired, reason="不属于社区工作")
    make_item(world, "F-NEW", name="新增的事项")
    second = catalog_publish(actor=office, title="第二版")
    return {"first": first.pk, "second": second.pk}


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["F-CERT", "F-DELE", "F-NEW", "F-STAT", "F-SUSP"]),
        ("class=delegated", ["F-DELE"]),
        ("class=certificate", ["F-CERT"]),
        ("domain=health", ["F-DELE"]),
        ("domain=culture", ["F-SUSP"]),
        ("department=DEPT-WJ", ["F-CERT", "F-DELE"]),
        ("status=active", ["F-CERT", "F-DELE", "F-NEW", "F-STAT"]),
        ("status=suspended", ["F-SUSP"]),
        ("status=retired", ["F-RET"]),
        ("status=all", ["F-CERT", "F-DELE", "F-NEW", "F-RET", "F-STAT", "F-SUSP"]),
        ("q=证明", ["F-CERT"]),
        ("q=f-s", ["F-STAT", "F-SUSP"]),
        ("class=statutory&department=DEPT-MZ", ["F-NEW", "F-STAT"]),
        ("edition={first}", ["F-CERT", "F-DELE", "F-RET", "F-STAT", "F-SUSP"]),
        ("edition={first}&status=suspended", []),
        ("edition={second}&class=evaluation", ["F-SUSP"]),
        ("class=nonsense&status=bogus", ["F-CERT", "F-DELE", "F-NEW", "F-STAT", "F-SUSP"]),
    ],
)
def test_the_catalog_list_filters(
    filterable: dict[str, int], client: Client, query: str, codes: list[str]
) -> None:
    page = html(client.get("/catalog/?" + query.format(**filterable)))
    assert table_codes(page, "catalog-table") == codes


def test_an_unknown_edition_is_not_found(filterable: dict[str, int], client: Client) -> None:
    assert client.get("/catalog/?edition=999999").status_code == 404


def test_an_older_edition_links_back_to_the_current_one(
    filterable: dict[str, int], client: Client
) -> None:
    page = html(client.get(f"/catalog/?edition={filterable['first']}"))
    assert 'href="/catalog/"' in page.split('data-testid="edition-caption"', 1)[1].split("</p>")[0]


def test_the_catalog_is_empty_before_the_first_edition(world: World, client: Client) -> None:
    make_item(world, "UNPUBLISHED-1")
    page = html(client.get("/catalog/"))
    assert table_codes(page, "catalog-table") == []
    assert "UNPUBLISHED-1" not in page


# An item's page -----------------------------------------------------------------------------------


def test_the_item_page_shows_basis_department_duty_ledgers_and_history(
    world: World, client: Client
) -> None:
    office = world.user("office_officer")
    ledger = ledger_create(
        actor=office, code="TZ-1", name="低保入户调查台账", medium="paper", department=None
    )
    item = make_item(
        world,
        "H-1",
        legal_basis="《社会救助暂行办法》第十一条",
        community_duty="协助入户调查并公示结果",
        ledger_codes=(ledger.code,),
    )
    catalog_publish(actor=office, title="二〇二五年版")
    catalog_item_revise(
        actor=office, item=item, fields=replace(item_fields_of(item), name="新名称")
    )
    catalog_publish(actor=office, title="二〇二六年版")

    page = html(client.get("/catalog/items/H-1/"))
    assert "<h1>H-1 新名称</h1>" in page
    assert "《社会救助暂行办法》第十一条" in page
    assert "区民政局 (DEPT-MZ)" in page
    assert "协助入户调查并公示结果" in page
    assert "低保入户调查台账 (TZ-1)" in page
    history = page.split("</dl>", 1)[1]
    assert history.index("二〇二五年版") < history.index("二〇二六年版")
    assert "协助开展最低生活保障入户调查 → 新名称" in history


def test_an_item_never_published_has_no_page(world: World, client: Client) -> None:
    make_item(world, "DRAFT-1")
    assert client.get("/catalog/items/DRAFT-1/").status_code == 404


def test_a_retired_item_keeps_its_page_with_its_status(world: World, client: Client) -> None:
    office = world.user("office_officer")
    item = make_item(world, "R-1")
    catalog_publish(actor=office, title="一")
    catalog_item_retire(actor=office, item=item, reason="清理")
    catalog_publish(actor=office, title="二")
    page = html(english(client).get("/catalog/items/R-1/"))
    assert 'class="badge retired"' in page


# The negative list and the certificate lists --------------------------------------------------


def test_the_negative_list_shows_its_entries_in_force(world: World, client: Client) -> None:
    office = world.user("office_officer")
    negative_list_entry_create(
        actor=office, code="NL-1", name="招商引资", reason="属于政府职责", basis="民政部意见"
    )
    gone = negative_list_entry_create(actor=office, code="NL-2", name="创卫检查", reason="已取消")
    negative_list_entry_retire(actor=office, entry=gone, reason="已纳入目录")
    page = html(client.get("/catalog/negative-list/"))
    assert "<td>NL-1</td><td>招商引资</td><td>属于政府职责</td><td>民政部意见</td>" in page
    assert "NL-2" not in page


def test_the_certificate_lists_show_each_verdict_apart(world: World, client: Client) -> None:
    office = world.user("office_officer")
    certificate_rule_create(
        actor=office, code="C-1", name="居住证明", verdict="may_issue", basis="户籍管理规定"
    )
    certificate_rule_create(actor=office, code="C-2", name="亲属关系证明", verdict="may_not_issue")
    certificate_rule_create(
        actor=office, code="C-3", name="无犯罪记录证明", verdict="may_not_issue"
    )
    page = html(client.get("/catalog/certificates/"))
    assert table_codes(page, "may-issue") == ["C-1"]
    assert table_codes(page, "may-not-issue") == ["C-2", "C-3"]
    assert "户籍管理规定" in page


# Editions and comparisons -------------------------------------------------------------------------


def headed_sections(page: str) -> dict[str, str]:
    """Each <h2> heading's text → the HTML up to the next heading."""
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", page)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture
def two_editions(world: World) -> tuple[CatalogEdition, CatalogEdition]:
    office = world.user("office_officer")
    keep = make_item(world, "E-KEEP")
    gone = make_item(world, "E-GONE")
    make_item(world, "E-SAME")
    first = catalog_publish(actor=office, title="第一版", note="首次发布")
    catalog_item_revise(
        actor=office, item=keep, fields=replace(item_fields_of(keep), frequency="yearly")
    )
    catalog_item_retire(actor=office, item=gone, reason="清理")
    make_item(world, "E-ADDED")
    second = catalog_publish(actor=office, title="第二版")
    return first, second


def test_the_editions_page_lists_every_edition_with_its_counts(
    two_editions: tuple[CatalogEdition, CatalogEdition], client: Client
) -> None:
    first, second = two_editions
    page = html(client.get("/catalog/editions/"))
    assert page.index("第二版") < page.index("第一版")
    assert f'<a href="/catalog/?edition={first.pk}">第一版</a>' in page
    assert f'<a href="/catalog/?edition={second.pk}">第二版</a>' in page
    assert "<td>3</td><td>0</td><td>首次发布</td>" in page  # three in force, none retired
    assert "<td>3</td><td>1</td><td></td>" in page  # second: three in force, one retired


def test_the_compare_page_shows_what_was_added_retired_and_changed(
    two_editions: tuple[CatalogEdition, CatalogEdition], client: Client
) -> None:
    page = html(english(client).get("/catalog/editions/compare/"))
    assert "1 added, 1 retired, 1 changed, 0 not in the newer edition." in page
    sections = headed_sections(page)
    assert '<a href="/catalog/items/E-ADDED/">E-ADDED</a>' in sections["Added"]
    assert '<a href="/catalog/items/E-GONE/">E-GONE</a>' in sections["Retired"]
    assert '<a href="/catalog/items/E-KEEP/">E-KEEP</a>' in sections["Changed"]
    assert "Yearly" in sections["Changed"] or "yearly" in sections["Changed"]
    assert "E-SAME" not in page


def test_the_compare_page_takes_the_editions_to_compare(
    two_editions: tuple[CatalogEdition, CatalogEdition], client: Client
) -> None:
    first, second = two_editions
    reverse = english(client).get(
        f"/catalog/editions/compare/?edition={first.pk}&against={second.pk}"
    )
    assert "1 not in the newer edition" in html(reverse)
    assert client.get("/catalog/editions/compare/?edition=999999&against=1").status_code == 404


def test_the_compare_page_needs_two_editions(world: World, client: Client) -> None:
    make_item(world)
    catalog_publish(actor=world.user("office_officer"), title="唯一版")
    page = html(english(client).get("/catalog/editions/compare/"))
    assert "Two editions are needed for a comparison." in page


# Query budgets: a list costs the same with 3 rows as with 40 ---------------------------------------


def add_items(world: World, start: int, count: int, *, publish: bool) -> list[str]:
    office = world.user("office_officer")
    ledger = ledger_create(
        actor=office, code=f"TZ-Q{start}", name="台账", medium="paper", department=None
    )
    codes = [f"Q-{number:03d}" for number in range(start, start + count)]
    for code in codes:
        make_item(world, code, ledger_codes=(ledger.code,))
    if publish:
        catalog_publish(actor=office, title=f"到{codes[-1]}为止")
    return codes


def add_editions(world: World, start: int, count: int) -> list[str]:
    office = world.user("office_officer")
    titles = []
    for number in range(start, start + count):
        make_item(world, f"ED-{number:03d}")
        titles.append(catalog_publish(actor=office, title=f"第{number}版").title)
    return titles


def add_negative_entries(world: World, start: int, count: int) -> list[str]:
    office = world.user("office_officer")
    codes = [f"NL-{number:03d}" for number in range(start, start + count)]
    for code in codes:
        negative_list_entry_create(
            actor=office, code=code, name="不应交给社区的工作", reason="理由"
        )
    return codes


def add_certificate_rules(world: World, start: int, count: int) -> list[str]:
    office = world.user("office_officer")
    item = make_item(world, f"CI-{start:03d}")
    codes = [f"CR-{number:03d}" for number in range(start, start + count)]
    for number, code in enumerate(codes):
        verdict = "may_issue" if number % 2 else "may_not_issue"
        certificate_rule_create(
            actor=office, code=code, name="证明", verdict=verdict, catalog_item=item
        )
    return codes


def add_published_items(world: World, start: int, count: int) -> list[str]:
    return add_items(world, start, count, publish=True)


def add_working_items(world: World, start: int, count: int) -> list[str]:
    return add_items(world, start, count, publish=False)


def add_items_to_count(world: World, start: int, count: int) -> list[str]:
    add_items(world, start, count, publish=True)
    return []  # the home page shows counts, not rows


@dataclass(frozen=True)
class ListPage:
    path: str
    person: str | None  # who looks (None: someone signed out)
    add_rows: Callable[[World, int, int], list[str]]  # returns what the page must then show
    budget: int


LIST_PAGES = {
    "home": ListPage("/", None, add_items_to_count, 6),
    "catalog": ListPage("/catalog/", None, add_published_items, 8),
    "editions": ListPage("/catalog/editions/", None, add_editions, 3),
    "compare": ListPage("/catalog/editions/compare/", None, add_published_items, 7),
    "negative list": ListPage("/catalog/negative-list/", None, add_negative_entries, 3),
    "certificates": ListPage("/catalog/certificates/", None, add_certificate_rules, 4),
    "office catalog": ListPage("/catalog/office/", "office_officer", add_working_items, 13),
}


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_list_pages_cost_the_same_queries_for_3_rows_as_for_40(
    world: World, django_assert_max_num_queries: Any, name: str
) -> None:
    list_page = LIST_PAGES[name]
    client = office_client(world, list_page.person) if list_page.person else Client()
    if name == "compare":
        add_items(world, 900, 1, publish=True)  # a first edition to compare against
    counts = []
    for start, count in [(1, 3), (100, 40)]:
        shown = list_page.add_rows(world, start, count)
        with django_assert_max_num_queries(list_page.budget) as captured:
            page = html(client.get(list_page.path))
        counts.append(len(captured.captured_queries))
        missing = [row for row in shown if row not in page]
        assert not missing, f"{name}: rows not shown: {missing}"
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 3 rows, {counts[1]} for 40"


# The office's pages ---------------------------------------------------------------------------------


def item_form(**overrides: str) -> dict[str, str]:
    return {
        "code": "N-1",
        "name": "协助开展高龄津贴资格认证",
        "name_en": "",
        "item_class": "statutory",
        "domain": "civil_affairs",
        "department_code": "DEPT-MZ",
        "legal_basis": "《中华人民共和国老年人权益保障法》第三十三条",
        "community_duty": "受理、初审",
        "frequency": "yearly",
        "ledger_codes": "",
        "plaque_codes": "",
        "estimated_hours": "12",
        "funding_per_community": "",
        "valid_from": "",
        "valid_to": "",
        "application_ref": "",
        "revision": "",
        "reason": "",
        **overrides,
    }


def test_the_office_creates_an_item_through_the_form(world: World) -> None:
    client = office_client(world)
    assert html(client.get("/catalog/office/new/"))
    response = client.post("/catalog/office/new/", item_form())
    assert response.status_code == 302
    assert response["Location"] == "/catalog/office/items/N-1/"
    item = CatalogItem.objects.get(code="N-1")
    assert (item.name, item.frequency, item.estimated_hours) == (
        "协助开展高龄津贴资格认证",
        "yearly",
        Decimal("12"),
    )
    event = AuditEvent.objects.get(action="catalog_item.create")
    assert event.actor_username == "office_officer"
    assert "N-1" in html(client.get(response["Location"]))


def test_a_broken_rule_shows_its_chinese_message_and_creates_nothing(world: World) -> None:
    client = office_client(world)
    response = client.post("/catalog/office/new/", item_form(item_class="delegated"))
    page = html(response)
    errors = page.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "谁委托谁出钱" in errors
    assert "Who delegates pays" not in page  # a Chinese page shows the Chinese message only
    assert not CatalogItem.objects.exists()
    assert not AuditEvent.objects.filter(action="catalog_item.create").exists()


def test_statutory_work_without_its_article_is_refused_on_the_office_form(world: World) -> None:
    client = office_client(world)
    page = html(client.post("/catalog/office/new/", item_form(legal_basis="《老年人权益保障法》")))
    errors = page.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "法律法规的名称及条款" in errors
    assert "article" not in errors
    assert not CatalogItem.objects.exists()


def test_a_taken_code_is_refused_on_the_form(world: World) -> None:
    make_item(world, "N-1")
    client = office_client(world)
    page = html(client.post("/catalog/office/new/", item_form(name="另一个事项")))
    assert "N-1" in page
    assert "修改该事项请使用“修订”" in page and "revise that item instead" not in page
    assert CatalogItem.objects.get(code="N-1").name != "另一个事项"


def test_a_revision_from_a_stale_form_shows_the_stale_message(world: World) -> None:
    item = make_item(world, "S-1")
    office = world.user("office_officer")
    catalog_item_revise(
        actor=office, item=item, fields=replace(item_fields_of(item), name="别人先改了")
    )
    client = office_client(world, "office_admin")
    stale = item_form(code="S-1", name="我的修改", revision="1", reason="更正")
    page = html(client.post("/catalog/office/items/S-1/", stale))
    assert "该记录已被他人修改，请刷新后重试。" in page
    assert "Someone else changed this record" not in page
    item.refresh_from_db()
    assert (item.name, item.revision) == ("别人先改了", 2)


def test_a_current_revision_is_saved_with_its_reason(world: World) -> None:
    make_item(world, "S-1")
    client = office_client(world)
    response = client.post(
        "/catalog/office/items/S-1/",
        item_form(code="S-1", name="新名称", revision="1", reason="更名"),
    )
    assert response.status_code == 302
    item = CatalogItem.objects.get(code="S-1")
    assert (item.name, item.revision) == ("新名称", 2)
    assert AuditEvent.objects.get(action="catalog_item.revise").reason == "更名"


def test_suspend_and_retire_need_a_reason_and_record_it(world: World) -> None:
    make_item(world, "T-1")
    client = office_client(world)
    edit_page = "/catalog/office/items/T-1/"

    response = client.post("/catalog/office/items/T-1/suspend/", {"reason": " "})
    assert response["Location"] == edit_page
    assert "Give a reason." in html(client.get(edit_page))
    assert CatalogItem.objects.get(code="T-1").status == "active"

    response = client.post("/catalog/office/items/T-1/suspend/", {"reason": "试点暂停"})
    assert response["Location"] == edit_page
    assert CatalogItem.objects.get(code="T-1").status == "suspended"
    assert AuditEvent.objects.get(action="catalog_item.suspend").reason == "试点暂停"

    response = client.post("/catalog/office/items/T-1/retire/", {"reason": "不属于社区工作"})
    assert response["Location"] == edit_page
    assert CatalogItem.objects.get(code="T-1").status == "retired"
    assert AuditEvent.objects.get(action="catalog_item.retire").reason == "不属于社区工作"


def test_a_status_change_the_workflow_does_not_allow_shows_why(world: World) -> None:
    make_item(world, "T-1")
    client = office_client(world)
    client.post("/catalog/office/items/T-1/reinstate/", {"reason": "恢复"})
    page = html(client.get("/catalog/office/items/T-1/"))
    assert "不能执行这一步" in page and "is not possible from there" not in page
    assert CatalogItem.objects.get(code="T-1").status == "active"
    assert client.post("/catalog/office/items/T-1/delete/", {"reason": "x"}).status_code == 404


def test_publishing_creates_an_edition(world: World) -> None:
    make_item(world, "P-1")
    client = office_client(world)
    assert "P-1" in html(client.get("/catalog/office/publish/"))
    # The form asks first: the confirmation page names the title and what changes.
    asked = html(
        client.post("/catalog/office/publish/", {"title": "二〇二六年第一版", "note": "首版"})
    )
    assert "确认公布目录版本“二〇二六年第一版”？" in asked
    assert "新增 1 项、停用 0 项、变更 0 项" in asked
    assert 'name="confirmed" value="yes"' in asked and 'value="首版"' in asked
    assert not CatalogEdition.objects.exists()
    response = client.post(
        "/catalog/office/publish/",
        {"title": "二〇二六年第一版", "note": "首版", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/catalog/editions/"
    assert AuditEvent.objects.filter(action="catalog.publish").count() == 1
    said = html(client.get("/catalog/editions/"))
    assert "目录第1版已公布：新增 1 项、停用 0 项、变更 0 项。" in said
    edition = CatalogEdition.objects.get()
    assert (edition.number, edition.title, edition.entries.count()) == (1, "二〇二六年第一版", 1)
    assert "二〇二六年第一版" in html(client.get("/catalog/editions/"))
    assert table_codes(html(client.get("/catalog/")), "catalog-table") == ["P-1"]


def test_publishing_nothing_new_is_refused_with_the_rule(world: World) -> None:
    make_item(world, "P-1")
    catalog_publish(actor=world.user("office_officer"), title="一")
    client = office_client(world)
    response = client.post(
        "/catalog/office/publish/", {"title": "二", "confirmed": "yes"}, follow=True
    )
    assert "目录自上一版本以来没有变化，无需发布新版本。" in html(response)
    assert CatalogEdition.objects.count() == 1


# Security headers on every public page -------------------------------------------------------------


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/catalog/export.csv", "/catalog/export.xlsx"])
def test_every_public_response_carries_the_security_headers(
    published: World, client: Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/catalog/?q=%00",
        "/catalog/?department=%00",
        "/catalog/items/%00/",
        "/catalog/export.csv?q=a%00b",
    ],
)
def test_nul_characters_never_reach_the_database(client, world, path: str) -> None:
    # Refused at the edge of the request (core.inputs), naming the parameter or the path.
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_nul_in_an_office_item_code_is_refused(client, world) -> None:
    client.force_login(world.user("office_officer"))
    response = client.get("/catalog/office/items/%00/")
    assert response.status_code == 400
    assert "“path”" in response.content.decode()


def test_publish_page_links_unpublished_items_to_their_office_page(client, world) -> None:
    from communitygate.testing import make_item

    make_item(world, "NEW-1")
    client.force_login(world.user("office_officer"))
    page = client.get("/catalog/office/publish/").content.decode()
    assert '<a href="/catalog/office/items/NEW-1/">NEW-1</a>' in page
