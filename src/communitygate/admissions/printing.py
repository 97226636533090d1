"""The printable application form (申请社区办理事项审批表) as a PDF, laid out like the paper form,
with a Chinese font embedded (`core.pdf`: fpdf2 subsets it per document) so it shows on any
viewer.
"""

from fpdf.enums import XPos, YPos

from communitygate.admissions.forecast import (
    AddedRequirement,
    CommunityForecast,
    Forecast,
    hours_text,
)
from communitygate.admissions.models import Application, ApplicationStatuses
from communitygate.admissions.selectors import application_burden, meeting_of
from communitygate.admissions.tally import Standing
from communitygate.catalog.labels import CLASS_ZH, DOMAIN_ZH, FREQUENCY_ZH
from communitygate.catalog.models import Ledger, Plaque
from communitygate.core.bilingual import chinese_label, in_chinese
from communitygate.core.clock import local_date
from communitygate.core.pdf import FONT_FAMILY, ChineseDocument, chinese_date, yuan_text

LABEL_WIDTH = 46


def _records_text(records: list[Ledger] | list[Plaque], new_names: list[str]) -> str:
    chosen = [f"{record.code} {record.name}" for record in records]
    created = [f"{name}（新增，准入时建立）" for name in new_names]
    return "、".join(chosen + created)


def forecast_hours_text(forecast: Forecast) -> str:
    """The forecast's hours the Chinese way: 每社区每年约 48.0 小时（每次约 12.0 小时，每年 4 次）…"""
    text = f"每社区每年约 {hours_text(forecast.hours_per_community_year)} 小时"
    if forecast.hours_per_occurrence is not None:
        text += (
            f"（每次约 {hours_text(forecast.hours_per_occurrence)} 小时，"
            f"每年 {forecast.occurrences_per_year} 次）"
        )
    return (
        f"{text}；共 {len(forecast.communities)} 个社区，"
        f"合计每年约 {hours_text(forecast.hours_total_year)} 小时"
    )


def _capacity_verdict(community: CommunityForecast) -> str:
    if community.over_capacity_before:
        return "【已超出承载能力】"
    if community.pushed_over:
        return "【本事项将致其超出承载能力】"
    return "未超出"


def forecast_capacity_text(forecast: Forecast) -> str:
    """One line per community: load now → after, against its capacity, and the verdict."""
    lines = [
        f"{c.name}：现有 {hours_text(c.hours_before)} → {hours_text(c.hours_after)} 小时/年，"
        f"承载能力 {hours_text(c.capacity)} 小时/年（{c.staff} 人）；"
        f"新增台账 {len(c.ledgers_added)}、牌子 {len(c.plaques_added)}；{_capacity_verdict(c)}"
        for c in forecast.communities
    ]
    basis = f"承载能力＝工作人员数×每人每年 {forecast.hours_per_staff:.0f} 小时"
    return "\n".join([*lines, basis]) if lines else "无目标社区"


def _added_text(added: tuple[AddedRequirement, ...]) -> str:
    """Each ledger or plaque new to some targeted communities, and to how many."""
    return "、".join(f"{a.requirement.name}（{a.communities} 个社区新增）" for a in added) or "无"


def _early_close_rows(application: Application) -> list[tuple[str, str]]:
    """A consultation closed before its deadline says so, with the office's reason."""
    review_round = application.review_round
    if review_round is None or not review_round.closed_early:
        return []
    reason = review_round.early_close_reason or "所有征询单位均已投票"
    closed_at = review_round.consultation_closed_at
    closed_on = local_date(closed_at) if closed_at else None
    return [("征询提前截止", f"{chinese_date(closed_on)}；理由：{reason}")]


def _meeting_rows(application: Application) -> list[tuple[str, str]]:
    """The committee meeting that decided: date and counts, no names."""
    meeting = meeting_of(application)
    if meeting is None:
        return []
    result = meeting.result
    verdict = "经出席委员过半数同意，通过" if result.passed else "未获出席委员过半数同意，未通过"
    return [
        (
            "委员会审议",
            f"{chinese_date(meeting.held_on)}召开会议，委员 {result.members} 人，"
            f"出席 {result.present} 人（法定人数 {result.quorum_needed} 人）；"
            f"同意 {result.approve}，不同意 {result.reject}，弃权 {result.abstain}；{verdict}",
        )
    ]


def form_rows(application: Application, standing: Standing) -> list[tuple[str, str]]:
    """The form's rows, label and value, in the order of the paper form."""
    burden = application_burden(application)
    scope = "全区所有社区" if burden.targets is None else "、".join(c.name for c in burden.targets)
    ledgers = _records_text(burden.ledgers, burden.new_ledger_names)
    if burden.ledgers_as_typed:
        ledgers = "；".join(filter(None, [ledgers, f"原填写：{burden.ledgers_as_typed}"]))
    rows = [
        ("申请单位", application.applicant.name),
        ("经办人 / 联系电话", f"{application.contact_name}　{application.contact_phone}"),
        ("申请编号", application.number),
        (
            "提交日期",
            chinese_date(application.submitted_at.date() if application.submitted_at else None),
        ),
        ("事项名称", application.item_name),
        (
            "事项类别 / 领域",
            f"{CLASS_ZH.get(application.item_class, '')} / {DOMAIN_ZH.get(application.domain, '')}",
        ),
        ("是否紧急事项", f"是。理由：{application.urgent_reason}" if application.urgent else "否"),
        ("法律法规政策依据", application.legal_basis),
        ("必要性", application.necessity),
        ("社区承担的具体任务", application.community_duty),
        ("实施范围", scope),
        (
            "起止时间",
            f"{chinese_date(application.starts_on)} 至 {chinese_date(application.ends_on)}",
        ),
        ("频次", FREQUENCY_ZH.get(application.frequency, application.frequency)),
        ("预计工时（每社区）", f"{application.estimated_hours} 小时"),
        ("需报送的台账、表格", ledgers or "无"),
        ("需悬挂的牌子", _records_text(burden.plaques, burden.new_plaque_names) or "无"),
        ("负担预估", forecast_hours_text(burden.forecast)),
        (
            "新增台账 / 牌子",
            f"台账：{_added_text(burden.forecast.ledgers)}；"
            f"牌子：{_added_text(burden.forecast.plaques)}",
        ),
        ("社区负担与承载能力", forecast_capacity_text(burden.forecast)),
        (
            "经费（每社区每年）及来源",
            f"{yuan_text(application.funding_per_community)}　{application.funding_source}",
        ),
        ("支持与培训", application.support_offered or "无"),
        (
            "街道、社区征询结果",
            in_chinese(standing.summary),
        ),
        *_early_close_rows(application),
        ("委员会办公室审核意见", application.office_opinion or "—"),
        *_meeting_rows(application),
        ("审批结果", chinese_label(ApplicationStatuses, application.status)),
        ("决定理由", application.decision_reason or "—"),
        ("纳入目录编号", application.catalog_item.code if application.catalog_item else "—"),
    ]
    return rows


def application_form_pdf(application: Application, standing: Standing) -> bytes:
    pdf = ChineseDocument(title=f"申请社区办理事项审批表 {application.number}")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=18)
    pdf.cell(0, 12, "申请社区办理事项审批表", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, f"编号：{application.number}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=10.5)
    with pdf.table(
        col_widths=(LABEL_WIDTH, 190 - LABEL_WIDTH), first_row_as_headings=False, line_height=6.5
    ) as table:
        for label, value in form_rows(application, standing):
            row = table.row()
            row.cell(label)
            row.cell(value or "—")
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, size=8.5)
    pdf.multi_cell(
        0,
        5,
        "本表由社区准入平台生成。未纳入社区工作准入目录的事项，社区有权拒绝。",
    )
    pdf.missing_characters_note()
    return pdf.to_bytes()
