"""Pages: dispute mediation (矛盾纠纷调解). A community's staff record disputes, add parties and
sessions and conclude them; the subdistrict reads its communities' disputes. The agreement
prints as a PDF; each download is audited. Phones show masked only. The forms that create
something carry a one-time token: a double submit records once (`http.formtokens`).

Views parse input, fetch through the access helpers, call one service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communitygate.accounts.permissions import staffed_community_ids, works_in_a_community
from communitygate.core import clock
from communitygate.disputes.forms.disputes import (
    ConcludeForm,
    DisputeFilterForm,
    DisputeForm,
    PartyForm,
    SessionForm,
)
from communitygate.disputes.models import DisputeKinds, DisputeOutcomes
from communitygate.disputes.selectors.disputes import access_dispute, dispute_list, dispute_record
from communitygate.disputes.services.disputes import (
    dispute_add_party,
    dispute_agreement_print,
    dispute_conclude,
    dispute_open,
    mediation_session_add,
)
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import (
    form_errors_to_messages,
)
from communitygate.http.steps import run_create, run_step
from communitygate.registry.permissions import communities_staffed_by, works_in

LIST_LIMIT = 300


@login_required
@require_GET
def dispute_list_page(request: HttpRequest) -> HttpResponse:
    filters = DisputeFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    disputes = list(
        dispute_list(
            request.user,
            outcome=chosen.get("outcome", ""),
            kind=chosen.get("kind", ""),
            open_only=chosen.get("open", False),
        )[:LIST_LIMIT]
    )
    return render(
        request,
        "disputes/dispute_list.html",
        {
            "disputes": disputes,
            "filters": filters,
            "can_open": bool(staffed_community_ids(request.user)),
            "kinds": DisputeKinds.choices,
            "outcomes": DisputeOutcomes.choices,
        },
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def dispute_new(request: HttpRequest) -> HttpResponse:
    communities = {c.code: c for c in communities_staffed_by(request.user).order_by("path")}
    form = DisputeForm(
        request.POST or None, communities=[(code, c.name) for code, c in communities.items()]
    )
    created = run_create(
        request,
        form,
        lambda: dispute_open(
            actor=request.user,
            community=communities[form.cleaned_data["community"]],
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            facts=form.cleaned_data["facts"],
            parties=form.parties(),
        ),
        success=_("Dispute recorded."),
        redirect_to=lambda dispute: reverse("disputes:dispute", args=[dispute.pk]),
    )
    return created or render(request, "disputes/dispute_form.html", {"form": form})


@login_required
@require_GET
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = access_dispute(request.user, dispute_id)
    can_act = works_in(request.user, dispute.community_id)
    concluded = bool(dispute.outcome)
    return render(
        request,
        "disputes/dispute_detail.html",
        {
            "record": dispute_record(dispute),
            "dispute": dispute,
            "can_act": can_act and not concluded,
            "party_form": PartyForm(),
            "session_form": SessionForm(initial={"held_on": clock.today()}),
            "conclude_form": ConcludeForm(initial={"outcome_on": clock.today()}),
            "has_agreement": dispute.outcome == DisputeOutcomes.AGREEMENT,
        },
    )


def _act(
    request: HttpRequest, dispute_id: int, form_class: type, act: object, done: str
) -> HttpResponse:
    """The three actions share one shape: fetch (404), parse, run the step (403 when the
    person may not act), back to the dispute."""
    dispute = access_dispute(request.user, dispute_id)
    back = reverse("disputes:dispute", args=[dispute.pk])
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    return run_step(
        request,
        lambda: act(dispute, form),  # type: ignore[operator]
        back=back,
        done=done,
    )


@login_required
@require_POST
@replay_on_resubmit
def dispute_party_add(request: HttpRequest, dispute_id: int) -> HttpResponse:
    return _act(
        request,
        dispute_id,
        PartyForm,
        lambda dispute, form: dispute_add_party(
            actor=request.user, dispute=dispute, party=form.party()
        ),
        _("The party is added to the dispute."),
    )


@login_required
@require_POST
@replay_on_resubmit
def dispute_session_add(request: HttpRequest, dispute_id: int) -> HttpResponse:
    return _act(
        request,
        dispute_id,
        SessionForm,
        lambda dispute, form: mediation_session_add(
            actor=request.user, dispute=dispute, **form.cleaned_data
        ),
        _("The mediation session is recorded."),
    )


@login_required
@require_POST
def dispute_conclude_page(request: HttpRequest, dispute_id: int) -> HttpResponse:
    return _act(
        request,
        dispute_id,
        ConcludeForm,
        lambda dispute, form: dispute_conclude(
            actor=request.user, dispute=dispute, **form.cleaned_data
        ),
        _("The dispute is concluded and its outcome recorded."),
    )


@login_required
@require_GET
def dispute_agreement_pdf(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = access_dispute(request.user, dispute_id)
    content = dispute_agreement_print(actor=request.user, dispute=dispute)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{dispute.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("disputes/", dispute_list_page, name="disputes"),
    path("disputes/new/", dispute_new, name="dispute_new"),
    path("disputes/<int:dispute_id>/", dispute_detail, name="dispute"),
    path("disputes/<int:dispute_id>/parties/", dispute_party_add, name="dispute_party_add"),
    path("disputes/<int:dispute_id>/sessions/", dispute_session_add, name="dispute_session_add"),
    path("disputes/<int:dispute_id>/conclude/", dispute_conclude_page, name="dispute_conclude"),
    path(
        "disputes/<int:dispute_id>/agreement.pdf",
        dispute_agreement_pdf,
        name="dispute_agreement",
    ),
]
