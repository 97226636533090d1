"""The permission grid's rows for the money pages under /funding/ (payments, receipts, balances;
see web/tests/grid.py), on grid_funding's seed: DEPT-MZ's commitment to GRID-FUND and its
payment of ¥1,000.00 to 370203031001 ({fund_payment}); this part adds a second payment, which
370203031001 disputed ({fund_disputed}).

Whoever sees money reaches the lists (the office, supervision, audit, every department's clerk or
head, every community's and social organisation's staff; the lists answer each their reach,
possibly empty); the rest get 404, as for a missing page. A payment's page is for those who see
that payment; only the receiving community confirms or disputes, only the payer answers (403 for
the others who see it: the auditor reads everything and writes nothing)."""

import datetime as dt
from typing import Any

from communitygate.funding.models import Payment
from communitygate.funding.services import PaymentRequest, payment_dispute, payment_record
from communitygate.testing import World
from communitygate.web.tests.grid import (
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    GridPart,
    Outcome,
    row,
)

from .grid_funding import COMMUNITY, MZ, SEES_PAYMENT, STAFF, api_row, audit_count

OVERSEERS = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
DEPARTMENTS = (*MZ, "department_clerk_other")
PAYEES = (*STAFF, "community_secretary_other", "social_org_staff")
SEES_MONEY = (*OVERSEERS, *DEPARTMENTS, *PAYEES)


def seed(world: World) -> dict[str, Any]:
    commitment = Payment.objects.get(voucher_number="GRID-PZ-1").commitment
    disputed = payment_record(
        actor=world.user("department_clerk"),
        commitment=commitment,
        request=PaymentRequest(
            community_code=COMMUNITY,
            amount="200.00",
            paid_on=dt.date(2026, 11, 20),
            voucher_number="GRID-PZ-3",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        ),
    )
    payment_dispute(actor=world.user("community_secretary"), payment=disputed, reason="网格未到账")
    return {"fund_disputed": disputed.pk}


def page_row(*cells: tuple[tuple[str, ...], Outcome]) -> dict[str, Outcome]:
    """Signed-out people sign in; whoever the cells do not name gets 404."""
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), *cells)


MONEY_PAGE = page_row((SEES_MONEY, PAGE))
PAYMENT = "/funding/payments/{fund_payment}"
DISPUTED = "/funding/payments/{fund_disputed}"
RECEIPT_STEP = page_row((SEES_PAYMENT, FORBIDDEN), (STAFF, REDIRECT))

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/funding/payments/"): MONEY_PAGE,
    ("GET", "/funding/payments/export.xlsx?state=recorded"): MONEY_PAGE,
    ("GET", "/funding/payments/new/"): page_row((DEPARTMENTS, PAGE)),
    # DEPT-WJ's clerk is offered no commitment of DEPT-MZ's: the form answers with its error.
    ("POST", "/funding/payments/new/"): page_row((DEPARTMENTS, PAGE), (MZ, REDIRECT)),
    ("GET", f"{PAYMENT}/"): page_row((SEES_PAYMENT, PAGE)),
    ("POST", f"{PAYMENT}/confirm/"): RECEIPT_STEP,
    ("POST", f"{PAYMENT}/dispute/"): RECEIPT_STEP,
    ("POST", f"{DISPUTED}/answer/"): page_row((SEES_PAYMENT, FORBIDDEN), (MZ, REDIRECT)),
    ("GET", "/funding/balances/?item=GRID-FUND&period=2026"): MONEY_PAGE,
    # The payer's answer from the API (the same step): 404 for whoever does not see the payment.
    ("POST", f"/api/v1{DISPUTED}/answer"): api_row(SEES_PAYMENT, FORBIDDEN, (MZ, PAGE)),
    ("GET", "/funding/balances/export.xlsx?item=GRID-FUND&period=2026"): MONEY_PAGE,
}

PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", "/funding/payments/new/"): lambda seed: {
        "commitment": str(seed.extra["fund_commitment"]),
        "community": COMMUNITY,
        "amount": "300.00",
        "paid_on": "2026-11-23",
        "voucher_number": "GRID-WEB-1",
        "period_start": "",
        "period_end": "",
        "note": "",
        "form_token": "",
    },
    ("POST", f"{PAYMENT}/confirm/"): lambda seed: {},
    ("POST", f"{PAYMENT}/dispute/"): lambda seed: {"reason": "网格页面异议"},
    ("POST", f"{DISPUTED}/answer/"): lambda seed: {"answer": "网格已核实"},
    ("POST", f"/api/v1{DISPUTED}/answer"): lambda seed: {"answer": "网格接口答复"},
}


def _payment(key: str, action: str) -> Any:
    def state(seed: Any) -> object:
        payment = Payment.objects.get(pk=seed.extra[key])
        return payment.state, payment.revision, audit_count(action)

    return state


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", "/funding/payments/new/"): lambda seed: (
        Payment.objects.count(),
        audit_count("payment.record"),
    ),
    ("POST", f"{PAYMENT}/confirm/"): _payment("fund_payment", "payment.confirm"),
    ("POST", f"{PAYMENT}/dispute/"): _payment("fund_payment", "payment.dispute"),
    ("POST", f"{DISPUTED}/answer/"): _payment("fund_disputed", "payment.answer"),
    ("POST", f"/api/v1{DISPUTED}/answer"): _payment("fund_disputed", "payment.answer"),
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
