"""The purchase-of-services pages under /contracts/ (购买服务): the list with its filters and XLSX
export (for a social organisation, also the work redirected to it, the deliverables due and the
instalments received), a contract with its buttons per state and role, the draft form (from
scratch or from a redirected application), and the department's refused work with the
"转由购买服务承接" form."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import department_staff_ids, social_org_staff_ids
from communitygate.catalog.selectors import working_item_choices
from communitygate.contracts.forms import (
    AcceptForm,
    ContractFilterForm,
    ContractForm,
    DeliverableForm,
    InstalmentForm,
    ReasonForm,
    RedirectForm,
    SignForm,
)
from communitygate.contracts.models import Contract, ContractStates, DeliverableStates
from communitygate.contracts.permissions import (
    access_contract,
    access_deliverable,
    access_deliverable_file,
    access_instalment,
    can_buy_services,
    contracts_visible_to,
    is_buyer_of,
    reaches_contract_pages,
    redirected_work_visible_to,
)
from communitygate.contracts.selectors import (
    ContractFilters,
    buyer_choices,
    buyer_choices_of,
    community_choices,
    contract_deliverables,
    contract_export_rows,
    contract_instalments,
    contract_redirected_work,
    contracts_listed,
    deliverables_due,
    instalments_of,
    redirectable_application,
    redirectable_applications,
    redirected_work_listed,
    refused_assignments_of,
    signed_contracts_by_community,
    social_org_choices,
)
from communitygate.contracts.services import (
    contract_accept,
    contract_draft,
    contract_request_from_application,
    contract_sign,
    contract_terminate,
    deliverable_submit,
    instalment_confirm_receipt,
    instalment_record,
    paid_under,
    work_redirect,
)
from communitygate.contracts.workflow import CONTRACT, DELIVERABLE, INSTALMENT
from communitygate.core import clock
from communitygate.core.errors import PermissionDenied
from communitygate.core.tabular import xlsx_bytes, xlsx_response
from communitygate.dispatch.permissions import access_assignment
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import form_errors_to_messages, page_window
from communitygate.http.steps import run_create, run_step

PAGE_SIZE = 50
SIDE_LIST = 20


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, how many there are in all, and the pager's links."""

    rows: list[Any]
    count: int
    previous_offset: int | None
    next_offset: int | None
    query: str


def page_of(request: HttpRequest, rows: QuerySet[Any], size: int = PAGE_SIZE) -> Page:
    """The page `?offset=` asks for: two queries (the count and the page)."""
    count = rows.count()
    window = page_window(request, count, size)
    query = request.GET.copy()
    query.pop("offset", None)
    return Page(
        rows=list(rows[window.offset : window.offset + size]),
        count=count,
        previous_offset=window.previous_offset,
        next_offset=window.next_offset,
        query=query.urlencode(),
    )


def _filters(request: HttpRequest) -> tuple[ContractFilterForm, ContractFilters | None]:
    form = ContractFilterForm(
        request.GET or None, buyers=buyer_choices(), social_orgs=social_org_choices()
    )
    if not form.is_bound:
        return form, ContractFilters()
    if not form.is_valid():
        return form, None  # never the unfiltered list in place of the one asked for
    data = form.cleaned_data
    return form, ContractFilters(
        buyer=data["buyer"] or "",
        social_org=data["social_org"] or "",
        state=data["state"] or "",
        year=data["year"],
    )


@only_for(reaches_contract_pages)
def contract_list(request: HttpRequest) -> HttpResponse:
    """购买服务: the contracts the person sees, filtered; a social organisation's staff also see
    the work redirected to them, the deliverables due and the instalments received; a buyer the
    redirected applications still waiting for a contract."""
    user = request.user
    form, filters = _filters(request)
    visible = contracts_visible_to(user)
    rows = contracts_listed(visible, filters) if filters else visible.none()
    context: dict[str, Any] = {
        "form": form,
        "page": page_of(request, rows),
        "can_buy": can_buy_services(user),
        "is_social_org": bool(social_org_staff_ids(user)),
        "export_query": request.GET.urlencode(),
    }
    if context["is_social_org"]:
        own = visible.filter(social_org_id__in=social_org_staff_ids(user))
        context["redirected"] = list(
            redirected_work_listed(redirected_work_visible_to(user))[:SIDE_LIST]
        )
        context["due"] = list(deliverables_due(own)[:SIDE_LIST])
        context["instalments"] = list(instalments_of(own)[:SIDE_LIST])
    if department_staff_ids(user):
        context["applications"] = list(redirectable_applications(user)[:SIDE_LIST])
    return render(request, "contracts/contract_list.html", context)


@only_for(reaches_contract_pages)
def contract_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as an XLSX file."""
    _form, filters = _filters(request)
    visible = contracts_visible_to(request.user)
    rows = contracts_listed(visible, filters) if filters else visible.none()
    headers = [
        _("Contract number"),
        _("Title"),
        _("Buyer"),
        _("Social organisation"),
        _("State"),
        _("Period from"),
        _("Period to"),
        _("Amount (yuan)"),
        _("Paid (yuan)"),
        _("Evaluation"),
    ]
    content, _count = xlsx_bytes(_("Service contracts"), headers, contract_export_rows(rows))
    return xlsx_response(content, f"contracts-{clock.today().isoformat()}.xlsx")


def _contract_form(request: HttpRequest, initial: dict[str, Any] | None = None) -> ContractForm:
    return ContractForm(
        request.POST or None,
        initial=initial,
        buyers=buyer_choices_of(request.user),
        social_orgs=social_org_choices(),
        communities=community_choices(),
        items=working_item_choices(),
    )


@only_for(can_buy_services)
@replay_on_resubmit
def contract_new(request: HttpRequest) -> HttpResponse:
    """Draft a contract; `?application=` a redirected application of the person's department
    fills the form from it."""
    initial = None
    application = None
    asked = request.GET.get("application", "")
    if asked.isdigit():
        application = redirectable_application(request.user, int(asked))
        if application is not None:
            prefilled = contract_request_from_application(application)
            initial = {**ContractForm.initial_from(prefilled), "buyer": application.applicant.code}
    form = _contract_form(request, initial)
    if request.method == "POST" and form.is_valid():
        answer = run_create(
            request,
            form,
            lambda: reverse(
                "contracts:contract",
                args=[contract_draft(actor=request.user, request=form.contract_request()).pk],
            ),
            success=_("Contract drafted. Sign it once both parties have signed on paper."),
            redirect_to=str,
        )
        if answer is not None:
            return answer
    return render(
        request, "contracts/contract_form.html", {"form": form, "application": application}
    )


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    user = request.user
    contract = access_contract(user, contract_id)
    deliverables = contract_deliverables(contract)
    instalments = contract_instalments(contract)
    buyer = is_buyer_of(user, contract)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "paid": paid_under(contract),
            "communities": list(contract.communities.order_by("code")),
            "items": list(contract.catalog_items.order_by("code")),
            "deliverables": [
                (d, DELIVERABLE.allows(user, _with(d, contract), "submit")) for d in deliverables
            ],
            "instalments": [
                (i, INSTALMENT.allows(user, _with(i, contract), "confirm")) for i in instalments
            ],
            "redirected": contract_redirected_work(contract),
            "actions": CONTRACT.actions_for(user, contract),
            "can_pay": buyer and contract.state in (ContractStates.SIGNED, ContractStates.ACCEPTED),
            "all_in": all(d.state == DeliverableStates.SUBMITTED for d in deliverables),
            "sign_form": SignForm(initial={"signed_on": clock.today()}),
            "reason_form": ReasonForm(),
            "accept_form": AcceptForm(),
            "instalment_form": InstalmentForm(initial={"paid_on": clock.today()}),
            "deliverable_form": DeliverableForm(),
        },
    )


def _with[T](row: T, contract: Contract) -> T:
    """The row with its contract already at hand (no query per row for the table's "who")."""
    row.contract = contract  # type: ignore[attr-defined]
    return row


def _back(contract: Contract) -> str:
    return reverse("contracts:contract", args=[contract.pk])


@login_required
@require_POST
def contract_step(request: HttpRequest, contract_id: int, action: str) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    data = request.POST
    if action == "sign":
        form = SignForm(data)
        CONTRACT.authorise(request.user, contract, "sign")
        if not form.is_valid():
            form_errors_to_messages(request, form)
            return redirect(_back(contract))
        done = _("Contract signed: in force.")

        def act() -> object:
            return contract_sign(
                actor=request.user, contract=contract, signed_on=form.cleaned_data["signed_on"]
            )

    elif action == "terminate":
        done = _("Contract terminated.")

        def act() -> object:
            return contract_terminate(
                actor=request.user, contract=contract, reason=data.get("reason", "")
            )

    else:
        done = _("Acceptance recorded.")

        def act() -> object:
            return contract_accept(
                actor=request.user,
                contract=contract,
                grade=data.get("grade", ""),
                evaluation=data.get("evaluation", ""),
            )

    return run_step(request, act, back=_back(contract), done=done)


@login_required
@require_POST
@replay_on_resubmit
def instalment_new(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    form = InstalmentForm(request.POST)
    if not form.is_valid():
        if not is_buyer_of(request.user, contract):
            raise PermissionDenied(
                "只有购买方可以登记合同付款。", "Only the buyer records the contract's instalments."
            )
        form_errors_to_messages(request, form)
        return redirect(_back(contract))
    return run_step(
        request,
        lambda: instalment_record(
            actor=request.user, contract=contract, request=form.instalment_request()
        ),
        back=_back(contract),
        done=_("Instalment recorded. The social organisation is asked to confirm its receipt."),
    )


@login_required
@require_POST
def instalment_confirm(request: HttpRequest, contract_id: int, instalment_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    instalment = access_instalment(request.user, contract, instalment_id)
    return run_step(
        request,
        lambda: instalment_confirm_receipt(actor=request.user, instalment=instalment),
        back=_back(contract),
        done=_("Receipt confirmed."),
    )


@login_required
@require_POST
def deliverable_hand_in(
    request: HttpRequest, contract_id: int, deliverable_id: int
) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    deliverable = access_deliverable(request.user, contract, deliverable_id)
    form = DeliverableForm(request.POST, request.FILES)
    form.is_valid()
    uploads = form.uploads() if "attachments" in form.cleaned_data else []
    return run_step(
        request,
        lambda: deliverable_submit(
            actor=request.user,
            deliverable=deliverable,
            note=form.cleaned_data.get("note", ""),
            files=uploads,
        ),
        back=_back(contract),
        done=_("Deliverable handed in."),
    )


@login_required
def deliverable_file(request: HttpRequest, contract_id: int, file_id: int) -> FileResponse:
    contract = access_contract(request.user, contract_id)
    attached = access_deliverable_file(request.user, contract, file_id)
    return FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=attached.filename,
        content_type=attached.content_type,
    )


# Refused work -------------------------------------------------------------------------------------


def _is_department_staff(user: Any) -> bool:
    return bool(department_staff_ids(user))


@only_for(_is_department_staff)
def refused_work(request: HttpRequest) -> HttpResponse:
    """The assignments of the department's tasks that communities refused, each with the signed
    contracts serving its community to hand it to (转由购买服务承接)."""
    covering = signed_contracts_by_community(request.user)
    rows = []
    page = page_of(request, refused_assignments_of(request.user))
    for assignment in page.rows:
        choices = [
            (c.pk, f"{c.number} {c.social_org.name}")
            for c in covering.get(assignment.community_id, [])
        ]
        rows.append((assignment, RedirectForm(contracts=choices) if choices else None))
    return render(request, "contracts/refused_work.html", {"page": page, "rows": rows})


@login_required
@require_POST
def redirect_assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    if assignment.task.department_id not in department_staff_ids(request.user):
        raise PermissionDenied(
            "只有派单部门可以将被拒绝的工作转由购买服务承接。",
            "Only the sending department redirects refused work to purchase of services.",
        )
    choices = [
        (c.pk, c.number)
        for c in signed_contracts_by_community(request.user).get(assignment.community_id, [])
    ]
    form = RedirectForm(request.POST, contracts=choices)
    back = reverse("contracts:refused_work")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    contract = access_contract(request.user, form.cleaned_data["contract"])
    return run_step(
        request,
        lambda: work_redirect(
            actor=request.user,
            assignment=assignment,
            contract=contract,
            note=form.cleaned_data["note"],
        ),
        back=back,
        done=_("The work is redirected: the social organisation sees it under its contract."),
    )
