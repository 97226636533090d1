"""Open311 GeoReport v2: the service list is the active matter categories; a form-encoded POST
files a matter (channel open311) in the community named by jurisdiction_id; a lookup answers
the status and dates only; errors in Open311's own shape."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from communitygate.core import clock
from communitygate.matters.models import Matter, MatterCategory, MatterChannels

from .test_public_pages import ANSWER, DESCRIPTION, NAME, PHONE, answered, filed

pytestmark = pytest.mark.django_db

SERVICES = "/open311/v2/services.json"
REQUESTS = "/open311/v2/requests.json"
FULL_PHONE = re.compile(r"1[3-9]\d{9}")
MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Failed lookups count per address in the cache: none before, none left after."""
    cache.clear()
    yield
    cache.clear()


def request_form(**overrides: str) -> dict[str, str]:
    values = {
        "jurisdiction_id": "370203031001",
        "service_code": "repair",
        "description": DESCRIPTION,
        "first_name": "三丰",
        "last_name": "张",
        "phone": PHONE,
        "address_string": "商邱路3号楼2单元",
        "media_url": "http://example.invalid/photo.jpg",
        "api_key": "anything",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def assert_open311_error(answer: Any, status: int) -> list[dict[str, Any]]:
    assert answer.status_code == status, answer.content
    errors: list[dict[str, Any]] = answer.json()
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"}
        assert error["code"] == status and error["description"]
    return errors


class TestServices:
    def test_every_active_category_is_a_service(self, world: Any, client: Client) -> None:
        MatterCategory.objects.filter(code="other").update(active=False)
        answer = client.get(SERVICES)
        assert answer.status_code == 200
        assert answer["Content-Type"].startswith("application/json")
        services = answer.json()
        codes = [service["service_code"] for service in services]
        assert codes == list(
            MatterCategory.objects.filter(active=True)
            .order_by("position", "code")
            .values_list("code", flat=True)
        )
        assert "other" not in codes
        repair = next(service for service in services if service["service_code"] == "repair")
        assert set(repair) == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
        assert repair["service_name"] == "报修"
        assert repair["metadata"] is False and repair["type"] == "realtime"
        assert "3" in repair["description"]  # the working days to an answer
        assert isinstance(repair["keywords"], str) and "Repair" in repair["keywords"]

    def test_the_list_is_one_query(
        self, world: Any, client: Client, django_assert_num_queries: Any
    ) -> None:
        with django_assert_num_queries(1):
            assert client.get(SERVICES).status_code == 200


class TestCreate:
    def test_a_form_post_files_a_matter_in_the_jurisdictions_community(
        self, world: Any, client: Client
    ) -> None:
        answer = client.post(REQUESTS, request_form())
        assert answer.status_code == 201, answer.content
        matter = Matter.objects.get()
        assert answer.json() == [
            {
                "service_request_id": matter.tracking_code,
                "service_notice": answer.json()[0]["service_notice"],
                "account_id": None,
            }
        ]
        assert matter.answer_by.isoformat() in answer.json()[0]["service_notice"]
        assert matter.channel == MatterChannels.OPEN311
        assert matter.category.code == "repair"
        assert matter.community.code == "370203031001"
        assert matter.contact_name == "张三丰"
        assert matter.location == "商邱路3号楼2单元"
        assert matter.description == DESCRIPTION
        assert not matter.photos.exists()  # media_url is never fetched

    def test_the_post_needs_no_csrf_token(self, world: Any) -> None:
        answer = Client(enforce_csrf_checks=True).post(REQUESTS, request_form())
        assert answer.status_code == 201

    def test_a_latin_name_keeps_its_order_and_lat_long_stand_for_the_place(
        self, world: Any, client: Client
    ) -> None:
        form = request_form(first_name="Ann", last_name="Lee", lat="36.08", long="120.37")
        del form["address_string"]
        assert client.post(REQUESTS, form).status_code == 201
        matter = Matter.objects.get()
        assert matter.contact_name == "Ann Lee" and matter.location == "36.08,120.37"

    @pytest.mark.parametrize("missing", ["jurisdiction_id", "service_code", "description"])
    def test_a_missing_parameter_answers_400(
        self, world: Any, client: Client, missing: str
    ) -> None:
        form = request_form()
        del form[missing]
        errors = assert_open311_error(client.post(REQUESTS, form), 400)
        assert any(missing in error["description"] for error in errors)
        assert not Matter.objects.exists()

    def test_a_place_is_required(self, world: Any, client: Client) -> None:
        form = request_form()
        del form["address_string"]
        assert_open311_error(client.post(REQUESTS, form), 400)
        assert not Matter.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "named"),
        [
            ("jurisdiction_id", "370203", "community"),
            ("service_code", "pothole", "category"),
            ("phone", "", "phone"),
            ("phone", "123", "phone"),
        ],
    )
    def test_a_wrong_value_answers_400_naming_it(
        self, world: Any, client: Client, field: str, value: str, named: str
    ) -> None:
        errors = assert_open311_error(client.post(REQUESTS, request_form(**{field: value})), 400)
        assert any(error["description"].startswith(named) for error in errors)
        assert not Matter.objects.exists()


class TestLookup:
    def test_a_request_answers_its_status_and_dates_and_nothing_personal(
        self, world: Any, client: Client
    ) -> None:
        clock.pin(MONDAY)
        matter = answered(world)
        answer = client.get(f"/open311/v2/requests/{matter.tracking_code}.json")
        assert answer.status_code == 200
        [found] = answer.json()
        assert found["service_request_id"] == matter.tracking_code
        assert found["status"] == "open"
        assert found["service_code"] == "repair" and found["service_name"] == "报修"
        assert found["agency_responsible"] == "商邱路社区"
        assert found["requested_datetime"] == "2026-11-23T10:00:00+08:00"
        assert ISO_WITH_OFFSET.match(found["updated_datetime"])
        assert found["expected_datetime"] == f"{matter.answer_by.isoformat()}T23:59:59+08:00"
        assert found["status_notes"] is None and found["description"] is None
        assert found["address"] is None and found["media_url"] is None
        text = answer.content.decode()
        assert ANSWER not in text and DESCRIPTION not in text and NAME not in text
        assert not FULL_PHONE.search(text) and "商邱路3号楼" not in text

    def test_a_closed_matter_is_closed(self, world: Any, client: Client) -> None:
        from communitygate.matters.services.matters import matter_close

        matter = matter_close(actor=world.user("community_worker"), matter=answered(world))
        [found] = client.get(f"/open311/v2/requests/{matter.tracking_code}.json").json()
        assert found["status"] == "closed"

    def test_an_unknown_request_answers_404_in_open311_shape(
        self, world: Any, client: Client
    ) -> None:
        assert_open311_error(client.get("/open311/v2/requests/MQ00000000.json"), 404)

    def test_several_requests_by_id(self, world: Any, client: Client) -> None:
        first, second = filed(), filed(phone="13812345678")
        answer = client.get(
            REQUESTS,
            {"service_request_id": f"{second.tracking_code},{first.tracking_code},MQ00000000"},
        )
        assert answer.status_code == 200
        assert [found["service_request_id"] for found in answer.json()] == [
            second.tracking_code,
            first.tracking_code,
        ]

    def test_several_requests_are_one_query(
        self, world: Any, client: Client, django_assert_num_queries: Any
    ) -> None:
        codes = ",".join(filed(phone=f"1381234{n:04d}").tracking_code for n in range(5))
        with django_assert_num_queries(1):
            answer = client.get(REQUESTS, {"service_request_id": codes})
        assert len(answer.json()) == 5

    def test_listing_every_request_is_not_offered(self, world: Any, client: Client) -> None:
        filed()
        assert_open311_error(client.get(REQUESTS), 400)
        assert_open311_error(client.get(REQUESTS, {"status": "open"}), 400)
