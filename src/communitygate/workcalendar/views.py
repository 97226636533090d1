"""The committee office's holiday calendar pages (节假日安排): which years are known, and the
page where the office enters a whole year's holidays and make-up working days (or uploads them).

Views parse input and call the services; every bad line comes back listed on the page.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communitygate.accounts.permissions import is_office_staff
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem, RuleBroken
from communitygate.http.guards import only_for
from communitygate.workcalendar.forms import YearScheduleForm
from communitygate.workcalendar.selectors import (
    calendar_overview,
    calendar_year_schedule,
    years_to_offer,
)
from communitygate.workcalendar.services import (
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


@office_staff_only
def calendar_year_page(request: HttpRequest, year: int) -> HttpResponse:
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
            messages.error(request, broken.message)
        else:
            messages.success(
                request, _("The %(year)s holiday schedule has been saved.") % {"year": year}
            )
            return redirect("workcalendar:overview")
    return render(
        request,
        "workcalendar/year.html",
        {"form": form, "schedule": schedule, "problems": problems},
    )
