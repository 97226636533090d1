"""The small world the drills run against, seeded in a throw-away database by a subprocess
(`communitygate shell -c "from communitygate.operations.tests.drill_world import seed; seed()"`):
testing.build_world's organisations and people, a matter with two photos (files under
MEDIA_ROOT), and an API token for the department's clerk. Prints the token as JSON."""

import io
import json

from communitygate.accounts.services import api_token_issue
from communitygate.matters.models import MatterCategory
from communitygate.matters.services.matters import (
    MatterIntake,
    PhotoUpload,
    matter_category_save,
    matter_receive,
)
from communitygate.testing import build_world


def image_bytes(kind: str, colour: tuple[int, int, int]) -> bytes:
    """A real small image (uploads must decode: core.uploads), drawn with Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format=kind)
    return buffer.getvalue()


def seed() -> None:
    world = build_world()
    category = matter_category_save(
        actor=world.user("office_admin"),
        category=MatterCategory(
            code="drill", name="演练", name_en="Drill", answer_within_workdays=3
        ),
    )
    matter_receive(
        actor=world.user("community_worker"),
        intake=MatterIntake(
            community_code=world.org("community").code,
            category_code=category.code,
            summary="楼道灯坏了",
            contact_name="测试居民",
            phone="13912345678",
        ),
        photos=[
            PhotoUpload("a.png", image_bytes("PNG", (200, 30, 30))),
            PhotoUpload("b.jpg", image_bytes("JPEG", (30, 30, 200))),
        ],
    )
    _token, raw = api_token_issue(actor=None, user=world.user("department_clerk"), label="drill")
    print(json.dumps({"token": raw}))  # read by the drill


def enqueue_import(rows: int) -> None:
    """Queue a residents' import of `rows` generated people for the world's community (the
    worker drill kills `db_worker` while it runs). The rows are bench/import.py's."""
    import csv
    import importlib.util
    import io
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from communitygate.orgs.models import Organisation
    from communitygate.registry.services.importing import IMPORT_HEADERS, resident_import_start

    bench = Path(__file__).resolve().parents[4] / "bench" / "import.py"
    spec = importlib.util.spec_from_file_location("bench_import", bench)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    community = Organisation.objects.get(code="370203031001")
    column = list(IMPORT_HEADERS).index("社区")
    subdistrict_column = list(IMPORT_HEADERS).index("街道")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(IMPORT_HEADERS)
    for values in module.generated_rows(rows):
        values[column] = community.code
        values[subdistrict_column] = community.parent.name if community.parent else ""
        writer.writerow(values)
    batch = resident_import_start(
        actor=get_user_model().objects.get(username="community_secretary"),
        community=community,
        filename="drill.csv",
        content=buffer.getvalue().encode("utf-8"),
    )
    print(json.dumps({"import": batch.pk}))
