"""The browser tests' one way to open a page and to sign in (the form, as a person would)."""

from playwright.sync_api import Browser, Page, ViewportSize, expect

from communitygate.testing import PASSWORD

PHONE_VIEWPORT: ViewportSize = {"width": 390, "height": 844}


def new_page(browser: Browser, *, phone: bool = False) -> Page:
    """A page in a fresh context (its own cookies), in Chinese, optionally phone-sized."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE_VIEWPORT if phone else None)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def signed_in_page(
    browser: Browser, base: str, username: str, *, phone: bool = False, password: str = PASSWORD
) -> Page:
    page = new_page(browser, phone=phone)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text(username)
    return page
