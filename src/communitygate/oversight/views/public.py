"""The public's pages (no sign-in): published district-wide notices, each as a page and as a
printable PDF laid out as an official notice, and the departments' scorecard (部门执行情况) for
a period, as a table, an XLSX export and a page per department. Counts and published text
only: no person is named."""

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communitygate.core import clock
from communitygate.core.errors import InvalidInput
from communitygate.core.periods import Period, parse_period
from communitygate.core.tabular import xlsx_response
from communitygate.http.pages import rule_broken_to_form
from communitygate.orgs.models import OrganisationKinds
from communitygate.orgs.selectors import organisation_of_kind
from communitygate.oversight.exports import scorecard_xlsx
from communitygate.oversight.forms import PeriodForm
from communitygate.oversight.printing import issuing_office_name, notice_pdf
from communitygate.oversight.selectors import (
    notice_orders,
    notices_naming,
    open_orders_of,
    published_corrections,
    published_notice,
    published_notices,
    scorecard,
)
from communitygate.oversight.views.common import page_of

# Published notices ---------------------------------------------------------------------------------


def notices_public(request: HttpRequest) -> HttpResponse:
    return render(
        request, "oversight/public_notices.html", {"page": page_of(request, published_notices())}
    )


def notice_public(request: HttpRequest, number: str) -> HttpResponse:
    notice = published_notice(number)
    orders = notice_orders(notice)
    return render(
        request,
        "oversight/public_notice.html",
        {
            "notice": notice,
            "office": issuing_office_name(notice.office),
            "orders": orders,
            "due_on": orders[0].due_on if orders else None,
            "corrections": list(published_corrections(notice)),
        },
    )


def notice_public_pdf(request: HttpRequest, number: str) -> HttpResponse:
    notice = published_notice(number)
    content = notice_pdf(notice, notice_orders(notice))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'{number}.pdf')}"
    return response


# The scorecard -----------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    """The period asked for (this year so far when none is), or None with the problem beside
    the form's field."""
    form = PeriodForm(request.GET or None)
    text = request.GET.get("period", "")
    try:
        return form, parse_period(text, today=clock.today())
    except InvalidInput as broken:
        form.is_valid()
        rule_broken_to_form(form, broken)
        return form, None


def scorecard_page(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    return render(
        request,
        "oversight/scorecard.html",
        {"form": form, "period": period, "rows": scorecard(period) if period else []},
    )


def scorecard_export(request: HttpRequest) -> HttpResponse:
    """The scorecard as a workbook; a period that cannot be read is the 422 page, never another
    period's figures."""
    period = parse_period(request.GET.get("period", ""), today=clock.today())
    return xlsx_response(scorecard_xlsx(period, scorecard(period)), f"scorecard-{period.text}.xlsx")


def scorecard_department(request: HttpRequest, code: str) -> HttpResponse:
    department = organisation_of_kind(code, OrganisationKinds.DEPARTMENT)
    form, period = _period(request)
    return render(
        request,
        "oversight/scorecard_department.html",
        {
            "department": department,
            "form": form,
            "period": period,
            "rows": scorecard(period, department_code=code) if period else [],
            "orders": list(open_orders_of(department)),
            "notices": list(notices_naming(department)),
        },
    )
