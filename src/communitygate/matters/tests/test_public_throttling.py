"""Guessing the phone's last four digits is throttled: after 10 failed lookups from one address
within 10 minutes, every lookup from it answers 429 (page, API, rating, Open311) — even with the
right digits — while other addresses are unaffected; successes do not count."""

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from communitygate.matters.throttling import LIMIT

from .test_public_pages import LAST4, TRACK, answered, filed

pytestmark = pytest.mark.django_db

API = "/api/v1/public/matters"


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Failed lookups count per address in the cache: none before, none left after."""
    cache.clear()
    yield
    cache.clear()


def guess(client: Client, code: str, digits: str) -> int:
    return client.post(TRACK, {"tracking_code": code, "phone_last4": digits}).status_code


def test_ten_wrong_guesses_then_429_even_for_the_right_digits(world) -> None:
    matter = filed()
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [guess(client, matter.tracking_code, f"{n:04d}") for n in range(LIMIT)] == [200] * LIMIT
    blocked = client.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
    assert blocked.status_code == 429
    assert 'data-testid="throttled"' in blocked.content.decode()
    assert "matter" not in blocked.context


def test_the_api_and_open311_share_the_count(world) -> None:
    matter = filed()
    client = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(LIMIT):
        assert (
            client.get(f"{API}/{matter.tracking_code}", {"phone_last4": f"{n:04d}"}).status_code
            == 404
        )
    answer = client.get(f"{API}/{matter.tracking_code}", {"phone_last4": LAST4})
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_lookups"
    assert answer.json()["message_zh"] and answer.json()["message_en"]
    open311 = client.get(f"/open311/v2/requests/{matter.tracking_code}.json")
    assert open311.status_code == 429
    assert open311.json()[0]["code"] == 429
    rating = client.post(
        f"{API}/{matter.tracking_code}/rating",
        data=json.dumps({"phone_last4": LAST4, "rating": "satisfied"}),
        content_type="application/json",
    )
    assert rating.status_code == 429


def test_unknown_open311_ids_count_as_failures(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(LIMIT):
        assert client.get(f"/open311/v2/requests/MQ{n:08d}.json").status_code == 404
    assert guess(client, "MQ00000000", LAST4) == 429


def test_another_address_is_not_blocked(world) -> None:
    matter = filed()
    guesser = Client(REMOTE_ADDR="203.0.113.10")
    for n in range(LIMIT):
        guess(guesser, matter.tracking_code, f"{n:04d}")
    resident = Client(REMOTE_ADDR="198.51.100.1")
    page = resident.post(TRACK, {"tracking_code": matter.tracking_code, "phone_last4": LAST4})
    assert page.status_code == 200 and page.context["matter"].tracking_code == matter.tracking_code


def test_successful_lookups_do_not_count(world) -> None:
    matter = answered(world)
    client = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(LIMIT * 2):
        assert guess(client, matter.tracking_code, LAST4) == 200


def test_wrong_digits_on_the_rating_form_count_too(world) -> None:
    matter = answered(world)
    client = Client(REMOTE_ADDR="203.0.113.12")
    for n in range(LIMIT):
        client.post(
            "/public/matters/rate/",
            {
                "tracking_code": matter.tracking_code,
                "phone_last4": f"{n:04d}",
                "rating": "satisfied",
            },
        )
    assert guess(client, matter.tracking_code, LAST4) == 429
    matter.refresh_from_db()
    assert matter.rating == ""
