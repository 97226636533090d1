"""Writes to the organisation tree. Organisations are never deleted: they are given an end date."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from communitygate.audit.recorder import changed_fields, created_fields, record_event
from communitygate.core.errors import InvalidInput, Problem, RuleBroken, invalid_input_from
from communitygate.core.people import AnyUser
from communitygate.orgs.models import Organisation, OrganisationKinds

EDITABLE_FIELDS = ("name", "name_en", "active_from", "active_to", "illustrative", "staff_count")


class OrganisationCodeTaken(RuleBroken):
    code = "organisation_code_taken"

    def __init__(self, org_code: str) -> None:
        super().__init__(
            f"机构代码 {org_code} 已被使用，请换一个代码。",
            f"The organisation code {org_code} is already used; choose another.",
        )


class ParentKindNotAllowed(RuleBroken):
    code = "parent_kind_not_allowed"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "上级机构类型不符：社区必须隶属于街道，街道必须隶属于区。",
            "Wrong parent kind: a community belongs to a subdistrict, a subdistrict to a district.",
        )


REQUIRED_PARENT_KIND = {
    OrganisationKinds.SUBDISTRICT: OrganisationKinds.DISTRICT,
    OrganisationKinds.COMMUNITY: OrganisationKinds.SUBDISTRICT,
}


def organisation_fields(organisation: Organisation) -> dict[str, object]:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "name_en": organisation.name_en,
        "kind": organisation.kind,
        "parent": organisation.parent.code if organisation.parent else None,
        "active_from": organisation.active_from,
        "active_to": organisation.active_to,
        "illustrative": organisation.illustrative,
        "staff_count": organisation.staff_count,
    }


def _check_parent(kind: str, parent: Organisation | None) -> None:
    required = REQUIRED_PARENT_KIND.get(OrganisationKinds(kind))
    if required is not None and (parent is None or parent.kind != required):
        raise ParentKindNotAllowed()


def _check_active_dates(active_from: dt.date | None, active_to: dt.date | None) -> None:
    if active_from and active_to and active_to < active_from:
        raise InvalidInput(
            [
                Problem(
                    "停用日期早于启用日期。",
                    "The end date is before the start date.",
                    field="active_to",
                )
            ]
        )


def _check_staff_count(staff_count: int | None) -> None:
    if staff_count is not None and staff_count < 1:
        raise InvalidInput(
            [
                Problem(
                    "社区工作人员数至少为 1；不填则按全区默认人数计算。",
                    "A community's staff count is at least 1; leave it empty for the default.",
                    field="staff_count",
                )
            ]
        )


def organisation_create(
    *,
    actor: AnyUser,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    name_en: str = "",
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
    illustrative: bool = False,
    staff_count: int | None = None,
) -> Organisation:
    _check_parent(kind, parent)
    _check_active_dates(active_from, active_to)
    _check_staff_count(staff_count)
    with transaction.atomic():
        if Organisation.objects.filter(code=code).exists():
            raise OrganisationCodeTaken(code)
        organisation = Organisation.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            kind=kind,
            parent=parent,
            path=f"{parent.path}/{code}" if parent else code,
            active_from=active_from,
            active_to=active_to,
            illustrative=illustrative,
            staff_count=staff_count,
        )
        record_event(
            actor=actor,
            action="organisation.create",
            obj=organisation,
            changes=created_fields(organisation_fields(organisation)),
        )
    return organisation


def organisation_update(
    *,
    actor: AnyUser,
    organisation: Organisation,
    reason: str = "",
    **changes: object,
) -> Organisation:
    """Change names, dates, the illustrative mark or the staff count (a community's capacity in
    the burden forecast). Code, kind and parent stay as created."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = (
            Organisation.objects.select_for_update(of=("self",))
            .select_related("parent")
            .get(pk=organisation.pk)
        )
        before = organisation_fields(locked)
        for field, value in changes.items():
            setattr(locked, field, value)
        _check_active_dates(locked.active_from, locked.active_to)
        _check_staff_count(locked.staff_count)
        try:
            locked.full_clean(exclude=["path", "parent"])
        except DjangoValidationError as invalid:
            raise invalid_input_from(invalid) from None
        locked.save(update_fields=list(changes))
        diff = changed_fields(before, organisation_fields(locked))
        if diff:
            record_event(
                actor=actor, action="organisation.update", obj=locked, changes=diff, reason=reason
            )
    return locked
