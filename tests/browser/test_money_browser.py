"""In a real browser, the money trail end to end: the paying department records a payment to a
community on its page; the community's secretary, on a phone, finds it among the receipts to
confirm and confirms it; the auditor reads the community's balance (share, paid, confirmed,
outstanding) and, in the auditor's workspace, an irregularity elsewhere (a payment beyond
another community's share)."""

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from communitygate.admissions.models import FundingCommitment
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.tests.support import COMMUNITY, OTHER, funded, paid
from communitygate.testing import build_world

from .pages import signed_in_page

pytestmark = [pytest.mark.browser]

VOUCHER = "MZ-2026-1120-01"


@pytest.fixture
def commitment(transactional_db: None) -> FundingCommitment:
    world = build_world()
    commitment = funded(world)  # F-001, ¥10,000.00 per community a year, 2025–2026, DEPT-MZ
    paid(  # elsewhere: ¥200.00 beyond another community's share, with a note
        world,
        commitment,
        amount="10200.00",
        community=OTHER,
        voucher="MZ-2026-0601-09",
        beyond_share=True,
        note="补发上年度差额",
    )
    return commitment


def record_the_payment(clerk: Page, commitment: FundingCommitment) -> None:
    clerk.get_by_test_id("nav-funding").click()
    clerk.get_by_test_id("payment-new-link").click()
    form = clerk.get_by_test_id("payment-form")
    form.locator("[name=commitment]").select_option(str(commitment.pk))
    form.locator("[name=community]").select_option(COMMUNITY)
    form.locator("[name=amount]").fill("4000.00")
    form.locator("[name=paid_on]").fill("2026-11-20")
    form.locator("[name=voucher_number]").fill(VOUCHER)
    form.get_by_test_id("save").click()
    expect(clerk.locator(".message.success")).to_be_visible()
    expect(clerk.get_by_test_id("amount")).to_have_text("¥4,000.00")
    expect(clerk.get_by_test_id("payment-state")).to_have_text("已登记")


def confirm_the_receipt(secretary: Page, payment: Payment) -> None:
    secretary.get_by_test_id("nav-toggle").click()  # the phone's menu
    secretary.get_by_test_id("nav-funding").click()
    waiting = secretary.get_by_test_id("receipts-to-confirm")
    expect(waiting.get_by_test_id(f"payment-{payment.pk}")).to_contain_text(VOUCHER)
    # Nothing widens the page on a phone (long options and tables scroll within themselves).
    assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
    waiting.get_by_test_id(f"payment-{payment.pk}").locator("a").first.click()
    expect(secretary.get_by_test_id("balance")).to_contain_text("¥6,000.00")  # still owed
    secretary.get_by_test_id("confirm").click()
    expect(secretary.locator(".message.success")).to_be_visible()
    expect(secretary.get_by_test_id("payment-state")).to_have_text("已确认到账")


def read_the_balance(auditor: Page, commitment: FundingCommitment) -> None:
    auditor.get_by_test_id("nav-funding").click()
    auditor.get_by_role("link", name="经费余额", exact=True).first.click()
    row = auditor.get_by_test_id(f"balance-{commitment.pk}-{COMMUNITY}-2026")
    cells = row.locator("td.number")
    expect(cells).to_have_text(["¥10,000.00", "¥4,000.00", "¥4,000.00", "¥0.00", "¥6,000.00"])
    expect(auditor.get_by_test_id("payment-new-link")).to_have_count(0)  # reads, never writes


def find_the_anomaly(auditor: Page) -> None:
    auditor.get_by_test_id("nav-auditing").click()
    counts = auditor.get_by_test_id("anomaly-counts")
    expect(counts.locator("li[data-kind=payments_beyond_commitment] strong")).not_to_have_text("0")
    counts.locator("li[data-kind=payments_beyond_commitment] a").click()
    rows = auditor.get_by_test_id("anomalies").locator("tbody tr[data-kind]")
    expect(rows.filter(has_text=OTHER).first).to_contain_text("超出承诺的拨付")
    expect(rows.filter(has_text=COMMUNITY)).to_have_count(0)


def test_a_payment_recorded_confirmed_and_audited(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, commitment: FundingCommitment
) -> None:
    base = live_server.url
    clerk = signed_in_page(browser, base, "department_clerk")
    record_the_payment(clerk, commitment)
    payment = Payment.objects.get(voucher_number=VOUCHER)
    assert (payment.community.code, payment.state) == (COMMUNITY, PaymentStates.RECORDED)

    secretary = signed_in_page(browser, base, "community_secretary", phone=True)
    confirm_the_receipt(secretary, payment)
    payment.refresh_from_db()
    assert payment.state == PaymentStates.CONFIRMED
    assert payment.paid_on == dt.date(2026, 11, 20)

    auditor = signed_in_page(browser, base, "auditor")
    read_the_balance(auditor, commitment)
    find_the_anomaly(auditor)
