"""The permission grid's rows for the funding API (see web/tests/grid.py).

Seeded at the grid's moment (Monday 23 November 2026) through the services: a delegated item
GRID-FUND of DEPT-MZ funded ¥10,000.00 per community per year for 2026 ({fund_commitment}) and
a payment of ¥1,000.00 to 370203031001 for 2026, recorded by DEPT-MZ's clerk ({fund_payment}).

The office, supervision and audit read every commitment, payment and balance; a department its
own; a community the money paid to it (lists answer each person their reach, possibly empty).
Commitments: the office and DEPT-MZ record, renew and end them (API and pages); supervision and
audit read them (403 on a step); another department lists commitments but finds none of
DEPT-MZ's. Only the paying department records a payment (another payer's commitment is not found); only
the receiving community's staff confirm or dispute its receipt (403 for the others who see it,
404 for the rest)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from communitygate.admissions.models import FundingCommitment
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.funding.models import Payment
from communitygate.funding.services import (
    CommitmentRequest,
    CommitmentTerms,
    PaymentRequest,
    commitment_record,
    payment_record,
)
from communitygate.http.formtokens import new_form_token
from communitygate.testing import World, make_item
from communitygate.web.tests.grid import (
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    OFFICE,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

OVERSEERS = ("office_admin", "office_officer", "inspector", "supervision_head", "auditor")
MZ = ("department_clerk", "department_head")  # DEPT-MZ, the payer
STAFF = ("community_secretary", "community_worker")  # 370203031001, the payee
COMMUNITY = "370203031001"
SEES_PAYMENT = (*OVERSEERS, *MZ, *STAFF)

API_LIST = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))
# Commitments: the office and DEPT-MZ (the payer) record, renew and end; supervision and audit
# read only (403 on a step); another department lists commitments but not DEPT-MZ's (404).
MANAGERS = (*OFFICE, *MZ)
READERS = ("inspector", "supervision_head", "auditor")
DEPARTMENTS = (*MZ, "department_clerk_other")


def seed(world: World) -> dict[str, Any]:
    clock.pin(dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC))
    item = make_item(
        world,
        "GRID-FUND",
        item_class="delegated",
        funding_per_community=Decimal("10000.00"),
        name="网格委托事项",
    )
    commitment = commitment_record(
        actor=world.user("office_officer"),
        request=CommitmentRequest(
            item_code=item.code,
            payer_code=world.org("department").code,
            period_start=dt.date(2026, 1, 1),
            terms=CommitmentTerms(
                amount="10000.00", budget_line="民政专项", period_end=dt.date(2026, 12, 31)
            ),
        ),
    )
    payment = payment_record(
        actor=world.user("department_clerk"),
        commitment=commitment,
        request=PaymentRequest(
            community_code=COMMUNITY,
            amount="1000.00",
            paid_on=dt.date(2026, 11, 20),
            voucher_number="GRID-PZ-1",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        ),
    )
    return {"fund_commitment": commitment.pk, "fund_payment": payment.pk}


F = "/api/v1/funding"
P = f"{F}/payments"
C = "/funding/commitments/"


def page_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome]
) -> dict[str, Outcome]:
    """Signed-out people go to sign in; whoever may not open the page 404; whoever can `seen`;
    then each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (sees, seen), *cells)


def commitment_body(seed: Any) -> dict[str, Any]:
    return {
        "item": "GRID-FUND",
        "payer": "DEPT-MZ",
        "amount": "9000.00",
        "budget_line": "网格预算科目",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
    }


def terms_form(seed: Any) -> dict[str, Any]:
    return {
        "form_token": new_form_token(),
        "amount": "9000.00",
        "budget_line": "网格预算科目",
        "period_end": "2027-12-31",
        "basis": "equal",
        "shares": "",
    }


def end_body(seed: Any) -> dict[str, Any]:
    return {"ended_on": "2026-12-31", "reason": "网格终止"}


def api_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome]
) -> dict[str, Outcome]:
    """Signed-out people get 401; whoever cannot see the record 404; whoever can `seen`; then
    each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), (sees, seen), *cells)


MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", f"{F}/commitments"): API_LIST,
    ("GET", P): API_LIST,
    # Recording: another payer's (or no payer's) commitment is not found.
    ("POST", P): api_row(MZ, CREATED),
    ("POST", f"{P}/{{fund_payment}}/confirm-receipt"): api_row(
        SEES_PAYMENT, FORBIDDEN, (STAFF, PAGE)
    ),
    ("POST", f"{P}/{{fund_payment}}/dispute"): api_row(SEES_PAYMENT, FORBIDDEN, (STAFF, PAGE)),
    ("GET", f"{F}/balances?item=GRID-FUND&period=2026"): API_LIST,
    ("POST", f"{F}/commitments"): row(
        FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (MANAGERS, CREATED)
    ),
    ("POST", f"{F}/commitments/{{fund_commitment}}/renew"): api_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, CREATED)
    ),
    ("POST", f"{F}/commitments/{{fund_commitment}}/end"): api_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, PAGE)
    ),
    # Pages under /funding/commitments/.
    ("GET", C): page_row((*OVERSEERS, *DEPARTMENTS), PAGE),
    ("GET", f"{C}export.xlsx"): page_row((*OVERSEERS, *DEPARTMENTS), PAGE),
    ("GET", f"{C}new/"): page_row((*OFFICE, *DEPARTMENTS), PAGE),
    # Another department may not name DEPT-MZ as payer: the form comes back with its error.
    ("POST", f"{C}new/"): page_row((*OFFICE, *DEPARTMENTS), PAGE, (MANAGERS, REDIRECT)),
    ("GET", f"{C}{{fund_commitment}}/"): page_row((*OVERSEERS, *MZ), PAGE),
    ("GET", f"{C}{{fund_commitment}}/renew/"): page_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, PAGE)
    ),
    ("POST", f"{C}{{fund_commitment}}/renew/"): page_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, REDIRECT)
    ),
    ("GET", f"{C}{{fund_commitment}}/end/"): page_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, PAGE)
    ),
    ("POST", f"{C}{{fund_commitment}}/end/"): page_row(
        (*MANAGERS, *READERS), FORBIDDEN, (MANAGERS, REDIRECT)
    ),
}

PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", P): lambda seed: {
        "commitment": seed.extra["fund_commitment"],
        "community": COMMUNITY,
        "amount": "500.00",
        "paid_on": "2026-11-23",
        "voucher_number": "GRID-PZ-2",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    },
    ("POST", f"{P}/{{fund_payment}}/confirm-receipt"): lambda seed: {},
    ("POST", f"{P}/{{fund_payment}}/dispute"): lambda seed: {"reason": "网格到账金额不符"},
    ("POST", f"{F}/commitments"): commitment_body,
    ("POST", f"{F}/commitments/{{fund_commitment}}/renew"): lambda seed: {
        k: v for k, v in terms_form(seed).items() if k not in ("form_token", "shares")
    },
    ("POST", f"{F}/commitments/{{fund_commitment}}/end"): end_body,
    ("POST", f"{C}new/"): lambda seed: {
        **commitment_body(seed),
        **terms_form(seed),
        "period_start": "2027-01-01",
    },
    ("POST", f"{C}{{fund_commitment}}/renew/"): terms_form,
    ("POST", f"{C}{{fund_commitment}}/end/"): lambda seed: {
        "form_token": new_form_token(),
        **end_body(seed),
    },
}


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def payment_state(action: str) -> Any:
    def state(seed: Any) -> object:
        payment = Payment.objects.get(pk=seed.extra["fund_payment"])
        return payment.state, payment.revision, payment.dispute_reason, audit_count(action)

    return state


def commitments_state(seed: Any) -> object:
    """How many commitments there are and how the seeded one ends, with their events."""
    seeded = FundingCommitment.objects.get(pk=seed.extra["fund_commitment"])
    actions = ("funding_commitment.record", "funding_commitment.renew", "funding_commitment.end")
    return (
        FundingCommitment.objects.count(),
        seeded.ended_on,
        tuple(audit_count(action) for action in actions),
    )


EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", P): lambda seed: (Payment.objects.count(), audit_count("payment.record")),
    ("POST", f"{P}/{{fund_payment}}/confirm-receipt"): payment_state("payment.confirm"),
    ("POST", f"{P}/{{fund_payment}}/dispute"): payment_state("payment.dispute"),
    ("POST", f"{F}/commitments"): commitments_state,
    ("POST", f"{F}/commitments/{{fund_commitment}}/renew"): commitments_state,
    ("POST", f"{F}/commitments/{{fund_commitment}}/end"): commitments_state,
    ("POST", f"{C}new/"): commitments_state,
    ("POST", f"{C}{{fund_commitment}}/renew/"): commitments_state,
    ("POST", f"{C}{{fund_commitment}}/end/"): commitments_state,
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
