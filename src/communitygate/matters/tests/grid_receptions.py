"""The permission grid's rows for the walk-in reception API (/api/v1/receptions; see
web/tests/grid.py). It answers as the pages under /residents/receptions/ (grid_glance's rows).

Seeded through the page's service: a reception in 370203031001 recorded by community_worker
({reception_own}, a phone given) and one in 370203014001, the other subdistrict, recorded by
community_secretary_other ({reception_other}). A community's staff read their own community's
receptions and a subdistrict's officer its communities'; whoever sees no residents gets 404
on the list, and anyone outside the scope 404 on one reception. Only the community's own staff
record its visitors (201); everyone else signed in is refused (403), another community's
secretary too."""

from typing import Any

from communitygate.matters.models import Reception, ReceptionOutcomes
from communitygate.matters.services.receptions import ReceptionIntake, reception_record
from communitygate.testing import World
from communitygate.web.tests.grid import (
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

STAFF = ("community_secretary", "community_worker")  # of 370203031001
OFFICER = ("subdistrict_officer",)  # 洛阳路街道, over 370203031001
OTHER_SIDE = ("community_secretary_other", "subdistrict_officer_other")  # 370203014…
SEES_RESIDENTS = (*STAFF, *OFFICER, *OTHER_SIDE)

API = "/api/v1/receptions"


def api_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome]
) -> dict[str, Outcome]:
    """Signed-out people get 401; whoever cannot see it 404; whoever can `seen`."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED), (sees, seen), *cells)


def seed(world: World) -> dict[str, Any]:
    own = reception_record(
        actor=world.user("community_worker"),
        intake=ReceptionIntake(
            community_code=world.org("community").code,
            category_code="consultation",
            outcome=ReceptionOutcomes.HANDLED,
            visitor_name="网格来访人甲",
            phone="13912340001",
            summary="网格：咨询",
        ),
    )
    other = reception_record(
        actor=world.user("community_secretary_other"),
        intake=ReceptionIntake(
            community_code=world.org("community_other").code,
            category_code="consultation",
            outcome=ReceptionOutcomes.HANDLED,
            visitor_name="网格来访人乙",
            summary="网格：外社区咨询",
        ),
    )
    return {"reception_own": own.pk, "reception_other": other.pk}


def reception_json(seed: Any) -> dict[str, Any]:
    return {
        "community": "370203031001",
        "category": "consultation",
        "outcome": "handled",
        "visitor_name": "网格API来访人",
        "phone": "13912340002",
    }


def receptions(_seed: Any) -> object:
    return Reception.objects.count()


PART = GridPart(
    seed=seed,
    matrix={
        ("GET", API): api_row(SEES_RESIDENTS, PAGE),
        ("GET", API + "?day=2026-11-23&community=370203031001&limit=10"): api_row(
            SEES_RESIDENTS, PAGE
        ),
        ("GET", API + "/{reception_own}"): api_row((*STAFF, *OFFICER), PAGE),
        ("GET", API + "/{reception_other}"): api_row(OTHER_SIDE, PAGE),
        # For 370203031001: its own staff record (201); everyone else signed in, the other
        # community's secretary included, is refused.
        ("POST", API): row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (STAFF, CREATED)),
    },
    payloads={("POST", API): reception_json},
    effects={("POST", API): receptions},
)
