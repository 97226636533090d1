"""The supervision workspace and the violations register (违规记录): counts by state, the latest
violations, the orders to follow and the notices in progress; the register with its filters;
a violation with its cause, the communities affected, its decision and the notices and orders
naming it; the inspectors' confirm and dismiss forms."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.core import clock
from communitygate.http.guards import only_for
from communitygate.http.steps import run_create
from communitygate.oversight.forms import ConfirmForm, ReasonForm, ViolationFilterForm
from communitygate.oversight.models import Violation, ViolationStates
from communitygate.oversight.permissions import (
    access_violation,
    can_approve_notice,
    can_draft_notices,
    can_inspect,
    notices_visible_to,
    orders_visible_to,
    reaches_supervision_pages,
    sees_every_violation,
    violations_visible_to,
)
from communitygate.oversight.selectors import (
    ViolationFilters,
    communities_with_unadmitted_wall,
    department_choices,
    notices_in_progress,
    orders_to_follow,
    violation_communities,
    violation_counts_by_department,
    violation_counts_by_state,
    violation_notices,
    violation_orders,
    violations_filtered,
)
from communitygate.oversight.services.violations import violation_confirm, violation_dismiss
from communitygate.oversight.views.common import page_of
from communitygate.oversight.workflow import VIOLATION

LATEST = 10
TO_FOLLOW = 20


@only_for(reaches_supervision_pages)
def workspace(request: HttpRequest) -> HttpResponse:
    """督查工作台: what needs attention, for the supervision offices (the whole district), the
    office and the audit bureau (reading), and each department (its own records)."""
    user = request.user
    violations = violations_visible_to(user)
    counts = violation_counts_by_state(violations)
    sees_all = sees_every_violation(user)
    in_progress = list(notices_in_progress(notices_visible_to(user))) if sees_all else []
    return render(
        request,
        "oversight/workspace.html",
        {
            "counts": [(state, label, counts[state]) for state, label in ViolationStates.choices],
            "states": ViolationStates.choices,
            "latest": list(violations_filtered(violations, ViolationFilters())[:LATEST]),
            "by_department": violation_counts_by_department(violations),
            "orders": list(orders_to_follow(orders_visible_to(user))[:TO_FOLLOW]),
            "in_progress": in_progress,
            "approvable": {n.pk for n in in_progress if can_approve_notice(user, n)},
            "walls": communities_with_unadmitted_wall()[:TO_FOLLOW] if sees_all else [],
            "sees_all": sees_all,
            "can_inspect": can_inspect(user),
            "can_draft": can_draft_notices(user),
            "today": clock.today(),
        },
    )


@login_required
def violation_list(request: HttpRequest) -> HttpResponse:
    """The register, scoped to the person (a community sees the outcome of what it reported),
    filtered by department, state and source, a page at a time."""
    form = ViolationFilterForm(request.GET or None, departments=department_choices())
    visible = violations_visible_to(request.user)
    if form.is_bound and not form.is_valid():
        rows = visible.none()  # never the unfiltered list in place of the one asked for
    else:
        filters = form.filters() if form.is_bound else ViolationFilters()
        rows = violations_filtered(visible, filters)
    return render(
        request,
        "oversight/violation_list.html",
        {"form": form, "page": page_of(request, rows)},
    )


def _violation_page(
    request: HttpRequest,
    violation: Violation,
    *,
    confirm_form: ConfirmForm | None = None,
    dismiss_form: ReasonForm | None = None,
) -> HttpResponse:
    user = request.user
    actions = VIOLATION.actions_for(user, violation)
    context: dict[str, Any] = {
        "violation": violation,
        "communities": violation_communities(violation),
        "notices": list(violation_notices(violation, notices_visible_to(user))),
        "orders": list(violation_orders(violation, orders_visible_to(user))),
        "actions": actions,
        "confirm_form": confirm_form or _confirm_form(violation),
        "dismiss_form": dismiss_form or ReasonForm(),
        "can_draft": can_draft_notices(user) and violation.state == ViolationStates.CONFIRMED,
    }
    return render(request, "oversight/violation_detail.html", context)


def _confirm_form(violation: Violation, data: Any = None) -> ConfirmForm:
    departments = None if violation.department_id else department_choices()
    return ConfirmForm(data, departments=departments)


@login_required
def violation_detail(request: HttpRequest, violation_id: int) -> HttpResponse:
    return _violation_page(request, access_violation(request.user, violation_id))


@login_required
@require_POST
def violation_confirm_page(request: HttpRequest, violation_id: int) -> HttpResponse:
    violation = access_violation(request.user, violation_id)
    VIOLATION.authorise(request.user, violation, "confirm")  # an outsider's 403 before the form
    form = _confirm_form(violation, request.POST)
    if form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: _confirmed(request, violation, form),
            success=_("Violation confirmed. The department is told."),
            back=reverse("oversight:violation", args=[violation.pk]),
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return _violation_page(request, violation, confirm_form=form)


def _confirmed(request: HttpRequest, violation: Violation, form: ConfirmForm) -> str:
    violation_confirm(actor=request.user, violation=violation, confirmation=form.confirmation())
    return reverse("oversight:violation", args=[violation.pk])


@login_required
@require_POST
def violation_dismiss_page(request: HttpRequest, violation_id: int) -> HttpResponse:
    violation = access_violation(request.user, violation_id)
    VIOLATION.authorise(request.user, violation, "dismiss")
    form = ReasonForm(request.POST)
    if form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: _dismissed(request, violation, form.cleaned_data["reason"]),
            success=_("Violation dismissed."),
            back=reverse("oversight:violation", args=[violation.pk]),
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return _violation_page(request, violation, dismiss_form=form)


def _dismissed(request: HttpRequest, violation: Violation, reason: str) -> str:
    violation_dismiss(actor=request.user, violation=violation, reason=reason)
    return reverse("oversight:violation", args=[violation.pk])
