"""On a 390-px phone the header's menu folds behind one button (no script), so a page starts
with its content; on a desktop the menu is always open and the button is not shown."""

import pytest
from playwright.sync_api import Browser, expect

from .pages import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_folds_on_a_phone_and_opens_with_one_tap(  # type: ignore[no-untyped-def]
    live_server, browser: Browser
) -> None:
    phone = new_page(browser, phone=True)
    phone.goto(f"{live_server.url}/notices/")
    expect(phone.get_by_test_id("nav-notices")).to_be_hidden()
    toggle = phone.get_by_test_id("nav-toggle")
    expect(toggle).to_have_text("菜单")
    header_height = phone.locator(".site-header").bounding_box()["height"]  # type: ignore[index]
    assert header_height < 160, header_height
    toggle.click()
    expect(phone.get_by_test_id("nav-notices")).to_be_visible()
    phone.get_by_test_id("nav-scorecard").click()
    expect(phone.locator("main h1")).to_have_text("部门执行情况")
    phone.context.close()

    desktop = new_page(browser)
    desktop.goto(f"{live_server.url}/notices/")
    expect(desktop.get_by_test_id("nav-toggle")).to_be_hidden()
    expect(desktop.get_by_test_id("nav-notices")).to_be_visible()
    desktop.context.close()
