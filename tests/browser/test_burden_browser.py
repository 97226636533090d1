"""In a real browser, the burden dashboard's before and after: on a desktop (signed in, through
the navigation) and on a 390-px phone (signed out, from the home page's link) the chart is drawn
by ECharts from the site's own static files — no request leaves the live server, no script is
refused by the Content-Security-Policy — the table beside it holds the same numbers the
summary counts, and the XLSX export downloads with them. The same for the received figures: a
signed-in desktop's received pages and a phone's public version, every chart's series equal to
its table's columns, the XLSX and PDF downloads, no sideways scrolling at 390 px."""

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from communitygate.core import clock
from communitygate.insights.summary import EditionSummary, edition_summary
from communitygate.insights.tests.received_data import build, make_items, tasks_spec
from communitygate.insights.tests.support import random_catalog
from communitygate.testing import build_world

from .pages import PHONE_VIEWPORT, new_page, signed_in_page

pytestmark = [pytest.mark.browser]


@pytest.fixture
def summaries(transactional_db: None) -> tuple[EditionSummary, EditionSummary]:
    world = build_world()
    built = random_catalog(world, 5, editions=2)
    return edition_summary(built[0][0]), edition_summary(built[-1][0])


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Every URL the page requests, and every console error (a CSP refusal is one)."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return requests, errors


def check_before_after(
    page: Page,
    base: str,
    summaries: tuple[EditionSummary, EditionSummary],
    requests: list[str],
    errors: list[str],
) -> None:
    before, after = summaries
    table = page.get_by_test_id("before-after-table")
    for figure, old, new in (
        ("plaques", before.plaques, after.plaques),
        ("ledgers", before.ledgers, after.ledgers),
        ("items", before.items, after.items),
        ("hours", f"{before.hours:,}", f"{after.hours:,}"),
    ):
        row = table.get_by_test_id(f"figure-{figure}")
        expect(row.get_by_test_id("before")).to_have_text(str(old))
        expect(row.get_by_test_id("after")).to_have_text(str(new))
    chart = page.get_by_test_id("before-after-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    # The chart's numbers are the table's (charts.js reads the rows' data attributes).
    drawn: Any = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart-for]'))"
        ".getOption().series.map(s => s.data)"
    )
    assert drawn[0] == [before.plaques, before.ledgers, before.items]
    assert drawn[1] == [float(before.hours)]
    assert drawn[2] == [after.plaques, after.ledgers, after.items]
    assert drawn[3] == [float(after.hours)]
    assert any(url.endswith("/static/insights/vendor/echarts/echarts.min.js") for url in requests)
    outside = [url for url in requests if not url.startswith(base) and not url.startswith("data:")]
    assert not outside, outside
    assert not errors, errors
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
    with page.expect_download() as downloading:
        page.get_by_test_id("export-xlsx").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    rows = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["牌子"] == (before.plaques, after.plaques)
    assert rows["台账"] == (before.ledgers, after.ledgers)


def test_the_dashboard_on_a_desktop(
    live_server: Any, browser: Browser, summaries: tuple[EditionSummary, EditionSummary]
) -> None:
    page = signed_in_page(browser, live_server.url, "community_worker")
    requests, errors = watch(page)
    page.get_by_test_id("nav-burden").click()
    expect(page.locator("h1")).to_have_text("减负看板")
    check_before_after(page, live_server.url, summaries, requests, errors)


def test_the_public_dashboard_on_a_phone(
    live_server: Any, browser: Browser, summaries: tuple[EditionSummary, EditionSummary]
) -> None:
    page = new_page(browser, phone=True)
    requests, errors = watch(page)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-burden-link").click()
    expect(page).to_have_url(f"{live_server.url}/burden/public/")
    assert page.viewport_size == PHONE_VIEWPORT
    check_before_after(page, live_server.url, summaries, requests, errors)


# What communities receive: the charts beside the received tables ------------------------------

RECEIVED_PINNED = dt.datetime(2026, 5, 15, 2, tzinfo=dt.UTC)


@pytest.fixture
def dispatched(transactional_db: None) -> Iterator[None]:
    clock.pin(RECEIVED_PINNED)
    world = build_world()
    build(world, make_items(world), tasks_spec(12))
    yield
    clock.pin(None)


def table_numbers(page: Page, table_id: str) -> dict[str, list[float]]:
    """Each charted column of a table, read from its cells as a person sees them."""
    found: Any = page.evaluate(
        """(id) => {
          const table = document.getElementById(id);
          const heads = Array.from(table.tHead.rows[0].cells);
          const rows = Array.from(table.tBodies[0].rows).filter(
            (row) => row.cells.length === heads.length && row.cells[0].tagName === "TH");
          const out = {};
          for (const key of table.dataset.series.split(",")) {
            const index = heads.findIndex((head) => head.dataset.seriesKey === key);
            out[key] = rows.map((row) => Number(row.cells[index].innerText.replace(/,/g, "")));
          }
          return out;
        }""",
        table_id,
    )
    return found


def chart_numbers(page: Page, table_id: str) -> list[list[float]]:
    drawn: Any = page.evaluate(
        '(id) => echarts.getInstanceByDom(document.querySelector(`[data-chart-for="${id}"]`))'
        ".getOption().series.map(s => s.data)",
        table_id,
    )
    return drawn


def check_received_charts(page: Page, base: str, requests: list[str], errors: list[str]) -> None:
    holders = page.locator("figure.received-chart[data-chart-for]")
    ids = [holders.nth(n).get_attribute("data-chart-for") for n in range(holders.count())]
    assert ids
    for table_id in ids:
        assert table_id is not None
        holder = page.locator(f'[data-chart-for="{table_id}"]')
        expect(holder).to_have_attribute("data-drawn", "1")
        expect(holder.locator("canvas")).to_have_count(1)
        box = holder.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 200
        table = table_numbers(page, table_id)
        assert chart_numbers(page, table_id) == list(table.values()), table_id
    assert any(url.endswith("/static/insights/vendor/echarts/echarts.min.js") for url in requests)
    assert any(url.endswith("/static/insights/charts.js") for url in requests)
    outside = [url for url in requests if not url.startswith(base) and not url.startswith("data:")]
    assert not outside, outside
    assert not errors, errors


def test_the_received_figures_on_a_desktop(
    live_server: Any, browser: Browser, dispatched: None
) -> None:
    page = signed_in_page(browser, live_server.url, "community_worker")
    requests, errors = watch(page)
    page.goto(f"{live_server.url}/burden/")
    page.get_by_test_id("received-link").click()
    page.goto(f"{live_server.url}/burden/received/?period=2026")
    expect(page.get_by_test_id("table-months")).to_be_visible()
    check_received_charts(page, live_server.url, requests, errors)
    months = table_numbers(page, "received-months")
    assert sum(months["received"]) == int(
        page.get_by_test_id("total").locator("td").first.inner_text()
    )
    with page.expect_download() as downloading:
        page.get_by_test_id("export-months").click()
    sheet = load_workbook(io.BytesIO(downloading.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(min_row=2, max_row=1 + len(months["received"]), values_only=True))
    assert [row[1] for row in rows] == months["received"]
    with page.expect_download() as downloading:
        page.get_by_test_id("export-months-pdf").click()
    pdf = downloading.value
    assert pdf.suggested_filename == "received-months-2026.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.path().read_bytes())).pages)
    assert "数据截至" in text.replace("\x00", "")
    page.goto(f"{live_server.url}/burden/received/ranking/?period=2026")
    check_received_charts(page, live_server.url, requests, errors)


def test_the_public_received_figures_on_a_phone(
    live_server: Any, browser: Browser, dispatched: None
) -> None:
    page = new_page(browser, phone=True)
    requests, errors = watch(page)
    page.goto(f"{live_server.url}/burden/public/")
    page.get_by_test_id("public-received-link").click()
    expect(page).to_have_url(f"{live_server.url}/burden/public/received/")
    check_received_charts(page, live_server.url, requests, errors)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The tables scroll in their own box, not the page.
    wide = page.get_by_test_id("table-months")
    assert page.evaluate(
        "(t) => t.parentElement.scrollWidth > t.parentElement.clientWidth", wide.element_handle()
    )
    page.get_by_test_id("row-370203031").get_by_role("link").click()
    expect(page.get_by_test_id("table-communities")).to_be_visible()
    check_received_charts(page, live_server.url, requests, errors)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as downloading:
        page.get_by_test_id("export-communities-pdf").click()
    assert downloading.value.suggested_filename.endswith(".pdf")
