"""Organisation services: creating the tree by its rules and updating it on the record."""

import datetime as dt
from typing import Any

import pytest

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import InvalidInput
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import (
    OrganisationCodeTaken,
    ParentKindNotAllowed,
    organisation_create,
    organisation_update,
)
from communitygate.testing import World

pytestmark = pytest.mark.django_db


def test_create_builds_the_path_from_the_root(world: World) -> None:
    community = organisation_create(
        actor=world.user("office_admin"),
        code="370203031009",
        name="新社区",
        kind="community",
        parent=world.org("subdistrict"),
    )
    assert community.path == "370203/370203031/370203031009"
    assert Organisation.objects.get(code="370203031009").parent == world.org("subdistrict")


def test_create_without_a_parent_makes_a_root(db: None) -> None:
    district = organisation_create(actor=None, code="370202", name="市南区", kind="district")
    assert district.path == "370202"
    assert district.parent is None


def test_create_records_every_field_in_the_audit_log(world: World) -> None:
    admin = world.user("office_admin")
    organisation_create(
        actor=admin,
        code="DEPT-JY",
        name="区教育和体育局",
        name_en="Education and Sports Bureau",
        kind="department",
        parent=world.org("district"),
        active_from=dt.date(2024, 1, 1),
    )
    event = AuditEvent.objects.filter(action="organisation.create").order_by("-id").first()
    assert event is not None
    assert event.actor_username == "office_admin"
    assert event.changes["code"] == [None, "DEPT-JY"]
    assert event.changes["name"] == [None, "区教育和体育局"]
    assert event.changes["parent"] == [None, "370203"]
    assert event.changes["active_from"] == [None, "2024-01-01"]


def test_create_refuses_a_taken_code(world: World) -> None:
    before = (Organisation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(OrganisationCodeTaken) as raised:
        organisation_create(
            actor=None,
            code="370203031",
            name="重复的街道",
            kind="subdistrict",
            parent=world.org("district"),
        )
    assert "370203031" in raised.value.message_zh
    assert "370203031" in raised.value.message_en
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == before
    assert Organisation.objects.get(code="370203031").name == "洛阳路街道"


@pytest.mark.parametrize(
    ("kind", "parent_key"),
    [
        ("community", None),
        ("community", "district"),
        ("community", "community"),
        ("community", "department"),
        ("subdistrict", None),
        ("subdistrict", "subdistrict"),
    ],
)
def test_create_refuses_a_parent_of_the_wrong_kind(
    world: World, kind: str, parent_key: str | None
) -> None:
    before = Organisation.objects.count()
    with pytest.raises(ParentKindNotAllowed):
        organisation_create(
            actor=None,
            code="NEW-1",
            name="新机构",
            kind=kind,
            parent=world.org(parent_key) if parent_key else None,
        )
    assert Organisation.objects.count() == before


def test_a_community_under_a_subdistrict_and_a_subdistrict_under_a_district_are_allowed(
    world: World,
) -> None:
    subdistrict = organisation_create(
        actor=None,
        code="370203099",
        name="新街道",
        kind="subdistrict",
        parent=world.org("district"),
    )
    community = organisation_create(
        actor=None, code="370203099001", name="新社区", kind="community", parent=subdistrict
    )
    assert community.path == "370203/370203099/370203099001"


def test_update_records_before_and_after_in_the_audit_log(world: World) -> None:
    admin = world.user("office_admin")
    community = world.org("community")
    updated = organisation_update(
        actor=admin,
        organisation=community,
        reason="更名公告",
        name="商邱路社区居民委员会",
        active_to=dt.date(2030, 12, 31),
    )
    assert updated.name == "商邱路社区居民委员会"
    assert Organisation.objects.get(pk=community.pk).active_to == dt.date(2030, 12, 31)
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.object_id == str(community.pk)
    assert event.actor_username == "office_admin"
    assert event.reason == "更名公告"
    assert event.changes == {
        "name": ["商邱路社区", "商邱路社区居民委员会"],
        "active_to": [None, "2030-12-31"],
    }


def test_update_without_a_change_records_nothing(world: World) -> None:
    community = world.org("community")
    organisation_update(actor=None, organisation=community, name=community.name)
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


@pytest.mark.parametrize(
    "change",
    [{"code": "999"}, {"kind": "department"}, {"path": "x"}, {"parent": None}],
)
def test_update_never_changes_code_kind_or_place_in_the_tree(
    world: World, change: dict[str, Any]
) -> None:
    community = world.org("community")
    with pytest.raises(TypeError):
        organisation_update(actor=None, organisation=community, name="改名", **change)
    stored = Organisation.objects.get(pk=community.pk)
    assert (stored.code, stored.kind, stored.path, stored.name) == (
        "370203031001",
        "community",
        "370203/370203031/370203031001",
        "商邱路社区",
    )
    assert stored.parent == world.org("subdistrict")
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_update_refuses_an_end_before_the_start_and_changes_nothing(world: World) -> None:
    community = world.org("community")
    with pytest.raises(InvalidInput) as raised:
        organisation_update(
            actor=None,
            organisation=community,
            active_from=dt.date(2025, 1, 1),
            active_to=dt.date(2024, 1, 1),
        )
    assert [problem.field for problem in raised.value.problems] == ["active_to"]
    stored = Organisation.objects.get(pk=community.pk)
    assert (stored.active_from, stored.active_to) == (None, None)
    assert not AuditEvent.objects.filter(action="organisation.update").exists()


def test_the_admin_edits_a_community_s_staff_count_through_the_audited_service(
    world: World,
) -> None:
    from communitygate.testing import signed_in

    community = world.org("community")
    client = signed_in(world.user("office_admin"))
    page = client.get(f"/admin/orgs/organisation/{community.pk}/change/")
    assert page.status_code == 200
    assert 'name="staff_count"' in page.content.decode()
    response = client.post(
        f"/admin/orgs/organisation/{community.pk}/change/",
        {
            "name": community.name,
            "name_en": community.name_en,
            "active_from": "",
            "active_to": "",
            "staff_count": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    community.refresh_from_db()
    assert community.staff_count == 6
    event = AuditEvent.objects.filter(action="organisation.update").latest("pk")
    assert event.changes["staff_count"] == [None, 6]
    assert event.actor_username == "office_admin"
