"""GET /api/v1/audit/anomalies: the audit bureau's, with filters, paging, amounts as strings,
and 401/403/422 answers in the API's one error shape."""

import pytest

from communitygate.funding.tests.support import COMMUNITY, SIBLING, paid
from communitygate.testing import World, signed_in

from .support import published_funded, sent

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/anomalies"


def test_the_auditor_reads_the_anomalies_with_amounts_as_strings(world: World) -> None:
    commitment = published_funded(world)
    task = sent(world)
    paid(world, commitment, community=COMMUNITY)
    body = signed_in(world.user("auditor")).get(URL).json()
    assert body["count"] == 2
    item = body["items"][0]
    assert item["kind"] == "unfunded_tasks"
    assert item["label_zh"] == "委托任务无拨付"
    assert (item["object_type"], item["object_id"]) == ("dispatch.task", task.pk)
    assert item["link"] == f"/dispatch/tasks/{task.pk}/"
    assert item["share"] == item["amount"] == "10000.00"
    assert item["paid"] == "0.00"
    assert item["not_yet_due"] is True
    assert item["days"] == 0
    assert item["key"].startswith("unfunded_tasks:dispatch.task:")


def test_filters_and_paging(world: World) -> None:
    published_funded(world)
    sent(world)
    client = signed_in(world.user("auditor"))
    assert client.get(URL, {"community": SIBLING}).json()["count"] == 1
    assert client.get(URL, {"kind": "disputed_receipts"}).json() == {"count": 0, "items": []}
    assert client.get(URL, {"department": "DEPT-WJ"}).json()["count"] == 0
    assert client.get(URL, {"period": "2025"}).json()["count"] == 0
    page = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert (page["count"], len(page["items"])) == (3, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"period": "someday"}, "period"),
        ({"item": "NOPE"}, "item"),
        ({"community": "DEPT-MZ"}, "community"),
        ({"department": "NOPE"}, "department"),
        ({"limit": 0}, "limit"),
    ],
)
def test_a_filter_that_does_not_read_is_422_naming_it(
    world: World, query: dict[str, str | int], field: str
) -> None:
    answer = signed_in(world.user("auditor")).get(URL, query)
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_input"
    [problem] = [p for p in body["problems"] if p["column"] == field]
    # Each language in its own field, not one text twice.
    assert problem["message_zh"] != problem["message_en"]
    assert problem["message_en"].isascii() and not problem["message_zh"].isascii()


@pytest.mark.parametrize(
    "person", ["office_admin", "office_officer", "inspector", "department_clerk", "no_role"]
)
def test_everyone_else_signed_in_is_refused(world: World, person: str) -> None:
    answer = signed_in(world.user(person)).get(URL)
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_signed_out_is_401(world: World) -> None:
    answer = signed_in(None).get(URL)
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"
