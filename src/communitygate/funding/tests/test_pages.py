"""The payments and balances pages under /funding/: every role's reach (overseers all, a payer
its own, a community its own, everyone else nothing), the filters and their errors, the XLSX
exports read back (amounts as numbers, dates as dates), a payment recorded from the form (its
errors beside the fields, a double submit recording one), the receipt's steps and the payer's
answer from the payment's page, and lists of constant query cost."""

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.funding.models import Payment, PaymentStates
from communitygate.funding.services import payment_dispute
from communitygate.testing import World, signed_in

from .support import COMMUNITY, MONDAY, OTHER, SIBLING, Y2025, funded, paid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


def html(client: Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def payment_ids(page: str, table: str = "payments") -> set[int]:
    section = page.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
    return {int(n) for n in re.findall(r'data-testid="payment-(\d+)"', section)}


def three_payments(world: World) -> tuple[Payment, Payment, Payment]:
    """A and B by DEPT-MZ (to COMMUNITY and SIBLING), C by DEPT-WJ (to OTHER)."""
    mine = funded(world)
    theirs = funded(world, code="F-002", payer="department_other")
    a = paid(world, mine, voucher="A")
    b = paid(world, mine, voucher="B", community=SIBLING, amount="100.00")
    c = paid(world, theirs, voucher="C", community=OTHER, person="department_clerk_other")
    return a, b, c


# Who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "seen"),
    [
        ("auditor", "ABC"),
        ("office_officer", "ABC"),
        ("inspector", "ABC"),
        ("department_clerk", "AB"),
        ("department_clerk_other", "C"),
        ("community_secretary", "A"),
        ("community_worker", "A"),
        ("community_secretary_other", "C"),
    ],
)
def test_each_person_lists_the_payments_within_reach(world: World, person: str, seen: str) -> None:
    payments = dict(zip("ABC", three_payments(world), strict=True))
    page = html(signed_in(world.user(person)), "/funding/payments/")
    assert payment_ids(page) == {payments[v].pk for v in seen}


@pytest.mark.parametrize("person", ["no_role", "committee_member", "subdistrict_officer"])
def test_people_without_money_do_not_reach_the_pages(world: World, person: str) -> None:
    client = signed_in(world.user(person))
    for path in ("/funding/payments/", "/funding/balances/", "/funding/payments/export.xlsx"):
        assert client.get(path).status_code == 404


def test_the_community_finds_its_receipts_to_confirm_first(world: World) -> None:
    a, _b, _c = three_payments(world)
    page = html(signed_in(world.user("community_secretary")), "/funding/payments/")
    assert page.index('data-testid="receipts-to-confirm"') < page.index('data-testid="payments"')
    assert payment_ids(page, "receipts") == {a.pk}
    assert "disputes-to-answer" not in page
    auditor = html(signed_in(world.user("auditor")), "/funding/payments/")
    assert "receipts-to-confirm" not in auditor
    assert "payment-new-link" not in auditor  # the auditor reads, never records


def test_the_payer_finds_its_disputes_to_answer(world: World) -> None:
    a, _b, _c = three_payments(world)
    payment_dispute(actor=world.user("community_secretary"), payment=a, reason="金额不符")
    page = html(signed_in(world.user("department_head")), "/funding/payments/")
    assert payment_ids(page, "disputes") == {a.pk}
    assert "payment-new-link" in page
    community = html(signed_in(world.user("community_secretary")), "/funding/payments/")
    assert "receipts-to-confirm" not in community  # disputed: no longer to confirm


def test_filters_narrow_the_list(world: World) -> None:
    a, b, c = three_payments(world)
    client = signed_in(world.user("auditor"))
    by_state = "/funding/payments/?state=recorded&community=" + SIBLING
    assert payment_ids(html(client, by_state)) == {b.pk}
    assert payment_ids(html(client, "/funding/payments/?payer=DEPT-WJ")) == {c.pk}
    assert payment_ids(html(client, "/funding/payments/?item=F-001")) == {a.pk, b.pk}
    assert payment_ids(html(client, "/funding/payments/?period=2026-Q2")) == {a.pk, b.pk, c.pk}
    assert payment_ids(html(client, "/funding/payments/?period=2025")) == set()


def test_a_bad_filter_shows_its_error_and_no_rows(world: World) -> None:
    three_payments(world)
    client = signed_in(world.user("auditor"))
    page = html(client, "/funding/payments/?period=2026-13")
    assert 'data-testid="errors-period"' in page
    assert payment_ids(page) == set()
    assert client.get("/funding/payments/export.xlsx?period=abc").status_code == 400
    assert client.get("/funding/balances/export.xlsx?period=abc").status_code == 400


def test_the_export_holds_the_filtered_rows_with_numbers_and_dates(world: World) -> None:
    a, _b, _c = three_payments(world)
    client = signed_in(world.user("department_clerk"))
    answer = client.get(f"/funding/payments/export.xlsx?community={COMMUNITY}")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == (
        "编号",
        "事项编码",
        "事项名称",
        "出资部门",
        "收款单位代码",
        "收款单位",
        "金额（元）",
        "拨付日期",
    )
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == a.pk
    assert row[1] == "F-001"
    assert row[4] == COMMUNITY
    assert isinstance(row[6], int | float) and Decimal(str(row[6])) == Decimal("4000.00")
    assert isinstance(row[7], dt.datetime) and row[7].date() == dt.date(2026, 11, 20)
    assert row[13] == "已登记"


def test_the_list_costs_the_same_queries_for_few_rows_as_for_many(
    world: World, django_assert_max_num_queries: Any
) -> None:
    commitment = funded(world)
    client = signed_in(world.user("community_secretary"))
    counts = []
    for first, many in [(0, 2), (2, 12)]:
        for n in range(first, first + many):
            paid(world, commitment, voucher=f"Q-{n}", amount="10.00")
        with django_assert_max_num_queries(20) as captured:
            html(client, "/funding/payments/")
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# Recording a payment ------------------------------------------------------------------------------


def form_data(commitment_id: int, client: Client, **overrides: Any) -> dict[str, Any]:
    page = html(client, "/funding/payments/new/")
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    data = {
        "form_token": token[1],
        "commitment": commitment_id,
        "community": COMMUNITY,
        "amount": "1234.50",
        "paid_on": "2026-11-20",
        "voucher_number": "WEB-1",
        "period_start": "",
        "period_end": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_the_payer_records_a_payment_once_from_the_form(world: World) -> None:
    commitment = funded(world)
    other = funded(world, code="F-002", payer="department_other")
    client = signed_in(world.user("department_clerk"))
    page = html(client, "/funding/payments/new/")
    assert f'value="{commitment.pk}"' in page
    assert f'value="{other.pk}"' not in page  # only the commitments it pays
    data = form_data(commitment.pk, client)
    first = client.post("/funding/payments/new/", data)
    assert first.status_code == 302
    payment = Payment.objects.get()
    assert first["Location"] == f"/funding/payments/{payment.pk}/"
    assert payment.amount == Decimal("1234.50")
    # Empty period: the commitment's settlement year holding the payment date.
    assert (payment.period_start, payment.period_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    again = client.post("/funding/payments/new/", data)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.record").count() == 1


def test_bad_input_is_shown_beside_its_field_in_chinese(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("department_clerk"))
    answer = client.post(
        "/funding/payments/new/",
        form_data(commitment.pk, client, amount="12.345", voucher_number="X" * 65),
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    amount_errors = page.split('data-testid="errors-amount"', 1)[1].split("</div>", 1)[0]
    assert "金额须为大于零的数字" in amount_errors
    assert 'data-testid="errors-voucher_number"' in page
    assert not Payment.objects.exists()


def test_errors_read_in_english_when_english_is_chosen(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("department_clerk"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        "/funding/payments/new/", form_data(commitment.pk, client, amount="0")
    ).content.decode()
    assert "The amount must be a positive number of yuan" in page
    assert "Record a payment" in page


def test_a_payment_beyond_the_share_needs_the_flag_and_a_note(world: World) -> None:
    commitment = funded(world)
    client = signed_in(world.user("department_head"))
    refused = client.post(
        "/funding/payments/new/", form_data(commitment.pk, client, amount="10000.01")
    )
    assert refused.status_code == 200
    assert "超出份额" in refused.content.decode()
    assert 'data-testid="form-errors"' in refused.content.decode()
    no_note = client.post(
        "/funding/payments/new/",
        form_data(commitment.pk, client, amount="10000.01", beyond_share="on"),
    )
    assert 'data-testid="errors-note"' in no_note.content.decode()
    flagged = client.post(
        "/funding/payments/new/",
        form_data(
            commitment.pk, client, amount="10000.01", beyond_share="on", note="含上年结转1分"
        ),
    )
    assert flagged.status_code == 302
    assert Payment.objects.get().beyond_share


@pytest.mark.parametrize("person", ["auditor", "office_officer", "community_secretary"])
def test_nobody_but_a_department_reaches_the_new_payment_page(world: World, person: str) -> None:
    commitment = funded(world)
    client = signed_in(world.user(person))
    assert client.get("/funding/payments/new/").status_code == 404
    posted = client.post("/funding/payments/new/", {"commitment": commitment.pk})
    assert posted.status_code == 404
    assert not Payment.objects.exists()


def test_another_payers_commitment_is_refused_on_the_form(world: World) -> None:
    funded(world)
    theirs = funded(world, code="F-002", payer="department_other")
    client = signed_in(world.user("department_clerk"))
    answer = client.post("/funding/payments/new/", form_data(theirs.pk, client))
    assert answer.status_code == 200
    assert 'data-testid="errors-commitment"' in answer.content.decode()
    assert not Payment.objects.exists()


# One payment and its steps ------------------------------------------------------------------------


def test_the_payment_page_shows_the_balance_and_history(world: World) -> None:
    a, _b, _c = three_payments(world)
    page = html(signed_in(world.user("auditor")), f"/funding/payments/{a.pk}/")
    assert "¥4,000.00" in page
    balance = page.split('data-testid="balance"', 1)[1].split("</table>", 1)[0]
    assert "¥10,000.00" in balance  # the share
    assert "¥6,000.00" in balance  # outstanding
    assert "history" in page
    assert 'data-testid="confirm-form"' not in page  # the auditor writes nothing
    assert 'data-testid="answer-form"' not in page


def test_the_community_disputes_the_payer_answers_the_community_confirms(world: World) -> None:
    a, _b, _c = three_payments(world)
    community = signed_in(world.user("community_secretary"))
    payer = signed_in(world.user("department_clerk"))
    path = f"/funding/payments/{a.pk}/"
    assert 'data-testid="dispute-form"' in html(community, path)
    empty = community.post(f"{path}dispute/", {"reason": " "})
    assert empty.status_code == 302
    assert Payment.objects.get(pk=a.pk).state == PaymentStates.RECORDED
    community.post(f"{path}dispute/", {"reason": "只到账3000元"})
    assert Payment.objects.get(pk=a.pk).state == PaymentStates.DISPUTED
    assert payer.post(f"{path}confirm/").status_code == 403
    assert 'data-testid="answer-form"' in html(payer, path)
    payer.post(f"{path}answer/", {"answer": "已核实，凭证号更正"})
    answered = Payment.objects.get(pk=a.pk)
    assert (answered.state, answered.answer) == (PaymentStates.RECORDED, "已核实，凭证号更正")
    page = html(community, path)
    assert "已核实，凭证号更正" in page
    assert "只到账3000元" in page
    community.post(f"{path}confirm/")
    assert Payment.objects.get(pk=a.pk).state == PaymentStates.CONFIRMED
    history = html(community, path).split('data-testid="history"', 1)[1]
    assert history.count("<li>") == 4  # recorded, disputed, answered, confirmed


def test_steps_are_refused_to_others(world: World) -> None:
    a, _b, c = three_payments(world)
    auditor = signed_in(world.user("auditor"))
    assert auditor.post(f"/funding/payments/{a.pk}/confirm/").status_code == 403
    stranger = signed_in(world.user("community_secretary_other"))
    assert stranger.get(f"/funding/payments/{a.pk}/").status_code == 404
    assert stranger.post(f"/funding/payments/{a.pk}/confirm/").status_code == 404
    community = signed_in(world.user("community_secretary"))
    assert community.get(f"/funding/payments/{c.pk}/").status_code == 404
    assert community.post(f"/funding/payments/{a.pk}/withdraw/").status_code == 404
    assert Payment.objects.get(pk=a.pk).state == PaymentStates.RECORDED


# Balances -----------------------------------------------------------------------------------------


def balance_rows(page: str) -> list[str]:
    return re.findall(r'data-testid="balance-(\d+-\d+-\d{4})"', page)


def test_balances_with_totals_and_overdue_shares(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, voucher="Y25", period=Y2025, amount="10000.00")
    paid(world, commitment, voucher="Y26", amount="4000.00")
    client = signed_in(world.user("auditor"))
    page = html(client, "/funding/balances/?item=F-001&period=2025-01-01..2026-12-31")
    rows = balance_rows(page)
    assert f"{commitment.pk}-{COMMUNITY}-2025" in rows
    assert f"{commitment.pk}-{SIBLING}-2025" in rows
    overdue_row = page.split(f'data-testid="balance-{commitment.pk}-{SIBLING}-2025"', 1)[1]
    assert 'data-testid="overdue"' in overdue_row.split("</tr>", 1)[0]
    paid_row = page.split(f'data-testid="balance-{commitment.pk}-{COMMUNITY}-2025"', 1)[1]
    assert 'data-testid="overdue"' not in paid_row.split("</tr>", 1)[0]
    totals = page.split('data-testid="balance-totals"', 1)[1].split("</tr>", 1)[0]
    assert "¥14,000.00" in totals  # paid in all


def test_a_community_reads_its_own_balances_and_a_department_its_own(world: World) -> None:
    commitment = funded(world)
    theirs = funded(world, code="F-002", payer="department_other")
    community = html(signed_in(world.user("community_secretary")), "/funding/balances/?period=2026")
    assert {r.split("-")[1] for r in balance_rows(community)} == {COMMUNITY}
    department = html(signed_in(world.user("department_clerk")), "/funding/balances/?period=2026")
    assert {int(r.split("-")[0]) for r in balance_rows(department)} == {commitment.pk}
    auditor = html(signed_in(world.user("auditor")), "/funding/balances/?period=2026")
    assert {int(r.split("-")[0]) for r in balance_rows(auditor)} == {commitment.pk, theirs.pk}


def test_the_balances_export_has_a_totals_row(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, voucher="Y26", amount="4000.00")
    client = signed_in(world.user("office_officer"))
    answer = client.get("/funding/balances/export.xlsx?item=F-001&period=2026")
    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "合计"
    assert Decimal(str(total[7])) == Decimal("4000.00")
    assert Decimal(str(total[6])) == sum(Decimal(str(r[6])) for r in body)
    assert isinstance(body[0][4], dt.datetime)


def test_balances_show_the_shares_a_payer_owes_due_and_overdue(world: World) -> None:
    """On 23 November 2026: F-001's 2025 shares are overdue (none paid but one), F-002's period
    ended on 10 November so its shares are due (deadline 20 working days later), and the 2026
    shares of F-001 are neither (the year is still running). `?show=` without a period reads
    every period up to today; `?payer=` keeps one department's commitments."""
    whole = funded(world)
    ended = funded(world, code="F-002", start=dt.date(2026, 1, 1), end=dt.date(2026, 11, 10))
    theirs = funded(world, code="F-003", payer="department_other", start=dt.date(2025, 1, 1))
    paid(world, whole, voucher="Y25", period=Y2025, amount="10000.00")
    client = signed_in(world.user("department_clerk"))

    def listed(query: str) -> set[str]:
        return set(balance_rows(html(client, f"/funding/balances/?{query}")))

    overdue = listed("payer=DEPT-MZ&show=overdue")
    assert overdue and {row.split("-")[0] for row in overdue} == {str(whole.pk)}
    assert {row.split("-")[2] for row in overdue} == {"2025"}
    assert f"{whole.pk}-{COMMUNITY}-2025" not in overdue  # paid in full
    due = listed("payer=DEPT-MZ&show=due")
    assert due and {row.split("-")[0] for row in due} == {str(ended.pk)}
    assert f"{whole.pk}-{COMMUNITY}-2026" in listed("payer=DEPT-MZ&period=2026")
    # The auditor sees every payer and keeps one with ?payer=.
    auditor = signed_in(world.user("auditor"))
    every = set(balance_rows(html(auditor, "/funding/balances/?show=overdue")))
    assert {row.split("-")[0] for row in every} == {str(whole.pk), str(theirs.pk)}
    mz = set(balance_rows(html(auditor, "/funding/balances/?show=overdue&payer=DEPT-MZ")))
    assert mz == overdue
    # Every payer is offered (as on the payments page), but the rows stay within reach:
    # DEPT-MZ's clerk naming DEPT-WJ lists none of its shares.
    assert listed("payer=DEPT-WJ&show=overdue") == set()
