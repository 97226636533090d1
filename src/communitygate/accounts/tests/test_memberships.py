"""Memberships: which roles an organisation may have, one open membership per role, ending one."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from communitygate.accounts.models import ROLES_BY_KIND, Membership, Roles
from communitygate.accounts.selectors import user_grants
from communitygate.accounts.services import (
    MembershipAlreadyEnded,
    MembershipExists,
    RoleNotAllowedHere,
    api_token_issue,
    membership_end,
    membership_grant,
)
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.orgs.models import OrganisationKinds
from communitygate.testing import World

pytestmark = pytest.mark.django_db

ORG_OF_KIND: dict[str, str] = {
    OrganisationKinds.DISTRICT: "district",
    OrganisationKinds.SUBDISTRICT: "subdistrict",
    OrganisationKinds.COMMUNITY: "community",
    OrganisationKinds.COMMITTEE: "committee",
    OrganisationKinds.COMMITTEE_OFFICE: "office",
    OrganisationKinds.DEPARTMENT: "department",
    OrganisationKinds.SUPERVISION_OFFICE: "supervision",
    OrganisationKinds.AUDIT_BUREAU: "audit",
    OrganisationKinds.SOCIAL_ORG: "social_org",
}


@pytest.fixture
def person(world: World) -> User:
    return User.objects.create_user(username="new_person", password=None)


@pytest.mark.parametrize("kind", list(OrganisationKinds))
@pytest.mark.parametrize("role", list(Roles))
def test_a_role_is_granted_only_where_the_organisation_kind_has_it(
    world: World, person: User, kind: str, role: str
) -> None:
    organisation = world.org(ORG_OF_KIND[kind])
    events_before = AuditEvent.objects.count()
    if role in ROLES_BY_KIND[kind]:
        membership = membership_grant(actor=None, user=person, organisation=organisation, role=role)
        assert membership.active_to is None
        assert AuditEvent.objects.count() == events_before + 1
    else:
        with pytest.raises(RoleNotAllowedHere) as raised:
            membership_grant(actor=None, user=person, organisation=organisation, role=role)
        assert raised.value.status == 422
        assert role in raised.value.message_en
        assert not Membership.objects.filter(user=person).exists()
        assert AuditEvent.objects.count() == events_before


def test_grant_records_its_audit_event(world: World, person: User) -> None:
    clock.pin(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    membership = membership_grant(
        actor=world.user("office_admin"),
        user=person,
        organisation=world.org("community"),
        role="worker",
    )
    assert membership.active_from == dt.date(2026, 3, 2)
    event = AuditEvent.objects.get(action="membership.grant", object_id=str(membership.pk))
    assert event.actor_username == "office_admin"
    assert event.changes == {
        "user": [None, "new_person"],
        "organisation": [None, "370203031001"],
        "role": [None, "worker"],
        "active_from": [None, "2026-03-02"],
    }


def test_a_duplicate_open_membership_is_refused(world: World, person: User) -> None:
    membership_grant(actor=None, user=person, organisation=world.org("community"), role="worker")
    events_before = AuditEvent.objects.count()
    with pytest.raises(MembershipExists):
        membership_grant(
            actor=None, user=person, organisation=world.org("community"), role="worker"
        )
    assert Membership.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.count() == events_before


def test_one_person_may_hold_several_memberships(
    client: Client, world: World, person: User
) -> None:
    membership_grant(actor=None, user=person, organisation=world.org("community"), role="worker")
    membership_grant(actor=None, user=person, organisation=world.org("community"), role="secretary")
    membership_grant(
        actor=None, user=person, organisation=world.org("community_sibling"), role="worker"
    )
    membership_grant(actor=None, user=person, organisation=world.org("social_org"), role="staff")
    grants = {(g.organisation_code, g.role) for g in user_grants(person)}
    assert grants == {
        ("370203031001", "worker"),
        ("370203031001", "secretary"),
        ("370203031002", "worker"),
        ("SO-1", "staff"),
    }
    _token, raw = api_token_issue(actor=None, user=person)
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert len(answer["memberships"]) == 4


def test_a_new_grant_is_seen_at_once_not_hidden_by_the_cache(world: World, person: User) -> None:
    assert user_grants(person) == ()
    membership_grant(actor=None, user=person, organisation=world.org("office"), role="officer")
    assert [g.role for g in user_grants(person)] == ["officer"]


def test_ending_a_membership_keeps_the_row_with_its_end_date(world: World, person: User) -> None:
    clock.pin(dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC))
    membership = membership_grant(
        actor=None, user=person, organisation=world.org("community"), role="worker"
    )
    clock.pin(dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC))
    ended = membership_end(actor=world.user("office_admin"), membership=membership, reason="调离")
    assert ended.active_to == dt.date(2026, 6, 30)
    stored = Membership.objects.get(pk=membership.pk)
    assert (stored.active_from, stored.active_to) == (dt.date(2026, 1, 5), dt.date(2026, 6, 30))
    event = AuditEvent.objects.get(action="membership.end")
    assert event.changes == {"active_to": [None, "2026-06-30"]}
    assert event.reason == "调离"
    assert event.actor_username == "office_admin"


def test_an_ended_membership_grants_nothing_after_its_end(world: World, person: User) -> None:
    clock.pin(dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC))
    membership = membership_grant(
        actor=None, user=person, organisation=world.org("office"), role="officer"
    )
    assert [g.role for g in user_grants(User.objects.get(pk=person.pk))] == ["officer"]
    membership_end(actor=None, membership=membership)
    assert user_grants(User.objects.get(pk=person.pk)) == (), "the role is gone the same day"
    clock.pin(dt.datetime(2026, 1, 6, 1, 0, tzinfo=dt.UTC))
    assert user_grants(User.objects.get(pk=person.pk)) == ()


def test_a_membership_ends_only_once(world: World, person: User) -> None:
    membership = membership_grant(
        actor=None, user=person, organisation=world.org("community"), role="worker"
    )
    membership_end(actor=None, membership=membership)
    with pytest.raises(MembershipAlreadyEnded):
        membership_end(actor=None, membership=membership)
    assert AuditEvent.objects.filter(action="membership.end").count() == 1


def test_after_ending_the_same_role_may_be_granted_again(world: World, person: User) -> None:
    first = membership_grant(
        actor=None, user=person, organisation=world.org("community"), role="worker"
    )
    membership_end(actor=None, membership=first)
    second = membership_grant(
        actor=None, user=person, organisation=world.org("community"), role="worker"
    )
    assert second.pk != first.pk
    rows = Membership.objects.filter(user=person).order_by("pk")
    assert [row.active_to is None for row in rows] == [False, True]
