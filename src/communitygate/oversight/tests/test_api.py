"""The supervision API's HTTP contract, on the database: who sees which violations (a department
its own, a community the outcome of what it reported, the overseers all), the filters and their
422s, confirming and dismissing, planning an inspection with an Idempotency-Key, a finding that
becomes a violation, a notice from draft to publication (the second person approves; only a
published notice is public), a correction order answered, returned and accepted, the public
scorecard and a community's plaques and ledgers. Lists cost the same queries for few rows or
many."""

import base64
import datetime as dt
import json
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communitygate.catalog.services import catalog_publish, ledger_create, plaque_create
from communitygate.core import clock, workdays
from communitygate.dispatch.models import Task
from communitygate.dispatch.services import Targets, TaskRequest, off_platform_report_create
from communitygate.dispatch.services import task_send as dispatch_task_send
from communitygate.oversight.models import CorrectionOrder, Inspection, Notice, Violation
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
)
from communitygate.oversight.services.violations import Confirmation, violation_confirm
from communitygate.testing import World, image_bytes, make_item, signed_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"
PNG = image_bytes("PNG")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONFIRMATION = {
    "severity": "serious",
    "rule_source": "access_system",
    "rule_cited": "社区工作准入制度第五条：未经准入的事项不得派给社区",
    "note": "经核实",
}


@pytest.fixture(autouse=True)
def pinned(settings: Any, tmp_path: Any) -> None:
    """Monday 23 November 2026 (chinesecalendar knows 2026); uploads go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    clock.pin(MONDAY)


# Helpers ----------------------------------------------------------------------------------------


def unadmitted(
    world: World,
    person: str = "department_clerk",
    department: str = "DEPT-MZ",
    communities: tuple[str, ...] = (COMMUNITY,),
    title: str = "文明城市创建材料报送",
) -> Violation:
    """A task sent under no item (the gate does not admit it): its violation."""
    task = dispatch_task_send(
        actor=world.user(person),
        request=TaskRequest(
            department_code=department,
            item_code=None,
            title=title,
            task_type="report",
            starts_on=dt.date(2026, 12, 1),
            due_on=dt.date(2026, 12, 15),
            targets=Targets("communities", communities),
        ),
    )
    return Violation.objects.get(task=task)


def reported(
    world: World, person: str = "community_secretary", community: str = "community"
) -> Violation:
    """A community's report of DEPT-MZ pushing work by phone: its violation."""
    report = off_platform_report_create(
        actor=world.user(person),
        community=world.org(community),
        department=world.org("department"),
        pushed_by="某科室",
        channel="phone",
        occurred_on=dt.date(2026, 11, 20),
        what_was_asked="电话要求报送困难群众名单",
    )
    return Violation.objects.get(report=report)


def confirmed(world: World, violation: Violation) -> Violation:
    return violation_confirm(
        actor=world.user("inspector"),
        violation=violation,
        confirmation=Confirmation(
            severity="serious", rule_source="access_system", rule_cited="准入制度第五条"
        ),
    )


def published(
    world: World, violations: list[Violation], title: str = "关于违规派单的通报"
) -> Notice:
    notice = notice_draft(
        actor=world.user("inspector"),
        request=NoticeRequest(
            title=title,
            facts="向社区派发未准入事项",
            rule_broken="社区工作准入制度",
            correction_required="立即停止并整改",
            violation_ids=tuple(v.pk for v in violations),
        ),
    )
    notice = notice_approve(actor=world.user("supervision_head"), notice=notice)
    return notice_publish(actor=world.user("inspector"), notice=notice)


def get(person: str | None, world: World, path: str, **params: Any) -> Any:
    client = signed_in(world.user(person)) if person else Client()
    return client.get(path, params)


def post(
    person: str | None, world: World, path: str, body: dict[str, Any] | None = None, **headers: str
) -> Any:
    client = signed_in(world.user(person)) if person else Client()
    return client.post(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def problem_columns(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    return {problem["column"] for problem in response.json()["problems"]}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


VIOLATIONS = "/api/v1/supervision/violations"
INSPECTIONS = "/api/v1/supervision/inspections"
NOTICES = "/api/v1/supervision/notices"
ORDERS = "/api/v1/supervision/correction-orders"


# Violations: scoping ----------------------------------------------------------------------------


def test_each_person_lists_the_violations_within_their_reach(world: World) -> None:
    mz_task = unadmitted(world)
    wj_task = unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), "健康档案评比")
    own_report = reported(world)
    other_report = reported(world, "community_secretary_other", "community_other")

    def listed(person: str) -> list[int]:
        response = get(person, world, VIOLATIONS)
        assert response.status_code == 200, response.content
        answer = response.json()
        assert answer["count"] == len(answer["items"])
        return sorted(item["id"] for item in answer["items"])

    everything = sorted(v.pk for v in [mz_task, wj_task, own_report, other_report])
    for overseer in ["inspector", "supervision_head", "office_officer", "auditor"]:
        assert listed(overseer) == everything, overseer
    # A department sees its own, whatever the source; never another department's.
    assert listed("department_clerk") == sorted([mz_task.pk, own_report.pk, other_report.pk])
    assert listed("department_clerk_other") == [wj_task.pk]
    # A community sees what it reported, not the unadmitted task it received; its subdistrict
    # sees its communities' reports.
    assert listed("community_secretary") == [own_report.pk]
    assert listed("community_secretary_other") == [other_report.pk]
    assert listed("subdistrict_officer") == [own_report.pk]
    assert listed("committee_member") == []
    assert listed("no_role") == []
    assert get(None, world, VIOLATIONS).status_code == 401

    assert get("community_secretary", world, f"{VIOLATIONS}/{mz_task.pk}").status_code == 404
    assert get("department_clerk_other", world, f"{VIOLATIONS}/{mz_task.pk}").status_code == 404
    assert get(None, world, f"{VIOLATIONS}/{mz_task.pk}").status_code == 401


def test_a_violation_names_its_cause_department_and_communities(world: World) -> None:
    violation = unadmitted(world, communities=(COMMUNITY, OTHER))
    response = get("department_clerk", world, f"{VIOLATIONS}/{violation.pk}")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["id"] == violation.pk
    assert detail["department"] == "DEPT-MZ"
    assert detail["source"] == "unadmitted_task"
    assert detail["status"] == "open"
    assert detail["task"] == Task.objects.get().pk
    assert detail["report"] is None and detail["finding"] is None
    assert detail["communities"] == [OTHER, COMMUNITY]  # by code
    assert [reason["code"] for reason in detail["reasons"]] == ["not_in_catalog"]
    assert " / " in detail["reasons"][0]["message"]
    assert detail["severity"] is None and detail["rule_source"] is None
    assert detail["rule_cited"] is None
    assert detail["occurred_on"] == "2026-11-23"
    assert detail["created_at"].startswith("2026-11-23")
    listed = get("inspector", world, VIOLATIONS).json()["items"][0]
    assert set(listed) == set(detail) - {
        "communities",
        "decision_note",
        "decided_at",
        "corrected_at",
    }


def test_a_community_sees_the_outcome_of_what_it_reported(world: World) -> None:
    violation = reported(world)
    response = post(
        "inspector",
        world,
        f"{VIOLATIONS}/{violation.pk}/dismiss",
        {"reason": "经核实系正常工作联系"},
    )
    assert response.status_code == 200, response.content
    seen = get("community_worker", world, f"{VIOLATIONS}/{violation.pk}").json()
    assert seen["status"] == "dismissed"
    assert seen["decision_note"] == "经核实系正常工作联系"
    assert seen["community"] == COMMUNITY
    assert seen["communities"] == [COMMUNITY]
    assert seen["report"] == violation.report_id


# Violations: filters ----------------------------------------------------------------------------


def test_the_list_filters_by_department_status_and_source(world: World) -> None:
    mz_task = unadmitted(world)
    wj_task = unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), "健康档案评比")
    report = reported(world)
    confirmed(world, wj_task)

    def ids(**params: str) -> list[int]:
        response = get("inspector", world, VIOLATIONS, **params)
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in response.json()["items"])

    assert ids(department="DEPT-MZ") == sorted([mz_task.pk, report.pk])
    assert ids(department="DEPT-WJ") == [wj_task.pk]
    assert ids(status="confirmed") == [wj_task.pk]
    assert ids(status="open", source="off_platform_report") == [report.pk]
    assert ids(source="unadmitted_task", department="DEPT-MZ") == [mz_task.pk]
    assert ids(department="NOBODY") == []
    page = get("inspector", world, VIOLATIONS, limit="2", offset="1").json()
    assert page["count"] == 3 and len(page["items"]) == 2


@pytest.mark.parametrize(
    ("params", "column"),
    [
        ({"status": "closed"}, "status"),
        ({"source": "rumour"}, "source"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
    ],
)
def test_a_bad_filter_answers_422_naming_it(
    world: World, params: dict[str, str], column: str
) -> None:
    response = get("inspector", world, VIOLATIONS, **params)
    assert response.json()["code"] == "invalid_input"
    assert problem_columns(response) == {column}


def test_an_offset_beyond_64_bits_is_refused(world: World) -> None:
    response = get("inspector", world, VIOLATIONS, offset=str(2**70))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


# Violations: confirm and dismiss ----------------------------------------------------------------


def test_an_inspector_confirms_a_violation_and_a_department_cannot(world: World) -> None:
    violation = unadmitted(world)
    confirm = f"{VIOLATIONS}/{violation.pk}/confirm"

    refused = post("department_head", world, confirm, CONFIRMATION)
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "permission_denied"
    assert post("department_clerk_other", world, confirm, CONFIRMATION).status_code == 404
    assert post("community_secretary", world, confirm, CONFIRMATION).status_code == 404
    assert post("office_officer", world, confirm, CONFIRMATION).status_code == 403
    assert post(None, world, confirm, CONFIRMATION).status_code == 401
    assert Violation.objects.get(pk=violation.pk).state == "open"

    assert problem_columns(post("inspector", world, confirm, {})) == {
        "severity",
        "rule_source",
        "rule_cited",
    }
    response = post("inspector", world, confirm, CONFIRMATION)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "confirmed"
    assert answer["severity"] == "serious"
    assert answer["rule_source"] == "access_system"
    assert answer["rule_cited"] == CONFIRMATION["rule_cited"]
    assert answer["decision_note"] == "经核实"
    assert answer["decided_at"] is not None

    again = post("supervision_head", world, confirm, CONFIRMATION)
    assert again.status_code == 409
    assert again.json()["code"] == "supervision_step_not_allowed"
    dismissed = post("inspector", world, f"{VIOLATIONS}/{violation.pk}/dismiss", {"reason": "x"})
    assert dismissed.status_code == 409


def test_dismissing_needs_a_reason_and_is_for_supervision_only(world: World) -> None:
    violation = unadmitted(world)
    dismiss = f"{VIOLATIONS}/{violation.pk}/dismiss"
    assert post("department_clerk", world, dismiss, {"reason": "不是我们"}).status_code == 403
    assert problem_columns(post("inspector", world, dismiss, {"reason": "  "})) == {"reason"}
    response = post("supervision_head", world, dismiss, {"reason": "系统误判"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dismissed"
    assert response.json()["decision_note"] == "系统误判"


def test_a_violation_without_a_department_is_confirmed_against_one_named(world: World) -> None:
    report = off_platform_report_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        department=None,
        pushed_by="不明科室",
        channel="chat_group",
        occurred_on=dt.date(2026, 11, 20),
        what_was_asked="群里要求填表",
    )
    violation = Violation.objects.get(report=report)
    confirm = f"{VIOLATIONS}/{violation.pk}/confirm"
    assert problem_columns(post("inspector", world, confirm, CONFIRMATION)) == {"department"}
    unknown = post("inspector", world, confirm, {**CONFIRMATION, "department": "NOBODY"})
    assert problem_columns(unknown) == {"department"}
    response = post("inspector", world, confirm, {**CONFIRMATION, "department": "DEPT-WJ"})
    assert response.status_code == 200, response.content
    assert response.json()["department"] == "DEPT-WJ"
    listed = get("department_clerk_other", world, VIOLATIONS).json()["items"]
    assert [item["id"] for item in listed] == [violation.pk]


# Inspections ------------------------------------------------------------------------------------

INSPECTION = {
    "title": "2026年第四季度社区减负专项检查",
    "starts_on": "2026-11-24",
    "ends_on": "2026-11-30",
    "departments": ["DEPT-MZ"],
    "communities": [COMMUNITY],
}


def planned(world: World, **overrides: Any) -> dict[str, Any]:
    response = post("inspector", world, INSPECTIONS, {**INSPECTION, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


def test_an_inspection_is_planned_with_its_checklist(world: World) -> None:
    answer = planned(world)
    assert answer["office"] == "SUP-GOV"
    assert answer["state"] == "planned"
    assert answer["departments"] == ["DEPT-MZ"]
    assert answer["communities"] == [COMMUNITY]
    assert [check["code"] for check in answer["checklist"]] == [
        "plaques",
        "ledgers",
        "off_platform",
        "department_ranking",
    ]
    assert answer["findings"] == []
    # Those it names see it; others do not.
    for person in ["department_clerk", "community_worker", "auditor", "supervision_head"]:
        assert get(person, world, f"{INSPECTIONS}/{answer['id']}").status_code == 200, person
        listed = get(person, world, INSPECTIONS).json()
        assert [item["id"] for item in listed["items"]] == [answer["id"]], person
    for person in ["department_clerk_other", "community_secretary_other", "subdistrict_officer"]:
        assert get(person, world, f"{INSPECTIONS}/{answer['id']}").status_code == 404, person
        assert get(person, world, INSPECTIONS).json() == {"count": 0, "items": []}, person


def test_only_a_supervision_office_plans_and_every_problem_is_named(world: World) -> None:
    refused = post("department_head", world, INSPECTIONS, INSPECTION)
    assert refused.status_code == 403
    assert post("office_officer", world, INSPECTIONS, INSPECTION).status_code == 403
    assert post(None, world, INSPECTIONS, INSPECTION).status_code == 401
    empty = {**INSPECTION, "title": " ", "departments": [], "communities": []}
    assert problem_columns(post("inspector", world, INSPECTIONS, empty)) == {
        "title",
        "departments",
    }
    backwards = {**INSPECTION, "ends_on": "2026-11-01"}
    assert problem_columns(post("inspector", world, INSPECTIONS, backwards)) == {"ends_on"}
    unknown = {**INSPECTION, "communities": ["999"]}
    assert problem_columns(post("inspector", world, INSPECTIONS, unknown)) == {"communities"}
    assert Inspection.objects.count() == 0


def test_an_idempotency_key_answers_the_first_inspection(world: World) -> None:
    key = {"Idempotency-Key": "plan-2026-q4"}
    first = post("inspector", world, INSPECTIONS, INSPECTION, **key)
    assert first.status_code == 201, first.content
    again = post("inspector", world, INSPECTIONS, INSPECTION, **key)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Inspection.objects.count() == 1

    other = post("inspector", world, INSPECTIONS, {**INSPECTION, "title": "另一次检查"}, **key)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    too_long = post("inspector", world, INSPECTIONS, INSPECTION, **{"Idempotency-Key": "k" * 65})
    assert problem_columns(too_long) == {"Idempotency-Key"}
    # The key is the person's own: the head's same key plans a new inspection.
    theirs = post("supervision_head", world, INSPECTIONS, INSPECTION, **key)
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert Inspection.objects.count() == 2


def test_a_finding_is_recorded_with_its_files_and_becomes_a_violation(world: World) -> None:
    inspection = planned(world)
    findings = f"{INSPECTIONS}/{inspection['id']}/findings"
    body = {
        "kind": "unadmitted_plaque",
        "description": "社区门口挂有“创建文明城市工作站”牌子，目录未要求",
        "community": COMMUNITY,
        "department": "DEPT-MZ",
        "wall_kind": "plaque",
        "wall_name": "创建文明城市工作站",
        "files": [
            {"filename": "门口.png", "content_base64": b64(PNG)},
            {"filename": "通知.pdf", "content_base64": b64(PDF)},
        ],
    }
    assert post("department_clerk", world, findings, body).status_code == 403
    assert post("community_secretary_other", world, findings, body).status_code == 404
    response = post("inspector", world, findings, body)
    assert response.status_code == 201, response.content
    finding = response.json()
    assert finding["kind"] == "unadmitted_plaque"
    assert finding["community"] == COMMUNITY and finding["department"] == "DEPT-MZ"
    assert finding["wall"]["name"] == "创建文明城市工作站"
    assert finding["wall"]["admitted"] is False
    assert [f["filename"] for f in finding["files"]] == ["门口.png", "通知.pdf"]
    assert [f["content_type"] for f in finding["files"]] == ["image/png", "application/pdf"]
    assert finding["files"][0]["size"] == len(PNG)

    violation = get("department_head", world, f"{VIOLATIONS}/{finding['violation']}").json()
    assert violation["source"] == "inspection_finding"
    assert violation["finding"] == finding["id"]
    assert violation["department"] == "DEPT-MZ"
    assert violation["communities"] == [COMMUNITY]
    detail = get("community_secretary", world, f"{INSPECTIONS}/{inspection['id']}").json()
    assert [f["id"] for f in detail["findings"]] == [finding["id"]]
    plaques = get("community_secretary", world, f"/api/v1/communities/{COMMUNITY}/plaques").json()
    assert [(p["name"], p["admitted"], p["source"]) for p in plaques["items"]] == [
        ("创建文明城市工作站", False, "inspection")
    ]


def test_a_retried_finding_with_its_key_records_one_finding_and_one_violation(
    world: World,
) -> None:
    inspection = planned(world)
    findings = f"{INSPECTIONS}/{inspection['id']}/findings"
    body = {
        "kind": "unrequired_ledger",
        "description": "社区保留“门前三包”登记台账，目录不要求",
        "community": COMMUNITY,
        "files": [{"filename": "台账.png", "content_base64": b64(PNG)}],
    }
    key = {"Idempotency-Key": "finding-1"}
    first = post("inspector", world, findings, body, **key)
    assert first.status_code == 201, first.content
    again = post("inspector", world, findings, body, **key)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    other = post("inspector", world, findings, {**body, "description": "另一处"}, **key)
    assert other.json()["code"] == "idempotency_key_reused"
    assert Violation.objects.filter(source="inspection_finding").count() == 1


def test_a_finding_refuses_files_that_are_not_what_they_say(world: World) -> None:
    inspection = planned(world)
    findings = f"{INSPECTIONS}/{inspection['id']}/findings"
    body = {"kind": "other", "description": "其他问题", "community": COMMUNITY}
    not_base64 = {**body, "files": [{"filename": "a.png", "content_base64": "不是*base64"}]}
    assert problem_columns(post("inspector", world, findings, not_base64)) == {
        "files.0.content_base64"
    }
    disguised = {**body, "files": [{"filename": "a.png", "content_base64": b64(PDF)}]}
    assert problem_columns(post("inspector", world, findings, disguised)) == {"file"}
    assert problem_columns(post("inspector", world, findings, {"kind": "?"})) == {
        "kind",
        "description",
    }
    assert Violation.objects.count() == 0


def test_a_completed_inspection_takes_no_more_findings(world: World) -> None:
    inspection = planned(world)
    complete = f"{INSPECTIONS}/{inspection['id']}/complete"
    assert post("department_clerk", world, complete, {"conclusion": "x"}).status_code == 403
    response = post("inspector", world, complete, {"conclusion": "发现问题一处，已通报"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "completed"
    assert response.json()["conclusion"] == "发现问题一处，已通报"
    late = post(
        "inspector",
        world,
        f"{INSPECTIONS}/{inspection['id']}/findings",
        {"kind": "other", "description": "补记"},
    )
    assert late.status_code == 409
    assert late.json()["code"] == "inspection_closed"
    assert post("inspector", world, complete, {"conclusion": "再次"}).status_code == 409


# Notices ----------------------------------------------------------------------------------------


def notice_body(violations: list[Violation], **overrides: Any) -> dict[str, Any]:
    return {
        "title": "关于部分部门违规向社区派发工作任务的通报",
        "facts": "区民政局、区卫生健康局向社区派发未经准入的事项",
        "rule_broken": "社区工作准入制度第五条",
        "correction_required": "停止派发，撤回已派任务，并书面报告整改情况",
        "violations": [v.pk for v in violations],
        **overrides,
    }


def test_a_notice_goes_from_draft_to_public_with_a_second_person_approving(
    world: World,
) -> None:
    mz = confirmed(world, unadmitted(world))
    wj = confirmed(
        world, unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), "健康档案评比")
    )
    response = post("inspector", world, NOTICES, notice_body([mz, wj]), **{"Idempotency-Key": "n1"})
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["state"] == "draft" and draft["number"] is None
    assert draft["departments"] == [
        {"code": "DEPT-MZ", "name": "区民政局"},
        {"code": "DEPT-WJ", "name": "区卫生健康局"},
    ]
    assert draft["violations"] == sorted([mz.pk, wj.pk])
    assert draft["correction_workdays"] == 10
    assert draft["orders"] == []
    again = post("inspector", world, NOTICES, notice_body([mz, wj]), **{"Idempotency-Key": "n1"})
    assert again.json()["id"] == draft["id"]
    notice = f"{NOTICES}/{draft['id']}"

    # A draft is the overseers' alone, and never public.
    assert get("office_officer", world, notice).status_code == 200
    assert get("department_clerk", world, notice).status_code == 404
    assert get("department_clerk", world, NOTICES).json()["count"] == 0
    assert get(None, world, "/api/v1/notices").json() == {"count": 0, "items": []}

    # The drafter cannot approve (not the head, and the drafter); nor can the office.
    refused = post("inspector", world, f"{notice}/approve")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert post("office_officer", world, f"{notice}/approve").status_code == 403
    assert post("department_head", world, f"{notice}/approve").status_code == 404
    assert post("inspector", world, f"{notice}/publish").status_code == 409  # not approved yet

    approved = post("supervision_head", world, f"{notice}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    returned = post("supervision_head", world, f"{notice}/return", {"reason": "事实部分请补充"})
    assert returned.json()["state"] == "draft"
    assert post("supervision_head", world, f"{notice}/approve").json()["state"] == "approved"

    response = post("inspector", world, f"{notice}/publish")
    assert response.status_code == 200, response.content
    public = response.json()
    assert public["state"] == "published"
    assert public["number"] == "市北督通〔2026〕1号"
    assert public["published_on"] == "2026-11-23"
    due_on = workdays.add_workdays(dt.date(2026, 11, 23), 10).isoformat()
    assert [(o["department"], o["due_on"], o["state"]) for o in public["orders"]] == [
        ("DEPT-MZ", due_on, "issued"),
        ("DEPT-WJ", due_on, "issued"),
    ]
    assert CorrectionOrder.objects.count() == 2
    assert post("inspector", world, f"{notice}/publish").status_code == 409
    assert post("inspector", world, f"{notice}/withdraw", {"reason": "x"}).status_code == 409

    # Public: the list, and the notice by its URL-encoded number; everyone signed in reads it.
    listed = get(None, world, "/api/v1/notices").json()
    assert [n["number"] for n in listed["items"]] == ["市北督通〔2026〕1号"]
    detail = get(None, world, f"/api/v1/notices/{quote('市北督通〔2026〕1号')}")
    assert detail.status_code == 200, detail.content
    shown = detail.json()
    assert shown == listed["items"][0]
    assert shown["title"] == "关于部分部门违规向社区派发工作任务的通报"
    assert shown["departments"] == draft["departments"]
    assert shown["published_on"] == "2026-11-23"
    assert shown["corrects"] is None and shown["corrected_by"] == []
    assert shown["orders"] == [
        {"department": "DEPT-MZ", "due_on": due_on, "state": "issued"},
        {"department": "DEPT-WJ", "due_on": due_on, "state": "issued"},
    ]
    assert get("department_clerk", world, notice).status_code == 200
    assert get(None, world, f"/api/v1/notices/{quote('市北督通〔2026〕2号')}").status_code == 404


def test_a_correction_refers_to_the_notice_it_corrects(world: World) -> None:
    first = published(world, [confirmed(world, unadmitted(world))])
    body = notice_body([], corrects=first.pk, title="关于更正市北督通〔2026〕1号的通报")
    response = post("inspector", world, NOTICES, body)
    assert response.status_code == 201, response.content
    correction = response.json()
    assert correction["corrects"] == "市北督通〔2026〕1号"
    post("supervision_head", world, f"{NOTICES}/{correction['id']}/approve")
    post("inspector", world, f"{NOTICES}/{correction['id']}/publish")
    old = get(None, world, f"/api/v1/notices/{quote(first.number or '')}").json()
    assert old["corrected_by"] == ["市北督通〔2026〕2号"]
    unpublished = notice_body([], corrects=999999)
    assert problem_columns(post("inspector", world, NOTICES, unpublished)) == {"corrects"}


def test_a_draft_is_withdrawn_and_never_shown_to_the_public(world: World) -> None:
    violation = confirmed(world, unadmitted(world))
    draft = post("inspector", world, NOTICES, notice_body([violation])).json()
    withdraw = f"{NOTICES}/{draft['id']}/withdraw"
    assert problem_columns(post("inspector", world, withdraw, {})) == {"reason"}
    assert post("auditor", world, withdraw, {"reason": "重复"}).status_code == 403
    response = post("inspector", world, withdraw, {"reason": "重复起草"})
    assert response.json()["state"] == "withdrawn"
    assert get(None, world, "/api/v1/notices").json()["count"] == 0
    assert get("inspector", world, NOTICES, state="withdrawn").json()["count"] == 1
    assert get("inspector", world, NOTICES, state="draft").json()["count"] == 0
    assert problem_columns(get("inspector", world, NOTICES, state="lost")) == {"state"}


def test_a_notice_names_only_confirmed_violations(world: World) -> None:
    open_violation = unadmitted(world)
    refused = post("inspector", world, NOTICES, notice_body([open_violation]))
    assert problem_columns(refused) == {"violations"}
    assert problem_columns(post("inspector", world, NOTICES, {})) == {
        "title",
        "facts",
        "rule_broken",
        "correction_required",
        "violations",
    }
    assert post("department_head", world, NOTICES, notice_body([])).status_code == 403
    assert Notice.objects.count() == 0


def test_publishing_into_a_year_nobody_entered_fails_loudly(world: World) -> None:
    violation = confirmed(world, unadmitted(world))
    draft = post("inspector", world, NOTICES, notice_body([violation])).json()
    post("supervision_head", world, f"{NOTICES}/{draft['id']}/approve")
    clock.pin(dt.datetime(2026, 12, 28, 2, 0, tzinfo=dt.UTC))  # 10 working days reach 2027
    response = post("inspector", world, f"{NOTICES}/{draft['id']}/publish")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "holiday_schedule_missing"
    assert Notice.objects.get(pk=draft["id"]).state == "approved"
    assert CorrectionOrder.objects.count() == 0


# Correction orders ------------------------------------------------------------------------------


def test_the_department_answers_and_the_inspector_returns_then_accepts(world: World) -> None:
    mz = confirmed(world, unadmitted(world))
    wj = confirmed(
        world, unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), "健康档案评比")
    )
    published(world, [mz, wj])
    mine = get("department_clerk", world, ORDERS).json()
    assert mine["count"] == 1
    order = mine["items"][0]
    assert order["department"] == "DEPT-MZ"
    assert order["notice_number"] == "市北督通〔2026〕1号"
    assert order["state"] == "issued"
    assert get("inspector", world, ORDERS).json()["count"] == 2
    assert get("community_secretary", world, ORDERS).json()["count"] == 0
    path = f"{ORDERS}/{order['id']}"
    assert get("department_clerk_other", world, path).status_code == 404

    report = {
        "response": "已撤回任务并通报全局",
        "evidence": [{"filename": "整改报告.pdf", "content_base64": b64(PDF)}],
    }
    assert post("department_clerk_other", world, f"{path}/respond", report).status_code == 404
    assert post("inspector", world, f"{path}/respond", report).status_code == 403
    assert problem_columns(post("department_clerk", world, f"{path}/respond", {})) == {"response"}
    assert post("inspector", world, f"{path}/accept").status_code == 409  # not answered yet
    response = post("department_head", world, f"{path}/respond", report)
    assert response.status_code == 200, response.content
    answered = response.json()
    assert answered["state"] == "answered"
    assert answered["response"] == "已撤回任务并通报全局"
    assert answered["first_answered_on"] == "2026-11-23"
    assert [e["filename"] for e in answered["evidence"]] == ["整改报告.pdf"]
    assert answered["violations"] == [mz.pk]

    assert post("department_head", world, f"{path}/accept").status_code == 403
    assert post("department_head", world, f"{path}/return", {"reason": "x"}).status_code == 403
    assert problem_columns(post("inspector", world, f"{path}/return", {})) == {"reason"}
    returned = post("inspector", world, f"{path}/return", {"reason": "缺少撤回任务的证明"})
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_reason"] == "缺少撤回任务的证明"
    assert get("department_clerk", world, ORDERS, state="returned").json()["count"] == 1

    again = post("department_clerk", world, f"{path}/respond", {"response": "补充证明材料"})
    assert again.json()["state"] == "answered"
    assert again.json()["return_reason"] == ""
    accepted = post("supervision_head", world, f"{path}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["accepted_on_time"] is True
    assert get("department_clerk", world, f"{VIOLATIONS}/{mz.pk}").json()["status"] == "corrected"
    assert get("inspector", world, f"{VIOLATIONS}/{wj.pk}").json()["status"] == "confirmed"
    assert [
        o["state"] for o in get(None, world, "/api/v1/notices").json()["items"][0]["orders"]
    ] == [
        "accepted",
        "issued",
    ]
    assert get("inspector", world, ORDERS, state="accepted").json()["count"] == 1
    assert problem_columns(get("inspector", world, ORDERS, state="done")) == {"state"}


def test_orders_are_not_created_by_post_they_come_from_notices(world: World) -> None:
    response = post("inspector", world, ORDERS, {"department": "DEPT-MZ"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    answer = response.json()
    assert answer["code"] == "orders_come_from_notices"
    assert "/api/v1/supervision/notices" in answer["message_en"]
    assert "通报" in answer["message_zh"]
    assert post(None, world, ORDERS).status_code == 401
    assert CorrectionOrder.objects.count() == 0


# The scorecard ----------------------------------------------------------------------------------


SCORE_KEYS = {
    "department",
    "name",
    "tasks_sent",
    "unadmitted",
    "unadmitted_share",
    "refusals",
    "confirmed_violations",
    "notices_named",
    "orders_open",
    "orders_overdue",
    "corrected_on_time",
}


def test_the_scorecard_is_public_and_counts_each_department(world: World) -> None:
    mz = confirmed(world, unadmitted(world))
    unadmitted(world, title="另一项未准入任务")
    published(world, [mz])
    response = get(None, world, "/api/v1/supervision/scorecard", period="2026-11")
    assert response.status_code == 200, response.content
    card = response.json()
    assert card["period"] == {"text": "2026-11", "start": "2026-11-01", "end": "2026-11-30"}
    assert card["count"] == 2
    rows = {row["department"]: row for row in card["items"]}
    assert set(rows) == {"DEPT-MZ", "DEPT-WJ"}
    for row in card["items"]:
        assert set(row) == SCORE_KEYS
    assert rows["DEPT-MZ"]["name"] == "区民政局"
    assert rows["DEPT-MZ"]["tasks_sent"] == 2
    assert rows["DEPT-MZ"]["unadmitted"] == 2
    assert rows["DEPT-MZ"]["unadmitted_share"] == "1.0000"
    assert rows["DEPT-MZ"]["confirmed_violations"] == 1
    assert rows["DEPT-MZ"]["notices_named"] == 1
    assert rows["DEPT-MZ"]["orders_open"] == 1
    assert rows["DEPT-WJ"]["tasks_sent"] == 0
    assert rows["DEPT-WJ"]["unadmitted_share"] is None
    only = get(None, world, "/api/v1/supervision/scorecard", period="2026", department="DEPT-WJ")
    assert [row["department"] for row in only.json()["items"]] == ["DEPT-WJ"]
    this_year = get(None, world, "/api/v1/supervision/scorecard").json()["period"]
    assert this_year == {"text": "2026", "start": "2026-01-01", "end": "2026-11-23"}


@pytest.mark.parametrize("period", ["last year", "2026-13", "2026-Q5", "2026-06-30..2026-01-01"])
def test_a_period_not_understood_answers_422(world: World, period: str) -> None:
    response = get(None, world, "/api/v1/supervision/scorecard", period=period)
    assert problem_columns(response) == {"period"}


# Plaques and ledgers ----------------------------------------------------------------------------


@pytest.fixture
def wall_catalog(world: World) -> World:
    """T-001 (DEPT-MZ) requires the plaque PL-1 and the ledger LG-1; published."""
    officer = world.user("office_officer")
    plaque_create(actor=officer, code="PL-1", name="社区居家养老服务站", department=None)
    ledger_create(
        actor=officer, code="LG-1", name="低保入户调查台账", medium="paper", department=None
    )
    make_item(world, "T-001", plaque_codes=("PL-1",), ledger_codes=("LG-1",))
    catalog_publish(actor=officer, title="现行目录")
    return world


@pytest.mark.parametrize("kind", ["plaques", "ledgers"])
def test_the_wall_is_read_by_those_who_may_and_kept_by_the_community(
    wall_catalog: World, kind: str
) -> None:
    world = wall_catalog
    wall = f"/api/v1/communities/{COMMUNITY}/{kind}"
    admitted = "社区居家养老服务站" if kind == "plaques" else "低保入户调查台账"
    assert get("community_secretary", world, wall).json() == {"count": 0, "items": []}

    added = post("community_secretary", world, wall, {"name": admitted, "note": "门口"})
    assert added.status_code == 201, added.content
    record = added.json()
    assert record["kind"] == kind[:-1]
    assert (record["name"], record["admitted"], record["item"]) == (admitted, True, "T-001")
    assert record["source"] == "community" and record["removed_on"] is None
    flagged = post("inspector", world, wall, {"name": "文明创建示范点"}).json()
    assert (flagged["admitted"], flagged["item"], flagged["source"]) == (False, None, "inspection")
    same = post("community_worker", world, wall, {"name": admitted})
    assert same.json()["id"] == record["id"]  # already on the wall: answered as it stands

    for reader in ["community_worker", "subdistrict_officer", "office_officer", "auditor"]:
        listed = get(reader, world, wall).json()
        assert [(r["name"], r["admitted"]) for r in listed["items"]] == [
            ("文明创建示范点", False),
            (admitted, True),
        ], reader
        assert set(listed["items"][0]) >= {"name", "admitted", "item", "source", "removed_on"}
    for outsider in ["community_secretary_other", "department_clerk", "subdistrict_officer_other"]:
        assert get(outsider, world, wall).status_code == 404, outsider
        assert post(outsider, world, wall, {"name": "某牌子"}).status_code == 404, outsider
    for reader_only in ["subdistrict_officer", "office_officer", "auditor"]:
        assert post(reader_only, world, wall, {"name": "某牌子"}).status_code == 403, reader_only
    assert get(None, world, wall).status_code == 401
    assert problem_columns(post("community_secretary", world, wall, {"name": " "})) == {"name"}
    assert get("inspector", world, "/api/v1/communities/370203/plaques").status_code == 404
    assert get("inspector", world, "/api/v1/communities/NOWHERE/ledgers").status_code == 404


# Lists cost the same queries for few rows or many -----------------------------------------------


def queries(person: str | None, world: World, path: str) -> tuple[int, int]:
    client = signed_in(world.user(person)) if person else Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured), response.json()["count"]


LISTS = [
    ("inspector", VIOLATIONS),
    ("department_clerk", VIOLATIONS),
    ("inspector", INSPECTIONS),
    ("community_secretary", INSPECTIONS),
    ("inspector", NOTICES),
    ("department_clerk", ORDERS),
    ("inspector", ORDERS),
    (None, "/api/v1/notices"),
    (None, "/api/v1/supervision/scorecard?period=2026"),
    ("community_secretary", f"/api/v1/communities/{COMMUNITY}/plaques"),
]


def one_round(world: World, n: int) -> None:
    """One more of everything the lists show: a violation of each department, a finding, an
    inspection, a published notice naming both and its orders, a plaque."""
    mz = confirmed(world, unadmitted(world, title=f"未准入任务{n}"))
    wj = confirmed(
        world, unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), f"评比{n}")
    )
    inspection = planned(world, title=f"检查{n}")
    post(
        "inspector",
        world,
        f"{INSPECTIONS}/{inspection['id']}/findings",
        {"kind": "other", "description": f"问题{n}", "community": COMMUNITY},
    )
    published(world, [mz, wj], title=f"通报{n}")
    post(
        "community_secretary",
        world,
        f"/api/v1/communities/{COMMUNITY}/plaques",
        {"name": f"牌子{n}"},
    )


@pytest.mark.parametrize(("person", "path"), LISTS)
def test_a_list_costs_the_same_queries_for_one_row_or_four(
    world: World, person: str | None, path: str
) -> None:
    one_round(world, 1)
    with_one, count_one = queries(person, world, path)
    for n in range(2, 5):
        one_round(world, n)
    with_four, count_four = queries(person, world, path)
    assert count_four > count_one or "scorecard" in path
    assert with_four == with_one, (with_one, with_four)


def test_a_body_over_the_request_limit_is_refused_whole(world: World) -> None:
    """Files travel as base64 in the JSON body, so the body's limit (Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) bounds them: beyond it, 400 in the API's shape and
    nothing recorded."""
    inspection = planned(world)
    big = PNG + b"\x00" * (2 * 1024 * 1024)  # ~2.7 MB of base64
    body = {
        "kind": "other",
        "description": "大照片",
        "files": [{"filename": "big.png", "content_base64": b64(big)}],
    }
    response = post("inspector", world, f"{INSPECTIONS}/{inspection['id']}/findings", body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"
    assert Violation.objects.count() == 0


def test_an_id_beyond_any_database_key_is_a_422_naming_its_list(world: World) -> None:
    huge = 99999999999999999999
    body = {**notice_body([]), "violations": [huge]}
    assert problem_columns(post("inspector", world, NOTICES, body)) == {"payload.violations.0"}
    body = {**notice_body([]), "overdue_orders": [huge]}
    assert problem_columns(post("inspector", world, NOTICES, body)) == {"payload.overdue_orders.0"}


def test_each_party_to_an_inspection_sees_only_its_own_findings(world: World) -> None:
    inspection = planned(world, departments=["DEPT-MZ", "DEPT-WJ"], communities=[COMMUNITY, OTHER])
    findings = f"{INSPECTIONS}/{inspection['id']}/findings"
    theirs = {
        "kind": "other",
        "description": "卫健局要求伊春路社区自行排名",
        "community": OTHER,
        "department": "DEPT-WJ",
        "files": [{"filename": "排名表.png", "content_base64": b64(PNG)}],
    }
    recorded = post("inspector", world, findings, theirs)
    assert recorded.status_code == 201, recorded.content
    detail = f"{INSPECTIONS}/{inspection['id']}"
    assert [f["id"] for f in get("inspector", world, detail).json()["findings"]] == [
        recorded.json()["id"]
    ]
    for outsider in ("department_clerk", "community_secretary"):
        assert get(outsider, world, detail).json()["findings"] == []
    for party in ("department_clerk_other", "community_secretary_other"):
        assert len(get(party, world, detail).json()["findings"]) == 1


def test_the_orders_are_filtered_by_department_on_the_api_and_the_page(world: World) -> None:
    """One notice names DEPT-MZ and DEPT-WJ: `?department=` keeps one department's order, for
    the inspector who sees both, on the API and on the page."""
    mz = confirmed(world, unadmitted(world))
    wj = confirmed(
        world, unadmitted(world, "department_clerk_other", "DEPT-WJ", (OTHER,), "健康档案评比")
    )
    published(world, [mz, wj])
    for code in ("DEPT-MZ", "DEPT-WJ"):
        answer = get("inspector", world, ORDERS, department=code).json()
        assert [order["department"] for order in answer["items"]] == [code]
        assert answer["count"] == 1
        page = signed_in(world.user("inspector")).get("/supervision/orders/", {"department": code})
        assert [order.department.code for order in page.context["page"].rows] == [code]
    assert get("inspector", world, ORDERS, department="NOPE").json()["count"] == 0
    # A department filtering by another department finds none of its orders.
    assert get("department_clerk", world, ORDERS, department="DEPT-WJ").json()["count"] == 0
