"""The auditor's workspace (审计工作台, /audit/workspace/) and the anomalies (/audit/anomalies/,
its XLSX at /audit/anomalies/export/): read-only pages for the audit bureau
(auditing.permissions.can_read_anomalies; 404 for everyone else, as for a missing page). The
money itself is read on the funding pages (/funding/commitments/, /funding/payments/,
/funding/balances/) and the contracts' (/contracts/), which the auditor reads like the office."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communitygate.auditing.anomalies import (
    AnomalyFilters,
    anomalies_found,
    anomaly_counts,
)
from communitygate.auditing.exports import anomalies_xlsx
from communitygate.auditing.forms import AnomalyFilterForm
from communitygate.auditing.permissions import can_read_anomalies
from communitygate.core import clock
from communitygate.core.tabular import xlsx_response
from communitygate.http.guards import only_for
from communitygate.http.pages import page_window

PAGE_SIZE = 50

# The money pages, built beside this app (funding, contracts): plain paths, so the workspace
# does not depend on their route names.
MONEY_PAGES = (
    ("commitments", "/funding/commitments/"),
    ("payments", "/funding/payments/"),
    ("balances", "/funding/balances/"),
    ("contracts", "/contracts/"),
)


@only_for(can_read_anomalies)
def workspace(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    found = anomalies_found(AnomalyFilters(), today)
    return render(
        request,
        "auditing/workspace.html",
        {"counts": anomaly_counts(found), "total": len(found), "money_pages": MONEY_PAGES},
    )


def _filtered(request: HttpRequest) -> tuple[AnomalyFilterForm, AnomalyFilters | None]:
    """The form, and its filters (None while a filter does not read: then no rows, never the
    unfiltered list in place of the one asked for)."""
    form = AnomalyFilterForm(request.GET or None)
    if not form.is_bound:
        return form, AnomalyFilters()
    return form, form.filters() if form.is_valid() else None


@only_for(can_read_anomalies)
def anomaly_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form, filters = _filtered(request)
    found = anomalies_found(filters, today) if filters is not None else []
    window = page_window(request, len(found), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("offset", None)
    rows = found[window.offset : window.offset + PAGE_SIZE]
    return render(
        request,
        "auditing/anomaly_list.html",
        {
            "form": form,
            "rows": [(a, a.days_since(today)) for a in rows],
            "count": len(found),
            "window": window,
            "query": query.urlencode(),
        },
    )


@only_for(can_read_anomalies)
def anomaly_export(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form, filters = _filtered(request)
    if filters is None:
        return render(
            request,
            "auditing/anomaly_list.html",
            {"form": form, "rows": [], "count": 0, "window": page_window(request, 0, 1)},
            status=422,
        )
    content = anomalies_xlsx(anomalies_found(filters, today), today)
    return xlsx_response(content, f"anomalies-{today:%Y%m%d}.xlsx")
