"""Times on pages are labelled with the zone they are shown in (北京时间): one filter,
`|beijing`, a builtin of every template, used wherever a page shows a moment."""

import datetime as dt
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

import communitygate

MOMENT = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing


def render(text: str, **context: object) -> str:
    return Template(text).render(Context(context))


def test_a_moment_is_shown_in_beijing_time_and_says_so() -> None:
    with translation.override("zh-hans"):
        shown = render("{{ t|beijing }}", t=MOMENT)
    assert shown == '<time datetime="2026-12-07T01:30:00+00:00">2026-12-07 09:30（北京时间）</time>'
    with translation.override("en"):
        assert "09:30 (Beijing time)" in render('{{ t|beijing:"H:i" }}', t=MOMENT)


def test_no_moment_a_day_and_a_naive_time() -> None:
    with translation.override("zh-hans"):
        assert render("{{ t|beijing }}", t=None) == "—"
        assert render('{{ t|beijing:"Y-m-d" }}', t=dt.date(2026, 12, 7)) == "2026-12-07"
        assert "09:30（北京时间）" in render("{{ t|beijing }}", t=MOMENT.replace(tzinfo=None))


def test_no_page_formats_a_moment_without_its_zone() -> None:
    """Every template outside the burden dashboard shows moments through `|beijing`."""
    root = Path(communitygate.__file__).parent
    unlabelled = [
        f"{path.relative_to(root)}: {match}"
        for path in root.rglob("*.html")
        if "insights" not in path.parts
        for match in re.findall(r'\|date:"(?:DATETIME_FORMAT|[^"]*H:i[^"]*)"', path.read_text())
    ]
    assert unlabelled == []
