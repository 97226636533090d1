"""The supervision tests' clock, and the links the notifications carry.

The background tasks link each notification to its page (`oversight:violation`,
`oversight:order`, `notices:notice`). While those pages are not part of the project yet, the
tests run on the project's URLs plus those three names (`links_urls`), so that the tasks can be
run and their links checked; once the pages exist the project's own URLs are used unchanged."""

from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse


def _links_exist() -> bool:
    try:
        reverse("oversight:violation", args=[1])
        reverse("oversight:order", args=[1])
        reverse("notices:notice", args=["市北督通〔2026〕1号"])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture(autouse=True)
def notification_links() -> Iterator[None]:
    if _links_exist():
        yield
        return
    with override_settings(ROOT_URLCONF="communitygate.oversight.tests.links_urls"):
        yield
