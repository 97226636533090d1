"""The public API: POST /api/v1/public/matters files a matter without signing in (the
Idempotency-Key honoured), GET .../{code}?phone_last4= reads its status with nothing personal,
POST .../{code}/rating rates the answer; errors in the project's one shape."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.matters.models import Matter, MatterChannels, MatterStatuses

from .test_public_pages import ANSWER, DESCRIPTION, LAST4, NAME, PHONE, answered, filed

pytestmark = pytest.mark.django_db

MATTERS = "/api/v1/public/matters"
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Failed lookups count per address in the cache: none before, none left after."""
    cache.clear()
    yield
    cache.clear()


def body(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "community": "370203031001",
        "name": NAME,
        "phone": PHONE,
        "category": "repair",
        "description": DESCRIPTION,
    }
    values.update(overrides)
    return values


def post(client: Client, payload: dict[str, object], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        MATTERS, data=json.dumps(payload), content_type="application/json", headers=headers
    )


def assert_error_shape(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.content
    error: dict[str, Any] = answer.json()
    assert error["code"] == code
    assert error["message_zh"] and error["message_en"]
    assert error["message"] == f"{error['message_zh']} / {error['message_en']}"
    return error


class TestFiling:
    def test_a_matter_is_filed_and_its_tracking_code_answered(self, world, client) -> None:
        answer = post(client, body(summary="楼道灯坏了", location="3号楼"))
        assert answer.status_code == 201
        matter = Matter.objects.get()
        assert answer.json() == {"tracking_code": matter.tracking_code}
        assert matter.channel == MatterChannels.API
        assert matter.summary == "楼道灯坏了" and matter.location == "3号楼"
        assert matter.contact_name == NAME and matter.phone_masked == "139****5678"

    def test_without_a_summary_the_description_begins_it(self, world, client) -> None:
        post(client, body(description="第一行是概要\n第二行是细节"))
        assert Matter.objects.get().summary == "第一行是概要"

    def test_nothing_to_say_is_refused(self, world, client) -> None:
        error = assert_error_shape(post(client, body(description="")), 422, "invalid_input")
        assert [problem["column"] for problem in error["problems"]] == ["summary"]

    def test_the_same_key_answers_the_same_matter(self, world, client) -> None:
        answers = [post(client, body(), key="retry-1") for _ in range(5)]
        assert {answer.status_code for answer in answers} == {201}
        assert len({answer.json()["tracking_code"] for answer in answers}) == 1
        assert Matter.objects.count() == 1
        assert AuditEvent.objects.filter(action="matter.receive").count() == 1

    def test_the_same_key_with_a_changed_body_is_refused(self, world, client) -> None:
        post(client, body(), key="retry-1")
        for changed in [
            body(description="另一件事"),
            body(category="help"),
            body(phone="13812345678"),
        ]:
            assert_error_shape(post(client, changed, key="retry-1"), 422, "idempotency_key_reused")
        assert Matter.objects.count() == 1

    def test_without_a_key_every_post_files_again(self, world, client) -> None:
        post(client, body())
        post(client, body())
        assert Matter.objects.count() == 2

    def test_a_missing_field_is_named_in_chinese_and_english(self, world, client) -> None:
        payload = body()
        del payload["phone"]
        error = assert_error_shape(post(client, payload), 422, "invalid_input")
        assert [problem["column"] for problem in error["problems"]] == ["phone"]
        assert error["problems"][0]["message_zh"] and error["problems"][0]["message_en"]
        assert not Matter.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "column"),
        [
            ("community", "999", "community"),
            ("category", "nope", "category"),
            ("phone", "12345", "phone"),
            ("name", " ", "contact_name"),
        ],
    )
    def test_a_wrong_value_is_named_in_chinese_and_english(
        self, world, client, field: str, value: str, column: str
    ) -> None:
        error = assert_error_shape(post(client, body(**{field: value})), 422, "invalid_input")
        assert column in [problem["column"] for problem in error["problems"]]
        for problem in error["problems"]:
            assert problem["message_zh"] and problem["message_en"]
        assert not Matter.objects.exists()

    def test_no_sign_in_is_needed_and_a_session_changes_nothing(self, world, client) -> None:
        client.force_login(world.user("community_secretary"))
        answer = post(client, body())
        assert answer.status_code == 201
        assert Matter.objects.get().received_by is None


class TestStatus:
    def test_the_status_answers_dates_and_the_answer_and_nothing_personal(
        self, world, client
    ) -> None:
        matter = answered(world)
        answer = client.get(f"{MATTERS}/{matter.tracking_code}", {"phone_last4": LAST4})
        assert answer.status_code == 200
        status = answer.json()
        assert status["tracking_code"] == matter.tracking_code
        assert status["status"] == "answered"
        assert status["status_label"]
        assert status["category"] == "repair" and status["category_name"] == "报修"
        assert (
            status["received_on"] == matter.received_at.date().isoformat() or status["received_on"]
        )
        assert status["answer_by"] == matter.answer_by.isoformat()
        assert status["answer_by_estimated"] is False
        assert status["answered_on"] and status["closed_on"] is None
        assert status["answer"] == ANSWER
        assert status["rating"] == "" and status["can_rate"] is True
        text = answer.content.decode()
        assert not FULL_PHONE.search(text)
        assert NAME not in text and DESCRIPTION not in text
        assert "contact_name" not in status and "phone" not in status

    def test_wrong_digits_and_a_wrong_code_answer_the_same_404(self, world, client) -> None:
        matter = filed()
        wrong_digits = client.get(f"{MATTERS}/{matter.tracking_code}", {"phone_last4": "0000"})
        wrong_code = client.get(f"{MATTERS}/MQ00000000", {"phone_last4": LAST4})
        assert assert_error_shape(wrong_digits, 404, "not_found") == assert_error_shape(
            wrong_code, 404, "not_found"
        )

    def test_the_digits_are_required_and_four(self, world, client) -> None:
        matter = filed()
        assert_error_shape(client.get(f"{MATTERS}/{matter.tracking_code}"), 422, "invalid_input")
        assert_error_shape(
            client.get(f"{MATTERS}/{matter.tracking_code}", {"phone_last4": "567"}),
            422,
            "invalid_input",
        )


class TestRating:
    def rate(self, client: Client, code: str, **overrides: object) -> Any:
        payload: dict[str, object] = {
            "phone_last4": LAST4,
            "rating": "satisfied",
            "comment": "很及时",
        }
        payload.update(overrides)
        return client.post(
            f"{MATTERS}/{code}/rating", data=json.dumps(payload), content_type="application/json"
        )

    def test_a_rating_is_recorded_and_the_status_answered(self, world, client) -> None:
        matter = answered(world)
        answer = self.rate(client, matter.tracking_code)
        assert answer.status_code == 200
        assert answer.json()["rating"] == "satisfied"
        assert answer.json()["can_rate"] is False
        matter.refresh_from_db()
        assert matter.rating == "satisfied" and matter.rating_comment == "很及时"

    def test_unsatisfied_reopens_the_matter(self, world, client) -> None:
        matter = answered(world)
        answer = self.rate(client, matter.tracking_code, rating="unsatisfied")
        assert answer.status_code == 200
        assert answer.json()["status"] == "reopened"
        matter.refresh_from_db()
        assert matter.status == MatterStatuses.REOPENED and matter.times_reopened == 1
        assert AuditEvent.objects.filter(action="matter.reopen").count() == 1

    def test_rating_twice_is_refused(self, world, client) -> None:
        matter = answered(world)
        self.rate(client, matter.tracking_code)
        assert_error_shape(self.rate(client, matter.tracking_code), 409, "matter_already_rated")

    def test_an_unanswered_matter_cannot_be_rated(self, world, client) -> None:
        matter = filed()
        assert_error_shape(self.rate(client, matter.tracking_code), 409, "matter_not_rateable")

    def test_wrong_digits_rate_nothing(self, world, client) -> None:
        matter = answered(world)
        assert_error_shape(
            self.rate(client, matter.tracking_code, phone_last4="0000"), 404, "not_found"
        )
        matter.refresh_from_db()
        assert matter.rating == ""

    def test_an_unknown_rating_is_refused(self, world, client) -> None:
        matter = answered(world)
        assert_error_shape(
            self.rate(client, matter.tracking_code, rating="great"), 422, "invalid_input"
        )
