"""District-wide notices (全区通报) and correction orders (限期改正) inside the platform: the list
(drafts for the district's overseers), the draft form, a notice with approve and return (the
head, never the drafter), publish and withdraw; the orders (a department's own, all for the
overseers), an order with the department's answer (report and evidence) and the inspector's
accept or return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import supervision_office_ids
from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.http.confirm import confirm_page, is_confirmed
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import rule_broken_to_messages
from communitygate.http.steps import run_create, run_step
from communitygate.oversight.forms import NoticeForm, OrderFilterForm, RespondForm
from communitygate.oversight.models import CorrectionOrder, Notice, NoticeStates
from communitygate.oversight.permissions import (
    access_notice,
    access_order,
    can_draft_notices,
    notices_visible_to,
    orders_visible_to,
    reaches_supervision_pages,
    sees_every_violation,
    violations_visible_to,
)
from communitygate.oversight.selectors import (
    department_choices,
    notice_candidates,
    notice_orders,
    notice_publish_outlook,
    notice_violations,
    notices_in_progress,
    notices_listed,
    order_evidence_of,
    orders_filtered,
    overdue_orders_to_name,
    published_corrections,
    published_notices,
    supervision_office_choices,
)
from communitygate.oversight.services.notices import (
    notice_approve,
    notice_draft,
    notice_publish,
    notice_return,
    notice_withdraw,
    order_accept,
    order_respond,
    order_return,
)
from communitygate.oversight.views.common import file_download, page_of
from communitygate.oversight.workflow import NOTICE, ORDER

# Notices -----------------------------------------------------------------------------------------


@only_for(reaches_supervision_pages)
def notice_list(request: HttpRequest) -> HttpResponse:
    """Notices in progress (the district's overseers), then every notice the person sees."""
    user = request.user
    visible = notices_visible_to(user)
    sees_all = sees_every_violation(user)
    return render(
        request,
        "oversight/notice_list.html",
        {
            "in_progress": list(notices_in_progress(visible)) if sees_all else [],
            "page": page_of(
                request,
                notices_listed(
                    visible.exclude(state__in=[NoticeStates.DRAFT, NoticeStates.APPROVED])
                ),
            ),
            "can_draft": can_draft_notices(user),
        },
    )


def _notice_form(request: HttpRequest) -> NoticeForm:
    initial = {}
    wanted = request.GET.get("violation", "")
    if wanted.isdigit():
        initial["violations"] = [wanted]
    candidates = [
        (
            str(v.pk),
            f"#{v.pk} {v.department.name if v.department else '—'} · "
            f"{v.get_source_display()} · {v.summary[:80]}",
        )
        for v in notice_candidates()
    ]
    overdue = [
        (
            str(o.pk),
            f"{o.notice.number} · {o.department.name} · "
            + _("due %(date)s") % {"date": date_format(o.due_on, "DATE_FORMAT")},
        )
        for o in overdue_orders_to_name()
    ]
    published = [(str(n.pk), f"{n.number} {n.title}") for n in published_notices()]
    form = NoticeForm(
        request.POST or None,
        offices=supervision_office_choices(supervision_office_ids(request.user)),
        violations=candidates,
        overdue_orders=overdue,
        published=published,
    )
    if initial and not form.is_bound:
        form.initial.update(initial)
    return form


@only_for(can_draft_notices)
@replay_on_resubmit
def notice_new(request: HttpRequest) -> HttpResponse:
    form = _notice_form(request)
    if request.method == "POST" and form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: reverse(
                "oversight:notice",
                args=[notice_draft(actor=request.user, request=form.notice_request()).pk],
            ),
            success=_("Notice drafted. The head of a supervision office approves it."),
            back=reverse("oversight:notices"),
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return render(request, "oversight/notice_form.html", {"form": form})


@only_for(reaches_supervision_pages)
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice = access_notice(user, notice_id)
    orders = notice_orders(notice, orders_visible_to(user))
    return render(
        request,
        "oversight/notice_detail.html",
        {
            "notice": notice,
            "violations": notice_violations(notice, violations_visible_to(user)),
            "departments": list(notice.departments.order_by("code")),
            "overdue_orders": list(notice.overdue_orders.select_related("department", "notice")),
            "orders": orders,
            "corrections": list(published_corrections(notice)),
            "actions": NOTICE.actions_for(user, notice),
        },
    )


# Publishing asks first and says what it did (_notice_publish); the other steps run directly.
NOTICE_STEPS = {
    "approve": (
        lambda request, notice: notice_approve(actor=request.user, notice=notice),
        gettext_lazy("Notice approved. It can be published now."),
    ),
    "return": (
        lambda request, notice: notice_return(
            actor=request.user, notice=notice, reason=request.POST.get("reason", "")
        ),
        gettext_lazy("Notice returned to its drafter."),
    ),
    "withdraw": (
        lambda request, notice: notice_withdraw(
            actor=request.user, notice=notice, reason=request.POST.get("reason", "")
        ),
        gettext_lazy("Notice withdrawn."),
    ),
}


@only_for(reaches_supervision_pages)
@require_POST
def notice_step(request: HttpRequest, notice_id: int, action: str) -> HttpResponse:
    notice = access_notice(request.user, notice_id)
    if action == "publish":
        return _notice_publish(request, notice)
    act, done = NOTICE_STEPS[action]
    return run_step(
        request,
        lambda: act(request, notice),
        back=reverse("oversight:notice", args=[notice.pk]),
        done=str(done),
    )


def _notice_publish(request: HttpRequest, notice: Notice) -> HttpResponse:
    """Publishing is final and orders the departments named to correct: first a confirmation
    page naming them and the deadline (http.confirm), then the step and a sentence saying so."""
    back = reverse("oversight:notice", args=[notice.pk])
    NOTICE.authorise(request.user, notice, "publish")  # only who may publish is asked (else 403)
    outlook = notice_publish_outlook(notice, clock.today())
    words = {
        "title": notice.title,
        "departments": _(", ").join(department.name for department in outlook.departments)
        or _("no department"),
        "date": date_format(outlook.due_on, "DATE_FORMAT"),
    }
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Publish the notice “%(title)s”?") % words,
            facts=[
                _("Departments named: %(departments)s.") % words,
                _("Each of them gets a correction order due on %(date)s.") % words
                if outlook.departments
                else _("No department is named: no correction order is issued."),
                _("The notice becomes public and final; a mistake is corrected by a new notice."),
            ],
            action=reverse("oversight:notice_publish", args=[notice.pk]),
            back=back,
            button=_("Yes, publish the notice"),
        )

    try:
        published = notice_publish(actor=request.user, notice=notice)
    except RuleBroken as broken:
        rule_broken_to_messages(request, broken)
        return redirect(back)
    words["number"] = published.number or ""
    if outlook.departments:
        done = _(
            "Notice %(number)s is published; correction orders went to %(departments)s, "
            "due on %(date)s."
        )
    else:
        done = _("Notice %(number)s is published; it names no department.")
    messages.success(request, done % words)
    return redirect(back)


# Correction orders -------------------------------------------------------------------------------


@only_for(reaches_supervision_pages)
def order_list(request: HttpRequest) -> HttpResponse:
    """A department's own orders; every order for the district's overseers; by department and
    state."""
    form = OrderFilterForm(request.GET or None, departments=department_choices())
    visible = orders_visible_to(request.user)
    if form.is_bound and not form.is_valid():
        rows = visible.none()
    else:
        data = form.cleaned_data if form.is_bound else {}
        rows = orders_filtered(
            visible, data.get("state") or "", department=data.get("department") or ""
        )
    return render(
        request,
        "oversight/order_list.html",
        {"form": form, "page": page_of(request, rows), "today": clock.today()},
    )


def _order_page(
    request: HttpRequest,
    order: CorrectionOrder,
    *,
    respond_form: RespondForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "oversight/order_detail.html",
        {
            "order": order,
            "violations": list(order.violations.select_related("department").order_by("pk")),
            "evidence": list(order.evidence.order_by("pk")),
            "actions": ORDER.actions_for(request.user, order),
            "respond_form": respond_form or RespondForm(),
            "today": clock.today(),
        },
    )


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_page(request, access_order(request.user, order_id))


@login_required
@require_POST
@replay_on_resubmit
def order_respond_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = access_order(request.user, order_id)
    ORDER.authorise(request.user, order, "respond")  # the department's; 403 for anyone else
    form = RespondForm(request.POST, request.FILES)
    back = reverse("oversight:order", args=[order.pk])
    if form.is_valid():

        def respond() -> str:
            order_respond(
                actor=request.user,
                order=order,
                response=form.cleaned_data["response"],
                evidence=form.evidence_files(),
            )
            return back

        answer = run_create(
            request,
            form,
            respond,
            success=_("Correction report sent. The supervision office reviews it."),
            back=back,
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return _order_page(request, order, respond_form=form)


@login_required
@require_POST
def order_step(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    order = access_order(request.user, order_id)
    if action == "accept":
        done = _("Correction accepted: its violations are corrected.")

        def act() -> object:
            return order_accept(actor=request.user, order=order)

    else:
        done = _("Correction report returned to the department.")

        def act() -> object:
            return order_return(
                actor=request.user, order=order, reason=request.POST.get("reason", "")
            )

    return run_step(request, act, back=reverse("oversight:order", args=[order.pk]), done=done)


@login_required
def order_evidence(request: HttpRequest, order_id: int, file_id: int) -> FileResponse:
    order = access_order(request.user, order_id)
    return file_download(order_evidence_of(order, file_id))
