"""The auditor's pages: the workspace's counts and links, the anomalies with their filters, the
XLSX read back, the nav entry, and the query counts that do not grow with the rows."""

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from communitygate.core.tabular import read_rows
from communitygate.funding.tests.support import COMMUNITY, OTHER, SIBLING, Y2025, paid
from communitygate.testing import World, signed_in

from .support import published_funded, sent

pytestmark = pytest.mark.django_db


def auditor(world: World) -> Client:
    return signed_in(world.user("auditor"))


def test_the_workspace_counts_each_kind_and_links_the_money_and_the_log(world: World) -> None:
    published_funded(world)
    sent(world)
    page = auditor(world).get("/audit/workspace/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kind="unfunded_tasks"' in html
    assert "<strong>3</strong>" in html
    assert 'data-testid="not-yet-due-unfunded_tasks"' in html
    for href in (
        "/funding/commitments/",
        "/funding/payments/",
        "/funding/balances/",
        "/contracts/",
    ):
        assert f'href="{href}"' in html
    assert 'href="/audit/"' in html
    assert 'href="/audit/anomalies/?kind=disputed_receipts"' in html


def test_the_nav_shows_the_workspace_to_the_auditor_alone(world: World) -> None:
    assert 'data-testid="nav-auditing"' in auditor(world).get("/").content.decode()
    for person in ("office_officer", "inspector", "department_clerk"):
        html = signed_in(world.user(person)).get("/").content.decode()
        assert 'data-testid="nav-auditing"' not in html, person


def test_the_list_filters_and_links_each_row_to_its_object(world: World) -> None:
    published_funded(world)
    task = sent(world)
    client = auditor(world)
    html = client.get("/audit/anomalies/").content.decode()
    assert html.count('data-kind="unfunded_tasks"') == 3
    assert f'href="/dispatch/tasks/{task.pk}/"' in html
    narrowed = client.get("/audit/anomalies/", {"community": SIBLING}).content.decode()
    assert narrowed.count('data-kind="unfunded_tasks"') == 1
    none = client.get("/audit/anomalies/", {"kind": "disputed_receipts"}).content.decode()
    assert 'data-kind="unfunded_tasks"' not in none


def test_a_filter_that_does_not_read_is_shown_over_no_rows(world: World) -> None:
    published_funded(world)
    sent(world)
    html = auditor(world).get("/audit/anomalies/", {"period": "someday", "item": "NOPE"})
    text = html.content.decode()
    assert 'data-testid="errors-period"' in text and 'data-testid="errors-item"' in text
    assert 'data-kind="unfunded_tasks"' not in text


def test_the_export_reads_back_with_the_filters_applied(world: World) -> None:
    commitment = published_funded(world)
    sent(world)
    paid(world, commitment, community=OTHER, voucher="PZ-9", period=Y2025)
    answer = auditor(world).get("/audit/anomalies/export/", {"kind": "unfunded_tasks"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_rows("anomalies.xlsx", answer.content)
    assert not rows.problems
    header, *body = [cells for _number, cells in rows.rows]
    assert header[0] == "类型代码 Kind code"
    assert sorted(r[8] for r in body) == sorted([COMMUNITY, SIBLING, OTHER])
    assert {r[0] for r in body} == {"unfunded_tasks"}
    assert {r[13] for r in body} == {"10000"}  # the amount at stake, a number
    assert all("F-001" in r[19] and "F-001" in r[20] for r in body)
    bad = auditor(world).get("/audit/anomalies/export/", {"kind": "nonsense"})
    assert bad.status_code == 422


def test_the_pages_cost_the_same_queries_for_more_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    published_funded(world)
    sent(world, communities=(COMMUNITY,))
    client = auditor(world)
    client.get("/audit/anomalies/")  # warm the session
    with django_assert_max_num_queries(20) as few:
        client.get("/audit/anomalies/")
    for day in (2, 3, 4):
        sent(world, starts_on=dt.date(2026, 12, day))
    with django_assert_max_num_queries(len(few)):
        assert client.get("/audit/anomalies/").status_code == 200
    with django_assert_max_num_queries(len(few)):
        assert client.get("/audit/workspace/").status_code == 200


def test_the_pages_speak_chinese_and_english(world: World) -> None:
    published_funded(world)
    sent(world, communities=(COMMUNITY,))
    client = auditor(world)
    chinese = client.get("/audit/anomalies/").content.decode()
    assert (
        "异常清单" in chinese
        and "委托任务无拨付" in chinese
        and "该期间没有任何拨付记录" in chinese
    )
    hub = client.get("/audit/workspace/").content.decode()
    assert "异常分类统计" in hub and "其中1条尚未到期" in hub
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/audit/anomalies/").content.decode()
    assert "Delegated tasks with no payment" in english and "no payment settles" in english
