"""The visits page through the test client: today's, upcoming and missed visits; planning from
the building grid's link or by building, unit and room; recording one as done; planning the
tagged households' visits; who gets 403 and who 404; and the page's query count."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import translation

from communitygate.accounts.services import membership_grant
from communitygate.core import clock
from communitygate.matters.tests.grid_glance import add_household, add_visit
from communitygate.registry.models import Visit
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def visits(world: World) -> World:
    clock.pin(MONDAY)
    return world


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def table(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</table>', page, re.S)
    assert match, testid
    return match.group(1)


def test_the_page_lists_todays_upcoming_and_missed_visits(visits: World) -> None:
    worker = visits.user("community_worker")
    household = add_household(visits.org("community"), room="301")
    add_visit(household, worker, planned_on=TODAY, purpose="今天的走访")
    add_visit(household, worker, planned_on=TODAY, purpose="已完成的走访", done_at=MONDAY)
    add_visit(household, worker, planned_on=TODAY + dt.timedelta(days=2), purpose="后天的走访")
    add_visit(household, worker, planned_on=TODAY - dt.timedelta(days=2), purpose="漏掉的走访")
    add_household(visits.org("community_other"))
    add_visit(
        visits.org("community_other").households.get(),
        visits.user("community_secretary_other"),
        planned_on=TODAY,
        purpose="别的社区的走访",
    )

    response = signed_in(visits.user("community_worker")).get("/residents/visits/")
    page = html(response)
    assert "no-store" in response["Cache-Control"]
    today = table(page, "visits-today")
    assert "今天的走访" in today and "已完成的走访" in today
    assert today.count('data-testid="record-form"') == 1
    assert "后天的走访" in table(page, "visits-upcoming")
    assert "漏掉的走访" in table(page, "visits-missed")
    assert "别的社区的走访" not in page


def test_a_visit_is_planned_from_the_grids_link(visits: World) -> None:
    household = add_household(visits.org("community"), room="301", people=[("甲", []), ("乙", [])])
    resident = household.residents.order_by("pk").last()
    assert resident is not None
    client = signed_in(visits.user("community_worker"))
    page = html(client.get(f"/residents/visits/?household={household.pk}"))
    assert "1号楼 1单元 301" in page
    assert f'<option value="{resident.pk}">乙</option>' in page
    response = client.post(
        "/residents/visits/",
        {
            "community": "370203031001",
            "household": household.pk,
            "resident": resident.pk,
            "planned_on": "2026-11-24",
            "purpose": "了解近况",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.household_id, visit.resident_id, visit.planned_on) == (
        household.pk,
        resident.pk,
        dt.date(2026, 11, 24),
    )


def test_a_visit_is_planned_by_building_unit_and_room(visits: World) -> None:
    household = add_household(visits.org("community"), building="3号楼", unit="2单元", room="502")
    client = signed_in(visits.user("community_secretary"))
    data = {
        "community": "370203031001",
        "building": household.room.unit.building_id,
        "unit": "2单元",
        "room": "502",
        "planned_on": "2026-11-23",
        "purpose": "入户走访",
    }
    assert client.post("/residents/visits/", data).status_code == 302
    assert Visit.objects.get().household_id == household.pk

    response = client.post("/residents/visits/", {**data, "room": "999"})
    assert response.status_code == 200
    with translation.override("zh-hans"):  # the page's language
        nobody = translation.gettext("Nobody lives at that building, unit and room now.")
    assert response.context["form"].non_field_errors() == [nobody]
    assert Visit.objects.count() == 1


def test_a_broken_rule_keeps_the_form_with_its_message(visits: World) -> None:
    household = add_household(visits.org("community"))
    client = signed_in(visits.user("community_worker"))
    response = client.post(
        "/residents/visits/",
        {
            "community": "370203031001",
            "household": household.pk,
            "planned_on": "2026-11-20",
            "purpose": "走访",
        },
    )
    page = html(response)
    assert "走访日期不能早于今天" in page and "visit cannot be planned" not in page
    assert not Visit.objects.exists()


def test_a_household_of_another_community_answers_404(visits: World) -> None:
    other = add_household(visits.org("community_other"))
    client = signed_in(visits.user("community_worker"))
    assert client.get(f"/residents/visits/?household={other.pk}").status_code == 404
    response = client.post(
        "/residents/visits/",
        {
            "community": "370203031001",
            "household": other.pk,
            "planned_on": "2026-11-24",
            "purpose": "走访",
        },
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_household_that_is_not_a_number_answers_404(visits: World) -> None:
    client = signed_in(visits.user("community_secretary"))
    response = client.get("/residents/visits/?household=x")
    assert response.status_code == 404
    assert "住户不存在或无权查看" in response.content.decode()


def test_a_visit_is_recorded_done_on_the_page(visits: World) -> None:
    household = add_household(visits.org("community"))
    visit = add_visit(household, visits.user("community_worker"), planned_on=TODAY)
    client = signed_in(visits.user("community_worker"))
    response = client.post(
        f"/residents/visits/{visit.pk}/done/",
        {"note": "情况良好", "next": "/residents/communities/370203031001/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/residents/communities/370203031001/"
    visit.refresh_from_db()
    assert visit.done_at == MONDAY and visit.note == "情况良好"

    response = client.post(f"/residents/visits/{visit.pk}/done/", {"note": "再次"})
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).note == "情况良好"


def test_the_officer_who_sees_a_visit_gets_403_and_others_404(visits: World) -> None:
    household = add_household(visits.org("community"))
    visit = add_visit(household, visits.user("community_worker"), planned_on=TODAY)
    path = f"/residents/visits/{visit.pk}/done/"
    assert signed_in(visits.user("subdistrict_officer")).post(path, {"note": ""}).status_code == 403
    for person in ["subdistrict_officer_other", "community_secretary_other", "office_officer"]:
        assert signed_in(visits.user(person)).post(path, {"note": ""}).status_code == 404
    assert Visit.objects.get(pk=visit.pk).done_at is None


def test_the_tagged_households_visits_are_planned_on_the_page(visits: World) -> None:
    community = visits.org("community")
    add_household(community, room="101", people=[("甲", ["elderly-alone"])])
    add_household(community, room="102", people=[("乙", ["aged-80-plus"])])
    data = {"community": "370203031001", "planned_on": "2026-11-25"}
    officer = signed_in(visits.user("subdistrict_officer"))
    assert officer.post("/residents/visits/plan-tagged/", data).status_code == 403
    other = signed_in(visits.user("community_secretary_other"))
    assert other.post("/residents/visits/plan-tagged/", data).status_code == 404
    assert not Visit.objects.exists()

    client = signed_in(visits.user("community_worker"))
    response = client.post("/residents/visits/plan-tagged/", data, follow=True)
    assert Visit.objects.filter(planned_on=dt.date(2026, 11, 25)).count() == 2
    page = html(response)
    assert len(table(page, "visits-upcoming").split('data-testid="visit-')) == 3


def test_planning_the_tagged_households_without_a_date_answers_404(visits: World) -> None:
    add_household(visits.org("community"), room="101", people=[("甲", ["elderly-alone"])])
    client = signed_in(visits.user("community_worker"))
    for data in [{"community": "370203031001", "planned_on": "x"}, {"planned_on": "2026-11-25"}]:
        response = client.post("/residents/visits/plan-tagged/", data)
        assert response.status_code == 404
        assert "社区或日期不存在或无权查看" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_visits_page_is_for_community_staff_only(visits: World) -> None:
    for person in ["subdistrict_officer", "office_officer", "auditor", "no_role"]:
        assert signed_in(visits.user(person)).get("/residents/visits/").status_code == 404
    assert (
        signed_in(visits.user("community_worker"))
        .get("/residents/visits/?community=370203014001")
        .status_code
        == 404
    )


def test_a_person_working_in_two_communities_chooses_one(visits: World) -> None:
    worker = visits.user("community_worker")
    membership_grant(
        actor=None,
        user=worker,
        organisation=visits.org("community_sibling"),
        role="worker",
        active_from=dt.date(2020, 1, 1),
    )
    add_visit(
        add_household(visits.org("community_sibling")), worker, planned_on=TODAY, purpose="郑州路"
    )
    client = signed_in(visits.user("community_worker"))
    page = html(client.get("/residents/visits/?community=370203031002"))
    assert "郑州路社区" in page and "郑州路" in table(page, "visits-today")
    hub = html(client.get("/residents/"))
    assert 'href="/residents/communities/370203031001/"' in hub
    assert 'href="/residents/communities/370203031002/"' in hub


def test_the_visits_page_costs_the_same_queries_for_5_visits_as_for_50(
    visits: World, django_assert_max_num_queries: Any
) -> None:
    worker = visits.user("community_worker")
    client = signed_in(visits.user("community_worker"))
    counts = []
    for start, count in [(0, 5), (5, 45)]:
        for n in range(start, start + count):
            household = add_household(visits.org("community"), room=f"{n + 100}")
            add_visit(household, worker, planned_on=TODAY + dt.timedelta(days=n % 3 - 1))
        with django_assert_max_num_queries(12) as captured:
            html(client.get("/residents/visits/"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
