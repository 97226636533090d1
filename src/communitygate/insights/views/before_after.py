"""The burden dashboard's pages (减负看板): /burden/ for everyone signed in, /burden/public/
for anyone (aggregates only: the catalog's published figures, never a person), and the
before-and-after figures as a workbook and a PDF (public, as the figures are).

Every page counts its figures at the request (`summary.before_after`) and says so."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from communitygate.catalog.selectors import edition_list
from communitygate.certificates.selectors import certificate_counts
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound
from communitygate.core.periods import parse_period
from communitygate.core.tabular import xlsx_response
from communitygate.insights import received
from communitygate.insights.exports import (
    FIGURE_LABELS,
    before_after_pdf,
    before_after_xlsx,
    number_text,
    per_cent_text,
)
from communitygate.insights.summary import CHARTED, BeforeAfter, before_after
from communitygate.registry.permissions import can_read_rates, communities_with_figures_for

PDF_CONTENT_TYPE = "application/pdf"


def _asked(request: HttpRequest) -> tuple[str, str]:
    return request.GET.get("before", ""), request.GET.get("after", "")


def _context(request: HttpRequest) -> dict[str, object]:
    """The pickers, the figures (or the problems with the ids asked for) and the export links."""
    before, after = _asked(request)
    problems: list[str] = []
    figures: BeforeAfter | None = None
    try:
        figures = before_after(before, after)
    except InvalidInput as broken:
        problems = [problem.page_message for problem in broken.problems]
    query = urlencode(
        {key: value for key, value in (("before", before), ("after", after)) if value}
    )
    rows = (
        [
            {
                "figure": change.figure,
                "label": FIGURE_LABELS[change.figure],
                "before": number_text(change.before),
                "after": number_text(change.after),
                "before_value": change.before,
                "after_value": change.after,
                "change": number_text(change.change, signed=True),
                "per_cent": per_cent_text(change),
                "chart_position": CHARTED.index(change.figure) + 1
                if change.figure in CHARTED
                else 0,
            }
            for change in figures.changes
        ]
        if figures
        else []
    )
    return {
        "editions": list(edition_list()),
        "asked_before": before,
        "asked_after": after,
        "figures": figures,
        "rows": rows,
        "problems": problems,
        "query": f"?{query}" if query else "",
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard's home: before and after, and the place of what communities receive."""
    context = {
        **_context(request),
        "received": _received_at_a_glance(),
        "certificates": _certificates_this_year(request),
    }
    return render(
        request, "insights/dashboard.html", context, status=422 if context["problems"] else 200
    )


def _certificates_this_year(request: HttpRequest) -> dict[str, object] | None:
    """This year's certificates issued and requests turned away in the communities whose figures
    the person reads (the district's overseers: every community); None for anyone else."""
    if not can_read_rates(request.user):
        return None
    year = clock.today().year
    counts = certificate_counts(communities_with_figures_for(request.user), year)
    return {"year": year, "issued": counts.issued, "turned_away": counts.turned_away}


def _received_at_a_glance() -> list[dict[str, object]]:
    """What the district's communities received this year so far and last month (two rows of
    the received figures, two aggregate queries each), linked to the pages behind them."""
    today = clock.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    rows = []
    for label, text in ((_("This year so far"), ""), (_("Last month"), last_month)):
        period = parse_period(text, today=today)
        rows.append(
            {
                "label": label,
                "period": period,
                "figures": received.totals(received.Filters(period=period), today),
                "query": urlencode({"period": period.text}),
            }
        )
    return rows


def public(request: HttpRequest) -> HttpResponse:
    """The public dashboard: the catalog's figures only."""
    context = _context(request)
    return render(
        request, "insights/public.html", context, status=422 if context["problems"] else 200
    )


def _figures(request: HttpRequest) -> BeforeAfter:
    """The figures asked for; a bad id is the 422 page (never another edition's figures); no
    edition published is a 404 (there is nothing to export)."""
    figures = before_after(*_asked(request))
    if figures is None:
        raise NotFound("目录版本", "catalog edition")
    return figures


def export_xlsx(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    return xlsx_response(
        before_after_xlsx(figures),
        f"burden-{figures.before.edition.number}-{figures.after.edition.number}.xlsx",
    )


def export_pdf(request: HttpRequest) -> HttpResponse:
    figures = _figures(request)
    response = HttpResponse(before_after_pdf(figures), content_type=PDF_CONTENT_TYPE)
    name = f"burden-{figures.before.edition.number}-{figures.after.edition.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
