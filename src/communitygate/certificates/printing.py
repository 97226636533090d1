"""An issued certificate (证明) as a PDF, in Chinese with the font embedded (`core.pdf`).

It prints the community, the number, the certificate's name, the resident's name and MASKED ID
number (the full number is in the sealed record; the paper handed over does not need it), the
purpose, the date and a line for the committee's seal. Only issued certificates print: a request
turned away has nothing to print.
"""

from communitygate.certificates.models import CertificateOutcomes, CertificateRequest
from communitygate.core.pdf import FONT_FAMILY, ChineseDocument, chinese_date

LINE = 8


class NotIssued(Exception):
    """A request turned away has no certificate to print."""


def certificate_pdf(request: CertificateRequest) -> bytes:
    if request.outcome != CertificateOutcomes.ISSUED or request.resident is None:
        raise NotIssued(request.pk)
    resident = request.resident
    pdf = ChineseDocument(title=f"{request.rule.name} {request.number}")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=18)
    pdf.cell(0, 12, request.rule.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.cell(0, 6, f"编号：{request.number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def paragraph(text: str) -> None:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT_FAMILY, size=12)
        pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")

    paragraph(f"兹证明：{resident.name}（身份证号码：{resident.id_number_masked or '—'}）")
    paragraph(f"证明事项：{request.rule.name}。")
    paragraph(f"用途：{request.purpose}。")
    if request.rule.note:
        paragraph(f"出具说明：{request.rule.note}")
    paragraph("本证明仅证明居民委员会职责范围内掌握、能够核实的情况，仅供上述用途使用。")
    pdf.ln(12)
    paragraph(f"{request.community.name}居民委员会（盖章）")
    paragraph(chinese_date(request.requested_on))
    pdf.missing_characters_note()
    return pdf.to_bytes()
