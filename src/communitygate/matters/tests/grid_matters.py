"""The permission grid's rows for the residents' matters pages and API, and the office's settings
in the admin (matter categories and care tags) — see web/tests/grid.py.

Seeded: in 370203031001 a received matter ({matters_received}) and an answered one
({matters_answered}); one received in 370203014001 (the other subdistrict) and one filed online
in the sibling 370203031002 (which has no staff). A community's staff see and act on their own
matters; a subdistrict officer reads its communities' matters and acts on none (403); everyone
else gets 404. A matter's full phone is shown (a 200 page, like the registry's reveal) to the
community's secretary and to the matter's assignee (community_worker answered
{matters_answered} on the spot, so it is theirs); the subdistrict and the other worker get 403.
The rates are read by the office, supervision, audit, subdistricts and
communities (each their own)."""

from typing import Any

from communitygate.audit.models import AuditEvent
from communitygate.matters.models import Matter, MatterCategory
from communitygate.matters.services.matters import (
    MatterIntake,
    matter_answer,
    matter_receive,
    matter_submit_public,
)
from communitygate.testing import World
from communitygate.web.tests.grid import (
    ADMIN_ENTRANTS,
    ADMIN_OFFICE_VIEW,
    ADMIN_SIGN_IN,
    API_SIGNED_IN,
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    OFFICE,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    UNAUTHENTICATED,
    GridPart,
    Outcome,
    row,
)

STAFF = ("community_secretary", "community_worker")  # of 370203031001
SEES = (*STAFF, "subdistrict_officer")
OTHER_SIDE = ("community_secretary_other", "subdistrict_officer_other")  # 370203014…
EVERY_COMMUNITY_STAFF = (*STAFF, "community_secretary_other")
HAS_MATTERS = (*SEES, *OTHER_SIDE)
READS_RATES = (
    *HAS_MATTERS,
    "office_admin",
    "office_officer",
    "inspector",
    "supervision_head",
    "auditor",
)
ADMIN_OFFICE_WRITE = row(ADMIN_SIGN_IN, (ADMIN_ENTRANTS, FORBIDDEN), (OFFICE, REDIRECT))


def matters_row(
    sees: tuple[str, ...], seen: Outcome, *cells: tuple[tuple[str, ...], Outcome], api: bool = False
) -> dict[str, Outcome]:
    """Signed-out people sign in (401 from the API); whoever cannot see it gets 404; whoever
    can gets `seen`; then each cell overrides."""
    return row(NOT_FOUND, (SIGNED_OUT, UNAUTHENTICATED if api else SIGN_IN), (sees, seen), *cells)


def intake(community: str, **overrides: Any) -> MatterIntake:
    values: dict[str, Any] = {
        "community_code": community,
        "category_code": "repair",
        "summary": "网格事项：楼道灯不亮",
        "contact_name": "网格来访人",
        "phone": "13700001234",
    }
    values.update(overrides)
    return MatterIntake(**values)


def seed(world: World) -> dict[str, Any]:
    worker = world.user("community_worker")
    received = matter_receive(actor=worker, intake=intake("370203031001"))
    answered = matter_answer(
        actor=worker,
        matter=matter_receive(actor=worker, intake=intake("370203031001", summary="网格已答复")),
        answer="已报修",
    )
    other = matter_receive(
        actor=world.user("community_secretary_other"), intake=intake("370203014001")
    )
    sibling = matter_submit_public(intake=intake("370203031002", channel="online"))
    return {
        "matters_received": received.pk,
        "matters_answered": answered.pk,
        "matters_other": other.pk,
        "matters_sibling": sibling.pk,
        "matters_category": MatterCategory.objects.get(code="repair").pk,
    }


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def matter_state(key: str, action: str) -> Any:
    def state(seed: Any) -> object:
        matter = Matter.objects.get(pk=seed.extra[key])
        return (matter.status, matter.revision, events(f"matter.{action}"))

    return state


def new_matter_form(seed: Any) -> dict[str, Any]:
    return {
        "community": "370203031001",
        "channel": "visit",
        "category": "consultation",
        "summary": "网格新事项",
        "contact_name": "",
        "phone": "",
        "description": "",
        "location": "",
        "form_token": "",
    }


def resident_search_form(seed: Any) -> dict[str, Any]:
    return {"find_community": "370203031001", "find": "网格", "find_phone": "13700001234"}


def matter_record(key: str) -> Any:
    """A reveal changes nothing in the matter (its trace is the audit event, tested apart; a
    refused one is recorded too, so the events are not this row's effect)."""

    def state(seed: Any) -> object:
        return tuple(
            Matter.objects.filter(pk=seed.extra[key]).values_list(
                "phone_ciphertext", "phone_masked", "status", "revision", "updated_at"
            )
        )

    return state


def new_matter_json(seed: Any) -> dict[str, Any]:
    return {"community": "370203031001", "category": "consultation", "summary": "网格API事项"}


def new_matters(seed: Any) -> object:
    return (Matter.objects.count(), events("matter.receive"))


def category_form(seed: Any) -> dict[str, Any]:
    return {
        "name": "报修",
        "name_en": "Repair",
        "answer_within_workdays": "4",
        "active": "on",
        "position": "60",
    }


def category_state(seed: Any) -> object:
    category = MatterCategory.objects.get(pk=seed.extra["matters_category"])
    return (category.answer_within_workdays, events("matter_category.change"))


LIST = "/residents/matters/"
RECEIVED = "/residents/matters/{matters_received}/"
ANSWERED = "/residents/matters/{matters_answered}/"
API = "/api/v1/matters"
CATEGORY = "/admin/matters/mattercategory/{matters_category}/change/"

PART = GridPart(
    seed=seed,
    matrix={
        ("GET", LIST): matters_row(HAS_MATTERS, PAGE),
        ("GET", LIST + "?overdue=on&status=received"): matters_row(HAS_MATTERS, PAGE),
        ("GET", LIST + "export.xlsx"): matters_row(HAS_MATTERS, PAGE),
        ("GET", LIST + "new/"): matters_row(EVERY_COMMUNITY_STAFF, PAGE),
        ("GET", LIST + "new/?find=网格"): matters_row(EVERY_COMMUNITY_STAFF, PAGE),
        # Another community's secretary is not offered 370203031001: the form again.
        ("POST", LIST + "new/"): matters_row(EVERY_COMMUNITY_STAFF, PAGE, (STAFF, REDIRECT)),
        # The search by name and phone (POSTed, so no phone enters a URL) changes nothing.
        ("POST", LIST + "new/find/"): matters_row(EVERY_COMMUNITY_STAFF, PAGE),
        ("GET", RECEIVED): matters_row(SEES, PAGE),
        ("GET", "/residents/matters/{matters_other}/"): matters_row(OTHER_SIDE, PAGE),
        ("GET", "/residents/matters/{matters_sibling}/"): matters_row(
            ("subdistrict_officer",), PAGE
        ),
        ("POST", RECEIVED + "reveal-phone/"): matters_row(
            SEES, FORBIDDEN, (("community_secretary",), PAGE)
        ),
        ("POST", ANSWERED + "reveal-phone/"): matters_row(SEES, FORBIDDEN, (STAFF, PAGE)),
        ("POST", RECEIVED + "assign/"): matters_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("POST", RECEIVED + "answer/"): matters_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("POST", ANSWERED + "close/"): matters_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("POST", ANSWERED + "reopen/"): matters_row(SEES, FORBIDDEN, (STAFF, REDIRECT)),
        ("GET", "/residents/rates/"): matters_row(READS_RATES, PAGE),
        ("GET", "/residents/rates/?period=year&year=2025"): matters_row(READS_RATES, PAGE),
        ("GET", API): API_SIGNED_IN,
        ("GET", API + "?status=received&overdue=true"): API_SIGNED_IN,
        ("GET", API + "/{matters_received}"): matters_row(SEES, PAGE, api=True),
        ("GET", API + "/{matters_other}"): matters_row(OTHER_SIDE, PAGE, api=True),
        ("POST", API): row(FORBIDDEN, (SIGNED_OUT, UNAUTHENTICATED), (STAFF, CREATED)),
        ("POST", API + "/{matters_received}/assign"): matters_row(
            SEES, FORBIDDEN, (STAFF, PAGE), api=True
        ),
        ("POST", API + "/{matters_received}/answer"): matters_row(
            SEES, FORBIDDEN, (STAFF, PAGE), api=True
        ),
        ("POST", API + "/{matters_answered}/close"): matters_row(
            SEES, FORBIDDEN, (STAFF, PAGE), api=True
        ),
        ("GET", API + "/rates"): matters_row(READS_RATES, PAGE, api=True),
        ("GET", API + "/rates?start=2025-01-01&end=2025-12-31"): matters_row(
            READS_RATES, PAGE, api=True
        ),
        ("GET", "/admin/matters/mattercategory/"): ADMIN_OFFICE_VIEW,
        ("GET", CATEGORY): ADMIN_OFFICE_VIEW,
        ("POST", CATEGORY): ADMIN_OFFICE_WRITE,
        ("GET", "/admin/registry/caretag/"): ADMIN_OFFICE_VIEW,
    },
    payloads={
        ("POST", LIST + "new/"): new_matter_form,
        ("POST", LIST + "new/find/"): resident_search_form,
        ("POST", RECEIVED + "reveal-phone/"): lambda seed: {},
        ("POST", ANSWERED + "reveal-phone/"): lambda seed: {},
        ("POST", RECEIVED + "assign/"): lambda seed: {"assignee": "community_secretary"},
        ("POST", RECEIVED + "answer/"): lambda seed: {"answer": "网格答复"},
        ("POST", ANSWERED + "close/"): lambda seed: {},
        ("POST", ANSWERED + "reopen/"): lambda seed: {"reason": "网格复查"},
        ("POST", API): new_matter_json,
        ("POST", API + "/{matters_received}/assign"): lambda seed: {
            "assignee": "community_secretary"
        },
        ("POST", API + "/{matters_received}/answer"): lambda seed: {"answer": "网格答复"},
        ("POST", API + "/{matters_answered}/close"): lambda seed: {},
        ("POST", CATEGORY): category_form,
    },
    effects={
        ("POST", LIST + "new/"): new_matters,
        ("POST", LIST + "new/find/"): new_matters,
        ("POST", RECEIVED + "reveal-phone/"): matter_record("matters_received"),
        ("POST", ANSWERED + "reveal-phone/"): matter_record("matters_answered"),
        ("POST", RECEIVED + "assign/"): matter_state("matters_received", "assign"),
        ("POST", RECEIVED + "answer/"): matter_state("matters_received", "answer"),
        ("POST", ANSWERED + "close/"): matter_state("matters_answered", "close"),
        ("POST", ANSWERED + "reopen/"): matter_state("matters_answered", "reopen"),
        ("POST", API): new_matters,
        ("POST", API + "/{matters_received}/assign"): matter_state("matters_received", "assign"),
        ("POST", API + "/{matters_received}/answer"): matter_state("matters_received", "answer"),
        ("POST", API + "/{matters_answered}/close"): matter_state("matters_answered", "close"),
        ("POST", CATEGORY): category_state,
    },
)
