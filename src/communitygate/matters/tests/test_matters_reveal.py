"""A matter's full phone, for calling the resident back: the community's secretary and the
matter's assignee (while they work in the community) may see it; each reveal is recorded
without the value, and a refused one is recorded too. The page is a POST answered with
`Cache-Control: no-store`."""

import pytest
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import PermissionDenied
from communitygate.matters.models import Matter
from communitygate.matters.permissions import can_reveal_matter_phone
from communitygate.matters.services.matters import (
    MatterHasNoPhone,
    MatterPhoneRevealNotAllowed,
    matter_assign,
    matter_phone_reveal,
    matter_receive,
)
from communitygate.matters.tests.test_matters_services import PHONE, intake
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db


def received(world: World, **overrides: object) -> Matter:
    return matter_receive(actor=world.user("community_worker"), intake=intake(**overrides))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_the_secretary_sees_the_phone_and_the_reveal_is_recorded_without_it(
    world: World,
) -> None:
    matter = received(world)
    secretary = world.user("community_secretary")
    assert matter_phone_reveal(actor=secretary, matter=matter) == PHONE
    (event,) = events("matter.reveal_phone")
    assert event.actor_id == secretary.pk
    assert event.object_id == str(matter.pk)
    assert event.changes == {"field": [None, "phone"]}
    assert PHONE not in str(event.changes)


def test_the_assignee_sees_the_phone_of_their_matter(world: World) -> None:
    matter = received(world)
    worker = world.user("community_worker")
    with pytest.raises(MatterPhoneRevealNotAllowed):
        matter_phone_reveal(actor=worker, matter=matter)
    matter = matter_assign(actor=worker, matter=matter, assignee=worker)
    assert can_reveal_matter_phone(worker, matter)
    assert matter_phone_reveal(actor=worker, matter=matter) == PHONE


def test_a_refused_reveal_is_recorded(world: World) -> None:
    matter = received(world)
    for person in ("community_worker", "subdistrict_officer", "community_secretary_other"):
        with pytest.raises(PermissionDenied) as refused:
            matter_phone_reveal(actor=world.user(person), matter=matter)
        assert refused.value.message_zh and refused.value.message_en
    denied = events("matter.reveal_phone_denied")
    assert [event.actor_username for event in denied] == [
        "community_worker",
        "subdistrict_officer",
        "community_secretary_other",
    ]
    assert not events("matter.reveal_phone")


def test_a_matter_without_a_phone_has_nothing_to_reveal(world: World) -> None:
    matter = received(world, phone="")
    with pytest.raises(MatterHasNoPhone):
        matter_phone_reveal(actor=world.user("community_secretary"), matter=matter)


def test_the_page_offers_the_button_only_to_who_may_reveal(world: World) -> None:
    matter = received(world)
    url = f"/residents/matters/{matter.pk}/"
    secretary_page = signed_in(world.user("community_secretary")).get(url).content.decode()
    assert 'data-testid="reveal-phone-form"' in secretary_page
    assert f"/residents/matters/{matter.pk}/reveal-phone/" in secretary_page
    assert PHONE not in secretary_page
    for person in ("community_worker", "subdistrict_officer"):
        page = signed_in(world.user(person)).get(url).content.decode()
        assert 'data-testid="reveal-phone-form"' not in page


def test_the_reveal_page_shows_the_phone_once_uncached(world: World) -> None:
    matter = received(world)
    url = f"/residents/matters/{matter.pk}/reveal-phone/"
    client = signed_in(world.user("community_secretary"))
    response = client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert PHONE in response.content.decode()
    assert len(events("matter.reveal_phone")) == 1
    assert client.get(url).status_code == 405


def test_the_reveal_page_refuses_others(world: World) -> None:
    matter = received(world)
    url = f"/residents/matters/{matter.pk}/reveal-phone/"
    refused = signed_in(world.user("subdistrict_officer")).post(url)
    assert refused.status_code == 403
    assert PHONE not in refused.content.decode()
    assert len(events("matter.reveal_phone_denied")) == 1
    # Someone who does not see the matter is told nothing, and nothing is recorded.
    assert signed_in(world.user("community_secretary_other")).post(url).status_code == 404
    assert len(events("matter.reveal_phone_denied")) == 1
    assert Client().post(url).status_code == 302


def test_the_reveal_page_for_a_matter_without_a_phone_is_not_found(world: World) -> None:
    matter = received(world, phone="")
    response = signed_in(world.user("community_secretary")).post(
        f"/residents/matters/{matter.pk}/reveal-phone/"
    )
    assert response.status_code == 404
