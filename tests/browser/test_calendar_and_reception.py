"""On a 390-px phone: the office changes a day of the working-day calendar's month grid by
clicking it (no script needed), and a community secretary records a walk-in visitor with the
quick form; neither page is wider than the screen."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from communitygate.core import clock
from communitygate.matters.models import Reception
from communitygate.testing import World, build_world
from communitygate.workcalendar.models import CalendarOverride

from .pages import signed_in_page

pytestmark = [pytest.mark.browser]

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture
def world_on_monday(transactional_db: None) -> World:
    clock.pin(MONDAY)  # the live server runs in this process: its "today" is Monday too
    return build_world()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def test_a_day_of_the_grid_and_a_walk_in_visitor_on_a_phone(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_on_monday: World
) -> None:
    base = live_server.url
    office = signed_in_page(browser, base, "office_officer", phone=True)
    office.goto(f"{base}/calendar/2027/")
    expect(office.get_by_test_id("year-status")).to_contain_text("2027年节假日安排尚未确定")
    no_sideways_scroll(office)
    office.locator('a[data-date="2027-02-05"]').click()
    form = office.get_by_test_id("day-form")
    expect(form).to_be_visible()
    no_sideways_scroll(office)
    form.get_by_label("放假（休）").check()
    form.locator("#id_name").fill("春节")
    form.locator("#id_source").fill("国办发明电〔2026〕X号")
    form.get_by_test_id("day-save").click()
    expect(office.locator(".messages").first).to_contain_text("2027-02-05 已改为放假（休）")
    expect(office.locator('a[data-date="2027-02-05"]')).to_have_attribute("data-kind", "holiday")
    assert CalendarOverride.objects.get().name == "春节"
    no_sideways_scroll(office)
    office.context.close()

    secretary = signed_in_page(browser, base, "community_secretary", phone=True)
    secretary.goto(f"{base}/residents/receptions/new/")
    expect(secretary.get_by_test_id("reception-count")).to_contain_text("今日来访 0 人")
    no_sideways_scroll(secretary)
    form = secretary.get_by_test_id("reception-form")
    form.locator("#id_visitor_name").fill("王阿姨")
    form.locator("#id_phone").fill("13912345678")
    form.locator("#id_category").select_option("consultation")
    form.locator("#id_summary").fill("咨询养老补贴")
    form.get_by_test_id("save-reception").click()
    expect(secretary.locator(".messages").first).to_contain_text(
        "已登记：王阿姨，当场办结。今日来访 1 人。"
    )
    expect(secretary.get_by_test_id("reception-count")).to_contain_text("今日来访 1 人")
    assert Reception.objects.get().phone_masked == "139****5678"
    secretary.get_by_test_id("receptions-link").click()
    expect(secretary.get_by_test_id("receptions")).to_contain_text("139****5678")
    no_sideways_scroll(secretary)
    secretary.context.close()
