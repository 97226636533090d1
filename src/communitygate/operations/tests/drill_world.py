"""The small world the drills run against, seeded in a throw-away database by a subprocess
(`communitygate shell -c "from communitygate.operations.tests.drill_world import seed; seed()"`):
testing.build_world's organisations and people, a matter with two photos (files under
MEDIA_ROOT), and an API token for the department's clerk. Prints the token as JSON."""

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

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff" + bytes(range(255, -1, -1)) * 4


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
        photos=[PhotoUpload("a.png", PNG), PhotoUpload("b.jpg", JPEG)],
    )
    _token, raw = api_token_issue(actor=None, user=world.user("department_clerk"), label="drill")
    print(json.dumps({"token": raw}))  # read by the drill
