"""Security headers (SECURITY.md check 1) and the offline intranet.

Django's `check --deploy` does not look at Content-Security-Policy, so these tests do: every
page, API answer and admin page carries the CSP with `object-src 'none'`, X-Frame-Options DENY
and nosniff. The platform runs on a district intranet with no way out: no page may load or link
anything from another host, and every asset a page names must be served by the app itself.
"""

import re
from dataclasses import replace
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client

from communitygate.catalog.services import (
    catalog_item_revise,
    catalog_publish,
    certificate_rule_create,
    item_fields_of,
    negative_list_entry_create,
)
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db

PUBLIC_HTML = [
    "/",
    "/catalog/",
    "/catalog/items/S-1/",
    "/catalog/negative-list/",
    "/catalog/certificates/",
    "/catalog/editions/",
    "/catalog/editions/compare/",
    "/accounts/login/",
    "/admin/login/",
    "/api/v1/docs",
]
OFFICE_HTML = [
    "/catalog/office/",
    "/catalog/office/new/",
    "/catalog/office/items/S-1/",
    "/catalog/office/publish/",
    "/catalog/office/import/",
    "/admin/",
    "/admin/orgs/organisation/",
]
LINK_ATTRIBUTE = re.compile(r"""\b(?:src|href|action|srcset|poster)\s*=\s*["']?([^"'\s>]+)""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.I)


@pytest.fixture
def site(world: World) -> World:
    office = world.user("office_officer")
    item = make_item(world, "S-1")
    catalog_publish(actor=office, title="第一版")
    catalog_item_revise(actor=office, item=item, fields=replace(item_fields_of(item), name="改"))
    catalog_publish(actor=office, title="第二版")
    negative_list_entry_create(actor=office, code="N-1", name="招商引资", reason="政府职责")
    certificate_rule_create(actor=office, code="C-1", name="居住证明", verdict="may_issue")
    return world


def assert_security_headers(response: HttpResponseBase) -> None:
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def body(response: HttpResponseBase) -> str:
    if isinstance(response, StreamingHttpResponse):
        content = b"".join(response.streaming_content)  # type: ignore[arg-type]
        response.close()
        return content.decode()
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def office_client(world: World) -> Client:
    client = Client()
    client.force_login(cast(User, world.user("office_admin")))
    return client


# Headers -----------------------------------------------------------------------------------------


def test_an_html_page_carries_the_security_headers(site: World, client: Client) -> None:
    response = client.get("/catalog/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/catalog/items", 200),
        ("/api/v1/organisations", 200),
        ("/api/v1/me", 401),
        ("/api/v1/no-such-path", 404),
        ("/api/v1/catalog/items?limit=nonsense", 422),
    ],
)
def test_api_answers_carry_the_security_headers(
    site: World, client: Client, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)


def test_the_admin_sign_in_page_carries_the_security_headers(client: Client, db: None) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_carries_the_security_headers_when_signed_in(site: World) -> None:
    response = office_client(site).get("/admin/orgs/organisation/")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/no-such-page/", "/catalog/items/NO-SUCH-ITEM/"])
def test_not_found_pages_carry_the_security_headers(site: World, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert_security_headers(response)


# Nothing from another host ---------------------------------------------------------------------


def links_in(page: str) -> list[str]:
    return [match.group(1) for match in LINK_ATTRIBUTE.finditer(page)]


def is_external(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://", "//", "ftp://")) or "://" in lowered


def rendered_pages(site: World) -> dict[str, str]:
    anonymous, office = Client(), office_client(site)
    pages = {}
    for client, paths in [(anonymous, PUBLIC_HTML), (office, OFFICE_HTML)]:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[path] = body(response)
    return pages


def test_no_page_names_a_url_on_another_host(site: World) -> None:
    pages = rendered_pages(site)
    external = {
        path: [url for url in links_in(page) if is_external(url)] for path, page in pages.items()
    }
    assert not {path: urls for path, urls in external.items() if urls}
    # The check reads links at all: every page names the stylesheet or its own assets.
    assert all(any(url.startswith("/static/") for url in links_in(page)) for page in pages.values())


def test_every_asset_a_page_names_is_served(site: World, client: Client) -> None:
    assets = sorted(
        {
            url.split("?", 1)[0]
            for page in rendered_pages(site).values()
            for url in links_in(page)
            if url.startswith("/static/")
        }
    )
    assert "/static/communitygate/site.css" in assets
    unserved = [path for path in assets if client.get(path).status_code != 200]
    assert not unserved


def test_the_stylesheet_is_served_and_loads_nothing_from_elsewhere(client: Client) -> None:
    response = client.get("/static/communitygate/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["X-Content-Type-Options"] == "nosniff"
    stylesheet = body(response)
    assert stylesheet.strip()
    references = [first or second for first, second in CSS_URL.findall(stylesheet)]
    assert not [url for url in references if is_external(url)]


def test_the_base_page_links_the_served_stylesheet(site: World, client: Client) -> None:
    page = body(client.get("/catalog/"))
    assert '<link rel="stylesheet" href="/static/communitygate/site.css">' in page
