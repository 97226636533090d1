"""The permission grid's rows for the residents' public pages, public API and Open311 (see
web/tests/grid.py). Nobody signs in for these: someone signed out and every role get the same
answers, and a write by anyone counts (a matter filed, a rating recorded)."""

from typing import Any

from communitygate.audit.models import AuditEvent
from communitygate.matters.models import Matter, MatterChannels
from communitygate.matters.services.matters import MatterIntake, matter_answer, matter_submit_public
from communitygate.testing import World
from communitygate.web.tests.grid import CREATED, PAGE, PUBLIC, REDIRECT, GridPart, row

PHONE = "13912345678"
LAST4 = "5678"


def seed(world: World) -> dict[str, Any]:
    """An answered matter filed online (rateable by its code and the phone's last four)."""
    matter = matter_submit_public(
        intake=MatterIntake(
            community_code=world.org("community").code,
            category_code="repair",
            summary="网格公开事项",
            description="楼道灯不亮",
            contact_name="网格居民",
            phone=PHONE,
            channel=MatterChannels.ONLINE,
        )
    )
    matter_answer(actor=world.user("community_worker"), matter=matter, answer="已安排维修。")
    return {"public_matter": matter.tracking_code, "public_last4": LAST4}


def matters_filed(seed: Any) -> tuple[int, int]:
    return Matter.objects.count(), AuditEvent.objects.filter(action="matter.receive").count()


def public_matter_state(seed: Any) -> tuple[str, str, str]:
    matter = Matter.objects.get(tracking_code=seed.extra["public_matter"])
    return matter.status, matter.rating, matter.rating_comment


def filing_form(seed: Any) -> dict[str, str]:
    return {
        "form_token": "grid-public-token",
        "community": "370203031001",
        "contact_name": "网格居民",
        "phone": "13812345678",
        "category": "help",
        "summary": "网格求助",
        "description": "需要帮助",
        "location": "",
    }


def rating(seed: Any) -> dict[str, str]:
    return {
        "tracking_code": seed.extra["public_matter"],
        "phone_last4": seed.extra["public_last4"],
        "rating": "satisfied",
        "comment": "网格评价",
    }


def lookup(seed: Any) -> dict[str, str]:
    return {"tracking_code": seed.extra["public_matter"], "phone_last4": seed.extra["public_last4"]}


def api_filing(seed: Any) -> dict[str, str]:
    return {
        "community": "370203031001",
        "name": "网格居民",
        "phone": "13812345678",
        "category": "help",
        "description": "需要帮助",
    }


def api_rating(seed: Any) -> dict[str, str]:
    return {"phone_last4": seed.extra["public_last4"], "rating": "neutral", "comment": "网格"}


def open311_filing(seed: Any) -> dict[str, str]:
    return {
        "jurisdiction_id": "370203031001",
        "service_code": "help",
        "description": "需要帮助",
        "first_name": "居民",
        "last_name": "网格",
        "phone": "13812345678",
        "address_string": "商邱路1号",
    }


EVERYONE_CREATES = row(CREATED)
EVERYONE_IS_REDIRECTED = row(REDIRECT)

PART = GridPart(
    seed=seed,
    matrix={
        ("GET", "/public/matters/new/"): PUBLIC,
        ("GET", "/public/matters/new/?community=370203031001"): PUBLIC,
        ("POST", "/public/matters/new/"): EVERYONE_IS_REDIRECTED,
        # Without a filing in this session, the page sends to the form.
        ("GET", "/public/matters/filed/"): EVERYONE_IS_REDIRECTED,
        ("GET", "/public/matters/track/"): PUBLIC,
        # A lookup shows the status (200) and changes nothing.
        ("POST", "/public/matters/track/"): row(PAGE),
        ("POST", "/public/matters/rate/"): EVERYONE_IS_REDIRECTED,
        ("POST", "/api/v1/public/matters"): EVERYONE_CREATES,
        ("GET", "/api/v1/public/matters/{public_matter}?phone_last4={public_last4}"): PUBLIC,
        ("POST", "/api/v1/public/matters/{public_matter}/rating"): PUBLIC,
        ("GET", "/open311/v2/services.json"): PUBLIC,
        ("GET", "/open311/v2/requests.json?service_request_id={public_matter}"): PUBLIC,
        ("POST", "/open311/v2/requests.json"): EVERYONE_CREATES,
        ("GET", "/open311/v2/requests/{public_matter}.json"): PUBLIC,
    },
    payloads={
        ("POST", "/public/matters/new/"): filing_form,
        ("POST", "/public/matters/track/"): lookup,
        ("POST", "/public/matters/rate/"): rating,
        ("POST", "/api/v1/public/matters"): api_filing,
        ("POST", "/api/v1/public/matters/{public_matter}/rating"): api_rating,
        ("POST", "/open311/v2/requests.json"): open311_filing,
    },
    effects={
        ("POST", "/public/matters/new/"): matters_filed,
        ("POST", "/public/matters/track/"): public_matter_state,
        ("POST", "/public/matters/rate/"): public_matter_state,
        ("POST", "/api/v1/public/matters"): matters_filed,
        ("POST", "/api/v1/public/matters/{public_matter}/rating"): public_matter_state,
        ("POST", "/open311/v2/requests.json"): matters_filed,
    },
)
