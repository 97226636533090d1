"""Idempotency keys of matter creates are scoped (SECURITY check 6): a staff member's key is
their own (unique per `received_by`), so one community cannot block another's creates by using
the same key; residents filing without signing in share one public space per channel. A retry
answers the first matter, the same key with another body is refused (422); keys are stored as
sent, never cut or hashed (`core.idempotency`)."""

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from communitygate.core.errors import InvalidInput
from communitygate.core.idempotency import MAX_KEY_LENGTH, IdempotencyKeyReused
from communitygate.matters.models import Matter
from communitygate.matters.services.matters import matter_receive, matter_submit_public
from communitygate.matters.tests.test_matters_services import intake
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

API = "/api/v1/matters"


def create(client: Client, key: str, **body: str) -> Any:
    payload = {"category": "consultation", "summary": "同一个Key", **body}
    return client.post(
        API, json.dumps(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_staff_of_two_communities_may_use_the_same_key(world: World) -> None:
    mine = create(signed_in(world.user("community_worker")), "shared-key")
    theirs = create(signed_in(world.user("community_secretary_other")), "shared-key")
    assert mine.status_code == 201, mine.content
    assert theirs.status_code == 201, theirs.content
    assert mine.json()["community"] == "370203031001"
    assert theirs.json()["community"] == "370203014001"
    assert Matter.objects.count() == 2


def test_two_staff_of_one_community_may_use_the_same_key(world: World) -> None:
    first = matter_receive(
        actor=world.user("community_worker"), intake=intake(), idempotency_key="k"
    )
    second = matter_receive(
        actor=world.user("community_secretary"), intake=intake(), idempotency_key="k"
    )
    assert first.pk != second.pk


def test_the_same_person_and_key_answer_the_first_matter_or_422(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    first = create(client, "retry-1")
    again = create(client, "retry-1")
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    changed = create(client, "retry-1", summary="另一件事")
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert Matter.objects.count() == 1


def test_keys_are_stored_as_sent_beside_the_person_who_sent_them(world: World) -> None:
    worker = world.user("community_worker")
    staff = matter_receive(actor=worker, intake=intake(), idempotency_key="k-1")
    public = matter_submit_public(intake=intake(channel="online"), idempotency_key="k-1")
    assert (staff.idempotency_key, staff.received_by) == ("k-1", worker)
    assert (public.idempotency_key, public.received_by) == ("k-1", None)


def test_a_key_of_64_characters_is_stored_whole_and_replays(world: World) -> None:
    worker = world.user("community_worker")
    key = "x" * MAX_KEY_LENGTH
    first = matter_receive(actor=worker, intake=intake(), idempotency_key=key)
    assert first.idempotency_key == key
    assert matter_receive(actor=worker, intake=intake(), idempotency_key=key).pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        matter_receive(actor=worker, intake=intake(summary="另一件"), idempotency_key=key)
    other = matter_receive(
        actor=world.user("community_secretary"), intake=intake(), idempotency_key=key
    )
    assert other.pk != first.pk


def test_a_public_key_is_shared_by_every_resident_of_its_channel(world: World) -> None:
    first = matter_submit_public(intake=intake(channel="online"), idempotency_key="p-1")
    assert matter_submit_public(intake=intake(channel="online"), idempotency_key="p-1") == first
    with pytest.raises(IdempotencyKeyReused):
        matter_submit_public(intake=intake(channel="online", summary="别的"), idempotency_key="p-1")


@pytest.mark.parametrize("key", ["a\x00b", "a\nb", "键", "x" * (MAX_KEY_LENGTH + 1)])
def test_a_key_with_control_characters_non_ascii_or_too_long_is_refused(
    world: World, key: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        matter_receive(actor=world.user("community_worker"), intake=intake(), idempotency_key=key)
    assert [p.field for p in refused.value.problems] == ["Idempotency-Key"]
    assert not Matter.objects.exists()


def test_the_request_hash_is_keyed_so_the_phone_cannot_be_guessed_from_it(world: World) -> None:
    matter = matter_receive(
        actor=world.user("community_worker"), intake=intake(), idempotency_key="h"
    )
    body = {
        "actor": world.user("community_worker").pk,
        "community": "370203031001",
        "category": "consultation",
        "summary": "楼道灯坏了",
        "description": "",
        "location": "",
        "contact_name": "测试居民",
        "phone": "13912345678",
        "resident": None,
        "channel": "visit",
        "photos": [],
    }
    plain = hashlib.sha256(
        json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    assert matter.request_hash and matter.request_hash != plain
