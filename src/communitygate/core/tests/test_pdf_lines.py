"""Chinese line breaking in PDFs (core.pdf.ChineseDocument.chinese_lines): lines break between
any two characters, but no line starts with closing punctuation nor ends with opening
punctuation, and nothing is lost."""

import functools
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from communitygate.core.pdf import FONT_FAMILY, NO_LINE_END, NO_LINE_START, ChineseDocument

WIDTH = 60.0  # millimetres: a narrow column, so that most texts break several times


def document() -> ChineseDocument:
    pdf = ChineseDocument(title="测试")
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, size=13)
    return pdf


def test_a_closing_quote_never_starts_a_line() -> None:
    pdf = document()
    # Find a text whose naive break would put ” at the start of the second line.
    text = ""
    while True:
        text += "社"
        if pdf.get_string_width(text + "”") > WIDTH:
            break
    text += "”牌子已摘除。"
    lines = pdf.chinese_lines(text, WIDTH)
    assert "".join(lines) == text
    assert len(lines) == 2
    assert lines[1].startswith("社”")
    assert all(pdf.get_string_width(line) <= WIDTH for line in lines[:-1])


PIECES = st.sampled_from(
    list("社区工作准入目录部门通报整改") + list(NO_LINE_START) + list(NO_LINE_END)
)


@functools.cache
def shared_document() -> ChineseDocument:
    """One document for every example: chinese_lines only measures text (loading the font for
    each of the 200 examples took most of this test's time)."""
    return document()


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=120).map("".join))
def test_lines_keep_the_text_and_the_rules(text: str) -> None:
    pdf = shared_document()
    lines = pdf.chinese_lines(text, WIDTH)
    assert "".join(lines) == text
    for previous, line in itertools.pairwise(lines):
        # A rule gives way only where keeping it would empty the line before: one character.
        assert line[0] not in NO_LINE_START or len(previous) == 1
        assert previous[-1] not in NO_LINE_END or len(previous) == 1
