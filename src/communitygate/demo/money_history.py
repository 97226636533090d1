"""The demo's year of money (illustrative), made through the funding services at the moments it
happened, so every payment, receipt, dispute and answer is audited and the overdue share is
found by the daily run itself.

- The money trail went live with the dispatch groundwork (27 October 2026): the reform's five
  delegated items are funded on the platform from 2026, the census for 2025, the last year of
  its commitment (demo/dispatch_traffic.py).
- 28 October: the paying departments enter the transfers they made this year, each as one bank
  batch to every community in the item's scope (funding.services.payments_record_batch).
  区统计局 (statistics) paid the 2025 census shares on 16 January 2026 to every community but
  伊春路社区, whose transfer the bank returned and nobody sent again. 区民政局 (civil-affairs)
  paid its two items' 2026 shares, the low-income survey in two halves (March and September),
  and the typhoon item admitted in August; 市北分局, 区退役军人事务局 and 区残联 paid theirs in
  one transfer each, 区卫生健康局 (health) the insurance campaign's two communities. 区残联
  paid 伊春路社区 beyond its share, with a note (an anomaly for the auditor).
- The same evening the daily run (`funding_overdue`) finds 伊春路社区's census share overdue:
  a `payment_overdue` violation of the statistics bureau.
- November: 商邱路社区 (shangqiulu) and 伊春路社区 (yichunlu) confirm what arrived. 商邱路社区
  disputes the veterans bureau's transfer (¥2,000.00 arrived of ¥3,000.00); the bureau answers
  (the rest went in a second transfer) and the receipt waits for 商邱路社区 again. 伊春路社区
  disputes the police branch's transfer, which the branch has not answered.

The other communities' staff have no demo logins: their receipts stay to be confirmed. Loaded
once: skipped when any payment exists.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.accounts.models import Roles
from communitygate.accounts.services import membership_grant, user_create
from communitygate.admissions.models import FundingCommitment
from communitygate.core import clock
from communitygate.funding.models import Payment
from communitygate.funding.selectors import ShareBook, settlement_period_of
from communitygate.funding.services import (
    PaymentRequest,
    overdue_shares_mark,
    payment_answer_dispute,
    payment_confirm_receipt,
    payment_dispute,
    payments_record_batch,
)
from communitygate.orgs.models import Organisation

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHANGQIULU, YICHUNLU = "商邱路社区", "伊春路社区"

LOW_INCOME, ELDERLY = "S2014-0166", "S2014-0176"  # 区民政局
MIGRANTS, VETERANS, DISABLED, CENSUS = "S2014-0310", "S2014-0356", "S2014-0364", "S2014-0373"
TYPHOON, INSURANCE = "ZR2026-0004", "ZR2026-0001"  # admitted in 2026 (区民政局, 区卫生健康局)

# The three paying departments with no demo login enter their payments through a finance clerk.
CLERKS = {
    "DEPT-GA": ("ga-finance", "市北分局财务经办人"),
    "DEPT-TY": ("ty-finance", "区退役军人事务局财务经办人"),
    "DEPT-CL": ("cl-finance", "区残联财务经办人"),
}
PAYERS = {"DEPT-MZ": "civil-affairs", "DEPT-TJ": "statistics", "DEPT-WJ": "health"}

# (item, the part of the share paid, paid on, voucher prefix): each a transfer to every community.
TRANSFERS = (
    (CENSUS, Decimal(1), dt.date(2026, 1, 16), "TJ-2026-PC"),
    (LOW_INCOME, Decimal("0.5"), dt.date(2026, 3, 20), "MZ-2026-DB1"),
    (ELDERLY, Decimal(1), dt.date(2026, 4, 15), "MZ-2026-GL"),
    (MIGRANTS, Decimal(1), dt.date(2026, 5, 12), "GA-2026-LD"),
    (VETERANS, Decimal(1), dt.date(2026, 6, 10), "TY-2026-TY"),
    (DISABLED, Decimal(1), dt.date(2026, 6, 24), "CL-2026-CJ"),
    (LOW_INCOME, Decimal("0.5"), dt.date(2026, 9, 18), "MZ-2026-DB2"),
    # The two items admitted in 2026 (demo/admission_history.py), their periods already ended.
    (TYPHOON, Decimal(1), dt.date(2026, 9, 9), "MZ-2026-TF"),
    (INSURANCE, Decimal(1), dt.date(2026, 10, 28), "WJ-2026-YB"),
)
CENSUS_UNPAID = YICHUNLU  # the returned transfer: the share the daily run finds overdue
VETERANS_SHORT = Decimal("2000.00")  # what arrived at 商邱路社区 first
BEYOND_SHARE = Decimal("200.00")
BEYOND_SHARE_NOTE = "含2025年度残疾人需求信息更新补助200元（区残联〔2026〕12号），一并拨付。"


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _clerk(department: str) -> User:
    username, label = CLERKS[department]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=None, username=username, password=None, first_name=f"演示用户（{label}）"
        )
        membership_grant(
            actor=None,
            user=user,
            organisation=Organisation.objects.get(code=department),
            role=Roles.CLERK,
            active_from=dt.date(2014, 1, 1),
        )
    return user


class MoneyYear:
    def __init__(self) -> None:
        self.commitments = {
            c.catalog_item.code if c.catalog_item else "": c
            for c in FundingCommitment.objects.select_related("catalog_item", "payer").filter(
                catalog_item__code__in=[t[0] for t in TRANSFERS]
            )
        }
        self.payers = {
            code: User.objects.get(username=username) for code, username in PAYERS.items()
        }
        self.payers.update({code: _clerk(code) for code in CLERKS})
        self.secretaries = {
            SHANGQIULU: User.objects.get(username="shangqiulu"),
            YICHUNLU: User.objects.get(username="yichunlu"),
        }
        self.payments: dict[tuple[str, str, str], Payment] = {}

    def transfer(self, item: str, part: Decimal, paid_on: dt.date, prefix: str) -> None:
        """One bank batch: the item's share (or `part` of it) to every community in its scope,
        but the census's returned transfer; the disability federation's to 伊春路社区 goes
        beyond its share, with a note."""
        commitment = self.commitments[item]
        period = settlement_period_of(commitment, paid_on) or settlement_period_of(
            commitment, commitment.period_start
        )
        assert period is not None
        requests = []
        for number, share in enumerate(ShareBook([commitment]).shares(commitment, *period), 1):
            name = share.community.name
            if item == CENSUS and name == CENSUS_UNPAID:
                continue
            amount = (share.amount * part).quantize(Decimal("0.01"))
            beyond = item == DISABLED and name == YICHUNLU
            requests.append(
                PaymentRequest(
                    community_code=share.community.code,
                    amount=f"{amount + (BEYOND_SHARE if beyond else 0):.2f}",
                    paid_on=paid_on,
                    voucher_number=f"{prefix}-{number:04d}",
                    period_start=period[0],
                    period_end=period[1],
                    beyond_share=beyond,
                    note=BEYOND_SHARE_NOTE if beyond else "",
                )
            )
        payments = payments_record_batch(
            actor=self.payers[commitment.payer.code], commitment=commitment, requests=requests
        )
        for payment in payments:
            self.payments[(item, prefix, payment.community.name)] = payment

    def transfers(self) -> None:
        """28 October: each department enters the year's transfers, one batch each."""
        clock.pin(at(10, 28, 9))
        for item, part, paid_on, prefix in TRANSFERS:
            self.transfer(item, part, paid_on, prefix)

    def overdue_run(self) -> None:
        """The evening's daily run finds 伊春路社区's census share overdue (one violation)."""
        clock.pin(at(10, 28, 22))
        overdue_shares_mark()

    def receipts(self) -> None:
        """November: the two communities with demo logins confirm or dispute what arrived."""
        disputed_veterans = self.payments[(VETERANS, "TY-2026-TY", SHANGQIULU)]
        disputed_police = self.payments[(MIGRANTS, "GA-2026-LD", YICHUNLU)]
        clock.pin(at(11, 2, 9))
        for (_item, _prefix, name), payment in sorted(
            self.payments.items(), key=lambda entry: entry[1].pk
        ):
            if name not in self.secretaries:
                continue
            if payment.pk in (disputed_veterans.pk, disputed_police.pk):
                continue
            payment_confirm_receipt(actor=self.secretaries[name], payment=payment)
        clock.pin(at(11, 3, 15))
        payment_dispute(
            actor=self.secretaries[SHANGQIULU],
            payment=disputed_veterans,
            reason=f"实际到账{VETERANS_SHORT:,.2f}元，与登记金额不符，请核实。",
        )
        payment_dispute(
            actor=self.secretaries[YICHUNLU],
            payment=disputed_police,
            reason="截至11月3日未见该笔款项到账，请提供银行回单。",
        )
        clock.pin(at(11, 6, 10))
        payment_answer_dispute(
            actor=self.payers["DEPT-TY"],
            payment=disputed_veterans,
            answer="已核实：因账户限额分两笔汇出，余款1,000.00元已于6月12日到账，请再次核对。",
        )


def seed_money_history() -> bool:
    """Load the year of money; False (and nothing done) when any payment exists or the reform's
    commitments are not there."""
    if Payment.objects.exists():
        return False
    year = MoneyYear()
    if len(year.commitments) < len({t[0] for t in TRANSFERS}):
        return False
    try:
        with transaction.atomic():
            year.transfers()
            year.overdue_run()
            year.receipts()
    finally:
        clock.pin(None)
    return True
