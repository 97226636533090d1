"""The matters pages and the staff API: the quick intake, the list (filters, overdue marks, query
count), a matter's steps and history, the rates, the export, and masking everywhere."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from communitygate.audit.models import AuditEvent
from communitygate.matters.models import Matter, MatterCategory, MatterStatuses
from communitygate.matters.services.matters import matter_answer, matter_receive
from communitygate.matters.tests.test_matters_services import PHONE, PNG, intake, pin_day
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

FULL_PHONE = re.compile(r"1[3-9]\d{9}")


def some_matters(world: World, count: int) -> list[Matter]:
    return [
        matter_receive(actor=world.user("community_worker"), intake=intake(summary=f"事项{n}"))
        for n in range(count)
    ]


def intake_form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "community": "370203031001",
        "channel": "call",
        "category": "repair",
        "summary": "电梯停运",
        "contact_name": "来电居民",
        "phone": "139 1234 5678",
        "form_token": "intake-test-1",
    }
    values.update(overrides)
    return values


def test_quick_intake_saves_and_returns_to_an_empty_form_with_the_code(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    page = client.get("/residents/matters/new/")
    assert page["Cache-Control"].count("no-store")
    html = page.content.decode()
    assert 'value="visit"' in html and "checked" in html
    assert re.search(r'name="summary"[^>]*autofocus', html)
    response = client.post(
        "/residents/matters/new/",
        {**intake_form(), "photos": [SimpleUploadedFile("lift.png", PNG, "image/png")]},
        follow=True,
    )
    matter = Matter.objects.get()
    assert response.redirect_chain[-1][0] == "/residents/matters/new/"
    assert matter.tracking_code in response.content.decode()
    assert matter.channel == "call" and matter.phone_masked == "139****5678"
    assert matter.photos.count() == 1
    # A double click sends the same token: still one matter.
    client.post("/residents/matters/new/", intake_form())
    assert Matter.objects.count() == 1


def test_intake_shows_the_problems_on_the_form(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    response = client.post("/residents/matters/new/", intake_form(phone="12345", form_token="x2"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not Matter.objects.exists()


def test_intake_finds_a_resident_by_name_within_the_community(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    response = client.get("/residents/matters/new/?find=nobody")
    assert response.status_code == 200
    assert response.context["found"] == []


def test_the_list_is_scoped_masked_marked_and_counts_its_queries(
    world: World, django_assert_num_queries
) -> None:
    pin_day(dt.date(2025, 9, 1))
    some_matters(world, 3)
    matter_receive(
        actor=world.user("community_secretary_other"),
        intake=intake(community_code="370203014001", summary="外社区事项"),
    )
    pin_day(dt.date(2025, 9, 30))
    client = signed_in(world.user("community_worker"))
    client.get("/residents/matters/")  # warm the session and grants
    with django_assert_num_queries(8):
        response = client.get("/residents/matters/")
    html = response.content.decode()
    assert "外社区事项" not in html
    assert html.count('data-overdue="1"') == 3
    assert not FULL_PHONE.search(html)
    assert "139****5678" in html
    assert response["Cache-Control"].count("no-store")
    some_matters(world, 7)
    with django_assert_num_queries(8):
        client.get("/residents/matters/")


def test_the_list_filters(world: World) -> None:
    matters = some_matters(world, 2)
    matter_answer(actor=world.user("community_worker"), matter=matters[0], answer="好")
    client = signed_in(world.user("community_worker"))
    response = client.get("/residents/matters/?status=answered")
    assert [m.pk for m, _overdue in response.context["rows"]] == [matters[0].pk]
    response = client.get(f"/residents/matters/?text={matters[1].tracking_code}")
    assert [m.pk for m, _overdue in response.context["rows"]] == [matters[1].pk]


def test_the_subdistrict_reads_and_sees_escalated_ones_but_cannot_act(world: World) -> None:
    pin_day(dt.date(2025, 9, 1))
    (matter,) = some_matters(world, 1)
    call_command("escalate_overdue_matters", "--date", "2025-09-30", stdout=io.StringIO())
    client = signed_in(world.user("subdistrict_officer"))
    html = client.get("/residents/matters/").content.decode()
    assert 'data-escalated="1"' in html
    page = client.get(f"/residents/matters/{matter.pk}/").content.decode()
    assert 'data-testid="answer-form"' not in page
    response = client.post(f"/residents/matters/{matter.pk}/answer/", {"answer": "x"})
    assert response.status_code == 403
    assert Matter.objects.get(pk=matter.pk).status == MatterStatuses.RECEIVED


def test_steps_from_the_matters_page_and_its_history(world: World) -> None:
    (matter,) = some_matters(world, 1)
    client = signed_in(world.user("community_secretary"))
    url = f"/residents/matters/{matter.pk}/"
    client.post(url + "assign/", {"assignee": "community_worker"})
    client.post(url + "answer/", {"answer": "已联系物业"})
    client.post(url + "close/")
    client.post(url + "reopen/", {"reason": "居民补充"})
    matter.refresh_from_db()
    assert matter.status == MatterStatuses.REOPENED
    assert matter.assignee == world.user("community_worker")
    page = client.get(url)
    history = [(step.kind, step.status) for step in page.context["history"]]
    assert history == [
        ("receive", "received"),
        ("assign", "assigned"),
        ("answer", "answered"),
        ("close", "closed"),
        ("reopen", "reopened"),
    ]
    # The matter's own records, in plain words; not the audit log's action codes.
    assert "<td>分派</td>" in page.content.decode()
    assert "matter.assign" not in page.content.decode()
    assert not FULL_PHONE.search(page.content.decode())
    # A refused step comes back as a message, not an error page.
    response = client.post(url + "close/", follow=True)
    assert response.status_code == 200
    assert Matter.objects.get(pk=matter.pk).status == MatterStatuses.REOPENED


def test_another_communitys_matter_is_not_found(world: World) -> None:
    (matter,) = some_matters(world, 1)
    client = signed_in(world.user("community_secretary_other"))
    assert client.get(f"/residents/matters/{matter.pk}/").status_code == 404
    assert client.post(f"/residents/matters/{matter.pk}/close/").status_code == 404


def test_rates_page_periods(world: World) -> None:
    pin_day(dt.date(2025, 9, 1))
    some_matters(world, 2)
    client = signed_in(world.user("office_officer"))
    response = client.get("/residents/rates/?period=quarter&year=2025&quarter=3")
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2025, 7, 1),
        dt.date(2025, 9, 30),
    )
    assert response.context["total_rows"][0].received == 2
    assert len(response.context["rows"]) == 3  # the office reads every community
    response = signed_in(world.user("community_worker")).get(
        "/residents/rates/?period=year&year=2025"
    )
    assert [row.code for row in response.context["rows"]] == ["370203031001"]
    response = client.get("/residents/rates/?period=custom&start=2025-09-02&end=2025-09-30")
    assert response.context["total_rows"][0].received == 0


def test_the_export_is_masked_and_recorded(world: World) -> None:
    some_matters(world, 2)
    response = signed_in(world.user("community_worker")).get("/residents/matters/export.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert PHONE not in text and "139****5678" in text
    event = AuditEvent.objects.get(action="matter.export")
    assert event.changes["rows"] == [None, 2]


# The staff API ---------------------------------------------------------------------------


def test_api_lists_scoped_and_masked_with_paging(world: World, django_assert_num_queries) -> None:
    some_matters(world, 3)
    client = signed_in(world.user("community_worker"))
    client.get("/api/v1/matters")
    with django_assert_num_queries(5):
        answer = client.get("/api/v1/matters?limit=2")
    body = answer.json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert not FULL_PHONE.search(answer.content.decode())
    assert body["items"][0]["phone"] == "139****5678"
    assert (
        signed_in(world.user("community_secretary_other")).get("/api/v1/matters").json()["count"]
        == 0
    )
    assert client.get("/api/v1/matters?limit=0").status_code == 422


def test_api_intake_is_idempotent_and_steps_work(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    body = {"category": "consultation", "summary": "API事项", "phone": PHONE, "name": "甲"}
    first = client.post(
        "/api/v1/matters", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/matters", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert again.json()["id"] == first.json()["id"]
    reused = client.post(
        "/api/v1/matters",
        {**body, "summary": "另一件"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-1",
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    matter_id = first.json()["id"]
    assigned = client.post(
        f"/api/v1/matters/{matter_id}/assign",
        {"assignee": "community_secretary"},
        content_type="application/json",
    )
    assert assigned.json()["assignee"] == "community_secretary"
    answered = client.post(
        f"/api/v1/matters/{matter_id}/answer", {"answer": "好"}, content_type="application/json"
    )
    assert answered.json()["status"] == "answered"
    closed = client.post(f"/api/v1/matters/{matter_id}/close")
    assert closed.json()["status"] == "closed"
    refused = client.post(f"/api/v1/matters/{matter_id}/close")
    assert refused.status_code == 409
    assert refused.json()["code"] == "matter_step_not_allowed"


def test_api_rates(world: World) -> None:
    pin_day(dt.date(2025, 9, 1))
    some_matters(world, 2)
    answer = signed_in(world.user("subdistrict_officer")).get(
        "/api/v1/matters/rates?start=2025-09-01&end=2025-09-30"
    )
    body = answer.json()
    assert body["total"]["received"] == 2
    assert body["total"]["response_rate"] is None or body["total"]["response_rate"] == "0.0000"
    assert [row["code"] for row in body["communities"]] == ["370203031001", "370203031002"]
    assert signed_in(world.user("no_role")).get("/api/v1/matters/rates").status_code == 404


# The office's settings -------------------------------------------------------------------


def test_changing_a_categorys_working_days_is_audited(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    category = MatterCategory.objects.get(code="repair")
    response = client.post(
        f"/admin/matters/mattercategory/{category.pk}/change/",
        {
            "name": "报修",
            "name_en": "Repair",
            "answer_within_workdays": "2",
            "active": "on",
            "position": "60",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="matter_category.change")
    assert event.changes == {"answer_within_workdays": [3, 2]}
    assert event.actor == world.user("office_officer")


def test_an_estimated_answer_by_date_is_marked_on_the_pages_and_in_the_api(world: World) -> None:
    # Filed Wednesday 2026-12-30: the count reaches 2027, whose holidays nobody has entered.
    pin_day(dt.date(2026, 12, 30))
    estimated = matter_receive(actor=world.user("community_worker"), intake=intake())
    pin_day(dt.date(2026, 12, 1))
    exact = matter_receive(actor=world.user("community_worker"), intake=intake(summary="精确"))
    client = signed_in(world.user("community_worker"))
    detail = client.get(f"/residents/matters/{estimated.pk}/").content.decode()
    assert "约 2027年1月4日（预估）" in detail
    assert "预估" not in client.get(f"/residents/matters/{exact.pk}/").content.decode()
    listing = client.get("/residents/matters/").content.decode()
    assert listing.count('data-testid="answer-by-estimated"') == 1
    api = client.get(f"/api/v1/matters/{estimated.pk}").json()
    assert (api["answer_by"], api["answer_by_estimated"]) == ("2027-01-04", True)
    assert client.get(f"/api/v1/matters/{exact.pk}").json()["answer_by_estimated"] is False
