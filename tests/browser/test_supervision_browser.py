"""In a real browser, the whole of supervision's teeth: a department sends work the catalog does
not admit; the community refuses it; the inspector finds the violation already on record and
confirms it; drafts a district-wide notice naming it; the head of the supervision office (not the
drafter) approves it; it is published with its number and the public reads it; the department
answers its correction order; the inspector accepts, and the violation is corrected."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.oversight.models import CorrectionOrder, Violation
from communitygate.testing import World, build_world, make_item

from .pages import new_page, signed_in_page

pytestmark = [pytest.mark.browser]

TITLE = "创建文明城市迎检材料报送"
MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
NUMBER = "市北督通〔2026〕1号"


@pytest.fixture
def world_with_catalog(transactional_db: None) -> World:
    clock.pin(MONDAY)  # the live server runs in this process: its "today" is Monday too
    world = build_world()
    make_item(world, "ZX-001", name="召集居民会议")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    return world


def send_unadmitted_task(clerk: Page) -> None:
    clerk.get_by_test_id("nav-dispatch").click()
    clerk.get_by_test_id("send-link").click()
    form = clerk.get_by_test_id("task-form")
    form.locator("#id_title").fill(TITLE)
    form.locator("#id_task_type").select_option("report")
    form.locator("#id_starts_on").fill("2026-11-23")
    form.locator("#id_due_on").fill("2026-11-27")
    form.get_by_test_id("subdistrict-370203031").locator("summary").click()
    form.get_by_test_id("community-370203031001").check()
    form.get_by_test_id("preview-task").click()
    clerk.get_by_test_id("send-task").click()
    expect(clerk.get_by_test_id("verdict-badge").first).to_have_text("未准入")


def refuse_it(community: Page) -> None:
    community.get_by_test_id("nav-dispatch").click()
    row = community.get_by_test_id("unadmitted").locator("tbody tr", has_text=TITLE)
    row.locator("input[name=comment]").fill("不在社区工作准入目录内")
    row.get_by_test_id("refuse").click()
    expect(community.locator(".message.success")).to_be_visible()


def confirm_the_violation(inspector: Page, base: str, violation: Violation) -> None:
    inspector.goto(f"{base}/supervision/")
    expect(inspector.get_by_test_id(f"violation-{violation.pk}")).to_contain_text(TITLE)
    inspector.get_by_test_id(f"violation-{violation.pk}").locator("a").first.click()
    expect(inspector.get_by_test_id("cause-task")).to_have_text(TITLE)
    form = inspector.get_by_test_id("confirm-form")
    form.locator("select[name=severity]").select_option("serious")
    form.locator("select[name=rule_source]").select_option("catalog")
    form.locator("[name=rule_cited]").fill("《社区工作准入目录》未列入的事项不得派给社区")
    form.get_by_test_id("confirm").click()
    expect(inspector.locator(".message.success")).to_be_visible()
    expect(inspector.get_by_test_id("decision")).to_contain_text("社区工作准入目录")


def draft_the_notice(inspector: Page, violation: Violation) -> None:
    inspector.get_by_test_id("draft-from-here").click()
    form = inspector.get_by_test_id("notice-form")
    form.locator(f"input[name=violations][value='{violation.pk}']").check()
    form.locator("[name=title]").fill("关于区民政局违规向社区派单的通报")
    form.locator("[name=facts]").fill("区民政局通过平台向商邱路社区派发准入目录以外的任务。")
    form.locator("[name=rule_broken]").fill(
        "《社区工作准入制度》：未经准入的工作不得交由社区承担。"
    )
    form.locator("[name=correction_required]").fill("立即停止派发，并报送整改情况。")
    form.locator("[name=correction_workdays]").fill("5")
    form.locator("button[type=submit]").click()
    expect(inspector.get_by_test_id("notice-state")).to_have_text("草稿")
    # The drafter is not offered the approval.
    expect(inspector.get_by_test_id("approve")).to_have_count(0)


def test_from_an_unadmitted_task_to_a_corrected_violation(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, world_with_catalog: World
) -> None:
    base = live_server.url
    clerk = signed_in_page(browser, base, "department_clerk")
    send_unadmitted_task(clerk)
    violation = Violation.objects.get(task__title=TITLE)
    assert violation.source == "unadmitted_task"

    community = signed_in_page(browser, base, "community_secretary")
    refuse_it(community)

    inspector = signed_in_page(browser, base, "inspector")
    confirm_the_violation(inspector, base, violation)
    draft_the_notice(inspector, violation)
    notice_url = inspector.url

    head = signed_in_page(browser, base, "supervision_head")
    head.goto(notice_url)
    head.get_by_test_id("approve").click()
    expect(head.get_by_test_id("notice-state")).to_have_text("已审批")
    head.get_by_test_id("publish").click()
    expect(head.get_by_test_id("confirm-facts")).to_contain_text("区民政局")
    head.get_by_test_id("confirm").click()
    expect(head.get_by_test_id("notice-state")).to_have_text("已发布")
    expect(head.locator("main")).to_contain_text(NUMBER)

    public = new_page(browser)
    public.goto(f"{base}/notices/")
    row = public.get_by_test_id("public-notices").locator("tbody tr", has_text="关于区民政局违规")
    expect(row).to_contain_text("区民政局")
    row.get_by_role("link", name=NUMBER).click()
    expect(public.locator("main")).to_contain_text(NUMBER)
    expect(public.locator("main")).to_contain_text("区民政局")

    order = CorrectionOrder.objects.get(notice__number=NUMBER)
    # Five working days after Monday 23 November 2026.
    assert order.due_on == dt.date(2026, 11, 30)
    clerk.goto(f"{base}/supervision/orders/")
    clerk.get_by_test_id(f"order-{order.pk}").locator("a").first.click()
    respond = clerk.get_by_test_id("respond-form")
    respond.locator("[name=response]").fill("已撤回该任务，今后按准入目录派单。")
    respond.locator("button[type=submit]").click()
    expect(clerk.get_by_test_id("order-state")).to_have_text("已报送整改")

    inspector.goto(f"{base}/supervision/orders/{order.pk}/")
    inspector.get_by_test_id("accept").click()
    expect(inspector.get_by_test_id("order-state")).to_have_text("已验收")
    violation.refresh_from_db()
    assert violation.state == "corrected"
    for page in (clerk, community, inspector, head, public):
        page.context.close()
