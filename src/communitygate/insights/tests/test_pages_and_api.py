"""The dashboard's pages, exports and API: who may open what, the table holding the figures
(the chart's numbers are the table's data attributes), the freshness line, the bilingual
refusal of an edition id that is no edition's (page 422, API 422 `unknown_edition`), query
counts that do not grow with the catalog, the exports read back, and the public page naming
nobody."""

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from communitygate.catalog.models import ItemClasses
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.insights.summary import edition_summary
from communitygate.testing import World, make_item, signed_in

from .support import random_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editions(world: World) -> list[Any]:
    return [edition for edition, _expected in random_catalog(world, 7, editions=2)]


def cell_numbers(html: str, figure: str) -> tuple[str, str]:
    row = re.search(rf'<tr data-testid="figure-{figure}"[^>]*>(.*?)</tr>', html, re.S)
    assert row is not None, figure
    before = re.search(r'data-testid="before">([^<]*)<', row.group(1))
    after = re.search(r'data-testid="after">([^<]*)<', row.group(1))
    assert before and after
    return before.group(1), after.group(1)


def test_the_dashboard_is_for_everyone_signed_in(world: World, two_editions: list[Any]) -> None:
    assert Client().get("/burden/").status_code == 302  # to sign in
    for person in ("no_role", "community_worker", "department_clerk", "office_officer"):
        response = signed_in(world.user(person)).get("/burden/")
        assert response.status_code == 200
        assert 'data-testid="before-after-table"' in response.content.decode()


def test_the_table_holds_the_figures_and_the_chart_reads_them(
    world: World, two_editions: list[Any]
) -> None:
    first, latest = two_editions
    html = Client().get("/burden/public/").content.decode()
    old, new = edition_summary(first), edition_summary(latest)
    assert cell_numbers(html, "plaques") == (str(old.plaques), str(new.plaques))
    assert cell_numbers(html, "ledgers") == (str(old.ledgers), str(new.ledgers))
    assert cell_numbers(html, "items") == (str(old.items), str(new.items))
    assert cell_numbers(html, "hours") == (f"{old.hours:,}", f"{new.hours:,}")
    assert re.search(
        rf'data-figure="hours"[^>]*data-before="{old.hours}" data-after="{new.hours}"', html
    )
    assert 'data-chart-for="before-after-table"' in html
    assert "Figures as of" in html or "数据截至" in html
    # The chart is drawn from the site's own files; no inline script (CSP: script-src 'self').
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attributes for attributes in scripts)


def test_the_public_page_names_nobody(world: World, two_editions: list[Any]) -> None:
    html = Client().get("/burden/public/").content.decode()
    for user in User.objects.all():
        assert user.get_username() not in html
        for name in (user.first_name, user.last_name, user.email):
            assert not name or name not in html
    assert "signed-in-as" not in html


def test_editions_picked_by_id(world: World, two_editions: list[Any]) -> None:
    first, latest = two_editions
    html = Client().get(f"/burden/public/?before={latest.pk}&after={first.pk}").content.decode()
    old, new = edition_summary(latest), edition_summary(first)
    assert cell_numbers(html, "items") == (str(old.items), str(new.items))
    assert (
        f'href="/burden/public/before-after.xlsx?before={latest.pk}&amp;after={first.pk}"' in html
    )


@pytest.mark.parametrize("query", ["before=424242", "after=abc", "before=1&after=-5"])
def test_an_unknown_edition_is_a_422_in_the_pages_language(
    world: World, two_editions: list[Any], query: str
) -> None:
    for path in ("/burden/public/", "/burden/"):
        response = signed_in(world.user("no_role")).get(f"{path}?{query}")
        assert response.status_code == 422
        html = response.content.decode()
        assert "没有编号为" in html and "There is no catalog edition" not in html
        assert 'data-testid="before-after-table"' not in html
    for path in ("/burden/public/before-after.xlsx", "/burden/public/before-after.pdf"):
        assert Client().get(f"{path}?{query}").status_code == 422
    body = Client().get(f"/api/v1/burden/summary?{query}").json()
    assert body["code"] == "unknown_edition"
    assert "目录版本" in body["message"] and "catalog edition" in body["message"]
    assert body["problems"][0]["column"] in {"before", "after"}


def test_nothing_published_yet(world: World) -> None:
    html = Client().get("/burden/public/").content.decode()
    assert 'data-testid="no-edition"' in html
    assert Client().get("/api/v1/burden/summary").status_code == 404
    assert Client().get("/burden/public/before-after.xlsx").status_code == 404


def test_the_pages_query_count_does_not_grow_with_the_catalog(
    world: World, django_assert_max_num_queries: Any
) -> None:
    random_catalog(world, 8, editions=2)
    client = signed_in(world.user("community_worker"))
    with django_assert_max_num_queries(20) as small:
        client.get("/burden/")
    for n in range(40):
        make_item(world, f"MORE-{n:02d}", item_class=ItemClasses.EVALUATION)
    catalog_publish(actor=world.user("office_officer"), title="更多")
    with django_assert_max_num_queries(20) as large:
        client.get("/burden/")
    assert len(large.captured_queries) == len(small.captured_queries)
    public = Client()
    with django_assert_max_num_queries(6):
        public.get("/burden/public/")
    with django_assert_max_num_queries(4):
        public.get("/api/v1/burden/summary")


def test_the_api_answers_both_editions(world: World, two_editions: list[Any]) -> None:
    first, latest = two_editions
    body = Client().get("/api/v1/burden/summary").json()
    assert set(body) == {"before", "after", "counted_at"}
    for side, edition in (("before", first), ("after", latest)):
        summary = edition_summary(edition)
        assert body[side] == {
            "edition": {
                "id": edition.pk,
                "number": edition.number,
                "title": edition.title,
                "published_at": edition.published_at.isoformat(),
            },
            "items": summary.items,
            "by_class": summary.by_class,
            "plaques": summary.plaques,
            "ledgers": summary.ledgers,
            "hours": f"{summary.hours}",
        }
        assert re.fullmatch(r"\d+\.\d", body[side]["hours"])
    swapped = Client().get(f"/api/v1/burden/summary?before={latest.pk}&after={first.pk}").json()
    assert swapped["before"]["edition"]["id"] == latest.pk


def test_the_exports_hold_the_figures(world: World) -> None:
    make_item(world, "X-1", estimated_hours=Decimal("120.5"))
    make_item(world, "X-2", item_class=ItemClasses.EVALUATION, estimated_hours=Decimal("8"))
    first = catalog_publish(actor=world.user("office_officer"), title="第一版")
    make_item(world, "X-3", estimated_hours=Decimal("1000"))
    latest = catalog_publish(actor=world.user("office_officer"), title="第二版")
    client = Client()
    response = client.get("/burden/public/before-after.xlsx")
    assert response["Content-Disposition"] == (
        f'attachment; filename="burden-{first.number}-{latest.number}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["目录事项"] == (2, 3, 1, 50)  # numbers stay numbers; per cent as a number
    assert rows["社区每年预计工时"] == (128.5, 1128.5, 1000, 778.2)
    assert rows["创建评比事项"] == (1, 1, 0, 0)
    assert rows["委托办理事项"] == (0, 0, 0, None)  # no per cent of nothing
    response = client.get("/burden/public/before-after.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))
    assert "社区每年预计工时128.51,128.5+1,000.0+778.2%" in text
    assert "第一版" in text and "第二版" in text and "数据截至" in text


def test_the_dashboard_shows_what_communities_received_this_year_and_last_month(
    world: World,
) -> None:
    """The home's received section counts the same assignments as the received pages: one task
    sent to two communities this month is two received this year, none last month."""
    clock.pin(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    task_send(
        actor=world.user("department_clerk"),
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code=None,
            title="临时统计",
            task_type="report",
            starts_on=dt.date(2026, 11, 25),
            due_on=dt.date(2026, 11, 30),
            targets=Targets("communities", ("370203031001", "370203031002")),
        ),
    )
    page = signed_in(world.user("community_secretary")).get("/burden/")
    assert page.status_code == 200
    html = page.content.decode()
    year = html[html.index('data-testid="received-1"') : html.index('data-testid="received-2"')]
    month = html[html.index('data-testid="received-2"') :]
    assert 'figure=received">2<' in year and 'figure=unadmitted">2<' in year
    assert 'figure=received">0<' in month
    assert "period=2026-10" in month
