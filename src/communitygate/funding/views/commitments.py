"""Commitments' pages (经费承诺) under /funding/commitments/: the list with its filters and XLSX
export, a commitment with its renewal chain and each period's balances per community, and the
record, renew and end forms. The office, supervision and audit read every commitment (audit and
supervision only read); a paying department's clerks and heads read, record, renew and end its
own; nobody else opens these pages (404)."""

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from communitygate.accounts.permissions import is_office_staff, oversees_district
from communitygate.admissions.models import FundingCommitment
from communitygate.core import clock
from communitygate.core.errors import PermissionDenied
from communitygate.core.periods import Period
from communitygate.core.tabular import xlsx_bytes, xlsx_response
from communitygate.funding.forms.commitments import (
    STATUS_LABELS,
    CommitmentFilterForm,
    CommitmentForm,
    EndForm,
    TermsForm,
)
from communitygate.funding.permissions import (
    access_commitment,
    can_manage_commitment,
    can_record_commitments,
    can_see_commitments,
    commitments_visible_to,
)
from communitygate.funding.selectors import (
    balances,
    commitment_item,
    commitment_status,
    commitments_filtered,
    commitments_listed,
    delegated_item_choices,
    fixed_shares_of,
    payer_choices,
    renewal_chain,
)
from communitygate.funding.services import (
    commitment_end,
    commitment_record,
    commitment_renew,
)
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import page_window
from communitygate.http.steps import run_create

PAGE_SIZE = 50


class Row:
    """A commitment as the list shows it: its item, status and label."""

    def __init__(self, commitment: FundingCommitment, today: dt.date) -> None:
        self.commitment = commitment
        item = commitment_item(commitment)
        self.item_code = item.code if item is not None else ""
        self.item_name = item.name if item is not None else ""
        self.status = commitment_status(commitment, today)
        self.status_label = STATUS_LABELS[self.status]
        self.renewal = getattr(commitment, "renewal", None)


def _filtered(
    request: HttpRequest,
) -> tuple[CommitmentFilterForm, QuerySet[FundingCommitment]]:
    form = CommitmentFilterForm(
        request.GET or None,
        payers=payer_choices(request.user, every=oversees_district(request.user)),
    )
    rows = commitments_listed(
        commitments_filtered(commitments_visible_to(request.user), form.filters(), clock.today())
    )
    return form, rows


@only_for(can_see_commitments)
def commitment_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    count = rows.count()
    window = page_window(request, count, PAGE_SIZE)
    today = clock.today()
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "funding/commitment_list.html",
        {
            "form": form,
            "rows": [Row(c, today) for c in rows[window.offset : window.offset + PAGE_SIZE]],
            "count": count,
            "window": window,
            "query": query.urlencode(),
            "can_record": can_record_commitments(request.user),
        },
    )


@only_for(can_see_commitments)
def commitment_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a workbook (every row, not one page)."""
    _form, rows = _filtered(request)
    today = clock.today()
    headers = [
        _("ID"),
        _("Item code"),
        _("Item"),
        _("Payer"),
        _("Budget line"),
        _("Allocation basis"),
        _("Amount (yuan)"),
        _("Period start"),
        _("Period end"),
        _("Ended on"),
        _("Status"),
        _("Renews"),
    ]

    def lines() -> Iterator[list[object]]:
        for commitment in rows:
            row = Row(commitment, today)
            yield [
                commitment.pk,
                row.item_code,
                row.item_name,
                commitment.payer.name,
                commitment.budget_line,
                commitment.get_basis_display(),
                commitment.amount_per_community_per_year,
                commitment.period_start,
                commitment.period_end,
                commitment.ended_on,
                str(row.status_label),
                commitment.renews_id,
            ]

    content, _count = xlsx_bytes(_("Funding commitments"), headers, lines())
    return xlsx_response(content, f"commitments-{today.isoformat()}.xlsx")


def _periods_of(commitment: FundingCommitment, today: dt.date) -> Period:
    end = commitment.effective_end or dt.date(today.year, 12, 31)
    return Period(commitment.period_start, max(end, commitment.period_start), "")


@only_for(can_see_commitments)
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment(request.user, commitment_id)
    today = clock.today()
    chain = [
        (link, Row(link, today), link.pk == commitment.pk) for link in renewal_chain(commitment)
    ]
    rows = balances(
        user=request.user,
        period=_periods_of(commitment, today),
        commitment_ids=[commitment.pk],
        today=today,
    )
    manage = can_manage_commitment(request.user, commitment)
    row = Row(commitment, today)
    return render(
        request,
        "funding/commitment_detail.html",
        {
            "commitment": commitment,
            "row": row,
            "chain": chain,
            "balances": rows,
            "fixed_shares": fixed_shares_of(commitment),
            "may_renew": manage
            and commitment.ended_on is None
            and row.renewal is None
            and commitment.period_end is not None,
            "may_end": manage
            and commitment.ended_on is None
            and row.renewal is None
            and row.status not in ("lapsed", "ended"),
        },
    )


@only_for(can_record_commitments)
@replay_on_resubmit
def commitment_new(request: HttpRequest) -> HttpResponse:
    form = CommitmentForm(
        request.POST or None,
        items=delegated_item_choices(),
        payers=payer_choices(request.user, every=is_office_staff(request.user)),
    )
    answer = run_create(
        request,
        form,
        lambda: commitment_record(actor=request.user, request=form.commitment_request()),
        success=_("Commitment recorded."),
        redirect_to=lambda c: reverse("funding:commitment", args=[c.pk]),
    )
    if answer is not None:
        return answer
    return render(
        request, "funding/commitment_form.html", {"form": form, "title": _("Record a commitment")}
    )


def _managed(request: HttpRequest, commitment_id: int) -> FundingCommitment:
    commitment = access_commitment(request.user, commitment_id)
    if not can_manage_commitment(request.user, commitment):
        raise PermissionDenied(
            "只有委员会办公室或出资部门可以续签或终止经费承诺。",
            "Only the committee office or the paying department renews or ends a commitment.",
        )
    return commitment


@only_for(can_see_commitments)
@replay_on_resubmit
def commitment_renew_page(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _managed(request, commitment_id)
    initial = {
        "amount": f"{commitment.amount_per_community_per_year}",
        "budget_line": commitment.budget_line,
        "basis": commitment.basis,
        "shares": "\n".join(f"{s.community.code} {s.amount}" for s in fixed_shares_of(commitment)),
    }
    form = TermsForm(request.POST or None, initial=initial)
    back = reverse("funding:commitment", args=[commitment.pk])
    answer = run_create(
        request,
        form,
        lambda: commitment_renew(actor=request.user, commitment=commitment, terms=form.terms()),
        success=_("Commitment renewed: a new record from the day after this one ends."),
        redirect_to=lambda c: reverse("funding:commitment", args=[c.pk]),
        back=back,
    )
    if answer is not None:
        return answer
    return render(
        request,
        "funding/commitment_form.html",
        {"form": form, "title": _("Renew the commitment"), "commitment": commitment},
    )


@only_for(can_see_commitments)
@replay_on_resubmit
def commitment_end_page(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _managed(request, commitment_id)
    form = EndForm(request.POST or None, initial={"ended_on": clock.today()})
    back = reverse("funding:commitment", args=[commitment.pk])
    answer = run_create(
        request,
        form,
        lambda: commitment_end(
            actor=request.user,
            commitment=commitment,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("Commitment ended. The gate refuses new delegated tasks after its last day."),
        redirect_to=lambda c: reverse("funding:commitment", args=[c.pk]),
        back=back,
    )
    if answer is not None:
        return answer
    return render(
        request,
        "funding/commitment_form.html",
        {"form": form, "title": _("End the commitment"), "commitment": commitment},
    )
