"""The received figures' charts, files and public version: every chart-source table has its
chart holder (aria-hidden, drawn by the site's own script) and names columns the table holds,
whose numbers are the readers'; no inline script or style; each table's PDF holds the numbers
of its workbook (both written from one Sheet); the public page and its files and API answer
anyone, with no task, no title and no person; query counts that do not grow with the data."""

import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.dispatch.models import Task
from communitygate.insights import received
from communitygate.insights.tests.received_data import build, make_items, tasks_spec
from communitygate.testing import World, signed_in

PINNED = dt.datetime(2026, 5, 15, 2, tzinfo=dt.UTC)
TABLES = [
    "months",
    "subdistricts",
    "communities",
    "departments",
    "domains",
    "classes",
    "ranking",
    "unadmitted",
    "trend",
]
PUBLIC_TABLES = ["months", "subdistricts", "communities", "departments", "trend"]


@pytest.fixture
def dispatched(world: World) -> World:
    clock.pin(PINNED)
    build(world, make_items(world), tasks_spec(12))
    return world


class Tables(HTMLParser):
    """The page's tables: for each id, its attributes, the column keys (th data-series-key) and
    the body rows as (row header, [cell texts]); and the chart holders by the table they name."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, Any]] = {}
        self.holders: dict[str, dict[str, str | None]] = {}
        self.inline_scripts = 0
        self.styled = 0
        self._table: dict[str, Any] | None = None
        self._part = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.styled += 1
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if tag == "figure" and attributes.get("data-chart-for"):
            self.holders[str(attributes["data-chart-for"])] = attributes
        if tag == "table":
            self._table = {"attrs": attributes, "keys": [], "rows": []}
            self.tables[str(attributes.get("id") or len(self.tables))] = self._table
        elif self._table is not None:
            if tag in ("thead", "tbody", "tfoot"):
                self._part = tag
            elif tag == "tr":
                self._row = []
            elif tag in ("th", "td"):
                self._cell = []
                if self._part == "thead":
                    self._table["keys"].append(attributes.get("data-series-key"))

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._part == "tbody" and len(self._row) == len(self._table["keys"]):
                self._table["rows"].append((self._row[0], self._row[1:]))
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parsed(html: str) -> Tables:
    tables = Tables()
    tables.feed(html)
    return tables


def series_of(table: dict[str, Any]) -> dict[str, list[Decimal]]:
    """What charts.js draws: each data-series column's numbers, row by row."""
    keys = table["attrs"]["data-series"].split(",")
    columns = {key: table["keys"].index(key) for key in keys}
    return {
        key: [Decimal(cells[column - 1].replace(",", "")) for _label, cells in table["rows"]]
        for key, column in columns.items()
    }


def check_charts(html: str) -> Tables:
    tables = parsed(html)
    charted = {
        name: t
        for name, t in tables.tables.items()
        if "chart-source" in (t["attrs"].get("class") or "")
    }
    assert charted
    for name, table in charted.items():
        holder = tables.holders[name]
        assert holder["aria-hidden"] == "true" and "hidden" in holder
        assert table["attrs"]["data-chart"] in {"bar", "line"}
        assert set(table["attrs"]["data-series"].split(",")) <= set(table["keys"]), name
        series_of(table)  # every charted cell is a number
    assert tables.inline_scripts == 0
    assert tables.styled == 0
    scripts = re.findall(r"<script([^>]*)>", html)
    assert any("insights/vendor/echarts/echarts.min.js" in s for s in scripts)
    assert any("insights/charts.js" in s for s in scripts)
    return tables


@pytest.mark.django_db
def test_every_received_page_charts_its_tables_from_their_numbers(dispatched: World) -> None:
    client = signed_in(dispatched.user("community_worker"))
    today = clock.today()
    filters = received.filters_from(parse_period("2026", today=today))
    district = check_charts(client.get("/burden/received/?period=2026").content.decode())
    months = series_of(district.tables["received-months"])
    by_month = received.by_month(filters, today)
    assert months["received"] == [m.figures.received for m in by_month]
    assert months["admitted"] == [m.figures.admitted for m in by_month]
    assert months["unadmitted"] == [m.figures.unadmitted for m in by_month]
    subdistricts = series_of(district.tables["received-subdistricts"])
    assert subdistricts["received"] == [
        r.figures.received for r in received.per_subdistrict(filters, today)
    ]
    departments = check_charts(
        client.get("/burden/received/departments/?period=2026").content.decode()
    )
    assert {"received-departments", "received-domains", "received-classes"} <= set(
        departments.holders
    )
    ranking = check_charts(client.get("/burden/received/ranking/?period=2026").content.decode())
    loads = received.community_load_rows(filters, today)
    assert series_of(ranking.tables["received-ranking"])["ratio"] == [r.ratio for r in loads]
    trend = series_of(ranking.tables["received-trend"])
    assert trend["over_capacity"] == [r.over_capacity for r in received.trend(12, today)]


def pdf_text(content: bytes) -> str:
    """A PDF's text as printed: pypdf's NULs between the glyphs left out, and the GB 2312 twins
    the font prints for — and − (core.pdf.GB2312_TWINS) read back as those."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\x00", "").replace("\u2015", "—").replace("\uff0d", "−")


def pdf_rows(content: bytes) -> list[list[str]]:
    """The PDF's lines as the cells printed on them: every piece of text by its place on the
    page (a table cell is one piece), grouped by line and read left to right."""
    rows: list[list[str]] = []
    pieces: list[tuple[float, float, str]] = []

    def keep(text: str, cm: list[float], tm: list[float], *_font: object) -> None:
        text = text.replace("\x00", "").strip()
        if text:
            pieces.append((-round(tm[5] + cm[5], 1), tm[4] + cm[4], text))

    for page in PdfReader(io.BytesIO(content)).pages:
        pieces.clear()
        page.extract_text(visitor_text=keep)
        lines: dict[float, list[tuple[float, str]]] = {}
        for y, x, text in pieces:
            lines.setdefault(y, []).append((x, text))
        rows += [[text for _x, text in sorted(cells)] for _y, cells in sorted(lines.items())]
    return [[cell.replace("\u2015", "—").replace("\uff0d", "−") for cell in row] for row in rows]


def same_cell(printed: str, cell: object) -> bool:
    """A workbook's cell and the PDF's: the same text, the same number (1,234.5 or −3 printed),
    or none (— printed)."""
    if cell is None or cell == "":
        return printed == "—"
    if isinstance(cell, str):
        return printed == cell
    return Decimal(printed.replace(",", "").replace("−", "-")) == Decimal(str(cell))


def check_pair(workbook: Any, pdf: Any) -> None:
    assert workbook.status_code == pdf.status_code == 200
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    blank = rows.index((None,) * len(rows[0]))
    data, about = rows[1:blank], rows[blank + 1 :]
    assert data, "no rows to compare"
    printed = pdf_rows(pdf.content)
    flat = "".join("".join(line) for line in printed).replace(" ", "")
    for label, value in (row[:2] for row in about):
        assert f"{label}：{value}".replace(" ", "") in flat, label
    assert any(label == "数据截至" for label, *_rest in about)
    for row in data:
        line = next(line for line in printed if line[0] == row[0])
        assert len(line) == len(row), (row, line)
        assert all(same_cell(text, cell) for text, cell in zip(line, row, strict=True)), (row, line)


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_each_tables_pdf_holds_its_workbooks_numbers(dispatched: World, table: str) -> None:
    """The PDF, read back, holds the workbook's rows number for number, and both say the
    period and when the figures were computed."""
    client = signed_in(dispatched.user("auditor"))
    base, query = f"/burden/received/export/{table}", "?period=2026-H1&months=6"
    check_pair(client.get(f"{base}.xlsx{query}"), client.get(f"{base}.pdf{query}"))


@pytest.mark.django_db
def test_a_filtered_pdf_names_its_filters(dispatched: World) -> None:
    client = signed_in(dispatched.user("auditor"))
    base, query = "/burden/received/export/departments", "?period=2026&community=370203031001"
    check_pair(client.get(f"{base}.xlsx{query}"), client.get(f"{base}.pdf{query}"))
    text = pdf_text(client.get(f"{base}.pdf{query}").content)
    assert "社区：" in text and "统计期间" in text
    trend = pdf_text(client.get("/burden/received/export/trend.pdf?months=6").content)
    assert "月数：6" in trend and "数据截至" in trend


# The public version ---------------------------------------------------------------------------


def person_texts() -> set[str]:
    texts = set()
    for user in User.objects.all():
        texts |= {user.get_username(), user.first_name, user.last_name, user.email}
    return {text for text in texts if text}


def readable(response: Any) -> str:
    body = response.content
    if body.startswith(b"%PDF"):
        return pdf_text(body)
    if body.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(body)).active
        return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    return body.decode()


@pytest.mark.django_db
def test_the_public_version_answers_anyone_with_aggregates_only(dispatched: World) -> None:
    anonymous = Client()
    page = anonymous.get("/burden/public/received/?period=2026")
    assert page.status_code == 200
    html = page.content.decode()
    tables = check_charts(html)
    assert {
        "received-months",
        "received-subdistricts",
        "received-departments",
        "received-trend",
    } <= set(tables.holders)
    today = clock.today()
    filters = received.filters_from(parse_period("2026", today=today))
    assert series_of(tables.tables["received-months"])["received"] == [
        m.figures.received for m in received.by_month(filters, today)
    ]
    assert 'data-testid="freshness">数据截至' in html
    # No way to the tasks, no task's title, no person.
    assert "/burden/received/" not in html and "/dispatch/" not in html
    titles = set(Task.objects.values_list("title", flat=True))
    assert titles
    responses = [page, anonymous.get("/burden/public/received/?period=2026&subdistrict=370203031")]
    responses += [
        anonymous.get(f"/burden/public/received/export/{table}.{fmt}?period=2026&months=6")
        for table in PUBLIC_TABLES
        for fmt in ("xlsx", "pdf")
    ]
    responses += [
        anonymous.get("/api/v1/burden/district?period=2026"),
        anonymous.get("/api/v1/burden/district?period=2026&subdistrict=370203031"),
        anonymous.get("/api/v1/burden/departments?period=2026"),
        anonymous.get("/api/v1/burden/trend?months=6"),
    ]
    people = person_texts()
    for response in responses:
        assert response.status_code == 200, response
        text = readable(response)
        assert not [title for title in titles if title in text]
        assert not [
            name for name in people if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text)
        ]
        assert "signed-in-as" not in text
    # The subdistrict's page lists its communities and goes back to the district.
    sub = responses[1].content.decode()
    assert 'data-testid="row-370203031001"' in sub and 'data-testid="back-to-district"' in sub


@pytest.mark.django_db
def test_the_public_version_refuses_what_it_does_not_publish(dispatched: World) -> None:
    anonymous = Client(raise_request_exception=False)
    for table in ("ranking", "domains", "classes", "unadmitted"):
        assert anonymous.get(f"/burden/public/received/export/{table}.pdf").status_code == 404
    assert anonymous.get("/burden/public/received/?period=2026-13").status_code == 422
    assert anonymous.get("/burden/public/received/?subdistrict=NOPE").status_code == 404
    assert anonymous.get("/api/v1/burden/district?subdistrict=NOPE").status_code == 404
    bad = anonymous.get("/api/v1/burden/district?period=x")
    assert bad.status_code == 422 and bad.json()["problems"]
    assert anonymous.get("/api/v1/burden/communities").status_code == 401
    # The public before-and-after page links the public received figures.
    assert 'href="/burden/public/received/"' in anonymous.get("/burden/public/").content.decode()


@pytest.mark.django_db
def test_the_district_api(dispatched: World) -> None:
    body = Client().get("/api/v1/burden/district?period=2026").json()
    assert set(body) == {"period", "computed_at", "subdistrict", "total", "months", "places"}
    assert body["subdistrict"] is None
    assert [m["month"] for m in body["months"]][:5] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert sum(m["figures"]["received"] for m in body["months"]) == body["total"]["received"]
    assert sum(p["figures"]["received"] for p in body["places"]) == body["total"]["received"]
    sub = Client().get("/api/v1/burden/district?period=2026&subdistrict=370203031").json()
    assert sub["subdistrict"]["code"] == "370203031"
    assert [p["code"] for p in sub["places"]] == ["370203031001", "370203031002"]
    assert sub["subdistrict"]["figures"] == sub["total"]


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(
    world: World, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    clock.pin(PINNED)
    items = make_items(world)
    build(world, items, tasks_spec(4))
    anonymous = Client()
    signed = signed_in(world.user("office_officer"))
    paths = [
        (anonymous, "/burden/public/received/?period=2026"),
        (anonymous, "/burden/public/received/export/trend.pdf?months=12"),
        (anonymous, "/burden/public/received/export/departments.xlsx?period=2026"),
        (anonymous, "/api/v1/burden/district?period=2026"),
        (signed, "/burden/received/export/months.pdf?period=2026"),
        (signed, "/burden/received/ranking/?period=2026"),
    ]
    small = []
    for client, path in paths:
        with django_assert_max_num_queries(40) as counted:
            assert client.get(path).status_code == 200
        small.append(len(counted.captured_queries))
    build(world, items, tasks_spec(60))
    for (client, path), count in zip(paths, small, strict=True):
        with django_assert_num_queries(count):
            assert client.get(path).status_code == 200
