"""No copies of residents' data: every residents' page, public page, Open311 answer and API
answer says `Cache-Control: no-store` (`http.nostore`, by URL), the office's other pages are
left to their own caching, and every URL the residents' apps mount is covered by the list."""

import re
from collections.abc import Iterator

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from communitygate.http.nostore import NO_STORE_PREFIXES, is_no_store_path
from communitygate.testing import World, signed_in

# The apps whose every answer may carry personal information (their URL modules' prefix), and
# the API routers of those apps.
PERSONAL_URL_MODULES = (
    "communitygate.registry.",
    "communitygate.matters.",
    "communitygate.disputes.",
    "communitygate.programmes.",
    # Certificates issued: the resident's name and masked ID number.
    "communitygate.certificates.",
    # The audit log: object descriptions and changed values name residents too.
    "communitygate.web.auditlog.",
    # The auditor's workspace under /audit/: dispute reasons and payers' notes as typed.
    "communitygate.auditing.",
)
API_MOUNT = "/api/v1"

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


def test_the_answer_is_private_and_never_kept(world: World) -> None:
    answer = signed_in(world.user("community_secretary")).get("/residents/")
    for directive in ("no-store", "no-cache", "must-revalidate", "private", "max-age=0"):
        assert directive in answer["Cache-Control"], directive
    assert answer["Pragma"] == "no-cache"


def test_a_file_and_a_json_progress_answer_are_covered_too() -> None:
    for path in ("/residents/disputes/1/agreement.pdf", "/residents/import/1/progress.json"):
        assert is_no_store_path(path), path


def _sample(route: str) -> str:
    """A path a route matches: each parameter replaced by a value of its kind."""
    return re.sub(r"<(?:int:)?[^>]+>", "1", route)


def _walk(
    entries: list[URLPattern | URLResolver], prefix: str, personal: bool
) -> Iterator[tuple[str, bool]]:
    for entry in entries:
        route = prefix + _sample(str(entry.pattern))
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if entry.app_name == "ninja":
                continue  # the API: its routes are walked from the routers below
            yield from _walk(
                entry.url_patterns, route, personal or module.startswith(PERSONAL_URL_MODULES)
            )
        else:
            yield route, personal


def _api_routes() -> Iterator[str]:
    from communitygate.auditing.api import router as auditing_router
    from communitygate.matters.api.matters import router as matters_router
    from communitygate.matters.api.public import router as matters_public_router
    from communitygate.programmes.api.programmes import router as programmes_router
    from communitygate.registry.api.registry import router as registry_router
    from communitygate.web.auditlog.api import router as audit_router

    pending = [
        ("", router)
        for router in (
            registry_router,
            matters_router,
            programmes_router,
            matters_public_router,
            audit_router,
            auditing_router,
        )
    ]
    while pending:
        base, current = pending.pop()
        for path in current.path_operations:
            yield API_MOUNT + re.sub(r"\{[^}]+\}", "1", base + path)
        pending += [(base + sub, child) for sub, child, _tags in current._routers]


def test_every_page_the_residents_apps_mount_is_covered() -> None:
    pages = list(_walk(get_resolver().url_patterns, "/", personal=False))
    personal = [path for path, is_personal in pages if is_personal]
    assert len(personal) > 40  # the walk found the residents' pages
    for path in personal:
        assert is_no_store_path(path), path
    for path, is_personal in pages:
        if not is_personal:
            assert not is_no_store_path(path), path


def test_every_route_of_the_residents_api_is_covered() -> None:
    routes = list(_api_routes())
    assert len(routes) > 10
    for route in routes:
        assert is_no_store_path(route), route


def test_only_the_listed_prefixes_are_covered() -> None:
    assert "/residents" in NO_STORE_PREFIXES
    for other in ("/", "/public/", "/decisions/", "/api/v1/organisations", "/residentsx/"):
        assert not is_no_store_path(other), other
    assert is_no_store_path("/open311/v2/requests/MQ1.json")
