"""People changed through the admin's own forms are in the audit log too."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.testing import World

pytestmark = pytest.mark.django_db


def test_adding_a_person_in_the_admin_is_audited(world: World, client: Client) -> None:
    client.force_login(world.user("office_admin"))
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new-clerk",
            "password1": "a-long-pass-phrase-7",
            "password2": "a-long-pass-phrase-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.get(
        action="user.create", object_id=str(User.objects.get(username="new-clerk").pk)
    )
    assert event.actor_username == "office_admin"
    assert event.changes["username"] == [None, "new-clerk"]


def test_switching_a_person_off_in_the_admin_is_audited(world: World, client: Client) -> None:
    person = world.user("community_worker")
    client.force_login(world.user("office_admin"))
    response = client.post(
        f"/admin/auth/user/{person.pk}/change/",
        {
            "username": person.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    event = AuditEvent.objects.get(action="user.update", object_id=str(person.pk))
    assert event.changes == {"is_active": [True, False]}


def test_setting_a_password_in_the_admin_is_audited(world: World, client: Client) -> None:
    person = world.user("community_worker")
    client.force_login(world.user("office_admin"))
    response = client.post(
        f"/admin/auth/user/{person.pk}/password/",
        {
            "password1": "another-long-phrase-9",
            "password2": "another-long-phrase-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert (
        AuditEvent.objects.filter(action="user.set_password", object_id=str(person.pk)).count() == 1
    )
    assert "another-long-phrase-9" not in str(
        list(AuditEvent.objects.values_list("changes", flat=True))
    )
