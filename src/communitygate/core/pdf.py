"""Printable documents in Chinese: one PDF class every app prints with.

fpdf2 embeds OpenType CJK fonts (CFF outlines) and subsets them per document, so a form shows
the same on any viewer without fonts installed (ReportLab embeds TrueType outlines only). The
font is a GB 2312 subset of Noto Sans CJK SC (`core/fonts/README.md`); a deployment that prints
rarer characters points `COMMUNITYGATE["PDF_FONT"]` at a full CJK font.

A character the font lacks is never dropped silently (fpdf2 would leave it out with only a log
line — in a name on a signed agreement that changes who signed): it prints as 〓, the
typesetter's mark for a missing character, and `ChineseDocument.missing_characters_note()`
prints a note naming each one by its code point, so it can be written in by hand.
"""

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF

DEFAULT_FONT = Path(__file__).parent / "fonts" / "CommunityGateSansSC-GB2312.otf"
FONT_FAMILY = "cg-sans"
MISSING_MARK = "〓"  # 〓 (U+3013, GETA MARK): in the GB 2312 subset itself
AUTHOR = "CommunityGate 社区工作准入与民情服务平台"

# Characters GB 2312 writes with another code point (its em dash is U+2015, its yuan sign the
# full-width U+FFE5): printed as their GB 2312 twin, which looks the same, rather than marked.
GB2312_TWINS = {
    "\u2014": "\u2015",  # — EM DASH → ― HORIZONTAL BAR
    "\u2013": "-",  # – EN DASH
    "\u2212": "\uff0d",  # − MINUS SIGN → － FULLWIDTH HYPHEN-MINUS
    "\u00a5": "\uffe5",  # ¥ → ￥
    "\u00b7": "\u30fb",  # · MIDDLE DOT → ・
    "\u2022": "\u30fb",  # • BULLET → ・
    "\u00a0": " ",  # NO-BREAK SPACE
}

logger = logging.getLogger(__name__)


def font_path() -> Path:
    configured = settings.COMMUNITYGATE.get("PDF_FONT")
    return Path(configured) if configured else DEFAULT_FONT


def chinese_date(value: dt.date | None) -> str:
    """2026年12月1日 (no leading zeros), or — for no date."""
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日"


def yuan_text(value: Decimal | float | int | str | None) -> str:
    """¥1,234.50 元, or — for no amount."""
    if value is None or value == "":
        return "—"
    return f"¥{Decimal(str(value)):,.2f} 元"


# Punctuation that may not begin a line, and that may not end one (GB/T 15834 禁则).
NO_LINE_START = frozenset("，。、；：？！）」』”’》〉】〕…—·,.;:?!)]}%")
NO_LINE_END = frozenset("（「『“‘《〈【〔([{")


class ChineseDocument(FPDF):
    """An A4 FPDF with the Chinese font registered as `FONT_FAMILY` and missing characters
    marked instead of dropped."""

    def __init__(self, *, title: str, **kwargs: Any) -> None:
        super().__init__(format="A4", **kwargs)
        self.set_title(title)
        self.set_author(AUTHOR)
        self.add_font(FONT_FAMILY, fname=str(font_path()))
        self.set_auto_page_break(auto=True, margin=15)
        self._cmap: set[int] = set(getattr(self.fonts[FONT_FAMILY], "cmap", {}))
        self.missing_characters: list[str] = []

    def normalize_text(self, text: str) -> str:
        marked = "".join(self._printable(character) for character in text)
        return super().normalize_text(marked)

    def _printable(self, character: str) -> str:
        if character in "\n\r\t" or ord(character) in self._cmap:
            return character
        twin = GB2312_TWINS.get(character)
        if twin is not None and ord(twin) in self._cmap:
            return twin
        if character not in self.missing_characters:
            self.missing_characters.append(character)
            logger.warning("the PDF font has no glyph for U+%04X", ord(character))
        return MISSING_MARK

    def missing_characters_note(self) -> None:
        """If any character was marked 〓, say which (by code point), at the current place."""
        if not self.missing_characters:
            return
        codes = "、".join(f"U+{ord(character):04X}" for character in self.missing_characters)
        self.set_font(FONT_FAMILY, size=8.5)
        self.set_x(self.l_margin)
        self.multi_cell(
            0,
            5,
            f"注：本文书所用字库缺少 {len(self.missing_characters)} 个字符，以“{MISSING_MARK}”"
            f"代替（Unicode：{codes}），请当场手写补正并由当事人确认。",
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def chinese_lines(self, text: str, width: float) -> list[str]:
        """`text` broken into lines no wider than `width` (in the current font) the way Chinese
        is set: between any two characters, except that no line starts with closing
        punctuation (，。、；：？！）」』”’》〉】 and the like) and none ends with opening
        punctuation — the characters before move down with it (禁则, GB/T 15834); a rule gives
        way only when keeping it would leave a line empty."""
        lines: list[str] = []
        line = ""
        for character in text:
            if not line or self.get_string_width(line + character) <= width:
                line += character
                continue
            kept, carried = line, character
            while len(kept) > 1 and (carried[0] in NO_LINE_START or kept[-1] in NO_LINE_END):
                kept, carried = kept[:-1], kept[-1] + carried
            lines.append(kept)
            line = carried
        if line:
            lines.append(line)
        return lines

    def to_bytes(self) -> bytes:
        return bytes(self.output())
