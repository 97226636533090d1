"""The demo's year of money has what issue 11 asks to show: the six delegated items' payments to
Shibei's communities, most receipts confirmed where a community login exists, one dispute
answered and one not, one payment beyond its share with a note, the one census share left unpaid
found overdue as exactly one `payment_overdue` violation, and balances that add up; a department
login pays and a community login confirms from the pages."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.auditing.anomalies import AnomalyFilters, anomalies_found
from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.demo import data
from communitygate.demo.money_history import (
    BEYOND_SHARE_NOTE,
    CENSUS,
    DISABLED,
    INSURANCE,
    TYPHOON,
    VETERANS,
)
from communitygate.funding.models import OverdueShare, Payment, PaymentStates
from communitygate.funding.selectors import balances
from communitygate.funding.services import overdue_shares_mark
from communitygate.oversight.models import Violation, ViolationSources
from communitygate.testing import password_sign_in

from .conftest import DEMO_PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo"),
    pytest.mark.xdist_group("demo"),
]

SHANGQIULU, YICHUNLU = "商邱路社区", "伊春路社区"


def signed_in(username: str) -> Client:
    client = Client()
    assert password_sign_in(client, username, DEMO_PASSWORD)
    return client


def test_the_six_delegated_items_and_the_two_admitted_in_2026_were_paid() -> None:
    items = set(Payment.objects.values_list("commitment__catalog_item__code", flat=True).distinct())
    reform = {kept.code for kept in data.REFORMED_DELEGATED}
    assert len(reform) == 6
    assert items == reform | {TYPHOON, INSURANCE}
    assert Payment.objects.filter(paid_on__year=2026).count() == Payment.objects.count()
    assert AuditEvent.objects.filter(action="payment.record").count() == Payment.objects.count()


def test_the_two_communities_confirmed_most_and_disputed_two() -> None:
    for name in (SHANGQIULU, YICHUNLU):
        theirs = Payment.objects.filter(community__name=name)
        confirmed = theirs.filter(state=PaymentStates.CONFIRMED).count()
        assert confirmed >= theirs.count() - 1
    veterans = Payment.objects.get(
        community__name=SHANGQIULU, commitment__catalog_item__code=VETERANS
    )
    assert veterans.state == PaymentStates.RECORDED  # answered, to confirm again
    assert veterans.dispute_reason and veterans.answer
    assert AuditEvent.objects.filter(action="payment.answer", object_id=str(veterans.pk)).exists()
    disputed = Payment.objects.get(state=PaymentStates.DISPUTED)
    assert disputed.community.name == YICHUNLU
    assert disputed.answer == ""


def test_one_payment_beyond_its_share_with_a_note() -> None:
    beyond = Payment.objects.get(beyond_share=True)
    assert beyond.commitment.catalog_item is not None
    assert beyond.commitment.catalog_item.code == DISABLED
    assert beyond.community.name == YICHUNLU
    assert beyond.note == BEYOND_SHARE_NOTE
    assert beyond.amount == Decimal("5200.00")


def test_the_unpaid_census_share_is_one_overdue_violation() -> None:
    overdue = OverdueShare.objects.get()
    assert overdue.commitment.catalog_item is not None
    assert overdue.commitment.catalog_item.code == CENSUS
    assert overdue.community.name == YICHUNLU
    assert overdue.paid == Decimal("0.00")
    violation = Violation.objects.get(source=ViolationSources.PAYMENT_OVERDUE)
    assert violation.department is not None
    assert violation.department.code == "DEPT-TJ"
    clock.pin(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
    assert overdue_shares_mark() == 0  # the daily run finds nothing more


def test_balances_add_up() -> None:
    user = User.objects.get(username="auditor")
    today = dt.date(2026, 11, 30)
    rows = balances(
        user=user, period=parse_period("2025-01-01..2026-12-31", today=today), today=today
    )
    payments = Payment.objects.filter(community__kind="community")
    assert sum((b.paid for b in rows), Decimal(0)) == sum(p.amount for p in payments)
    confirmed = payments.filter(state=PaymentStates.CONFIRMED)
    assert sum((b.confirmed for b in rows), Decimal(0)) == sum(p.amount for p in confirmed)
    assert [b.community_name for b in rows if b.overdue] == [YICHUNLU]
    outstanding_2026 = [b for b in rows if b.period_start.year == 2026 and b.outstanding]
    assert not outstanding_2026  # every 2026 share paid in full


def test_a_department_login_pays_and_a_community_login_confirms() -> None:
    clock.pin(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
    civil = signed_in("civil-affairs")
    page = civil.get("/funding/payments/new/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    commitment = re.search(r'<option value="(\d+)"[^>]*>S2014-0176', page)
    assert token and commitment
    answer = civil.post(
        "/funding/payments/new/",
        {
            "form_token": token[1],
            "commitment": commitment[1],
            "community": "370203031002",  # 商邱路社区
            "amount": "100.00",
            "paid_on": "2026-11-27",
            "voucher_number": "MZ-2026-DEMO",
            "beyond_share": "on",
            "note": "演示：追加拨付",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    payment = Payment.objects.get(voucher_number="MZ-2026-DEMO")
    community = signed_in("shangqiulu")
    inbox = community.get("/funding/payments/").content.decode()
    assert f'data-testid="payment-{payment.pk}"' in inbox.split('data-testid="receipts"', 1)[1]
    community.post(f"/funding/payments/{payment.pk}/confirm/")
    payment.refresh_from_db()
    assert payment.state == PaymentStates.CONFIRMED


def test_the_auditor_finds_the_demos_irregularities() -> None:
    """The year of money leaves the auditor something of each planted kind to find: the payment
    beyond its share, the dispute nobody answered, and the service contract paid before its
    acceptance."""
    found = anomalies_found(AnomalyFilters(), clock.today())
    kinds = {anomaly.kind for anomaly in found}
    assert {
        "payments_beyond_commitment",
        "disputed_receipts",
        "contracts_paid_without_acceptance",
    } <= kinds
    [advance] = [a for a in found if a.kind == "contracts_paid_without_acceptance"]
    assert (advance.department, advance.community, advance.paid) == (
        "DEPT-MZ",
        "SO-1",
        Decimal("9000.00"),
    )


def test_every_payment_in_the_api_names_its_item() -> None:
    """The API names a payment's item as the pages do (funding.selectors.payment_item: the
    commitment's item, else its application's), in one query for the whole page."""
    answer = signed_in("auditor").get("/api/v1/funding/payments?limit=500")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert len(items) == min(500, Payment.objects.count())
    assert all(row["item"] for row in items)
