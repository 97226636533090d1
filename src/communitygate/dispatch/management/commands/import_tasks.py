"""`communitygate import_tasks FILE.csv --user USERNAME`: send many tasks from one CSV file.

The file has the headers 部门, 事项编码, 标题, 类型, 开始, 截止, 范围 (全部 / 街道 / 社区) and 代码
(subdistrict or community codes separated by 、). Every row is checked first, and nothing is sent
unless every row is valid; then each row goes through `services.task_send`, so the gate decides
each task exactly as it does for a page or the API, and all rows are sent in one transaction.
Each row carries an Idempotency-Key made of the file's hash and the row number: running the same
file again answers with the tasks the first run sent instead of sending them twice.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from communitygate.catalog.models import TaskTypes
from communitygate.core.errors import InvalidInput, Problem, RuleBroken
from communitygate.core.tabular import read_table
from communitygate.dispatch.models import TargetModes, Task
from communitygate.dispatch.permissions import sending_departments
from communitygate.dispatch.services import Targets, TaskRequest, task_send
from communitygate.orgs.models import OrganisationKinds
from communitygate.orgs.selectors import organisations_of_kind

HEADERS = ("部门", "事项编码", "标题", "类型", "开始", "截止", "范围", "代码")
SCOPES = {
    "全部": TargetModes.ALL,
    "街道": TargetModes.SUBDISTRICTS,
    "社区": TargetModes.COMMUNITIES,
    **{mode.value: mode for mode in TargetModes},
}
# The task types as offices write them; the codes (work, report…) are accepted too.
TYPE_NAMES = {
    "工作任务": TaskTypes.WORK,
    "报表台账": TaskTypes.REPORT,
    "报表": TaskTypes.REPORT,
    "台账": TaskTypes.REPORT,
    "调查统计": TaskTypes.SURVEY,
    "调查": TaskTypes.SURVEY,
    "统计": TaskTypes.SURVEY,
    "检查": TaskTypes.INSPECTION,
    "评比创建": TaskTypes.EVALUATION,
    "创建评比": TaskTypes.EVALUATION,
    "评比": TaskTypes.EVALUATION,
    "挂牌": TaskTypes.PLAQUE,
    "牌子": TaskTypes.PLAQUE,
    "开具证明": TaskTypes.CERTIFICATE,
    "证明": TaskTypes.CERTIFICATE,
    **{task_type.value: task_type for task_type in TaskTypes},
}
CODE_SEPARATORS = ("、", "，", ",", "；", ";")
MAX_ROWS = 500


@dataclass(frozen=True)
class Row:
    number: int  # the line in the file (the header is line 1)
    request: TaskRequest


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def _codes(text: str) -> tuple[str, ...]:
    for separator in CODE_SEPARATORS[1:]:
        text = text.replace(separator, CODE_SEPARATORS[0])
    return tuple(code.strip() for code in text.split(CODE_SEPARATORS[0]) if code.strip())


class RowChecker:
    """Checks one row at a time against what is known before anything is sent: the columns,
    the caller's departments, and the codes of the subdistricts and communities."""

    def __init__(self, departments: set[str]) -> None:
        self.departments = departments
        self.subdistricts = set(
            organisations_of_kind(OrganisationKinds.SUBDISTRICT).values_list("code", flat=True)
        )
        self.communities = set(
            organisations_of_kind(OrganisationKinds.COMMUNITY).values_list("code", flat=True)
        )

    def check(self, number: int, values: dict[str, str]) -> tuple[Row | None, list[Problem]]:
        problems: list[Problem] = []

        def problem(column: str, zh: str, en: str) -> None:
            problems.append(Problem(zh, en, field=column, row=number))

        department = values["部门"]
        if department not in self.departments:
            problem(
                "部门",
                f"您不能以“{department}”的名义派单。",
                f"You may not send tasks for '{department}'.",
            )
        title = values["标题"]
        if not title:
            problem("标题", "请填写任务标题。", "Give the task a title.")
        task_type = TYPE_NAMES.get(values["类型"])
        if task_type is None:
            problem("类型", f"任务类型“{values['类型']}”无法识别。", "Unknown task type.")
        starts_on, due_on = _date(values["开始"]), _date(values["截止"])
        for column, day in (("开始", starts_on), ("截止", due_on)):
            if day is None:
                problem(column, "日期须为 YYYY-MM-DD。", "Dates are written YYYY-MM-DD.")
        if starts_on and due_on and due_on < starts_on:
            problem("截止", "截止日期早于开始日期。", "The due date is before the start.")
        mode = SCOPES.get(values["范围"])
        codes = _codes(values["代码"])
        if mode is None:
            problem("范围", "范围须为 全部、街道 或 社区。", "Scope must be 全部, 街道 or 社区.")
        elif mode == TargetModes.ALL and codes:
            problem("代码", "范围为“全部”时不填代码。", "Leave the codes empty for 全部.")
        elif mode != TargetModes.ALL:
            known = self.subdistricts if mode == TargetModes.SUBDISTRICTS else self.communities
            unknown = [code for code in codes if code not in known]
            if not codes or unknown:
                problem(
                    "代码",
                    f"代码无效：{'、'.join(unknown) or '（空）'}",
                    f"Unknown codes: {', '.join(unknown) or '(none)'}",
                )
        if problems or task_type is None or starts_on is None or due_on is None or mode is None:
            return None, problems
        request = TaskRequest(
            department_code=department,
            item_code=values["事项编码"] or None,
            title=title,
            task_type=task_type,
            starts_on=starts_on,
            due_on=due_on,
            targets=Targets(mode, codes),
        )
        return Row(number, request), []


def read_rows(
    filename: str, content: bytes, departments: set[str]
) -> tuple[list[Row], list[Problem]]:
    """Every row as a task request, or every problem found in the file (by row and column).
    The file is read by `core.tabular` (CSV in UTF-8 or GB18030, or XLSX)."""
    table = read_table(filename, content, max_rows=MAX_ROWS, required=HEADERS)
    if table.problems:
        return [], table.problems
    checker = RowChecker(departments)
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, cells in table.records():
        values = {name: cells.get(name, "") for name in HEADERS}
        row, row_problems = checker.check(number, values)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _located(problem: Problem, number: int) -> Problem:
    return Problem(problem.message_zh, problem.message_en, field=problem.field, row=number)


def send_all(*, actor: Any, rows: list[Row], file_hash: str) -> list[tuple[Row, Task]]:
    """All rows through task_send in one transaction: a row the service refuses (a rule only it
    knows) cancels the whole file, and every such row is reported."""
    sent: list[tuple[Row, Task]] = []
    problems: list[Problem] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    task = task_send(
                        actor=actor,
                        request=row.request,
                        idempotency_key=f"import-{file_hash[:40]}-{row.number}",
                    )
            except InvalidInput as invalid:
                problems.extend(_located(problem, row.number) for problem in invalid.problems)
            except RuleBroken as broken:
                problems.append(Problem(broken.message_zh, broken.message_en, row=row.number))
            else:
                sent.append((row, task))
        if problems:
            raise InvalidInput(problems)
    return sent


class Command(BaseCommand):
    help = (
        "Send the tasks of a CSV file (部门, 事项编码, 标题, 类型, 开始, 截止, 范围, 代码) as USERNAME. "
        "Every row is checked first; nothing is sent unless all rows are valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['user']!r}")
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        departments = {department.code for department in sending_departments(user)}
        rows, problems = read_rows(path.name, content, departments)
        if problems:
            self._fail(problems)
        try:
            sent = send_all(actor=user, rows=rows, file_hash=hashlib.sha256(content).hexdigest())
        except InvalidInput as invalid:
            self._fail(invalid.problems)
        except RuleBroken as broken:
            raise CommandError(broken.message) from None
        admitted = sum(1 for _row, task in sent if task.admitted)
        for row, task in sent:
            verdict = (
                "准入" if task.admitted else "未准入 " + ",".join(r["code"] for r in task.reasons)
            )
            self.stdout.write(
                f"第{row.number}行 → 任务 #{task.pk} {verdict} · {task.assignments.count()} 个社区"
            )
        self.stdout.write(
            f"已派发 {len(sent)} 项任务（准入 {admitted}，未准入 {len(sent) - admitted}）/ "
            f"sent {len(sent)} tasks ({admitted} admitted, {len(sent) - admitted} unadmitted)"
        )

    def _fail(self, problems: list[Problem]) -> NoReturn:
        for problem in problems:
            where = f"第{problem.row}行" if problem.row else "文件"
            column = f" [{problem.field}]" if problem.field else ""
            self.stderr.write(f"{where}{column}: {problem.message}")
        raise CommandError(
            f"文件有 {len(problems)} 处错误，未派发任何任务 / "
            f"{len(problems)} problem(s); nothing was sent."
        )
