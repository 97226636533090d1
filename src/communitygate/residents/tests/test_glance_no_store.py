"""No copies of residents' data: every residents' page, public page, Open311 answer and API
answer says `Cache-Control: no-store` (residents.middleware), the office's other pages are left
to their own caching, and a view's own Cache-Control is kept."""

import pytest
from django.http.response import HttpResponseBase
from django.test import Client

from communitygate.residents.middleware import is_residents_path, no_store_prefixes
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db


STAFF_PAGES = [
    "/residents/",
    "/residents/communities/370203031001/",
    "/residents/visits/",
    "/residents/people/",
    "/residents/volunteers/",
    "/residents/import/",
    "/residents/matters/",
    "/residents/matters/new/",
    "/residents/rates/",
    "/residents/disputes/",
    "/residents/disputes/new/",
    "/residents/activities/",
    "/residents/activities/new/",
    "/residents/programmes/",
    "/residents/programmes/new/",
]
API_ANSWERS = [
    "/api/v1/residents",
    "/api/v1/households",
    "/api/v1/matters",
    "/api/v1/matters/rates",
    "/api/v1/programmes",
    "/api/v1/programmes/999999",
]
PUBLIC_ANSWERS = [
    "/public/matters/new/",
    "/public/matters/track/",
    "/public/programmes/",
    "/open311/v2/services.json",
    "/open311/v2/requests/MQ00000000.json",
    "/api/v1/public/matters/MQ00000000",
]


def assert_no_store(answer: HttpResponseBase, url: str) -> None:
    assert answer.status_code < 500, url
    assert "no-store" in answer.get("Cache-Control", ""), (url, answer.status_code)


@pytest.mark.parametrize("url", STAFF_PAGES + API_ANSWERS)
def test_every_staff_page_and_api_answer_is_never_cached(world: World, url: str) -> None:
    answer = signed_in(world.user("community_secretary")).get(url)
    assert answer.status_code in (200, 404), (url, answer.status_code)
    assert_no_store(answer, url)


@pytest.mark.parametrize("url", PUBLIC_ANSWERS)
def test_every_public_residents_answer_is_never_cached(url: str) -> None:
    answer = Client().get(url)
    assert_no_store(answer, url)
    if answer["Cache-Control"] == "no-store":
        assert answer["Pragma"] == "no-cache"


def test_a_refusal_and_a_redirect_are_never_cached_either(world: World) -> None:
    assert_no_store(Client().get("/residents/disputes/"), "signed out → sign-in redirect")
    assert_no_store(signed_in(world.user("no_role")).get("/residents/"), "no residents' page: 404")
    posted = signed_in(world.user("community_secretary")).post(
        "/api/v1/matters", {}, content_type="application/json"
    )
    assert_no_store(posted, "API error")


def test_the_offices_other_pages_keep_their_own_caching(world: World) -> None:
    for url in ("/", "/dispatch/", "/api/v1/organisations"):
        answer = signed_in(world.user("office_admin")).get(url)
        assert "no-store" not in answer.get("Cache-Control", ""), url


def test_a_views_own_cache_control_is_kept(world: World) -> None:
    answer = signed_in(world.user("community_secretary")).get(
        "/residents/"
    )  # never_cache: the view's own header
    assert answer["Cache-Control"] != "no-store"
    assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"]


def test_the_paths_come_from_what_the_residents_app_mounts() -> None:
    assert set(no_store_prefixes()) >= {
        "/residents",
        "/public/matters",
        "/public/programmes",
        "/api/v1/residents",
        "/api/v1/households",
        "/api/v1/matters",
        "/api/v1/programmes",
        "/api/v1/enrolments",
        "/api/v1/public/matters",
    }
    assert is_residents_path("/open311/v2/requests.json")
    assert is_residents_path("/open311/v2/requests/MQ1.json")
    assert is_residents_path("/open311/v2/services.json")
    for other in ("/", "/public/", "/decisions/", "/api/v1/organisations", "/residentsx/"):
        assert not is_residents_path(other), other
