"""In a real browser, a whole round: a department files (delegated work with its funding and a
ledger chosen from the records), bodies vote seeing what it puts on them, the office forwards,
the committee's meeting approves, and the item appears in the public catalog with its ledger.
The clock is pinned in January 2027, the month the January round may open (issue 15)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from communitygate.catalog.services import catalog_publish, ledger_create
from communitygate.core import clock
from communitygate.testing import build_world, committee_members, make_item

from .pages import signed_in_page

pytestmark = [pytest.mark.browser]

ITEM = "协助开展老年人助浴需求摸底"
JANUARY = dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)  # Monday 4 January 2027, 10:00 Shanghai


@pytest.fixture
def world_with_catalog(transactional_db: None):  # type: ignore[no-untyped-def]
    world = build_world()
    make_item(world, "ZX-001", name="召集居民会议")
    ledger_create(
        actor=world.user("office_officer"),
        code="TZ-201",
        name="失能老人助浴需求登记表",
        medium="paper",
        department=world.org("department"),
    )
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    committee_members(world, 3)
    clock.pin(JANUARY)  # the live server runs in this process: its "today" is this Monday too
    yield world
    clock.pin(None)


def vote(browser: Browser, base: str, username: str, application_url: str) -> None:
    page = signed_in_page(browser, base, username)
    page.goto(application_url)
    expect(page.get_by_test_id("ledgers")).to_contain_text("TZ-201 失能老人助浴需求登记表")
    expect(page.get_by_test_id("funding")).to_contain_text("¥1,500.00")
    form = page.get_by_test_id("ballot-form")
    form.locator("input[value=approve]").check()
    form.locator("textarea").fill("同意")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.context.close()


def test_a_whole_round_in_the_browser(live_server, browser: Browser, world_with_catalog) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    clerk = signed_in_page(browser, base, "department_clerk")
    clerk.goto(f"{base}/admissions/new/")
    values = {
        "#id_contact_name": "演示经办人",
        "#id_contact_phone": "0532-80000000",
        "#id_item_name": ITEM,
        "#id_legal_basis": "《中华人民共和国老年人权益保障法》",
        "#id_necessity": "了解失能老人助浴需求",
        "#id_community_duty": "入户摸底、登记需求",
        "#id_starts_on": "2027-03-01",
        "#id_estimated_hours": "12",
        "#id_target_communities": "370203031001, 370203014001",
        "#id_funding_per_community": "1500",
        "#id_funding_source": "区民政局部门预算",
    }
    expect(clerk.locator("#id_item_class option[value=statutory]")).to_have_count(0)
    clerk.locator("#id_item_class").select_option("delegated")
    for selector, value in values.items():
        clerk.locator(selector).fill(value)
    clerk.locator("#id_ledgers").select_option("TZ-201")
    clerk.locator("#id_targets_all").uncheck()
    clerk.locator("main form button[type=submit]").click()
    expect(clerk.get_by_test_id("status")).to_contain_text("草稿")
    application_url = clerk.url
    clerk.get_by_test_id("submit-application").click()
    expect(clerk.get_by_test_id("status")).to_contain_text("已提交")

    office = signed_in_page(browser, base, "office_officer")
    office.goto(f"{base}/admissions/rounds/")
    office.locator("table a").first.click()
    deadline = timezone.localtime(clock.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    office.locator("#id_deadline").fill(deadline)
    office.get_by_test_id("open-consultation").locator("button").click()
    expect(office.get_by_test_id("round-status")).to_contain_text("征询中")
    round_url = office.url

    for username in ("community_secretary", "community_secretary_other", "subdistrict_officer"):
        vote(browser, base, username, application_url)

    office.goto(application_url)
    expect(office.get_by_test_id("tally")).to_contain_text("同意 3")
    expect(office.get_by_test_id("passed")).to_contain_text("征询中")  # no verdict while open
    office.goto(round_url)
    office.get_by_test_id("close-consultation").locator("button").click()
    # The confirmation page: closing before the deadline needs a reason, which is recorded.
    expect(office.get_by_test_id("confirm-facts")).to_contain_text("提前截止")
    office.get_by_test_id("confirm").click()
    expect(office.get_by_test_id("errors-reason")).to_contain_text("提前截止须说明理由")
    office.locator("textarea[name=reason]").fill("三个单位均已表态，委员会提前汇总。")
    office.get_by_test_id("confirm").click()
    expect(office.get_by_test_id("close-reason")).to_contain_text("委员会提前汇总")
    office.goto(application_url)
    expect(office.get_by_test_id("passed")).to_contain_text("已通过")
    review = office.get_by_test_id("review-form")
    review.locator("select[name=action]").select_option("forward")
    review.locator("textarea[name=opinion]").fill("征询同意率75%，同意提交委员会。")
    review.locator("button[type=submit]").click()
    expect(office.get_by_test_id("status")).to_contain_text("已提交委员会")

    # The committee member lands on the workbench, where the application waits for a decision.
    committee = signed_in_page(browser, base, "committee_member")
    expect(committee).to_have_url(f"{base}/workbench/")
    waiting = committee.get_by_test_id("figure-decisions")
    expect(waiting).to_have_attribute("data-count", "1")
    waiting.get_by_test_id("figure-link").click()
    application_path = application_url.removeprefix(base)
    committee.locator(f"main a[href='{application_path}']").first.click()
    expect(committee).to_have_url(application_url)
    # The meeting: two of the three members present approve, the third is absent.
    decision = committee.get_by_test_id("decision-form")
    expect(decision.locator("input[name=held_on]")).to_have_value("2027-01-04")
    votes = decision.locator("select[name^=member_]")
    expect(votes).to_have_count(3)
    votes.nth(0).select_option("approve")
    votes.nth(1).select_option("approve")
    decision.locator("textarea[name=reason]").fill("委员会审议同意。")
    decision.locator("button[type=submit]").click()
    expect(committee.get_by_test_id("status")).to_contain_text("批准")
    expect(committee.get_by_test_id("committee-meeting")).to_contain_text("出席 2 名")

    public = browser.new_context(locale="en-US").new_page()
    public.goto(f"{base}/catalog/?q=助浴")
    rows = public.get_by_test_id("catalog-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ITEM)
    rows.first.get_by_role("link").click()
    expect(public.locator("main")).to_contain_text("失能老人助浴需求登记表")
    public.locator("a", has_text="SQ").first.click()
    expect(public.get_by_test_id("tally")).to_contain_text("同意 3")
