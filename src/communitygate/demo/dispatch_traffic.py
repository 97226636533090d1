"""A month of dispatch in the demo (27 October – 26 November 2026), made through the same
services at the moments it happened, so every row is audited and every verdict is the gate's own.

- 27 October: the office records who pays for the reform's six delegated items (the statistics
  bureau's census commitment ran to the end of 2025 and has not been renewed), and marks the
  negative-list entry "部门单独对社区进行考核评比" as forbidding evaluation tasks outright.
- Then departments send tasks to 商邱路社区 and 伊春路社区 (a few to whole subdistricts, one to
  every community): admitted tasks that the communities accept, work and hand in, the
  departments confirm or return, with time asked for, granted and declined; and unadmitted tasks
  of every reason, most of them refused in one step.
- The two communities report work pushed at them off the platform, by phone, in a chat group, on
  paper and at a meeting, each with a small evidence file.

Loaded once: skipped when any task exists.
"""

import datetime as dt
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from communitygate.catalog.models import CatalogItem, NegativeListEntry, TaskTypes
from communitygate.catalog.services import negative_list_entry_block
from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.demo import data
from communitygate.dispatch.models import Assignment, Channels, Deliverables, TargetModes, Task
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_accept,
    assignment_confirm,
    assignment_decide_extension,
    assignment_refuse,
    assignment_request_extension,
    assignment_return,
    assignment_submit,
    off_platform_report_create,
    task_send,
)
from communitygate.funding.services import CommitmentRequest, CommitmentTerms, commitment_record
from communitygate.orgs.models import Organisation

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The reform's items have been funded since 2015; the money trail on the platform starts with
# 2026's settlement year (earlier years were settled before the platform, off it), so the daily
# overdue run does not find ten years of shares nobody entered (demo/money_history.py).
REFORM_FUNDED_FROM = dt.date(2026, 1, 1)
# The census commitment covered the 14th Five-Year Plan; its last year (2025) is settled on the
# platform, 2026's has not been recorded.
CENSUS_ITEM_DEPARTMENT = "DEPT-TJ"
CENSUS_FUNDED_FROM = dt.date(2025, 1, 1)
CENSUS_FUNDED_TO = dt.date(2025, 12, 31)
# "部门单独对社区进行考核评比": departments may not rank communities on their own.
EVALUATION_BAN = "FM-20"

# The communities whose demo secretaries act, by username, and the subdistricts they are in.
COMMUNITIES = {"shangqiulu": "商邱路社区", "yichunlu": "伊春路社区"}
LUOYANGLU, DUNHUALU = "370203031", "370203014"


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def day(month: int, day_: int) -> dt.date:
    return dt.date(2026, month, day_)


@dataclass(frozen=True)
class Step:
    """One move of one community's assignment: by the community's secretary, or (return,
    confirm, grant, decline) by the clerk who sent the task."""

    moment: dt.datetime
    community: str  # a key of COMMUNITIES
    action: str  # accept refuse submit submit_pdf submit_png return confirm ask_time grant decline
    text: str = ""
    until: dt.date | None = None


@dataclass(frozen=True)
class DemoTask:
    key: str
    sent: dt.datetime
    sender: str  # username of the sending clerk
    department: str
    item: str | None
    title: str
    task_type: str
    starts_on: dt.date
    due_on: dt.date
    targets: Targets
    deliverable: str = Deliverables.FORM
    instructions: str = ""
    steps: tuple[Step, ...] = ()


BOTH = Targets(TargetModes.COMMUNITIES)  # filled with the two communities' codes at run time
TWO_SUBDISTRICTS = Targets(TargetModes.SUBDISTRICTS, (LUOYANGLU, DUNHUALU))
EVERYONE = Targets(TargetModes.ALL)


ADMITTED = (
    DemoTask(
        "elderly-allowance",
        at(10, 28, 9),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0176",
        "2027年度高龄津贴资格年审",
        TaskTypes.WORK,
        day(11, 2),
        day(11, 30),
        EVERYONE,
        Deliverables.LEDGER_ENTRY,
        "通知辖区80周岁以上老人办理年审，协助行动不便的老人申报，结果记入高龄津贴台账。",
        (
            Step(at(10, 29), "shangqiulu", "accept"),
            Step(
                at(11, 12),
                "shangqiulu",
                "submit",
                "已通知46人，协助申报44人；2人住院，出院后补报。",
            ),
            Step(at(11, 13), "shangqiulu", "confirm"),
            Step(at(10, 30), "yichunlu", "accept"),
            Step(at(11, 18), "yichunlu", "submit", "已通知并协助申报38人。"),
        ),
    ),
    DemoTask(
        "assistance-hearing",
        at(10, 29),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0047",
        "第四季度低保民主评议",
        TaskTypes.WORK,
        day(11, 2),
        day(11, 20),
        TWO_SUBDISTRICTS,
        Deliverables.FILE,
        "组织居民代表对新申请低保家庭进行民主评议，上传评议会记录。",
        (
            Step(at(10, 30), "shangqiulu", "accept"),
            Step(at(11, 10), "shangqiulu", "submit_pdf", "评议会记录见附件。"),
            Step(at(11, 11), "shangqiulu", "return", "缺少评议会签到表，请补充后重新提交。"),
            Step(at(11, 2), "yichunlu", "accept"),
        ),
    ),
    DemoTask(
        "household-visits",
        at(11, 2, 9),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0166",
        "低保家庭入户调查和邻里访问（第四季度）",
        TaskTypes.SURVEY,
        day(11, 3),
        day(11, 27),
        BOTH,
        Deliverables.FORM,
        "对辖区低保家庭逐户入户调查，走访邻里核实家庭状况，填报调查表。",
        (
            Step(at(11, 3), "shangqiulu", "accept"),
            Step(
                at(11, 16),
                "shangqiulu",
                "ask_time",
                "辖区低保家庭37户，其中5户长期外出务工，需预约入户。",
                day(12, 11),
            ),
            Step(at(11, 17), "shangqiulu", "grant"),
            Step(at(11, 4), "yichunlu", "accept"),
            Step(
                at(11, 19),
                "yichunlu",
                "ask_time",
                "社区工作人员参加区里培训，需延后一周。",
                day(12, 4),
            ),
            Step(at(11, 20), "yichunlu", "decline"),
        ),
    ),
    DemoTask(
        "mental-health-care",
        at(11, 2, 11),
        "health",
        "DEPT-WJ",
        "S2014-0067",
        "11月严重精神障碍患者关爱帮扶台账",
        TaskTypes.REPORT,
        day(11, 2),
        day(11, 20),
        BOTH,
        Deliverables.LEDGER_ENTRY,
        "走访在册患者家庭，了解服药和生活情况，记入关爱帮扶台账。",
        (
            Step(at(11, 3), "shangqiulu", "accept"),
            Step(at(11, 16), "shangqiulu", "submit", "在册4人均已走访，情况稳定。"),
            Step(at(11, 17), "shangqiulu", "confirm"),
        ),
    ),
    DemoTask(
        "residents-meeting-plaque",
        at(11, 4),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0023",
        "更新居民会议制度牌",
        TaskTypes.PLAQUE,
        day(11, 5),
        day(11, 27),
        BOTH,
        Deliverables.FILE,
        "按新修订的居民会议制度更新议事室制度牌，上传照片。",
        (
            Step(at(11, 5), "yichunlu", "accept"),
            Step(at(11, 18), "yichunlu", "submit_png", "已更换，照片见附件。"),
            Step(at(11, 19), "yichunlu", "confirm"),
        ),
    ),
    DemoTask(
        "epidemic-prevention",
        at(11, 9),
        "health",
        "DEPT-WJ",
        "S2014-0059",
        "冬春季呼吸道传染病防控宣传",
        TaskTypes.WORK,
        day(11, 10),
        day(12, 4),
        Targets(TargetModes.SUBDISTRICTS, (LUOYANGLU,)),
        Deliverables.FORM,
        "在楼院张贴防控宣传材料，利用居民微信群推送防护知识。",
        (
            Step(at(11, 10), "shangqiulu", "accept"),
            Step(
                at(11, 24),
                "shangqiulu",
                "ask_time",
                "宣传材料尚未送达社区，需延后一周。",
                day(12, 11),
            ),
        ),
    ),
    DemoTask(
        "cleanup-day",
        at(10, 30),
        "urban",
        "DEPT-CG",
        "S2014-0071",
        "11月楼院环境卫生清洁日",
        TaskTypes.WORK,
        day(11, 2),
        day(11, 13),
        BOTH,
        Deliverables.FORM,
        "组织居民开展楼院环境卫生清洁活动，填报参与人数和清理情况。",
        (
            Step(at(11, 2), "shangqiulu", "accept"),
            Step(at(11, 9), "shangqiulu", "submit", "组织居民32人清理楼道杂物。"),
            Step(at(11, 10), "shangqiulu", "return", "请补充活动前后的对比照片。"),
            Step(at(11, 11), "shangqiulu", "submit_png", "已补充对比照片。"),
            Step(at(11, 12), "shangqiulu", "confirm"),
            Step(at(11, 3), "yichunlu", "accept"),
            Step(at(11, 12), "yichunlu", "submit", "已清理6个楼院。"),
            Step(at(11, 13), "yichunlu", "return", "未填写参与居民人数，请补充。"),
        ),
    ),
    DemoTask(
        "quarterly-disclosure",
        at(11, 16),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0029",
        "第四季度居务公开情况报送",
        TaskTypes.REPORT,
        day(11, 16),
        day(12, 15),
        TWO_SUBDISTRICTS,
        Deliverables.FORM,
        "报送本季度居务公开的事项、时间和形式。",
        (
            Step(at(11, 17), "shangqiulu", "accept"),
            Step(at(11, 23), "shangqiulu", "submit", "本季度公开事项5项，均在居务公开栏公示。"),
            Step(at(11, 18), "yichunlu", "accept"),
            Step(at(11, 20), "yichunlu", "submit", "本季度公开事项4项。"),
            Step(at(11, 23, 15), "yichunlu", "confirm"),
        ),
    ),
    DemoTask(
        "facility-check",
        at(11, 18),
        "urban",
        "DEPT-CG",
        "S2014-0077",
        "入冬前楼院公共设施隐患排查",
        TaskTypes.INSPECTION,
        day(11, 19),
        day(12, 18),
        Targets(TargetModes.SUBDISTRICTS, (DUNHUALU,)),
        Deliverables.FORM,
        "排查楼院路灯、井盖、健身器材等公共设施，报修发现的隐患。",
        (Step(at(11, 19), "yichunlu", "accept"),),
    ),
    DemoTask(
        "close-contacts-drill",
        at(11, 23),
        "health",
        "DEPT-WJ",
        "S2014-0060",
        "密切接触者排查演练",
        TaskTypes.WORK,
        day(11, 24),
        day(12, 11),
        BOTH,
        Deliverables.FORM,
        "配合社区卫生服务中心开展一次密切接触者排查演练。",
        (Step(at(11, 24), "yichunlu", "accept"),),
    ),
)


UNADMITTED = (
    DemoTask(  # not_in_catalog: the monthly ledger the July round turned down
        "elderly-facility-ledger",
        at(10, 28, 15),
        "civil-affairs",
        "DEPT-MZ",
        None,
        "每月报送社区养老服务设施运营台账",
        TaskTypes.REPORT,
        day(11, 2),
        day(11, 30),
        BOTH,
        Deliverables.LEDGER_ENTRY,
        "每月5日前报送辖区养老服务设施运营情况台账。",
        (
            Step(
                at(10, 29),
                "yichunlu",
                "refuse",
                "该事项已于2026年7月征询未获通过，未列入准入目录。",
            ),
        ),
    ),
    DemoTask(  # not_in_catalog
        "civilised-city-cleanup",
        at(11, 3),
        "urban",
        "DEPT-CG",
        None,
        "创建文明城市迎检：社区环境整治百日攻坚",
        TaskTypes.WORK,
        day(11, 4),
        day(11, 13),
        TWO_SUBDISTRICTS,
        Deliverables.FORM,
        "社区作为责任主体，清理辖区占道经营和乱堆乱放，每日报送整治进度。",
        (
            Step(at(11, 4), "shangqiulu", "refuse", "以社区为责任主体的环境整治列入负面清单。"),
            Step(at(11, 4, 15), "yichunlu", "refuse"),
        ),
    ),
    DemoTask(  # not_in_catalog + on_negative_list
        "healthy-community-ranking",
        at(11, 5),
        "health",
        "DEPT-WJ",
        None,
        "2026年度健康社区考核评比",
        TaskTypes.EVALUATION,
        day(11, 6),
        day(11, 27),
        TWO_SUBDISTRICTS,
        Deliverables.FILE,
        "各社区按评分细则自评并上传佐证材料，区卫生健康局排名通报。",
        (
            Step(at(11, 6), "shangqiulu", "refuse", "部门单独对社区进行考核评比列入负面清单。"),
            Step(at(11, 9), "yichunlu", "refuse"),
        ),
    ),
    DemoTask(  # item_not_active: retired in the 2014 reform
        "assistance-annual-review",
        at(11, 6),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0054",
        "协助开展低保对象年度复核",
        TaskTypes.WORK,
        day(11, 9),
        day(11, 30),
        BOTH,
        Deliverables.FORM,
        "逐户复核低保对象家庭收入和财产状况。",
        (Step(at(11, 9), "shangqiulu", "refuse", "该事项2014年改革时已退出目录。"),),
    ),
    DemoTask(  # not_item_owner: the health bureau's item, sent by civil affairs
        "family-planning-visits",
        at(11, 10),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0064",
        "计划生育特殊家庭走访慰问",
        TaskTypes.WORK,
        day(11, 11),
        day(11, 25),
        BOTH,
        Deliverables.FORM,
        "走访慰问辖区计划生育特殊家庭，填报走访情况。",
        (Step(at(11, 11), "yichunlu", "refuse"),),
    ),
    DemoTask(  # item_not_active + outside_item_scope + funding_not_committed
        "insurance-drive-extended",
        at(11, 4, 15),
        "health",
        "DEPT-WJ",
        "ZR2026-0001",
        "医保参保宣传登记扩大到洛阳路、敦化路街道全部社区",
        TaskTypes.WORK,
        day(11, 9),
        day(11, 20),
        TWO_SUBDISTRICTS,
        Deliverables.FORM,
        "继续入户宣传，协助登记未参保居民。",
        (
            Step(
                at(11, 5),
                "shangqiulu",
                "refuse",
                "该事项10月31日期满已退出目录，且只准入了两个社区。",
            ),
        ),
    ),
    DemoTask(  # type_not_allowed: a plaque the item does not list
        "elderly-care-plaque",
        at(11, 12),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0056",
        "悬挂“老年人关爱服务站”标牌",
        TaskTypes.PLAQUE,
        day(11, 13),
        day(11, 27),
        BOTH,
        Deliverables.FILE,
        "在社区服务用房悬挂统一制作的标牌，上传照片。",
        (
            Step(at(11, 13), "shangqiulu", "refuse", "未经准入在社区场所挂牌。"),
            Step(at(11, 16), "yichunlu", "refuse"),
        ),
    ),
    DemoTask(  # type_not_allowed + on_negative_list
        "volunteer-ranking",
        at(11, 17),
        "civil-affairs",
        "DEPT-MZ",
        "S2014-0036",
        "最美志愿服务社区评选",
        TaskTypes.EVALUATION,
        day(11, 18),
        day(12, 4),
        BOTH,
        Deliverables.FILE,
        "各社区报送志愿服务材料参加评选。",
        (Step(at(11, 18), "yichunlu", "refuse"),),
    ),
    DemoTask(  # funding_not_committed: the census commitment ended with 2025
        "population-sample-survey",
        at(11, 11),
        "statistics",
        "DEPT-TJ",
        "S2014-0373",
        "2026年人口变动情况抽样调查入户登记",
        TaskTypes.SURVEY,
        day(11, 16),
        day(12, 4),
        TWO_SUBDISTRICTS,
        Deliverables.FORM,
        "协助调查员入户登记抽中住户的人口变动情况。",
        (
            Step(at(11, 12), "shangqiulu", "refuse", "谁委托谁出钱：本年度经费尚未落实。"),
            Step(at(11, 13), "yichunlu", "refuse"),
        ),
    ),
    DemoTask(  # not_in_catalog, not refused yet
        "self-employed-count",
        at(11, 19),
        "statistics",
        "DEPT-TJ",
        None,
        "辖区个体工商户经营情况摸底",
        TaskTypes.SURVEY,
        day(11, 20),
        day(12, 10),
        Targets(TargetModes.SUBDISTRICTS, (DUNHUALU,)),
        Deliverables.FORM,
        "逐户摸底辖区个体工商户的经营情况，填报统计表。",
    ),
    DemoTask(  # not_in_catalog
        "illegal-structures",
        at(11, 24),
        "urban",
        "DEPT-CG",
        None,
        "配合拆除楼院违法建设",
        TaskTypes.WORK,
        day(11, 25),
        day(12, 4),
        BOTH,
        Deliverables.FORM,
        "社区负责动员住户自行拆除楼院内违法建设，每周报送进度。",
        (Step(at(11, 25), "shangqiulu", "refuse", "以社区为责任主体的拆迁拆违列入负面清单。"),),
    ),
)

DEMO_TASKS = ADMITTED + UNADMITTED


@dataclass(frozen=True)
class DemoReport:
    moment: dt.datetime
    community: str  # a key of COMMUNITIES
    department: str
    pushed_by: str
    channel: str
    occurred_on: dt.date
    what_was_asked: str
    evidence_name: str


REPORTS = (
    DemoReport(
        at(10, 30, 16),
        "shangqiulu",
        "DEPT-SJ",
        "区市场监管局工作人员（示例）",
        Channels.PHONE,
        day(10, 30),
        "电话要求社区当天排查辖区全部餐饮门店的燃气使用情况，并报送门店名单。",
        "通话记录截图.png",
    ),
    DemoReport(
        at(11, 6, 17),
        "yichunlu",
        "DEPT-ZJ",
        "区住房和城乡建设局工作人员（示例）",
        Channels.CHAT_GROUP,
        day(11, 6),
        "在街道工作群通知社区两天内逐户统计老旧小区加装电梯意愿并填表。",
        "工作群截图.png",
    ),
    DemoReport(
        at(11, 12, 16),
        "shangqiulu",
        "DEPT-CG",
        "区城市管理局（纸质通知，示例）",
        Channels.PAPER,
        day(11, 11),
        "纸质通知要求社区作为责任主体整治占道经营，并签订目标责任书。",
        "纸质通知扫描件.pdf",
    ),
    DemoReport(
        at(11, 19, 17),
        "yichunlu",
        "DEPT-YJ",
        "区应急管理局工作人员（示例）",
        Channels.MEETING,
        day(11, 19),
        "在街道工作会议上要求社区对辖区沿街商铺开展安全生产检查，每周报送检查表。",
        "会议纪要.pdf",
    ),
)


def tiny_png() -> bytes:
    """A valid 1×1 grey PNG: the stand-in for a photo or screenshot."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xc0")  # filter byte, one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tiny_pdf(line: str) -> bytes:
    """A valid one-page PDF with one line of ASCII text: the stand-in for a scan."""
    text = line.encode("ascii").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n" % xref_at + b"%%EOF\n"
    return bytes(out)


def evidence_of(filename: str) -> FileUpload:
    if filename.endswith(".png"):
        return FileUpload(filename, tiny_png())
    return FileUpload(filename, tiny_pdf("Illustrative evidence (CommunityGate demo)"))


class Traffic:
    """Runs the month: the office's groundwork, then every send, move and report in time order."""

    def __init__(self) -> None:
        self.office = User.objects.get(username="office")
        self.users = {
            username: User.objects.get(username=username)
            for username in {*COMMUNITIES, *(task.sender for task in DEMO_TASKS)}
        }
        self.communities = {
            username: Organisation.objects.get(name=name, kind="community")
            for username, name in COMMUNITIES.items()
        }
        self.tasks: dict[str, Task] = {}

    def groundwork(self) -> None:
        clock.pin(at(10, 27, 9))
        for kept in data.REFORMED_DELEGATED:
            item = CatalogItem.objects.select_related("department").get(code=kept.code)
            commitment_record(
                actor=self.office,
                request=CommitmentRequest(
                    item_code=item.code,
                    payer_code=item.department.code,
                    period_start=(
                        CENSUS_FUNDED_FROM
                        if kept.department == CENSUS_ITEM_DEPARTMENT
                        else REFORM_FUNDED_FROM
                    ),
                    terms=CommitmentTerms(
                        amount=str(item.funding_per_community or Decimal(kept.funding)),
                        budget_line=f"{item.department.name}部门预算·委托社区事项经费",
                        period_end=(
                            CENSUS_FUNDED_TO if kept.department == CENSUS_ITEM_DEPARTMENT else None
                        ),
                    ),
                ),
            )
        negative_list_entry_block(
            actor=self.office,
            entry=NegativeListEntry.objects.get(code=EVALUATION_BAN),
            task_type=TaskTypes.EVALUATION,
        )

    def timeline(self) -> list[tuple[dt.datetime, int, Callable[[], object]]]:
        events: list[tuple[dt.datetime, int, Callable[[], object]]] = []
        for spec in DEMO_TASKS:
            events.append((spec.sent, len(events), partial(self.send, spec)))
            for step in spec.steps:
                if step.moment <= spec.sent:
                    raise RuntimeError(f"demo task {spec.key}: a step before it was sent")
                events.append((step.moment, len(events), partial(self.move, spec, step)))
        for report in REPORTS:
            events.append((report.moment, len(events), partial(self.report, report)))
        return sorted(events, key=lambda event: (event[0], event[1]))

    def send(self, spec: DemoTask) -> None:
        targets = spec.targets
        if targets is BOTH:
            codes = tuple(sorted(c.code for c in self.communities.values()))
            targets = Targets(TargetModes.COMMUNITIES, codes)
        request = TaskRequest(
            department_code=spec.department,
            item_code=spec.item,
            title=spec.title,
            task_type=spec.task_type,
            starts_on=spec.starts_on,
            due_on=spec.due_on,
            targets=targets,
            instructions=spec.instructions,
            deliverable=spec.deliverable,
        )
        self.tasks[spec.key] = task_send(
            actor=self.users[spec.sender], request=request, idempotency_key=f"demo-{spec.key}"
        )

    def move(self, spec: DemoTask, step: Step) -> None:
        community_user = self.users[step.community]
        sender = self.users[spec.sender]
        assignment = Assignment.objects.get(
            task=self.tasks[spec.key], community=self.communities[step.community]
        )
        match step.action:
            case "accept":
                assignment_accept(actor=community_user, assignment=assignment)
            case "refuse":
                assignment_refuse(actor=community_user, assignment=assignment, comment=step.text)
            case "submit":
                assignment_submit(actor=community_user, assignment=assignment, text=step.text)
            case "submit_pdf" | "submit_png":
                kind = step.action.removeprefix("submit_")
                content = tiny_png() if kind == "png" else tiny_pdf("Illustrative deliverable")
                assignment_submit(
                    actor=community_user,
                    assignment=assignment,
                    text=step.text,
                    filename=f"deliverable.{kind}",
                    content=content,
                )
            case "return":
                assignment_return(actor=sender, assignment=assignment, reason=step.text)
            case "confirm":
                assignment_confirm(actor=sender, assignment=assignment)
            case "ask_time":
                if step.until is None:
                    raise RuntimeError(f"demo task {spec.key}: more time until when?")
                assignment_request_extension(
                    actor=community_user, assignment=assignment, until=step.until, reason=step.text
                )
            case "grant" | "decline":
                assignment_decide_extension(
                    actor=sender, assignment=assignment, grant=step.action == "grant"
                )
            case _:
                raise RuntimeError(f"demo task {spec.key}: unknown step {step.action}")

    def report(self, report: DemoReport) -> None:
        off_platform_report_create(
            actor=self.users[report.community],
            community=self.communities[report.community],
            department=Organisation.objects.get(code=report.department),
            pushed_by=report.pushed_by,
            channel=report.channel,
            occurred_on=report.occurred_on,
            what_was_asked=report.what_was_asked,
            evidence=[evidence_of(report.evidence_name)],
        )


def seed_dispatch_traffic() -> bool:
    """Load the month of dispatch; False (and nothing done) when any task exists already."""
    if Task.objects.exists():
        return False
    traffic = Traffic()
    try:
        with transaction.atomic():
            traffic.groundwork()
            for moment, _order, run in traffic.timeline():
                clock.pin(moment)
                run()
    finally:
        clock.pin(None)
    return True
