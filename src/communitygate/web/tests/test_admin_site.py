"""The admin's changes go through services: a rule they break answers with its message, never a
500, and nothing is saved."""

import re
from html import unescape
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.test import Client

from communitygate.accounts.models import Membership
from communitygate.audit.models import AuditEvent
from communitygate.orgs.models import Organisation
from communitygate.testing import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_admin(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(cast(User, world.user("office_admin")))
    return client


def test_a_community_placed_under_the_district_is_refused_with_the_rule(
    world: World, office_admin: Client
) -> None:
    response = office_admin.post(
        "/admin/orgs/organisation/add/",
        {
            "code": "BAD-1",
            "name": "挂错上级的社区",
            "name_en": "",
            "kind": "community",
            "parent": str(world.org("district").pk),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [("/admin/orgs/organisation/add/", 302)]
    page = response.content.decode()
    assert "上级机构类型不符" in page
    assert "a community belongs to a subdistrict" not in page  # Chinese only
    assert not Organisation.objects.filter(code="BAD-1").exists()
    assert not AuditEvent.objects.filter(action="organisation.create", object_repr="挂错上级的社区")


@pytest.mark.parametrize(
    ("person", "organisation", "role", "message"),
    [
        ("no_role", "community", "clerk", "没有“clerk”角色"),
        ("office_officer", "office", "officer", "此人已在该机构担任该角色。"),
    ],
)
def test_a_membership_the_rules_refuse_is_answered_with_the_rule(
    world: World, office_admin: Client, person: str, organisation: str, role: str, message: str
) -> None:
    user = world.user(person)
    before = Membership.objects.filter(user_id=user.pk).count()
    grants = AuditEvent.objects.filter(action="membership.grant").count()
    response = office_admin.post(
        "/admin/accounts/membership/add/",
        {
            "user": str(user.pk),
            "organisation": str(world.org(organisation).pk),
            "role": role,
            "active_from": "2026-01-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert Membership.objects.filter(user_id=user.pk).count() == before
    assert AuditEvent.objects.filter(action="membership.grant").count() == grants


def test_every_heading_of_the_admin_index_is_chinese(office_admin: Client) -> None:
    """The site's, the index's and every app's and model's heading: none in English on the
    Chinese admin (the background tasks app names itself in plain English where installed)."""
    page = office_admin.get("/admin/").content.decode()
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>|<caption>\s*<a[^>]*>(.*?)</a>", page, re.S)
    headings += [(name, "") for name in re.findall(r'<th scope="row"[^>]*><a[^>]*>(.*?)</a>', page)]
    texts = [unescape(a or b).strip() for a, b in headings if (a or b).strip()]
    assert "社区准入平台管理后台" in page
    assert "后台任务" in texts
    english = [text for text in texts if re.search(r"[A-Za-z]{3,}", text) and text != "API 令牌"]
    assert english == []
