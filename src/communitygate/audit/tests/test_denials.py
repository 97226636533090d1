"""Every permission denial is in the audit log: a page a role may not open, a step a role may not
take (also when the step's transaction rolled back), an API call refused; anonymous requests are
asked to sign in, not recorded as denials."""

import pytest
from django.test import Client

from communitygate.admissions.tests.test_pages_and_api import (
    API,
    consulted_application,
    post_json,
)
from communitygate.audit.models import AuditEvent
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db


def denials() -> list[tuple[str, str, str]]:
    return [
        (event.actor_username, event.changes["path"][1], event.changes["rule"][1])
        for event in AuditEvent.objects.filter(action="access.denied").order_by("id")
    ]


def test_a_page_of_another_role_is_a_404_and_a_recorded_denial(world: World) -> None:
    clerk = signed_in(world.user("department_clerk"))
    assert clerk.get("/calendar/2027/").status_code == 404
    assert denials() == [("department_clerk", "/calendar/2027/", "is_office_staff")]
    event = AuditEvent.objects.get(action="access.denied")
    assert event.changes["method"] == [None, "GET"]
    assert event.object_type == "http.request"


def test_a_refused_api_step_is_recorded_though_its_transaction_rolled_back(world: World) -> None:
    application = consulted_application(world, target_community_codes=("370203031001",))
    before = AuditEvent.objects.exclude(action="access.denied").count()
    office = signed_in(world.user("office_officer"))
    path = f"{API}/applications/{application.pk}/ballots"
    answer = post_json(office, path, {"vote": "approve"})
    assert answer.status_code == 403
    assert denials() == [("office_officer", path, "not_consulted")]
    # the sign-in is the only other new event: no vote was recorded
    assert AuditEvent.objects.exclude(action="access.denied").count() == before + 1


def test_anonymous_requests_are_not_recorded_as_denials(world: World) -> None:
    assert Client().get("/calendar/2027/").status_code in {302, 404}
    assert denials() == []


def test_the_audit_bureau_reads_denials_in_chinese(world: World) -> None:
    signed_in(world.user("department_clerk")).get("/calendar/2027/")
    page = signed_in(world.user("auditor")).get("/audit/?action=access.denied").content.decode()
    assert "越权访问被拒绝" in page and "/calendar/2027/" in page
