"""The mediation agreement (人民调解协议书) as a PDF, in Chinese with the font embedded
(`core.pdf`), printed once a dispute ends in an agreement.

What it prints, and what it leaves out on purpose: the community (the mediation committee),
each party's name and role with the phone MASKED (139****5678) — the document is handed to the
parties and filed, and the full number is in the sealed record for whoever may reveal it — and
no ID numbers at all (the parties show their cards when they sign; the paper does not need to
carry them). Then the facts, the terms agreed, the mediation sessions, the date and a signature
line for every party, the mediators and the committee's seal.
"""

from communitygate.core.bilingual import chinese_label
from communitygate.core.pdf import FONT_FAMILY, ChineseDocument, chinese_date
from communitygate.disputes.models import Dispute, DisputeKinds, DisputeOutcomes, PartyRoles

LINE = 7


class NoAgreement(Exception):
    """Only a dispute concluded with an agreement has an agreement to print."""


def agreement_number(dispute: Dispute) -> str:
    year = dispute.outcome_on.year if dispute.outcome_on else dispute.created_at.year
    return f"{dispute.community.code}-{year}-调-{dispute.pk:05d}"


def mediation_agreement_pdf(dispute: Dispute) -> bytes:
    if dispute.outcome != DisputeOutcomes.AGREEMENT:
        raise NoAgreement(dispute.pk)
    community = dispute.community
    parties = list(dispute.parties.order_by("pk"))
    sessions = list(dispute.sessions.order_by("held_on", "pk"))
    pdf = ChineseDocument(title=f"人民调解协议书 {agreement_number(dispute)}")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=18)
    pdf.cell(0, 12, "人民调解协议书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, f"编号：{agreement_number(dispute)}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=11)

    def paragraph(label: str, text: str) -> None:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT_FAMILY, size=11)
        pdf.multi_cell(0, LINE, f"{label}{text}", new_x="LMARGIN", new_y="NEXT")

    paragraph("调解组织：", f"{community.name}人民调解委员会")
    paragraph("纠纷类型：", chinese_label(DisputeKinds, dispute.kind))
    pdf.ln(2)
    for party in parties:
        phone = f"，联系电话：{party.phone_masked}" if party.phone_masked else ""
        paragraph(f"{chinese_label(PartyRoles, party.role)}：", f"{party.name}{phone}")
    pdf.ln(2)
    paragraph("纠纷主要事实、争议事项：", "")
    paragraph("", dispute.facts or dispute.summary)
    if sessions:
        held = "、".join(chinese_date(session.held_on) for session in sessions)
        mediators = "、".join(dict.fromkeys(session.mediators for session in sessions))
        paragraph("调解经过：", f"本委员会于{held}主持调解，调解员：{mediators}。")
    pdf.ln(2)
    paragraph("经调解，当事人自愿达成如下协议：", "")
    paragraph("", dispute.agreement_terms)
    pdf.ln(2)
    paragraph(
        "",
        "履行方式、时限按上述协议内容执行。本协议书自各方当事人签名（盖章或按指印）、"
        "人民调解员签名并加盖人民调解委员会印章之日起生效。本协议书一式"
        f"{len(parties) + 1}份，当事人各执一份，人民调解委员会留存一份。",
    )
    pdf.ln(6)
    for party in parties:
        paragraph(
            f"{chinese_label(PartyRoles, party.role)}（签名）：",
            f"{party.name}　　＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿",
        )
        pdf.ln(2)
    paragraph("人民调解员（签名）：", "＿＿＿＿＿＿＿＿＿＿")
    pdf.ln(2)
    paragraph("人民调解委员会（印章）：", "")
    pdf.set_x(pdf.l_margin)
    pdf.cell(0, LINE, chinese_date(dispute.outcome_on), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.missing_characters_note()
    return pdf.to_bytes()
