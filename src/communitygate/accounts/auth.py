"""API authentication: `Authorization: Bearer <token>` with a per-user token (stored hashed)."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from communitygate.accounts.services import user_for_api_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session. Without a signed-in person there is nothing to check a CSRF token
    for: the caller is unauthenticated (401), not a forged request (403). ninja's SessionAuth
    checks CSRF first, so an anonymous write answered "CSRF check failed"."""

    def __call__(self, request: HttpRequest) -> object:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class OptionalBearerToken(BearerToken):
    """For public reads: a token, when sent, identifies the caller; no token is fine too."""

    def __call__(self, request: HttpRequest) -> object:
        if not request.headers.get("Authorization"):
            return True
        return super().__call__(request)
