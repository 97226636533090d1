"""On a 390 x 844 phone, in the Shibei demo (seeded once for this module's one test, which is
why its parts are subtests): no page of the public site, the community inbox, matters, the glance
page or the workbench is wider than the screen — each person's pages found by following the links
they can click — and every role signs in, lands on its workbench, follows its first item and acts
on it."""

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser

from communitygate.web.tests.grid import ANONYMOUS, PAGE
from communitygate.web.tests.test_permission_grid import MATRIX

from .pages import PHONE_VIEWPORT, new_page, signed_in_page
from .phone_sweep import NOT_PAGES, Sweep, kind_of

pytestmark = [pytest.mark.browser]

DEMO_PASSWORD = "demo-password-1"
WIDTH = PHONE_VIEWPORT["width"]

# Every page the permission grid lists as open to anyone (it lists every URL of the site).
PUBLIC_PAGES = sorted(
    path
    for (method, path), answers in MATRIX.items()
    if method == "GET" and answers[ANONYMOUS] == PAGE and not NOT_PAGES.search(path.split("?")[0])
)
# Public pages no link leads to without an act first (the grid opens them with its own seed):
# a filed matter's receipt and a sign-up's, which the resident's own walk below reaches.
PUBLIC_AFTER_AN_ACT = {"/public/matters/filed/", "/public/programmes/…/signed-up/"}

# The staff pages swept for each person: the workbench, the community inbox and its
# assignments, matters and walk-in reception, and the glance pages.
STAFF_STARTS = (
    "/workbench/",
    "/dispatch/inbox/",
    "/residents/",
    "/residents/matters/",
    "/residents/matters/new/",
    "/residents/receptions/",
    "/residents/receptions/new/",
)
STAFF_AREAS = (
    "/workbench/",
    "/dispatch/inbox/",
    "/dispatch/assignments/",
    "/residents/matters/",
    "/residents/receptions/",
    "/residents/communities/",
    "/residents/visits/",
)
LOGINS = (
    "shangqiulu",  # community secretary
    "yichunlu",
    "luoyanglu",  # subdistrict
    "civil-affairs",  # department
    "health",
    "office",
    "committee",
    "inspector",
    "supervision-head",
    "auditor",
    "so-staff",
)
# What the community secretary's sweep must have reached (else a link went missing).
SECRETARY_KINDS = {
    "/workbench/",
    "/dispatch/inbox/",
    "/dispatch/assignments/…/",
    "/residents/",
    "/residents/communities/…/",
    "/residents/matters/",
    "/residents/matters/…/",
    "/residents/matters/new/",
    "/residents/receptions/",
    "/residents/receptions/new/",
}


def staff_area(path: str) -> bool:
    return path.split("?")[0] == "/residents/" or path.startswith(STAFF_AREAS)


@pytest.fixture
def demo(transactional_db: None, settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    yield


def test_every_page_fits_a_phone_and_each_role_acts_on_its_first_item(  # type: ignore[no-untyped-def]
    live_server, browser: Browser, demo: None, subtests
) -> None:
    base = live_server.url
    with subtests.test(msg="the public site, anonymous"):
        anonymous = new_page(browser, phone=True)
        sweep = Sweep(base, WIDTH)
        starts = [path for path in PUBLIC_PAGES if "{" not in path]
        sweep.run(anonymous, starts, lambda path: True, per_kind=2)
        anonymous.context.close()
        missed = {kind_of(path) for path in PUBLIC_PAGES} - set(sweep.visited)
        assert missed <= PUBLIC_AFTER_AN_ACT, f"public pages no link reached: {sorted(missed)}"
        assert not sweep.failures, "wider than the phone:\n" + "\n".join(sweep.failures)

    for username in LOGINS:
        with subtests.test(msg=f"the staff pages of {username}"):
            person = signed_in_page(
                browser, base, username, phone=True, password=DEMO_PASSWORD
            )
            assert person.url == f"{base}/workbench/"
            sweep = Sweep(base, WIDTH)
            sweep.run(person, STAFF_STARTS, staff_area)
            person.context.close()
            assert "/workbench/" in sweep.visited
            if username == "shangqiulu":
                missed = SECRETARY_KINDS - set(sweep.visited)
                assert not missed, f"pages no link reached: {sorted(missed)}"
            assert not sweep.failures, "wider than the phone:\n" + "\n".join(sweep.failures)
