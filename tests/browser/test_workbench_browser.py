"""In a real browser: a community secretary signs in and lands on the workbench (工作台), follows
the first unadmitted task under "可拒绝的未准入任务" and refuses it; the workbench then counts one
fewer. On a 390-px phone the workbench and the home page fit the screen (no sideways scroll)."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.testing import World, build_world, make_item

from .pages import new_page, signed_in_page

pytestmark = [pytest.mark.browser]

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TITLES = ("创建文明城市迎检材料报送", "社区党建示范点创建申报材料")


@pytest.fixture
def world_with_unadmitted_tasks(transactional_db: None) -> World:
    clock.pin(MONDAY)  # the live server runs in this process: its "today" is Monday too
    world = build_world()
    make_item(world, "ZX-001", name="召集居民会议")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    for days, title in enumerate(TITLES, start=3):
        task_send(
            actor=world.user("department_clerk"),
            request=TaskRequest(
                department_code="DEPT-MZ",
                item_code=None,
                title=title,
                task_type="report",
                starts_on=MONDAY.date(),
                due_on=MONDAY.date() + dt.timedelta(days=days),
                targets=Targets("communities", ("370203031001",)),
            ),
        )
    return world


def test_a_secretary_lands_on_the_workbench_and_refuses_the_first_unadmitted_task(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_with_unadmitted_tasks: World
) -> None:
    base = live_server.url
    secretary = signed_in_page(browser, base, "community_secretary")
    expect(secretary).to_have_url(f"{base}/workbench/")
    expect(secretary.locator("main h1")).to_have_text("工作台")
    to_refuse = secretary.get_by_test_id("figure-to_refuse")
    expect(to_refuse).to_have_attribute("data-count", "2")
    first = to_refuse.get_by_test_id("entry").first
    expect(first.get_by_test_id("entry-due")).to_contain_text("2026年11月26日")
    expect(first.get_by_test_id("entry-due")).to_contain_text("社区无办理义务")
    first.get_by_test_id("entry-link").click()

    expect(secretary.locator("main h1")).to_contain_text(TITLES[0])
    refuse = secretary.get_by_test_id("refuse-form")
    refuse.locator("textarea, input[type=text]").first.fill("不在社区工作准入目录内")
    refuse.locator("button[type=submit]").click()
    expect(secretary.locator(".message.success")).to_be_visible()

    secretary.get_by_test_id("nav-workbench").click()
    expect(secretary.get_by_test_id("figure-to_refuse")).to_have_attribute("data-count", "1")
    secretary.context.close()

    phone = signed_in_page(browser, base, "community_secretary", phone=True)
    expect(phone.locator("main h1")).to_have_text("工作台")
    for path in ("/workbench/", "/"):
        phone.goto(f"{base}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    phone.context.close()

    resident = new_page(browser, phone=True)
    resident.goto(f"{base}/")
    resident.get_by_test_id("home-track-matter").click()
    expect(resident).to_have_url(f"{base}/public/matters/track/")
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    resident.context.close()
