"""The permission grid's rows for certificates (see web/tests/grid.py).

370203031001's secretary and worker record requests and print what they issued; the officer of
its subdistrict reads the list and the records but prints nothing (the print is the community's
paper); everyone else gets an empty list and 404 for the records."""

from typing import Any

from communitygate.catalog.models import CertificateRule
from communitygate.certificates.models import CertificateRequest
from communitygate.certificates.services import CertificateAsked, certificate_request_record
from communitygate.registry.tests.grid_registry import id_number, person_in
from communitygate.testing import World
from communitygate.web.tests.grid import (
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    GridPart,
    Outcome,
    row,
)

ACTORS = ("community_secretary", "community_worker")  # 370203031001
READER = ("subdistrict_officer",)  # 370203031
GRID_ID_NUMBER = id_number(8101)


def seed(world: World) -> dict[str, Any]:
    secretary = world.user("community_secretary")
    community = world.org("community")
    person_in(secretary, community, "网格证明居民", GRID_ID_NUMBER, room="801")
    allowed = CertificateRule.objects.create(
        code="GRID-ZM-Y", name="网格居住证明", verdict="may_issue"
    )
    CertificateRule.objects.create(
        code="GRID-ZM-N", name="网格亲属关系证明", verdict="may_not_issue", issued_by="公安机关"
    )
    issued = certificate_request_record(
        actor=secretary,
        community=community,
        asked=CertificateAsked(rule_id=allowed.pk, id_number=GRID_ID_NUMBER, purpose="网格用途"),
    )
    return {"certificates_issued": issued.pk, "certificates_rule": allowed.pk}


LIST = row(PAGE, (SIGNED_OUT, SIGN_IN))
STAFF = row(
    NOT_FOUND, (SIGNED_OUT, SIGN_IN), (ACTORS, PAGE), (("community_secretary_other",), PAGE)
)
CREATES = row(
    NOT_FOUND, (SIGNED_OUT, SIGN_IN), (ACTORS, REDIRECT), (("community_secretary_other",), PAGE)
)
READ = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), ((*ACTORS, *READER), PAGE))
PRINT = row(NOT_FOUND, (SIGNED_OUT, SIGN_IN), (ACTORS, PAGE))
ISSUED = "/residents/certificates/{certificates_issued}"

MATRIX: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/residents/certificates/"): row(
        NOT_FOUND,
        (SIGNED_OUT, SIGN_IN),
        ((*ACTORS, *READER, "community_secretary_other", "subdistrict_officer_other"), PAGE),
    ),
    ("GET", "/residents/certificates/new/"): STAFF,
    ("POST", "/residents/certificates/new/"): CREATES,
    ("GET", f"{ISSUED}/"): READ,
    ("GET", f"{ISSUED}/certificate.pdf"): PRINT,
}

PAYLOADS: dict[tuple[str, str], Any] = {
    ("POST", "/residents/certificates/new/"): lambda seed: {
        "community": "370203031001",
        "rule": str(seed.extra["certificates_rule"]),
        "id_number": GRID_ID_NUMBER,
        "purpose": "网格新用途",
    },
}

EFFECTS: dict[tuple[str, str], Any] = {
    ("POST", "/residents/certificates/new/"): lambda seed: CertificateRequest.objects.count(),
}

PART = GridPart(seed=seed, matrix=MATRIX, payloads=PAYLOADS, effects=EFFECTS)
