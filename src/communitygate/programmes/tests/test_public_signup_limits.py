"""The public sign-up is limited per source address and per guardian's phone
(`http.ratelimits`): past the limit the page answers 429 in Chinese with Retry-After and no
enrolment is made; the same phone from another address is still refused."""

from typing import Any

import pytest
from django.test import Client

from communitygate.programmes.models import Enrolment
from communitygate.testing import World

from .test_programmes_services import club, phone, public_form

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def three_sign_ups(settings: Any) -> None:
    settings.PUBLIC_RATE_LIMITS = {"filing": "5/10m", "signup": f"{LIMIT}/10m"}


def signing_up(client: Client, programme: Any, n: int, guardian_phone: str) -> Any:
    return client.post(
        f"/public/programmes/{programme.pk}/",
        {
            "form_token": public_form(client, programme),
            "child_name": f"小孩{n}",
            "child_birth_date": "2018-05-01",
            "guardian_name": "刘女士",
            "guardian_phone": guardian_phone,
        },
    )


def test_sign_ups_from_one_address_stop_at_the_limit(world: World) -> None:
    programme = club(world, capacity=50)
    client = Client(REMOTE_ADDR="203.0.113.60")
    answers = [signing_up(client, programme, n, phone(n)) for n in range(LIMIT + 3)]
    assert [a.status_code for a in answers] == [302] * LIMIT + [429] * 3
    assert Enrolment.objects.count() == LIMIT
    page = answers[-1].content.decode()
    assert "报名过于频繁" in page
    assert int(answers[-1]["Retry-After"]) >= 1


def test_one_guardian_phone_from_many_addresses_stops_at_the_limit(world: World) -> None:
    programme = club(world, capacity=50)
    statuses = [
        signing_up(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), programme, n, phone(7)).status_code
        for n in range(LIMIT + 2)
    ]
    assert statuses == [302] * LIMIT + [429] * 2
    assert Enrolment.objects.count() == LIMIT
