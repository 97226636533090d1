"""Registry pages (居民档案): the residents' list with exact search by ID number or phone, a
resident's record, adding and editing, moving out, households, volunteers and their hours, the
XLSX export, and the reveal of one full number for the community's secretary.

Every page that shows personal data answers `Cache-Control: no-store` (`http.nostore` covers
/residents/), so that no browser or proxy keeps a copy. Views parse input, fetch through the scoped selectors, call
one service or selector, and render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communitygate.accounts.permissions import staffed_community_ids, works_in_a_community
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied, RuleBroken
from communitygate.core.tabular import xlsx_response
from communitygate.http.confirm import confirm_page, is_confirmed
from communitygate.http.formtokens import new_form_token, replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import (
    form_errors_to_messages,
    found_or_none,
    page_window,
    rule_broken_to_form,
    rule_broken_to_messages,
)
from communitygate.http.steps import run_create, run_step
from communitygate.orgs.models import Organisation
from communitygate.registry.exports import residents_export
from communitygate.registry.forms.registry import (
    MoveOutForm,
    NewResidentForm,
    ResidentForm,
    ResidentSearchForm,
    RevealForm,
    VolunteerForm,
    VolunteerHoursForm,
)
from communitygate.registry.models import HouseholdKinds, Resident
from communitygate.registry.permissions import (
    can_reveal_personal_information,
    communities_staffed_by,
    communities_visible_to,
    sees_residents,
    works_in,
)
from communitygate.registry.selectors.registry import (
    Born,
    ResidentFilters,
    born,
    care_tags_active,
    household_get,
    household_residents,
    resident_get,
    residents_filtered,
    volunteer_get,
    volunteer_of,
    volunteers_list,
)
from communitygate.registry.services.registry import (
    personal_information_reveal,
    resident_add,
    resident_add_with_household,
    resident_move_out,
    resident_update,
    residents_number_search,
    volunteer_hours_record,
    volunteer_register,
)

PAGE_SIZE = 50
# What a search submitted to the list keeps in its links (paging, export): never a number.
NOT_IN_LINKS = ("offset", "id_number", "phone", "csrfmiddlewaretoken")


NUMBER_BY_FORM_ONLY = gettext_lazy(
    "Search by ID number or phone with the search form: a number in a web address is not used."
)

# Helpers -----------------------------------------------------------------------------------------


def _communities(request: HttpRequest) -> list[Organisation]:
    """The communities whose registry the person sees (`sees_residents` guards the pages)."""
    return list(communities_visible_to(request.user).order_by("code"))


def _tag_choices() -> list[tuple[str, str]]:
    return [(tag.code, tag.name) for tag in care_tags_active()]


def _require_staff(request: HttpRequest, community_id: int) -> None:
    """Someone who sees the record but does not work in its community may not change it (the
    403 page)."""
    if not works_in(request.user, community_id):
        raise PermissionDenied(
            "只有本社区的书记和社区工作者可以修改本社区的居民档案。",
            "Only the community's own secretary and workers may change its registry.",
        )


def _with_birth(residents: list[Resident]) -> list[tuple[Resident, Born | None]]:
    """Each resident with the birth year and age the page shows instead of the birth date."""
    today = clock.today()
    return [(resident, born(resident.birth_date, today)) for resident in residents]


def _list_query(submitted: Any) -> str:
    """The list's filters for its links (paging, export), without any number typed."""
    query = submitted.copy()
    for name in NOT_IN_LINKS:
        query.pop(name, None)
    return str(query.urlencode())


def _number_in_address(request: HttpRequest) -> HttpResponse | None:
    """A GET carrying an ID number or phone (an old bookmark, a hand-made link) goes back to the
    list without it: the page would otherwise hold the address, number and all (the language
    switch's return address), and ignoring the number silently would list everyone."""
    if request.method == "POST":
        return None
    if not any(request.GET.get(name, "").strip() for name in ("id_number", "phone")):
        return None
    messages.error(request, NUMBER_BY_FORM_ONLY)
    return redirect(f"{reverse('registry:people')}?{_list_query(request.GET)}")


def _search(
    request: HttpRequest, communities: list[Organisation]
) -> tuple[ResidentSearchForm, ResidentFilters | None]:
    """The list's form and the filters it gives (None when what was typed cannot match)."""
    # An exact ID number or phone comes by POST only, so that it is never in a URL (server
    # logs, history, the language switch's return address); the other filters come by GET too.
    # A number in a GET (an old bookmark, a hand-made link) never reaches here: the callers send
    # it back to the list first (`_number_in_address`).
    form = ResidentSearchForm(
        request.POST if request.method == "POST" else request.GET,
        tags=_tag_choices(),
        communities=[(c.code, c.name) for c in communities],
    )
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, ResidentFilters(
        query=data["q"] or "",
        tag=data["tag"] or "",
        id_number=data["id_number"] or "",
        phone=data["phone"] or "",
        community=data.get("community") or "",
        include_moved_out=bool(data["moved_out"]),
    )


# The list and the export -------------------------------------------------------------------------


@only_for(sees_residents)
@require_http_methods(["GET", "POST"])
def people_list(request: HttpRequest) -> HttpResponse:
    communities = _communities(request)
    refused = _number_in_address(request)
    if refused:
        return refused
    form, filters = _search(request, communities)
    residents = Resident.objects.none()
    count = 0
    number_search = filters is not None and filters.by_number
    if filters is not None:
        try:
            if number_search:
                residents, count = residents_number_search(actor=request.user, filters=filters)
            else:
                residents = residents_filtered(request.user, filters)
                count = residents.count()
        except InvalidInput as invalid:
            rule_broken_to_form(form, invalid)
            residents, count = Resident.objects.none(), 0
    # A number search has no paging (it finds one person, or a household sharing a phone).
    window = page_window(request, count, PAGE_SIZE, paged=not number_search)
    rows = list(residents[window.offset : window.offset + PAGE_SIZE])
    # A full number typed into the search is not written back into the page (neither the
    # form nor the links): the page shows its mask.
    searched = filters.as_audit() if filters is not None else {}
    submitted = request.POST if request.method == "POST" else request.GET
    shown = submitted.copy()
    for name in NOT_IN_LINKS:
        shown.pop(name, None)
    form.data = shown
    return render(
        request,
        "registry/registry_list.html",
        {
            "form": form,
            "residents": _with_birth(rows),
            "count": count,
            "offset": window.offset,
            "previous_offset": window.previous_offset,
            "next_offset": window.next_offset,
            "query": _list_query(submitted),
            "searched": searched,
            "number_search": number_search,
            "can_add": bool(staffed_community_ids(request.user)),
            "many_communities": len(communities) > 1,
        },
    )


@only_for(sees_residents)
@require_GET
def people_export(request: HttpRequest) -> HttpResponse:
    """The list as XLSX, filtered by the link's filters. A number search offers no export (its
    number would have to be in the link); a link with a number goes back to the list without it."""
    communities = _communities(request)
    refused = _number_in_address(request)
    if refused:
        return refused
    form, filters = _search(request, communities)
    back = f"{reverse('registry:people')}?{_list_query(request.GET)}"
    if filters is None or filters.by_number:
        for error in form.non_field_errors():
            messages.error(request, str(error))
        messages.error(request, _("Correct the search before exporting."))
        return redirect(back)
    try:
        content, _count = residents_export(actor=request.user, filters=filters)
    except InvalidInput as invalid:
        rule_broken_to_messages(request, invalid)
        return redirect(back)
    return xlsx_response(content, f"residents-{clock.today():%Y%m%d}.xlsx")


# One resident ------------------------------------------------------------------------------------


@login_required
def resident_detail(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = resident_get(request.user, resident_id)
    staff = works_in(request.user, resident.community_id)
    return render(
        request,
        "registry/registry_detail.html",
        {
            "resident": resident,
            "birth": born(resident.birth_date, clock.today()),
            "household": resident.household,
            "volunteer": volunteer_of(resident),
            "can_reveal": can_reveal_personal_information(request.user, resident.community_id),
            "can_change": staff and resident.moved_out_on is None,
            "move_out_form": MoveOutForm(initial={"on": clock.today()}),
            "volunteer_form": VolunteerForm(),
            "hours_form": VolunteerHoursForm(initial={"served_on": clock.today()}),
        },
    )


@login_required
@require_POST
def resident_reveal(request: HttpRequest, resident_id: int) -> HttpResponse:
    """One full number, shown once on a page no cache keeps; the reveal is recorded."""
    resident = resident_get(request.user, resident_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose what to reveal."), status=400)
    field = form.cleaned_data["field"]
    value = personal_information_reveal(actor=request.user, resident=resident, field=field)
    labels = dict(RevealForm.LABELS)
    return render(
        request,
        "registry/registry_reveal.html",
        {"resident": resident, "field_label": labels[field], "value": value},
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def resident_new(request: HttpRequest) -> HttpResponse:
    communities = [(c.code, c.name) for c in communities_staffed_by(request.user).order_by("code")]
    form = NewResidentForm(
        request.POST or None,
        tags=_tag_choices(),
        communities=communities,
        initial={"household": request.GET.get("household") or None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resident = _add(request, data, form)
        except RuleBroken as broken:
            rule_broken_to_form(form, broken)
        else:
            if resident is not None:
                messages.success(request, _("Resident registered."))
                return redirect("registry:resident", resident_id=resident.pk)
            form.add_error("household", _("No such household in your community."))
    return render(request, "registry/registry_form.html", {"form": form, "resident": None})


def _add(request: HttpRequest, data: dict[str, Any], form: NewResidentForm) -> Resident | None:
    """The resident added, or None when the household (or community) named is not one of the
    person's."""
    if data["household"]:
        household = found_or_none(household_get, request.user, data["household"])
        if household is None:
            return None
        return resident_add(actor=request.user, household=household, fields=form.resident_fields())
    community = communities_staffed_by(request.user).filter(code=data["community"]).first()
    if community is None:
        return None
    return resident_add_with_household(
        actor=request.user,
        community=community,
        estate=data["estate"],
        building=data["building"],
        unit=data["unit"],
        room=data["room"],
        kind=data["household_kind"] or HouseholdKinds.RESIDENT,
        fields=form.resident_fields(),
    )


@login_required
def resident_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = resident_get(request.user, resident_id)
    _require_staff(request, resident.community_id)
    # With an ID number on record the birth date is the number's and is not on the page.
    from_number = bool(resident.id_number_masked)
    initial = {
        "name": resident.name,
        "sex": resident.sex,
        "birth_date": None if from_number else resident.birth_date,
        "relation": resident.relation,
        "population_kind": resident.population_kind,
        "moved_in_on": resident.moved_in_on,
        "tags": [tag.code for tag in resident.tags.all()],
    }
    form = ResidentForm(
        request.POST or None,
        tags=_tag_choices(),
        editing=True,
        birth_date_from_id_number=from_number,
        initial=initial,
    )
    saved = run_create(
        request,
        form,
        lambda: resident_update(
            actor=request.user, resident=resident, fields=form.resident_fields()
        ),
        success=lambda updated: _("The record of %(name)s is updated.") % {"name": updated.name},
        redirect_to=reverse("registry:resident", args=[resident.pk]),
    )
    return saved or render(
        request, "registry/registry_form.html", {"form": form, "resident": resident}
    )


@login_required
@require_POST
def resident_move_out_view(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = resident_get(request.user, resident_id)
    _require_staff(request, resident.community_id)
    form = MoveOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the resident moved out."))
        return redirect("registry:resident", resident_id=resident.pk)
    on = form.cleaned_data["on"]
    words = {"name": resident.name, "date": date_format(on, "DATE_FORMAT")}
    back = reverse("registry:resident", args=[resident.pk])
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Move %(name)s out?") % words,
            facts=[
                _("Resident: %(name)s, %(community)s.")
                % {**words, "community": resident.community.name},
                _("Moved out on: %(date)s.") % words,
            ],
            warning=_(
                "The resident leaves the community's current roll from that date; the record "
                "is kept, not deleted."
            ),
            action=reverse("registry:resident_move_out", args=[resident.pk]),
            back=back,
            button=_("Yes, record the move-out"),
            hidden={"on": on.isoformat()},
        )
    return run_step(
        request,
        lambda: resident_move_out(actor=request.user, resident=resident, on=on),
        back=back,
        done=_("Resident %(name)s is recorded as moved out on %(date)s.") % words,
    )


@login_required
@require_POST
@replay_on_resubmit
def resident_volunteer(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = resident_get(request.user, resident_id)
    _require_staff(request, resident.community_id)
    form = VolunteerForm(request.POST)
    form.is_valid()
    return run_step(
        request,
        lambda: volunteer_register(
            actor=request.user, resident=resident, skills=form.cleaned_data.get("skills", "")
        ),
        back=reverse("registry:resident", args=[resident.pk]),
        done=_("Registered as a volunteer."),
    )


# Households and volunteers -----------------------------------------------------------------------


@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get(request.user, household_id)
    return render(
        request,
        "registry/registry_household.html",
        {
            "household": household,
            "residents": _with_birth(list(household_residents(household))),
            "can_add": works_in(request.user, household.community_id)
            and household.moved_out_on is None,
        },
    )


@only_for(sees_residents)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    communities = _communities(request)
    volunteers = volunteers_list(request.user)
    count = volunteers.count()
    window = page_window(request, count, PAGE_SIZE)
    return render(
        request,
        "registry/registry_volunteers.html",
        {
            # Each row's form has its own one-time token: one shared token would make the
            # second row's hours a replay of the first row's.
            "volunteers": [
                (volunteer, new_form_token())
                for volunteer in volunteers[window.offset : window.offset + PAGE_SIZE]
            ],
            "count": count,
            "previous_offset": window.previous_offset,
            "next_offset": window.next_offset,
            "staffed": set(staffed_community_ids(request.user)),
            "hours_form": VolunteerHoursForm(auto_id=False, initial={"served_on": clock.today()}),
            "many_communities": len(communities) > 1,
        },
    )


@login_required
@require_POST
@replay_on_resubmit
def volunteer_hours(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = volunteer_get(request.user, volunteer_id)
    _require_staff(request, volunteer.community_id)
    form = VolunteerHoursForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("registry:volunteers")
    data = form.cleaned_data
    return run_step(
        request,
        lambda: volunteer_hours_record(
            actor=request.user,
            volunteer=volunteer,
            served_on=data["served_on"],
            hours=data["hours"],
            what=data["what"],
        ),
        back=reverse("registry:volunteers"),
        done=_("Hours recorded."),
    )


urlpatterns = [
    path("people/", people_list, name="people"),
    path("people/new/", resident_new, name="resident_new"),
    path("people/export.xlsx", people_export, name="people_export"),
    path("people/<int:resident_id>/", resident_detail, name="resident"),
    path("people/<int:resident_id>/reveal/", resident_reveal, name="resident_reveal"),
    path("people/<int:resident_id>/edit/", resident_edit, name="resident_edit"),
    path("people/<int:resident_id>/move-out/", resident_move_out_view, name="resident_move_out"),
    path("people/<int:resident_id>/volunteer/", resident_volunteer, name="resident_volunteer"),
    path("households/<int:household_id>/", household_detail, name="household"),
    path("volunteers/", volunteer_list, name="volunteers"),
    path("volunteers/<int:volunteer_id>/hours/", volunteer_hours, name="volunteer_hours"),
]
