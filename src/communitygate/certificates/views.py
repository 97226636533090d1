"""Pages of certificates (证明开具), under /residents/certificates/.

A community's staff record each request and print what they issued; a request for a certificate
a community may not issue is recorded as turned away, and the page answers with the list's
reason and the office that issues it instead. A subdistrict's officers read their communities'
lists. Residents' ID numbers show masked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communitygate.accounts.permissions import works_in_a_community
from communitygate.certificates.forms import CertificateRequestForm
from communitygate.certificates.models import CertificateOutcomes, CertificateRequest
from communitygate.certificates.selectors import (
    CertificateFilters,
    access_certificate,
    certificate_choices,
    certificate_list,
)
from communitygate.certificates.services import certificate_print, certificate_request_record
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.steps import run_create
from communitygate.registry.permissions import communities_staffed_by, sees_residents, works_in

LIST_LIMIT = 300


def _year(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@only_for(sees_residents)
@require_GET
def certificate_list_page(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("outcome", "")
    filters = CertificateFilters(
        community=request.GET.get("community", ""),
        outcome=outcome if outcome in CertificateOutcomes.values else "",
        year=_year(request.GET.get("year", "")),
    )
    requests = certificate_list(request.user, filters)
    rows = list(requests[:LIST_LIMIT])
    return render(
        request,
        "certificates/list.html",
        {
            "rows": rows,
            "count": requests.count() if len(rows) == LIST_LIMIT else len(rows),
            "filters": filters,
            "outcomes": CertificateOutcomes.choices,
            "can_create": works_in_a_community(request.user),
        },
    )


def _done(made: CertificateRequest) -> str:
    if made.outcome == CertificateOutcomes.ISSUED:
        return _("Certificate %(number)s issued.") % {"number": made.number}
    return _("Turned away: a community may not issue this certificate.")


@only_for(works_in_a_community)
@replay_on_resubmit
def certificate_new(request: HttpRequest) -> HttpResponse:
    communities = {c.code: c for c in communities_staffed_by(request.user).order_by("path")}
    form = CertificateRequestForm(
        request.POST or None,
        communities=[(code, c.name) for code, c in communities.items()],
        rules=certificate_choices(),
    )
    created = run_create(
        request,
        form,
        lambda: certificate_request_record(
            actor=request.user,
            community=communities[form.cleaned_data["community"]],
            asked=form.asked(),
        ),
        success=_done,
        redirect_to=lambda made: reverse("certificates:detail", args=[made.pk]),
    )
    return created or render(request, "certificates/form.html", {"form": form})


@only_for(sees_residents)
@require_GET
def certificate_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    made = access_certificate(request.user, request_id)
    return render(
        request,
        "certificates/detail.html",
        {
            "made": made,
            "issued": made.outcome == CertificateOutcomes.ISSUED,
            "can_print": works_in(request.user, made.community_id),
        },
    )


@only_for(works_in_a_community)
@require_GET
def certificate_pdf_view(request: HttpRequest, request_id: int) -> HttpResponse:
    made = access_certificate(request.user, request_id)
    content = certificate_print(actor=request.user, request=made)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{made.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("certificates/", certificate_list_page, name="list"),
    path("certificates/new/", certificate_new, name="new"),
    path("certificates/<int:request_id>/", certificate_detail, name="detail"),
    path("certificates/<int:request_id>/certificate.pdf", certificate_pdf_view, name="pdf"),
]
