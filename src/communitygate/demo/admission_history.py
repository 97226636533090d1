"""The demo's admission history, made through the same services at the dates it happened:
the July 2026 round (one delegated item approved with its funding at a committee meeting of 20
July, one rejected below 60%, one redirected to purchase of services), an urgent approval in
August 2026, both admitted items retired when their periods ended, and an application filed in
November for the January 2027 round, which waits for its consultation to open in January (a
round opens only in its month, issue 15).

The committee decides as a body: besides the demo login `committee`, the committee has six
illustrative members without a login (演示委员二 … 演示委员七); six of the seven met on 20 July.

Every application is for delegated work with its funding (statutory daily work is the office's
to enter, never a department's application), and asks for its ledgers and plaques from the
records, or names new ones that the admission creates (the urgent item's evacuation register).

The admitted items were time-limited, so the current catalog keeps the reform's figures
(55 statutory, 6 delegated), while the editions show every step.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from communitygate.accounts.models import Membership, Roles
from communitygate.accounts.services import membership_grant, user_create
from communitygate.admissions.models import Application, ReviewRound
from communitygate.admissions.services import (
    ApplicationFields,
    MeetingRecord,
    application_create,
    application_decide,
    application_review,
    application_submit,
    application_urgent_approve,
    ballot_cast,
    review_rounds_plan_ahead,
    round_close_consultation,
    round_open_consultation,
)
from communitygate.catalog.models import CatalogItem
from communitygate.catalog.services import catalog_item_retire, catalog_publish
from communitygate.core import clock
from communitygate.orgs.models import Organisation

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def _fields(name: str, **overrides: object) -> ApplicationFields:
    values: dict[str, object] = {
        "contact_name": "演示经办人",
        "contact_phone": "0532-8000 0000（示例）",
        "item_name": name,
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条",
        "necessity": "示例：说明为何需要社区承担此项工作。",
        "community_duty": "宣传动员、信息登记",
        "frequency": "ad_hoc",
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2026, 10, 31),
        "estimated_hours": Decimal("16"),
        "funding_per_community": Decimal("1000"),
        "funding_source": "区民政局部门预算",
        "targets_all": False,
        "target_community_codes": (),
    }
    values.update(overrides)
    return ApplicationFields(**values)  # type: ignore[arg-type]


def seed_admission_history() -> bool:
    if Application.objects.exists():
        return False
    office = User.objects.get(username="office")
    committee = User.objects.get(username="committee")
    civil = User.objects.get(username="civil-affairs")
    health = User.objects.get(username="health")
    shangqiulu = Organisation.objects.get(name="商邱路社区", kind="community")
    yichunlu = Organisation.objects.get(name="伊春路社区", kind="community")
    luoyang = Organisation.objects.get(code="370203031")
    dunhua = Organisation.objects.get(code="370203014")
    voters = {
        luoyang: User.objects.get(username="luoyanglu"),
        dunhua: User.objects.get(username="dunhualu"),
        shangqiulu: User.objects.get(username="shangqiulu"),
        yichunlu: User.objects.get(username="yichunlu"),
    }
    targets = (shangqiulu.code, yichunlu.code)
    mz, wj = Organisation.objects.get(code="DEPT-MZ"), Organisation.objects.get(code="DEPT-WJ")
    members = [committee, *_committee_members()]
    try:
        _july_round(office, committee, members, civil, health, mz, wj, voters, targets)
        _urgent_approval(office, civil, mz)
        _expiry(office)
        _january_round(health, wj)
    finally:
        clock.pin(None)
    review_rounds_plan_ahead(clock.today())
    return True


MEMBER_NAMES = ("二", "三", "四", "五", "六", "七")


def _committee_members() -> list[User]:
    """The committee's illustrative members besides the demo login (no password: no login)."""
    committee = Organisation.objects.get(kind="committee")
    members = []
    for number, name in enumerate(MEMBER_NAMES, start=2):
        username = f"committee-member-{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None, username=username, password=None, first_name=f"演示委员{name}"
            )
        if not Membership.objects.filter(user=user, organisation=committee).exists():
            membership_grant(
                actor=None,
                user=user,
                organisation=committee,
                role=Roles.MEMBER,
                active_from=dt.date(2014, 1, 1),
            )
        members.append(user)
    return members


def _round_of(application: Application) -> ReviewRound:
    review_round = Application.objects.get(pk=application.pk).review_round
    if review_round is None:
        raise RuntimeError(f"{application.number} joined no round")
    return review_round


def _vote(application: Application, voters: dict[Organisation, User], votes: list[str]) -> None:
    for (body, user), vote in zip(voters.items(), votes, strict=False):
        if vote:
            ballot_cast(
                actor=user, application=application, body=body, vote=vote, comment="示例意见"
            )


def _july_round(
    office: User,
    committee: User,
    members: list[User],
    civil: User,
    health: User,
    mz: Organisation,
    wj: Organisation,
    voters: dict[Organisation, User],
    targets: tuple[str, ...],
) -> None:
    clock.pin(at(2026, 5, 18))
    funded = application_create(
        actor=health,
        applicant=wj,
        fields=_fields(
            "协助开展2026年度城乡居民医疗保险集中参保宣传登记",
            domain="health",
            legal_basis="《中华人民共和国社会保险法》",
            community_duty="入户宣传、协助登记未参保居民",
            ledger_codes=("TZ-176",),  # 居民医保参保缴费台账
            funding_per_community=Decimal("2000"),
            funding_source="区卫生健康局部门预算",
            target_community_codes=targets,
        ),
    )
    declined = application_create(
        actor=civil,
        applicant=mz,
        fields=_fields(
            "每月报送社区养老服务设施运营台账",
            domain="civil_affairs",
            frequency="monthly",
            ledger_codes=("TZ-115",),  # 居家养老服务站运营记录
            new_ledger_names=("社区养老服务设施运营情况月报表",),
            funding_per_community=Decimal("600"),
            target_community_codes=targets,
        ),
    )
    redirected = application_create(
        actor=civil,
        applicant=mz,
        fields=_fields(
            "为辖区独居老人提供定期上门助餐服务",
            community_duty="组织助餐、上门送餐",
            necessity="示例：独居老人用餐困难。",
            frequency="weekly",
            plaque_codes=("PZ-054",),  # 社区居家养老服务站
            funding_per_community=Decimal("12000"),
            target_community_codes=targets,
        ),
    )
    for application, user in ((funded, health), (declined, civil), (redirected, civil)):
        application_submit(actor=user, application=application)
    review_round = _round_of(funded)
    clock.pin(at(2026, 7, 1))
    round_open_consultation(actor=office, review_round=review_round, deadline=at(2026, 7, 15, 17))
    clock.pin(at(2026, 7, 8))
    _vote(funded, voters, ["approve", "approve", "approve", "abstain"])
    _vote(declined, voters, ["approve", "reject", "approve", "reject"])
    _vote(redirected, voters, ["approve", "approve", "approve", ""])
    clock.pin(at(2026, 7, 16))
    round_close_consultation(actor=office, review_round=review_round)
    application_review(
        actor=office,
        application=funded,
        action="forward",
        opinion="征询同意率75%，经费已落实，同意提交委员会。",
    )
    application_review(
        actor=office,
        application=declined,
        action="office_reject",
        opinion="征询同意率50%，未达60%；台账可由部门自行采集。",
    )
    social_org = Organisation.objects.get(code="SO-1")
    application_review(
        actor=office,
        application=redirected,
        action="redirect",
        opinion="属专业服务，不宜由社区承担，建议以政府购买服务方式委托社会组织承接。",
        social_org=social_org,
    )
    clock.pin(at(2026, 7, 20))
    # Six of the seven members met (one absent): five approve, one abstains.
    present = members[:6]
    application_decide(
        actor=committee,
        application=funded,
        meeting=MeetingRecord(
            held_on=dt.date(2026, 7, 20),
            votes=tuple(
                (member.pk, "abstain" if index == 5 else "approve")
                for index, member in enumerate(present)
            ),
        ),
        reason="委员会审议同意；谁委托谁出钱，经费每社区每年2000元。",
    )


def _urgent_approval(office: User, civil: User, mz: Organisation) -> None:
    clock.pin(at(2026, 8, 10))  # Monday: the earliest start is Thursday 13 August
    urgent = application_create(
        actor=civil,
        applicant=mz,
        fields=_fields(
            "台风“示例”过境期间协助转移安置独居老人",
            domain="civil_affairs",
            community_duty="摸排独居老人名单、协助转移安置",
            starts_on=dt.date(2026, 8, 13),
            ends_on=dt.date(2026, 8, 31),
            new_ledger_names=("台风期间独居老人转移安置登记表",),
            funding_per_community=Decimal("500"),
            funding_source="区民政局防汛救灾专项经费",
            urgent=True,
            urgent_reason="台风预警，需立即摸排和转移。",
            targets_all=True,
        ),
    )
    application_submit(actor=civil, application=urgent)
    application_urgent_approve(
        actor=office, application=urgent, reason="紧急事项，办公室即时审批，期满自动退出。"
    )


def _expiry(office: User) -> None:
    clock.pin(at(2026, 11, 2))
    for item in CatalogItem.objects.filter(application_ref__startswith="SQ2026-").order_by("code"):
        catalog_item_retire(actor=office, item=item, reason="实施期限届满，自动退出目录。")
    catalog_publish(actor=office, title="期满事项退出", note="2026年准入的限期事项期满退出。")


def _january_round(health: User, wj: Organisation) -> None:
    """Filed in November for the January 2027 round: it waits; the office opens the round's
    consultation no earlier than 1 January 2027."""
    clock.pin(at(2026, 11, 10))
    shangqiulu = Organisation.objects.get(name="商邱路社区", kind="community")
    yichunlu = Organisation.objects.get(name="伊春路社区", kind="community")
    pending = application_create(
        actor=health,
        applicant=wj,
        fields=_fields(
            "协助开展65岁以上老年人健康体检通知",
            domain="health",
            legal_basis="《国家基本公共卫生服务规范》",
            community_duty="通知、组织老年人到社区卫生服务中心体检",
            frequency="yearly",
            ledger_codes=("TZ-143",),  # 老年人体检通知登记
            funding_per_community=Decimal("800"),
            funding_source="区卫生健康局基本公共卫生服务经费",
            starts_on=dt.date(2027, 3, 1),
            ends_on=None,
            target_community_codes=(shangqiulu.code, yichunlu.code),
        ),
    )
    application_submit(actor=health, application=pending)
    _round_of(pending)
