"""A published district-wide notice (全区通报) as a printable PDF, laid out as an official
document is (GB/T 9704, simplified): the issuing office's name in red across the top, the
document number right under it and a red rule, the title centred, the addressees, the body
(the facts, the rule broken, the correction required with its deadline, the departments
named) and the issuing office and date at the bottom right. Chinese only, as the paper is."""

from fpdf.enums import Align, WrapMode, XPos, YPos

from communitygate.core.pdf import FONT_FAMILY, ChineseDocument, chinese_date
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.oversight.models import CorrectionOrder, Notice

RED = (204, 0, 0)
BLACK = (0, 0, 0)
# GB/T 9704 margins (mm): top 37, left 28, right 26, bottom 35.
TOP, LEFT, RIGHT, BOTTOM = 37, 28, 26, 35
LINE = 8.5  # the body's line height (mm)
ADDRESSEES = "各街道办事处、各社区，区直各部门："


def issuing_office_name(office: Organisation) -> str:
    """The office as it signs: 区政府督查室 under 市北区 is 市北区政府督查室."""
    parent = office.parent
    if parent is None or parent.kind != OrganisationKinds.DISTRICT:
        return office.name
    if office.name.startswith(parent.name):
        return office.name
    if office.name.startswith("区"):
        return parent.name + office.name[1:]
    return parent.name + office.name


def _paragraph(pdf: ChineseDocument, text: str, *, indent: bool = True) -> None:
    """Body text, each paragraph starting two characters in (the Chinese way). Lines break
    between any two characters, as Chinese is set (breaking only at spaces would push a long
    paragraph below its indent)."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for paragraph in [p.strip() for p in text.splitlines() if p.strip()]:
        for line in pdf.chinese_lines(("\u3000\u3000" if indent else "") + paragraph, width):
            pdf.cell(0, LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: ChineseDocument, text: str) -> None:
    pdf.set_font(FONT_FAMILY, size=14)
    pdf.multi_cell(
        0, LINE, "\u3000\u3000" + text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT_FAMILY, size=13)


def notice_pdf(notice: Notice, orders: list[CorrectionOrder]) -> bytes:
    """The notice as issued. `orders` are the correction orders it issued (their deadline)."""
    office = issuing_office_name(notice.office)
    pdf = ChineseDocument(title=f"{notice.number} {notice.title}")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM)
    pdf.add_page()

    # 版头: the issuing office in red, the number under it, the red rule.
    pdf.set_text_color(*RED)
    pdf.set_font(FONT_FAMILY, size=26)
    pdf.cell(0, 16, office, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*BLACK)
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.cell(0, 10, notice.number or "", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    rule_y = pdf.get_y() + 2
    pdf.line(LEFT, rule_y, pdf.w - RIGHT, rule_y)
    pdf.set_y(rule_y + 8)

    # 标题 and 主送机关.
    pdf.set_font(FONT_FAMILY, size=18)
    pdf.multi_cell(
        0,
        11,
        notice.title,
        align=Align.C,
        wrapmode=WrapMode.CHAR,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.multi_cell(0, LINE, ADDRESSEES, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # 正文.
    if notice.corrects is not None:
        _paragraph(pdf, f"本通报更正{notice.corrects.number}《{notice.corrects.title}》。")
    _paragraph(pdf, notice.facts)
    _heading(pdf, "一、违反的规定")
    _paragraph(pdf, notice.rule_broken)
    _heading(pdf, "二、整改要求")
    _paragraph(pdf, notice.correction_required)
    due_on = orders[0].due_on if orders else None
    deadline = (
        f"请被通报部门自本通报发布之日起{notice.correction_workdays}个工作日内"
        + (f"（{chinese_date(due_on)}前）" if due_on else "")
        + f"完成整改，并将整改报告及佐证材料报送{office}。逾期未整改的，将在下一期通报中再次点名。"
    )
    _paragraph(pdf, deadline)
    _heading(pdf, "三、被通报部门")
    for department in notice.departments.order_by("code"):
        _paragraph(pdf, department.name)

    # 发文机关署名 and 成文日期, at the bottom right.
    pdf.ln(14)
    pdf.cell(0, LINE, office, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(
        0,
        LINE,
        chinese_date(notice.published_on),
        align=Align.R,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(6)
    pdf.missing_characters_note()
    return pdf.to_bytes()
