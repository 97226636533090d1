"""Personal numbers on the matters' side: typed phones are never written back into a page, the
quick intake's resident search takes a phone by POST only (never in a URL), and free text is
stored with ID-number- and phone-shaped runs masked — in the matter, its answer, the reasons
and the resident's comment, and so in pages, exports and the audit log."""

import datetime as dt
import random
import re

import pytest
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.crypto import seal
from communitygate.core.idnumbers import generate_id_number
from communitygate.matters.models import Matter
from communitygate.matters.services.matters import (
    matter_answer,
    matter_rate,
    matter_receive,
    matter_reopen,
    matter_submit_public,
)
from communitygate.matters.tests.test_matters_services import intake
from communitygate.registry.models import Building, Household, Resident, Room, Unit
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

TYPED_PHONE = "13800001111"
OTHER_PHONE = "13700002222"
ID_NUMBER = generate_id_number(
    random.Random(5), region="370203", birth_date=dt.date(1950, 3, 4), sex="female"
)
DIGIT_RUN = re.compile(r"\d{11,}")


def registry_resident(world: World, name: str, phone: str) -> Resident:
    building, _ = Building.objects.get_or_create(community=world.org("community"), name="1号楼")
    unit, _ = Unit.objects.get_or_create(building=building, name="1单元")
    room = Room.objects.create(unit=unit, number=f"{Room.objects.count() + 101}")
    household = Household.objects.create(
        community=world.org("community"), room=room, created_at=clock.now()
    )
    sealed = seal("phone", phone, f"{phone[:3]}****{phone[-4:]}")
    return Resident.objects.create(
        community=world.org("community"),
        household=household,
        name=name,
        sex="female",
        phone_ciphertext=sealed.ciphertext,
        phone_digest=sealed.digest,
        phone_masked=sealed.masked,
        created_at=clock.now(),
        updated_at=clock.now(),
    )


def no_full_numbers(text: str) -> None:
    assert TYPED_PHONE not in text and ID_NUMBER not in text
    assert not DIGIT_RUN.search(text), text


# Phones typed into forms are not echoed ----------------------------------------------------------


def test_the_intake_form_does_not_echo_the_phone_after_an_error(world: World) -> None:
    response = signed_in(world.user("community_worker")).post(
        "/residents/matters/new/",
        {
            "community": "370203031001",
            "channel": "visit",
            "category": "no-such-category",
            "summary": "电梯停运",
            "phone": TYPED_PHONE,
            "form_token": "echo-1",
        },
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert TYPED_PHONE not in response.content.decode()
    assert not Matter.objects.exists()


def test_the_public_form_does_not_echo_the_phone_after_an_error(world: World) -> None:
    response = Client().post(
        "/public/matters/new/",
        {
            "form_token": "echo-public",
            "community": "370203031001",
            "contact_name": "居民",
            "phone": TYPED_PHONE,
            "category": "repair",
            "summary": "",  # missing: the form comes back
        },
    )
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    assert TYPED_PHONE not in response.content.decode()


# The quick intake's resident search --------------------------------------------------------------


def test_the_search_form_posts_so_no_phone_enters_a_url(world: World) -> None:
    html = signed_in(world.user("community_worker")).get("/residents/matters/new/").content.decode()
    search = re.search(r'<form[^>]*data-testid="resident-search"', html)
    assert search is not None
    assert 'method="post"' in search.group() and "/residents/matters/new/find/" in search.group()


def test_a_name_search_by_get_lists_the_communitys_residents(world: World) -> None:
    wanted = registry_resident(world, "王秀英", TYPED_PHONE)
    registry_resident(world, "王秀兰", OTHER_PHONE)
    response = signed_in(world.user("community_worker")).get("/residents/matters/new/?find=王秀英")
    assert response.status_code == 200
    assert response.context["found"] == [wanted]
    assert "138****1111" in response.content.decode()
    # Another community's worker finds nobody there.
    other = signed_in(world.user("community_secretary_other")).get(
        "/residents/matters/new/?find=王秀英&find_community=370203031001"
    )
    assert other.context["found"] == []


def test_a_phone_in_the_query_string_is_ignored(world: World) -> None:
    registry_resident(world, "王秀英", TYPED_PHONE)
    registry_resident(world, "王秀英", OTHER_PHONE)
    response = signed_in(world.user("community_worker")).get(
        f"/residents/matters/new/?find=王秀英&find_phone={TYPED_PHONE}"
    )
    assert len(response.context["found"]) == 2  # by name only: the phone was not used


def test_a_phone_search_by_post_finds_exactly_that_resident_and_does_not_echo_it(
    world: World,
) -> None:
    wanted = registry_resident(world, "王秀英", TYPED_PHONE)
    registry_resident(world, "王秀英", OTHER_PHONE)
    client = signed_in(world.user("community_worker"))
    response = client.post(
        "/residents/matters/new/find/",
        {"find_community": "370203031001", "find": "王秀英", "find_phone": TYPED_PHONE},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store")
    assert response.context["found"] == [wanted]
    html = response.content.decode()
    assert TYPED_PHONE not in html and "138****1111" in html
    # The phone alone is enough.
    alone = client.post(
        "/residents/matters/new/find/",
        {"find_community": "370203031001", "find": "", "find_phone": TYPED_PHONE},
    )
    assert alone.context["found"] == [wanted]
    # A search changes nothing, and GET is not accepted.
    assert not Matter.objects.exists()
    assert client.get("/residents/matters/new/find/").status_code == 405


def test_a_search_with_nothing_to_find_says_so(world: World) -> None:
    response = signed_in(world.user("community_worker")).post(
        "/residents/matters/new/find/", {"find_community": "370203031001"}
    )
    assert response.status_code == 200
    assert response.context["search"].non_field_errors()
    assert response.context["found"] == []


def test_the_resident_found_is_chosen_in_the_intake(world: World) -> None:
    resident = registry_resident(world, "王秀英", TYPED_PHONE)
    client = signed_in(world.user("community_worker"))
    response = client.post(
        "/residents/matters/new/",
        {
            "community": "370203031001",
            "channel": "visit",
            "category": "repair",
            "summary": "水管漏水",
            "resident": str(resident.pk),
            "form_token": "chosen-1",
        },
    )
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.resident == resident and matter.phone_masked == "138****1111"


# Free text is stored masked ----------------------------------------------------------------------


def test_intake_free_text_is_stored_masked(world: World) -> None:
    matter = matter_receive(
        actor=world.user("community_worker"),
        intake=intake(
            summary=f"回电 {TYPED_PHONE}",
            description=f"身份证 {ID_NUMBER}，电话 {TYPED_PHONE}，座机 0532-88881234",
            location=f"3号楼，联系 {TYPED_PHONE}",
        ),
    )
    matter.refresh_from_db()
    for text in (matter.summary, matter.description, matter.location):
        no_full_numbers(text)
    assert "138****1111" in matter.summary
    assert ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in matter.description
    assert "88881234" not in matter.description
    assert "3号楼" in matter.location


def test_public_free_text_is_stored_masked(world: World) -> None:
    matter = matter_submit_public(
        intake=intake(
            channel="online",
            summary="求助",
            description=f"我的身份证号是{ID_NUMBER}，手机+86 {TYPED_PHONE}",
        )
    )
    matter.refresh_from_db()
    no_full_numbers(matter.description)


def test_the_answer_reason_and_comment_are_stored_masked_and_audited_masked(
    world: World,
) -> None:
    worker = world.user("community_worker")
    matter = matter_receive(actor=worker, intake=intake())
    matter = matter_answer(actor=worker, matter=matter, answer=f"请拨打 {TYPED_PHONE} 联系物业")
    matter = matter_reopen(actor=worker, matter=matter, reason=f"居民 {TYPED_PHONE} 再次来电")
    matter = matter_answer(actor=worker, matter=matter, answer=f"已办，回访 {TYPED_PHONE}")
    matter_rate(
        tracking_code=matter.tracking_code,
        phone_last4="5678",
        rating="satisfied",
        comment=f"谢谢，有事打 {TYPED_PHONE}，证件 {ID_NUMBER}",
    )
    matter.refresh_from_db()
    no_full_numbers(matter.answer)
    no_full_numbers(matter.rating_comment)
    reopen = AuditEvent.objects.get(action="matter.reopen")
    no_full_numbers(reopen.reason)
    assert "138****1111" in reopen.reason
    for event in AuditEvent.objects.filter(object_type="matters.matter"):
        recorded = f"{event.changes} {event.reason}"
        assert TYPED_PHONE not in recorded and ID_NUMBER not in recorded


def test_the_matter_page_shows_free_text_masked(world: World) -> None:
    worker = world.user("community_worker")
    matter = matter_receive(
        actor=worker, intake=intake(description=f"电话 {TYPED_PHONE}", location="3号楼")
    )
    html = signed_in(world.user("community_worker")).get(f"/residents/matters/{matter.pk}/")
    assert TYPED_PHONE not in html.content.decode()
    assert "138****1111" in html.content.decode()
