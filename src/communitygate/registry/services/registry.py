"""The registry (居民档案): households in rooms of buildings, the residents of each, their care
tags, and volunteers with their hours.

Every personal number is sealed here and nowhere else: an ID number (GB 11643, a 15-digit
legacy number upgraded to 18), a phone and a registered address are stored as ciphertext, with
a blind index for exact search (ID number and phone) and a mask for display. Audit events carry
masked values only. A full value leaves the database only through `personal_information_reveal`,
which only the community's secretary may call and which records every call.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.core import clock
from communitygate.core.crypto import Sealed, seal, unseal
from communitygate.core.errors import (
    InvalidInput,
    InvalidValue,
    PermissionDenied,
    Problem,
    RuleBroken,
)
from communitygate.core.idnumbers import (
    ID_NUMBER_KIND,
    id_number_birth_date,
    id_number_sex,
    normalise_id_number,
    seal_id_number,
)
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.phones import PHONE_KIND, normalise_phone, seal_phone
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.registry.models import (
    ADDRESS_KIND,
    Building,
    CareTag,
    Household,
    HouseholdKinds,
    PopulationKinds,
    Relations,
    Resident,
    Room,
    Sexes,
    Unit,
    Volunteer,
    VolunteerService,
)
from communitygate.registry.permissions import can_reveal_personal_information, works_in
from communitygate.registry.selectors.registry import (
    ResidentFilters,
    registry_organisation,
    residents_filtered,
)

# The fields a secretary may reveal, with the kind each is sealed as (core.crypto).
REVEALABLE_FIELDS = {
    "id_number": ID_NUMBER_KIND,
    "phone": PHONE_KIND,
    "registered_address": ADDRESS_KIND,
}
ADDRESS_VISIBLE_CHARACTERS = 6

# Named rules ---------------------------------------------------------------------------------


class NotCommunityStaff(PermissionDenied):
    """Only the community's own secretary and workers keep its registry."""

    code = "not_community_staff"

    def __init__(self) -> None:
        super().__init__(
            "只有本社区的书记和工作人员可以维护居民档案。",
            "Only the community's own secretary and workers may keep its registry.",
        )


class PersonalInformationRevealNotAllowed(PermissionDenied):
    code = "reveal_not_allowed"

    def __init__(self) -> None:
        super().__init__(
            "只有本社区书记可以查看完整号码；如确有需要，请联系社区书记。",
            "Only the community's secretary may see a full number; ask the secretary if you "
            "need it.",
        )


class ResidentAlreadyRegistered(RuleBroken):
    """One current record per person and community: found by the ID number."""

    code = "resident_already_registered"

    def __init__(self, masked_id_number: str, resident_id: int | None = None) -> None:
        super().__init__(
            f"身份证号码 {masked_id_number} 的居民已在本社区登记；请打开其档案修改，"
            "或先为其办理迁出。",
            f"A resident with ID number {masked_id_number} is already registered in this "
            "community; open their record to change it, or move them out first.",
        )
        self.masked_id_number = masked_id_number
        self.resident_id = resident_id


class ResidentMovedOut(RuleBroken):
    code = "resident_moved_out"

    def __init__(self) -> None:
        super().__init__(
            "该居民已迁出，档案不能再修改；如其迁回，请重新登记。",
            "This resident has moved out and the record can no longer change; register them "
            "again if they come back.",
        )


class HouseholdMovedOut(RuleBroken):
    code = "household_moved_out"

    def __init__(self) -> None:
        super().__init__(
            "该户已迁出；请为居民新建一户。",
            "This household has moved out; add the resident to a new household.",
        )


class VolunteerAlreadyRegistered(RuleBroken):
    code = "volunteer_already_registered"

    def __init__(self) -> None:
        super().__init__(
            "该居民已登记为志愿者；请直接记录服务时长。",
            "This resident is already a volunteer; record their hours instead.",
        )


class VolunteerInactive(RuleBroken):
    code = "volunteer_inactive"

    def __init__(self) -> None:
        super().__init__(
            "该志愿者已停止服务，不能记录时长；请重新登记为志愿者。",
            "This volunteer is no longer active; register them again before recording hours.",
        )


class NothingToReveal(RuleBroken):
    code = "nothing_to_reveal"
    status = 404

    def __init__(self) -> None:
        super().__init__(
            "该居民没有登记此项信息。", "Nothing of this kind is registered for this resident."
        )


def _invalid(field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput([Problem(message_zh=zh, message_en=en, field=field)])


class BirthDateDoesNotMatchIdNumber(InvalidValue):
    code = "birth_date_does_not_match_id_number"
    field = "birth_date"

    def __init__(self) -> None:
        super().__init__(
            "出生日期与身份证号码第 7–14 位不一致；请核对，或留空出生日期由号码自动得出。",
            "The birth date differs from characters 7–14 of the ID number; check both, "
            "or leave the birth date empty to take it from the number.",
        )


class SexDoesNotMatchIdNumber(InvalidValue):
    code = "sex_does_not_match_id_number"
    field = "sex"

    def __init__(self) -> None:
        super().__init__(
            "性别与身份证号码第 17 位不一致（奇数为男，偶数为女）；请核对。",
            "The sex differs from the 17th character of the ID number (odd for male, "
            "even for female); check both.",
        )


class UnknownCareTag(InvalidValue):
    code = "unknown_care_tag"
    field = "tags"

    def __init__(self, codes: list[str]) -> None:
        super().__init__(
            f"没有这些关爱标签：{'、'.join(codes)}；请从列表中选择。",
            f"There are no such care tags: {', '.join(codes)}; choose from the list.",
        )


# Sealing -----------------------------------------------------------------------------------


def mask_address(address: str) -> str:
    """山东省青岛市****: the first six characters (province and city, at most a district) only."""
    if not address:
        return ""
    return f"{address[:ADDRESS_VISIBLE_CHARACTERS]}****"


def seal_address(address: str) -> Sealed:
    return seal(ADDRESS_KIND, address, mask_address(address))


# Households --------------------------------------------------------------------------------


def _require_staff(actor: AnyUser, community_id: int) -> None:
    if not works_in(actor, community_id):
        raise NotCommunityStaff()


def _place_text(value: str, field: str, zh: str, en: str, problems: list[Problem]) -> str:
    text = (value or "").strip()
    if not text and field != "estate":
        problems.append(Problem(f"请填写{zh}。", f"Enter the {en}.", field=field))
    return text


def household_add(
    *,
    actor: AnyUser,
    community: Organisation,
    estate: str,
    building: str,
    unit: str,
    room: str,
    kind: str = HouseholdKinds.RESIDENT,
    moved_in_on: dt.date | None = None,
) -> Household:
    """A new household (户) in a room of the community; the building (in its estate, 小区), the
    unit and the room are found by name or created."""
    _require_staff(actor, community.pk)
    if community.kind != OrganisationKinds.COMMUNITY:
        raise _invalid("community", "请选择一个社区。", "Choose a community.")
    problems: list[Problem] = []
    estate_name = _place_text(estate, "estate", "小区", "estate", problems)
    building_name = _place_text(building, "building", "楼栋", "building", problems)
    unit_name = _place_text(unit, "unit", "单元", "unit", problems)
    room_number = _place_text(room, "room", "房间号", "room number", problems)
    if kind not in HouseholdKinds.values:
        problems.append(Problem("请选择户别。", "Choose the kind of household.", field="kind"))
    if moved_in_on is not None and moved_in_on > clock.today():
        problems.append(
            Problem(
                "入住日期不能晚于今天。", "The move-in date cannot be in the future.", "moved_in_on"
            )
        )
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        building_row, _ = Building.objects.get_or_create(
            community=community, estate=estate_name, name=building_name
        )
        unit_row, _ = Unit.objects.get_or_create(building=building_row, name=unit_name)
        room_row, _ = Room.objects.get_or_create(unit=unit_row, number=room_number)
        household = Household.objects.create(
            community=community,
            room=room_row,
            kind=kind,
            moved_in_on=moved_in_on,
            created_at=clock.now(),
        )
        record_event(
            actor=acting_user(actor),
            action="household.add",
            obj=household,
            changes=created_fields(
                {
                    "community": community.code,
                    "place": f"{estate_name}{building_name}{unit_name}{room_number}",
                    "kind": kind,
                    "moved_in_on": moved_in_on,
                }
            ),
        )
    return household


# Residents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentFields:
    """What a form, the API or an import row says about a resident, as typed. An empty ID
    number, phone or address means none (when adding) or unchanged (when updating); an empty
    birth date or sex is taken from the ID number."""

    name: str
    sex: str = ""
    birth_date: dt.date | None = None
    id_number: str = ""
    phone: str = ""
    relation: str = Relations.HEAD
    population_kind: str = PopulationKinds.REGISTERED
    registered_address: str = ""
    moved_in_on: dt.date | None = None
    tag_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedResident:
    """The fields after every rule: normalised, with the personal values sealed."""

    name: str
    sex: str
    birth_date: dt.date | None
    relation: str
    population_kind: str
    moved_in_on: dt.date | None
    id_number: Sealed | None
    phone: Sealed | None
    registered_address: Sealed | None
    tags: tuple[CareTag, ...]


def resident_fields_check(fields: ResidentFields, *, stored_id_number: str = "") -> CheckedResident:
    """Every rule on one resident's fields, all problems at once (InvalidInput), except the
    named cross-checks of birth date and sex against the ID number, raised on their own.
    `stored_id_number` is the number already on record (when an update leaves it blank)."""
    problems: list[Problem] = []
    name = (fields.name or "").strip()
    if not name:
        problems.append(Problem("请填写姓名。", "Enter the name.", field="name"))
    id_number = ""
    if (fields.id_number or "").strip():
        try:
            id_number = normalise_id_number(fields.id_number)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    phone = ""
    if (fields.phone or "").strip():
        try:
            phone = normalise_phone(fields.phone)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    if fields.sex and fields.sex not in Sexes.values:
        problems.append(Problem("请选择性别。", "Choose the sex.", field="sex"))
    if fields.relation not in Relations.values:
        problems.append(
            Problem("请选择与户主关系。", "Choose the relation to the head.", field="relation")
        )
    if fields.population_kind not in PopulationKinds.values:
        problems.append(
            Problem("请选择人员类别。", "Choose the population category.", field="population_kind")
        )
    today = clock.today()
    if fields.birth_date is not None and fields.birth_date > today:
        problems.append(
            Problem(
                "出生日期不能晚于今天。", "The birth date cannot be in the future.", "birth_date"
            )
        )
    if fields.moved_in_on is not None and fields.moved_in_on > today:
        problems.append(
            Problem(
                "入住日期不能晚于今天。", "The move-in date cannot be in the future.", "moved_in_on"
            )
        )
    address = (fields.registered_address or "").strip()
    if len(address) > 200:
        problems.append(
            Problem(
                "户籍地不能超过 200 个字。",
                "The registered residence has at most 200 characters.",
                field="registered_address",
            )
        )
    reference = id_number or stored_id_number
    typed_id_number = bool((fields.id_number or "").strip())
    if not fields.sex and not reference and not typed_id_number:
        problems.append(
            Problem(
                "请选择性别（或填写身份证号码）。",
                "Choose the sex (or enter the ID number).",
                field="sex",
            )
        )
    if problems:
        raise InvalidInput(problems)
    tags = _care_tags(fields.tag_codes)
    birth_date, sex = fields.birth_date, fields.sex
    if reference:
        if birth_date is None:
            birth_date = id_number_birth_date(reference)
        elif birth_date != id_number_birth_date(reference):
            raise BirthDateDoesNotMatchIdNumber()
        if not sex:
            sex = id_number_sex(reference)
        elif sex != id_number_sex(reference):
            raise SexDoesNotMatchIdNumber()
    return CheckedResident(
        name=name,
        sex=sex,
        birth_date=birth_date,
        relation=fields.relation,
        population_kind=fields.population_kind,
        moved_in_on=fields.moved_in_on,
        id_number=seal_id_number(id_number) if id_number else None,
        phone=seal_phone(phone) if phone else None,
        registered_address=seal_address(address) if address else None,
        tags=tags,
    )


def _care_tags(codes: tuple[str, ...]) -> tuple[CareTag, ...]:
    wanted = list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))
    if not wanted:
        return ()
    found = {tag.code: tag for tag in CareTag.objects.filter(code__in=wanted, active=True)}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise UnknownCareTag(missing)
    return tuple(found[code] for code in wanted)


def _current_with_id_number(
    community_id: int, digest: str, exclude_pk: int | None = None
) -> Resident | None:
    duplicates = Resident.objects.filter(
        community_id=community_id, id_number_digest=digest, moved_out_on__isnull=True
    )
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.first()


def _audit_birth_date(birth_date: dt.date | None) -> str | None:
    """The birth date as the audit log holds it: the year only ("1950-**-**"). The masked ID
    number beside it hides exactly the birth date, and the log's readers cannot reveal."""
    return f"{birth_date.year:04d}-**-**" if birth_date is not None else None


def _audit_view(resident: Resident, tags: tuple[CareTag, ...] | list[CareTag]) -> dict[str, object]:
    """What the audit log may say about a resident: masked values only."""
    return {
        "name": resident.name,
        "sex": resident.sex,
        "birth_date": _audit_birth_date(resident.birth_date),
        "relation": resident.relation,
        "population_kind": resident.population_kind,
        "id_number": resident.id_number_masked,
        "phone": resident.phone_masked,
        "registered_address": resident.registered_address_masked,
        "moved_in_on": resident.moved_in_on,
        "household": resident.household_id,
        "tags": sorted(tag.code for tag in tags),
    }


def resident_add(*, actor: AnyUser, household: Household, fields: ResidentFields) -> Resident:
    """Register a resident in a household: ID number and phone normalised, checked and sealed;
    birth date and sex agree with the ID number; one current record per ID number and
    community (`ResidentAlreadyRegistered` names the existing one, masked)."""
    _require_staff(actor, household.community_id)
    if household.moved_out_on is not None:
        raise HouseholdMovedOut()
    checked = resident_fields_check(fields)
    with transaction.atomic():
        if checked.id_number is not None:
            existing = _current_with_id_number(household.community_id, checked.id_number.digest)
            if existing is not None:
                raise ResidentAlreadyRegistered(existing.id_number_masked, existing.pk)
        now = clock.now()
        resident = Resident(
            community_id=household.community_id,
            household=household,
            name=checked.name,
            sex=checked.sex,
            birth_date=checked.birth_date,
            relation=checked.relation,
            population_kind=checked.population_kind,
            moved_in_on=checked.moved_in_on,
            created_at=now,
            updated_at=now,
        )
        _apply_sealed(resident, checked)
        try:
            with transaction.atomic():
                resident.save(force_insert=True)
        except IntegrityError:
            # Two clerks registering the same person at once: the constraint decides.
            assert checked.id_number is not None
            raise ResidentAlreadyRegistered(checked.id_number.masked) from None
        resident.tags.set(checked.tags)
        record_event(
            actor=acting_user(actor),
            action="resident.add",
            obj=resident,
            changes=created_fields(_audit_view(resident, checked.tags)),
        )
    return resident


def _apply_sealed(resident: Resident, checked: CheckedResident) -> None:
    if checked.id_number is not None:
        resident.id_number_ciphertext = checked.id_number.ciphertext
        resident.id_number_digest = checked.id_number.digest
        resident.id_number_masked = checked.id_number.masked
    if checked.phone is not None:
        resident.phone_ciphertext = checked.phone.ciphertext
        resident.phone_digest = checked.phone.digest
        resident.phone_masked = checked.phone.masked
    if checked.registered_address is not None:
        resident.registered_address_ciphertext = checked.registered_address.ciphertext
        resident.registered_address_masked = checked.registered_address.masked


def resident_update(*, actor: AnyUser, resident: Resident, fields: ResidentFields) -> Resident:
    """Change a current resident's record with the same checks as `resident_add`. A blank ID
    number, phone or registered address keeps the stored one (the form never shows it in
    full); the audit event lists the changed fields, masked."""
    _require_staff(actor, resident.community_id)
    stored_id_number = (
        unseal(ID_NUMBER_KIND, resident.id_number_ciphertext)
        if resident.id_number_ciphertext
        else ""
    )
    checked = resident_fields_check(fields, stored_id_number=stored_id_number)
    with transaction.atomic():
        before_tags = list(resident.tags.all())
        before = _audit_view(resident, before_tags)
        if checked.id_number is not None:
            existing = _current_with_id_number(
                resident.community_id, checked.id_number.digest, exclude_pk=resident.pk
            )
            if existing is not None:
                raise ResidentAlreadyRegistered(existing.id_number_masked, existing.pk)
        changed = Resident(
            pk=resident.pk,
            community_id=resident.community_id,
            household_id=resident.household_id,
            name=checked.name,
            sex=checked.sex,
            birth_date=checked.birth_date,
            relation=checked.relation,
            population_kind=checked.population_kind,
            moved_in_on=checked.moved_in_on,
            id_number_ciphertext=resident.id_number_ciphertext,
            id_number_digest=resident.id_number_digest,
            id_number_masked=resident.id_number_masked,
            phone_ciphertext=resident.phone_ciphertext,
            phone_digest=resident.phone_digest,
            phone_masked=resident.phone_masked,
            registered_address_ciphertext=resident.registered_address_ciphertext,
            registered_address_masked=resident.registered_address_masked,
        )
        _apply_sealed(changed, checked)
        values = {
            name: getattr(changed, name)
            for name in (
                "name",
                "sex",
                "birth_date",
                "relation",
                "population_kind",
                "moved_in_on",
                "id_number_ciphertext",
                "id_number_digest",
                "id_number_masked",
                "phone_ciphertext",
                "phone_digest",
                "phone_masked",
                "registered_address_ciphertext",
                "registered_address_masked",
            )
        }
        try:
            with transaction.atomic():
                updated = Resident.objects.filter(pk=resident.pk, moved_out_on__isnull=True).update(
                    **values, updated_at=clock.now()
                )
        except IntegrityError:
            assert checked.id_number is not None
            raise ResidentAlreadyRegistered(checked.id_number.masked) from None
        if updated != 1:
            raise ResidentMovedOut()
        fresh = Resident.objects.get(pk=resident.pk)
        fresh.tags.set(checked.tags)
        changes = changed_fields(before, _audit_view(fresh, checked.tags))
        if fresh.birth_date != resident.birth_date and "birth_date" not in changes:
            # A birth date corrected within its year is a change too (recorded without the day).
            changes["birth_date"] = [before["birth_date"], _audit_birth_date(fresh.birth_date)]
        # A re-typed identical number seals differently but is no change.
        if changes:
            record_event(
                actor=acting_user(actor), action="resident.update", obj=fresh, changes=changes
            )
    return fresh


def resident_move_out(*, actor: AnyUser, resident: Resident, on: dt.date) -> Resident:
    """The resident moved out on `on` (迁出). The record stays; the same person may be registered
    again later."""
    _require_staff(actor, resident.community_id)
    if on > clock.today():
        raise _invalid("on", "迁出日期不能晚于今天。", "The move-out date cannot be in the future.")
    if resident.moved_in_on is not None and on < resident.moved_in_on:
        raise _invalid(
            "on",
            "迁出日期不能早于入住日期。",
            "The move-out date cannot be before the move-in date.",
        )
    with transaction.atomic():
        updated = Resident.objects.filter(pk=resident.pk, moved_out_on__isnull=True).update(
            moved_out_on=on, updated_at=clock.now()
        )
        if updated != 1:
            raise ResidentMovedOut()
        fresh = Resident.objects.get(pk=resident.pk)
        record_event(
            actor=acting_user(actor),
            action="resident.move_out",
            obj=fresh,
            changes={"moved_out_on": [None, on.isoformat()]},
        )
    return fresh


def resident_tags_set(
    *, actor: AnyUser, resident: Resident, tag_codes: tuple[str, ...]
) -> Resident:
    """The resident's care tags become exactly `tag_codes` (active tags only)."""
    _require_staff(actor, resident.community_id)
    tags = _care_tags(tag_codes)
    with transaction.atomic():
        current = Resident.objects.filter(pk=resident.pk, moved_out_on__isnull=True)
        if current.update(updated_at=clock.now()) != 1:
            raise ResidentMovedOut()
        before = sorted(resident.tags.values_list("code", flat=True))
        resident.tags.set(tags)
        after = sorted(tag.code for tag in tags)
        if before != after:
            record_event(
                actor=acting_user(actor),
                action="resident.tags",
                obj=resident,
                changes={"tags": [before, after]},
            )
    return resident


# Searching by number -------------------------------------------------------------------------


def residents_number_search(
    *, actor: AnyUser, filters: ResidentFilters
) -> tuple[QuerySet[Resident], int]:
    """The residents the person may see with exactly this ID number or phone (blind index),
    and how many. A lookup by number tells where a known person lives, so each one is recorded
    like an export: `resident.search` with the filters (numbers masked) and the number of
    matches, on the community searched (or the person's own, or their subdistrict). A number
    that cannot be one is InvalidIdNumber / InvalidPhone (nothing looked up, nothing recorded);
    someone who sees no registry gets NotFound."""
    if not filters.by_number:
        raise _invalid(
            "id_number",
            "按号码精确查找需要填写身份证号码或电话号码。",
            "An exact search needs an ID number or a phone number.",
        )
    searched = registry_organisation(actor, filters.community)
    residents = residents_filtered(actor, filters)
    with transaction.atomic():
        count = residents.count()
        record_event(
            actor=acting_user(actor),
            action="resident.search",
            obj=searched,
            changes={"filters": [None, filters.as_audit()], "matches": [None, count]},
        )
    return residents, count


# Seeing a full number ------------------------------------------------------------------------


def personal_information_reveal(*, actor: AnyUser, resident: Resident, field: str) -> str:
    """The full ID number, phone or registered address of a resident, for the community's
    secretary only. Every reveal is recorded (`resident.reveal`, naming the field, never the
    value); a refused one too (`resident.reveal_denied`), outside any transaction of ours so
    that the refusal stays on record."""
    if field not in REVEALABLE_FIELDS:
        raise _invalid(
            "field", "只能查看身份证号码、电话或户籍地。", "Choose the ID number, phone or address."
        )
    if not can_reveal_personal_information(actor, resident.community_id):
        record_event(
            actor=acting_user(actor),
            action="resident.reveal_denied",
            obj=resident,
            changes={"field": [None, field]},
        )
        raise PersonalInformationRevealNotAllowed()
    ciphertext = getattr(resident, f"{field}_ciphertext")
    if not ciphertext:
        raise NothingToReveal()
    with transaction.atomic():
        record_event(
            actor=acting_user(actor),
            action="resident.reveal",
            obj=resident,
            changes={"field": [None, field]},
        )
    return unseal(REVEALABLE_FIELDS[field], ciphertext)


# Volunteers ----------------------------------------------------------------------------------


def volunteer_register(*, actor: AnyUser, resident: Resident, skills: str) -> Volunteer:
    """Register a current resident as a volunteer (志愿者); one who stopped may come back."""
    _require_staff(actor, resident.community_id)
    if not Resident.objects.filter(pk=resident.pk, moved_out_on__isnull=True).exists():
        raise ResidentMovedOut()
    skills = (skills or "").strip()
    if len(skills) > 200:
        raise _invalid("skills", "特长不能超过 200 个字。", "Skills have at most 200 characters.")
    with transaction.atomic():
        existing = Volunteer.objects.filter(resident=resident).first()
        if existing is not None:
            back = Volunteer.objects.filter(pk=existing.pk, active=False).update(
                active=True, skills=skills, registered_on=clock.today()
            )
            if back != 1:
                raise VolunteerAlreadyRegistered()
            volunteer = Volunteer.objects.get(pk=existing.pk)
        else:
            try:
                with transaction.atomic():
                    volunteer = Volunteer.objects.create(
                        resident=resident,
                        community_id=resident.community_id,
                        skills=skills,
                        registered_on=clock.today(),
                    )
            except IntegrityError:
                raise VolunteerAlreadyRegistered() from None
        record_event(
            actor=acting_user(actor),
            action="volunteer.register",
            obj=volunteer,
            changes=created_fields({"resident": resident.pk, "skills": skills}),
        )
    return volunteer


def volunteer_hours_record(
    *, actor: AnyUser, volunteer: Volunteer, served_on: dt.date, hours: Decimal, what: str
) -> VolunteerService:
    """Append one service to a volunteer's record: more than 0 and at most 24 hours a day, in
    tenths of an hour, on a day that has come."""
    _require_staff(actor, volunteer.community_id)
    problems: list[Problem] = []
    try:
        amount = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if not (Decimal(0) < amount <= Decimal(24)) or amount != amount.quantize(Decimal("0.1")):
        problems.append(
            Problem(
                "服务时长须大于 0、不超过 24 小时，精确到 0.1 小时。",
                "Hours must be more than 0 and at most 24, in tenths of an hour.",
                field="hours",
            )
        )
    if served_on > clock.today():
        problems.append(
            Problem(
                "服务日期不能晚于今天。", "The service date cannot be in the future.", "served_on"
            )
        )
    what = (what or "").strip()
    if not what:
        problems.append(Problem("请填写服务内容。", "Say what the service was.", field="what"))
    elif len(what) > 200:
        problems.append(
            Problem(
                "服务内容不能超过 200 个字。", "The service has at most 200 characters.", "what"
            )
        )
    if problems:
        raise InvalidInput(problems)
    if not volunteer.active:
        raise VolunteerInactive()
    recorder = acting_user(actor)
    if recorder is None:
        raise NotCommunityStaff()
    with transaction.atomic():
        service = VolunteerService.objects.create(
            volunteer=volunteer,
            served_on=served_on,
            hours=amount,
            what=what,
            recorded_by=recorder,
            recorded_at=clock.now(),
        )
        record_event(
            actor=acting_user(actor),
            action="volunteer.hours",
            obj=volunteer,
            changes=created_fields({"served_on": served_on, "hours": str(amount), "what": what}),
        )
    return service


def resident_add_with_household(
    *,
    actor: AnyUser,
    community: Organisation,
    estate: str,
    building: str,
    unit: str,
    room: str,
    kind: str,
    fields: ResidentFields,
) -> Resident:
    """A new household in the named room and its first resident, together or not at all."""
    _require_staff(actor, community.pk)
    resident_fields_check(fields)  # every problem of the resident before a household is made
    with transaction.atomic():
        household = household_add(
            actor=actor,
            community=community,
            estate=estate,
            building=building,
            unit=unit,
            room=room,
            kind=kind,
            moved_in_on=fields.moved_in_on,
        )
        return resident_add(actor=actor, household=household, fields=fields)
