"""The dispatch pages through the test client: the send form and its verdict, the community's
inbox (admitted and unadmitted apart, reasons, working days), every step of an assignment taken
on the pages, off-platform reports with evidence, the subdistrict's page, the supervision
offices' page moved to their workspace, and the query counts of the list pages."""

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock, workdays
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task
from communitygate.dispatch.selectors import inbox, owed_by_community
from communitygate.dispatch.services import (
    Targets,
    TaskRequest,
    assignment_accept,
    assignment_refuse,
    assignment_request_extension,
    assignment_submit,
    off_platform_report_create,
    task_send,
)
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create
from communitygate.testing import World, image_bytes, make_item, signed_in

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, no holiday near
TODAY = dt.date(2026, 11, 23)
COMMUNITY, SIBLING, OTHER = "370203031001", "370203031002", "370203014001"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = image_bytes("PNG")


@pytest.fixture
def catalog(world: World, settings: Any, tmp_path: Any) -> World:
    """The world with a published catalog: D-1 is DEPT-MZ's statutory item; P-1 is DEPT-WJ's
    evaluation item. Uploads go to a temporary folder; the clock reads Monday 23 November."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    clock.pin(MONDAY)
    make_item(world, "D-1")
    make_item(world, "P-1", item_class="evaluation", department_code="DEPT-WJ")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    return world


def html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def part(page: str, testid: str) -> str:
    """The element marked data-testid="…" (a table, a section, a list), up to its closing tag."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>', page)
    assert found, f"no {testid} on the page"
    end = page.index(f"</{found.group(1)}>", found.end())
    return page[found.start() : end]


def send(
    world: World,
    title: str,
    *,
    item: str | None = "D-1",
    person: str = "department_clerk",
    department: str = "DEPT-MZ",
    communities: tuple[str, ...] = (COMMUNITY,),
    starts_on: dt.date = TODAY,
    due_on: dt.date = dt.date(2026, 12, 4),
    task_type: str = "work",
) -> Task:
    return task_send(
        actor=world.user(person),
        request=TaskRequest(
            department_code=department,
            item_code=item,
            title=title,
            task_type=task_type,
            starts_on=starts_on,
            due_on=due_on,
            targets=Targets("communities", communities),
        ),
    )


def assignment_of(task: Task, community: str = COMMUNITY) -> Assignment:
    return Assignment.objects.get(task=task, community__code=community)


def task_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "department": "DEPT-MZ",
        "item": "D-1",
        "title": "低保对象入户核查",
        "instructions": "逐户核查并填写核查表",
        "task_type": "work",
        "deliverable": "form",
        "starts_on": "2026-11-23",
        "due_on": "2026-12-04",
        "targets_community": [COMMUNITY, OTHER],
        "form_token": "",
    }
    values.update(overrides)
    return values


# Sending a task --------------------------------------------------------------------------------


def test_the_send_form_offers_the_persons_own_departments_only(catalog: World) -> None:
    page = html(signed_in(catalog.user("department_clerk")).get("/dispatch/send/"))
    assert 'value="DEPT-MZ"' in page
    assert 'value="DEPT-WJ"' not in page
    assert signed_in(catalog.user("community_secretary")).get("/dispatch/send/").status_code == 404


def previewed(client: Client, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The preview page the form's first submit answers, and the values its confirm button
    posts (the carried fields, the fingerprint, step=send)."""
    page = html(client.post("/dispatch/send/", values))
    confirm = part(page, "confirm-form")
    posted: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm):
        if name in posted:
            posted[name] = [
                *([posted[name]] if isinstance(posted[name], str) else posted[name]),
                value,
            ]
        else:
            posted[name] = value
    return page, {**posted, "step": "send"}


def test_the_first_submit_previews_and_sends_nothing(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    page, _confirm = previewed(client, task_form())
    assert not Task.objects.exists()
    assert re.search(r'data-testid="preview-count"[^>]*>2<', page)
    subdistricts = part(page, "preview-subdistricts")
    assert '<td class="number">1</td>' in subdistricts and subdistricts.count("<tr>") == 3
    verdict = part(page, "preview-verdict")
    assert "已准入" in verdict
    assert "发送到 2 个社区" in part(page, "confirm-form")


def test_an_admitted_task_is_sent_and_its_verdict_shown(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    _page, confirm = previewed(client, task_form())
    response = client.post("/dispatch/send/", confirm)
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dispatch/tasks/{task.pk}/"
    assert task.admitted
    assert task.reasons == []
    assert sorted(task.assignments.values_list("community__code", flat=True)) == [OTHER, COMMUNITY]
    page = html(client.get(response["Location"]))
    verdict = part(page, "verdict")
    assert "reasons" not in verdict
    assert "已向 2 个社区发送任务“低保对象入户核查”，准入闸门已准入。" in page
    assert AuditEvent.objects.filter(action="task.send").count() == 1


def test_an_unadmitted_task_is_previewed_and_sent_with_every_reason(catalog: World) -> None:
    """DEPT-MZ sends an evaluation under its statutory item: the preview and the task give the
    same reason."""
    client = signed_in(catalog.user("department_clerk"))
    preview, confirm = previewed(client, task_form(task_type="evaluation"))
    assert re.findall(r'data-code="(\w+)"', part(preview, "preview-verdict")) == [
        "type_not_allowed"
    ]
    assert "未准入" in part(preview, "preview-verdict")
    page = html(client.post("/dispatch/send/", confirm, follow=True))
    task = Task.objects.get()
    assert not task.admitted
    codes = re.findall(r'data-code="(\w+)"', part(page, "verdict"))
    assert codes == ["type_not_allowed"]
    for reason in task.reasons:
        assert reason["message_zh"] in part(page, "verdict")
    assert "message warning" in page
    assert "已向 2 个社区发送任务“低保对象入户核查”，但准入闸门未准入（1 条理由）" in page
    assert task.assignments.count() == 2


def test_a_task_under_no_item_is_sent_unadmitted(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    _page, confirm = previewed(client, task_form(item=""))
    page = html(client.post("/dispatch/send/", confirm, follow=True))
    assert re.findall(r'data-code="(\w+)"', part(page, "verdict")) == ["not_in_catalog"]
    assert Task.objects.get().item is None


def test_the_item_picker_offers_the_departments_published_items_only(catalog: World) -> None:
    page = html(signed_in(catalog.user("department_clerk")).get("/dispatch/send/"))
    picker = part(page, "task-form")
    assert 'value="D-1"' in picker and 'data-picker="search"' in picker
    assert 'value="P-1"' not in picker  # DEPT-WJ's item
    assert "不属于准入目录事项" in picker  # the "no catalog item" choice
    response = signed_in(catalog.user("department_clerk")).post(
        "/dispatch/send/", task_form(item="P-1")
    )
    assert "item" in response.context["form"].errors


def test_a_whole_subdistrict_is_sent_as_a_subdistrict(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    values = task_form(targets_subdistrict=["370203031"], targets_community=[COMMUNITY])
    page, confirm = previewed(client, values)
    reached = Organisation.objects.filter(parent__code="370203031").count()
    assert re.search(rf'data-testid="preview-count"[^>]*>{reached}<', page)
    client.post("/dispatch/send/", confirm)
    task = Task.objects.get()
    assert (task.target_mode, task.target_codes) == ("subdistricts", ["370203031"])
    assert task.assignments.count() == reached


def test_back_to_edit_keeps_the_values(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    _page, confirm = previewed(client, task_form())
    page = html(client.post("/dispatch/send/", {**confirm, "step": "edit"}))
    form = part(page, "task-form")
    assert 'value="低保对象入户核查"' in form
    assert re.search(rf'value="{COMMUNITY}"[^>]*checked', form)
    assert re.search(rf'value="{OTHER}"[^>]*checked', form)
    assert not re.search(rf'value="{SIBLING}"[^>]*checked', form)
    assert re.search(r'<option value="D-1"[^>]*selected', form)
    assert not Task.objects.exists()


def test_a_confirm_of_another_request_than_the_previewed_shows_the_preview_again(
    catalog: World,
) -> None:
    client = signed_in(catalog.user("department_clerk"))
    _page, confirm = previewed(client, task_form())
    response = client.post("/dispatch/send/", {**confirm, "targets_community": [COMMUNITY]})
    assert response.status_code == 200
    assert re.search(r'data-testid="preview-count"[^>]*>1<', html(response))
    assert not Task.objects.exists()


def test_errors_stand_beside_their_fields_in_chinese(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    page = html(client.post("/dispatch/send/", task_form(title="", targets_community=[])))
    assert "这个字段是必填项" in part(page, "errors-title")
    assert "请勾选全部社区、整个街道或单个社区" in part(page, "errors-targets")
    page = html(client.post("/dispatch/send/", task_form(due_on="2026-11-20")))
    assert "完成期限早于开始日期" in part(page, "errors-due_on")
    page = html(client.post("/dispatch/send/", task_form(targets_community=["370203099999"])))
    assert "370203099999" in part(page, "errors-targets")
    assert not Task.objects.exists()


def test_the_same_confirm_submitted_twice_sends_one_task(catalog: World) -> None:
    client = signed_in(catalog.user("department_clerk"))
    _page, confirm = previewed(client, task_form(form_token="form-1"))
    assert confirm["form_token"] == "form-1"
    first = client.post("/dispatch/send/", confirm)
    again = client.post("/dispatch/send/", confirm)
    assert first.status_code == 302
    assert first["Location"] == again["Location"]
    assert Task.objects.count() == 1
    assert Assignment.objects.count() == 2


def test_the_send_page_reads_the_tree_and_the_items_in_a_few_queries(
    catalog: World, django_assert_max_num_queries: Any
) -> None:
    """The tree is one query whatever the number of communities: a hundred more add none."""
    client = signed_in(catalog.user("department_clerk"))
    client.get("/dispatch/send/")  # the session and the person, warmed
    with django_assert_max_num_queries(12) as before:
        html(client.get("/dispatch/send/"))
    parent = Organisation.objects.get(code="370203031")
    for number in range(100):
        organisation_create(
            actor=None,
            code=f"3702030319{number:02d}",
            name=f"新社区{number}",
            kind="community",
            parent=parent,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = html(client.get("/dispatch/send/"))
    assert "新社区99" in page


def test_another_departments_clerk_cannot_send_for_dept_mz(catalog: World) -> None:
    response = signed_in(catalog.user("department_clerk_other")).post(
        "/dispatch/send/", task_form()
    )
    assert "department" in response.context["form"].errors
    assert not Task.objects.exists()


# The community's inbox ---------------------------------------------------------------------------


def test_the_inbox_shows_admitted_and_unadmitted_apart_with_reasons_and_working_days(
    catalog: World,
) -> None:
    admitted = send(catalog, "台账更新", due_on=dt.date(2026, 12, 4))
    unadmitted = send(catalog, "创城迎检材料", item=None, due_on=dt.date(2026, 11, 25))
    overdue = send(
        catalog,
        "上报统计表",
        starts_on=dt.date(2026, 11, 10),
        due_on=dt.date(2026, 11, 20),
    )
    send(catalog, "别的社区的任务", communities=(OTHER,))
    page = html(signed_in(catalog.user("community_secretary")).get("/dispatch/inbox/"))

    admitted_table, unadmitted_table = part(page, "admitted"), part(page, "unadmitted")
    assert "台账更新" in admitted_table and "上报统计表" in admitted_table
    assert "创城迎检材料" not in admitted_table
    assert "创城迎检材料" in unadmitted_table and "台账更新" not in unadmitted_table
    assert "别的社区的任务" not in page
    assert 'data-code="not_in_catalog"' in unadmitted_table
    assert unadmitted.reasons[0]["message_zh"] in unadmitted_table

    def row(task: Task, table: str) -> str:
        return part(table, f"assignment-{assignment_of(task).pk}")

    # Monday 23 November: Tuesday 24 … Friday 4 December are 9 working days.
    assert re.search(r"\b9\b", part(row(admitted, admitted_table), "workdays-left"))
    assert "due-soon" not in row(admitted, admitted_table)
    # An unadmitted task binds the community to nothing: its date is shown as the department's,
    # never counted down, due soon or overdue (issue 13).
    assert 'data-testid="not-binding"' in row(unadmitted, unadmitted_table)
    assert "workdays-left" not in row(unadmitted, unadmitted_table)
    assert "due-soon" not in row(unadmitted, unadmitted_table)
    assert "overdue" in row(overdue, admitted_table)
    assert 'data-testid="refuse-form"' in row(unadmitted, unadmitted_table)
    assert 'data-testid="refuse-form"' not in admitted_table

    counts = part(page, "state-counts")
    assert re.search(r'data-state="received"><span class="count"><strong>3</strong>', counts)


def test_an_unadmitted_task_past_its_date_is_never_overdue_for_the_community(
    catalog: World,
) -> None:
    late_admitted = send(
        catalog, "上报统计表", starts_on=dt.date(2026, 11, 10), due_on=dt.date(2026, 11, 20)
    )
    late_unadmitted = send(
        catalog,
        "创城迎检材料",
        item=None,
        starts_on=dt.date(2026, 11, 10),
        due_on=dt.date(2026, 11, 20),
    )
    rows = {row.assignment.task_id: row for row in inbox([catalog.org("community").pk], TODAY)}
    assert rows[late_admitted.pk].overdue is True
    assert rows[late_unadmitted.pk].overdue is False
    assert rows[late_unadmitted.pk].due_soon is False
    owed = Assignment.objects.filter(owed_by_community(TODAY))
    assert list(owed.values_list("task_id", flat=True)) == [late_admitted.pk]

    page = html(signed_in(catalog.user("community_secretary")).get("/dispatch/inbox/"))
    unadmitted_table = part(page, "unadmitted")
    assert "创城迎检材料" in unadmitted_table
    assert "overdue" not in unadmitted_table and "逾期" not in unadmitted_table
    assert "部门设定的期限" in unadmitted_table
    assert 'data-testid="overdue"' in part(page, "admitted")


def test_the_inbox_says_when_the_calendar_does_not_know_the_due_date(catalog: World) -> None:
    send(catalog, "明年的任务", due_on=dt.date(2027, 3, 1))
    page = html(signed_in(catalog.user("community_secretary")).get("/dispatch/inbox/"))
    left = part(page, "workdays-left")
    assert 'class="muted"' in left
    assert re.search(r"\d", left.split(">", 1)[1]) is None


def test_the_inboxs_working_days_agree_with_the_calendar_one_due_date_at_a_time(
    catalog: World,
) -> None:
    """The inbox reads the calendar once for all its due dates; the answers are those of
    workdays_between for each date alone (a weekend, a month end, the past, an unknown year)."""
    dates = [dt.date(2026, 11, d) for d in (20, 23, 28, 29, 30)] + [
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 4),
    ]
    counted = workdays.workdays_between_each(TODAY, dates)
    for date in dates[:-1]:
        assert counted[date] == workdays.workdays_between(TODAY, date), date
    assert counted[dt.date(2027, 1, 4)] is None


def test_the_inbox_is_a_communitys_page(catalog: World) -> None:
    for person in ["department_clerk", "subdistrict_officer", "inspector", "no_role"]:
        assert signed_in(catalog.user(person)).get("/dispatch/inbox/").status_code == 404, person


# Refusing, accepting, submitting, confirming, returning, more time --------------------------


def test_an_unadmitted_task_is_refused_in_one_step_and_the_department_sees_it(
    catalog: World,
) -> None:
    task = send(catalog, "创城迎检材料", item=None, communities=(COMMUNITY, OTHER))
    assignment = assignment_of(task)
    community = signed_in(catalog.user("community_secretary"))
    response = community.post(
        f"/dispatch/assignments/{assignment.pk}/refuse/",
        {"comment": "不在准入目录", "next": "/dispatch/inbox/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dispatch/inbox/"
    assignment.refresh_from_db()
    assert assignment.state == "refused"
    assert assignment.refusal_comment == "不在准入目录"
    inbox = part(html(community.get("/dispatch/inbox/")), "unadmitted")
    assert 'data-testid="refuse-form"' not in inbox

    department = html(
        signed_in(catalog.user("department_clerk")).get(f"/dispatch/tasks/{task.pk}/")
    )
    refused_row = part(department, f"row-{COMMUNITY}")
    assert "不在准入目录" in part(refused_row, "refusal-comment")
    assert "refused" in part(department, "state-counts")
    assert assignment_of(task, OTHER).state == "received"


def test_a_refusal_needs_no_comment(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "创城迎检材料", item=None))
    response = signed_in(catalog.user("community_worker")).post(
        f"/dispatch/assignments/{assignment.pk}/refuse/", {}
    )
    assert response["Location"] == f"/dispatch/assignments/{assignment.pk}/"
    assignment.refresh_from_db()
    assert (assignment.state, assignment.refusal_comment) == ("refused", "")


def test_an_admitted_task_cannot_be_refused_on_the_page(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    client = signed_in(catalog.user("community_secretary"))
    response = client.post(f"/dispatch/assignments/{assignment.pk}/refuse/", {}, follow=True)
    assert "已准入的任务不能拒绝" in html(response)
    assignment.refresh_from_db()
    assert assignment.state == "received"
    page = html(client.get(f"/dispatch/assignments/{assignment.pk}/"))
    assert 'data-testid="refuse-form"' not in page
    assert 'data-testid="accept-form"' in page


def test_accept_submit_and_confirm_on_the_pages(catalog: World) -> None:
    task = send(catalog, "台账更新")
    assignment = assignment_of(task)
    community = signed_in(catalog.user("community_secretary"))
    path = f"/dispatch/assignments/{assignment.pk}"
    community.post(f"{path}/accept/", {"next": "/dispatch/inbox/"})
    assignment.refresh_from_db()
    assert assignment.state == "accepted"
    page = html(community.get(f"{path}/"))
    assert 'data-testid="submit-form"' in page and 'data-testid="extension-form"' in page

    community.post(f"{path}/submit/", {"text": "已完成28户核查"})
    assignment.refresh_from_db()
    assert (assignment.state, assignment.deliverable_text) == ("submitted", "已完成28户核查")

    department = signed_in(catalog.user("department_head"))
    row = part(html(department.get(f"/dispatch/tasks/{task.pk}/")), f"row-{COMMUNITY}")
    assert "已完成28户核查" in row and 'data-testid="confirm"' in row
    response = department.post(f"{path}/confirm/", {"next": f"/dispatch/tasks/{task.pk}/"})
    assert response["Location"] == f"/dispatch/tasks/{task.pk}/"
    assignment.refresh_from_db()
    assert assignment.state == "completed"


def test_a_deliverable_file_is_submitted_and_downloaded(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    assignment_accept(actor=catalog.user("community_secretary"), assignment=assignment)
    community = signed_in(catalog.user("community_secretary"))
    community.post(
        f"/dispatch/assignments/{assignment.pk}/submit/",
        {"file": SimpleUploadedFile("核查表.pdf", PDF, content_type="application/pdf")},
    )
    assignment.refresh_from_db()
    assert assignment.state == "submitted"
    response = signed_in(catalog.user("department_clerk")).get(
        f"/dispatch/assignments/{assignment.pk}/deliverable/"
    )
    assert isinstance(response, FileResponse)
    assert b"".join(cast(Any, response.streaming_content)) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert (
        signed_in(catalog.user("community_secretary_other"))
        .get(f"/dispatch/assignments/{assignment.pk}/deliverable/")
        .status_code
        == 404
    )


def test_an_assignment_without_a_deliverable_file_has_none_to_download(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    response = signed_in(catalog.user("department_clerk")).get(
        f"/dispatch/assignments/{assignment.pk}/deliverable/"
    )
    assert response.status_code == 404
    assert "成果文件不存在或无权查看" in response.content.decode()


def test_a_file_that_is_not_what_it_says_is_refused(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    assignment_accept(actor=catalog.user("community_secretary"), assignment=assignment)
    response = signed_in(catalog.user("community_secretary")).post(
        f"/dispatch/assignments/{assignment.pk}/submit/",
        {"file": SimpleUploadedFile("核查表.pdf", b"MZ\x90\x00", content_type="application/pdf")},
        follow=True,
    )
    assert "message error" in html(response)
    assignment.refresh_from_db()
    assert assignment.state == "accepted"


def test_the_department_returns_a_deliverable_with_a_reason(catalog: World) -> None:
    task = send(catalog, "台账更新")
    assignment = assignment_of(task)
    secretary = catalog.user("community_secretary")
    assignment_accept(actor=secretary, assignment=assignment)
    assignment_submit(actor=secretary, assignment=assignment, text="初稿")
    department = signed_in(catalog.user("department_clerk"))
    path = f"/dispatch/assignments/{assignment.pk}"
    response = department.post(f"{path}/return/", {"reason": ""}, follow=True)
    assert "请说明退回理由" in html(response)
    assignment.refresh_from_db()
    assert assignment.state == "submitted"
    department.post(f"{path}/return/", {"reason": "缺少签字页"})
    assignment.refresh_from_db()
    assert (assignment.state, assignment.department_comment) == ("returned", "缺少签字页")
    page = html(signed_in(catalog.user("community_secretary")).get(f"{path}/"))
    assert "缺少签字页" in page
    assert 'data-testid="submit-form"' in page


@pytest.mark.parametrize(
    ("decision", "due_on"), [("grant", "2026-12-11"), ("decline", "2026-12-04")]
)
def test_more_time_is_asked_and_granted_or_declined(
    catalog: World, decision: str, due_on: str
) -> None:
    task = send(catalog, "台账更新")
    assignment = assignment_of(task)
    assignment_accept(actor=catalog.user("community_secretary"), assignment=assignment)
    path = f"/dispatch/assignments/{assignment.pk}"
    community = signed_in(catalog.user("community_secretary"))
    response = community.post(
        f"{path}/extension/", {"until": "", "reason": "人手不足"}, follow=True
    )
    assert "延期日期须晚于原期限" in html(response)
    community.post(f"{path}/extension/", {"until": "2026-12-11", "reason": "人手不足"})
    assignment.refresh_from_db()
    assert (assignment.extension_state, assignment.extension_reason) == ("requested", "人手不足")

    department = signed_in(catalog.user("department_clerk"))
    row = part(html(department.get(f"/dispatch/tasks/{task.pk}/")), f"row-{COMMUNITY}")
    assert "人手不足" in row and 'data-testid="grant"' in row
    department.post(f"{path}/{decision}/")
    assignment.refresh_from_db()
    assert assignment.extension_state == ("granted" if decision == "grant" else "declined")
    assert assignment.due_on.isoformat() == due_on


@pytest.mark.parametrize(
    ("person", "action", "status"),
    [
        ("subdistrict_officer", "accept", 403),
        ("inspector", "accept", 403),
        ("department_clerk", "accept", 403),
        ("community_secretary", "confirm", 403),
        ("community_secretary_other", "accept", 404),
        ("department_clerk_other", "accept", 404),
        ("community_secretary", "anything", 404),
    ],
)
def test_who_sees_but_may_not_act_gets_403_and_who_may_not_see_404(
    catalog: World, person: str, action: str, status: int
) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    response = signed_in(catalog.user(person)).post(
        f"/dispatch/assignments/{assignment.pk}/{action}/"
    )
    assert response.status_code == status
    assignment.refresh_from_db()
    assert assignment.state == "received"


def test_a_step_goes_back_only_to_a_page_of_this_site(catalog: World) -> None:
    assignment = assignment_of(send(catalog, "台账更新"))
    response = signed_in(catalog.user("community_secretary")).post(
        f"/dispatch/assignments/{assignment.pk}/accept/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/dispatch/assignments/{assignment.pk}/"


# Off-platform reports ---------------------------------------------------------------------------


def report_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "community": COMMUNITY,
        "department": "DEPT-WJ",
        "pushed_by": "区卫健局某科室",
        "channel": "chat_group",
        "occurred_on": "2026-11-20",
        "what_was_asked": "在工作群要求社区三天内上报辖区孕产妇名单",
    }
    values.update(overrides)
    return values


def test_an_off_platform_report_is_recorded_with_its_evidence(catalog: World) -> None:
    client = signed_in(catalog.user("community_secretary"))
    assert 'value="DEPT-WJ"' in html(client.get("/dispatch/reports/new/"))
    evidence = [
        SimpleUploadedFile("截图.png", PNG, content_type="image/png"),
        SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf"),
    ]
    response = client.post("/dispatch/reports/new/", report_form(evidence=evidence))
    report = OffPlatformReport.objects.get()
    assert response["Location"] == f"/dispatch/reports/{report.pk}/"
    assert (report.community.code, report.department.code if report.department else None) == (
        COMMUNITY,
        "DEPT-WJ",
    )
    assert sorted(report.evidence.values_list("filename", flat=True)) == ["截图.png", "通知.pdf"]
    page = html(client.get(response["Location"]))
    assert "孕产妇名单" in page
    png = Evidence.objects.get(filename="截图.png")
    download = signed_in(catalog.user("inspector")).get(
        f"/dispatch/reports/{report.pk}/evidence/{png.pk}/"
    )
    assert isinstance(download, FileResponse)
    assert b"".join(cast(Any, download.streaming_content)) == PNG
    register = html(
        signed_in(catalog.user("inspector")).get(
            "/supervision/violations/?source=off_platform_report"
        )
    )
    assert "孕产妇名单" in part(register, "violations")
    other = signed_in(catalog.user("community_secretary_other"))
    assert other.get(f"/dispatch/reports/{report.pk}/").status_code == 404


def test_evidence_is_downloaded_only_through_its_own_report(catalog: World) -> None:
    client = signed_in(catalog.user("community_secretary"))
    for what in ("第一次", "第二次"):
        client.post(
            "/dispatch/reports/new/",
            report_form(
                what_was_asked=f"{what}在工作群要求上报名单",
                evidence=[SimpleUploadedFile("截图.png", PNG, content_type="image/png")],
            ),
        )
    first, second = OffPlatformReport.objects.order_by("pk")
    evidence = second.evidence.get()
    inspector = signed_in(catalog.user("inspector"))
    own = inspector.get(f"/dispatch/reports/{second.pk}/evidence/{evidence.pk}/")
    assert isinstance(own, FileResponse)
    response = inspector.get(f"/dispatch/reports/{first.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 404
    assert "证据不存在或无权查看" in response.content.decode()


def test_a_report_with_a_bad_file_or_another_community_is_not_recorded(catalog: World) -> None:
    client = signed_in(catalog.user("community_secretary"))
    fake = SimpleUploadedFile("截图.png", b"not a picture", content_type="image/png")
    response = client.post("/dispatch/reports/new/", report_form(evidence=[fake]))
    assert response.context["form"].errors
    response = client.post("/dispatch/reports/new/", report_form(community=OTHER))
    assert "community" in response.context["form"].errors
    response = client.post("/dispatch/reports/new/", report_form(occurred_on="2026-11-30"))
    # the problem stands beside the field it names, in Chinese only
    assert response.context["form"].errors["occurred_on"] == ["日期不能在今天之后。"]
    assert not OffPlatformReport.objects.exists()
    assert not Evidence.objects.exists()


# Departments, subdistricts, supervision ----------------------------------------------------------


def test_the_task_list_shows_each_department_its_own_tasks(catalog: World) -> None:
    ours = send(catalog, "民政局的任务")
    theirs = send(
        catalog, "卫健局的任务", item=None, person="department_clerk_other", department="DEPT-WJ"
    )
    page = html(signed_in(catalog.user("department_clerk")).get("/dispatch/tasks/"))
    assert f'data-testid="task-{ours.pk}"' in page
    assert f'data-testid="task-{theirs.pk}"' not in page
    assert (
        signed_in(catalog.user("department_clerk")).get(f"/dispatch/tasks/{theirs.pk}/").status_code
        == 404
    )
    everything = html(signed_in(catalog.user("auditor")).get("/dispatch/tasks/"))
    assert f'data-testid="task-{ours.pk}"' in everything
    assert f'data-testid="task-{theirs.pk}"' in everything


def test_a_community_sees_only_its_own_row_of_a_task(catalog: World) -> None:
    task = send(catalog, "两个社区的任务", communities=(COMMUNITY, OTHER))
    page = html(
        signed_in(catalog.user("community_secretary_other")).get(f"/dispatch/tasks/{task.pk}/")
    )
    assert f"row-{OTHER}" in page
    assert f"row-{COMMUNITY}" not in page
    assert (
        signed_in(catalog.user("community_secretary_other"))
        .get(f"/dispatch/assignments/{assignment_of(task).pk}/")
        .status_code
        == 404
    )


def test_the_subdistrict_sees_everything_sent_to_its_communities(catalog: World) -> None:
    task = send(catalog, "三个社区的任务", item=None, communities=(COMMUNITY, SIBLING, OTHER))
    assignment_refuse(actor=catalog.user("community_secretary"), assignment=assignment_of(task))
    page = html(signed_in(catalog.user("subdistrict_officer")).get("/dispatch/subdistrict/"))
    table = part(page, "subdistrict-assignments")
    assert f"assignment-{assignment_of(task).pk}" in table
    assert f"assignment-{assignment_of(task, SIBLING).pk}" in table
    assert f"assignment-{assignment_of(task, OTHER).pk}" not in table
    counts = part(page, "state-counts")
    assert re.search(r'data-state="refused"><span class="count"><strong>1</strong>', counts)
    assert re.search(r'data-state="received"><span class="count"><strong>1</strong>', counts)
    for person in ["community_secretary", "department_clerk", "inspector"]:
        assert signed_in(catalog.user(person)).get("/dispatch/subdistrict/").status_code == 404


def test_the_supervision_page_moved_to_the_workspace_which_counts_by_department(
    catalog: World,
) -> None:
    mz_one = send(catalog, "民政局未准入一", item=None)
    send(catalog, "民政局未准入二", item="P-1")
    send(catalog, "民政局已准入")
    send(catalog, "卫健局未准入", item=None, person="department_clerk_other", department="DEPT-WJ")
    assignment_refuse(actor=catalog.user("community_secretary"), assignment=assignment_of(mz_one))
    off_platform_report_create(
        actor=catalog.user("community_secretary"),
        community=catalog.org("community"),
        department=catalog.org("department_other"),
        pushed_by="某科室",
        channel="phone",
        occurred_on=TODAY,
        what_was_asked="电话要求上报名单",
        evidence=[FileUpload("截图.png", PNG)],
    )
    client = signed_in(catalog.user("inspector"))
    moved = client.get("/dispatch/supervision/")
    assert (moved.status_code, moved["Location"]) == (301, "/supervision/")
    page = html(client.get(moved["Location"]))
    # Each unadmitted task and each report is one open violation of its department.
    assert re.search(r"<td>2</td>(<td>0</td>){3}<td>2</td>", part(page, "department-DEPT-MZ"))
    assert re.search(r"<td>2</td>(<td>0</td>){3}<td>2</td>", part(page, "department-DEPT-WJ"))
    assert "民政局已准入" not in page
    for person in ["community_secretary", "subdistrict_officer", "no_role"]:
        assert signed_in(catalog.user(person)).get("/supervision/").status_code == 404


@pytest.mark.parametrize(
    ("person", "goes_to"),
    [
        ("community_worker", "/dispatch/inbox/"),
        ("department_clerk", "/dispatch/tasks/"),
        ("subdistrict_officer", "/dispatch/subdistrict/"),
        ("inspector", "/dispatch/tasks/"),
        ("office_officer", "/dispatch/tasks/"),
        ("auditor", "/dispatch/tasks/"),
        ("committee_member", None),
        ("no_role", None),
    ],
)
def test_the_navigation_link_leads_each_person_to_their_page(
    catalog: World, person: str, goes_to: str | None
) -> None:
    client = signed_in(catalog.user(person))
    assert 'href="/dispatch/"' in html(client.get("/"))
    response = client.get("/dispatch/")
    if goes_to is None:
        assert part(html(response), "no-dispatch-role")
    else:
        assert response.status_code == 302
        assert response["Location"] == goes_to


# Query counts of the list pages -----------------------------------------------------------------


def add_traffic(world: World, start: int, count: int) -> None:
    """`count` tasks of both departments to two communities of two subdistricts, admitted and
    not, some refused, some accepted, some with more time asked; and a report per two tasks."""
    secretary = world.user("community_secretary")
    for n in range(start, start + count):
        ours = n % 3 != 0
        task = send(
            world,
            f"任务{n}",
            item=("D-1" if n % 2 else None) if ours else None,
            person="department_clerk" if ours else "department_clerk_other",
            department="DEPT-MZ" if ours else "DEPT-WJ",
            communities=(COMMUNITY, OTHER),
            due_on=dt.date(2026, 12, 1) + dt.timedelta(days=n % 20),
        )
        mine = assignment_of(task)
        if not task.admitted and n % 4 == 1:
            assignment_refuse(actor=secretary, assignment=mine, comment="不在目录")
        elif task.admitted:
            assignment_accept(actor=secretary, assignment=mine)
            if n % 5 == 0:
                assignment_request_extension(
                    actor=secretary, assignment=mine, until=dt.date(2027, 1, 29), reason="忙"
                )
        if n % 2 == 0:
            off_platform_report_create(
                actor=secretary,
                community=world.org("community"),
                department=world.org("department" if ours else "department_other"),
                pushed_by="某科室",
                channel="paper",
                occurred_on=TODAY,
                what_was_asked=f"报告{n}",
                evidence=[FileUpload(f"证据{n}.png", PNG)],
            )


# path, who looks, the most queries it may cost (session, person, roles, and its own reads)
LIST_PAGES = {
    "inbox": ("/dispatch/inbox/", "community_secretary", 7),
    "tasks": ("/dispatch/tasks/", "department_clerk", 7),
    "tasks, all": ("/dispatch/tasks/", "auditor", 6),
    "subdistrict": ("/dispatch/subdistrict/", "subdistrict_officer", 6),
}


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_list_pages_cost_the_same_queries_for_2_tasks_as_for_12(
    catalog: World, django_assert_max_num_queries: Any, name: str
) -> None:
    path, person, budget = LIST_PAGES[name]
    client = signed_in(catalog.user(person))
    counts = []
    for start, count in [(1, 2), (10, 10)]:
        add_traffic(catalog, start, count)
        with django_assert_max_num_queries(budget) as captured:
            html(client.get(path))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries for 2 tasks, {counts[1]} for 12"


def test_a_tasks_page_costs_the_same_queries_for_2_communities_as_for_3(
    catalog: World, django_assert_max_num_queries: Any
) -> None:
    few = send(catalog, "两个社区", communities=(COMMUNITY, OTHER))
    everyone = task_send(
        actor=catalog.user("department_clerk"),
        request=TaskRequest(
            department_code="DEPT-MZ",
            item_code="D-1",
            title="全部社区",
            task_type="work",
            starts_on=TODAY,
            due_on=dt.date(2026, 12, 4),
            targets=Targets("all"),
        ),
    )
    secretary = catalog.user("community_secretary")
    for task in (few, everyone):
        assignment = assignment_of(task)
        assignment_accept(actor=secretary, assignment=assignment)
        assignment_submit(actor=secretary, assignment=assignment, text="完成")
    client = signed_in(catalog.user("department_clerk"))
    counts = []
    for task in (few, everyone):
        with django_assert_max_num_queries(12) as captured:
            html(client.get(f"/dispatch/tasks/{task.pk}/"))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
