"""Filing a matter without signing in is limited per source address AND per phone
(`http.ratelimits`, django-ratelimit counting in the shared cache): 100 filings in a loop from
one address file at most the limit's matters and the rest answer 429 with Retry-After — on the
page, the public API and Open311 alike; another phone from the same address is still limited by
the address, the same phone from other addresses by the phone; and the count lives in the
shared file cache, where another process reads and adds to it."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django_ratelimit.core import get_usage

from communitygate.http.ratelimits import TooManyAttempts, attempt_counted, phone_key
from communitygate.matters.models import Matter

from .test_open311 import REQUESTS, assert_open311_error, request_form
from .test_public_pages import NEW, PHONE, form_data

pytestmark = pytest.mark.django_db

API = "/api/v1/public/matters"
LIMIT = 5
OTHER_PHONES = [f"1391234{n:04d}" for n in range(100)]


@pytest.fixture(autouse=True)
def five_filings(settings: Any) -> None:
    settings.PUBLIC_RATE_LIMITS = {"filing": f"{LIMIT}/10m", "signup": f"{LIMIT}/10m"}


def api_body(phone: str = PHONE) -> str:
    return json.dumps(
        {
            "community": "370203031001",
            "name": "居民",
            "phone": phone,
            "category": "repair",
            "description": "楼道灯坏了",
        }
    )


def file_by_api(client: Client, phone: str = PHONE) -> Any:
    return client.post(API, api_body(phone), content_type="application/json")


def test_a_hundred_api_filings_from_one_address_are_at_most_the_limit(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.50")
    started = time.monotonic()
    answers = [file_by_api(client) for _ in range(100)]
    assert time.monotonic() - started < 60
    assert [a.status_code for a in answers] == [201] * LIMIT + [429] * (100 - LIMIT)
    assert Matter.objects.count() == LIMIT
    refused = answers[-1]
    assert refused.json()["code"] == "too_many_attempts"
    assert "分钟后再试" in refused.json()["message_zh"]
    assert "try again in" in refused.json()["message_en"]
    assert 1 <= int(refused["Retry-After"]) <= 600


def test_the_page_refuses_with_a_chinese_page_and_retry_after(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.51")
    answers = [
        client.post(NEW, form_data(once=f"form-{n}", phone=OTHER_PHONES[n])) for n in range(8)
    ]
    assert [a.status_code for a in answers] == [302] * LIMIT + [429] * 3
    assert Matter.objects.count() == LIMIT
    page = answers[-1].content.decode()
    assert "提交事项过于频繁" in page and "Too many" not in page
    assert int(answers[-1]["Retry-After"]) >= 1


def test_open311_refuses_in_its_own_shape(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.52")
    answers = [client.post(REQUESTS, request_form()) for _ in range(LIMIT + 2)]
    assert [a.status_code for a in answers[:LIMIT]] == [201] * LIMIT
    errors = assert_open311_error(answers[-1], 429)
    assert "提交事项过于频繁" in errors[0]["description"]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert Matter.objects.count() == LIMIT


def test_another_phone_from_the_same_address_is_still_limited(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.53")
    statuses = [file_by_api(client, phone).status_code for phone in OTHER_PHONES[:20]]
    assert statuses == [201] * LIMIT + [429] * 15


def test_the_same_phone_from_other_addresses_is_limited_by_the_phone(world) -> None:
    statuses = [
        file_by_api(Client(REMOTE_ADDR=f"198.51.100.{n}")).status_code for n in range(1, 21)
    ]
    assert statuses == [201] * LIMIT + [429] * 15
    assert Matter.objects.count() == LIMIT
    # Another resident elsewhere is not affected.
    assert file_by_api(Client(REMOTE_ADDR="198.51.100.99"), OTHER_PHONES[0]).status_code == 201


def test_channels_share_one_count(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.54")
    assert [file_by_api(client).status_code for _ in range(3)] == [201] * 3
    assert client.post(REQUESTS, request_form()).status_code == 201
    assert client.post(NEW, form_data(once="form-x")).status_code == 302
    assert file_by_api(client).status_code == 429


def test_a_form_with_errors_counts_nothing(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.55")
    for n in range(20):
        assert (
            client.post(NEW, form_data(once=f"bad-{n}", category="no-such-category")).status_code
            == 200
        )
    assert client.post(NEW, form_data(once="good")).status_code == 302


def test_the_cache_holds_no_plain_phone_or_address(world) -> None:
    client = Client(REMOTE_ADDR="203.0.113.56")
    file_by_api(client)
    directory = Path(settings.CACHES["default"]["LOCATION"])
    stored = b"".join(path.read_bytes() for path in directory.rglob("*.djcache"))
    assert stored, "the counters are in the file cache"
    assert PHONE.encode() not in stored and b"203.0.113.56" not in stored
    assert phone_key(PHONE) != PHONE and len(phone_key(PHONE)) == 64
    assert phone_key("12") == ""


# Shared across processes ---------------------------------------------------------------------

OTHER_PROCESS = """
import django, sys
django.setup()
from django.test import RequestFactory
from communitygate.http.ratelimits import TooManyAttempts, attempt_counted
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[1])
try:
    attempt_counted(request, "filing", phone=sys.argv[2])
except TooManyAttempts as refused:
    print("429", refused.retry_after)
else:
    print("counted")
"""


def count_in_another_process(address: str, phone: str) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "communitygate.settings",
        "CACHE_DIR": str(settings.CACHES["default"]["LOCATION"]),
        "SECRET_KEY": settings.SECRET_KEY,
        "COMMUNITYGATE_PI_INDEX_KEY": settings.PI_INDEX_KEY,
        "COMMUNITYGATE_FILING_RATE": f"{LIMIT}/10m",
    }
    answer = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", OTHER_PROCESS, address, phone],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return answer.stdout.strip()


def address_count(address: str) -> int:
    usage = get_usage(
        RequestFactory().post("/", REMOTE_ADDR=address),
        group="public-filing-by-address",
        key=lambda _group, _request: address,
        rate=settings.PUBLIC_RATE_LIMITS["filing"],
    )
    assert usage is not None
    return int(usage["count"])


def test_another_process_reads_and_adds_to_the_same_count(world) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "communitygate.core.cache.SharedFileCache"
    address = "203.0.113.57"
    client = Client(REMOTE_ADDR=address)
    assert [file_by_api(client).status_code for _ in range(LIMIT - 1)] == [201] * (LIMIT - 1)
    # The other process files the last one the address may, then is refused: it saw our four.
    assert count_in_another_process(address, OTHER_PHONES[1]) == "counted"
    assert count_in_another_process(address, OTHER_PHONES[2]).startswith("429 ")
    # And this process sees the other's two.
    assert address_count(address) == LIMIT + 1
    assert file_by_api(client).status_code == 429
    # The phone's count is shared too: the other process counts PHONE from a fresh address.
    cache.clear()
    for n in range(LIMIT):
        assert file_by_api(Client(REMOTE_ADDR=f"192.0.2.{n + 1}")).status_code == 201
    assert count_in_another_process("192.0.2.200", PHONE).startswith("429 ")


def test_the_refusal_names_the_longer_wait() -> None:
    refused = TooManyAttempts("signup", 61)
    assert refused.status == 429 and refused.response_headers() == {"Retry-After": "61"}
    assert "2 分钟" in refused.message_zh and "报名" in refused.message_zh
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.250")
    for _ in range(LIMIT):
        attempt_counted(request, "signup", phone="")
    with pytest.raises(TooManyAttempts):
        attempt_counted(request, "signup", phone="")


def test_attempts_at_the_same_instant_count_exactly(world) -> None:
    """Twelve threads count one address at once through the file cache: exactly LIMIT pass
    (the file lock makes add/incr atomic; without it some would count as one)."""
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.77")
    barrier = threading.Barrier(12)
    passed: list[bool] = []

    def one() -> None:
        barrier.wait()
        try:
            attempt_counted(request, "filing", phone="")
        except TooManyAttempts:
            passed.append(False)
        else:
            passed.append(True)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed.count(True) == LIMIT
    assert address_count("192.0.2.77") == 12
