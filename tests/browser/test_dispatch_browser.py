"""In a real browser: a department sends a task under no catalog item; the gate does not admit
it; the community finds it marked in its inbox, with the reason, and refuses it in one step; the
department sees the refusal on its task's page."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.models import Task
from communitygate.orgs.models import Organisation
from communitygate.testing import World, build_world, make_item

from .pages import signed_in_page

pytestmark = [pytest.mark.browser]

TITLE = "创建文明城市迎检材料报送"
MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture
def world_with_catalog(transactional_db: None) -> World:
    clock.pin(MONDAY)  # the live server runs in this process: its "today" is Monday too
    world = build_world()
    make_item(world, "ZX-001", name="召集居民会议")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    return world


def test_an_unadmitted_task_is_refused_in_one_step(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_with_catalog: World
) -> None:
    base = live_server.url
    clerk = signed_in_page(browser, base, "department_clerk")
    clerk.get_by_test_id("nav-dispatch").click()
    clerk.get_by_test_id("send-link").click()
    form = clerk.get_by_test_id("task-form")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_instructions").fill("请于12月4日前报送迎检台账。")
    form.locator("#id_task_type").select_option("report")
    form.locator("#id_starts_on").fill("2026-11-23")
    form.locator("#id_due_on").fill("2026-11-26")
    form.locator("#id_item").select_option("")  # 不属于准入目录事项
    for code in ("370203031001", "370203014001"):  # found by the tree's search, then ticked
        form.get_by_test_id("tree-search").fill(code)
        form.get_by_test_id(f"community-{code}").check()
    form.get_by_test_id("tree-search").fill("")
    form.get_by_test_id("preview-task").click()

    expect(clerk.get_by_test_id("preview-count")).to_have_text("2")
    expect(clerk.get_by_test_id("preview-verdict").get_by_test_id("verdict-badge")).to_have_text(
        "未准入"
    )
    clerk.get_by_test_id("send-task").click()

    verdict = clerk.get_by_test_id("verdict")
    expect(clerk.get_by_test_id("verdict-badge").first).to_have_text("未准入")
    expect(verdict.locator("li[data-code=not_in_catalog]")).to_contain_text("社区有权拒绝")
    expect(clerk.locator("main h1")).to_contain_text(TITLE)
    task_url = clerk.url

    community = signed_in_page(browser, base, "community_secretary")
    community.get_by_test_id("nav-dispatch").click()
    unadmitted = community.get_by_test_id("unadmitted")
    row = unadmitted.locator("tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("verdict-badge")).to_have_text("未准入")
    expect(row.locator("li[data-code=not_in_catalog]")).to_be_visible()
    # the department's date binds the community to nothing: no count of days, never due soon
    expect(row.get_by_test_id("not-binding")).to_be_visible()
    expect(row.get_by_test_id("workdays-left")).to_have_count(0)
    expect(row.get_by_test_id("due-soon")).to_have_count(0)
    expect(community.get_by_test_id("admitted")).not_to_contain_text(TITLE)
    row.locator("input[name=comment]").fill("不在社区工作准入目录内")
    row.get_by_test_id("refuse").click()

    expect(community.locator(".message.success")).to_be_visible()
    row = community.get_by_test_id("unadmitted").locator("tbody tr", has_text=TITLE)
    expect(row.get_by_test_id("state")).to_contain_text("已拒绝")
    expect(row.get_by_test_id("refuse-form")).to_have_count(0)

    clerk.goto(task_url)
    refused = clerk.get_by_test_id("row-370203031001")
    expect(refused.get_by_test_id("state")).to_have_text("已拒绝")
    expect(refused.get_by_test_id("refusal-comment")).to_contain_text("不在社区工作准入目录内")
    expect(clerk.get_by_test_id("row-370203014001").get_by_test_id("state")).to_have_text("已接收")
    for context in (clerk.context, community.context):
        context.close()


def test_a_clerk_picks_an_item_and_a_subdistrict_previews_and_sends(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_with_catalog: World
) -> None:
    """No code typed: the item is found by searching its name, a subdistrict's communities are
    ticked in the tree; the preview's count and verdict are the task's."""
    subdistrict = Organisation.objects.get(code="370203031")
    reached = Organisation.objects.filter(parent=subdistrict).count()
    clerk = signed_in_page(browser, live_server.url, "department_clerk")
    clerk.goto(f"{live_server.url}/dispatch/send/")
    form = clerk.get_by_test_id("task-form")
    form.get_by_test_id("search-item").fill("召集居民")
    expect(form.locator("#id_item")).to_have_value("ZX-001")
    form.locator("#id_title").fill("居民会议筹备")
    form.locator("#id_task_type").select_option("work")
    form.locator("#id_starts_on").fill("2026-11-23")
    form.locator("#id_due_on").fill("2026-12-04")
    form.get_by_test_id("tree-search").fill(subdistrict.name)
    form.get_by_test_id(f"whole-{subdistrict.code}").check()
    ticked = form.get_by_test_id(f"subdistrict-{subdistrict.code}").locator(
        "[data-tree-community] input:checked"
    )
    expect(ticked).to_have_count(reached)  # ticking the subdistrict ticked its communities
    form.get_by_test_id("preview-task").click()

    expect(clerk.get_by_test_id("preview-count")).to_have_text(str(reached))
    expect(clerk.get_by_test_id("preview-item")).to_contain_text("召集居民会议")
    badge = clerk.get_by_test_id("preview-verdict").get_by_test_id("verdict-badge")
    expect(badge).to_have_text("已准入")
    send = clerk.get_by_test_id("send-task")
    expect(send).to_contain_text(f"发送到 {reached} 个社区")
    send.click()

    expect(clerk.locator("main h1")).to_contain_text("居民会议筹备")
    expect(clerk.get_by_test_id("verdict-badge").first).to_have_text("已准入")
    expect(clerk.locator(".message.success")).to_contain_text(
        f"已向 {reached} 个社区发送任务“居民会议筹备”，准入闸门已准入。"
    )
    task = Task.objects.get(title="居民会议筹备")
    assert (task.target_mode, task.target_codes, task.admitted) == (
        "subdistricts",
        [subdistrict.code],
        True,
    )
    clerk.context.close()
