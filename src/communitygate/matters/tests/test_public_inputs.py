"""Odd input on the public side answers 4xx or a form error, never a 500: NUL characters (which
PostgreSQL refuses) in the public API's tracking code, body and key, and in the public forms;
and the throttle counts a lookup before it runs, giving it back when it finds the matter."""

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from communitygate.matters.models import Matter
from communitygate.matters.throttling import (
    LIMIT,
    TooManyLookups,
    lookups_left,
    lookups_refund,
    lookups_reserve,
)

from .test_public_pages import LAST4, NEW, RATE, TRACK, answered, filed, form_data

pytestmark = pytest.mark.django_db

API = "/api/v1/public/matters"


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def strict() -> Client:
    return Client(raise_request_exception=True)


# NUL characters ----------------------------------------------------------------------------------


def test_nul_in_the_tracking_code_of_the_api_answers_422(world) -> None:
    client = strict()
    assert client.get(f"{API}/MQ%00", {"phone_last4": LAST4}).status_code == 422
    rating = client.post(
        f"{API}/MQ%00/rating",
        json.dumps({"phone_last4": LAST4, "rating": "satisfied"}),
        content_type="application/json",
    )
    assert rating.status_code == 422


def test_nul_in_the_api_body_answers_422(world) -> None:
    answer = strict().post(
        API,
        json.dumps(
            {
                "community": "370203031001",
                "name": "居民",
                "phone": "13912345678",
                "category": "repair",
                "description": "灯\x00坏了",
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "description"
    assert not Matter.objects.exists()


def test_nul_in_the_api_idempotency_key_answers_422(world) -> None:
    answer = strict().post(
        API,
        json.dumps(
            {
                "community": "370203031001",
                "name": "居民",
                "phone": "13912345678",
                "category": "repair",
                "description": "灯坏了",
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k\x00",
    )
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["column"] == "Idempotency-Key"
    assert not Matter.objects.exists()


def test_nul_in_the_public_pages_answers_400(world) -> None:
    client = strict()
    assert client.get(f"{NEW}?community=%00").status_code == 400
    assert client.get(f"{TRACK}?code=MQ%00").status_code == 400
    filing = client.post(NEW, form_data(summary="灯\x00坏了"))
    assert filing.status_code == 400 and "“summary”" in filing.content.decode()
    assert not Matter.objects.exists()
    track = client.post(TRACK, {"tracking_code": "MQ\x00", "phone_last4": LAST4})
    assert track.status_code == 400
    matter = answered(world)
    rate = client.post(
        RATE,
        {
            "tracking_code": matter.tracking_code,
            "phone_last4": LAST4,
            "rating": "satisfied",
            "comment": "好\x00",
        },
    )
    assert rate.status_code == 400 and "“comment”" in rate.content.decode()
    matter.refresh_from_db()
    assert not matter.rating


# The throttle counts before the lookup -----------------------------------------------------------


def test_a_reservation_beyond_what_is_left_is_refused_and_counts_nothing(world) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.30")
    lookups_reserve(request, LIMIT - 1)
    with pytest.raises(TooManyLookups):
        lookups_reserve(request, 2)
    assert lookups_left(request) == 1
    lookups_reserve(request)
    with pytest.raises(TooManyLookups):
        lookups_reserve(request)
    lookups_refund(request, 3)
    assert lookups_left(request) == 3


def test_an_invalid_form_counts_no_lookup(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.31")
    for _ in range(2 * LIMIT):
        client.post(TRACK, {"tracking_code": "MQ12345678", "phone_last4": "12"})
    assert lookups_left(RequestFactory().get("/", REMOTE_ADDR="203.0.113.31")) == LIMIT


def test_right_lookups_are_given_back(world) -> None:
    matter = filed()
    client = Client(REMOTE_ADDR="203.0.113.32")
    for _ in range(2 * LIMIT):
        assert (
            client.get(f"{API}/{matter.tracking_code}", {"phone_last4": LAST4}).status_code == 200
        )
        answer = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
        assert answer.status_code == 200 and answer.context["matter"]
    assert lookups_left(RequestFactory().get("/", REMOTE_ADDR="203.0.113.32")) == LIMIT
