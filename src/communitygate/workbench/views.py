"""The workbench page (工作台, /workbench/): where a person lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communitygate.core import clock
from communitygate.workbench.selectors import workbench_sections


@login_required
def workbench_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workbench/home.html",
        {"sections": workbench_sections(request.user), "today": clock.today()},
    )
