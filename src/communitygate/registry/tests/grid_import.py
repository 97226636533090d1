"""The permission grid's rows for the registry import pages (see web/tests/grid.py).

Seeded: one queued import of 370203031001, uploaded by its secretary. Imports are the community
staff's own business: the secretary and the worker of 370203031001 see it; the secretary of
370203014001 has an import page of their own but not this import; everyone else, subdistrict
officers included, gets 404."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from communitygate.audit.models import AuditEvent
from communitygate.registry.models import ResidentImport
from communitygate.registry.services.importing import resident_import_create
from communitygate.registry.tests.importing_files import csv_bytes, person
from communitygate.testing import World
from communitygate.web.tests.grid import (
    NOT_FOUND,
    PAGE,
    REDIRECT,
    SIGN_IN,
    SIGNED_OUT,
    GridPart,
    row,
)

STAFF = ("community_secretary", "community_worker")  # of 370203031001
EVERY_COMMUNITY_STAFF = (*STAFF, "community_secretary_other")


def seed(world: World) -> dict[str, Any]:
    batch = resident_import_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        filename="网格导入.csv",
        content=csv_bytes([person(9001)]),
    )
    return {"residents_import_batch": batch.pk}


def upload(seed: Any) -> dict[str, Any]:
    return {
        "community": "370203031001",
        "file": SimpleUploadedFile("网格上传.csv", csv_bytes([person(9002)]), "text/csv"),
    }


def imports_and_uploads(seed: Any) -> object:
    return (
        ResidentImport.objects.count(),
        AuditEvent.objects.filter(action="resident_import.start").count(),
    )


PART = GridPart(
    seed=seed,
    matrix={
        ("GET", "/residents/import/"): row(
            NOT_FOUND, (SIGNED_OUT, SIGN_IN), (EVERY_COMMUNITY_STAFF, PAGE)
        ),
        # The other community's secretary may not choose 370203031001: the form answers again.
        ("POST", "/residents/import/"): row(
            NOT_FOUND,
            (SIGNED_OUT, SIGN_IN),
            (STAFF, REDIRECT),
            (("community_secretary_other",), PAGE),
        ),
        ("GET", "/residents/import/template.xlsx"): row(
            NOT_FOUND, (SIGNED_OUT, SIGN_IN), (EVERY_COMMUNITY_STAFF, PAGE)
        ),
        ("GET", "/residents/import/{residents_import_batch}/"): row(
            NOT_FOUND, (SIGNED_OUT, SIGN_IN), (STAFF, PAGE)
        ),
        ("GET", "/residents/import/{residents_import_batch}/progress.json"): row(
            NOT_FOUND, (SIGNED_OUT, SIGN_IN), (STAFF, PAGE)
        ),
    },
    payloads={("POST", "/residents/import/"): upload},
    effects={("POST", "/residents/import/"): imports_and_uploads},
)
