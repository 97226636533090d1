"""Every path that creates tasks goes through the same gate: the API, the bulk import command and
the service give the same verdict for the same unadmitted task; the admin cannot create one at
all; and no code outside services.py creates an assignment (or a task) around the gate."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.dispatch.models import Assignment, Task
from communitygate.http.models import FormSubmission
from communitygate.orgs.services import organisation_create
from communitygate.testing import World, make_item, signed_in, task_form_confirmed

from .test_services import MONDAY, publish, send

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]  # src/communitygate
HEADER = "部门,事项编码,标题,类型,开始,截止,范围,代码"

# One unadmitted task, as each entry point receives it: another department's clerk sends an
# evaluation under the civil-affairs bureau's statutory item.
UNADMITTED = {
    "person": "department_clerk_other",
    "department_code": "DEPT-WJ",
    "item": "T-001",
    "task_type": "evaluation",
    "title": "文明社区创建评比材料",
}
EXPECTED_REASONS = ["not_item_owner", "type_not_allowed"]


def verdict(task: Task) -> tuple[bool, list[str], list[str], set[bool]]:
    assignments = Assignment.objects.filter(task=task)
    return (
        task.admitted,
        [reason["code"] for reason in task.reasons],
        sorted(assignments.values_list("community__code", flat=True)),
        set(assignments.values_list("admitted", flat=True)),
    )


@pytest.fixture
def catalog(world: World) -> None:
    clock.pin(MONDAY)
    make_item(world, "T-001")
    publish(world)


@pytest.fixture
def through_the_service(
    world: World, catalog: None
) -> tuple[bool, list[str], list[str], set[bool]]:
    values = dict(UNADMITTED)
    person = values.pop("person")
    task = send(world, person, **values)
    reference = verdict(task)
    assert reference[:2] == (False, EXPECTED_REASONS)
    assert reference[3] == {False}
    return reference


# The page ------------------------------------------------------------------------------


def test_the_page_gives_the_services_verdict(world: World, catalog: None) -> None:
    """The page offers a department its own items only (catalog.pickers), so its unadmitted
    case is its own statutory item asked for an evaluation: the same verdict as the service's."""
    request = {"department_code": "DEPT-MZ", "item": "T-001", "task_type": "evaluation"}
    reference = verdict(send(world, "department_clerk", title="服务的评比", **request))
    assert reference[:2] == (False, ["type_not_allowed"])
    response = signed_in(world.user("department_clerk")).post(
        "/dispatch/send/",
        task_form_confirmed(
            {
                "department": "DEPT-MZ",
                "item": "T-001",
                "title": UNADMITTED["title"],
                "instructions": "",
                "task_type": "evaluation",
                "deliverable": "form",
                "starts_on": "2026-12-01",
                "due_on": "2026-12-15",
                "targets_everywhere": "1",
                "form_token": "page-1",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Task.objects.get(title=UNADMITTED["title"])
    assert response["Location"] == f"/dispatch/tasks/{created.pk}/"
    assert verdict(created) == reference
    # The page's token guards the form (http.formtokens); Idempotency-Keys are the API's.
    assert created.idempotency_key == ""
    assert FormSubmission.objects.get().redirect_url == response["Location"]


# The API -------------------------------------------------------------------------------


def test_the_api_gives_the_services_verdict(world: World, through_the_service: tuple) -> None:
    response = signed_in(world.user("department_clerk_other")).post(
        "/api/v1/tasks",
        data=json.dumps(
            {
                "department": "DEPT-WJ",
                "item": "T-001",
                "title": UNADMITTED["title"],
                "task_type": "evaluation",
                "starts_on": "2026-12-01",
                "due_on": "2026-12-15",
                "targets": {"all": True},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["admitted"] is False
    assert [reason["code"] for reason in answer["reasons"]] == EXPECTED_REASONS
    assert all(" / " in reason["message"] for reason in answer["reasons"])
    assert answer["assignments"] == 3
    assert verdict(Task.objects.get(pk=answer["id"])) == through_the_service


def test_the_api_shows_the_verdict_on_each_assignment(
    world: World, through_the_service: tuple
) -> None:
    task = Task.objects.get()
    detail = signed_in(world.user("department_clerk_other")).get(f"/api/v1/tasks/{task.pk}").json()
    assert {a["community"] for a in detail["assignment_list"]} == set(through_the_service[2])
    for assignment in detail["assignment_list"]:
        assert assignment["admitted"] is False
        assert [reason["code"] for reason in assignment["reasons"]] == EXPECTED_REASONS
        assert set(assignment) >= {"id", "task", "community", "state", "admitted", "due_on"}
    inbox = signed_in(world.user("community_secretary")).get("/api/v1/inbox").json()
    assert [item["task"] for item in inbox["items"]] == [task.pk]
    assert inbox["items"][0]["community"] == "370203031001"


def test_the_inbox_answer_is_what_its_schema_documents(
    world: World, through_the_service: tuple
) -> None:
    """The inbox skips django-ninja's response validation (core.trusted): its answer must still
    be exactly what InboxOut produces from the same assignments."""
    from communitygate.dispatch.api import InboxOut

    answer = signed_in(world.user("community_secretary")).get("/api/v1/inbox")
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert body["count"] == len(body["items"]) == 1
    assert body == InboxOut.model_validate(body).model_dump(mode="json")
    assert body["items"][0]["reasons"] and body["items"][0]["due_on"]


# The bulk import -----------------------------------------------------------------------


def csv_file(tmp_path: Path, *rows: str, encoding: str = "utf-8", name: str = "tasks.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join([HEADER, *rows]).encode(encoding))
    return path


def run_import(path: Path, user: str = "department_clerk_other") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_tasks", str(path), user=user, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_import_gives_the_services_verdict(
    world: World, through_the_service: tuple, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path, f"DEPT-WJ,T-001,{UNADMITTED['title']},评比创建,2026-12-01,2026-12-15,全部,"
    )
    out, _err = run_import(path)
    imported = Task.objects.exclude(pk=Task.objects.order_by("pk").first().pk).get()  # type: ignore[union-attr]
    assert verdict(imported) == through_the_service
    assert "未准入 not_item_owner,type_not_allowed" in out
    assert imported.created_by.username == "department_clerk_other"
    assert AuditEvent.objects.filter(action="task.send", object_id=str(imported.pk)).exists()


def test_the_import_sends_every_row_with_its_targets(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "DEPT-MZ,T-001,低保入户核查,检查,2026-12-01,2026-12-15,全部,",
        "DEPT-MZ,,临时统计报表,报表台账,2026-12-01,2026/12/10,街道,370203031",
        "DEPT-MZ,T-001,复核,survey,2026-12-02,2026-12-09,社区,370203031001、370203014001",
    )
    out, _err = run_import(path, user="department_clerk")
    tasks = list(Task.objects.order_by("pk"))
    assert [(t.admitted, [r["code"] for r in t.reasons]) for t in tasks] == [
        (True, []),
        (False, ["not_in_catalog"]),
        (True, []),
    ]
    assert [t.assignments.count() for t in tasks] == [3, 2, 2]
    assert tasks[1].task_type == "report"
    assert tasks[2].target_codes == ["370203031001", "370203014001"]
    assert "已派发 3 项任务（准入 2，未准入 1）" in out


def test_one_bad_row_sends_nothing_and_every_problem_is_listed(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "DEPT-MZ,T-001,好的一行,检查,2026-12-01,2026-12-15,全部,",
        "DEPT-MZ,T-001,,跳舞,2026-13-01,2026-12-15,全部,",
        "DEPT-MZ,T-001,截止早于开始,检查,2026-12-15,2026-12-01,社区,999999",
        "DEPT-WJ,T-001,别的部门,检查,2026-12-01,2026-12-15,全部区,",
    )
    with pytest.raises(CommandError, match="nothing was sent"):
        run_import(path, user="department_clerk")
    assert not Task.objects.exists()
    assert not Assignment.objects.exists()


def test_the_problems_name_their_line_and_column(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "DEPT-MZ,T-001,,跳舞,2026-13-01,2026-12-15,全部,",
        "DEPT-WJ,T-001,x,检查,2026-12-01,2026-12-15,社区,",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_tasks", str(path), user="department_clerk", stderr=err)
    lines = err.getvalue().splitlines()
    for expected in [
        "第2行 [标题]",
        "第2行 [类型]",
        "第2行 [开始]",
        "第3行 [部门]",
        "第3行 [代码]",
    ]:
        assert any(line.startswith(expected) for line in lines), (expected, lines)


def test_a_row_only_the_service_refuses_cancels_the_whole_file(
    world: World, catalog: None, tmp_path: Path
) -> None:
    organisation_create(
        actor=None,
        code="370203099",
        name="空街道",
        kind="subdistrict",
        parent=world.org("district"),
    )
    path = csv_file(
        tmp_path,
        "DEPT-MZ,T-001,第一行,检查,2026-12-01,2026-12-15,全部,",
        "DEPT-MZ,T-001,没有社区的街道,检查,2026-12-01,2026-12-15,街道,370203099",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_tasks", str(path), user="department_clerk", stderr=err)
    assert "第3行" in err.getvalue()
    assert not Task.objects.exists(), "the first row was rolled back with the file"
    assert not AuditEvent.objects.filter(action="task.send").exists()


def test_importing_the_same_file_twice_sends_once(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, "DEPT-MZ,T-001,低保入户核查,检查,2026-12-01,2026-12-15,全部,")
    run_import(path, user="department_clerk")
    run_import(path, user="department_clerk")
    assert Task.objects.count() == 1
    assert Assignment.objects.count() == 3


def test_a_gb18030_file_from_excel_is_read(world: World, catalog: None, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "DEPT-MZ,T-001,低保入户核查,检查,2026-12-01,2026-12-15,全部,",
        encoding="gb18030",
    )
    run_import(path, user="department_clerk")
    assert Task.objects.get().title == "低保入户核查"


def test_a_nul_or_bad_bytes_in_a_cell_are_named_by_row_and_column(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = tmp_path / "tasks.csv"
    path.write_bytes(
        "\n".join(
            [
                HEADER,
                "DEPT-MZ,T-001,低保入户核查,检查,2026-12-01,2026-12-15,全部,",
                "DEPT-MZ,T-001,低保\x00核查,检查,2026-12-01,2026-12-15,全部,",
            ]
        ).encode()
        + b"\nDEPT-MZ,\xff\xfe,x,\xe6\xa3\x80\xe6\x9f\xa5,2026-12-01,2026-12-15,\xe5\x85\xa8\xe9\x83\xa8,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_tasks", str(path), user="department_clerk", stderr=err)
    assert "第3行 [标题]" in err.getvalue()
    assert "第4行 [事项编码]" in err.getvalue()
    assert not Task.objects.exists()


@pytest.mark.parametrize("person", ["community_secretary", "inspector", "no_role"])
def test_only_a_sender_may_import(world: World, catalog: None, tmp_path: Path, person: str) -> None:
    path = csv_file(tmp_path, "DEPT-MZ,T-001,低保入户核查,检查,2026-12-01,2026-12-15,全部,")
    with pytest.raises(CommandError):
        run_import(path, user=person)
    assert not Task.objects.exists()


def test_a_file_without_the_columns_or_user_is_refused(
    world: World, catalog: None, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("部门,标题\nDEPT-MZ,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run_import(path, user="department_clerk")
    with pytest.raises(CommandError, match="no active user"):
        run_import(csv_file(tmp_path), user="nobody")
    with pytest.raises(CommandError):
        run_import(csv_file(tmp_path), user="department_clerk")  # no rows at all
    assert not Task.objects.exists()


# The admin -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["task", "assignment", "offplatformreport"])
def test_the_admin_cannot_add_anything(world: World, catalog: None, model: str) -> None:
    office = signed_in(world.user("office_admin"))
    assert office.get(f"/admin/dispatch/{model}/add/").status_code == 403
    posted = office.post(
        f"/admin/dispatch/{model}/add/",
        {"title": "绕过闸门", "department": world.org("department").pk, "admitted": "on"},
    )
    assert posted.status_code == 403
    assert not Task.objects.exists()


def test_the_admin_shows_the_stored_verdict_and_cannot_change_it(
    world: World, through_the_service: tuple
) -> None:
    task = Task.objects.get()
    office = signed_in(world.user("office_officer"))
    listing = office.get("/admin/dispatch/task/")
    assert listing.status_code == 200
    assert UNADMITTED["title"] in listing.content.decode()
    page = office.get(f"/admin/dispatch/task/{task.pk}/change/")
    assert page.status_code == 200
    assert "not_item_owner" in page.content.decode()
    changed = office.post(f"/admin/dispatch/task/{task.pk}/change/", {"admitted": "on"})
    assert changed.status_code == 403
    assignment = Assignment.objects.filter(task=task).first()
    assert assignment is not None
    assert office.get(f"/admin/dispatch/assignment/{assignment.pk}/change/").status_code == 200
    assert (
        office.post(f"/admin/dispatch/assignment/{assignment.pk}/change/", {"admitted": "on"})
    ).status_code == 403
    assert office.post(f"/admin/dispatch/task/{task.pk}/delete/").status_code == 403
    assert verdict(Task.objects.get()) == through_the_service


def test_the_admin_lists_read_in_a_fixed_number_of_queries(
    world: World, catalog: None, django_assert_max_num_queries
) -> None:
    for _ in range(5):
        send(world)
    office = signed_in(world.user("office_officer"))
    for model in ["task", "assignment", "offplatformreport"]:
        office.get(f"/admin/dispatch/{model}/")  # warm the session and content types
        with django_assert_max_num_queries(12):
            assert office.get(f"/admin/dispatch/{model}/").status_code == 200


@pytest.mark.parametrize("person", ["department_clerk", "community_secretary", "inspector"])
def test_only_the_office_opens_the_dispatch_admin(world: World, catalog: None, person: str) -> None:
    response = signed_in(world.user(person)).get("/admin/dispatch/task/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Nothing goes around the gate ----------------------------------------------------------


def test_a_raw_insert_is_the_only_way_around_the_gate(world: World, catalog: None) -> None:
    """The database itself would take an assignment that contradicts its task's verdict; only
    the code keeps it from happening (the next test checks that no code does it)."""
    task = send(world, item=None)
    Assignment.objects.filter(task=task).delete()
    Assignment.objects.create(
        task=task,
        community=world.org("community"),
        admitted=True,
        due_on=task.due_on,
        updated_at=clock.now(),
    )
    assert Assignment.objects.get(task=task).admitted != task.admitted


AROUND_THE_GATE = [
    re.compile(
        r"\b(Assignment|Task)\.objects\.(create|bulk_create|get_or_create|update_or_create)\b"
    ),
    re.compile(r"(?<!class )\b(Assignment|Task)\("),
    re.compile(r"\b(Assignment|Task)\._meta\.db_table\b"),  # raw SQL through the model's table
    re.compile(r"\bdispatch_(assignment|task)\b"),  # raw SQL naming the table
    re.compile(r"\bRowWriter\((Assignment|Task)\b"),  # scale's COPY writer
]
# The one loader allowed past the service: `communitygate seed_scale` writes a city's two million
# assignments as plain rows (the service would take hours), each task with the verdict and
# reasons of the gate itself (dispatch.gate.gate_reasons; scale/tests check every stored verdict
# against it). It runs only on an empty database, never beside real work.
BULK_LOADERS = {Path("scale/traffic.py")}


def around_the_gate(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        if relative == Path("dispatch/services.py") or relative in BULK_LOADERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(pattern.search(line) for pattern in AROUND_THE_GATE):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_code_outside_the_service_creates_tasks_or_assignments() -> None:
    assert around_the_gate(SRC) == []


def test_the_search_would_find_a_raw_insert() -> None:
    """The search itself works: it finds the one place that does create them."""
    found = [
        line
        for line in around_the_gate_including_services(SRC)
        if line.startswith("dispatch/services.py")
    ]
    assert any("Task.objects.create" in line for line in found)
    assert any("Assignment(" in line for line in found)


def around_the_gate_including_services(root: Path) -> list[str]:
    path = root / "dispatch" / "services.py"
    return [
        f"dispatch/services.py:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if any(pattern.search(line) for pattern in AROUND_THE_GATE)
    ]
