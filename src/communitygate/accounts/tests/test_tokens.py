"""API tokens: issued and revoked from the command line, stored hashed, answered on /api/v1/me."""

import hashlib
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from communitygate.accounts.models import ApiToken
from communitygate.audit.models import AuditEvent
from communitygate.testing import PASSWORD, World, password_sign_in

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def issue(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("api_token", username, *args, stdout=out)
    return out.getvalue().strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def database_contains(text: str) -> list[str]:
    """The tables with a cell holding `text` (every table of the test database, read raw)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            if any(text in str(cell) for row in cursor.fetchall() for cell in row):
                found.append(table)
    return found


def test_command_prints_a_new_cg_token(world: World) -> None:
    raw = issue("office_officer")
    assert re.fullmatch(r"cg_[A-Za-z0-9_-]{40,}", raw)
    token = ApiToken.objects.get(user__username="office_officer")
    assert raw.startswith(token.prefix)
    assert token.revoked_at is None


def test_each_call_prints_a_different_token(world: World) -> None:
    assert issue("office_officer") != issue("office_officer")
    assert ApiToken.objects.filter(user__username="office_officer").count() == 2


def test_only_the_sha256_of_the_token_is_stored(world: World) -> None:
    raw = issue("office_officer", "--label", "报表脚本")
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.label == "报表脚本"
    assert database_contains(raw) == []
    assert database_contains(token.token_hash) == ["accounts_apitoken"]


def test_issuing_a_token_is_audited_without_the_token(world: World) -> None:
    raw = issue("office_officer")
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.changes["prefix"] == [None, raw[: len(event.changes["prefix"][1])]]
    assert raw not in str(event.changes)


def test_command_refuses_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="nobody"):
        issue("nobody")
    assert not ApiToken.objects.exists()


def test_bearer_token_answers_me_with_username_and_memberships(
    client: Client, world: World
) -> None:
    raw = issue("office_officer")
    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "username": "office_officer",
        "memberships": [
            {
                "organisation": "CMTE-OFFICE",
                "organisation_name": "委员会办公室",
                "kind": "committee_office",
                "role": "officer",
            }
        ],
    }


def test_each_token_speaks_for_its_own_person(client: Client, world: World) -> None:
    officer, secretary = issue("office_officer"), issue("community_secretary")
    assert client.get(ME, headers=bearer(officer)).json()["username"] == "office_officer"
    answer = client.get(ME, headers=bearer(secretary)).json()
    assert answer["username"] == "community_secretary"
    assert [m["organisation"] for m in answer["memberships"]] == ["370203031001"]


def test_using_a_token_marks_it_used(client: Client, world: World) -> None:
    raw = issue("office_officer")
    assert ApiToken.objects.get().last_used_at is None
    client.get(ME, headers=bearer(raw))
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer cg_wrongwrongwrongwrongwrongwrongwrongwrongwro",
        "Bearer not-even-a-cg-token",
        "Bearer ",
        "Basic b2ZmaWNlX29mZmljZXI6eA==",
    ],
)
def test_no_or_a_wrong_token_answers_401_json(
    client: Client, world: World, header: str | None
) -> None:
    issue("office_officer")
    headers = {"Authorization": header} if header is not None else {}
    response = client.get(ME, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert "token" in body["message"]


def test_a_token_with_one_character_changed_is_refused(client: Client, world: World) -> None:
    raw = issue("office_officer")
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert client.get(ME, headers=bearer(tampered)).status_code == 401


def test_command_revokes_a_token_by_its_prefix(client: Client, world: World) -> None:
    raw = issue("office_officer")
    token = ApiToken.objects.get()
    assert client.get(ME, headers=bearer(raw)).status_code == 200
    output = issue("office_officer", "--revoke", token.prefix)
    assert output == f"revoked {token.prefix}"
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.object_id == str(token.pk)


def test_revoking_one_token_leaves_the_others_working(client: Client, world: World) -> None:
    kept, revoked = issue("office_officer"), issue("office_officer")
    [prefix] = [t.prefix for t in ApiToken.objects.all() if revoked.startswith(t.prefix)]
    issue("office_officer", "--revoke", prefix)
    assert client.get(ME, headers=bearer(kept)).status_code == 200
    assert client.get(ME, headers=bearer(revoked)).status_code == 401


def test_command_refuses_to_revoke_twice_or_an_unknown_or_anothers_token(world: World) -> None:
    issue("office_officer")
    prefix = ApiToken.objects.get().prefix
    with pytest.raises(CommandError):
        issue("office_officer", "--revoke", "cg_unknown")
    with pytest.raises(CommandError):
        issue("community_secretary", "--revoke", prefix)
    assert ApiToken.objects.get().revoked_at is None
    issue("office_officer", "--revoke", prefix)
    with pytest.raises(CommandError):
        issue("office_officer", "--revoke", prefix)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_an_inactive_persons_token_is_refused(client: Client, world: World) -> None:
    raw = issue("office_officer")
    User.objects.filter(username="office_officer").update(is_active=False)
    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_session_login_also_answers_me(client: Client, world: World) -> None:
    assert password_sign_in(client, "community_secretary", PASSWORD)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "community_secretary"
    assert response.json()["memberships"][0]["role"] == "secretary"


def test_an_inactive_persons_session_is_refused(client: Client, world: World) -> None:
    assert password_sign_in(client, "community_secretary", PASSWORD)
    User.objects.filter(username="community_secretary").update(is_active=False)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_person_without_memberships_gets_an_empty_list(client: Client, world: World) -> None:
    raw = issue("no_role")
    assert client.get(ME, headers=bearer(raw)).json() == {"username": "no_role", "memberships": []}
