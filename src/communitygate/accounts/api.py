"""Accounts API: who the caller is (needs a bearer token or a session)."""

from django.http import HttpRequest
from ninja import Router, Schema

from communitygate.accounts.selectors import user_grants

router = Router(tags=["accounts"])


class GrantOut(Schema):
    organisation: str
    organisation_name: str
    kind: str
    role: str


class MeOut(Schema):
    username: str
    memberships: list[GrantOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.get_username(),
        memberships=[
            GrantOut(
                organisation=g.organisation_code,
                organisation_name=g.organisation_name,
                kind=g.kind,
                role=g.role,
            )
            for g in user_grants(user)
        ],
    )
