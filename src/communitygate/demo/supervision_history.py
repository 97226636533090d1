"""The last year of supervision in Shibei (illustrative), made through the supervision services
at the moments it happened, so every row is audited and every step is the workflow's own.

- 1 December 2025: every community's register of plaques and ledgers is filled from the
  catalog; in March 2026 商邱路社区 and 伊春路社区 enter what else hangs on their walls: a
  plaque and a ledger the 2014 reform retired, a plaque no catalog ever listed.
- September: 区政府督查室 (inspector2) inspects the health bureau and 伊春路社区: the bureau
  ranked communities on its own (a violation, confirmed), the market supervision bureau's
  phone call proves to be an emergency (dismissed), and a plaque whose department is still to
  be named stays open.
- October: 区委督查室 (inspector) inspects 商邱路社区 and 伊春路社区: the urban management
  bureau's retired plaque, the police branch's ledger no item requires. Both are confirmed and
  named in 市北督通〔2026〕1号 (two departments), approved by the head (supervision-head). The
  urban management bureau corrects in time (accepted; 商邱路社区 takes the plaque down); the
  police branch never answers (overdue, listed for the next notice).
- November: of the month's unadmitted tasks (their violations came with them), the health
  bureau's ranking is confirmed and named with its inspection finding in 市北督通〔2026〕2号; the
  bureau's answer is returned. The statistics bureau's unfunded survey is confirmed and waits,
  with the overdue order, in a draft notice for the head's approval; one is dismissed; the rest
  stay open.

Loaded once: skipped when any inspection exists.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.demo.dispatch_traffic import tiny_pdf, tiny_png
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import CorrectionOrder, Inspection, Violation, WallRecord
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionRequest,
    finding_record,
    inspection_complete,
    inspection_plan,
    wall_fill_from_catalog,
    wall_record_add,
    wall_record_remove,
)
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    order_accept,
    order_respond,
    order_return,
    orders_lapse,
)
from communitygate.oversight.services.violations import (
    Confirmation,
    violation_confirm,
    violation_dismiss,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARTY_OFFICE, GOVERNMENT_OFFICE = "SUP-PARTY", "SUP-GOV"
SHANGQIULU, YICHUNLU = "商邱路社区", "伊春路社区"

# What hangs on the two communities' walls besides what the catalog requires.
RETIRED_PLAQUE = "社区城管工作站"  # PZ-022, the urban management bureau's; retired in 2014
RETIRED_LEDGER = "无毒社区创建台账"  # TZ-243, the police branch's; no item requires it
STILL_HANGING = "社区人口学校"  # PZ-016, retired; flagged, not yet inspected
NEVER_LISTED = "创建全国文明城市工作站"  # in no catalog at all

RANKING = Confirmation(
    severity="serious",
    rule_source="negative_list",
    rule_cited="负面清单 FM-20：部门单独对社区进行考核评比",
)


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def pdf(line: str) -> FileUpload:
    return FileUpload(f"{line}.pdf", tiny_pdf("Illustrative document (CommunityGate demo)"))


def photo(name: str) -> FileUpload:
    return FileUpload(f"{name}.png", tiny_png())


class SupervisionYear:
    """Runs the year in time order; each step pins the clock to its moment."""

    def __init__(self) -> None:
        def user(username: str) -> User:
            return User.objects.get(username=username)

        self.inspector = user("inspector")  # 区委督查室
        self.inspector2 = user("inspector2")  # 区政府督查室
        self.head = user("supervision-head")  # 区委督查室负责人
        self.shangqiulu = user("shangqiulu")
        self.yichunlu = user("yichunlu")
        self.urban = user("urban")
        self.health = user("health")
        self.community = {
            name: Organisation.objects.get(name=name, kind=OrganisationKinds.COMMUNITY)
            for name in (SHANGQIULU, YICHUNLU)
        }

    def walls(self) -> None:
        clock.pin(at(12, 1, 9, year=2025))
        communities = Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY)
        for community in communities.order_by("code"):
            wall_fill_from_catalog(community)
        clock.pin(at(3, 2))
        on_the_walls = (
            (self.shangqiulu, SHANGQIULU, "plaque", RETIRED_PLAQUE, "办公楼门口，2013年所挂"),
            (self.yichunlu, YICHUNLU, "ledger", RETIRED_LEDGER, "每季度向派出所报送"),
            (self.yichunlu, YICHUNLU, "plaque", STILL_HANGING, "活动室门口"),
        )
        for person, where, kind, name, note in on_the_walls:
            wall_record_add(
                actor=person, community=self.community[where], kind=kind, name=name, note=note
            )

    def government_office_inspects(self) -> None:
        clock.pin(at(9, 1))
        inspection = inspection_plan(
            actor=self.inspector2,
            request=InspectionRequest(
                title="2026年第三季度部门向社区派活情况检查",
                starts_on=dt.date(2026, 9, 7),
                ends_on=dt.date(2026, 9, 11),
                department_codes=("DEPT-WJ", "DEPT-SJ"),
                community_codes=(self.community[YICHUNLU].code,),
                office_code=GOVERNMENT_OFFICE,
            ),
            idempotency_key="demo-inspection-2026-q3",
        )
        clock.pin(at(9, 9, 15))
        yichunlu = self.community[YICHUNLU].code
        findings = (
            FindingRequest(
                kind="department_ranking",
                description="区卫生健康局自行组织“健康社区”考核，按得分对辖区社区排名并在工作群通报。",
                community_code=yichunlu,
                department_code="DEPT-WJ",
                files=(photo("排名通报截图"),),
            ),
            FindingRequest(
                kind="off_platform_work",
                description="区市场监督管理局电话要求社区当天协助排查辖区食品经营户。",
                community_code=yichunlu,
                department_code="DEPT-SJ",
            ),
            FindingRequest(
                kind="unadmitted_plaque",
                description="社区服务中心门口悬挂“创建全国文明城市工作站”牌子，无准入事项依据，挂牌单位待查。",
                community_code=yichunlu,
                wall_kind="plaque",
                wall_name=NEVER_LISTED,
                files=(photo("现场照片"),),
            ),
        )
        recorded = [
            finding_record(actor=self.inspector2, inspection=inspection, request=request)
            for request in findings
        ]
        clock.pin(at(9, 11, 17))
        inspection_complete(
            actor=self.inspector2,
            inspection=inspection,
            conclusion="发现问题3项：部门自行考核排名1项，绕开平台派活1项（待核实），未经准入挂牌1项。",
        )
        clock.pin(at(9, 14))
        ranking, phone_call, _plaque = (Violation.objects.get(finding=f) for f in recorded)
        violation_confirm(actor=self.inspector2, violation=ranking, confirmation=RANKING)
        clock.pin(at(9, 16))
        violation_dismiss(
            actor=self.inspector2,
            violation=phone_call,
            reason="经核实系食品安全事故应急处置期间的临时协助，已按应急预案事后补录平台，不予认定。",
        )

    def party_office_inspects(self) -> list[Violation]:
        clock.pin(at(10, 9))
        inspection = inspection_plan(
            actor=self.inspector,
            request=InspectionRequest(
                title="2026年社区挂牌和台账专项检查（商邱路、伊春路社区）",
                starts_on=dt.date(2026, 10, 12),
                ends_on=dt.date(2026, 10, 16),
                community_codes=tuple(c.code for c in self.community.values()),
                office_code=PARTY_OFFICE,
            ),
            idempotency_key="demo-inspection-2026-walls",
        )
        clock.pin(at(10, 14, 15))
        findings = (
            FindingRequest(
                kind="unadmitted_plaque",
                description="社区办公楼门口仍悬挂“社区城管工作站”牌子；该牌子已于2014年清理，准入目录不再要求。",
                community_code=self.community[SHANGQIULU].code,
                department_code="DEPT-CG",
                wall_kind="plaque",
                wall_name=RETIRED_PLAQUE,
                files=(photo("社区城管工作站挂牌照片"),),
            ),
            FindingRequest(
                kind="unrequired_ledger",
                description="社区按派出所要求每季度填报“无毒社区创建台账”，准入目录无此台账要求。",
                community_code=self.community[YICHUNLU].code,
                department_code="DEPT-GA",
                wall_kind="ledger",
                wall_name=RETIRED_LEDGER,
                files=(pdf("无毒社区创建台账封面"),),
            ),
        )
        recorded = [
            finding_record(actor=self.inspector, inspection=inspection, request=request)
            for request in findings
        ]
        clock.pin(at(10, 16, 17))
        inspection_complete(
            actor=self.inspector,
            inspection=inspection,
            conclusion="发现未经准入挂牌1项、准入目录未要求的台账1项。",
        )
        clock.pin(at(10, 19))
        plaque, ledger = (Violation.objects.get(finding=f) for f in recorded)
        return [
            violation_confirm(
                actor=self.inspector,
                violation=plaque,
                confirmation=Confirmation(
                    severity="minor",
                    rule_source="catalog",
                    rule_cited="《社区工作准入目录》未要求社区悬挂“社区城管工作站”牌子",
                ),
            ),
            violation_confirm(
                actor=self.inspector,
                violation=ledger,
                confirmation=Confirmation(
                    severity="minor",
                    rule_source="catalog",
                    rule_cited="《社区工作准入目录》未要求社区建立“无毒社区创建台账”",
                ),
            ),
        ]

    def first_notice(self, violations: list[Violation]) -> None:
        clock.pin(at(10, 21))
        notice = notice_draft(
            actor=self.inspector,
            request=NoticeRequest(
                title="关于区城市管理局、青岛市公安局市北分局违规在社区挂牌和要求建立台账的通报",
                facts=(
                    "2026年10月12日至16日，区委督查室对商邱路、伊春路社区挂牌和台账情况进行专项"
                    "检查，发现商邱路社区仍悬挂区城市管理局“社区城管工作站”牌子，伊春路社区按市北"
                    "分局要求每季度填报“无毒社区创建台账”。"
                ),
                rule_broken="《社区工作准入制度》：未经准入，任何部门不得要求社区挂牌、建立台账。",
                correction_required="摘除牌子、停止台账填报，并书面报告整改情况。",
                violation_ids=tuple(v.pk for v in violations),
                office_code=PARTY_OFFICE,
            ),
            idempotency_key="demo-notice-2026-1",
        )
        clock.pin(at(10, 22, 9))
        notice_approve(actor=self.head, notice=notice)
        clock.pin(at(10, 23, 9))
        notice = notice_publish(actor=self.inspector, notice=notice)
        urban_order = CorrectionOrder.objects.get(notice=notice, department__code="DEPT-CG")
        clock.pin(at(10, 28, 16))
        plaque = WallRecord.objects.get(
            community=self.community[SHANGQIULU], name=RETIRED_PLAQUE, removed_on__isnull=True
        )
        wall_record_remove(actor=self.shangqiulu, record=plaque, reason="按市北督通〔2026〕1号摘除")
        clock.pin(at(10, 29))
        answered = order_respond(
            actor=self.urban,
            order=urban_order,
            response="已通知商邱路社区摘除“社区城管工作站”牌子，本局今后不再要求社区挂牌。",
            evidence=[pdf("整改报告"), photo("摘牌后照片")],
        )
        clock.pin(at(11, 2))
        order_accept(actor=self.inspector, order=answered)
        # The police branch never answers: the daily run after its deadline marks it overdue.
        clock.pin(at(11, 9, 1))
        orders_lapse()

    def november(self) -> None:
        def of_task(key: str) -> Violation:
            return Violation.objects.get(task__idempotency_key=f"demo-{key}")

        clock.pin(at(11, 10))
        ranking_task = violation_confirm(
            actor=self.inspector2,
            violation=of_task("healthy-community-ranking"),
            confirmation=RANKING,
        )
        unfunded = violation_confirm(
            actor=self.inspector,
            violation=of_task("population-sample-survey"),
            confirmation=Confirmation(
                severity="serious",
                rule_source="access_system",
                rule_cited="谁委托谁出钱：委托事项须落实经费后方可交由社区承担",
            ),
        )
        violation_dismiss(
            actor=self.inspector,
            violation=of_task("assistance-annual-review"),
            reason="该事项派单时处于目录版本切换，次日已恢复执行，社区按准入事项承办，不予认定。",
        )
        ranking_finding = Violation.objects.get(
            finding__kind="department_ranking", department__code="DEPT-WJ"
        )
        clock.pin(at(11, 11))
        notice = notice_draft(
            actor=self.inspector2,
            request=NoticeRequest(
                title="关于区卫生健康局自行对社区考核排名的通报",
                facts=(
                    "区卫生健康局于2026年9月自行组织“健康社区”考核并对社区排名，11月又通过平台"
                    "下发“2026年度健康社区考核评比”任务，被平台判定为未准入事项。"
                ),
                rule_broken="负面清单 FM-20：部门单独对社区进行考核评比。",
                correction_required="撤回考核评比任务及排名结果，并书面报告整改情况。",
                violation_ids=(ranking_finding.pk, ranking_task.pk),
                office_code=GOVERNMENT_OFFICE,
            ),
            idempotency_key="demo-notice-2026-2",
        )
        clock.pin(at(11, 12, 9))
        notice_approve(actor=self.head, notice=notice)
        clock.pin(at(11, 13, 9))
        notice = notice_publish(actor=self.inspector2, notice=notice)
        clock.pin(at(11, 19))
        answered = order_respond(
            actor=self.health,
            order=CorrectionOrder.objects.get(notice=notice),
            response="已在平台撤回考核评比任务。",
        )
        clock.pin(at(11, 23))
        order_return(
            actor=self.inspector2,
            order=answered,
            reason="未附撤回9月排名结果的书面通知，请补充后重新报送。",
        )
        overdue = CorrectionOrder.objects.get(state="overdue")
        clock.pin(at(11, 25))
        notice_draft(
            actor=self.inspector,
            request=NoticeRequest(
                title="关于区统计局未落实经费派活及市北分局逾期未整改的通报",
                facts="区统计局在经费尚未落实的情况下派发人口抽样调查任务；市北分局逾期未报送整改情况。",
                rule_broken="谁委托谁出钱；《社区工作准入制度》限期改正的规定。",
                correction_required="落实经费或撤回任务；市北分局立即整改并报告。",
                violation_ids=(unfunded.pk,),
                overdue_order_ids=(overdue.pk,),
                office_code=PARTY_OFFICE,
            ),
            idempotency_key="demo-notice-draft-3",
        )


def seed_supervision_history() -> bool:
    """Load the year of supervision; False (and nothing done) when any inspection exists."""
    if Inspection.objects.exists():
        return False
    year = SupervisionYear()
    try:
        with transaction.atomic():
            year.walls()
            year.government_office_inspects()
            confirmed = year.party_office_inspects()
            year.first_notice(confirmed)
            year.november()
    finally:
        clock.pin(None)
    return True
