"""The registry's pages, export and API through the test client: masked values only for every
role (a full ID number or mobile appears only in the secretary's reveal answer), no-store on
everything personal, scope (a community never sees another's residents, a subdistrict only its
own communities'), the add and edit flows, the export's audit event, and the query counts of the
list page and the list API."""

import datetime as dt
import io
import re
from typing import Any, cast

import pytest
from django.http import HttpResponse
from django.test import Client
from openpyxl import load_workbook

from communitygate.audit.models import AuditEvent
from communitygate.registry.models import Resident
from communitygate.registry.services.registry import (
    ResidentFields,
    resident_add,
    volunteer_register,
)
from communitygate.registry.tests.grid_registry import id_number, person_in, sibling_secretary
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ROLES = [
    "community_secretary",
    "community_worker",
    "community_secretary_other",
    "subdistrict_officer",
    "subdistrict_officer_other",
    "office_admin",
    "auditor",
    "no_role",
]


@pytest.fixture
def people(world: World) -> dict[str, Resident]:
    own = person_in(
        world.user("community_secretary"), world.org("community"), "李本社区", id_number(1)
    )
    volunteer_register(actor=world.user("community_secretary"), resident=own, skills="")
    return {
        "own": own,
        "sibling": person_in(
            sibling_secretary(world), world.org("community_sibling"), "李邻社区", id_number(2)
        ),
        "other": person_in(
            world.user("community_secretary_other"),
            world.org("community_other"),
            "李外社区",
            id_number(3),
        ),
    }


def text_of(response: Any) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            "\t".join("" if cell is None else str(cell) for cell in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return cast(bytes, response.content).decode()


def assert_no_full_numbers(text: str, where: str) -> None:
    assert not FULL_ID.search(text), f"a full ID number in {where}"
    assert not FULL_MOBILE.search(text), f"a full mobile in {where}"


def paths(people: dict[str, Resident]) -> list[str]:
    own = people["own"]
    return [
        "/residents/people/",
        "/residents/people/?include_moved_out=on",
        "/residents/people/export.xlsx",
        f"/residents/people/{own.pk}/",
        f"/residents/people/{own.pk}/edit/",
        f"/residents/households/{own.household_id}/",
        "/residents/volunteers/",
        "/residents/people/new/",
        "/api/v1/residents",
        f"/api/v1/residents/{own.pk}",
        "/api/v1/households",
        f"/api/v1/households/{own.household_id}",
        f"/api/v1/residents/{people['other'].pk}",
    ]


@pytest.mark.parametrize("person", ROLES)
def test_no_page_export_or_answer_holds_a_full_number(
    world: World, people: dict[str, Resident], person: str
) -> None:
    client = signed_in(world.user(person))
    for path in paths(people):
        response = client.get(path)
        if response.status_code == 200:
            assert_no_full_numbers(text_of(response), f"{path} for {person}")
    for search in (
        {"id_number": id_number(1)},
        {"phone": "13912345678"},
        {"id_number": id_number(3)},
    ):
        response = client.post("/residents/people/", search)
        if response.status_code == 200:
            assert_no_full_numbers(text_of(response), f"the search {search} for {person}")
        response = client.post("/api/v1/residents/search", search, content_type="application/json")
        if response.status_code == 200:
            assert_no_full_numbers(text_of(response), f"the API search {search} for {person}")


def test_the_secretary_reveals_once_on_a_page_no_cache_keeps(
    world: World, people: dict[str, Resident]
) -> None:
    own = people["own"]
    client = signed_in(world.user("community_secretary"))
    detail = client.get(f"/residents/people/{own.pk}/")
    assert 'data-testid="reveal-id-number"' in text_of(detail)
    response = client.post(f"/residents/people/{own.pk}/reveal/", {"field": "id_number"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert FULL_ID.findall(text_of(response)) == [id_number(1)]
    phone = client.post(f"/residents/people/{own.pk}/reveal/", {"field": "phone"})
    assert "13912345678" in text_of(phone)
    events = AuditEvent.objects.filter(action="resident.reveal", object_id=str(own.pk))
    assert events.count() == 2
    assert all(e.request_id for e in events)


@pytest.mark.parametrize("person", ["community_worker", "subdistrict_officer"])
def test_those_who_see_but_may_not_reveal_get_403_and_no_button(
    world: World, people: dict[str, Resident], person: str
) -> None:
    own = people["own"]
    client = signed_in(world.user(person))
    assert 'data-testid="reveal' not in text_of(client.get(f"/residents/people/{own.pk}/"))
    response = client.post(f"/residents/people/{own.pk}/reveal/", {"field": "id_number"})
    assert response.status_code == 403
    assert_no_full_numbers(text_of(response), "the refusal")
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()


def test_another_communitys_secretary_gets_404_for_the_reveal(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_secretary_other"))
    response = client.post(f"/residents/people/{people['own'].pk}/reveal/", {"field": "id_number"})
    assert response.status_code == 404


def test_pages_with_personal_data_are_not_cached(world: World, people: dict[str, Resident]) -> None:
    client = signed_in(world.user("community_worker"))
    for path in paths(people)[:-1]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


def test_a_community_never_sees_another_communitys_residents(
    world: World, people: dict[str, Resident]
) -> None:
    seen = {
        person: text_of(signed_in(world.user(person)).get("/residents/people/"))
        for person in (
            "community_secretary",
            "community_secretary_other",
            "subdistrict_officer",
            "subdistrict_officer_other",
        )
    }
    assert "李本社区" in seen["community_secretary"]
    assert (
        "李邻社区" not in seen["community_secretary"]
        and "李外社区" not in seen["community_secretary"]
    )
    assert (
        "李外社区" in seen["community_secretary_other"]
        and "李本社区" not in seen["community_secretary_other"]
    )
    assert "李本社区" in seen["subdistrict_officer"] and "李邻社区" in seen["subdistrict_officer"]
    assert "李外社区" not in seen["subdistrict_officer"]
    assert (
        "李外社区" in seen["subdistrict_officer_other"]
        and "李本社区" not in seen["subdistrict_officer_other"]
    )
    worker = signed_in(world.user("community_worker"))
    for resident in (people["sibling"], people["other"]):
        assert worker.get(f"/residents/people/{resident.pk}/").status_code == 404
        assert worker.get(f"/api/v1/residents/{resident.pk}").status_code == 404
        assert worker.get(f"/api/v1/households/{resident.household_id}").status_code == 404
    api = worker.get("/api/v1/residents").json()
    assert [item["name"] for item in api["items"]] == ["李本社区"]


def search_api(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/residents/search", body, content_type="application/json")


def test_the_api_answers_masked_and_filtered(world: World, people: dict[str, Resident]) -> None:
    officer = signed_in(world.user("subdistrict_officer"))
    answer = search_api(officer, {"id_number": id_number(2)})
    assert "no-store" in answer["Cache-Control"]
    body = answer.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "李邻社区" and item["community"] == "370203031002"
    assert item["id_number_masked"].startswith("370203********")
    assert item["phone_masked"] == "139****5678"
    assert item["registered_address_masked"] == "山东省青岛市****"
    assert item["tags"] == ["elderly-alone"]
    assert item["birth_year"] == 1950 and isinstance(item["age"], int)
    assert "birth_date" not in item
    assert officer.get("/api/v1/residents?community=370203031001").json()["count"] == 1
    assert search_api(officer, {"id_number": "123"}).status_code == 422
    assert officer.get("/api/v1/residents?limit=501").status_code == 422
    household = officer.get(f"/api/v1/households/{people['own'].household_id}").json()
    assert household["current_residents"] == 1 and household["room"] == "101"
    assert [r["name"] for r in household["residents"]] == ["李本社区"]
    assert officer.get("/api/v1/households").json()["count"] == 2


def test_registering_a_resident_in_a_new_household_on_the_page(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    number = id_number(5, sex="female", birth=dt.date(1985, 6, 1))
    response = client.post(
        "/residents/people/new/",
        {
            "community": "370203031001",
            "estate": "延安路小区",
            "building": "5号楼",
            "unit": "1单元",
            "room": "302",
            "household_kind": "renting",
            "name": "赵新",
            "sex": "",
            "id_number": number,
            "phone": "0532-88881234",
            "relation": "head",
            "population_kind": "migrant",
            "tags": ["left-behind"],
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(name="赵新")
    assert response["Location"] == f"/residents/people/{resident.pk}/"
    assert resident.sex == "female" and resident.household.kind == "renting"
    assert resident.phone_masked == "0532****1234"
    # A second person joins the household from its page.
    again = client.post(
        "/residents/people/new/",
        {
            "household": resident.household_id,
            "name": "赵小",
            "sex": "male",
            "relation": "child",
            "population_kind": "migrant",
        },
    )
    assert again.status_code == 302
    assert Resident.objects.filter(household=resident.household).count() == 2


def test_a_duplicate_on_the_page_names_the_masked_number_and_echoes_nothing(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    response = client.post(
        "/residents/people/new/",
        {
            "household": people["own"].household_id,
            "name": "重复",
            "id_number": id_number(1),
            "relation": "spouse",
            "population_kind": "registered",
        },
    )
    page = text_of(response)
    assert response.status_code == 200
    assert people["own"].id_number_masked in page
    assert_no_full_numbers(page, "the form with its error")


def test_an_edit_on_the_page_and_a_move_out(world: World, people: dict[str, Resident]) -> None:
    own = people["own"]
    client = signed_in(world.user("community_secretary"))
    response = client.post(
        f"/residents/people/{own.pk}/edit/",
        {
            "name": "李改名",
            "relation": "head",
            "population_kind": "registered",
            "tags": ["veteran"],
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "李改名" and own.id_number_masked  # the number stays
    # Moving out asks first, naming who and the date; nothing changes until confirmed.
    asked = client.post(f"/residents/people/{own.pk}/move-out/", {"on": "2025-01-01"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "确认将 李改名 登记为迁出？" in page and "迁出日期：2025年1月1日。" in page
    assert 'name="on" value="2025-01-01"' in page
    own.refresh_from_db()
    assert own.moved_out_on is None
    assert not AuditEvent.objects.filter(action="resident.move_out").exists()
    moved = client.post(
        f"/residents/people/{own.pk}/move-out/", {"on": "2025-01-01", "confirmed": "yes"}
    )
    assert moved.status_code == 302
    own.refresh_from_db()
    assert own.moved_out_on == dt.date(2025, 1, 1)
    assert AuditEvent.objects.filter(action="resident.move_out", object_id=str(own.pk)).exists()
    said = client.get(moved["Location"]).content.decode()
    assert "已将居民 李改名 于 2025年1月1日 迁出。" in said
    assert (
        signed_in(world.user("subdistrict_officer"))
        .get(f"/residents/people/{own.pk}/edit/")
        .status_code
        == 403
    )


def test_volunteer_hours_on_the_page(world: World, people: dict[str, Resident]) -> None:
    client = signed_in(world.user("community_worker"))
    volunteer = people["own"].volunteer
    response = client.post(
        f"/residents/volunteers/{volunteer.pk}/hours/",
        {"served_on": "2025-03-01", "hours": "3.5", "what": "助老"},
    )
    assert response.status_code == 302
    page = text_of(client.get("/residents/volunteers/"))
    assert "3.5" in page
    detail = text_of(client.get(f"/residents/people/{people['own'].pk}/"))
    assert "3.5" in detail


def test_the_export_has_the_lists_scope_and_filters_and_is_recorded(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("subdistrict_officer"))
    response = client.get("/residents/people/export.xlsx?q=李&community=370203031002")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = text_of(response)
    assert "李邻社区" in text and "李本社区" not in text and "李外社区" not in text
    event = AuditEvent.objects.get(action="resident.export")
    assert event.changes["rows"][1] == 1
    assert event.changes["filters"][1]["query"] == "李"
    assert event.changes["filters"][1]["community"] == "370203031002"
    assert_no_full_numbers(str(event.changes), "the export event")


def add_residents(world: World, start: int, count: int) -> None:
    secretary = world.user("community_secretary")
    household = Resident.objects.filter(community=world.org("community")).first()
    assert household is not None
    for index in range(start, start + count):
        resident_add(
            actor=secretary,
            household=household.household,
            fields=ResidentFields(
                name=f"居民{index}",
                id_number=id_number(index, birth=dt.date(1940, 1, 1) + dt.timedelta(days=index)),
                phone=f"1391234{index:04d}",
                relation="other",
                tag_codes=("aged-80-plus", "veteran"),
            ),
        )


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/residents/people/", 12),
        ("/api/v1/residents", 8),
        ("/api/v1/households", 8),
        ("/residents/volunteers/", 10),
    ],
)
def test_list_pages_cost_the_same_queries_for_2_residents_as_for_12(
    world: World,
    people: dict[str, Resident],
    django_assert_max_num_queries: Any,
    path: str,
    budget: int,
) -> None:
    client = signed_in(world.user("subdistrict_officer"))
    counts = []
    for start, count in [(100, 1), (200, 10)]:
        add_residents(world, start, count)
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_a_page_of_the_list_is_limited(world: World, people: dict[str, Resident]) -> None:
    add_residents(world, 300, 55)
    client = signed_in(world.user("community_worker"))
    first = text_of(client.get("/residents/people/"))
    assert first.count('data-testid="resident-') == 50
    assert 'data-testid="next-page"' in first
    second = text_of(client.get("/residents/people/?offset=50"))
    assert second.count('data-testid="resident-') == 6
    assert isinstance(client.get("/residents/people/?offset=-3"), HttpResponse)


def test_an_exact_search_finds_the_one_and_shows_its_mask(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("subdistrict_officer"))
    page = text_of(client.post("/residents/people/", {"id_number": id_number(2)}))
    assert "李邻社区" in page and "李本社区" not in page
    assert people["sibling"].id_number_masked in page
    assert 'data-testid="export-link"' not in page
    assert 'data-testid="no-export"' in page
    wrong = text_of(client.post("/residents/people/", {"id_number": "3702031950"}))
    assert "应为 18 位" in wrong


# The birth date never beside the mask (the mask hides exactly the birth date) -----------------

BIRTH = dt.date(1950, 3, 8)  # id_number(1), (2), (3) are all born on it


def birth_date_renderings(day: dt.date) -> list[str]:
    """Every way a page, an answer or a workbook could write the day (and the 8 hidden
    digits of the ID number)."""
    from django.utils import formats, translation

    shown = [
        f"{day:%Y%m%d}",
        day.isoformat(),
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
    ]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            shown.append(str(formats.date_format(day, "DATE_FORMAT")))
    return shown


@pytest.mark.parametrize("person", ["community_worker", "subdistrict_officer"])
def test_no_page_answer_or_export_shows_the_birth_date_beside_the_mask(
    world: World, people: dict[str, Resident], person: str
) -> None:
    own = people["own"]
    assert own.birth_date == BIRTH and own.id_number_masked == f"370203********{id_number(1)[-4:]}"
    client = signed_in(world.user(person))
    answers = {path: client.get(path) for path in paths(people)[:-1]}
    answers["the page's number search"] = client.post(
        "/residents/people/", {"id_number": id_number(1)}
    )
    answers["the API's number search"] = search_api(client, {"id_number": id_number(1)})
    masks_seen = 0
    for where, response in answers.items():
        text = text_of(response)
        masks_seen += own.id_number_masked in text
        for shown in birth_date_renderings(BIRTH):
            assert shown not in text, f"{shown} in {where} for {person}"
    # The test bites: the answers are there with the masks, only the date is not.
    assert all(
        answers[where].status_code == 200
        for where in (
            "/residents/people/",
            "/residents/people/export.xlsx",
            f"/residents/people/{own.pk}/",
            f"/residents/households/{own.household_id}/",
            f"/api/v1/residents/{own.pk}",
            f"/api/v1/households/{own.household_id}",
            "the page's number search",
            "the API's number search",
        )
    )
    assert masks_seen >= 8
    detail = text_of(answers[f"/residents/people/{own.pk}/"])
    assert "1950" in detail and 'data-testid="born"' in detail
    api = answers[f"/api/v1/residents/{own.pk}"].json()
    assert api["birth_year"] == 1950 and api["age"] == world_age(BIRTH)
    assert "birth_date" not in api


def world_age(day: dt.date) -> int:
    from communitygate.core import clock

    today = clock.today()
    return today.year - day.year - ((today.month, today.day) < (day.month, day.day))


def test_the_export_gives_birth_year_and_age_not_the_date(
    world: World, people: dict[str, Resident]
) -> None:
    response = signed_in(world.user("community_worker")).get("/residents/people/export.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    header, row = list(workbook.worksheets[0].iter_rows(values_only=True))[:2]
    assert "出生日期" not in header
    record = dict(zip(header, row, strict=True))
    assert record["出生年份"] == 1950 and record["年龄"] == world_age(BIRTH)
    assert record["身份证号（脱敏）"] == people["own"].id_number_masked


def test_the_edit_page_shows_no_birth_date_for_someone_with_an_id_number(
    world: World, people: dict[str, Resident]
) -> None:
    own = people["own"]
    secretary = world.user("community_secretary")
    no_number = resident_add(
        actor=secretary,
        household=own.household,
        fields=ResidentFields(
            name="无证件", sex="female", birth_date=dt.date(1990, 5, 6), relation="child"
        ),
    )
    client = signed_in(world.user("community_worker"))
    page = text_of(client.get(f"/residents/people/{own.pk}/edit/"))
    assert 'name="birth_date"' not in page
    assert own.id_number_masked in page
    # Without an ID number there is nothing to rebuild: the date is there to be corrected.
    other = text_of(client.get(f"/residents/people/{no_number.pk}/edit/"))
    assert 'name="birth_date"' in other and 'value="1990-05-06"' in other
    # Saving without the field keeps the number's birth date.
    response = client.post(
        f"/residents/people/{own.pk}/edit/",
        {"name": "李本社区", "relation": "head", "population_kind": "registered"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.birth_date == BIRTH


# Numbers never in a URL ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_a_number_in_the_lists_address_is_refused_and_not_echoed(
    world: World, people: dict[str, Resident], field: str
) -> None:
    number = id_number(1) if field == "id_number" else "13912345678"
    client = signed_in(world.user("community_worker"))
    response = client.get(f"/residents/people/?q=李&{field}={number}")
    assert response.status_code == 302
    assert number not in response["Location"] and "q=" in response["Location"]
    page = client.get(response["Location"])
    assert number not in text_of(page)
    assert "a number in a web address is not used" in text_of(page) or "网址" in text_of(page)
    assert not AuditEvent.objects.filter(action="resident.search").exists()


def test_the_export_takes_no_number_and_sends_back_without_it(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("subdistrict_officer"))
    response = client.get("/residents/people/export.xlsx?phone=13912345678&community=370203031002")
    assert response.status_code == 302
    assert "13912345678" not in response["Location"]
    assert "community=370203031002" in response["Location"]
    assert not AuditEvent.objects.filter(action="resident.export").exists()
    assert client.post("/residents/people/export.xlsx", {"phone": "13912345678"}).status_code == 405
    # The list's own export link never carries a number either.
    page = text_of(client.post("/residents/people/", {"q": "李", "phone": "13912345678"}))
    assert 'data-testid="export-link"' not in page
    listed = text_of(client.get("/residents/people/?q=李"))
    link = re.search(r'href="(/residents/people/export\.xlsx\?[^"]*)"', listed)
    assert link is not None and "phone" not in link.group(1) and "q=" in link.group(1)


@pytest.mark.parametrize("field", ["id_number", "phone"])
def test_the_list_api_takes_no_number_in_its_query(
    world: World, people: dict[str, Resident], field: str
) -> None:
    number = id_number(1) if field == "id_number" else "13912345678"
    response = signed_in(world.user("community_worker")).get(f"/api/v1/residents?{field}={number}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "number_in_query"
    assert "POST /api/v1/residents/search" in body["message_zh"]
    assert "POST /api/v1/residents/search" in body["message_en"]
    assert number not in response.content.decode()


def test_a_number_search_is_recorded_masked_on_the_page_and_in_the_api(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    page = client.post("/residents/people/", {"id_number": id_number(1)})
    assert "李本社区" in text_of(page)
    answer = search_api(client, {"phone": "13912345678"})
    assert answer.status_code == 200
    assert [item["name"] for item in answer.json()["items"]] == ["李本社区"]
    events = list(AuditEvent.objects.filter(action="resident.search").order_by("pk"))
    assert [e.changes["matches"][1] for e in events] == [1, 1]
    assert events[0].changes["filters"][1]["id_number"] == people["own"].id_number_masked
    assert events[1].changes["filters"][1]["phone"] == "139****5678"
    assert all(e.object_repr for e in events)
    assert_no_full_numbers(str([e.changes for e in events]), "the search events")
    # A name search is no number search: not recorded.
    client.post("/residents/people/", {"q": "李"})
    assert AuditEvent.objects.filter(action="resident.search").count() == 2


def test_the_api_search_needs_a_number_and_a_registry(
    world: World, people: dict[str, Resident]
) -> None:
    worker = signed_in(world.user("community_worker"))
    assert search_api(worker, {"q": "李"}).status_code == 422
    assert search_api(worker, {"id_number": "123"}).status_code == 422
    assert (
        search_api(signed_in(world.user("no_role")), {"id_number": id_number(1)}).status_code == 404
    )
    assert not AuditEvent.objects.filter(action="resident.search").exists()
    assert (
        Client().post("/api/v1/residents/search", {}, content_type="application/json").status_code
        == 401
    )


def test_an_offset_beyond_any_database_is_an_empty_page_not_an_error(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    for path in ("/residents/people/", "/residents/volunteers/"):
        response = client.get(f"{path}?offset={10**30}")
        assert response.status_code == 200, path


# A double submit creates one record (one-time form tokens) -------------------------------------


def form_token(page: str) -> str:
    found = re.findall(r'name="form_token" value="([^"]+)"', page)
    assert found, "the form carries no token"
    return found[0]


def test_a_double_submit_of_the_new_resident_form_registers_one(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    token = form_token(text_of(client.get("/residents/people/new/")))
    form = {
        "household": people["own"].household_id,
        "name": "赵双击",
        "sex": "male",
        "relation": "child",
        "population_kind": "registered",
        "form_token": token,
    }
    first = client.post("/residents/people/new/", form)
    second = client.post("/residents/people/new/", form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Resident.objects.filter(name="赵双击").count() == 1
    assert AuditEvent.objects.filter(action="resident.add", object_repr="赵双击").count() == 1
    # A new rendering of the form is a new token: the next person is registered.
    again = dict(form, form_token=form_token(text_of(client.get("/residents/people/new/"))))
    assert client.post("/residents/people/new/", again).status_code == 302
    assert Resident.objects.filter(name="赵双击").count() == 2


def test_a_double_submit_of_volunteer_hours_records_them_once(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    volunteer = people["own"].volunteer
    token = form_token(text_of(client.get(f"/residents/people/{people['own'].pk}/")))
    form = {"served_on": "2025-03-01", "hours": "2", "what": "助老", "form_token": token}
    first = client.post(f"/residents/volunteers/{volunteer.pk}/hours/", form)
    second = client.post(f"/residents/volunteers/{volunteer.pk}/hours/", form)
    assert second["Location"] == first["Location"]
    assert volunteer.services.count() == 1
    assert AuditEvent.objects.filter(action="volunteer.hours").count() == 1


def test_each_row_of_the_volunteers_list_has_its_own_token(
    world: World, people: dict[str, Resident]
) -> None:
    """One token shared by the rows would turn the second volunteer's hours into a replay of
    the first's."""
    secretary = world.user("community_secretary")
    second = resident_add(
        actor=secretary,
        household=people["own"].household,
        fields=ResidentFields(name="李志愿", sex="male", relation="child"),
    )
    other = volunteer_register(actor=secretary, resident=second, skills="")
    client = signed_in(world.user("community_worker"))
    page = text_of(client.get("/residents/volunteers/"))
    tokens = re.findall(r'name="form_token" value="([^"]+)"', page)
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    for volunteer, token in zip(
        (people["own"].volunteer, other), tokens, strict=True
    ):  # the page lists both; each form is posted with the token it carries
        client.post(
            f"/residents/volunteers/{volunteer.pk}/hours/",
            {"served_on": "2025-03-01", "hours": "1", "what": "巡逻", "form_token": token},
        )
    assert people["own"].volunteer.services.count() == 1 and other.services.count() == 1


def test_a_double_submit_of_the_volunteer_form_registers_once_and_reports_no_error(
    world: World, people: dict[str, Resident]
) -> None:
    client = signed_in(world.user("community_worker"))
    secretary = world.user("community_secretary")
    neighbour = resident_add(
        actor=secretary,
        household=people["own"].household,
        fields=ResidentFields(name="李邻居", sex="female", relation="spouse"),
    )
    token = form_token(text_of(client.get(f"/residents/people/{neighbour.pk}/")))
    form = {"skills": "修理", "form_token": token}
    first = client.post(f"/residents/people/{neighbour.pk}/volunteer/", form)
    second = client.post(f"/residents/people/{neighbour.pk}/volunteer/", form, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    # Without the token the second POST would run and report "already a volunteer".
    assert "already a volunteer" not in text_of(second)
    assert AuditEvent.objects.filter(action="volunteer.register").count() == 2  # own + neighbour
