"""Dispatch pages (派单): a department sends a task through the gate and follows each community's
state; a community works its inbox, refuses an unadmitted task in one step and reports work
pushed at it off the platform; a subdistrict sees what reaches its communities. The supervision
offices follow unadmitted work as violations on their own pages (oversight).

Views parse input, fetch through the access helpers, call one service or selector, and render."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import (
    overseen_subdistrict_grants,
    oversees_a_subdistrict,
    oversees_district,
    staffed_community_grants,
    staffed_community_ids,
    works_in_a_community,
)
from communitygate.catalog.selectors import published_item_choices
from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.dispatch.forms import (
    ExtensionForm,
    RefuseForm,
    ReportForm,
    ReturnForm,
    SubmitForm,
    TaskForm,
)
from communitygate.dispatch.models import (
    Assignment,
    AssignmentStates,
    OffPlatformReport,
    Task,
)
from communitygate.dispatch.permissions import (
    access_assignment,
    access_deliverable,
    access_evidence,
    access_report,
    access_task,
    assignments_visible_to,
    can_act_for_department,
    can_send_tasks,
    sending_departments,
    tasks_visible_to,
)
from communitygate.dispatch.selectors import (
    INBOX_VIEWS,
    OPEN_STATES,
    inbox,
    inbox_counts,
    inbox_view,
    overdue_assignments,
    state_counts,
    task_reach,
    task_state_counts,
    tasks_with_assignments_in,
)
from communitygate.dispatch.services import (
    assignment_accept,
    assignment_confirm,
    assignment_decide_extension,
    assignment_refuse,
    assignment_request_extension,
    assignment_return,
    assignment_submit,
    off_platform_report_create,
    task_preview,
    task_preview_reach,
    task_send,
)
from communitygate.dispatch.workflow import ASSIGNMENT, ASSIGNMENT_EXTENSION
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import rule_broken_to_form
from communitygate.http.steps import run_create, run_step
from communitygate.orgs.models import OrganisationKinds
from communitygate.orgs.selectors import community_tree, organisation_get, organisations_of_kind

# The lists show the newest rows; older ones stay in the API and the exports.
LIST_LIMIT = 300
# An assignment's steps as its page names them; the URL names one of these (`urls.py`), so any
# other answers 404 as an unknown address.
COMMUNITY_ACTIONS = ("accept", "refuse", "submit", "extension")
DEPARTMENT_ACTIONS = ("confirm", "return", "grant", "decline")
STEPS = (*COMMUNITY_ACTIONS, *DEPARTMENT_ACTIONS)


# Helpers -----------------------------------------------------------------------------------------


def _community_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (grant.organisation_code, grant.organisation_name)
        for grant in staffed_community_grants(request.user)
    ]


def _labelled(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state, in the order of the workflow."""
    return [(value, str(label), counts.get(value, 0)) for value, label in AssignmentStates.choices]


# The steps' names in the pages' URLs, where they differ from the workflow's.
PAGE_STEPS = {
    "request_extension": "extension",
    "grant_extension": "grant",
    "decline_extension": "decline",
}


def _offered(request: HttpRequest, assignment: Assignment) -> set[str]:
    """The steps this person is offered a button for: what the workflows' tables allow them."""
    steps = ASSIGNMENT.actions_for(request.user, assignment) + ASSIGNMENT_EXTENSION.actions_for(
        request.user, assignment
    )
    return {PAGE_STEPS.get(step, step) for step in steps}


def _stored_name(name: str) -> str:
    """The uploaded file's own name, without the prefix the deliverable was stored under."""
    return PurePosixPath(name).name.split("-", 2)[-1]


# Where a person starts ---------------------------------------------------------------------------


@login_required
def dispatch_home(request: HttpRequest) -> HttpResponse:
    """The navigation's one link: a community's inbox, the task list (the district's overseers
    see every task; their supervision workspace has its own link), a department's tasks or a
    subdistrict's overview, whichever the person has (in that order)."""
    user = request.user
    if staffed_community_ids(user):
        return redirect("dispatch:inbox")
    if oversees_district(user):
        return redirect("dispatch:tasks")
    if can_send_tasks(user):
        return redirect("dispatch:tasks")
    if overseen_subdistrict_grants(request.user):
        return redirect("dispatch:subdistrict")
    return render(request, "dispatch/home.html")


# Departments ------------------------------------------------------------------------------------


# The posted names the preview page does not carry back as they came: its own step buttons, the
# CSRF token (the page renders its own) and the fingerprint (the preview writes the new one).
NOT_CARRIED = {"csrfmiddlewaretoken", "step", "previewed"}


def _task_form(request: HttpRequest) -> TaskForm:
    departments = sending_departments(request.user)
    office = any(d.kind == OrganisationKinds.COMMITTEE_OFFICE for d in departments)
    return TaskForm(
        request.POST or None,
        departments=[(d.code, d.name) for d in departments],
        items=published_item_choices(
            department_ids=None if office else [d.pk for d in departments]
        ),
        tree=lambda: community_tree(clock.today()),
    )


def _sent_message(request: HttpRequest, task: Task, reached: int) -> None:
    """What happened, in a sentence: how many communities got the task and the gate's verdict."""
    values = {"title": task.title, "count": reached}
    if task.admitted:
        messages.success(
            request,
            ngettext(
                "Sent the task “%(title)s” to %(count)d community. The gate admitted it.",
                "Sent the task “%(title)s” to %(count)d communities. The gate admitted it.",
                reached,
            )
            % values,
        )
        return
    values["reasons"] = len(task.reasons)
    messages.warning(
        request,
        ngettext(
            "Sent the task “%(title)s” to %(count)d community, but the gate did not admit it "
            "(%(reasons)d reasons): the community may refuse it, and it is reported to the "
            "supervision offices.",
            "Sent the task “%(title)s” to %(count)d communities, but the gate did not admit it "
            "(%(reasons)d reasons): every community may refuse it, and it is reported to the "
            "supervision offices.",
            reached,
        )
        % values,
    )


@only_for(can_send_tasks)
@replay_on_resubmit
def task_new(request: HttpRequest) -> HttpResponse:
    """Two steps (docs/dispatch.md): the form's submit shows the preview (task_preview: whom the
    task reaches, the gate's verdict); its confirm button sends what was previewed (task_send).
    A confirm whose request differs from the one previewed shows the preview again; "back to
    edit" shows the form with the values."""
    form = _task_form(request)
    step = request.POST.get("step", "preview")
    if request.method == "POST" and step != "edit" and form.is_valid():
        task_request = form.task_request()
        fingerprint = task_request.fingerprint()
        try:
            if step == "send" and form.cleaned_data["previewed"] == fingerprint:
                task = task_send(actor=request.user, request=task_request)
                _sent_message(request, task, task_reach(task))
                return redirect("dispatch:task", task_id=task.pk)
            preview = task_preview(actor=request.user, request=task_request)
        except RuleBroken as broken:
            rule_broken_to_form(form, broken)
        else:
            carried = [
                (name, value)
                for name in request.POST
                if name not in NOT_CARRIED
                for value in request.POST.getlist(name)
            ]
            return render(
                request,
                "dispatch/task_preview.html",
                {
                    "form": form,
                    "task_request": task_request,
                    "preview": preview,
                    "reach": task_preview_reach(preview),
                    "item_label": form.item_label(),
                    "department_name": preview.department.name,
                    "carried": carried,
                    "fingerprint": fingerprint,
                },
            )
    return render(request, "dispatch/task_form.html", {"form": form})


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """The tasks the person sees; `?department=` (a code) and `?state=` (tasks with an
    assignment in that state) narrow it, as the workbench's numbers do."""
    visible = tasks_visible_to(request.user)
    department = request.GET.get("department", "")
    if department:
        visible = visible.filter(department__code=department)
    state = request.GET.get("state", "")
    visible = tasks_with_assignments_in(visible, state)
    tasks = list(
        visible.select_related("department", "item").order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "dispatch/task_list.html",
        {
            "tasks": tasks,
            "counts": task_state_counts(tasks),
            "states": AssignmentStates.choices,
            "can_send": can_send_tasks(request.user),
            "state_filter": dict(AssignmentStates.choices).get(state, ""),
        },
    )


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    visible = assignments_visible_to(request.user).filter(task=task)
    assignments = list(visible.select_related("community", "task").order_by("community__path"))
    is_sender = can_act_for_department(request.user, task)
    return render(
        request,
        "dispatch/task_detail.html",
        {
            "task": task,
            "assignments": assignments,
            "offered": {a.pk: _offered(request, a) for a in assignments},
            "counts": _labelled(state_counts(visible)),
            "is_sender": is_sender,
            "return_form": ReturnForm(),
        },
    )


# One community's copy of a task ------------------------------------------------------------------


@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    return render(
        request,
        "dispatch/assignment_detail.html",
        {
            "assignment": assignment,
            "task": assignment.task,
            "offered": _offered(request, assignment),
            "refuse_form": RefuseForm(),
            "submit_form": SubmitForm(),
            "extension_form": ExtensionForm(),
            "return_form": ReturnForm(),
        },
    )


def _act(request: HttpRequest, assignment: Assignment, action: str) -> None:
    """Run the service of one step from its form; raise RuleBroken as the services do."""
    user, data = request.user, request.POST
    if action == "accept":
        assignment_accept(actor=user, assignment=assignment)
    elif action == "refuse":
        assignment_refuse(actor=user, assignment=assignment, comment=data.get("comment", ""))
    elif action == "submit":
        upload = request.FILES.get("file")
        assignment_submit(
            actor=user,
            assignment=assignment,
            text=data.get("text", ""),
            filename=(upload.name or "") if upload else "",
            content=upload.read() if upload else b"",
        )
    elif action == "extension":
        form = ExtensionForm(data)
        form.is_valid()
        # A missing or unreadable date is the due date itself, which the service refuses
        # (after checking who asks, so that an outsider still gets 403).
        assignment_request_extension(
            actor=user,
            assignment=assignment,
            until=form.cleaned_data.get("until") or assignment.due_on,
            reason=data.get("reason", ""),
        )
    elif action == "confirm":
        assignment_confirm(actor=user, assignment=assignment)
    elif action == "return":
        assignment_return(actor=user, assignment=assignment, reason=data.get("reason", ""))
    else:  # "grant" or "decline": the URL names no other step (STEPS)
        assignment_decide_extension(actor=user, assignment=assignment, grant=action == "grant")


@login_required
@require_POST
def assignment_action(request: HttpRequest, assignment_id: int, action: str) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    return run_step(
        request,
        lambda: _act(request, assignment, action),
        back=reverse("dispatch:assignment", args=[assignment.pk]),
        done=_assignment_done(assignment, action),
        follow_next=True,
    )


def _assignment_done(assignment: Assignment, action: str) -> str:
    """The sentence that says what a step did to the community's assignment of a task."""
    words = {"task": assignment.task.title, "community": assignment.community.name}
    sentences = {
        "accept": _("%(community)s accepted the task “%(task)s”."),
        "refuse": _("%(community)s refused the task “%(task)s”; the refusal is recorded."),
        "submit": _("%(community)s submitted its deliverable for “%(task)s”."),
        "extension": _("The extension request for “%(task)s” is sent to the department."),
        "confirm": _("The deliverable of %(community)s for “%(task)s” is confirmed."),
        "return": _("The deliverable of %(community)s for “%(task)s” is returned for revision."),
        "grant": _("The extension for %(community)s on “%(task)s” is granted."),
    }
    default = _("The extension for %(community)s on “%(task)s” is declined.")
    return sentences.get(action, default) % words


@login_required
def deliverable_download(request: HttpRequest, assignment_id: int) -> FileResponse:
    assignment = access_deliverable(request.user, assignment_id)
    return FileResponse(
        assignment.deliverable_file.open("rb"),
        as_attachment=True,
        filename=_stored_name(assignment.deliverable_file.name or ""),
    )


# Communities ------------------------------------------------------------------------------------


@only_for(works_in_a_community)
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The inbox of the person's communities; `?community=` (a code of one of them) and
    `?show=` (one of INBOX_VIEWS) narrow it, as the workbench's numbers do."""
    communities = staffed_community_ids(request.user)
    wanted = request.GET.get("community", "")
    grants = staffed_community_grants(request.user)
    chosen = [g.organisation_id for g in grants if g.organisation_code == wanted]
    if chosen:
        communities = chosen
    show = request.GET.get("show", "")
    show = show if show in INBOX_VIEWS else ""
    rows = inbox_view(inbox(communities, clock.today()), show)
    return render(
        request,
        "dispatch/inbox.html",
        {
            "admitted": [row for row in rows if row.assignment.admitted],
            "unadmitted": [row for row in rows if not row.assignment.admitted],
            "counts": _labelled(inbox_counts(communities)),
            "open_states": OPEN_STATES,
            "communities": _community_choices(request),
            "show": show,
            "filtered": bool(show or chosen),
        },
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def report_new(request: HttpRequest) -> HttpResponse:
    communities = _community_choices(request)
    departments = [
        (org.code, org.name) for org in organisations_of_kind(OrganisationKinds.DEPARTMENT)
    ]
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        communities=communities,
        departments=departments,
    )

    def create() -> OffPlatformReport:
        data = form.cleaned_data
        return off_platform_report_create(
            actor=request.user,
            community=organisation_get(data["community"]),
            department=organisation_get(data["department"]) if data["department"] else None,
            pushed_by=data["pushed_by"],
            channel=data["channel"],
            occurred_on=data["occurred_on"],
            what_was_asked=data["what_was_asked"],
            evidence=form.evidence_files(),
        )

    created = run_create(
        request,
        form,
        create,
        success=_("Report recorded. It joins the supervision offices' queue."),
        redirect_to=lambda report: reverse("dispatch:report", args=[report.pk]),
    )
    return created or render(request, "dispatch/report_form.html", {"form": form})


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    return render(request, "dispatch/report_detail.html", {"report": report})


@login_required
def evidence_download(request: HttpRequest, report_id: int, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, report_id, evidence_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.filename,
        content_type=evidence.content_type,
    )


# Subdistricts ------------------------------------------------------------------------------------


@only_for(oversees_a_subdistrict)
def subdistrict_page(request: HttpRequest) -> HttpResponse:
    """Everything sent to the communities of the person's subdistricts."""
    subdistricts = overseen_subdistrict_grants(request.user)
    wanted = request.GET.get("subdistrict", "")
    if any(grant.organisation_code == wanted for grant in subdistricts):
        subdistricts = [g for g in subdistricts if g.organisation_code == wanted]
    under = Q(pk__in=[])
    for grant in subdistricts:
        under |= Q(community__path__startswith=f"{grant.path}/")
    visible = assignments_visible_to(request.user).filter(under)
    overdue_only = request.GET.get("show") == "overdue"
    if overdue_only:
        visible = overdue_assignments(visible, clock.today())
    assignments = list(
        visible.select_related("task", "task__department", "community").order_by(
            "-task__created_at", "-task_id", "community__path"
        )[:LIST_LIMIT]
    )
    return render(
        request,
        "dispatch/subdistrict.html",
        {
            "subdistricts": subdistricts,
            "assignments": assignments,
            "counts": _labelled(state_counts(visible)),
            "limit": LIST_LIMIT,
            "overdue_only": overdue_only,
        },
    )
