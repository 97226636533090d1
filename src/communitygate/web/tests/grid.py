"""The grid's vocabulary: the people who make requests, the outcomes they get, and `row()`,
which declares one path's outcome for every person. The permission grid
(`test_permission_grid.py`) and each app's part of it (`grid_<app>.py`) use the same words."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PAGE = "200"
    CREATED = "201"
    REDIRECT = "302 onwards"
    SIGN_IN = "302 to sign in"
    ADMIN_SIGN_IN = "302 to the admin's sign-in"
    UNAUTHENTICATED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    METHOD_NOT_ALLOWED = "405"


PAGE = Outcome.PAGE
CREATED = Outcome.CREATED
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
    "supervision_head",
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


@dataclass(frozen=True)
class GridPart:
    """One app's part of the grid. `seed` makes the app's objects for the World and returns its
    placeholders (names no other part uses); `matrix` holds its rows; every POST row names what
    it sends (`payloads`) and what it would change (`effects`), both called with the GridSeed,
    whose `extra` holds the placeholders."""

    seed: Callable[[Any], dict[str, Any]]
    matrix: dict[tuple[str, str], dict[str, Outcome]] = field(default_factory=dict)
    payloads: dict[tuple[str, str], Callable[[Any], Any]] = field(default_factory=dict)
    effects: dict[tuple[str, str], Callable[[Any], object]] = field(default_factory=dict)
