"""Odd input on the matters' side answers 4xx or a form error in Chinese and English, never a
500: dates outside 2000-01-01..2100-12-31 or an end before the start (the list, the export, the
API, the rates), and NUL characters, which PostgreSQL refuses, in every text parameter (refused at
the edge of the request, `core.inputs`)."""

import datetime as dt
from typing import Any

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import InvalidInput
from communitygate.matters.models import Matter, MatterStatuses
from communitygate.matters.selectors.matters import MatterFilters, matter_list, matter_rates
from communitygate.matters.services.matters import matter_receive
from communitygate.matters.tests.test_matters_services import intake
from communitygate.orgs.models import Organisation
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

LIST = "/residents/matters/"
API = "/api/v1/matters"


def received(world: World) -> Matter:
    return matter_receive(actor=world.user("community_worker"), intake=intake())


def assert_problem(answer: Any, field: str) -> None:
    body = answer.json()
    assert answer.status_code == 422, body
    assert body["code"] == "invalid_input"
    (problem,) = [p for p in body["problems"] if p["column"] == field]
    assert problem["message_zh"] and problem["message_en"]


# Dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("received_to=9999-12-31", "received_to"),
        ("received_from=0001-01-01", "received_from"),
        ("received_from=1999-12-31", "received_from"),
        ("received_to=2101-01-01", "received_to"),
        ("received_from=2025-09-10&received_to=2025-09-01", "received_to"),
    ],
)
def test_the_list_shows_a_date_error_instead_of_failing(
    world: World, query: str, field: str
) -> None:
    received(world)
    response = signed_in(world.user("community_worker")).get(f"{LIST}?{query}")
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any("2000-01-01" in e or "结束日期早于开始日期" in e for e in errors), errors
    assert not any(" / " in e or "date" in e for e in errors), "the message is in Chinese only"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("received_to=9999-12-31", "received_to"),
        ("received_from=0001-01-01", "received_from"),
        ("received_from=2025-09-10&received_to=2025-09-01", "received_to"),
    ],
)
def test_the_api_answers_422_for_dates_out_of_range(world: World, query: str, field: str) -> None:
    assert_problem(signed_in(world.user("community_worker")).get(f"{API}?{query}"), field)


def test_the_bounds_themselves_are_accepted(world: World) -> None:
    received(world)
    client = signed_in(world.user("community_worker"))
    query = "received_from=2000-01-01&received_to=2100-12-31"
    assert client.get(f"{API}?{query}").json()["count"] == 1
    assert client.get(f"{LIST}?{query}").context["count"] == 1


def test_the_export_refuses_bad_dates_rather_than_export_everything(world: World) -> None:
    received(world)
    response = signed_in(world.user("community_worker")).get(
        f"{LIST}export.xlsx?received_to=9999-12-31"
    )
    assert response.status_code == 400
    assert "2100-12-31" in response.content.decode()
    assert not AuditEvent.objects.filter(action="matter.export").exists()


def test_the_selectors_refuse_days_out_of_range(world: World) -> None:
    worker = world.user("community_worker")
    with pytest.raises(InvalidInput):
        list(matter_list(worker, MatterFilters(received_to=dt.date(9999, 12, 31))))
    with pytest.raises(InvalidInput):
        list(matter_list(worker, MatterFilters(received_from=dt.date(1, 1, 1))))
    communities = Organisation.objects.filter(code="370203031001")
    with pytest.raises(InvalidInput):
        matter_rates(communities=communities, start=dt.date(2025, 1, 1), end=dt.date(9999, 12, 31))
    with pytest.raises(InvalidInput):
        matter_rates(communities=communities, start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-01-01&end=9999-12-31", "end"),
        ("start=0001-01-01&end=2025-01-01", "start"),
        ("start=2025-09-30&end=2025-09-01", "end"),
    ],
)
def test_the_api_rates_answer_422_for_a_bad_period(world: World, query: str, field: str) -> None:
    assert_problem(signed_in(world.user("office_officer")).get(f"{API}/rates?{query}"), field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=custom&start=2025-01-01&end=9999-12-31", "end"),
        ("period=custom&start=0001-01-01&end=2025-01-01", "start"),
        ("period=custom&start=2025-09-30&end=2025-09-01", "end"),
    ],
)
def test_the_rates_page_shows_a_period_error(world: World, query: str, field: str) -> None:
    response = signed_in(world.user("office_officer")).get(f"/residents/rates/?{query}")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'data-testid="period-errors"' in response.content.decode()


# NUL characters ----------------------------------------------------------------------------------
# Refused before any view by `core.inputs.ControlCharactersMiddleware` (core/tests/test_inputs.py
# covers its shapes); here: every matters entry point, and nothing is written.


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("text=%00", "text"),
        ("assignee=a%00", "assignee"),
        ("community=%00", "community"),
        ("category=%00", "category"),
        ("status=%00", "status"),
    ],
)
def test_nul_in_the_list_filters_answers_400_naming_it(
    world: World, query: str, field: str
) -> None:
    client = signed_in(world.user("community_worker"))
    for path in (LIST, f"{LIST}export.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert f"“{field}”" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "assignee=a%00", "community=%00", "category=%00"])
def test_nul_in_the_api_filters_answers_422(world: World, query: str) -> None:
    response = signed_in(world.user("community_worker")).get(f"{API}?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == query.split("=")[0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("find=张&find_community=%00", "find_community"),
        ("find=%00", "find"),
        ("find=张%00", "find"),
    ],
)
def test_nul_in_the_intake_search_answers_400(world: World, query: str, field: str) -> None:
    response = signed_in(world.user("community_worker")).get(f"{LIST}new/?{query}")
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (
            "new/find/",
            {"find_community": "370203031001", "find": "张", "find_phone": "138\x0000001111"},
            "find_phone",
        ),
        (
            "new/",
            {
                "community": "370203031001",
                "channel": "visit",
                "category": "repair",
                "summary": "电梯\x00停运",
                "form_token": "nul-1",
            },
            "summary",
        ),
    ],
)
def test_nul_in_the_intake_answers_400_and_files_nothing(
    world: World, path: str, data: dict[str, str], field: str
) -> None:
    response = signed_in(world.user("community_worker")).post(f"{LIST}{path}", data)
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()
    assert not Matter.objects.exists()


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("assign", {"assignee": "community_secretary\x00"}),
        ("answer", {"answer": "已\x00处理"}),
    ],
)
def test_nul_in_a_step_answers_400_and_changes_nothing(world: World, step: str, data: dict) -> None:
    matter = received(world)
    response = signed_in(world.user("community_worker")).post(f"{LIST}{matter.pk}/{step}/", data)
    assert response.status_code == 400
    matter.refresh_from_db()
    assert matter.status == MatterStatuses.RECEIVED


def test_nul_in_the_api_intake_answers_422(world: World) -> None:
    answer = signed_in(world.user("community_worker")).post(
        API,
        {"category": "repair\x00", "summary": "电梯停运"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "category"
    assert not Matter.objects.exists()


# Offsets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", ["99999999999999999999", str(10**30), "-3", "x", ""])
def test_an_odd_offset_on_the_list_is_a_page_not_an_error(world: World, offset: str) -> None:
    """An offset beyond what a database takes (64 bits) used to be a 500 here."""
    received(world)
    response = signed_in(world.user("community_worker")).get(f"{LIST}?offset={offset}")
    assert response.status_code == 200
    assert response.context["offset"] in (0, 1_000_000_000)


def test_an_offset_beyond_the_matters_shows_the_way_back(world: World) -> None:
    received(world)
    response = signed_in(world.user("community_worker")).get(f"{LIST}?offset={10**30}")
    assert response.context["rows"] == []
    assert response.context["previous_offset"] == 1_000_000_000 - 50
    assert response.context["next_offset"] is None
