"""Open311's guards: every code asked for counts against the lookup throttle before the answer
(so fifty guesses in one request cannot pass the limit of ten), an `Idempotency-Key` header
makes a retried POST file one matter, and a NUL character in any parameter answers 400 in
Open311's shape rather than failing on PostgreSQL."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from communitygate.matters.models import Matter, MatterChannels
from communitygate.matters.throttling import LIMIT, lookups_left

from .test_open311 import REQUESTS, assert_open311_error, request_form
from .test_public_pages import filed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def left(address: str) -> int:
    return lookups_left(RequestFactory().get("/", REMOTE_ADDR=address))


def unknown_codes(count: int, start: int = 0) -> str:
    return ",".join(f"MQ{n:08d}" for n in range(start, start + count))


# The throttle counts every code ------------------------------------------------------------------


def test_fifty_unknown_codes_in_one_request_are_refused_and_cannot_pass_the_limit(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.20")
    answered_misses = 0
    for attempt in range(5):
        answer = client.get(REQUESTS, {"service_request_id": unknown_codes(50, 50 * attempt)})
        assert_open311_error(answer, 429)
    for attempt in range(20):
        answer = client.get(REQUESTS, {"service_request_id": unknown_codes(3, 3 * attempt)})
        if answer.status_code == 200:
            assert answer.json() == []
            answered_misses += 3
        else:
            assert_open311_error(answer, 429)
    assert answered_misses <= LIMIT
    assert left("203.0.113.20") == LIMIT - answered_misses


def test_the_misses_count_before_the_answer(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.21")
    assert client.get(REQUESTS, {"service_request_id": unknown_codes(LIMIT)}).json() == []
    # Every lookup is now refused, even one naming a real matter.
    matter = filed()
    answer = client.get(REQUESTS, {"service_request_id": matter.tracking_code})
    assert_open311_error(answer, 429)
    assert_open311_error(client.get(f"/open311/v2/requests/{matter.tracking_code}.json"), 429)


def test_a_request_needs_as_many_lookups_left_as_it_names_codes(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.22")
    assert client.get(REQUESTS, {"service_request_id": unknown_codes(LIMIT - 2)}).json() == []
    assert_open311_error(client.get(REQUESTS, {"service_request_id": unknown_codes(3, 100)}), 429)
    # The refusal counted nothing: two are still left.
    assert client.get(REQUESTS, {"service_request_id": unknown_codes(2, 200)}).json() == []


def test_found_codes_are_given_back(world) -> None:
    matters = [filed(), filed()]
    client = Client(REMOTE_ADDR="203.0.113.23")
    codes = ",".join(m.tracking_code for m in matters)
    for _ in range(3 * LIMIT):
        assert len(client.get(REQUESTS, {"service_request_id": codes}).json()) == 2
    mixed = f"{codes},{unknown_codes(1)}"
    assert len(client.get(REQUESTS, {"service_request_id": mixed}).json()) == 2
    assert left("203.0.113.23") == LIMIT - 1


def test_an_unknown_id_in_the_path_counts_before_the_answer(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.24")
    for n in range(LIMIT):
        assert_open311_error(client.get(f"/open311/v2/requests/MQ{n:08d}.json"), 404)
    assert_open311_error(client.get("/open311/v2/requests/MQ99999999.json"), 429)


# Idempotency-Key on POST -------------------------------------------------------------------------


def test_a_retried_post_with_its_key_files_one_matter(world) -> None:
    client = Client()
    first = client.post(REQUESTS, request_form(), HTTP_IDEMPOTENCY_KEY="o311-1")
    again = client.post(REQUESTS, request_form(), HTTP_IDEMPOTENCY_KEY="o311-1")
    assert first.status_code == again.status_code == 201
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Matter.objects.filter(channel=MatterChannels.OPEN311).count() == 1


def test_the_same_key_with_another_body_answers_422(world) -> None:
    client = Client()
    client.post(REQUESTS, request_form(), HTTP_IDEMPOTENCY_KEY="o311-2")
    answer = client.post(
        REQUESTS, request_form(description="另一件事"), HTTP_IDEMPOTENCY_KEY="o311-2"
    )
    assert_open311_error(answer, 422)
    assert Matter.objects.count() == 1


def test_without_a_key_every_post_files_again(world) -> None:
    client = Client()
    client.post(REQUESTS, request_form())
    client.post(REQUESTS, request_form())
    assert Matter.objects.count() == 2


# NUL characters ----------------------------------------------------------------------------------


def test_nul_in_the_ids_asked_for_answers_400(world) -> None:
    client = Client(raise_request_exception=True, REMOTE_ADDR="203.0.113.25")
    assert_open311_error(client.get(REQUESTS + "?service_request_id=MQ%00"), 400)
    assert_open311_error(client.get(REQUESTS + "?service_request_id=MQ1,MQ%00,MQ2"), 400)
    assert_open311_error(client.get("/open311/v2/requests/MQ%00.json"), 400)
    assert_open311_error(client.get("/open311/v2/requests/MQ12345678.json?x=%00"), 400)
    # Nothing was looked up, so nothing counted.
    assert left("203.0.113.25") == LIMIT


@pytest.mark.parametrize(
    "name",
    ["jurisdiction_id", "service_code", "description", "phone", "first_name", "address_string"],
)
def test_nul_in_a_posted_parameter_answers_400_naming_it(world, name: str) -> None:
    answer = Client(raise_request_exception=True).post(
        REQUESTS, request_form(**{name: "37020\x003031001"})
    )
    (error,) = assert_open311_error(answer, 400)
    assert error["description"].startswith(name)
    assert not Matter.objects.exists()


def test_nul_in_the_idempotency_key_answers_422_naming_the_header(world) -> None:
    # The key is refused as on every path that takes one (core.idempotency): 422.
    answer = Client(raise_request_exception=True).post(
        REQUESTS, request_form(), HTTP_IDEMPOTENCY_KEY="k\x00"
    )
    (error,) = assert_open311_error(answer, 422)
    assert error["description"].startswith("Idempotency-Key")
    assert not Matter.objects.exists()
