"""The supervision pages through the test client: the workspace (and the old dispatch page's
redirect), the violations register and a violation's confirm and dismiss forms, inspections with
their findings and files, a community's wall, notices from draft to the public page and its PDF,
correction orders answered, returned and accepted, the scorecard and its workbook, the
navigation, and the query counts of the lists. Pages answer in Chinese (the default)."""

import datetime as dt
import io
import re
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import Ledger, Plaque
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Assignment
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_refuse,
    off_platform_report_create,
    task_send,
)
from communitygate.http.formtokens import new_form_token
from communitygate.oversight.models import (
    CorrectionOrder,
    Finding,
    FindingFile,
    Inspection,
    Notice,
    OrderEvidence,
    Violation,
    WallRecord,
)
from communitygate.oversight.services.inspections import (
    FindingRequest,
    InspectionRequest,
    finding_record,
    inspection_plan,
    wall_record_add,
)
from communitygate.oversight.services.notices import (
    NoticeRequest,
    notice_approve,
    notice_draft,
    notice_publish,
    order_respond,
    orders_lapse,
)
from communitygate.oversight.services.violations import Confirmation, violation_confirm
from communitygate.testing import World, image_bytes, make_item, signed_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 11, 23)
COMMUNITY, OTHER = "370203031001", "370203014001"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = image_bytes("PNG")
OVERSEERS = ("office_officer", "inspector", "supervision_head", "auditor")


@pytest.fixture
def district(world: World, settings: Any, tmp_path: Any) -> World:
    """The world with a published catalog: D-1 is DEPT-MZ's item requiring the plaque 社区居家养老
    服务站 and the ledger 低保对象台账. Uploads go to a temporary folder; the clock reads Monday
    23 November 2026."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    clock.pin(MONDAY)
    Plaque.objects.create(code="PL-1", name="社区居家养老服务站")
    Ledger.objects.create(code="LD-1", name="低保对象台账")
    make_item(world, "D-1", plaque_codes=("PL-1",), ledger_codes=("LD-1",))
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    return world


# Helpers ------------------------------------------------------------------------------------------


def html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def part(page: str, testid: str) -> str:
    """The element marked data-testid="…", up to its closing tag."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>', page)
    assert found, f"no {testid} on the page"
    end = page.index(f"</{found.group(1)}>", found.end())
    return page[found.start() : end]


def client_of(world: World, person: str) -> Client:
    return signed_in(world.user(person))


def unadmitted(
    world: World,
    title: str,
    *,
    person: str = "department_clerk",
    department: str = "DEPT-MZ",
    communities: tuple[str, ...] = (COMMUNITY,),
) -> Violation:
    """A task sent outside the catalog: the gate does not admit it, so it is a violation."""
    task = task_send(
        actor=world.user(person),
        request=TaskRequest(
            department_code=department,
            item_code=None,
            title=title,
            task_type="work",
            starts_on=TODAY,
            due_on=dt.date(2026, 12, 18),
            targets=Targets("communities", communities),
        ),
    )
    return Violation.objects.get(task=task)


def reported(world: World, *, department: str | None = "department_other") -> Violation:
    report = off_platform_report_create(
        actor=world.user("community_secretary"),
        community=world.org("community"),
        department=world.org(department) if department else None,
        pushed_by="某科室",
        channel="chat_group",
        occurred_on=TODAY,
        what_was_asked="工作群里要求三天内上报商户名单",
        evidence=[FileUpload("截图.png", PNG)],
    )
    return Violation.objects.get(report=report)


def confirmed(world: World, violation: Violation) -> Violation:
    return violation_confirm(
        actor=world.user("inspector"),
        violation=violation,
        confirmation=Confirmation("serious", "access_system", "准入制度第三条：未经准入不得派单"),
    )


def drafted(world: World, *violations: Violation, title: str = "关于部门违规派单的通报") -> Notice:
    return notice_draft(
        actor=world.user("inspector"),
        request=NoticeRequest(
            title=title,
            facts="区民政局未经准入向社区派发工作任务。",
            rule_broken="违反社区工作准入制度。",
            correction_required="立即停止未准入派单，撤回已派任务。",
            violation_ids=tuple(v.pk for v in violations),
        ),
    )


def published(
    world: World, *violations: Violation, title: str = "关于部门违规派单的通报"
) -> Notice:
    notice = drafted(world, *violations, title=title)
    notice_approve(actor=world.user("supervision_head"), notice=notice)
    return notice_publish(actor=world.user("inspector"), notice=notice)


def planned(world: World) -> Inspection:
    return inspection_plan(
        actor=world.user("inspector"),
        request=InspectionRequest(
            title="2026年第四季度社区减负专项检查",
            starts_on=TODAY,
            ends_on=dt.date(2026, 11, 30),
            department_codes=("DEPT-MZ",),
            community_codes=(COMMUNITY,),
        ),
    )


def state_of(model: Any, pk: int) -> str:
    return str(model.objects.get(pk=pk).state)


# The workspace and the navigation -----------------------------------------------------------------


def test_the_workspace_shows_an_inspector_the_whole_district(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    theirs = reported(district)
    notice = drafted(district, ours)
    page = html(client_of(district, "inspector").get("/supervision/"))
    assert "督查工作台" in page
    counts = part(page, "violation-counts")
    assert re.search(r'data-state="open"><a [^>]*><strong>1</strong>待认定', counts)
    assert re.search(r'data-state="confirmed"><a [^>]*><strong>1</strong>已认定', counts)
    latest = part(page, "latest-violations")
    assert f"violation-{ours.pk}" in latest and f"violation-{theirs.pk}" in latest
    assert "区卫生健康局" in part(page, "by-department")
    assert f"notice-{notice.pk}" in part(page, "notices-in-progress")
    assert "awaits-you" not in page  # the inspector drafted it; only the head approves
    head = html(client_of(district, "supervision_head").get("/supervision/"))
    assert "awaits-you" in part(head, f"notice-{notice.pk}")


def test_a_department_sees_only_its_own_records_on_the_workspace(district: World) -> None:
    ours = unadmitted(district, "民政局未准入任务")
    theirs = reported(district)
    page = html(client_of(district, "department_clerk").get("/supervision/"))
    assert part(page, "own-records")
    assert f"violation-{ours.pk}" in page
    assert f"violation-{theirs.pk}" not in page
    assert "notices-in-progress" not in page


@pytest.mark.parametrize("person", ["community_secretary", "subdistrict_officer", "no_role"])
def test_the_workspace_is_not_found_for_communities_and_others(
    district: World, person: str
) -> None:
    assert client_of(district, person).get("/supervision/").status_code == 404


def test_the_old_dispatch_supervision_page_moved_for_good(district: World) -> None:
    response = client_of(district, "inspector").get("/dispatch/supervision/")
    assert response.status_code == 301
    assert response["Location"] == "/supervision/"


def test_the_header_links_supervision_for_overseers_and_departments(district: World) -> None:
    for person in ("inspector", "auditor", "department_head"):
        page = html(client_of(district, person).get("/"))
        assert 'data-testid="nav-supervision">督查</a>' in page
    page = html(client_of(district, "community_secretary").get("/"))
    assert "nav-supervision" not in page
    public = html(Client().get("/"))
    assert 'data-testid="nav-notices">通报</a>' in public
    assert 'data-testid="nav-scorecard">部门执行情况</a>' in public


def test_the_inbox_links_the_communitys_wall(district: World) -> None:
    page = html(client_of(district, "community_secretary").get("/dispatch/inbox/"))
    assert f"/supervision/communities/{COMMUNITY}/wall/" in part(page, "wall-links")


# The violations register --------------------------------------------------------------------------


def test_the_register_filters_by_department_state_and_source(district: World) -> None:
    mz = confirmed(district, unadmitted(district, "民政局未准入任务"))
    wj = unadmitted(
        district, "卫健局未准入任务", person="department_clerk_other", department="DEPT-WJ"
    )
    report = reported(district)
    client = client_of(district, "inspector")
    everything = part(html(client.get("/supervision/violations/")), "violations")
    assert all(f"violation-{v.pk}" in everything for v in (mz, wj, report))
    by_department = html(client.get("/supervision/violations/?department=DEPT-WJ"))
    rows = part(by_department, "violations")
    assert f"violation-{wj.pk}" in rows and f"violation-{report.pk}" in rows
    assert f"violation-{mz.pk}" not in rows
    assert "2 条违规记录" in by_department
    rows = part(html(client.get("/supervision/violations/?status=confirmed")), "violations")
    assert f"violation-{mz.pk}" in rows and f"violation-{wj.pk}" not in rows
    rows = part(
        html(client.get("/supervision/violations/?source=off_platform_report")), "violations"
    )
    assert f"violation-{report.pk}" in rows and f"violation-{wj.pk}" not in rows


def test_an_unknown_filter_is_an_error_beside_its_field_not_the_whole_list(
    district: World,
) -> None:
    unadmitted(district, "民政局未准入任务")
    page = html(client_of(district, "inspector").get("/supervision/violations/?status=nonsense"))
    assert "nonsense" in part(page, "errors-status")
    assert "暂无违规记录" in part(page, "violations")


def test_a_community_sees_the_outcome_of_what_it_reported_and_nothing_else(
    district: World,
) -> None:
    report = reported(district)
    task = unadmitted(district, "民政局未准入任务")
    client = client_of(district, "community_secretary")
    rows = part(html(client.get("/supervision/violations/")), "violations")
    assert f"violation-{report.pk}" in rows and f"violation-{task.pk}" not in rows
    assert client.get(f"/supervision/violations/{task.pk}/").status_code == 404
    page = html(client.get(f"/supervision/violations/{report.pk}/"))
    assert "confirm-form" not in page
    report_page = html(client.get(f"/dispatch/reports/{report.report_id}/"))
    assert f"/supervision/violations/{report.pk}/" in part(report_page, "violation-link")


def test_a_violation_shows_its_cause_and_the_communities_affected(district: World) -> None:
    violation = unadmitted(district, "民政局未准入任务", communities=(COMMUNITY, OTHER))
    page = html(
        client_of(district, "department_clerk").get(f"/supervision/violations/{violation.pk}/")
    )
    cause = part(page, "cause")
    assert f'href="/dispatch/tasks/{violation.task_id}/"' in cause
    assert 'data-code="not_in_catalog"' in cause
    assert "该任务不属于社区工作准入目录中的事项" in cause
    communities = part(page, "communities")
    assert "商邱路社区" in communities and "伊春路社区" in communities
    assert "尚未认定" in part(page, "decision")
    assert "confirm-form" not in page  # a department reads, the inspectors decide


def test_an_inspector_confirms_with_errors_beside_the_fields_first(district: World) -> None:
    violation = unadmitted(district, "民政局未准入任务")
    client = client_of(district, "inspector")
    path = f"/supervision/violations/{violation.pk}/"
    page = html(client.get(path))
    assert part(page, "confirm-form") and part(page, "dismiss-form")
    response = client.post(f"{path}confirm/", {"severity": "", "rule_source": "catalog"})
    page = html(response)
    assert "这个字段是必填项" in part(page, "errors-severity")
    assert part(page, "errors-rule_cited")
    assert state_of(Violation, violation.pk) == "open"
    response = client.post(
        f"{path}confirm/",
        {
            "severity": "grave",
            "rule_source": "catalog",
            "rule_cited": "未列入准入目录",
            "note": "屡犯",
        },
    )
    assert response.status_code == 302 and response["Location"] == path
    page = html(client.get(path))
    decision = part(page, "decision")
    assert "inspector" in decision and "未列入准入目录" in decision and "严重" in decision
    assert "confirm-form" not in page
    assert 'data-testid="draft-from-here"' in page


def test_a_violation_without_a_department_is_confirmed_against_one_named(
    district: World,
) -> None:
    violation = reported(district, department=None)
    client = client_of(district, "inspector")
    path = f"/supervision/violations/{violation.pk}/"
    fields = {"severity": "minor", "rule_source": "access_system", "rule_cited": "准入制度"}
    page = html(client.post(f"{path}confirm/", fields))
    assert part(page, "errors-department")
    response = client.post(f"{path}confirm/", {**fields, "department": "DEPT-WJ"})
    assert response.status_code == 302
    assert Violation.objects.get(pk=violation.pk).department == district.org("department_other")


def test_dismissing_needs_a_reason_beside_the_field(district: World) -> None:
    violation = unadmitted(district, "民政局未准入任务")
    client = client_of(district, "supervision_head")
    path = f"/supervision/violations/{violation.pk}/"
    page = html(client.post(f"{path}dismiss/", {"reason": ""}))
    assert part(page, "errors-reason")
    assert client.post(f"{path}dismiss/", {"reason": "已纳入目录的事项"}).status_code == 302
    assert state_of(Violation, violation.pk) == "dismissed"
    assert "已纳入目录的事项" in part(html(client.get(path)), "decision")


@pytest.mark.parametrize("person", ["department_clerk", "office_officer", "auditor"])
def test_only_the_inspectors_decide_a_violation(district: World, person: str) -> None:
    violation = unadmitted(district, "民政局未准入任务")
    client = client_of(district, person)
    response = client.post(
        f"/supervision/violations/{violation.pk}/confirm/",
        {"severity": "grave", "rule_source": "catalog", "rule_cited": "x"},
    )
    assert response.status_code == 403
    assert (
        client.post(f"/supervision/violations/{violation.pk}/dismiss/", {"reason": "x"}).status_code
        == 403
    )
    assert state_of(Violation, violation.pk) == "open"


# Inspections ----------------------------------------------------------------------------------------


def plan_form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "form_token": new_form_token(),
        "title": "社区挂牌专项检查",
        "starts_on": "2026-11-24",
        "ends_on": "2026-11-30",
        "departments": ["DEPT-MZ"],
        "communities": [COMMUNITY, OTHER],
    }
    values.update(overrides)
    return values


def test_the_plan_form_shows_each_problem_beside_its_field(district: World) -> None:
    client = client_of(district, "inspector")
    assert "communities" in html(client.get("/supervision/inspections/new/"))
    page = html(client.post("/supervision/inspections/new/", plan_form(title="")))
    assert part(page, "errors-title")
    page = html(client.post("/supervision/inspections/new/", plan_form(ends_on="2026-11-20")))
    assert "结束日期早于开始日期" in part(page, "errors-ends_on")
    page = html(
        client.post("/supervision/inspections/new/", plan_form(departments=[], communities=[]))
    )
    assert "请至少选择一个被检查的部门或社区" in part(page, "errors-departments")
    assert not Inspection.objects.exists()


def test_a_plan_sent_twice_is_one_inspection(district: World) -> None:
    client = client_of(district, "inspector")
    form = plan_form()
    first = client.post("/supervision/inspections/new/", form)
    again = client.post("/supervision/inspections/new/", form)
    inspection = Inspection.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/supervision/inspections/{inspection.pk}/"
    assert sorted(inspection.communities.values_list("code", flat=True)) == [OTHER, COMMUNITY]


@pytest.mark.parametrize("person", ["department_clerk", "office_officer", "community_secretary"])
def test_only_the_supervision_offices_plan(district: World, person: str) -> None:
    client = client_of(district, person)
    assert client.get("/supervision/inspections/new/").status_code == 404
    assert client.post("/supervision/inspections/new/", plan_form()).status_code == 404
    assert not Inspection.objects.exists()


def finding_form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "form_token": new_form_token(),
        "kind": "unadmitted_plaque",
        "description": "社区门口挂有“文明创建工作站”牌子，目录未要求。",
        "community": COMMUNITY,
        "department": "DEPT-MZ",
        "wall_kind": "plaque",
        "wall_name": "文明创建工作站",
        "file": [SimpleUploadedFile("牌子.png", PNG, content_type="image/png")],
    }
    values.update(overrides)
    return values


def test_an_inspector_records_a_finding_with_a_photo(district: World) -> None:
    inspection = planned(district)
    client = client_of(district, "inspector")
    path = f"/supervision/inspections/{inspection.pk}/"
    page = html(client.get(path))
    checklist = part(page, "checklist")
    assert "社区挂牌是否均为准入事项要求的牌子" in checklist
    assert "社区居家养老服务站" in checklist  # what the catalog admits, to compare with the wall
    assert f"/supervision/communities/{COMMUNITY}/wall/" in part(page, "communities")
    response = client.post(f"{path}findings/", finding_form())
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{path}#finding-{finding.pk}"
    violation = Violation.objects.get(finding=finding)
    assert (violation.source, violation.department.code if violation.department else None) == (
        "inspection_finding",
        "DEPT-MZ",
    )
    record = WallRecord.objects.get(name="文明创建工作站")
    assert not record.admitted
    row = part(html(client.get(path)), f"finding-{finding.pk}")
    photo = FindingFile.objects.get(finding=finding)
    assert f'href="/supervision/inspections/{inspection.pk}/files/{photo.pk}/"' in row
    assert f'href="/supervision/violations/{violation.pk}/"' in row
    assert "目录外" in row
    download = client_of(district, "department_clerk").get(
        f"/supervision/inspections/{inspection.pk}/files/{photo.pk}/"
    )
    assert isinstance(download, FileResponse)
    assert b"".join(cast(Any, download.streaming_content)) == PNG
    outsider = client_of(district, "department_clerk_other")
    assert (
        outsider.get(f"/supervision/inspections/{inspection.pk}/files/{photo.pk}/").status_code
        == 404
    )
    assert outsider.get(path).status_code == 404


def test_a_finding_with_a_bad_file_or_missing_fields_is_not_recorded(district: World) -> None:
    inspection = planned(district)
    client = client_of(district, "inspector")
    path = f"/supervision/inspections/{inspection.pk}/findings/"
    fake = SimpleUploadedFile("牌子.png", b"not a picture", content_type="image/png")
    page = html(client.post(path, finding_form(file=[fake])))
    assert "文件内容与扩展名" in part(page, "errors-file")
    page = html(client.post(path, finding_form(description="", kind="")))
    assert part(page, "errors-description") and part(page, "errors-kind")
    page = html(client.post(path, finding_form(community="", file=[])))
    assert "记录牌子或台账须指明社区" in part(page, "errors-community")
    assert not Finding.objects.exists()
    assert not Violation.objects.filter(source="inspection_finding").exists()


def test_a_department_named_reads_the_inspection_but_records_nothing(district: World) -> None:
    inspection = planned(district)
    client = client_of(district, "department_head")
    page = html(client.get(f"/supervision/inspections/{inspection.pk}/"))
    assert "finding-form" not in page and "complete-form" not in page
    assert "/wall/" not in part(page, "communities")  # a department does not read the wall
    response = client.post(f"/supervision/inspections/{inspection.pk}/findings/", finding_form())
    assert response.status_code == 403
    assert client.post(f"/supervision/inspections/{inspection.pk}/complete/").status_code == 403
    assert state_of(Inspection, inspection.pk) == "planned"


def test_completing_an_inspection_closes_its_findings(district: World) -> None:
    inspection = planned(district)
    client = client_of(district, "inspector")
    path = f"/supervision/inspections/{inspection.pk}/"
    response = client.post(f"{path}complete/", {"conclusion": "发现两处问题，已记录。"})
    assert response.status_code == 302
    assert state_of(Inspection, inspection.pk) == "completed"
    page = html(client.get(path))
    assert "发现两处问题" in part(page, "inspection")
    assert "finding-form" not in page
    response = client.post(f"{path}findings/", finding_form(), follow=True)
    assert "检查已结束或已取消" in html(response)
    assert not Finding.objects.exists()


def test_cancelling_needs_a_reason(district: World) -> None:
    inspection = planned(district)
    client = client_of(district, "supervision_head")
    response = client.post(
        f"/supervision/inspections/{inspection.pk}/cancel/", {"reason": ""}, follow=True
    )
    assert "请写明取消的理由" in html(response)
    assert state_of(Inspection, inspection.pk) == "planned"
    client.post(f"/supervision/inspections/{inspection.pk}/cancel/", {"reason": "改期"})
    assert state_of(Inspection, inspection.pk) == "cancelled"


def test_the_inspection_list_is_scoped(district: World) -> None:
    inspection = planned(district)
    assert f"inspection-{inspection.pk}" in html(
        client_of(district, "community_worker").get("/supervision/inspections/")
    )
    assert f"inspection-{inspection.pk}" in html(
        client_of(district, "department_clerk").get("/supervision/inspections/")
    )
    assert f"inspection-{inspection.pk}" not in html(
        client_of(district, "community_secretary_other").get("/supervision/inspections/")
    )


# The wall -----------------------------------------------------------------------------------------

WALL = f"/supervision/communities/{COMMUNITY}/wall/"


def test_the_wall_flags_what_no_admitted_item_requires(district: World) -> None:
    secretary = district.user("community_secretary")
    admitted = wall_record_add(
        actor=secretary,
        community=district.org("community"),
        kind="plaque",
        name="社区居家养老服务站",
    )
    stray = wall_record_add(
        actor=secretary, community=district.org("community"), kind="plaque", name="创卫工作站"
    )
    ledger = wall_record_add(
        actor=secretary, community=district.org("community"), kind="ledger", name="低保对象台账"
    )
    page = html(client_of(district, "community_secretary").get(WALL))
    plaques = part(page, "wall-plaque")
    assert 'data-unadmitted="1"' in part(page, f"record-{stray.pk}")
    assert "data-unadmitted" not in part(page, f"record-{admitted.pk}")
    assert 'href="/catalog/items/D-1/"' in plaques
    assert f"record-{ledger.pk}" in part(page, "wall-ledger")
    assert "有 1 项牌子或台账不在准入范围内" in part(page, "unadmitted-count")
    assert part(page, "wall-form")


def test_recording_on_the_wall_shows_errors_beside_the_fields(district: World) -> None:
    client = client_of(district, "community_worker")
    page = html(client.post(f"{WALL}add/", {"kind": "", "name": ""}))
    assert part(page, "errors-kind") and part(page, "errors-name")
    response = client.post(f"{WALL}add/", {"kind": "ledger", "name": "创城迎检台账"})
    assert response.status_code == 302 and response["Location"] == WALL
    record = WallRecord.objects.get(name="创城迎检台账")
    assert (record.admitted, record.source) == (False, "community")


def test_taking_a_plaque_down_keeps_its_record(district: World) -> None:
    record = wall_record_add(
        actor=district.user("inspector"),
        community=district.org("community"),
        kind="plaque",
        name="创卫工作站",
    )
    client = client_of(district, "community_secretary")
    client.post(f"{WALL}{record.pk}/remove/", {"reason": "督查后已摘除"})
    record.refresh_from_db()
    assert record.removed_on == TODAY
    page = html(client.get(WALL))
    assert f"record-{record.pk}" not in part(page, "wall-plaque")
    assert "创卫工作站" in part(page, "removed-plaque")


def test_who_reads_and_who_keeps_the_wall(district: World) -> None:
    record = wall_record_add(
        actor=district.user("inspector"),
        community=district.org("community"),
        kind="plaque",
        name="创卫工作站",
    )
    reader = client_of(district, "subdistrict_officer")
    page = html(reader.get(WALL))
    assert "wall-form" not in page and "remove-form" not in page
    assert reader.post(f"{WALL}add/", {"kind": "plaque", "name": "某牌子"}).status_code == 403
    assert reader.post(f"{WALL}{record.pk}/remove/", {"reason": "x"}).status_code == 403
    for person in ("community_secretary_other", "department_clerk", "no_role"):
        assert client_of(district, person).get(WALL).status_code == 404
    assert (
        client_of(district, "inspector").get("/supervision/communities/DEPT-MZ/wall/").status_code
        == 404
    )


# Notices --------------------------------------------------------------------------------------------


def notice_form(*violations: Violation, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "form_token": new_form_token(),
        "title": "关于区民政局违规向社区派单的通报",
        "violations": [str(v.pk) for v in violations],
        "facts": "2026年11月，区民政局两次未经准入向社区派发任务。",
        "rule_broken": "违反《社区工作准入制度》第三条。",
        "correction_required": "撤回未准入任务，向相关社区说明。",
        "correction_workdays": "10",
        "corrects": "",
    }
    values.update(overrides)
    return values


def test_the_draft_form_offers_confirmed_violations_and_shows_errors_beside_fields(
    district: World,
) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    still_open = unadmitted(district, "民政局另一任务")
    client = client_of(district, "inspector")
    page = html(client.get(f"/supervision/notices/new/?violation={ours.pk}"))
    form = part(page, "notice-form")
    assert f'name="violations" value="{ours.pk}"' in form
    assert f'name="violations" value="{still_open.pk}"' not in form
    assert re.search(rf'name="violations" value="{ours.pk}"[^>]*checked', form)
    page = html(client.post("/supervision/notices/new/", notice_form(title="", facts="")))
    assert part(page, "errors-title") and part(page, "errors-facts")
    page = html(client.post("/supervision/notices/new/", notice_form()))
    assert "通报须点名至少一条已确认的违规记录" in part(page, "errors-violations")
    page = html(
        client.post("/supervision/notices/new/", notice_form(ours, correction_workdays="0"))
    )
    assert part(page, "errors-correction_workdays")
    assert not Notice.objects.exists()


def test_a_draft_sent_twice_is_one_notice(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    client = client_of(district, "inspector")
    form = notice_form(ours)
    first = client.post("/supervision/notices/new/", form)
    again = client.post("/supervision/notices/new/", form)
    notice = Notice.objects.get()
    assert first["Location"] == again["Location"] == f"/supervision/notices/{notice.pk}/"
    assert notice.state == "draft"
    assert list(notice.departments.values_list("code", flat=True)) == ["DEPT-MZ"]


def test_a_notice_goes_from_draft_to_the_public_page(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    theirs = confirmed(district, reported(district))
    notice = drafted(district, ours, theirs)
    path = f"/supervision/notices/{notice.pk}/"
    inspector = client_of(district, "inspector")
    page = html(inspector.get(path))
    assert 'data-testid="approve"' not in page  # the drafter never approves
    assert inspector.post(f"{path}approve/").status_code == 403
    head = client_of(district, "supervision_head")
    assert 'data-testid="approve"' in html(head.get(path))
    assert head.post(f"{path}approve/").status_code == 302
    assert 'data-testid="publish"' in html(inspector.get(path))
    # Publishing asks first, naming the departments and their deadline; nothing changes yet.
    asked = html(inspector.post(f"{path}publish/"))
    assert (
        "被通报部门：区卫生健康局、区民政局。" in asked
        or "被通报部门：区民政局、区卫生健康局。" in asked
    )
    assert "限 2026年12月7日 前整改" in asked
    assert 'name="confirmed" value="yes"' in asked
    assert state_of(Notice, notice.pk) == "approved"
    assert not CorrectionOrder.objects.filter(notice=notice).exists()
    response = inspector.post(f"{path}publish/", {"confirmed": "yes"}, follow=True)
    notice.refresh_from_db()
    assert notice.number == "市北督通〔2026〕1号"
    assert AuditEvent.objects.filter(action="notice.publish", object_id=str(notice.pk)).exists()
    page = html(response)
    assert "通报 市北督通〔2026〕1号 已公布，已向" in page
    assert "限 2026年12月7日 前整改。" in page
    assert reverse("notices:notice", args=[notice.number]) in part(page, "public-links")
    orders = part(page, "orders")
    assert "区民政局" in orders and "区卫生健康局" in orders
    assert "2026年12月7日" in orders  # ten working days after Monday 23 November
    public = html(Client().get(f"/notices/{notice.number}/"))
    assert notice.number in part(public, "number")
    assert "市北区政府督查室" in part(public, "notice")
    assert "区民政局" in part(public, "departments") and "区卫生健康局" in part(
        public, "departments"
    )
    assert "10 个工作日内" in part(public, "deadline") and "2026年12月7日" in part(
        public, "deadline"
    )


def test_returning_an_approved_notice_needs_the_head_and_a_reason(district: World) -> None:
    notice = drafted(district, confirmed(district, unadmitted(district, "民政局未准入任务")))
    notice_approve(actor=district.user("supervision_head"), notice=notice)
    path = f"/supervision/notices/{notice.pk}/"
    assert (
        client_of(district, "inspector").post(f"{path}return/", {"reason": "x"}).status_code == 403
    )
    head = client_of(district, "supervision_head")
    assert "请写明退回的理由" in html(head.post(f"{path}return/", {"reason": ""}, follow=True))
    head.post(f"{path}return/", {"reason": "事实部分需补充"})
    assert state_of(Notice, notice.pk) == "draft"


def test_departments_read_published_notices_only(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    draft = drafted(district, ours, title="尚未发布的通报")
    done = published(district, ours, title="已发布的通报")
    client = client_of(district, "department_clerk")
    page = html(client.get("/supervision/notices/"))
    assert f"notice-{done.pk}" in page and f"notice-{draft.pk}" not in page
    assert client.get(f"/supervision/notices/{draft.pk}/").status_code == 404
    assert (
        client.post(f"/supervision/notices/{draft.pk}/withdraw/", {"reason": "x"}).status_code
        == 404
    )
    assert html(client.get(f"/supervision/notices/{done.pk}/"))
    assert client.get("/supervision/notices/new/").status_code == 404


def test_the_public_sees_published_notices_only(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    draft = drafted(district, ours, title="草稿中的通报")
    withdrawn = drafted(district, ours, title="已撤回的通报")
    client_of(district, "inspector").post(
        f"/supervision/notices/{withdrawn.pk}/withdraw/", {"reason": "重复"}
    )
    approved = drafted(district, ours, title="已审批未发布的通报")
    notice_approve(actor=district.user("supervision_head"), notice=approved)
    done = published(district, ours, title="已发布的通报")
    page = html(Client().get("/notices/"))
    table = part(page, "public-notices")
    assert "已发布的通报" in table and str(done.number) in table
    for hidden in (draft, withdrawn, approved):
        assert hidden.title not in page
    assert Client().get("/notices/市北督通〔2026〕9号/").status_code == 404
    assert Client().get("/notices/市北督通〔2026〕9号.pdf").status_code == 404


def test_the_pdf_is_laid_out_as_an_official_notice(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    theirs = confirmed(district, reported(district))
    notice = published(district, ours, theirs, title="关于部门违规派单的通报")
    response = Client().get(f"/notices/{notice.number}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"[\s\x00]+", "", text)  # pypdf may read the CJK font's text with NULs
    assert "市北区政府督查室" in flat  # the red header: the district and the office
    assert "市北督通〔2026〕1号" in flat
    assert (
        flat.index("市北区政府督查室")
        < flat.index("市北督通〔2026〕1号")
        < flat.index("关于部门违规派单的通报")
    )
    assert "区民政局" in flat and "区卫生健康局" in flat
    assert "2026年12月7日前" in flat  # the deadline
    assert flat.rstrip().endswith("2026年11月23日")  # the issuing office and date at the end


def test_a_correction_is_a_new_notice_naming_the_old_one(district: World) -> None:
    ours = confirmed(district, unadmitted(district, "民政局未准入任务"))
    first = published(district, ours, title="第一期通报")
    client = client_of(district, "inspector")
    form = notice_form(corrects=str(first.pk), title="关于更正第一期通报的通报")
    form["violations"] = []
    response = client.post("/supervision/notices/new/", form)
    correction = Notice.objects.get(title="关于更正第一期通报的通报")
    assert response["Location"] == f"/supervision/notices/{correction.pk}/"
    assert correction.corrects == first


def test_a_published_notice_naming_no_violation_hides_no_candidate(district: World) -> None:
    first = published(district, confirmed(district, unadmitted(district, "民政局未准入任务")))
    correction = notice_draft(
        actor=district.user("inspector"),
        request=NoticeRequest(
            title="关于更正的通报",
            facts="更正第一期通报的事实部分。",
            rule_broken="同上。",
            correction_required="同上。",
            violation_ids=(),
            corrects_id=first.pk,
        ),
    )
    notice_approve(actor=district.user("supervision_head"), notice=correction)
    notice_publish(actor=district.user("inspector"), notice=correction)
    fresh = confirmed(district, unadmitted(district, "民政局又一未准入任务"))
    form = part(
        html(client_of(district, "inspector").get("/supervision/notices/new/")), "notice-form"
    )
    assert f'name="violations" value="{fresh.pk}"' in form
    assert f'name="violations" value="{first.violations.get().pk}"' not in form


# Correction orders ----------------------------------------------------------------------------------


def an_order(world: World) -> CorrectionOrder:
    notice = published(world, confirmed(world, unadmitted(world, "民政局未准入任务")))
    return CorrectionOrder.objects.get(notice=notice, department__code="DEPT-MZ")


def test_the_department_answers_with_a_report_and_evidence(district: World) -> None:
    order = an_order(district)
    path = f"/supervision/orders/{order.pk}/"
    client = client_of(district, "department_clerk")
    page = html(client.get(path))
    assert "2026年12月7日" in part(page, "due-on")
    assert part(page, "respond-form")
    page = html(client.post(f"{path}respond/", {"form_token": new_form_token(), "response": ""}))
    assert part(page, "errors-response")
    fake = SimpleUploadedFile("整改.pdf", b"not a pdf")
    page = html(
        client.post(
            f"{path}respond/",
            {"form_token": new_form_token(), "response": "已整改", "file": [fake]},
        )
    )
    assert part(page, "errors-file")
    assert state_of(CorrectionOrder, order.pk) == "issued"
    form = {
        "form_token": new_form_token(),
        "response": "已撤回未准入任务并向社区说明。",
        "file": [SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")],
    }
    first = client.post(f"{path}respond/", form)
    again = client.post(f"{path}respond/", form)
    assert first.status_code == again.status_code == 302
    assert OrderEvidence.objects.filter(order=order).count() == 1
    assert state_of(CorrectionOrder, order.pk) == "answered"
    evidence = OrderEvidence.objects.get(order=order)
    download = client_of(district, "inspector").get(f"{path}evidence/{evidence.pk}/")
    assert isinstance(download, FileResponse)
    assert (
        client_of(district, "department_clerk_other")
        .get(f"{path}evidence/{evidence.pk}/")
        .status_code
        == 404
    )


def test_the_inspector_returns_then_accepts_the_correction(district: World) -> None:
    order = an_order(district)
    path = f"/supervision/orders/{order.pk}/"
    order_respond(actor=district.user("department_head"), order=order, response="已整改")
    department = client_of(district, "department_clerk")
    assert department.post(f"{path}accept/").status_code == 403
    inspector = client_of(district, "inspector")
    assert "请写明退回的理由" in html(inspector.post(f"{path}return/", {"reason": ""}, follow=True))
    inspector.post(f"{path}return/", {"reason": "缺少社区签收材料"})
    assert state_of(CorrectionOrder, order.pk) == "returned"
    assert "缺少社区签收材料" in part(html(department.get(path)), "return-reason")
    order_respond(
        actor=district.user("department_head"),
        order=CorrectionOrder.objects.get(pk=order.pk),
        response="补充了签收材料",
    )
    assert inspector.post(f"{path}accept/").status_code == 302
    assert state_of(CorrectionOrder, order.pk) == "accepted"
    assert set(order.violations.values_list("state", flat=True)) == {"corrected"}
    assert 'data-state="corrected"' in part(html(inspector.get(path)), "violations")


def test_orders_are_the_departments_own(district: World) -> None:
    order = an_order(district)
    assert f"order-{order.pk}" in html(
        client_of(district, "department_head").get("/supervision/orders/")
    )
    other = client_of(district, "department_clerk_other")
    assert f"order-{order.pk}" not in html(other.get("/supervision/orders/"))
    assert other.get(f"/supervision/orders/{order.pk}/").status_code == 404
    assert (
        other.post(f"/supervision/orders/{order.pk}/respond/", {"response": "x"}).status_code == 404
    )
    assert client_of(district, "community_secretary").get("/supervision/orders/").status_code == 404


def test_the_order_list_filters_by_state_and_marks_overdue(district: World) -> None:
    order = an_order(district)
    orders_lapse(dt.date(2026, 12, 8))
    client = client_of(district, "inspector")
    assert f"order-{order.pk}" in part(
        html(client.get("/supervision/orders/?state=overdue")), "orders"
    )
    assert f"order-{order.pk}" not in part(
        html(client.get("/supervision/orders/?state=issued")), "orders"
    )
    page = html(client.get("/supervision/orders/?state=late"))
    assert part(page, "errors-state")
    workspace = html(client.get("/supervision/"))
    assert 'data-state="overdue"' in part(workspace, f"order-{order.pk}")
    form = part(html(client.get("/supervision/notices/new/")), "notice-form")
    assert f'name="overdue_orders" value="{order.pk}"' in form


# The scorecard ---------------------------------------------------------------------------------------


def test_the_scorecard_is_public_with_the_unadmitted_share(district: World) -> None:
    for n in range(3):
        unadmitted(district, f"民政局未准入任务{n}")
    task_send(
        actor=district.user("department_clerk"),
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code="D-1",
            title="已准入任务",
            task_type="work",
            starts_on=TODAY,
            due_on=dt.date(2026, 12, 18),
            targets=Targets("communities", (COMMUNITY,)),
        ),
    )
    assignment_refuse(
        actor=district.user("community_secretary"),
        assignment=Assignment.objects.filter(task__admitted=False).order_by("pk")[0],
    )
    published(district, *[confirmed(district, v) for v in Violation.objects.all()[:2]])
    page = html(Client().get("/scorecard/?period=2026"))
    assert "部门执行情况" in page
    assert "2026年1月1日 — 2026年12月31日" in part(page, "period")
    row = part(page, "row-DEPT-MZ")
    assert "75.0%" in part(row, "share")
    assert re.findall(r"<td>(\d+)</td>", row) == ["4", "3", "1", "2", "1", "1", "0", "0"]
    assert "—" in part(part(page, "row-DEPT-WJ"), "share")  # nothing sent: no share
    assert 'href="/scorecard/export.xlsx?period=2026"' in page


def test_an_unreadable_period_is_an_error_beside_the_field(district: World) -> None:
    page = html(Client().get("/scorecard/?period=last-year"))
    assert "无法识别的期间" in part(page, "errors-period")
    assert 'data-testid="scorecard"' not in page
    assert Client().get("/scorecard/export.xlsx?period=last-year").status_code == 422


def test_the_scorecard_exports_a_workbook(district: World) -> None:
    unadmitted(district, "民政局未准入任务")
    response = Client().get("/scorecard/export.xlsx?period=2026-Q4")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2026-Q4.xlsx"'
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][:2] == ["部门代码", "职能部门"]
    assert rows[0][6] == "未准入占比"
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"DEPT-MZ", "DEPT-WJ"}
    mz = by_code["DEPT-MZ"]
    assert mz[1] == "区民政局"
    assert mz[2] == dt.date(2026, 10, 1) and mz[3] == dt.date(2026, 12, 31)
    assert (mz[4], mz[5], mz[6]) == (1, 1, 1)  # one task sent, not admitted: a share of 1
    assert by_code["DEPT-WJ"][6] == ""


def test_a_department_page_lists_its_open_orders_and_notices(district: World) -> None:
    order = an_order(district)
    number = str(order.notice.number)
    page = html(Client().get("/scorecard/DEPT-MZ/?period=2026"))
    assert "区民政局" in page
    assert part(page, "row-DEPT-MZ")
    assert number in part(page, "open-orders")
    assert number in part(page, "notices")
    other = html(Client().get("/scorecard/DEPT-WJ/"))
    assert number not in other
    assert Client().get("/scorecard/370203031001/").status_code == 404


# Query counts of the lists ------------------------------------------------------------------------


def add_records(world: World, start: int, count: int) -> None:
    """`count` violations of both departments (some confirmed), a report and a notice per few,
    and an inspection with a finding for every two."""
    for n in range(start, start + count):
        ours = n % 2 == 0
        violation = unadmitted(
            world,
            f"未准入任务{n}",
            person="department_clerk" if ours else "department_clerk_other",
            department="DEPT-MZ" if ours else "DEPT-WJ",
        )
        if n % 3 == 0:
            published(world, confirmed(world, violation), title=f"第{n}期通报")
        if n % 2 == 1:
            inspection = planned(world)
            finding_record(
                actor=world.user("inspector"),
                inspection=inspection,
                request=FindingRequest(
                    kind="other",
                    description=f"问题{n}",
                    community_code=COMMUNITY,
                    department_code="DEPT-WJ",
                    files=(FileUpload(f"照片{n}.png", PNG),),
                ),
            )


# path, who looks, the most queries it may cost (session, person, roles, and its own reads)
LIST_PAGES = {
    "workspace": ("/supervision/", "inspector", 10),
    "workspace, a department": ("/supervision/", "department_clerk", 8),
    "violations": ("/supervision/violations/", "inspector", 7),
    "violations, filtered": (
        "/supervision/violations/?department=DEPT-MZ&status=open",
        "auditor",
        7,
    ),
    "inspections": ("/supervision/inspections/", "inspector", 8),
    "notices": ("/supervision/notices/", "inspector", 8),
    "orders": ("/supervision/orders/", "department_head", 7),  # with the departments offered
    "orders, filtered": (
        "/supervision/orders/?department=DEPT-MZ&state=issued",
        "department_head",
        7,
    ),
    "public notices": ("/notices/", None, 3),
    "scorecard": ("/scorecard/?period=2026", None, 8),
}


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_list_pages_cost_the_same_queries_for_few_rows_as_for_many(
    district: World, django_assert_max_num_queries: Any, name: str
) -> None:
    path, person, budget = LIST_PAGES[name]
    client = client_of(district, person) if person else Client()
    counts = []
    for start, count in [(1, 3), (10, 8)]:
        add_records(district, start, count)
        with django_assert_max_num_queries(budget) as captured:
            html(client.get(path))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for few rows, {counts[1]} for many"


def test_the_register_is_paged(district: World) -> None:
    for n in range(53):
        Violation.objects.create(
            source="payment_overdue",
            department=district.org("department"),
            summary=f"委托经费逾期未拨付{n}",
            occurred_on=TODAY,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    client = client_of(district, "inspector")
    first = html(client.get("/supervision/violations/?source=payment_overdue"))
    assert len(re.findall(r'data-testid="violation-\d+"', part(first, "violations"))) == 50
    assert 'href="?source=payment_overdue&amp;offset=50"' in part(first, "next-page")
    second = html(client.get("/supervision/violations/?source=payment_overdue&offset=50"))
    assert len(re.findall(r'data-testid="violation-\d+"', part(second, "violations"))) == 3
