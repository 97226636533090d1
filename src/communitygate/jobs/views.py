"""The office's page of scheduled jobs: when each runs and how its latest runs ended."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communitygate.accounts.permissions import is_office_staff
from communitygate.http.guards import only_for
from communitygate.jobs.selectors import schedule_overview


@only_for(is_office_staff)
def schedule_page(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/schedule.html", {"jobs": schedule_overview()})
