"""Errors that used to answer a bare page: a stored file missing from storage is a 404 page
with the site's header (not a 500), and a server error is the site's page too, falling back
to the plain bilingual 500.html when the site's page itself cannot be rendered."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from communitygate import urls as site_urls
from communitygate.admissions.attachments import attachment_add
from communitygate.admissions.services import application_create
from communitygate.admissions.tests.test_services import MONDAY, fields
from communitygate.core import clock
from communitygate.http import errors
from communitygate.testing import World, signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("communitygate.http.tests.test_server_and_file_errors"),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def crashing(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")


urlpatterns = [
    path("crash/", crashing),
    path("db-down/", database_down),
    path("api/db-down/", database_down),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def test_a_stored_file_missing_from_storage_is_a_404_page(
    world: World, settings: object, tmp_path: Path
) -> None:
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    clock.pin(MONDAY)
    clerk = world.user("department_clerk")
    draft = application_create(actor=clerk, applicant=world.org("department"), fields=fields())
    attachment = attachment_add(actor=clerk, application=draft, filename="依据.pdf", content=PDF)
    url = f"/admissions/{draft.pk}/attachments/{attachment.pk}/"
    client = signed_in(clerk, raise_request_exception=False)
    assert client.get(url).status_code == 200
    (tmp_path / str(attachment.file.name)).unlink()
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "文件已登记，但平台上已找不到该文件" in page


def test_a_server_error_is_the_sites_page_in_chinese_and_english(world: World) -> None:
    client = signed_in(world.user("office_officer"), raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="site-header"' in page and 'data-status="500"' in page
    assert "服务器出错" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Something went wrong on our side" in client.get("/crash/").content.decode()


def test_the_plain_500_page_when_the_sites_page_cannot_be_rendered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> HttpResponse:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(errors, "error_page", broken)
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert "服务器错误 / Server error" in response.content.decode()


def test_an_unreachable_database_is_503_with_retry_after_not_a_500() -> None:
    """A database restarting or failing over: the request may be sent again (the PostgreSQL
    restart drill, scripts/drills.py, shows it end to end)."""
    client = Client(raise_request_exception=False)
    api = client.get("/api/db-down/")
    assert api.status_code == 503
    assert api["Retry-After"] == "5"
    assert api.json()["code"] == "service_unavailable"
    assert "数据库暂时无法连接" in api.json()["message"]
    assert "The database cannot be reached" in api.json()["message"]
    page = client.get("/db-down/")
    assert page.status_code == 503
    assert "暂时无法服务 / Service unavailable" in page.content.decode()
    assert "Traceback" not in page.content.decode()
