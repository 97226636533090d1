"""On a 390 x 844 phone, in the Shibei demo (seeded once for this module's one test, which is
why its parts are subtests): no page of the public site, the community inbox, matters, the glance
page or the workbench is wider than the screen — each person's pages found by following the links
they can click — and every role signs in, lands on its workbench, follows its first item and acts
on it."""

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from communitygate.web.tests.grid import ANONYMOUS, PAGE
from communitygate.web.tests.test_permission_grid import MATRIX

from .pages import PHONE_VIEWPORT, new_page, signed_in_page
from .phone_sweep import NOT_PAGES, Sweep, kind_of

pytestmark = [pytest.mark.browser]

DEMO_PASSWORD = "demo-password-1"
WIDTH = PHONE_VIEWPORT["width"]

# Every page the permission grid lists as open to anyone (it lists every URL of the site).
PUBLIC_PAGES = sorted(
    path
    for (method, path), answers in MATRIX.items()
    if method == "GET" and answers[ANONYMOUS] == PAGE and not NOT_PAGES.search(path.split("?")[0])
)
# Public pages no link leads to without an act first (the grid opens them with its own seed):
# a filed matter's receipt and a sign-up's, which the resident's own walk below reaches.
PUBLIC_AFTER_AN_ACT = {"/public/matters/filed/", "/public/programmes/…/signed-up/"}

# The staff pages swept for each person: the workbench, the community inbox and its
# assignments, matters and walk-in reception, the glance pages, and a department's sending page
# and tasks.
STAFF_STARTS = (
    "/workbench/",
    "/dispatch/inbox/",
    "/residents/",
    "/residents/matters/",
    "/residents/matters/new/",
    "/residents/receptions/",
    "/residents/receptions/new/",
    "/dispatch/send/",
    "/dispatch/tasks/",
)
STAFF_AREAS = (
    "/workbench/",
    "/dispatch/send/",
    "/dispatch/tasks/",
    "/dispatch/inbox/",
    "/dispatch/assignments/",
    "/residents/matters/",
    "/residents/receptions/",
    "/residents/communities/",
    "/residents/visits/",
)
LOGINS = (
    "shangqiulu",  # community secretary
    "yichunlu",
    "luoyanglu",  # subdistrict
    "civil-affairs",  # department
    "health",
    "office",
    "committee",
    "inspector",
    "supervision-head",
    "auditor",
    "so-staff",
)
# What the community secretary's sweep must have reached (else a link went missing).
SECRETARY_KINDS = {
    "/workbench/",
    "/dispatch/inbox/",
    "/dispatch/assignments/…/",
    "/residents/",
    "/residents/communities/…/",
    "/residents/matters/",
    "/residents/matters/…/",
    "/residents/matters/new/",
    "/residents/receptions/",
    "/residents/receptions/new/",
}


def staff_area(path: str) -> bool:
    return path.split("?")[0] == "/residents/" or path.startswith(STAFF_AREAS)


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    yield


def test_every_page_fits_a_phone_and_each_role_acts_on_its_first_item(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, demo: None, subtests
) -> None:
    base = live_server.url
    with subtests.test(msg="the public site, anonymous"):
        anonymous = new_page(browser, phone=True)
        sweep = Sweep(base, WIDTH)
        starts = [path for path in PUBLIC_PAGES if "{" not in path]
        sweep.run(anonymous, starts, lambda path: True, per_kind=2)
        anonymous.context.close()
        missed = {kind_of(path) for path in PUBLIC_PAGES} - set(sweep.visited)
        assert missed <= PUBLIC_AFTER_AN_ACT, f"public pages no link reached: {sorted(missed)}"
        assert not sweep.failures, "wider than the phone:\n" + "\n".join(sweep.failures)

    for username in LOGINS:
        with subtests.test(msg=f"the staff pages of {username}"):
            person = signed_in_page(browser, base, username, phone=True, password=DEMO_PASSWORD)
            assert person.url == f"{base}/workbench/"
            sweep = Sweep(base, WIDTH)
            sweep.run(person, STAFF_STARTS, staff_area)
            person.context.close()
            assert "/workbench/" in sweep.visited
            if username == "shangqiulu":
                missed = SECRETARY_KINDS - set(sweep.visited)
                assert not missed, f"pages no link reached: {sorted(missed)}"
            assert not sweep.failures, "wider than the phone:\n" + "\n".join(sweep.failures)

    # Each role on the phone: sign in, land on the workbench, follow the first item, act on it.
    for username, walk in ROLE_WALKS.items():
        with subtests.test(msg=f"{username} acts on the first item of the workbench"):
            person = signed_in_page(browser, base, username, phone=True, password=DEMO_PASSWORD)
            expect(person).to_have_url(f"{base}/workbench/")
            expect(person.locator("main h1")).to_have_text("工作台")
            walk(person)
            assert fits(person), person.url
            person.context.close()

    with subtests.test(msg="a resident files a matter from the home page and tracks it"):
        resident = new_page(browser, phone=True)
        resident_files_and_tracks(resident, base)
        resident.context.close()


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def follow_figure(page: Page, key: str) -> int:
    """Open the list behind a workbench figure that has work waiting; its count."""
    figure = page.get_by_test_id(f"figure-{key}")
    count = int(figure.get_attribute("data-count") or 0)
    assert count > 0, f"nothing waits under {key}"
    figure.get_by_test_id("figure-link").click()
    return count


def secretary_refuses(page: Page) -> None:
    """The community: the first unadmitted task, refused from its page."""
    before = int(page.get_by_test_id("figure-to_refuse").get_attribute("data-count") or 0)
    page.get_by_test_id("figure-to_refuse").get_by_test_id("entry-link").first.click()
    expect(page.locator("main h1")).to_be_visible()
    assert fits(page), page.url
    refuse = page.get_by_test_id("refuse-form")
    refuse.locator("textarea, input[type=text]").first.fill("不在社区工作准入目录内")
    refuse.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.get_by_test_id("nav-toggle").click()
    page.get_by_test_id("nav-workbench").click()
    expect(page.get_by_test_id("figure-to_refuse")).to_have_attribute("data-count", str(before - 1))


def department_reads_a_refusal_and_confirms_a_deliverable(page: Page) -> None:
    """The department: the first task a community refused (its reason shown), then the first
    deliverable handed in, confirmed."""
    follow_figure(page, "tasks_refused")
    page.locator("main table a[href^='/dispatch/tasks/']").first.click()
    refused = page.get_by_test_id("assignments").get_by_test_id("state").filter(has_text="已拒绝")
    expect(refused.first).to_be_visible()
    assert fits(page), page.url
    page.goto(page.url.split("/dispatch/")[0] + "/workbench/")
    follow_figure(page, "tasks_submitted")
    page.locator("main table a[href^='/dispatch/tasks/']").first.click()
    assert fits(page), page.url
    page.get_by_test_id("confirm").first.click()
    expect(page.locator(".message.success")).to_be_visible()


def subdistrict_follows_an_overdue_matter(page: Page) -> None:
    """The subdistrict: the first overdue matter of its communities (it reads; the community
    answers), then its overdue tasks."""
    follow_figure(page, "matters_overdue")
    expect(page.get_by_test_id("matter-filters")).to_be_visible()
    page.locator("main table a[href^='/residents/matters/']").first.click()
    expect(page.get_by_test_id("status")).to_be_visible()
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
    assert fits(page), page.url
    page.go_back()
    page.go_back()
    follow_figure(page, "tasks_overdue")
    expect(page.locator("main h1")).to_be_visible()


def inspector_confirms_a_new_violation(page: Page) -> None:
    """Supervision: the first new violation, confirmed."""
    follow_figure(page, "violations_new")
    page.locator("main table a[href^='/supervision/violations/']").first.click()
    assert fits(page), page.url
    form = page.get_by_test_id("confirm-form")
    form.locator("select[name=severity]").select_option("serious")
    form.locator("select[name=rule_source]").select_option("catalog")
    form.locator("[name=rule_cited]").fill("《社区工作准入目录》未列入的事项不得派给社区")
    form.get_by_test_id("confirm").click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.get_by_test_id("decision")).to_contain_text("社区工作准入目录")


def auditor_follows_an_anomaly(page: Page) -> None:
    """The audit bureau: the first anomaly, followed to the record it is about, and the list
    exported for the working papers."""
    first = page.locator("li.waiting[data-testid^=figure-anomalies_]").first
    first.get_by_test_id("figure-link").click()
    row = page.locator("[data-testid^=anomaly-]").first
    expect(row).to_be_visible()
    with page.expect_download() as download:
        page.locator("a[href^='/audit/anomalies/export/']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    row.locator("a").first.click()
    expect(page.locator("main h1")).to_be_visible()
    assert fits(page), page.url


def office_enters_next_years_calendar(page: Page) -> None:
    """The committee office: next year's calendar, still to enter (the workbench asks for it
    from the reminder month on, core.workdays.uncovered_next_year); one day made a holiday.
    Earlier in the year the first item is a review round, which the office opens."""
    if not page.get_by_test_id("figure-calendar").count():
        page.get_by_test_id("figure-rounds").get_by_test_id("entry-link").first.click()
        expect(page.get_by_test_id("round-status")).to_be_visible()
        return
    follow_figure(page, "calendar")
    day = page.locator("a[data-date]").first
    date = day.get_attribute("data-date")
    day.click()
    form = page.get_by_test_id("day-form")
    form.get_by_label("放假（休）").check()
    form.locator("#id_name").fill("元旦")
    form.locator("#id_source").fill("国务院办公厅通知")
    form.get_by_test_id("day-save").click()
    expect(page.locator(".messages").first).to_contain_text(f"{date} 已改为放假（休）")
    expect(page.locator(f'a[data-date="{date}"]')).to_have_attribute("data-kind", "holiday")


def social_organisation_hands_in_a_deliverable(page: Page) -> None:
    """A social organisation: the first deliverable due, handed in on its contract's page."""
    figure = page.get_by_test_id("figure-deliverables_due")
    before = int(figure.get_attribute("data-count") or 0)
    assert before > 0, "nothing to hand in"
    figure.get_by_test_id("entry-link").first.click()
    expect(page.get_by_test_id("deliverables")).to_be_visible()
    assert fits(page), page.url
    form = page.locator("form[data-testid^='submit-']").first
    form.locator("textarea").fill("11月养老服务设施运营情况月报已完成，详见附件说明。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.get_by_test_id("nav-toggle").click()
    page.get_by_test_id("nav-workbench").click()
    expect(page.get_by_test_id("figure-deliverables_due")).to_have_attribute(
        "data-count", str(before - 1)
    )


ROLE_WALKS = {
    "shangqiulu": secretary_refuses,
    "civil-affairs": department_reads_a_refusal_and_confirms_a_deliverable,
    "luoyanglu": subdistrict_follows_an_overdue_matter,
    "inspector": inspector_confirms_a_new_violation,
    "auditor": auditor_follows_an_anomaly,
    "office": office_enters_next_years_calendar,
    "so-staff": social_organisation_hands_in_a_deliverable,
}


def resident_files_and_tracks(page: Page, base: str) -> None:
    """A resident, from the home page: tells the community, gets a code, tracks it."""
    page.goto(f"{base}/")
    page.get_by_test_id("home-file-matter").click()
    form = page.get_by_test_id("matter-form")
    form.locator("#id_community").select_option("370203031002")
    form.locator("#id_contact_name").fill("李四")
    form.locator("#id_phone").fill("13812345678")
    form.locator("#id_category").select_option("repair")
    form.locator("#id_summary").fill("楼道灯坏了")
    form.locator("#id_description").fill("五号楼一单元楼道灯不亮")
    form.locator("#id_location").fill("商邱路5号楼1单元")
    assert fits(page), page.url
    form.get_by_test_id("file-matter").click()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert code.startswith("MQ"), code
    page.goto(f"{base}/")
    page.get_by_test_id("home-track-matter").click()
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_phone_last4").fill("5678")
    page.get_by_test_id("track").click()
    expect(page.get_by_test_id("tracking-code")).to_have_text(code)
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "received")
    expect(page.get_by_test_id("category")).to_be_visible()
    assert fits(page), page.url
