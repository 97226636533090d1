"""The registry's services: households in rooms found or created, residents checked and sealed
(15-digit numbers upgraded, birth date and sex agreeing with the ID number, one current record
per ID number and community), moving out, care tags, volunteers and their hours, and the reveal
of a full number — the community's secretary only, every reveal on the audit record."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection

from communitygate.audit.models import AuditEvent
from communitygate.core.crypto import blind_index, unseal
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.idnumbers import ID_NUMBER_KIND, mask_id_number, upgrade_legacy_id_number
from communitygate.core.phones import PHONE_KIND
from communitygate.registry.models import (
    ADDRESS_KIND,
    Building,
    Household,
    Resident,
    Room,
    VolunteerService,
)
from communitygate.registry.services.registry import (
    BirthDateDoesNotMatchIdNumber,
    NotCommunityStaff,
    PersonalInformationRevealNotAllowed,
    ResidentAlreadyRegistered,
    ResidentFields,
    ResidentMovedOut,
    SexDoesNotMatchIdNumber,
    UnknownCareTag,
    VolunteerAlreadyRegistered,
    household_add,
    personal_information_reveal,
    resident_add,
    resident_move_out,
    resident_tags_set,
    resident_update,
    volunteer_hours_record,
    volunteer_register,
)
from communitygate.registry.tests.grid_registry import id_number, sibling_secretary
from communitygate.testing import World

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")
PHONE = "13912345678"
ADDRESS = "山东省青岛市市北区登州路10号"


def home(world: World, community: str = "community", room: str = "101") -> Household:
    actor = {
        "community": "community_secretary",
        "community_other": "community_secretary_other",
    }[community]
    return household_add(
        actor=world.user(actor),
        community=world.org(community),
        estate="登州路小区",
        building="3号楼",
        unit="2单元",
        room=room,
        kind="resident",
        moved_in_on=dt.date(2010, 5, 1),
    )


def fields(number: str = "", **overrides: object) -> ResidentFields:
    values: dict[str, object] = {
        "name": "张测试",
        "sex": "",
        "birth_date": None,
        "id_number": number,
        "phone": PHONE,
        "relation": "head",
        "population_kind": "registered",
        "registered_address": ADDRESS,
        "moved_in_on": dt.date(2010, 5, 1),
        "tag_codes": ("elderly-alone",),
    }
    values.update(overrides)
    return ResidentFields(**values)  # type: ignore[arg-type]


def add(
    world: World, number: str, person: str = "community_secretary", **overrides: object
) -> Resident:
    household = overrides.pop("household", None) or home(world)
    assert isinstance(household, Household)
    return resident_add(
        actor=world.user(person), household=household, fields=fields(number, **overrides)
    )


def audit_text(action: str) -> str:
    rows = AuditEvent.objects.filter(action=action).values_list("changes", "reason", "object_repr")
    return json.dumps(list(rows), ensure_ascii=False)


# Households ------------------------------------------------------------------------------------


def test_households_in_one_room_share_the_building_unit_and_room(world: World) -> None:
    first = home(world)
    second = home(world)
    assert first.pk != second.pk
    assert first.room_id == second.room_id
    assert Building.objects.filter(community=world.org("community")).count() == 1
    assert Room.objects.count() == 1
    assert AuditEvent.objects.filter(action="household.add").count() == 2


@pytest.mark.parametrize(
    "person", ["subdistrict_officer", "community_secretary_other", "office_admin"]
)
def test_only_the_communitys_own_staff_add_households(world: World, person: str) -> None:
    with pytest.raises(NotCommunityStaff):
        household_add(
            actor=world.user(person),
            community=world.org("community"),
            estate="",
            building="1号楼",
            unit="1单元",
            room="101",
            kind="resident",
            moved_in_on=None,
        )
    assert not Household.objects.exists()


def test_a_household_needs_building_unit_and_room(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        household_add(
            actor=world.user("community_worker"),
            community=world.org("community"),
            estate="",
            building=" ",
            unit="",
            room="",
            kind="resident",
            moved_in_on=None,
        )
    assert {p.field for p in raised.value.problems} == {"building", "unit", "room"}


# Adding a resident -----------------------------------------------------------------------------


def test_a_resident_is_stored_sealed_and_shown_masked(world: World) -> None:
    number = id_number(11, sex="female", birth=dt.date(1948, 2, 29))
    resident = add(world, number)
    assert resident.id_number_masked == mask_id_number(number)
    assert resident.phone_masked == "139****5678"
    assert resident.registered_address_masked == "山东省青岛市****"
    assert resident.id_number_digest == blind_index("id_number", number)
    assert resident.phone_digest == blind_index("phone", PHONE)
    assert unseal(ID_NUMBER_KIND, resident.id_number_ciphertext) == number
    assert unseal(PHONE_KIND, resident.phone_ciphertext) == PHONE
    assert unseal(ADDRESS_KIND, resident.registered_address_ciphertext) == ADDRESS
    # Birth date and sex come from the number when left empty.
    assert resident.birth_date == dt.date(1948, 2, 29)
    assert resident.sex == "female"
    assert list(resident.tags.values_list("code", flat=True)) == ["elderly-alone"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_resident")
        raw = json.dumps([list(map(str, row)) for row in cursor.fetchall()], ensure_ascii=False)
    assert number not in raw
    assert PHONE not in raw
    assert "登州路10号" not in raw


def test_a_15_digit_number_is_upgraded_and_stored_as_18(world: World) -> None:
    legacy = "370203500308101"  # born 8 March 1950, odd sequence: a man
    upgraded = upgrade_legacy_id_number(legacy)
    resident = add(world, legacy)
    assert len(upgraded) == 18
    assert unseal(ID_NUMBER_KIND, resident.id_number_ciphertext) == upgraded
    assert resident.id_number_digest == blind_index("id_number", upgraded)
    assert resident.id_number_masked == mask_id_number(upgraded)
    assert resident.birth_date == dt.date(1950, 3, 8)
    assert resident.sex == "male"


def test_a_birth_date_that_differs_from_the_id_number_is_refused_by_name(world: World) -> None:
    number = id_number(12, birth=dt.date(1950, 3, 8))
    with pytest.raises(BirthDateDoesNotMatchIdNumber) as raised:
        add(world, number, birth_date=dt.date(1950, 3, 9))
    assert raised.value.problems[0].field == "birth_date"
    assert raised.value.message_zh == raised.value.problems[0].message_zh
    assert not Resident.objects.exists()


def test_a_sex_that_differs_from_the_id_number_is_refused_by_name(world: World) -> None:
    with pytest.raises(SexDoesNotMatchIdNumber):
        add(world, id_number(13, sex="male"), sex="female")
    assert not Resident.objects.exists()


def test_an_invalid_id_number_and_phone_are_both_listed(world: World) -> None:
    wrong_check = id_number(14)[:-1] + ("0" if id_number(14)[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as raised:
        add(world, wrong_check, phone="12345")
    assert {p.field for p in raised.value.problems} == {"id_number", "phone"}
    assert wrong_check not in raised.value.message


def test_a_resident_without_an_id_number_needs_a_sex(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        add(world, "", sex="")
    assert [p.field for p in raised.value.problems] == ["sex"]
    resident = add(world, "", sex="male", birth_date=dt.date(1990, 1, 1))
    assert resident.id_number_digest == "" and resident.id_number_masked == ""


def test_the_same_id_number_twice_in_a_community_names_the_existing_resident(world: World) -> None:
    number = id_number(15)
    first = add(world, number)
    with pytest.raises(ResidentAlreadyRegistered) as raised:
        add(world, number.lower(), name="重复")
    assert raised.value.resident_id == first.pk
    assert mask_id_number(number) in raised.value.message
    assert not FULL_ID.search(raised.value.message)
    assert Resident.objects.count() == 1


def test_the_same_person_may_be_registered_in_another_community(world: World) -> None:
    number = id_number(16)
    add(world, number)
    other = add(
        world, number, "community_secretary_other", household=home(world, "community_other")
    )
    assert other.community == world.org("community_other")


def test_a_resident_who_moved_out_may_be_registered_again(world: World) -> None:
    number = id_number(17)
    first = add(world, number)
    moved = resident_move_out(
        actor=world.user("community_worker"), resident=first, on=dt.date(2024, 1, 1)
    )
    assert moved.moved_out_on == dt.date(2024, 1, 1)
    again = add(world, number, household=home(world, room="202"))
    assert again.pk != first.pk
    assert Resident.objects.count() == 2  # the old record stays
    with pytest.raises(ResidentMovedOut):
        resident_move_out(
            actor=world.user("community_worker"), resident=first, on=dt.date(2024, 2, 1)
        )


def test_the_add_event_holds_masked_values_only(world: World) -> None:
    number = id_number(18)
    add(world, number)
    text = audit_text("resident.add")
    assert mask_id_number(number) in text
    assert "139****5678" in text
    assert not FULL_ID.search(text)
    assert not FULL_MOBILE.search(text)
    assert "登州路10号" not in text


@pytest.mark.parametrize("person", ["subdistrict_officer", "community_secretary_other", "no_role"])
def test_only_the_communitys_staff_register_residents(world: World, person: str) -> None:
    household = home(world)
    with pytest.raises(NotCommunityStaff):
        resident_add(actor=world.user(person), household=household, fields=fields(id_number(19)))


def test_an_unknown_care_tag_is_refused_by_name(world: World) -> None:
    with pytest.raises(UnknownCareTag) as raised:
        add(world, id_number(20), tag_codes=("no-such-tag",))
    assert raised.value.problems[0].field == "tags"
    assert raised.value.message_en == (
        "There are no such care tags: no-such-tag; choose from the list."
    )


# Changing a resident ---------------------------------------------------------------------------


def test_an_update_keeps_blank_numbers_and_records_the_changes_masked(world: World) -> None:
    number = id_number(21)
    resident = add(world, number)
    new_phone = "13800138000"
    updated = resident_update(
        actor=world.user("community_worker"),
        resident=resident,
        fields=fields("", name="张改名", phone=new_phone, registered_address="", tag_codes=()),
    )
    assert updated.name == "张改名"
    assert unseal(ID_NUMBER_KIND, updated.id_number_ciphertext) == number  # kept
    assert unseal(PHONE_KIND, updated.phone_ciphertext) == new_phone
    assert unseal(ADDRESS_KIND, updated.registered_address_ciphertext) == ADDRESS  # kept
    assert list(updated.tags.all()) == []
    text = audit_text("resident.update")
    assert "138****8000" in text and "张改名" in text
    assert not FULL_MOBILE.search(text) and not FULL_ID.search(text)


def test_the_audit_log_holds_the_birth_year_never_the_date_beside_the_mask(
    world: World,
) -> None:
    """The masked number hides exactly the birth date; the log's readers (the audit bureau)
    cannot reveal, so a full date beside the mask would give them the whole number."""
    number = id_number(25, birth=dt.date(1950, 3, 8))
    resident = add(world, number)
    resident_update(
        actor=world.user("community_worker"), resident=resident, fields=fields("", name="张改")
    )
    for action in ("resident.add", "resident.update"):
        text = audit_text(action)
        assert "1950-03-08" not in text and "19500308" not in text, action
    added = AuditEvent.objects.get(action="resident.add")
    assert added.changes["birth_date"] == [None, "1950-**-**"]
    assert added.changes["id_number"][1] == mask_id_number(number)


def test_a_birth_date_corrected_within_its_year_is_still_recorded(world: World) -> None:
    resident = add(world, "", sex="female", birth_date=dt.date(1990, 1, 1))
    resident_update(
        actor=world.user("community_worker"),
        resident=resident,
        fields=fields("", sex="female", birth_date=dt.date(1990, 5, 6)),
    )
    event = AuditEvent.objects.get(action="resident.update")
    assert event.changes == {"birth_date": ["1990-**-**", "1990-**-**"]}
    assert Resident.objects.get(pk=resident.pk).birth_date == dt.date(1990, 5, 6)


def test_an_update_checks_the_birth_date_against_the_stored_number(world: World) -> None:
    resident = add(world, id_number(22, birth=dt.date(1950, 3, 8)))
    with pytest.raises(BirthDateDoesNotMatchIdNumber):
        resident_update(
            actor=world.user("community_worker"),
            resident=resident,
            fields=fields("", birth_date=dt.date(1951, 1, 1)),
        )


def test_an_update_to_another_residents_number_is_a_duplicate(world: World) -> None:
    taken = id_number(23)
    add(world, taken)
    second = add(world, id_number(24, birth=dt.date(1960, 1, 1)), household=home(world, room="102"))
    with pytest.raises(ResidentAlreadyRegistered):
        resident_update(actor=world.user("community_worker"), resident=second, fields=fields(taken))


def test_a_moved_out_resident_cannot_be_changed(world: World) -> None:
    resident = add(world, id_number(25))
    resident_move_out(
        actor=world.user("community_worker"), resident=resident, on=dt.date(2024, 1, 1)
    )
    with pytest.raises(ResidentMovedOut):
        resident_update(actor=world.user("community_worker"), resident=resident, fields=fields(""))
    with pytest.raises(ResidentMovedOut):
        resident_tags_set(actor=world.user("community_worker"), resident=resident, tag_codes=())


def test_tags_are_set_exactly(world: World) -> None:
    resident = add(world, id_number(26))
    resident_tags_set(
        actor=world.user("community_worker"),
        resident=resident,
        tag_codes=("aged-80-plus", "veteran"),
    )
    assert sorted(resident.tags.values_list("code", flat=True)) == ["aged-80-plus", "veteran"]
    assert AuditEvent.objects.filter(action="resident.tags").count() == 1


def test_moving_out_is_staff_only_and_not_in_the_future(world: World) -> None:
    resident = add(world, id_number(27))
    with pytest.raises(NotCommunityStaff):
        resident_move_out(
            actor=world.user("subdistrict_officer"), resident=resident, on=dt.date(2024, 1, 1)
        )
    with pytest.raises(InvalidInput):
        resident_move_out(
            actor=world.user("community_worker"), resident=resident, on=dt.date(2999, 1, 1)
        )
    assert Resident.objects.get(pk=resident.pk).moved_out_on is None


# Reveal ----------------------------------------------------------------------------------------


def test_the_secretary_reveals_a_full_number_and_the_reveal_is_recorded(world: World) -> None:
    number = id_number(28)
    resident = add(world, number)
    secretary = world.user("community_secretary")
    assert (
        personal_information_reveal(actor=secretary, resident=resident, field="id_number") == number
    )
    assert personal_information_reveal(actor=secretary, resident=resident, field="phone") == PHONE
    events = AuditEvent.objects.filter(action="resident.reveal").order_by("pk")
    assert [e.changes["field"][1] for e in events] == ["id_number", "phone"]
    assert all(e.actor == secretary and e.object_id == str(resident.pk) for e in events)
    text = audit_text("resident.reveal")
    assert number not in text and PHONE not in text
    assert not FULL_ID.search(text) and not FULL_MOBILE.search(text)


@pytest.mark.parametrize(
    "person",
    ["community_worker", "subdistrict_officer", "community_secretary_other", "office_admin"],
)
def test_no_one_else_may_reveal_and_the_refusal_is_recorded(world: World, person: str) -> None:
    resident = add(world, id_number(29))
    with pytest.raises(PersonalInformationRevealNotAllowed) as raised:
        personal_information_reveal(actor=world.user(person), resident=resident, field="id_number")
    assert isinstance(raised.value, PermissionDenied) and raised.value.status == 403
    assert not AuditEvent.objects.filter(action="resident.reveal").exists()
    denied = AuditEvent.objects.get(action="resident.reveal_denied")
    assert denied.actor == world.user(person)


def test_a_sibling_communitys_secretary_cannot_reveal(world: World) -> None:
    resident = add(world, id_number(30))
    with pytest.raises(PersonalInformationRevealNotAllowed):
        personal_information_reveal(
            actor=sibling_secretary(world), resident=resident, field="phone"
        )


def test_only_known_fields_are_revealed(world: World) -> None:
    resident = add(world, id_number(31))
    with pytest.raises(InvalidInput):
        personal_information_reveal(
            actor=world.user("community_secretary"), resident=resident, field="id_number_digest"
        )


# Volunteers ------------------------------------------------------------------------------------


def test_a_volunteer_registers_once_and_records_hours(world: World) -> None:
    resident = add(world, id_number(32))
    worker = world.user("community_worker")
    volunteer = volunteer_register(actor=worker, resident=resident, skills="理发")
    with pytest.raises(VolunteerAlreadyRegistered):
        volunteer_register(actor=worker, resident=resident, skills="")
    service = volunteer_hours_record(
        actor=worker,
        volunteer=volunteer,
        served_on=dt.date(2024, 6, 1),
        hours=Decimal("2.5"),
        what="义剪",
    )
    assert service.hours == Decimal("2.5") and service.recorded_by == worker
    assert AuditEvent.objects.filter(action="volunteer.hours").count() == 1


@pytest.mark.parametrize(
    ("hours", "served_on", "what"),
    [
        (Decimal("0"), dt.date(2024, 6, 1), "义剪"),
        (Decimal("24.5"), dt.date(2024, 6, 1), "义剪"),
        (Decimal("1.25"), dt.date(2024, 6, 1), "义剪"),
        (Decimal("2"), dt.date(2999, 1, 1), "义剪"),
        (Decimal("2"), dt.date(2024, 6, 1), " "),
    ],
)
def test_volunteer_hours_are_checked(
    world: World, hours: Decimal, served_on: dt.date, what: str
) -> None:
    resident = add(world, id_number(33))
    worker = world.user("community_worker")
    volunteer = volunteer_register(actor=worker, resident=resident, skills="")
    with pytest.raises(InvalidInput):
        volunteer_hours_record(
            actor=worker, volunteer=volunteer, served_on=served_on, hours=hours, what=what
        )
    assert not VolunteerService.objects.exists()


def test_only_staff_record_volunteers(world: World) -> None:
    resident = add(world, id_number(34))
    volunteer = volunteer_register(
        actor=world.user("community_worker"), resident=resident, skills=""
    )
    with pytest.raises(NotCommunityStaff):
        volunteer_register(actor=world.user("subdistrict_officer"), resident=resident, skills="")
    with pytest.raises(NotCommunityStaff):
        volunteer_hours_record(
            actor=world.user("community_secretary_other"),
            volunteer=volunteer,
            served_on=dt.date(2024, 6, 1),
            hours=Decimal(1),
            what="x",
        )
