"""Pages: the residents' hub (民情零距离), the community at a glance (民情一览) and home visits.

`/residents/` leads each person to what they may see: a community's staff to their community's
glance (a chooser when they work in several), a subdistrict's officer to the roll-up of its
communities (each opens to its glance), and the office, supervision and audit, who read figures
but never people, to the district's counts per subdistrict with a link to the rates. Anyone else
gets 404: there is no residents' page for them.

Every page here shows residents' data, so none may be cached (`http.nostore` covers /residents/). The
visit plan form carries a one-time token: a double submit plans one visit (`http.formtokens`)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import overseen_subdistrict_paths, works_in_a_community
from communitygate.core import clock
from communitygate.core.errors import NotFound, RuleBroken
from communitygate.http.formtokens import OneTimeFormMixin, replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import rule_broken_to_form, rule_broken_to_messages, safe_next
from communitygate.http.steps import run_step
from communitygate.matters.selectors.glance import (
    building_tabs,
    communities_figures,
    community_glance,
    figures_total,
    subdistricts_figures,
    tag_legend,
)
from communitygate.orgs.models import Organisation, OrganisationKinds
from communitygate.registry.forms.visits import PlanTaggedForm, VisitPlanForm, VisitRecordForm
from communitygate.registry.models import Household, Resident, Visit
from communitygate.registry.permissions import (
    access_community,
    access_scoped,
    access_staffed_community,
    can_read_rates,
    communities_staffed_by,
    communities_visible_to,
    works_in,
)
from communitygate.registry.selectors.visits import (
    VISIT_INTERVAL_DAYS,
    care_tags_active,
    community_visits,
    current_households,
    current_residents,
    household_address,
    household_at,
    household_residents,
)
from communitygate.registry.services.visits import visit_plan, visit_record, visits_plan_for_tagged

# The other areas' pages, by path: (path, label, who is offered the link).
STAFF, OFFICER, FIGURES = "staff", "officer", "figures"
HUB_LINKS: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("/residents/people/", gettext_lazy("Residents' registry"), frozenset({STAFF, OFFICER})),
    ("/residents/import/", gettext_lazy("Import the registry"), frozenset({STAFF})),
    ("/residents/matters/", gettext_lazy("Residents' matters"), frozenset({STAFF, OFFICER})),
    ("/residents/matters/new/", gettext_lazy("Receive a matter"), frozenset({STAFF})),
    ("/residents/visits/", gettext_lazy("Home visits"), frozenset({STAFF})),
    ("/residents/receptions/new/", gettext_lazy("Walk-in reception"), frozenset({STAFF})),
    (
        "/residents/receptions/",
        gettext_lazy("Walk-in visitors of the day"),
        frozenset({STAFF, OFFICER}),
    ),
    ("/residents/disputes/", gettext_lazy("Dispute mediation"), frozenset({STAFF, OFFICER})),
    ("/residents/activities/", gettext_lazy("Activities"), frozenset({STAFF, OFFICER})),
    ("/residents/programmes/", gettext_lazy("Programmes"), frozenset({STAFF, OFFICER})),
    ("/residents/volunteers/", gettext_lazy("Volunteers"), frozenset({STAFF, OFFICER})),
)


class VisitPlanTokenForm(OneTimeFormMixin, VisitPlanForm):
    """The visit plan form with its one-time token."""


def _rates_url() -> str:
    return reverse("matters:rates")


def _links(kinds: set[str]) -> list[dict[str, Any]]:
    links = [
        {"href": href, "label": label} for href, label, offered in HUB_LINKS if offered & kinds
    ]
    links.append(
        {"href": _rates_url(), "label": gettext_lazy("Response, on-time and satisfaction rates")}
    )
    return links


def _staffed(request: HttpRequest) -> list[Organisation]:
    """The person's communities as staff (secretary or worker), each once, in path order."""
    return list(communities_staffed_by(request.user).order_by("path"))


def _id_or_none(raw: str, what_zh: str, what_en: str) -> int | None:
    """An id a page was given: none when empty; one that is not a number names nothing (the same
    NotFound, and 404 page, as a missing one)."""
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise NotFound(what_zh, what_en) from None


def _building_id(request: HttpRequest) -> int | None:
    return _id_or_none(request.GET.get("building", ""), "楼栋", "building")


def _render_glance(request: HttpRequest, community: Organisation, kinds: set[str]) -> HttpResponse:
    glance = community_glance(
        community,
        today=clock.today(),
        now=clock.now(),
        building_id=_building_id(request),
    )
    return render(
        request,
        "matters/glance_community.html",
        {
            "community": community,
            "glance": glance,
            "figures": glance.figures,
            "may_plan_visits": works_in(request.user, community.pk),
            "links": _links(kinds),
            "today": clock.today(),
        },
    )


# The hub -----------------------------------------------------------------------------------------


# Whoever reads figures is led to them; nobody else has a residents' page.
@only_for(can_read_rates)
def residents_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clock.today()
    staff = _staffed(request)
    if overseen_subdistrict_paths(user):
        return _render_rollup(
            request, communities_visible_to(user), {OFFICER, *([STAFF] if staff else [])}
        )
    if len(staff) == 1:
        return _render_glance(request, staff[0], {STAFF})
    if staff:
        return _render_rollup(request, communities_visible_to(user), {STAFF})
    # The rest are the district's overseers (the guard lets nobody else this far).
    tags = care_tags_active()
    figures = communities_figures(
        Organisation.objects.filter(kind=OrganisationKinds.COMMUNITY), today=today, tags=tags
    )
    subdistricts = subdistricts_figures(figures, tags)
    return render(
        request,
        "matters/glance_district.html",
        {
            "subdistricts": subdistricts,
            "tags": tag_legend(tags),
            "total": figures_total(subdistricts, tags),
            "rates_url": _rates_url(),
            "today": today,
        },
    )


def _render_rollup(request: HttpRequest, communities: Any, kinds: set[str]) -> HttpResponse:
    tags = care_tags_active()
    figures = communities_figures(communities, today=clock.today(), tags=tags)
    groups: dict[str, list[Any]] = {}
    for row in figures:
        groups.setdefault(row.subdistrict_name, []).append(row)
    return render(
        request,
        "matters/glance_rollup.html",
        {
            "groups": sorted(groups.items()),
            "tags": tag_legend(tags),
            "links": _links(kinds),
            "today": clock.today(),
        },
    )


@login_required
def community_page(request: HttpRequest, code: str) -> HttpResponse:
    community = access_community(request.user, code)
    staff = works_in(request.user, community.pk)
    return _render_glance(request, community, {STAFF} if staff else {OFFICER})


# Visits ------------------------------------------------------------------------------------------


def _visits_community(request: HttpRequest, code: str) -> tuple[Organisation, list[Organisation]]:
    """The community whose visits are shown: the one asked for among the person's own, else
    their first; and all the person's own."""
    return access_staffed_community(request.user, code), _staffed(request)


def _visits_url(community: Organisation, staff: list[Organisation]) -> str:
    url = reverse("matters:visits")
    return f"{url}?community={community.code}" if len(staff) > 1 else url


def _household_of_form(
    request: HttpRequest, community: Organisation, household_id: int | None
) -> Household | None:
    if household_id is None:
        return None
    return access_scoped(
        request.user,
        current_households().filter(community=community).select_related("room__unit__building"),
        household_id,
        "住户",
        "household",
    )


# Only community staff have a visits page.
@only_for(works_in_a_community)
@replay_on_resubmit
def visits_page(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("community") or request.GET.get("community", "")
    community, staff = _visits_community(request, code)
    raw_household = request.POST.get("household") or request.GET.get("household") or ""
    household = _household_of_form(
        request, community, _id_or_none(raw_household, "住户", "household")
    )
    tabs = [(tab.building_id, tab.label) for tab in building_tabs(community)]
    residents = (
        [(r.pk, r.name) for r in household_residents(household)] if household is not None else []
    )
    form = VisitPlanTokenForm(
        request.POST or None,
        buildings=tabs,
        residents=residents,
        initial={
            "planned_on": clock.today(),
            "household": household.pk if household else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        response = _plan(request, form, community, household, back=_visits_url(community, staff))
        if response is not None:
            return response
    return render(
        request,
        "matters/visit_list.html",
        {
            "community": community,
            "communities": staff,
            "visits": community_visits(community, today=clock.today()),
            "form": form,
            "household": household,
            "household_address": household_address(household) if household else "",
            "tagged_form": PlanTaggedForm(
                initial={"community": community.code, "planned_on": clock.today()}
            ),
            "interval": VISIT_INTERVAL_DAYS,
            "today": clock.today(),
        },
    )


def _plan(
    request: HttpRequest,
    form: VisitPlanForm,
    community: Organisation,
    household: Household | None,
    *,
    back: str,
) -> HttpResponse | None:
    """Plan the visit the form describes: the answer to send (back to `back`), or None when the
    form shows why not."""
    data = form.cleaned_data
    if household is None:
        household = household_at(
            community, building_id=data["building"], unit=data["unit"], room=data["room"]
        )
        if household is None:
            form.add_error(None, _("Nobody lives at that building, unit and room now."))
            return None
    resident: Resident | None = None
    if data.get("resident"):
        resident = current_residents().filter(pk=data["resident"], household=household).first()
        if resident is None:
            form.add_error("resident", _("Choose a resident of this household."))
            return None
    try:
        visit_plan(
            actor=request.user,
            household=household,
            resident=resident,
            planned_on=data["planned_on"],
            purpose=data["purpose"],
        )
    except RuleBroken as broken:
        rule_broken_to_form(form, broken)
        return None
    messages.success(request, _("Visit planned."))
    return redirect(back)


@login_required
@require_POST
def visit_done(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = access_scoped(request.user, Visit.objects.all(), visit_id, "走访", "visit")
    form = VisitRecordForm(request.POST)
    back = reverse("matters:visits")
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect(safe_next(request, back))
    return run_step(
        request,
        lambda: visit_record(actor=request.user, visit=visit, note=form.cleaned_data["note"]),
        back=back,
        done=_("Visit recorded as done."),
        follow_next=True,
    )


@login_required
@require_POST
def visits_plan_tagged(request: HttpRequest) -> HttpResponse:
    form = PlanTaggedForm(request.POST)
    if not form.is_valid():
        # The visits page sends a community and a date; without them there is nothing to plan.
        raise NotFound("社区或日期", "community or date")
    community = access_community(request.user, form.cleaned_data["community"])
    try:
        planned = visits_plan_for_tagged(
            actor=request.user, community=community, planned_on=form.cleaned_data["planned_on"]
        )
    except RuleBroken as broken:
        rule_broken_to_messages(request, broken)
    else:
        if planned:
            messages.success(
                request,
                ngettext(
                    "%(count)d visit planned for the households that need one.",
                    "%(count)d visits planned for the households that need one.",
                    len(planned),
                )
                % {"count": len(planned)},
            )
        else:
            messages.success(request, _("Every household that needs a visit has one already."))
    return redirect(_visits_url(community, _staffed(request)))


urlpatterns: list[URLPattern] = [
    path("", residents_home, name="home"),
    path("communities/<str:code>/", community_page, name="community"),
    path("visits/", visits_page, name="visits"),
    path("visits/plan-tagged/", visits_plan_tagged, name="visits_plan_tagged"),
    path("visits/<int:visit_id>/done/", visit_done, name="visit_done"),
]
