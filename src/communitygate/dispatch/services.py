"""Writes of dispatch. `task_send` is the one way a task and its assignments come to exist: it
runs the gate, stores the verdict with the task, and inserts one assignment per community in
bulk, in one transaction. The assignment services move one community's copy through its states.

Steps (docs/dispatch.md): task_preview (what sending would do, shown before the send) →
task_send → assignment_accept (admitted) or assignment_refuse
(unadmitted, one step) → assignment_submit (the deliverable) → assignment_confirm or
assignment_return (the department); assignment_request_extension → assignment_decide_extension.
Off the platform: off_platform_report_create.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count

from communitygate.accounts.permissions import staffed_community_ids
from communitygate.admissions.selectors import admitted_scope, commitments_covering
from communitygate.audit.recorder import created_fields, record_event
from communitygate.audit.transitions import transition_apply
from communitygate.catalog.models import (
    TaskTypes,
)
from communitygate.catalog.selectors import negative_list_blocks, published_entry
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, Problem, RuleBroken
from communitygate.core.idempotency import (
    earlier_answer,
    idempotency_key_checked,
    idempotent_create,
    request_hash,
)
from communitygate.core.inputs import model_max_length
from communitygate.core.people import AnyUser, acting_user
from communitygate.core.uploads import FileUpload, attach_files, check_upload, checked_uploads
from communitygate.dispatch import signals
from communitygate.dispatch import tasks as background
from communitygate.dispatch.gate import ItemFacts, Reason, TaskFacts, gate_reasons
from communitygate.dispatch.models import (
    Assignment,
    Channels,
    Deliverables,
    Evidence,
    OffPlatformReport,
    TargetModes,
    Task,
)
from communitygate.dispatch.permissions import (
    sending_departments,
)
from communitygate.dispatch.workflow import ASSIGNMENT, ASSIGNMENT_EXTENSION
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.orgs.selectors import active_communities

BULK_BATCH = 1000


class NoTargets(RuleBroken):
    code = "no_targets"
    status = 422

    def __init__(self) -> None:
        super().__init__("没有可派单的社区。", "No community is targeted.")


@dataclass(frozen=True)
class Targets:
    mode: str  # TargetModes
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskRequest:
    department_code: str
    item_code: str | None
    title: str
    task_type: str
    starts_on: dt.date
    due_on: dt.date
    targets: Targets
    instructions: str = ""
    deliverable: str = Deliverables.FORM

    def fingerprint(self) -> str:
        body = {
            "department": self.department_code,
            "item": self.item_code,
            "title": self.title,
            "task_type": self.task_type,
            "starts_on": self.starts_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "targets": [self.targets.mode, sorted(self.targets.codes)],
            "instructions": self.instructions,
            "deliverable": self.deliverable,
        }
        return request_hash(body)


def _request_problems(request: TaskRequest) -> list[Problem]:
    problems = []
    if not request.title.strip():
        problems.append(Problem("请填写任务标题。", "Give the task a title.", field="title"))
    if request.task_type not in TaskTypes.values:
        problems.append(Problem("任务类型无法识别。", "Unknown task type.", field="task_type"))
    if request.deliverable not in Deliverables.values:
        problems.append(Problem("成果形式无法识别。", "Unknown deliverable.", field="deliverable"))
    if request.due_on < request.starts_on:
        problems.append(
            Problem("完成期限早于开始日期。", "The due date is before the start.", field="due_on")
        )
    if request.targets.mode not in TargetModes.values:
        problems.append(Problem("派单范围无法识别。", "Unknown targets.", field="targets"))
    return problems


def _published_item(item_code: str | None) -> tuple[int | None, ItemFacts | None]:
    """The item as the latest edition publishes it (the gate reads what the public reads)."""
    if not item_code:
        return None, None
    entry = published_entry(item_code)
    if entry is None:
        return None, None
    data = entry.fields

    def date_of(key: str) -> dt.date | None:
        return dt.date.fromisoformat(data[key]) if data.get(key) else None

    scope = admitted_scope(entry.item_id)
    return entry.item_id, ItemFacts(
        item_id=entry.item_id,
        code=entry.code,
        item_class=entry.item_class,
        status=entry.status,
        valid_from=date_of("valid_from"),
        valid_to=date_of("valid_to"),
        department_id=entry.department_id,
        has_plaques=bool(data.get("plaques")),
        scope=frozenset(scope) if scope is not None else None,
    )


def _target_community_ids(targets: Targets, item: ItemFacts | None) -> list[int]:
    communities = active_communities(clock.today())
    if targets.mode == TargetModes.ALL:
        if item is not None and item.scope is not None:
            communities = communities.filter(pk__in=item.scope)
    elif targets.mode == TargetModes.SUBDISTRICTS:
        found = dict(
            Organisation.objects.filter(
                code__in=targets.codes, kind=OrganisationKinds.SUBDISTRICT
            ).values_list("code", "pk")
        )
        _require_all(targets.codes, found, "街道", "subdistricts")
        communities = communities.filter(parent_id__in=found.values())
    else:
        found = dict(communities.filter(code__in=targets.codes).values_list("code", "pk"))
        _require_all(targets.codes, found, "社区", "communities")
        return list(found.values())
    return list(communities.values_list("pk", flat=True))


def _require_all(codes: tuple[str, ...], found: dict[str, int], zh: str, en: str) -> None:
    missing = sorted(set(codes) - set(found))
    if missing or not codes:
        raise InvalidInput(
            [
                Problem(
                    f"{zh}代码无效：{'、'.join(missing) or '（空）'}",
                    f"Unknown {en}: {', '.join(missing) or '(none)'}",
                    field="targets",
                )
            ]
        )


def task_verdict(
    department: Organisation, request: TaskRequest, community_ids: list[int], item: ItemFacts | None
) -> list[Reason]:
    """Gather the facts and ask the gate."""
    funded = (
        bool(commitments_covering([item.item_id], request.starts_on, request.due_on))
        if item is not None
        else False
    )
    blocked_types, blocked_items = negative_list_blocks()
    facts = TaskFacts(
        department_id=department.pk,
        department_is_office=department.kind == OrganisationKinds.COMMITTEE_OFFICE,
        task_type=request.task_type,
        starts_on=request.starts_on,
        due_on=request.due_on,
        community_ids=frozenset(community_ids),
    )
    return gate_reasons(
        facts,
        item,
        funding_committed=funded,
        blocked_task_types=blocked_types,
        blocked_item_ids=blocked_items,
    )


@dataclass(frozen=True)
class SubdistrictReach:
    name: str
    communities: int


@dataclass(frozen=True)
class TaskPreview:
    """What sending `request` would do now: the communities it reaches and the gate's verdict.
    `task_send` sends exactly what `task_preview` answers, so the two cannot disagree."""

    department: Organisation
    item_id: int | None
    item_code: str | None
    community_ids: tuple[int, ...]
    reasons: tuple[Reason, ...]

    @property
    def admitted(self) -> bool:
        return not self.reasons

    @property
    def community_count(self) -> int:
        return len(self.community_ids)


def _sender(actor: AnyUser, request: TaskRequest) -> tuple[User, Organisation]:
    """The person and the sending department, when they may send for it and the request reads
    well."""
    user = acting_user(actor)
    department = next(
        (d for d in sending_departments(actor) if d.code == request.department_code), None
    )
    if user is None or department is None:
        raise PermissionDenied(
            "只有本部门的经办人或负责人可以派单。",
            "Only the department's clerk or head may send its tasks.",
        )
    problems = _request_problems(request)
    if problems:
        raise InvalidInput(problems)
    return user, department


def _previewed(department: Organisation, request: TaskRequest) -> TaskPreview:
    item_id, item = _published_item(request.item_code)
    community_ids = _target_community_ids(request.targets, item)
    if not community_ids:
        raise NoTargets()
    reasons = task_verdict(department, request, community_ids, item)
    return TaskPreview(
        department=department,
        item_id=item_id,
        item_code=request.item_code,
        community_ids=tuple(community_ids),
        reasons=tuple(reasons),
    )


def task_preview(*, actor: AnyUser, request: TaskRequest) -> TaskPreview:
    """The send step's first half, without sending (预览): whom the task would reach and
    whether the gate would admit it, with every reason. Raises what `task_send` would raise."""
    _user, department = _sender(actor, request)
    return _previewed(department, request)


def task_preview_reach(preview: TaskPreview) -> list[SubdistrictReach]:
    """How many of the previewed communities each subdistrict has, in the tree's order (one
    query)."""
    rows = (
        Organisation.objects.filter(pk__in=preview.community_ids)
        .values("parent__path", "parent__name")
        .annotate(communities=Count("pk"))
        .order_by("parent__path")
    )
    return [SubdistrictReach(row["parent__name"] or "", row["communities"]) for row in rows]


def task_send(*, actor: AnyUser, request: TaskRequest, idempotency_key: str = "") -> Task:
    """Send a task: the gate decides, and every targeted community gets its assignment. The
    communities and the verdict are `task_preview`'s, computed again at this moment.

    With an Idempotency-Key, a retry returns the first task; the same key with a different
    request is refused."""
    user, department = _sender(actor, request)
    key = idempotency_key_checked(idempotency_key)
    fingerprint = request.fingerprint()
    same_key = Task.objects.filter(created_by=user, idempotency_key=key)
    if key and (earlier := earlier_answer(same_key, fingerprint)) is not None:
        return earlier
    preview = _previewed(department, request)
    item_id = preview.item_id
    community_ids = list(preview.community_ids)
    reasons = list(preview.reasons)

    def create() -> Task:
        with transaction.atomic():
            task = Task.objects.create(
                department=department,
                item_id=item_id,
                title=request.title.strip(),
                instructions=request.instructions.strip(),
                task_type=request.task_type,
                deliverable=request.deliverable,
                starts_on=request.starts_on,
                due_on=request.due_on,
                target_mode=request.targets.mode,
                target_codes=list(request.targets.codes),
                admitted=not reasons,
                reasons=[reason.as_dict() for reason in reasons],
                created_by=user,
                created_at=clock.now(),
                idempotency_key=key,
                request_hash=fingerprint,
            )
            _insert_assignments(task, community_ids)
            signals.task_sent.send(sender=Task, task=task)
            record_event(
                actor=user,
                action="task.send",
                obj=task,
                changes=created_fields(
                    {
                        "item": request.item_code,
                        "title": task.title,
                        "admitted": task.admitted,
                        "reasons": [reason.code for reason in reasons],
                        "assignments": len(community_ids),
                    }
                ),
            )
        return task

    return idempotent_create(key=key, fingerprint=fingerprint, same_key=same_key, create=create)


def _insert_assignments(task: Task, community_ids: list[int]) -> None:
    """One assignment per community, each carrying the task's verdict: `INSERT ... SELECT` over
    the communities' ids, a thousand at a time.

    Not bulk_create: for a city's 1,100 communities it builds 1,100 model objects and prepares
    each of their fields in Python, which costs ten times the insert itself (bench/dispatch.py).
    Here the values come from one template object, prepared by each field as bulk_create would
    prepare them, so the statement follows the model; only the community's id varies by row."""
    template = Assignment(
        task=task,
        community_id=0,
        admitted=task.admitted,
        due_on=task.due_on,
        updated_at=clock.now(),
    )
    quote = connection.ops.quote_name
    community_pk = quote(Organisation._meta.get_field("id").column or "id")
    columns, values, params = [], [], []
    for field in Assignment._meta.concrete_fields:
        if field.primary_key or field.column is None:
            continue
        columns.append(quote(field.column))
        if field.attname == "community_id":
            values.append(community_pk)
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
    insert = (
        f"INSERT INTO {quote(Assignment._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (names from the models; values are parameters)
        f"SELECT {', '.join(values)} FROM {quote(Organisation._meta.db_table)} "
        f"WHERE {community_pk} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(community_ids), BULK_BATCH):
            chunk = community_ids[start : start + BULK_BATCH]
            cursor.execute(insert + f"({', '.join(['%s'] * len(chunk))})", [*params, *chunk])


def _reloaded(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_related("task", "community").get(pk=assignment.pk)


def _new_values(values: dict[str, object]) -> dict[str, list[object]]:
    """The fields a step sets, as its audit event records them."""
    return {key: [None, str(value)] for key, value in values.items()}


def assignment_accept(*, actor: AnyUser, assignment: Assignment) -> Assignment:
    """The community takes on an admitted task."""
    transition_apply(ASSIGNMENT, actor=actor, subject=assignment, action="accept")
    return _reloaded(assignment)


def assignment_refuse(*, actor: AnyUser, assignment: Assignment, comment: str = "") -> Assignment:
    """One step: an unadmitted task is refused, with the gate's reasons; final."""
    values: dict[str, object] = {"refusal_comment": comment.strip()}
    with transaction.atomic():
        transition_apply(
            ASSIGNMENT,
            actor=actor,
            subject=assignment,
            action="refuse",
            values=values,
            changes=_new_values(values),
        )
        refused = _reloaded(assignment)
        transaction.on_commit(lambda: background.notify_refused.enqueue(refused.pk))
    return refused


def assignment_submit(
    *,
    actor: AnyUser,
    assignment: Assignment,
    text: str = "",
    filename: str = "",
    content: bytes = b"",
) -> Assignment:
    """The community hands in the deliverable (text, or a file checked like any upload)."""
    ASSIGNMENT.authorise(actor, assignment, "submit")
    if not text.strip() and not content:
        raise InvalidInput(
            [
                Problem(
                    "请填写或上传成果。",
                    "Give the deliverable, as text or a file.",
                    field="deliverable",
                )
            ]
        )
    with transaction.atomic():
        if content:
            checked = check_upload(
                filename, content, max_bytes=int(settings.COMMUNITYGATE["ATTACHMENT_MAX_BYTES"])
            )
            assignment.deliverable_file.save(
                f"{assignment.pk}-{checked.sha256[:12]}-{checked.filename}",
                ContentFile(content),
                save=False,
            )
            Assignment.objects.filter(pk=assignment.pk).update(
                deliverable_file=assignment.deliverable_file.name
            )
        values: dict[str, object] = {"deliverable_text": text.strip()}
        transition_apply(
            ASSIGNMENT,
            actor=actor,
            subject=assignment,
            action="submit",
            values=values,
            changes=_new_values(values),
        )
    return _reloaded(assignment)


def assignment_confirm(*, actor: AnyUser, assignment: Assignment) -> Assignment:
    transition_apply(ASSIGNMENT, actor=actor, subject=assignment, action="confirm")
    return _reloaded(assignment)


def assignment_return(*, actor: AnyUser, assignment: Assignment, reason: str) -> Assignment:
    ASSIGNMENT.authorise(actor, assignment, "return")
    if not reason.strip():
        raise InvalidInput(
            [Problem("请说明退回理由。", "Give the reason for returning it.", field="reason")]
        )
    values: dict[str, object] = {"department_comment": reason.strip()}
    transition_apply(
        ASSIGNMENT,
        actor=actor,
        subject=assignment,
        action="return",
        values=values,
        changes=_new_values(values),
    )
    return _reloaded(assignment)


def assignment_request_extension(
    *, actor: AnyUser, assignment: Assignment, until: dt.date, reason: str
) -> Assignment:
    ASSIGNMENT_EXTENSION.authorise(actor, assignment, "request_extension")
    if until <= assignment.due_on or not reason.strip():
        raise InvalidInput(
            [
                Problem(
                    "延期日期须晚于原期限，并说明理由。",
                    "The new date must be after the due date, with a reason.",
                    field="until",
                )
            ]
        )
    with transaction.atomic():
        transition_apply(
            ASSIGNMENT_EXTENSION,
            actor=actor,
            subject=_reloaded(assignment),
            action="request_extension",
            values={"extension_until": until, "extension_reason": reason.strip()},
            changes={"extension_until": [None, until]},
            reason=reason,
        )
    return _reloaded(assignment)


def assignment_decide_extension(
    *, actor: AnyUser, assignment: Assignment, grant: bool
) -> Assignment:
    """The department grants more time (the due date moves to the date asked) or declines."""
    action = "grant_extension" if grant else "decline_extension"
    ASSIGNMENT_EXTENSION.authorise(actor, assignment, action)
    with transaction.atomic():
        current = _reloaded(assignment)
        values: dict[str, object] = {}
        if grant and current.extension_until:
            values["due_on"] = current.extension_until
        transition_apply(
            ASSIGNMENT_EXTENSION,
            actor=actor,
            subject=current,
            action=action,
            values=values,
            changes={"due_on": [current.due_on, values.get("due_on", current.due_on)]},
        )
    return _reloaded(assignment)


def off_platform_report_create(
    *,
    actor: AnyUser,
    community: Organisation,
    department: Organisation | None,
    pushed_by: str,
    channel: str,
    occurred_on: dt.date,
    what_was_asked: str,
    evidence: list[FileUpload] | None = None,
) -> OffPlatformReport:
    """A community records work pushed at it outside the platform; it joins the supervision queue."""
    user = acting_user(actor)
    if user is None or community.pk not in staffed_community_ids(actor):
        raise PermissionDenied("只有本社区可以报告。", "Only the community itself may report.")
    problems = []
    if department is not None and department.kind != OrganisationKinds.DEPARTMENT:
        problems.append(
            Problem(
                "被报告的单位须为职能部门。",
                "The reported body must be a department.",
                field="department",
            )
        )
    if channel not in Channels.values:
        problems.append(Problem("渠道无法识别。", "Unknown channel.", field="channel"))
    pushed_by_max = model_max_length(OffPlatformReport, "pushed_by")
    if len(pushed_by.strip()) > pushed_by_max:
        problems.append(
            Problem(
                f"“谁要求的”不能超过{pushed_by_max}个字符。",
                f"Who asked may be at most {pushed_by_max} characters.",
                field="pushed_by",
            )
        )
    if not what_was_asked.strip():
        problems.append(
            Problem("请写明被要求做什么。", "Say what was asked.", field="what_was_asked")
        )
    if occurred_on > clock.today():
        problems.append(
            Problem(
                "日期不能在今天之后。", "The date cannot be in the future.", field="occurred_on"
            )
        )
    checked = checked_uploads(evidence)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        report = OffPlatformReport.objects.create(
            community=community,
            department=department,
            pushed_by=pushed_by.strip(),
            channel=channel,
            occurred_on=occurred_on,
            what_was_asked=what_was_asked.strip(),
            reported_by=user,
            reported_at=clock.now(),
        )
        attach_files(Evidence, "report", report, checked)
        signals.off_platform_report_filed.send(sender=OffPlatformReport, report=report)
        record_event(
            actor=user,
            action="off_platform_report.create",
            obj=report,
            changes=created_fields(
                {
                    "community": community.code,
                    "department": department.code if department else None,
                    "channel": channel,
                    "evidence": len(checked),
                }
            ),
        )
    return report
