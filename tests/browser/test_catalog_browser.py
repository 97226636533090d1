"""In a real browser: sign in, browse and filter the public catalog, switch the language."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from communitygate.catalog.services import catalog_publish
from communitygate.testing import PASSWORD, build_world, make_item

pytestmark = [pytest.mark.browser]


@pytest.fixture
def published_catalog(transactional_db: None) -> None:
    world = build_world()
    make_item(world, "ZX-001", name="召集居民会议")
    make_item(world, "ZX-002", name="调解民间纠纷", domain="stability")
    make_item(
        world,
        "WT-001",
        name="协助开展最低生活保障入户调查",
        item_class="delegated",
        funding_per_community=Decimal("8000"),
    )
    catalog_publish(actor=world.user("office_officer"), title="测试版本")


def test_browse_filter_sign_in_and_switch_language(
    live_server, page: Page, published_catalog: None
) -> None:
    page.goto(f"{live_server.url}/catalog/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("catalog-table").locator("tbody tr")).to_have_count(3)

    page.get_by_test_id("filter-class").select_option("delegated")
    page.get_by_test_id("apply-filters").click()
    rows = page.get_by_test_id("catalog-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("WT-001")
    expect(rows.first).to_contain_text("¥8,000.00")

    page.get_by_test_id("filter-class").select_option("")
    page.get_by_test_id("catalog-search").fill("纠纷")
    page.get_by_test_id("apply-filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ZX-002")

    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("调解民间纠纷")

    page.goto(f"{live_server.url}/accounts/login/?next=/catalog/office/")
    page.locator("#id_username").fill("office_officer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("office_officer")
    expect(page.get_by_test_id("unpublished")).to_be_visible()

    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("switch-language")).to_have_text("中文")
    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_a_wrong_password_is_refused(live_server, page: Page, published_catalog: None) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("office_officer")
    page.locator("#id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errors")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
