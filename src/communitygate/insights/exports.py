"""Before and after as files: a workbook (core.tabular, the one writer of every export) and a
printable PDF (core.pdf.ChineseDocument), each holding the figures the page shows, in the
active language, with the editions compared and the moment they were counted."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from communitygate.core.pdf import FONT_FAMILY, ChineseDocument
from communitygate.core.tabular import xlsx_bytes
from communitygate.insights.summary import BeforeAfter, Change

FIGURE_LABELS = {
    "items": gettext_lazy("Items in the catalog"),
    "statutory": gettext_lazy("Statutory daily work"),
    "delegated": gettext_lazy("Delegated tasks"),
    "certificate": gettext_lazy("Certificate types"),
    "evaluation": gettext_lazy("Creation and evaluation campaigns"),
    "plaques": gettext_lazy("Plaques"),
    "ledgers": gettext_lazy("Ledgers"),
    "hours": gettext_lazy("Estimated hours a community a year"),
}


def figure_label(name: str) -> str:
    return str(FIGURE_LABELS[name])


def number_text(value: int | Decimal | None, *, signed: bool = False) -> str:
    """12,345 or 10,920.0 (hours keep their decimal), signed (+/−) for a change."""
    if value is None:
        return "—"
    text = f"{value:+,}" if signed else f"{value:,}"
    return text.replace("-", "−") if signed else text


def per_cent_text(change: Change) -> str:
    return "—" if change.per_cent is None else f"{number_text(change.per_cent, signed=True)}%"


def counted_at_text(figures: BeforeAfter) -> str:
    return timezone.localtime(figures.counted_at).strftime("%Y-%m-%d %H:%M")


def before_after_headers() -> list[str]:
    return [_("Figure"), _("Before"), _("After"), _("Change"), _("Change (per cent)")]


def before_after_xlsx(figures: BeforeAfter) -> bytes:
    """One row per figure: before, after, change (numbers stay numbers; hours with their
    decimal, per cent as a number of per cent), then the editions and the moment counted."""
    rows: list[list[object]] = [
        [
            figure_label(change.figure),
            change.before,
            change.after,
            change.change,
            change.per_cent,
        ]
        for change in figures.changes
    ]
    rows += [
        [],
        [_("Before"), str(figures.before.edition)],
        [_("After"), str(figures.after.edition)],
        [_("Figures as of"), counted_at_text(figures)],
    ]
    content, _count = xlsx_bytes(_("Before and after"), before_after_headers(), rows)
    return content


def before_after_pdf(figures: BeforeAfter) -> bytes:
    title = _("The burden before and after")
    pdf = ChineseDocument(title=title)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=16)
    pdf.cell(0, 11, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=10)
    for label, edition in ((_("Before"), figures.before), (_("After"), figures.after)):
        published = timezone.localtime(edition.edition.published_at).date().isoformat()
        pdf.multi_cell(
            0,
            6,
            f"{label}: {edition.edition} ({_('published')} {published})",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(2)
    # The font has no bold face: headings are set apart by a grey fill instead.
    headings = FontFace(emphasis="", fill_color=(238, 241, 246))
    with pdf.table(
        col_widths=(70, 30, 30, 30, 30), line_height=7, headings_style=headings
    ) as table:
        heading = table.row()
        for text in before_after_headers():
            heading.cell(text)
        for change in figures.changes:
            row = table.row()
            row.cell(figure_label(change.figure))
            row.cell(number_text(change.before), align="RIGHT")
            row.cell(number_text(change.after), align="RIGHT")
            row.cell(number_text(change.change, signed=True), align="RIGHT")
            row.cell(per_cent_text(change), align="RIGHT")
    pdf.ln(3)
    pdf.set_font(FONT_FAMILY, size=8.5)
    pdf.multi_cell(
        0,
        5,
        _(
            "Figures as of %(moment)s, counted at that moment from the published editions' "
            "items in force (not stored)."
        )
        % {"moment": counted_at_text(figures)},
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.missing_characters_note()
    return pdf.to_bytes()
