"""The permission grid's rows for the burden dashboard (see web/tests/grid.py). The dashboard's
home is for everyone signed in (someone signed out is sent to sign in); its public version,
the before-and-after exports and the summary API are public (the catalog's published figures,
no person). The grid's world already publishes two editions, so nothing is seeded here."""

from typing import Any

from communitygate.testing import World
from communitygate.web.tests.grid import PAGE, PUBLIC, SIGN_IN, SIGNED_OUT, GridPart, row


def seed(world: World) -> dict[str, Any]:
    return {}


MATRIX = {
    ("GET", "/burden/"): row(PAGE, (SIGNED_OUT, SIGN_IN)),
    ("GET", "/burden/public/"): PUBLIC,
    ("GET", "/burden/public/before-after.xlsx"): PUBLIC,
    ("GET", "/burden/public/before-after.pdf"): PUBLIC,
    ("GET", "/api/v1/burden/summary"): PUBLIC,
}

PART = GridPart(seed=seed, matrix=MATRIX)
