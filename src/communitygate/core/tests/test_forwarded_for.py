"""Behind nginx (core.middleware.ForwardedForMiddleware): the person's address comes from
X-Forwarded-For only when the request came through a trusted proxy, and only the part the
proxy itself wrote — a client cannot choose its address (and escape a sign-in lock or a
look-up throttle) by sending the header."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from communitygate.core.middleware import ForwardedForMiddleware


def address_seen(peer: str, forwarded_for: str | None, trusted: list[str]) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    with override_settings(TRUSTED_PROXIES=trusted):
        middleware = ForwardedForMiddleware(view)
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    middleware(request)
    return seen[0]


NGINX = ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "trusted", "expected"),
    [
        # Through nginx: the address nginx saw.
        ("127.0.0.1", "203.0.113.7", NGINX, "203.0.113.7"),
        ("::1", "2001:db8::5", NGINX, "2001:db8::5"),
        # A client that sends its own header: nginx appends the real address; the forged part
        # on the left is not believed.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", NGINX, "203.0.113.7"),
        # Two trusted proxies (a load balancer, then nginx): the first address not trusted.
        ("127.0.0.1", "203.0.113.7, 10.0.0.2", ["127.0.0.1", "10.0.0.2"], "203.0.113.7"),
        # Not through a trusted proxy: the header is the client's word, ignored.
        ("198.51.100.9", "203.0.113.7", NGINX, "198.51.100.9"),
        # No proxy configured (the default): ignored.
        ("127.0.0.1", "203.0.113.7", [], "127.0.0.1"),
        # No header, or a malformed one: the peer stays.
        ("127.0.0.1", None, NGINX, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7, not-an-address", NGINX, "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1", NGINX, "127.0.0.1"),
    ],
)
def test_the_address_is_the_one_the_trusted_proxy_saw(
    peer: str, forwarded_for: str | None, trusted: list[str], expected: str
) -> None:
    assert address_seen(peer, forwarded_for, trusted) == expected
