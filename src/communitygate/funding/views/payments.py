"""Payments, receipts and balances as pages (/funding/payments/, /funding/balances/).

Everyone who sees money (funding.permissions.reaches_money_pages) lists the payments within
their reach, filtered and exported as XLSX; a community's staff find first the receipts still to
confirm (待确认到账), a paying department first the disputes still to answer (待答复异议). The
payer's clerk or head records a payment (a one-time form); the receiving community confirms or
disputes its receipt and the payer answers a dispute from the payment's page (http.steps)."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.admissions.models import FundingCommitment
from communitygate.audit.labels import action_label
from communitygate.audit.selectors import audit_events_for
from communitygate.core import clock
from communitygate.core.periods import parse_period
from communitygate.core.tabular import xlsx_response
from communitygate.funding.exports import balances_workbook, payments_workbook
from communitygate.funding.forms.payments import (
    AnswerForm,
    BalanceFilterForm,
    DisputeForm,
    PaymentFilterForm,
    PaymentForm,
)
from communitygate.funding.models import Payment
from communitygate.funding.permissions import (
    access_commitment_to_pay,
    access_payment,
    payments_visible_to,
    reaches_money_pages,
    records_payments,
)
from communitygate.funding.selectors import (
    Balance,
    PaymentFilters,
    balance_totals,
    balances,
    commitments_paid_by,
    disputes_to_answer,
    funded_item_choices,
    owed_so_far,
    payee_choices,
    payer_choices,
    payment_balance,
    payment_item,
    payments_filtered,
    receipts_to_confirm,
    settlement_period_of,
)
from communitygate.funding.services import (
    PaymentRequest,
    payment_answer_dispute,
    payment_confirm_receipt,
    payment_dispute,
    payment_record,
)
from communitygate.funding.workflow import PAYMENT
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import page_window
from communitygate.http.steps import run_create, run_step

PAGE_SIZE = 50
INBOX_SIZE = 20
STEPS = ("confirm", "dispute", "answer")


# Filters ------------------------------------------------------------------------------------------


def _item_choices() -> list[tuple[str, str]]:
    """The items a filter offers: every funded one (an item's code is public; the rows stay
    within the person's reach, so another payer's item answers an empty list)."""
    return funded_item_choices(FundingCommitment.objects.all())


def _payment_filters(request: HttpRequest) -> tuple[PaymentFilterForm, PaymentFilters | None]:
    """The list's filters; None when they have errors (the form shows them): never the
    unfiltered list in place of the one asked for."""
    form = PaymentFilterForm(
        request.GET,
        items=_item_choices(),
        payees=payee_choices(request.user),
        payers=payer_choices(request.user, every=True),
    )
    return form, form.filters() if form.is_valid() else None


# The list, the inboxes and the export -------------------------------------------------------------


@only_for(reaches_money_pages)
def payment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, filters = _payment_filters(request)
    visible = payments_visible_to(user)
    rows = payments_filtered(visible, filters) if filters is not None else visible.none()
    count = rows.count()
    window = page_window(request, count, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("offset", None)
    receipts = receipts_to_confirm(user)
    disputes = disputes_to_answer(user)
    return render(
        request,
        "funding/payment_list.html",
        {
            "form": form,
            "rows": [(p, payment_item(p)) for p in rows[window.offset : window.offset + PAGE_SIZE]],
            "count": count,
            "window": window,
            "query": query.urlencode(),
            "receipts": [(p, payment_item(p)) for p in receipts[:INBOX_SIZE]],
            "disputes": [(p, payment_item(p)) for p in disputes[:INBOX_SIZE]],
        },
    )


@only_for(reaches_money_pages)
def payment_export(request: HttpRequest) -> HttpResponse:
    form, filters = _payment_filters(request)
    if filters is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    content, _count = payments_workbook(
        payments_filtered(payments_visible_to(request.user), filters)
    )
    return xlsx_response(content, f"payments-{clock.today():%Y%m%d}.xlsx")


# A new payment ------------------------------------------------------------------------------------


def _commitment_label(commitment: FundingCommitment) -> str:
    item = commitment.catalog_item or (
        commitment.application.catalog_item if commitment.application else None
    )
    name = f"{item.code} {item.name}" if item is not None else f"#{commitment.pk}"
    until = commitment.period_end.isoformat() if commitment.period_end else "…"
    return (
        f"{name}（{commitment.payer.name}，¥{commitment.amount_per_community_per_year:,.2f}"
        f"/社区/年，{commitment.period_start.isoformat()}–{until}）"
    )


def _payment_form(request: HttpRequest, data: Any = None) -> PaymentForm:
    commitments = [(c.pk, _commitment_label(c)) for c in commitments_paid_by(request.user)]
    return PaymentForm(
        data,
        commitments=commitments,
        payees=payee_choices(request.user),
        initial={"paid_on": clock.today()},
    )


def _period_of(commitment: FundingCommitment, form: PaymentForm) -> tuple[dt.date, dt.date]:
    """The period settled as typed, or by default the settlement period (the commitment's
    calendar year) holding the period's start, else the payment date. A day the commitment does
    not cover is sent as it is, and payment_record says so."""
    data = form.cleaned_data
    day = data.get("period_start") or data["paid_on"]
    period = settlement_period_of(commitment, day)
    start = data.get("period_start") or (period[0] if period else day)
    end = data.get("period_end") or (period[1] if period else day)
    return start, end


def _recorded(request: HttpRequest, form: PaymentForm) -> Payment:
    data = form.cleaned_data
    commitment = access_commitment_to_pay(request.user, data["commitment"])
    start, end = _period_of(commitment, form)
    return payment_record(
        actor=request.user,
        commitment=commitment,
        request=PaymentRequest(
            community_code=data["community"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            voucher_number=data["voucher_number"],
            period_start=start,
            period_end=end,
            beyond_share=bool(data.get("beyond_share")),
            note=data.get("note") or "",
        ),
    )


@only_for(records_payments)
@replay_on_resubmit
def payment_new(request: HttpRequest) -> HttpResponse:
    form = _payment_form(request, request.POST if request.method == "POST" else None)
    answer = run_create(
        request,
        form,
        lambda: _recorded(request, form),
        success=_("Payment recorded. The community is asked to confirm its receipt."),
        redirect_to=lambda payment: reverse("funding:payment", args=[payment.pk]),
    )
    if answer is not None:
        return answer
    return render(request, "funding/payment_form.html", {"form": form})


# One payment and its steps ------------------------------------------------------------------------


@login_required
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    user = request.user
    payment = access_payment(user, payment_id)
    events = audit_events_for(object_type="funding.payment", object_id=str(payment.pk))
    return render(
        request,
        "funding/payment_detail.html",
        {
            "payment": payment,
            "item": payment_item(payment),
            "balance": payment_balance(user, payment),
            "history": [(e, action_label(e.action)) for e in events],
            "actions": PAYMENT.actions_for(user, payment),
            "dispute_form": DisputeForm(),
            "answer_form": AnswerForm(),
        },
    )


def _step(request: HttpRequest, payment: Payment, action: str) -> None:
    user = request.user
    if action == "confirm":
        payment_confirm_receipt(actor=user, payment=payment)
    elif action == "dispute":
        payment_dispute(actor=user, payment=payment, reason=request.POST.get("reason", ""))
    else:
        payment_answer_dispute(actor=user, payment=payment, answer=request.POST.get("answer", ""))


DONE = {
    "confirm": _("Receipt confirmed."),
    "dispute": _("Receipt disputed. The payer is asked to answer."),
    "answer": _("Answer sent. The community is asked to confirm its receipt again."),
}


@login_required
@require_POST
def payment_step(request: HttpRequest, payment_id: int, action: str) -> HttpResponse:
    """Confirm or dispute a receipt (the receiving community), answer a dispute (the payer). The
    URL names one of `STEPS`, so there is no other."""
    payment = access_payment(request.user, payment_id)
    PAYMENT.authorise(request.user, payment, action)  # who may not: the 403 page, not a message
    return run_step(
        request,
        lambda: _step(request, payment, action),
        back=reverse("funding:payment", args=[payment.pk]),
        done=str(DONE[action]),
    )


# Balances -----------------------------------------------------------------------------------------


def _balances(request: HttpRequest) -> tuple[BalanceFilterForm, list[Balance] | None, Any]:
    form = BalanceFilterForm(
        request.GET,
        items=_item_choices(),
        communities=payee_choices(request.user),
        payers=payer_choices(request.user, every=True),
    )
    if not form.is_valid():
        return form, None, None
    today = clock.today()
    standing = form.cleaned_data.get("show") or ""
    period = form.cleaned_data.get("period") or (
        owed_so_far(today) if standing else parse_period("", today=today)
    )
    rows = balances(
        user=request.user,
        period=period,
        item_code=form.cleaned_data.get("item") or "",
        community_code=form.cleaned_data.get("community") or "",
        today=today,
        payer_code=form.cleaned_data.get("payer") or "",
        standing=standing,
    )
    return form, rows, period


@only_for(reaches_money_pages)
def balance_list(request: HttpRequest) -> HttpResponse:
    """Committed share, paid, confirmed and outstanding per item, community and settlement
    period, with a totals row; overdue shares marked."""
    form, rows, period = _balances(request)
    return render(
        request,
        "funding/balance_list.html",
        {
            "form": form,
            "rows": rows or [],
            "totals": balance_totals(rows or []),
            "period": period,
            "query": request.GET.urlencode(),
        },
    )


@only_for(reaches_money_pages)
def balance_export(request: HttpRequest) -> HttpResponse:
    form, rows, _period = _balances(request)
    if rows is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    content, _count = balances_workbook(rows, balance_totals(rows))
    return xlsx_response(content, f"balances-{clock.today():%Y%m%d}.xlsx")
