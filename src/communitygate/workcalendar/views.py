"""The committee office's holiday calendar pages (节假日安排): which years are known, and the
page where the office enters a whole year's holidays and make-up working days (or uploads them).

Views parse input and call the services; every bad line comes back listed on the page.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communitygate.accounts.permissions import is_office_staff
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, NotFound, Problem, RuleBroken
from communitygate.http.guards import only_for
from communitygate.workcalendar.forms import CalendarDayForm, YearScheduleForm
from communitygate.workcalendar.selectors import (
    DayKinds,
    GridDay,
    YearGrid,
    calendar_day_of,
    calendar_overview,
    calendar_year_grid,
    calendar_year_schedule,
    years_to_offer,
)
from communitygate.workcalendar.services import (
    calendar_day_set,
    calendar_year_enter,
    schedule_lines_from_csv,
    schedule_lines_from_text,
)

# Signed-in committee office staff only; anyone else gets 404, as for a missing page.
office_staff_only = only_for(is_office_staff)


def _too_big(size: int) -> InvalidInput:
    limit = settings.COMMUNITYGATE["IMPORT_MAX_BYTES"]
    return InvalidInput(
        [
            Problem(
                f"文件过大（{size} 字节），上限为 {limit} 字节。",
                f"The file is too big ({size} bytes); the limit is {limit} bytes.",
                field="file",
            )
        ]
    )


@office_staff_only
def calendar_overview_page(request: HttpRequest) -> HttpResponse:
    overview = calendar_overview()
    return render(
        request,
        "workcalendar/overview.html",
        {
            "overview": overview,
            "offered_years": years_to_offer(clock.today(), overview.years),
        },
    )


def _grid_page(
    request: HttpRequest,
    grid: YearGrid,
    chosen: GridDay | None,
    form: CalendarDayForm | None,
    problems: list[Problem],
    status: int = 200,
) -> HttpResponse:
    if form is None and chosen is not None:
        form = CalendarDayForm(
            initial={
                "date": chosen.date,
                "kind": chosen.mark if chosen.entered else "",
                "name": chosen.name,
                "source": grid.entered.source if grid.entered else "",
            }
        )
    return render(
        request,
        "workcalendar/grid.html",
        {
            "grid": grid,
            "chosen": chosen,
            "form": form,
            "problems": problems,
            "kinds": DayKinds,
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
        status=status,
    )


def _chosen_day(grid: YearGrid, raw: str | None) -> GridDay | None:
    if not raw:
        return None
    try:
        return calendar_day_of(grid, dt.date.fromisoformat(raw))
    except ValueError:
        return None


@office_staff_only
@require_GET
def calendar_year_page(request: HttpRequest, year: int) -> HttpResponse:
    """The year as a month grid; `?day=YYYY-MM-DD` opens that day's small form."""
    grid = calendar_year_grid(year, english=get_language() == "en")
    return _grid_page(request, grid, _chosen_day(grid, request.GET.get("day")), None, [])


@office_staff_only
@require_POST
def calendar_day_change(request: HttpRequest, year: int) -> HttpResponse:
    """One click's change of one day, then back to the grid at that day."""
    grid = calendar_year_grid(year, english=get_language() == "en")
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _grid_page(request, grid, _chosen_day(grid, request.POST.get("date")), form, [], 400)
    day = form.cleaned_data["date"]
    chosen = calendar_day_of(grid, day)
    if chosen is None:
        raise NotFound("日期", "date")
    try:
        calendar_day_set(
            actor=request.user,
            day=day,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            source=form.cleaned_data["source"],
        )
    except InvalidInput as invalid:
        return _grid_page(request, grid, chosen, form, invalid.problems, 400)
    kind = form.cleaned_data["kind"]
    if kind == "休":
        text = _("%(day)s is now a holiday (休).")
    elif kind == "班":
        text = _("%(day)s is now a make-up working day (班).")
    else:
        text = _("%(day)s follows the default again.")
    messages.success(request, text % {"day": day.isoformat()})
    return redirect(f"{reverse('workcalendar:year', args=[year])}?day={day.isoformat()}#day-form")


@office_staff_only
def calendar_year_import_page(request: HttpRequest, year: int) -> HttpResponse:
    schedule = calendar_year_schedule(year)
    initial = {
        "lines": schedule.text,
        "source": schedule.entered.source if schedule.entered else "",
        # Unticked for a new year: marking a year complete must be a deliberate act, since the
        # days not listed then count as ordinary weekdays and weekends.
        "complete": schedule.entered.complete if schedule.entered else False,
    }
    form = YearScheduleForm(request.POST or None, request.FILES or None, initial=initial)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload is not None and upload.size > settings.COMMUNITYGATE["IMPORT_MAX_BYTES"]:
                raise _too_big(upload.size)
            lines = (
                schedule_lines_from_csv(upload.read())
                if upload is not None
                else schedule_lines_from_text(form.cleaned_data["lines"])
            )
            calendar_year_enter(
                actor=request.user,
                year=year,
                lines=lines,
                source=form.cleaned_data["source"],
                complete=form.cleaned_data["complete"],
            )
        except InvalidInput as invalid:
            problems = invalid.problems
        except RuleBroken as broken:
            messages.error(request, broken.page_message)
        else:
            messages.success(
                request, _("The %(year)s holiday schedule has been saved.") % {"year": year}
            )
            return redirect("workcalendar:year", year)
    return render(
        request,
        "workcalendar/year.html",
        {"form": form, "schedule": schedule, "problems": problems},
    )
