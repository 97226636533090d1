"""The pages and the API of what communities receive, for a signed-in person: the numbers the
tables show are the readers' numbers, the drill-down links lead down a level and to the tasks
behind a figure, the exports download, and the API answers its shapes (401 signed out)."""

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from communitygate.core import clock
from communitygate.insights.tests.received_data import build, make_items
from communitygate.testing import World, signed_in

PINNED = dt.datetime(2026, 5, 15, 2, tzinfo=dt.UTC)


@pytest.fixture
def dispatched(world: World) -> World:
    clock.pin(PINNED)
    items = make_items(world)
    build(
        world,
        items,
        {
            "tasks": [
                {
                    "department": n % 2,
                    "item": (n % 4) if n % 3 else None,
                    "day": 15 + 9 * n,
                    "minute": 0,
                    "admitted": bool(n % 3),
                    "assignments": [(0, "received", 5), (2, "refused", 10)],
                }
                for n in range(12)
            ],
            "reports": [(0, 0, 40), (1, None, 70)],
        },
    )
    return world


@pytest.mark.django_db
def test_the_district_page_drills_down_to_the_tasks(
    dispatched: World, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(dispatched.user("community_worker"))
    with django_assert_max_num_queries(25):
        page = client.get("/burden/received/?period=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="month-2026-03"' in html
    assert 'data-testid="freshness">数据截至' in html
    assert 'class="chart-source"' in html
    assert "?period=2026&amp;subdistrict=370203031" in html
    subdistrict = client.get("/burden/received/?period=2026&subdistrict=370203031")
    assert subdistrict.status_code == 200
    assert 'data-testid="row-370203031001"' in subdistrict.content.decode()
    community = client.get("/burden/received/?period=2026&community=370203031001")
    assert 'data-testid="row-DEPT-MZ"' in community.content.decode()
    tasks = client.get("/burden/received/tasks/?period=2026&community=370203014001&figure=refused")
    assert tasks.status_code == 200
    # 370203014001 refused all twelve tasks; each reached community_worker's community too.
    assert (tasks.context["behind"].total, tasks.context["behind"].visible) == (12, 12)
    # DEPT-WJ's clerk sees the figure, but the rows of its own six tasks only.
    other = signed_in(dispatched.user("department_clerk_other")).get(
        "/burden/received/tasks/?period=2026&community=370203014001&figure=refused"
    )
    assert (other.context["behind"].total, other.context["behind"].visible) == (12, 6)
    assert {t.department.code for t, _n in other.context["rows"]} == {"DEPT-WJ"}
    office = signed_in(dispatched.user("office_admin")).get(
        "/burden/received/tasks/?period=2026&community=370203014001&figure=refused"
    )
    behind = office.context["behind"]
    assert behind.total == behind.visible == len(office.context["rows"]) > 0


@pytest.mark.django_db
def test_the_departments_and_ranking_pages(dispatched: World) -> None:
    client = signed_in(dispatched.user("department_clerk_other"))
    departments = client.get("/burden/received/departments/?period=2026")
    assert departments.status_code == 200
    html = departments.content.decode()
    for testid in ("table-departments", "table-domains", "table-classes", "row-none"):
        assert testid in html
    ranking = client.get("/burden/received/ranking/?period=2026-Q1&months=6")
    assert ranking.status_code == 200
    assert len(ranking.context["trend"]) == 6
    assert "table-unadmitted" in ranking.content.decode()


@pytest.mark.django_db
def test_bad_filters_are_the_error_page(dispatched: World) -> None:
    client = signed_in(dispatched.user("community_worker"), raise_request_exception=False)
    assert client.get("/burden/received/?period=2026-13").status_code == 422
    assert client.get("/burden/received/?subdistrict=NOPE").status_code == 404
    assert client.get("/burden/received/ranking/?months=99").status_code == 422
    assert client.get("/burden/received/tasks/?figure=all").status_code == 422
    assert client.get("/burden/received/export/nothing.xlsx").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
@pytest.mark.parametrize(
    "table",
    [
        "months",
        "subdistricts",
        "communities",
        "departments",
        "domains",
        "classes",
        "ranking",
        "unadmitted",
        "trend",
    ],
)
def test_every_table_exports(dispatched: World, table: str, fmt: str) -> None:
    response = signed_in(dispatched.user("auditor")).get(
        f"/burden/received/export/{table}.{fmt}?period=2026"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="received-{table}-2026.{fmt}"'
    )
    if fmt == "pdf":
        assert response["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert "数据截至" in text.replace("\x00", "")
        return
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.max_row >= 2
    assert any(row[0] == "数据截至" for row in sheet.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_months_export_holds_the_pages_numbers(dispatched: World) -> None:
    client = signed_in(dispatched.user("auditor"))
    page = client.get("/burden/received/?period=2026")
    months = {m.month.strftime("%Y-%m"): m.figures for m, _q in page.context["months"]}
    sheet = load_workbook(
        io.BytesIO(client.get("/burden/received/export/months.xlsx?period=2026").content)
    ).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    for month, received, admitted, unadmitted, *_rest in rows[: rows.index((None,) * len(rows[0]))]:
        figures = months[str(month)]
        assert (received, admitted, unadmitted) == (
            figures.received,
            figures.admitted,
            figures.unadmitted,
        )


@pytest.mark.django_db
def test_the_api(dispatched: World, django_assert_max_num_queries: Any) -> None:
    client = signed_in(dispatched.user("committee_member"))
    with django_assert_max_num_queries(20):
        communities = client.get("/api/v1/burden/communities?period=2026&subdistrict=370203031")
    assert communities.status_code == 200
    body = communities.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["code"] == "370203031001"
    assert first["figures"]["received"] == 12
    assert first["figures"]["admitted_hours"].count(".") == 1
    departments = client.get("/api/v1/burden/departments?period=2026").json()
    assert {i["code"] for i in departments["items"]} >= {"DEPT-MZ", "DEPT-WJ"}
    unadmitted = [i["figures"]["unadmitted"] for i in departments["items"]]
    assert unadmitted == sorted(unadmitted, reverse=True)
    trend = client.get("/api/v1/burden/trend?months=3").json()
    assert [i["month"] for i in trend["items"]] == ["2026-03", "2026-04", "2026-05"]
    bad = client.get("/api/v1/burden/trend?months=0")
    assert bad.status_code == 422
    assert set(bad.json()) >= {"code", "message"}
    assert client.get("/api/v1/burden/communities?subdistrict=NOPE").status_code == 404
    assert client.get("/api/v1/burden/departments?period=x").status_code == 422


@pytest.mark.django_db
def test_signed_out_is_sent_to_sign_in_and_the_api_answers_401(dispatched: World) -> None:
    anonymous = signed_in(None)
    assert anonymous.get("/burden/received/").status_code == 302
    assert anonymous.get("/burden/received/export/months.pdf").status_code == 302
    # The communities' answer carries their staff and capacity (the ranking's): signed in only.
    response = anonymous.get("/api/v1/burden/communities")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
