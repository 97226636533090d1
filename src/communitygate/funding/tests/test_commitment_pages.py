"""The commitments' pages: who opens them (overseers all, a paying department its own, others
404), the list's filters, its XLSX export and its query count; a commitment's page with its
renewal chain and balances; the record, renew and end forms through their services (a form
resubmitted answers the first redirect)."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from communitygate.admissions.models import FundingCommitment
from communitygate.core import clock
from communitygate.http.formtokens import new_form_token
from communitygate.testing import World, make_item, signed_in

from .support import COMMUNITY, MONDAY, funded, paid

pytestmark = pytest.mark.django_db

L = "/funding/commitments/"


@pytest.fixture(autouse=True)
def pinned() -> None:
    clock.pin(MONDAY)


@pytest.mark.parametrize(
    "person", ["office_officer", "inspector", "auditor", "department_clerk", "department_head"]
)
def test_overseers_and_payers_open_the_list_and_see_the_nav_link(world: World, person: str) -> None:
    funded(world)
    answer = signed_in(world.user(person)).get(L)
    assert answer.status_code == 200
    assert b'data-testid="nav-funding"' in answer.content
    assert b"F-001" in answer.content


@pytest.mark.parametrize(
    ("person", "reaches_money"),
    [("community_secretary", True), ("subdistrict_officer", False), ("no_role", False)],
)
def test_nobody_else_finds_them(world: World, person: str, reaches_money: bool) -> None:
    """A community's staff reach the money paid to them (the nav link leads to the payments),
    never the commitments."""
    commitment = funded(world)
    client = signed_in(world.user(person))
    assert client.get(L).status_code == 404
    assert client.get(f"{L}{commitment.pk}/").status_code == 404
    home = client.get("/").content
    assert (b'data-testid="nav-funding"' in home) is reaches_money
    assert b'href="/funding/commitments/"' not in home


def test_a_department_sees_its_own_only(world: World) -> None:
    funded(world, code="F-001")
    other = funded(world, code="F-002", payer="department_other")
    client = signed_in(world.user("department_clerk"))
    page = client.get(L).content
    assert b"F-001" in page and b"F-002" not in page
    assert client.get(f"{L}{other.pk}/").status_code == 404


def test_the_list_filters_and_costs_the_same_for_many_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    funded(world, code="F-001")
    client = signed_in(world.user("auditor"))
    client.get(L)
    with django_assert_max_num_queries(12) as few:
        client.get(L)
    for n in range(2, 9):
        funded(world, code=f"F-00{n}", end=dt.date(2026, 12, 10) if n % 2 else None)
    with django_assert_max_num_queries(len(few)):
        page = client.get(L).content
    assert page.count(b'<tr data-testid="commitment-') == 8
    lapsing = client.get(L, {"status": "lapsing"}).content
    assert lapsing.count(b'<tr data-testid="commitment-') == 3  # F-003, F-005, F-007
    assert client.get(L, {"item": "F-002"}).content.count(b'<tr data-testid="commitment-') == 1
    assert client.get(L, {"year": "2030"}).content.count(b'<tr data-testid="commitment-') == 4


def test_the_export_is_a_workbook_of_the_filtered_rows(world: World) -> None:
    funded(world, code="F-001")
    funded(world, code="F-002", payer="department_other")
    answer = signed_in(world.user("office_officer")).get(f"{L}export.xlsx", {"payer": "DEPT-WJ"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "F-002"
    assert rows[1][4] == "民政专项"


def test_the_detail_shows_the_chain_and_the_balances(world: World) -> None:
    commitment = funded(world)
    paid(world, commitment, amount="4000.00")
    client = signed_in(world.user("department_clerk"))
    renewed = client.post(
        f"{L}{commitment.pk}/renew/",
        {
            "form_token": new_form_token(),
            "amount": "12000.00",
            "budget_line": "2027年民政预算",
            "period_end": "2027-12-31",
            "basis": "equal",
        },
    )
    assert renewed.status_code == 302
    renewal = FundingCommitment.objects.get(renews=commitment)
    assert renewed["Location"] == f"{L}{renewal.pk}/"
    page = signed_in(world.user("auditor")).get(f"{L}{commitment.pk}/").content.decode()
    assert f"#{renewal.pk} 2027-01-01" in page
    assert "4000.00" in page and "10000.00" in page  # the share and what was paid
    assert 'data-testid="renew-link"' not in page  # audit reads only; renewed anyway
    own = client.get(f"{L}{renewal.pk}/").content.decode()
    assert 'data-testid="end-link"' in own


def test_recording_on_the_page(world: World) -> None:
    make_item(world, "F-030", item_class="delegated", funding_per_community=Decimal("1"))
    client = signed_in(world.user("department_head"))
    form = client.get(f"{L}new/").content.decode()
    assert "F-030" in form and "DEPT-WJ" not in form  # its own department only
    token = new_form_token()
    data = {
        "form_token": token,
        "item": "F-030",
        "payer": "DEPT-MZ",
        "budget_line": "民政专项",
        "amount": "100.00",
        "period_start": "2027-01-01",
        "period_end": "",
        "basis": "fixed",
        "shares": f"{COMMUNITY} 100.00",
    }
    first = client.post(f"{L}new/", data)
    assert first.status_code == 302
    again = client.post(f"{L}new/", data)
    assert again["Location"] == first["Location"]
    assert FundingCommitment.objects.get().basis == "fixed"
    bad = client.post(f"{L}new/", {**data, "form_token": new_form_token(), "amount": "0"})
    assert bad.status_code == 200
    assert b'data-testid="errors-amount"' in bad.content
    assert signed_in(world.user("auditor")).get(f"{L}new/").status_code == 404


def test_ending_on_the_page(world: World) -> None:
    commitment = funded(world)
    office = signed_in(world.user("office_officer"))
    refused = office.post(
        f"{L}{commitment.pk}/end/",
        {"form_token": new_form_token(), "ended_on": "2027-05-01", "reason": "超期"},
    )
    assert refused.status_code == 200 and b'data-testid="errors-ended_on"' in refused.content
    ended = office.post(
        f"{L}{commitment.pk}/end/",
        {"form_token": new_form_token(), "ended_on": "2026-11-30", "reason": "改由财政统筹"},
    )
    assert ended.status_code == 302
    commitment.refresh_from_db()
    assert commitment.ended_on == dt.date(2026, 11, 30)
    assert signed_in(world.user("auditor")).get(f"{L}{commitment.pk}/end/").status_code == 403
