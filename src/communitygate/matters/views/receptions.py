"""Walk-in reception pages (来访登记), under /residents/receptions/: the one quick form, which comes
back empty after each save with the day's count, and the day's list (scoped: a community's
staff their own, a subdistrict's officer its communities) with its XLSX export. Home visits
(入户走访) have their own pages (/residents/visits/)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from communitygate.accounts.permissions import works_in_a_community
from communitygate.core import clock
from communitygate.core.tabular import xlsx_response
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.steps import run_create
from communitygate.matters.forms.matters import IntakeSearchForm
from communitygate.matters.forms.receptions import ReceptionDayForm, ReceptionForm
from communitygate.matters.models import MatterCategory, Reception, ReceptionOutcomes
from communitygate.matters.selectors.matters import residents_for_intake
from communitygate.matters.selectors.receptions import reception_count_today, reception_list
from communitygate.matters.services.receptions import reception_record, receptions_export
from communitygate.registry.permissions import (
    access_staffed_community,
    communities_staffed_by,
    communities_visible_to,
    sees_residents,
)


def _categories() -> list[tuple[str, str]]:
    return [
        (category.code, category.name)
        for category in MatterCategory.objects.filter(active=True).order_by("position", "code")
    ]


def _saved_message(reception: Reception) -> str:
    count = reception_count_today(reception.community_id, reception.received_on)
    if reception.outcome == ReceptionOutcomes.MATTER and reception.matter is not None:
        return _(
            "Recorded: %(name)s, turned into matter %(code)s. %(count)s walk-in visitors today."
        ) % {"name": reception.visitor_name, "code": reception.matter.tracking_code, "count": count}
    return _("Recorded: %(name)s, handled on the spot. %(count)s walk-in visitors today.") % {
        "name": reception.visitor_name,
        "count": count,
    }


@only_for(works_in_a_community)
@replay_on_resubmit
def reception_new(request: HttpRequest) -> HttpResponse:
    """The quick form; `?find=<name>` (and `find_community`) lists the community's residents of
    that name to pick from (a phone is never searched by URL)."""
    communities = [(c.code, c.name) for c in communities_staffed_by(request.user).order_by("code")]
    search = IntakeSearchForm(
        request.GET if "find" in request.GET else None, communities=communities, by_phone=False
    )
    searched = search.is_bound and search.is_valid()
    community = access_staffed_community(request.user, search.community_code() if searched else "")
    if request.method == "POST":
        form = ReceptionForm(request.POST, communities=communities, categories=_categories())
    else:
        form = ReceptionForm(
            communities=communities,
            categories=_categories(),
            initial={"community": community.code},
        )
    saved = run_create(
        request,
        form,
        lambda: reception_record(actor=request.user, intake=form.intake()),
        success=_saved_message,
        redirect_to=reverse("matters:reception_new"),
    )
    if saved is not None:
        return saved
    found = (
        residents_for_intake(
            request.user,
            community_code=search.community_code(),
            name=search.cleaned_data.get("find") or "",
        )
        if searched
        else []
    )
    return render(
        request,
        "matters/reception_new.html",
        {
            "form": form,
            "search": search,
            "searched": searched,
            "found": found,
            "communities": communities,
            "community": community,
            "count_today": reception_count_today(community, clock.today()),
        },
    )


def _day_filter(request: HttpRequest) -> ReceptionDayForm:
    communities = [(c.code, c.name) for c in communities_visible_to(request.user).order_by("code")]
    return ReceptionDayForm(request.GET, communities=communities)


@only_for(sees_residents)
def reception_list_page(request: HttpRequest) -> HttpResponse:
    form = _day_filter(request)
    valid = form.is_valid()
    day = (form.cleaned_data.get("day") if valid else None) or clock.today()
    community_code = (form.cleaned_data.get("community") if valid else "") or ""
    rows = list(reception_list(request.user, day=day, community_code=community_code))
    return render(
        request,
        "matters/reception_list.html",
        {
            "form": form,
            "rows": rows,
            "day": day,
            "community_code": community_code,
            "handled": sum(1 for row in rows if row.outcome == ReceptionOutcomes.HANDLED),
            "can_receive": works_in_a_community(request.user),
        },
    )


@only_for(sees_residents)
def reception_export(request: HttpRequest) -> HttpResponse:
    form = _day_filter(request)
    if not form.is_valid():
        # Never an export of another day or of every community in place of the one asked for.
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    day = form.cleaned_data.get("day") or clock.today()
    content, _count = receptions_export(
        actor=request.user, day=day, community_code=form.cleaned_data.get("community") or ""
    )
    return xlsx_response(content, f"receptions-{day:%Y%m%d}.xlsx")


urlpatterns = [
    path("receptions/", reception_list_page, name="receptions"),
    path("receptions/new/", reception_new, name="reception_new"),
    path("receptions/export.xlsx", reception_export, name="reception_export"),
]
