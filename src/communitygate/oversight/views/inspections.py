"""Inspections (检查) and the wall (挂牌和台账): the list, the plan form, an inspection with its
checklist, its findings and their files, the record-finding form, complete and cancel; a
community's register of the plaques actually hung and the ledgers actually kept, unadmitted
ones flagged, with the add form and "taken down"."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import supervision_office_ids
from communitygate.core.errors import PermissionDenied
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.steps import run_create, run_step
from communitygate.orgs.models import Organisation
from communitygate.oversight.forms import (
    CompleteForm,
    FindingForm,
    InspectionForm,
    ReasonForm,
    WallRecordForm,
)
from communitygate.oversight.models import Inspection, InspectionStates, WallKinds
from communitygate.oversight.permissions import (
    access_inspection,
    access_wall,
    can_inspect,
    can_keep_wall,
    can_read_wall,
    findings_visible_to,
    inspections_visible_to,
)
from communitygate.oversight.selectors import (
    community_choices,
    department_choices,
    finding_file_of,
    inspection_findings,
    inspections_listed,
    supervision_office_choices,
    wall_of,
    wall_record_of,
)
from communitygate.oversight.services.inspections import (
    finding_record,
    inspection_cancel,
    inspection_complete,
    inspection_plan,
    wall_record_add,
    wall_record_remove,
)
from communitygate.oversight.views.common import file_download, page_of
from communitygate.oversight.workflow import INSPECTION

# Inspections -------------------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """The inspections the person sees: all for the district's overseers, those naming a
    department for its staff, those of a community for its staff."""
    rows = inspections_listed(inspections_visible_to(request.user))
    return render(
        request,
        "oversight/inspection_list.html",
        {"page": page_of(request, rows), "can_inspect": can_inspect(request.user)},
    )


def _plan_form(request: HttpRequest) -> InspectionForm:
    return InspectionForm(
        request.POST or None,
        offices=supervision_office_choices(supervision_office_ids(request.user)),
        departments=department_choices(),
        communities=community_choices(),
    )


@only_for(can_inspect)
@replay_on_resubmit
def inspection_new(request: HttpRequest) -> HttpResponse:
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: reverse(
                "oversight:inspection",
                args=[inspection_plan(actor=request.user, request=form.inspection_request()).pk],
            ),
            success=_("Inspection planned. Its checklist is built from the published catalog."),
            back=reverse("oversight:inspections"),
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return render(request, "oversight/inspection_form.html", {"form": form})


def _finding_form(data: Any = None, files: Any = None) -> FindingForm:
    return FindingForm(
        data, files, communities=community_choices(), departments=department_choices()
    )


def _inspection_page(
    request: HttpRequest, inspection: Inspection, *, finding_form: FindingForm | None = None
) -> HttpResponse:
    user = request.user
    actions = INSPECTION.actions_for(user, inspection)
    can_record = can_inspect(user) and inspection.state == InspectionStates.PLANNED
    return render(
        request,
        "oversight/inspection_detail.html",
        {
            "inspection": inspection,
            "departments": list(inspection.departments.order_by("code")),
            "communities": [
                (community, can_read_wall(user, community))
                for community in inspection.communities.order_by("path")
            ],
            "findings": inspection_findings(inspection, findings_visible_to(request.user)),
            "actions": actions,
            "can_record": can_record,
            "finding_form": finding_form or (_finding_form() if can_record else None),
            "complete_form": CompleteForm(),
            "cancel_form": ReasonForm(),
        },
    )


@login_required
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    return _inspection_page(request, access_inspection(request.user, inspection_id))


@login_required
@require_POST
@replay_on_resubmit
def finding_new(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = access_inspection(request.user, inspection_id)
    if not can_inspect(request.user):
        raise PermissionDenied(
            "只有督查室可以记录检查发现。", "Only a supervision office records findings."
        )
    form = _finding_form(request.POST, request.FILES)
    back = reverse("oversight:inspection", args=[inspection.pk])
    if form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: _recorded(request, inspection, form, back),
            success=_("Finding recorded. It is on the violations register."),
            back=back,
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return _inspection_page(request, inspection, finding_form=form)


def _recorded(request: HttpRequest, inspection: Inspection, form: FindingForm, back: str) -> str:
    finding = finding_record(
        actor=request.user, inspection=inspection, request=form.finding_request()
    )
    return f"{back}#finding-{finding.pk}"


@login_required
@require_POST
def inspection_step(request: HttpRequest, inspection_id: int, action: str) -> HttpResponse:
    inspection = access_inspection(request.user, inspection_id)
    data = request.POST
    if action == "complete":
        done = _("Inspection completed.")

        def act() -> object:
            return inspection_complete(
                actor=request.user, inspection=inspection, conclusion=data.get("conclusion", "")
            )

    else:
        done = _("Inspection cancelled.")

        def act() -> object:
            return inspection_cancel(
                actor=request.user, inspection=inspection, reason=data.get("reason", "")
            )

    return run_step(
        request, act, back=reverse("oversight:inspection", args=[inspection.pk]), done=done
    )


@login_required
def finding_file(request: HttpRequest, inspection_id: int, file_id: int) -> FileResponse:
    """A finding's photo or file, for whoever sees the inspection (never another's file)."""
    inspection = access_inspection(request.user, inspection_id)
    return file_download(finding_file_of(inspection, file_id, findings_visible_to(request.user)))


# The wall ----------------------------------------------------------------------------------------


def _wall_page(
    request: HttpRequest, community: Organisation, *, form: WallRecordForm | None = None
) -> HttpResponse:
    can_keep = can_keep_wall(request.user, community)
    sections = []
    for kind, label in WallKinds.choices:
        records = list(wall_of(community, kind, include_removed=True))
        sections.append(
            {
                "kind": kind,
                "label": label,
                "current": [r for r in records if r.removed_on is None],
                "removed": [r for r in records if r.removed_on is not None],
            }
        )
    return render(
        request,
        "oversight/wall.html",
        {
            "community": community,
            "sections": sections,
            "unadmitted": sum(
                1 for section in sections for r in section["current"] if not r.admitted
            ),
            "can_keep": can_keep,
            "form": form or (WallRecordForm() if can_keep else None),
        },
    )


@login_required
def wall_page(request: HttpRequest, code: str) -> HttpResponse:
    return _wall_page(request, access_wall(request.user, code))


@login_required
@require_POST
@replay_on_resubmit
def wall_add(request: HttpRequest, code: str) -> HttpResponse:
    community = access_wall(request.user, code)
    if not can_keep_wall(request.user, community):
        raise PermissionDenied(
            "只有本社区或督查室可以登记。", "Only the community or an inspector records this."
        )
    form = WallRecordForm(request.POST)
    back = reverse("oversight:wall", args=[community.code])
    if form.is_valid():
        data = form.cleaned_data

        def add() -> str:
            wall_record_add(
                actor=request.user,
                community=community,
                kind=data["kind"],
                name=data["name"],
                note=data["note"] or "",
            )
            return back

        answer = run_create(
            request, form, add, success=_("Recorded on the wall."), back=back, redirect_to=str
        )
        if answer is not None:
            return answer
    return _wall_page(request, community, form=form)


@login_required
@require_POST
def wall_remove(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    community = access_wall(request.user, code)
    record = wall_record_of(community, record_id)
    return run_step(
        request,
        lambda: wall_record_remove(
            actor=request.user, record=record, reason=request.POST.get("reason", "")
        ),
        back=reverse("oversight:wall", args=[community.code]),
        done=_("Marked as taken down."),
    )
