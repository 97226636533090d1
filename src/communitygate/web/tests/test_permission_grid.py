"""The permission grid (SECURITY.md check 2): every person × every path the app answers.

`MATRIX` declares, for each (method, path), what each person gets: the page, a redirect, a
redirect to sign in, 401 from the API, 403 inside the admin, or 404 (the office's pages answer
"forbidden" exactly as "missing"). The people are the World's (one per role, plus the same
role in a sibling organisation), someone signed out, someone signed in with no role, and three
edge cases: an office officer whose membership has ended, an office administrator whose account
is switched off, and a Django superuser who holds no membership.

A denied write must also leave no trace: every POST row names the state it would change and
the audit action it would record, and both are compared before and after each request. An
allowed write must change that state, so an "allowed" cell cannot pass by doing nothing.

`test_every_path_in_the_urlconf_has_a_row` walks the URLconf: a new path fails the suite until
its row is added here.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from communitygate.accounts.models import Membership
from communitygate.accounts.permissions import can_use_admin_site
from communitygate.accounts.selectors import user_grants
from communitygate.accounts.services import (
    api_token_issue,
    api_token_revoke,
    membership_end,
    membership_grant,
)
from communitygate.audit.models import AuditEvent
from communitygate.catalog.forms import item_form_initial
from communitygate.catalog.importing import catalog_import_check
from communitygate.catalog.models import CatalogEdition, CatalogImport, CatalogItem
from communitygate.catalog.permissions import can_manage_catalog
from communitygate.catalog.services import (
    catalog_item_suspend,
    catalog_publish,
    item_fields_of,
)
from communitygate.catalog.transfer import export_csv
from communitygate.core import clock
from communitygate.orgs.models import Organisation
from communitygate.testing import PASSWORD, PEOPLE, World, make_item

pytestmark = pytest.mark.django_db


class Outcome(StrEnum):
    PAGE = "200"
    REDIRECT = "302 onwards"
    SIGN_IN = "302 to sign in"
    ADMIN_SIGN_IN = "302 to the admin's sign-in"
    UNAUTHENTICATED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    METHOD_NOT_ALLOWED = "405"


PAGE = Outcome.PAGE
REDIRECT = Outcome.REDIRECT
SIGN_IN = Outcome.SIGN_IN
ADMIN_SIGN_IN = Outcome.ADMIN_SIGN_IN
UNAUTHENTICATED = Outcome.UNAUTHENTICATED
FORBIDDEN = Outcome.FORBIDDEN
NOT_FOUND = Outcome.NOT_FOUND
METHOD_NOT_ALLOWED = Outcome.METHOD_NOT_ALLOWED

# The people ------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
WORLD_PEOPLE = (
    "office_admin",
    "office_officer",
    "committee_member",
    "department_clerk",
    "department_head",
    "department_clerk_other",
    "subdistrict_officer",
    "subdistrict_officer_other",
    "community_secretary",
    "community_worker",
    "community_secretary_other",
    "inspector",
    "auditor",
    "social_org_staff",
    "no_role",
)
FORMER_OFFICER = "office_officer_former"
DEACTIVATED_ADMIN = "office_admin_deactivated"
SUPERUSER_WITHOUT_ROLE = "superuser_without_role"
ROLES = (ANONYMOUS, *WORLD_PEOPLE, FORMER_OFFICER, DEACTIVATED_ADMIN, SUPERUSER_WITHOUT_ROLE)

# A switched-off account's session is not honoured: it is someone signed out.
SIGNED_OUT = (ANONYMOUS, DEACTIVATED_ADMIN)
OFFICE = ("office_admin", "office_officer")
ADMIN_ENTRANTS = ("office_admin", "office_officer", "auditor")
UPLOADER = ("office_officer",)  # the seeded import batch is office_officer's


def row(default: Outcome, *cells: tuple[Iterable[str], Outcome]) -> dict[str, Outcome]:
    """Everyone gets `default`, then each (people, outcome) cell overrides, in order."""
    answers = dict.fromkeys(ROLES, default)
    for people, outcome in cells:
        for person in people:
            assert person in answers, person
            answers[person] = outcome
    return answers


PUBLIC = row(PAGE)
NOWHERE = row(NOT_FOUND)
API_SIGNED_IN = row(PAGE, (SIGNED_OUT, UNAUTHENTICATED))
OFFICE_PAGE = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (OFFICE, PAGE))
OFFICE_WRITE = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (OFFICE, REDIRECT))
OFFICE_POST_ONLY = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (OFFICE, METHOD_NOT_ALLOWED))
UPLOADER_PAGE = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (UPLOADER, PAGE))
UPLOADER_WRITE = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (UPLOADER, REDIRECT))
ADMIN_LOGIN_PAGE = row(PAGE, (ADMIN_ENTRANTS, REDIRECT))
ADMIN_INDEX = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, PAGE))
ADMIN_OFFICE_APP = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, NOT_FOUND), (OFFICE, PAGE))
# Separation of duties (MLPS level 3, SECURITY check 10(d)): only the audit bureau reads the
# audit log; the office's administrators manage the system but cannot read its audit records.
ADMIN_AUDIT_APP = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, NOT_FOUND), (("auditor",), PAGE))
ADMIN_OFFICE_VIEW = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, FORBIDDEN), (OFFICE, PAGE))
ADMIN_OFFICE_ADMIN_PAGE = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, FORBIDDEN), (("office_admin",), PAGE))
ADMIN_OFFICE_ADMIN_WRITE = row(
    ADMIN_SIGN_IN, (ADMIN_ENTRANTS, FORBIDDEN), (("office_admin",), REDIRECT)
)
AUDIT_LOG = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, FORBIDDEN), (("auditor",), PAGE))

# Placeholders in paths, filled from the seeded GridSeed: {item} is published and active,
# {suspended} is published and suspended, {unpublished} exists only in the office's working copy.
MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    # Public pages and files: the same for everyone; the working copy never leaks.
    ("GET", "/"): PUBLIC,
    ("GET", "/catalog/"): PUBLIC,
    ("GET", "/catalog/items/{item}/"): PUBLIC,
    ("GET", "/catalog/items/{unpublished}/"): NOWHERE,
    ("GET", "/catalog/negative-list/"): PUBLIC,
    ("GET", "/catalog/certificates/"): PUBLIC,
    ("GET", "/catalog/editions/"): PUBLIC,
    ("GET", "/catalog/editions/compare/"): PUBLIC,
    ("GET", "/catalog/export.xlsx"): PUBLIC,
    ("GET", "/catalog/export.csv"): PUBLIC,
    ("GET", "/accounts/login/"): PUBLIC,
    ("POST", "/accounts/logout/"): row(REDIRECT),
    # The committee office's catalog pages.
    ("GET", "/catalog/office/"): OFFICE_PAGE,
    ("GET", "/catalog/office/new/"): OFFICE_PAGE,
    ("POST", "/catalog/office/new/"): OFFICE_WRITE,
    ("GET", "/catalog/office/items/{item}/"): OFFICE_PAGE,
    ("POST", "/catalog/office/items/{item}/"): OFFICE_WRITE,
    ("GET", "/catalog/office/items/{item}/suspend/"): OFFICE_POST_ONLY,
    ("POST", "/catalog/office/items/{item}/suspend/"): OFFICE_WRITE,
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): OFFICE_WRITE,
    ("POST", "/catalog/office/items/{item}/retire/"): OFFICE_WRITE,
    ("GET", "/catalog/office/publish/"): OFFICE_PAGE,
    ("POST", "/catalog/office/publish/"): OFFICE_WRITE,
    ("GET", "/catalog/office/import/"): OFFICE_PAGE,
    ("POST", "/catalog/office/import/"): OFFICE_WRITE,
    # An import batch is its uploader's: another office member gets 404 too.
    ("GET", "/catalog/office/import/{batch}/"): UPLOADER_PAGE,
    ("POST", "/catalog/office/import/{batch}/confirm/"): UPLOADER_WRITE,
    # The admin: office staff view, the office administrator changes people and organisations,
    # the auditor reads the audit log and nothing else.
    ("GET", "/admin/"): ADMIN_INDEX,
    ("GET", "/admin/login/"): ADMIN_LOGIN_PAGE,
    ("GET", "/admin/orgs/"): ADMIN_OFFICE_APP,
    ("GET", "/admin/audit/"): ADMIN_AUDIT_APP,
    ("GET", "/admin/orgs/organisation/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/orgs/organisation/add/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/orgs/organisation/add/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/orgs/organisation/{org}/change/"): ADMIN_OFFICE_VIEW,
    ("POST", "/admin/orgs/organisation/{org}/change/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/accounts/membership/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/accounts/membership/add/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/accounts/membership/add/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/accounts/apitoken/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/audit/auditevent/"): AUDIT_LOG,
    ("GET", "/admin/audit/auditevent/{event}/change/"): AUDIT_LOG,
    ("GET", "/admin/auth/user/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/auth/user/{person}/change/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/auth/user/{person}/password/"): ADMIN_OFFICE_ADMIN_PAGE,
    ("POST", "/admin/auth/user/{person}/password/"): ADMIN_OFFICE_ADMIN_WRITE,
    ("GET", "/admin/catalog/catalogitem/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/catalogedition/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/ledger/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/plaque/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/negativelistentry/"): ADMIN_OFFICE_VIEW,
    ("GET", "/admin/catalog/certificaterule/"): ADMIN_OFFICE_VIEW,
    # The API: public reads of published data; /me needs a session or a token.
    ("GET", "/api/v1/"): NOWHERE,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/catalog/items"): PUBLIC,
    ("GET", "/api/v1/catalog/items/{item}"): PUBLIC,
    ("GET", "/api/v1/catalog/items/{unpublished}"): NOWHERE,
    ("GET", "/api/v1/catalog/editions"): PUBLIC,
    ("GET", "/api/v1/catalog/editions/{edition}/diff?against={first_edition}"): PUBLIC,
    ("GET", "/api/v1/catalog/negative-list"): PUBLIC,
    ("GET", "/api/v1/catalog/certificates"): PUBLIC,
    ("GET", "/api/v1/organisations"): PUBLIC,
    ("GET", "/api/v1/me"): API_SIGNED_IN,
}

# The seeded world ------------------------------------------------------------------------------


@dataclass
class GridSeed:
    people: dict[str, User]
    item: str
    suspended: str
    unpublished: str
    batch: int
    org: int
    department: int
    person: int
    event: int
    edition: int
    first_edition: int

    def url(self, path: str) -> str:
        return path.format(**vars(self))


def import_file(code: str) -> bytes:
    return export_csv(
        [
            {
                "code": code,
                "name": "导入的网格事项",
                "item_class": "statutory",
                "domain": "civil_affairs",
                "legal_basis": "《城市居民委员会组织法》",
                "department_name": "区民政局",
                "community_duty": "登记",
                "frequency": "yearly",
                "ledgers": [],
                "estimated_hours": "2",
                "funding_per_community": None,
            }
        ]
    )


def edge_people(world: World) -> dict[str, User]:
    office = world.org("office")
    former = User.objects.create_user(username=FORMER_OFFICER, password=PASSWORD)
    clock.pin(dt.datetime(2025, 1, 1, 4, tzinfo=dt.UTC))
    membership = membership_grant(
        actor=None,
        user=former,
        organisation=office,
        role="officer",
        active_from=dt.date(2020, 1, 1),
    )
    membership_end(actor=None, membership=membership, reason="moved to another post")
    clock.pin(None)
    assert not user_grants(former)  # the membership ended in 2025
    deactivated = User.objects.create_user(username=DEACTIVATED_ADMIN, password=PASSWORD)
    membership_grant(
        actor=None,
        user=deactivated,
        organisation=office,
        role="admin",
        active_from=dt.date(2020, 1, 1),
    )
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    superuser = User.objects.create_superuser(
        username=SUPERUSER_WITHOUT_ROLE, password=PASSWORD, email=""
    )
    return {
        FORMER_OFFICER: former,
        DEACTIVATED_ADMIN: deactivated,
        SUPERUSER_WITHOUT_ROLE: superuser,
    }


@pytest.fixture
def seed(world: World) -> GridSeed:
    officer = world.user("office_officer")
    active = make_item(world, "G-1")
    suspended = make_item(world, "G-2")
    first = catalog_publish(actor=officer, title="第一版")
    catalog_item_suspend(actor=officer, item=suspended, reason="试点暂停")
    latest = catalog_publish(actor=officer, title="第二版")
    make_item(world, "G-3")  # an unpublished change, so that publishing has something to do
    batch = catalog_import_check(actor=officer, filename="grid.csv", content=import_file("IMP-1"))
    assert batch.status == "ready", batch.problems
    return GridSeed(
        people={
            **{key: cast(User, user) for key, user in world.users.items()},
            **edge_people(world),
        },
        item=active.code,
        suspended=suspended.code,
        unpublished="G-3",
        batch=batch.pk,
        org=world.org("social_org").pk,
        department=world.org("department").pk,
        person=world.user("no_role").pk,
        event=AuditEvent.objects.order_by("pk").values_list("pk", flat=True)[0],
        edition=latest.pk,
        first_edition=first.pk,
    )


# What each write sends, and the state it would change -------------------------------------------


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def form_data(values: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in values.items()}


def new_item_form(seed: GridSeed) -> dict[str, str]:
    return {
        "code": "GRID-NEW",
        "name": "网格新事项",
        "item_class": "statutory",
        "domain": "civil_affairs",
        "department_code": "DEPT-MZ",
        "frequency": "ongoing",
        "estimated_hours": "1",
    }


def revise_form(seed: GridSeed) -> dict[str, str]:
    item = CatalogItem.objects.get(code=seed.item)
    values = item_form_initial(item_fields_of(item), item.revision)
    return form_data({**values, "name": "网格改名", "reason": "网格测试"})


def reason_form(seed: GridSeed) -> dict[str, str]:
    return {"reason": "网格测试"}


def item_state(code: str, action: str) -> Callable[[GridSeed], object]:
    def state(seed: GridSeed) -> object:
        item = CatalogItem.objects.get(code=code.format(**vars(seed)))
        return item.name, item.status, item.revision, audit_count(action)

    return state


PAYLOADS: dict[tuple[str, str], Callable[[GridSeed], dict[str, Any]]] = {
    ("POST", "/accounts/logout/"): lambda seed: {},
    ("POST", "/catalog/office/new/"): new_item_form,
    ("POST", "/catalog/office/items/{item}/"): revise_form,
    ("POST", "/catalog/office/items/{item}/suspend/"): reason_form,
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): reason_form,
    ("POST", "/catalog/office/items/{item}/retire/"): reason_form,
    ("POST", "/catalog/office/publish/"): lambda seed: {"title": "网格版", "note": ""},
    ("POST", "/catalog/office/import/"): lambda seed: {
        "file": SimpleUploadedFile("grid.csv", import_file("IMP-2"), content_type="text/csv")
    },
    ("POST", "/catalog/office/import/{batch}/confirm/"): lambda seed: {"decision": "confirm"},
    ("POST", "/admin/orgs/organisation/add/"): lambda seed: {
        "code": "GRID-ORG",
        "name": "网格社会组织",
        "name_en": "",
        "kind": "social_org",
        "parent": str(Organisation.objects.get(code="370203").pk),
        "active_from": "",
        "active_to": "",
    },
    ("POST", "/admin/orgs/organisation/{org}/change/"): lambda seed: {
        "name": "改名的社会组织",
        "name_en": "renamed",
        "active_from": "",
        "active_to": "",
    },
    ("POST", "/admin/accounts/membership/add/"): lambda seed: {
        "user": str(seed.person),
        "organisation": str(seed.department),
        "role": "clerk",
        "active_from": "2026-01-01",
    },
    ("POST", "/admin/auth/user/{person}/password/"): lambda seed: {
        "password1": "grid-new-passphrase-2026",
        "password2": "grid-new-passphrase-2026",
        "usable_password": "true",
    },
}

# Signing out changes nothing that belongs to the app; every other write names its state.
EFFECTS: dict[tuple[str, str], Callable[[GridSeed], object]] = {
    ("POST", "/catalog/office/new/"): lambda seed: (
        CatalogItem.objects.filter(code="GRID-NEW").count(),
        audit_count("catalog_item.create"),
    ),
    ("POST", "/catalog/office/items/{item}/"): item_state("{item}", "catalog_item.revise"),
    ("POST", "/catalog/office/items/{item}/suspend/"): item_state("{item}", "catalog_item.suspend"),
    ("POST", "/catalog/office/items/{suspended}/reinstate/"): item_state(
        "{suspended}", "catalog_item.reinstate"
    ),
    ("POST", "/catalog/office/items/{item}/retire/"): item_state("{item}", "catalog_item.retire"),
    ("POST", "/catalog/office/publish/"): lambda seed: (
        CatalogEdition.objects.count(),
        audit_count("catalog.publish"),
    ),
    ("POST", "/catalog/office/import/"): lambda seed: (
        CatalogImport.objects.count(),
        audit_count("catalog_import.check"),
    ),
    ("POST", "/catalog/office/import/{batch}/confirm/"): lambda seed: (
        CatalogImport.objects.get(pk=seed.batch).status,
        CatalogItem.objects.count(),
        audit_count("catalog_import.confirm"),
    ),
    ("POST", "/admin/orgs/organisation/add/"): lambda seed: (
        Organisation.objects.filter(code="GRID-ORG").count(),
        audit_count("organisation.create"),
    ),
    ("POST", "/admin/orgs/organisation/{org}/change/"): lambda seed: (
        Organisation.objects.get(pk=seed.org).name,
        audit_count("organisation.update"),
    ),
    ("POST", "/admin/accounts/membership/add/"): lambda seed: (
        Membership.objects.filter(user_id=seed.person).count(),
        audit_count("membership.grant"),
    ),
    ("POST", "/admin/auth/user/{person}/password/"): lambda seed: (
        User.objects.get(pk=seed.person).password
    ),
}
STATELESS_WRITES = {("POST", "/accounts/logout/")}

# Running a cell ----------------------------------------------------------------------------------


def outcome_of(response: HttpResponseBase) -> str:
    if response.status_code in {301, 302, 303}:
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?next="):
            return SIGN_IN
        if location.startswith(reverse("admin:login") + "?next="):
            return ADMIN_SIGN_IN
        return REDIRECT
    return str(response.status_code)


def client_for(seed: GridSeed, person: str) -> Client:
    client = Client(raise_request_exception=False)
    if person != ANONYMOUS:
        client.force_login(seed.people[person])
    return client


def run_cell(
    seed: GridSeed, method: str, path: str, person: str, expected: str | None = None
) -> list[str]:
    """One person's request, rolled back afterwards; the problems found, if any."""
    expected = expected or MATRIX[(method, path)][person]
    effect = EFFECTS.get((method, path))
    problems: list[str] = []
    with transaction.atomic():
        client = client_for(seed, person)
        before = effect(seed) if effect else None
        if method == "GET":
            response = client.get(seed.url(path))
        else:
            response = client.post(seed.url(path), data=PAYLOADS[(method, path)](seed))
        after = effect(seed) if effect else None
        got = outcome_of(response)
        if got != expected:
            problems.append(f"{person} {method} {path}: expected {expected}, got {got}")
        elif effect and expected == REDIRECT and before == after:
            problems.append(f"{person} {method} {path}: allowed, but nothing changed")
        elif effect and expected != REDIRECT and before != after:
            problems.append(
                f"{person} {method} {path}: denied, yet changed {before!r} -> {after!r}"
            )
        transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize(("method", "path"), list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_the_grid(seed: GridSeed, method: str, path: str) -> None:
    mismatches = [problem for person in ROLES for problem in run_cell(seed, method, path, person)]
    assert not mismatches, f"{method} {path}:\n" + "\n".join(mismatches)


# The grid is complete ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    namespaces: tuple[str, ...]


def url_routes(
    patterns: Iterable[URLPattern | URLResolver], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from url_routes(
                entry.url_patterns,
                prefix + str(entry.pattern),
                (*namespaces, entry.namespace or ""),
            )
        else:
            yield Route(prefix + str(entry.pattern), entry.name, namespaces)


# Django's own plumbing in the admin site: sign-in and password pages of the signed-in person,
# the JavaScript catalogue, autocomplete, "view on site" and the catch-all. Each runs behind the
# admin site's has_permission like the index, which the grid covers.
ADMIN_SITE_PLUMBING = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "autocomplete",
    "view_on_site",
    "app_list",
    None,
}
# The generic per-object URLs every ModelAdmin gets. Each model's changelist must have a row
# (so that registering a model in the admin means declaring who sees it); its add, change,
# delete and history pages use the same permission methods, sampled above for the models
# that can change.
ADMIN_GENERIC_SUFFIXES = ("_add", "_change", "_delete", "_history", "_password_change")


def needs_a_row(route: Route) -> bool:
    if route.namespaces[:1] == ("admin",):
        if route.name in ADMIN_SITE_PLUMBING:
            return False
        return not (route.name or "").endswith(ADMIN_GENERIC_SUFFIXES)
    return route.name != "set_language"  # Django's i18n plumbing; test_views covers it


def path_only(path: str) -> str:
    return path.split("?", 1)[0]


def covered_routes(seed: GridSeed) -> set[str]:
    return {resolve(path_only(seed.url(path))).route for _method, path in MATRIX}


def test_every_path_in_the_urlconf_has_a_row(seed: GridSeed) -> None:
    routes = [route for route in url_routes(get_resolver().url_patterns) if needs_a_row(route)]
    missing = sorted({route.route for route in routes} - covered_routes(seed))
    assert not missing, "Add these paths to MATRIX:\n" + "\n".join(missing)


def test_every_model_in_the_admin_has_its_changelist_in_the_grid(seed: GridSeed) -> None:
    registered = {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry
    }
    assert registered <= covered_routes(seed)


def test_every_row_names_every_person_and_every_write_its_effect() -> None:
    for key, answers in MATRIX.items():
        assert tuple(answers) == ROLES, key
        if key[0] == "POST":
            assert key in PAYLOADS, f"{key}: what does the write send?"
            assert key in EFFECTS or key in STATELESS_WRITES, f"{key}: what would it change?"
    assert set(PAYLOADS) <= set(MATRIX)
    assert set(EFFECTS) <= set(MATRIX)


def test_the_grid_has_every_person_of_the_world() -> None:
    assert set(WORLD_PEOPLE) == {*PEOPLE, "no_role"}


# Own organisation against another kind of organisation -----------------------------------------


@pytest.mark.parametrize("person", ["subdistrict_officer", "subdistrict_officer_other"])
def test_an_officer_of_a_subdistrict_has_no_office_rights(
    seed: GridSeed, client: Client, person: str
) -> None:
    """Both hold the role named "officer"; only the committee office's officer is office staff."""
    (office_grant,) = user_grants(seed.people["office_officer"])
    (grant,) = user_grants(seed.people[person])
    assert grant.role == office_grant.role == "officer"
    assert grant.kind == "subdistrict" != office_grant.kind
    officer = seed.people[person]
    assert not can_manage_catalog(officer)
    assert not can_use_admin_site(officer)

    client.force_login(officer)
    assert client.get("/catalog/office/").status_code == 404
    before = audit_count("catalog_item.create")
    response = client.post("/catalog/office/new/", data=new_item_form(seed))
    assert response.status_code == 404
    assert not CatalogItem.objects.filter(code="GRID-NEW").exists()
    assert audit_count("catalog_item.create") == before
    assert outcome_of(client.get("/admin/")) == ADMIN_SIGN_IN
    response = client.post(seed.url("/catalog/office/items/{item}/retire/"), {"reason": "x"})
    assert response.status_code == 404
    assert CatalogItem.objects.get(code=seed.item).status == "active"


# The API's token: the same person as the session, until revoked -------------------------------


def test_me_answers_to_a_bearer_token_until_it_is_revoked(seed: GridSeed, client: Client) -> None:
    person = seed.people["community_secretary"]
    token, raw = api_token_issue(actor=None, user=person, label="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "community_secretary"
    assert response.json()["memberships"][0]["role"] == "secretary"

    api_token_revoke(actor=None, token=token, reason="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer cg_not-a-token"})
    assert response.status_code == 401


def test_a_deactivated_persons_token_is_refused(seed: GridSeed, client: Client) -> None:
    _token, raw = api_token_issue(actor=None, user=seed.people[DEACTIVATED_ADMIN], label="grid")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


# Django's own permission system grants nothing past the memberships ----------------------------

ADMIN_ROWS = [key for key in MATRIX if key[1].startswith("/admin/")]


def test_the_admin_cannot_make_anyone_a_superuser(seed: GridSeed, client: Client) -> None:
    officer = seed.people["office_officer"]
    client.force_login(seed.people["office_admin"])
    change = f"/admin/auth/user/{officer.pk}/change/"
    page = client.get(change).content.decode()
    for flag in ["is_superuser", "is_staff", "user_permissions", "groups"]:
        assert f'name="{flag}"' not in page, flag
    view_audit = Permission.objects.get(codename="view_auditevent")
    response = client.post(
        change,
        {
            "username": "office_officer",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "user_permissions": [str(view_audit.pk)],
            "first_name": "",
            "last_name": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_superuser
    assert not officer.is_staff
    assert not officer.user_permissions.exists()
    assert outcome_of(client.get("/admin/auth/group/")) == NOT_FOUND


def test_a_superuser_is_refused_by_the_admin_even_with_an_office_role(seed: GridSeed) -> None:
    """Django lets a superuser past every ModelAdmin check; the admin refuses them instead,
    whatever their memberships (they are created only from the command line)."""
    officer = seed.people["office_officer"]
    officer.is_superuser = officer.is_staff = True
    officer.save(update_fields=["is_superuser", "is_staff"])
    mismatches = [
        problem
        for method, path in ADMIN_ROWS
        for problem in run_cell(
            seed, method, path, "office_officer", expected=MATRIX[(method, path)]["no_role"]
        )
    ]
    assert not mismatches, "\n".join(mismatches)


def check_office_officer_with_django_permissions(seed: GridSeed) -> None:
    """Per-user Django permissions (set from the command line, say) add nothing to a role."""
    officer = seed.people["office_officer"]
    officer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["orgs", "audit", "auth"])
    )
    mismatches = [
        problem
        for method, path in ADMIN_ROWS
        for problem in run_cell(seed, method, path, "office_officer")
    ]
    assert not mismatches, "\n".join(mismatches)


def test_django_permissions_grant_nothing_with_the_installed_backends(seed: GridSeed) -> None:
    check_office_officer_with_django_permissions(seed)
