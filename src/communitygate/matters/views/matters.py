"""Matters pages (民情事项): the list with its filters, the quick intake (fifty a day must not be a
chore), a matter's page with its history and steps, the reveal of its phone for the callback,
the three rates, and the XLSX export.

Community staff act on their own community's matters; a subdistrict's officers read those of
their communities (escalated ones highlighted) and act on none. Every page here shows personal
data, so none may be cached (`http.nostore` covers /residents/). Views parse input, fetch through the
scoped selectors, call one service or selector, and render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import (
    COMMUNITY_STAFF_ROLES,
    overseen_subdistrict_paths,
    staffed_community_ids,
    works_in_a_community,
)
from communitygate.accounts.selectors import people_holding
from communitygate.core import clock
from communitygate.core.tabular import xlsx_response
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import page_window
from communitygate.http.routes import one_of
from communitygate.http.steps import run_create, run_step
from communitygate.matters.answer_by import answer_by_text
from communitygate.matters.forms.matters import (
    AnswerForm,
    AssignForm,
    IntakeForm,
    IntakeSearchForm,
    MatterFilterForm,
    PeriodForm,
    ReopenForm,
)
from communitygate.matters.models import Matter, MatterCategory, MatterStatuses
from communitygate.matters.permissions import can_reveal_matter_phone
from communitygate.matters.selectors.matters import (
    MatterFilters,
    is_overdue,
    matter_access,
    matter_history,
    matter_list,
    matter_rates,
    matter_rates_by_subdistrict,
    matter_rates_total,
    residents_for_intake,
)
from communitygate.matters.services.matters import (
    matter_answer,
    matter_assign,
    matter_close,
    matter_phone_reveal,
    matter_receive,
    matter_reopen,
    matters_export,
)
from communitygate.matters.workflow import MATTER, MatterActions
from communitygate.registry.permissions import (
    can_read_rates,
    communities_staffed_by,
    communities_visible_to,
    communities_with_figures_for,
    sees_residents,
)

PAGE_SIZE = 50
STEPS = tuple(action.value for action in MatterActions)


# Helpers -----------------------------------------------------------------------------------------


def _category_choices() -> list[tuple[str, str]]:
    return [
        (category.code, category.name)
        for category in MatterCategory.objects.filter(active=True).order_by("position", "code")
    ]


def _filters(request: HttpRequest) -> tuple[MatterFilterForm, MatterFilters]:
    """The list's filters; when they have errors (the form shows them), none."""
    communities = [(c.code, c.name) for c in communities_visible_to(request.user).order_by("code")]
    form = MatterFilterForm(request.GET, communities=communities, categories=_category_choices())
    return form, form.filters() if form.is_valid() else MatterFilters()


# The list and the export -------------------------------------------------------------------------


@only_for(sees_residents)
def matter_list_page(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    today = clock.today()
    matters = matter_list(request.user, filters, today=today)
    count = matters.count()
    window = page_window(request, count, PAGE_SIZE)
    rows = list(matters[window.offset : window.offset + PAGE_SIZE])
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "matters/matter_list.html",
        {
            "form": form,
            "rows": [(matter, is_overdue(matter, today)) for matter in rows],
            "count": count,
            "offset": window.offset,
            "previous_offset": window.previous_offset,
            "next_offset": window.next_offset,
            "query": query.urlencode(),
            "can_receive": bool(staffed_community_ids(request.user)),
            "oversees": bool(overseen_subdistrict_paths(request.user)),
        },
    )


@only_for(sees_residents)
def matter_export(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if not form.is_valid():
        # Never an unfiltered export in place of the one asked for.
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    content, _count = matters_export(actor=request.user, filters=filters)
    return xlsx_response(content, f"matters-{clock.today():%Y%m%d}.xlsx")


# The quick intake --------------------------------------------------------------------------------


def _intake_communities(request: HttpRequest) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in communities_staffed_by(request.user).order_by("code")]


def _intake_page(
    request: HttpRequest,
    *,
    communities: list[tuple[str, str]],
    form: IntakeForm,
    search: IntakeSearchForm,
) -> HttpResponse:
    """The intake form with the resident search above it, and its results when it ran."""
    searched = search.is_bound and search.is_valid()
    found = (
        residents_for_intake(
            request.user,
            community_code=search.community_code(),
            name=search.cleaned_data.get("find") or "",
            phone=search.cleaned_data.get("find_phone") or "",
        )
        if searched
        else []
    )
    return render(
        request,
        "matters/matter_new.html",
        {
            "form": form,
            "search": search,
            "found": found,
            "searched": searched,
            "communities": communities,
        },
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def matter_new(request: HttpRequest) -> HttpResponse:
    """One short screen: after saving it comes back empty, with the tracking code in the message,
    ready for the next resident in the queue. `?find=<name>` (and `find_community`) lists
    residents of that name; a phone is searched only by POST (`matter_new_find`)."""
    communities = _intake_communities(request)
    categories = _category_choices()
    search_data = request.GET if "find" in request.GET else None
    search = IntakeSearchForm(search_data, communities=communities, by_phone=False)
    if request.method == "POST":
        form = IntakeForm(
            request.POST, request.FILES, communities=communities, categories=categories
        )
    else:
        initial = {"community": search.community_code()} if search.is_valid() else {}
        form = IntakeForm(communities=communities, categories=categories, initial=initial)
    received = run_create(
        request,
        form,
        lambda: matter_receive(
            actor=request.user, intake=form.intake(), photos=form.photo_uploads()
        ),
        success=lambda matter: (
            _("Matter received. Tracking code: %(code)s, answer by %(date)s.")
            % {"code": matter.tracking_code, "date": answer_by_text(matter)}
        ),
        redirect_to=reverse("matters:matter_new"),
    )
    return received or _intake_page(request, communities=communities, form=form, search=search)


@only_for(works_in_a_community)
@require_POST
def matter_new_find(request: HttpRequest) -> HttpResponse:
    """The resident search by name and/or phone, POSTed so that no phone enters a URL; the
    page comes back with an empty intake form in the searched community and the residents
    found to pick from. It changes nothing."""
    communities = _intake_communities(request)
    search = IntakeSearchForm(request.POST, communities=communities, by_phone=True)
    initial = {"community": search.community_code()} if search.is_valid() else {}
    form = IntakeForm(communities=communities, categories=_category_choices(), initial=initial)
    return _intake_page(request, communities=communities, form=form, search=search)


# One matter --------------------------------------------------------------------------------------


@login_required
def matter_detail(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = matter_access(request.user, matter_id)
    offered = MATTER.actions_for(request.user, matter)
    staff = (
        [
            (person.get_username(), person.get_full_name() or person.get_username())
            for person in people_holding([matter.community_id], COMMUNITY_STAFF_ROLES).order_by(
                "username"
            )
        ]
        if MatterActions.ASSIGN in offered
        else []
    )
    return render(
        request,
        "matters/matter_detail.html",
        {
            "matter": matter,
            "overdue": is_overdue(matter, clock.today()),
            "photos": list(matter.photos.all()),
            "history": list(matter_history(matter)),
            "offered": [str(action) for action in offered],
            "assign_form": AssignForm(
                staff=staff, initial={"assignee": request.user.get_username()}
            ),
            "answer_form": AnswerForm(initial={"answer": matter.answer}),
            "reopen_form": ReopenForm(),
            "statuses": MatterStatuses,
            "can_reveal_phone": bool(matter.phone_ciphertext)
            and can_reveal_matter_phone(request.user, matter),
        },
    )


@login_required
@require_POST
def matter_reveal_phone(request: HttpRequest, matter_id: int) -> HttpResponse:
    """The matter's full phone, shown once on a page no cache keeps, for the callback; the
    reveal (and a refused one) is recorded."""
    matter = matter_access(request.user, matter_id)
    phone = matter_phone_reveal(actor=request.user, matter=matter)
    return render(request, "matters/matter_reveal_phone.html", {"matter": matter, "phone": phone})


def _act(request: HttpRequest, matter: Matter, action: str) -> None:
    """Run one step's service from its form; RuleBroken propagates as the services raise it.
    The URL names one of the workflow's actions (`STEPS`), so there is no other."""
    user = request.user
    if action == MatterActions.ASSIGN:
        username = request.POST.get("assignee", "")
        assignee = (
            people_holding([matter.community_id], COMMUNITY_STAFF_ROLES)
            .filter(username=username)
            .first()
        )
        matter_assign(actor=user, matter=matter, assignee=assignee)
    elif action == MatterActions.ANSWER:
        matter_answer(actor=user, matter=matter, answer=request.POST.get("answer", ""))
    elif action == MatterActions.CLOSE:
        matter_close(actor=user, matter=matter)
    else:
        matter_reopen(actor=user, matter=matter, reason=request.POST.get("reason", ""))


@login_required
@require_POST
def matter_step(request: HttpRequest, matter_id: int, action: str) -> HttpResponse:
    matter = matter_access(request.user, matter_id)
    return run_step(
        request,
        lambda: _act(request, matter, action),
        back=reverse("matters:matter", args=[matter.pk]),
        done=_matter_done(matter, action),
    )


def _matter_done(matter: Matter, action: str) -> str:
    """The sentence that says what a step did to the matter."""
    words = {"code": matter.tracking_code}
    if action == MatterActions.ASSIGN:
        return _("Matter %(code)s is assigned.") % words
    if action == MatterActions.ANSWER:
        return _("Your answer to matter %(code)s is recorded; the resident can read it.") % words
    if action == MatterActions.CLOSE:
        return _("Matter %(code)s is closed.") % words
    return _("Matter %(code)s is reopened.") % words


# The three rates ---------------------------------------------------------------------------------


@only_for(can_read_rates)
def rates_page(request: HttpRequest) -> HttpResponse:
    """Response, on-time and satisfaction rates per community, per subdistrict and in total,
    for a month, a quarter, a year or any range of days."""
    form = PeriodForm(request.GET or None)
    start, end = form.bounds(clock.today())
    communities = communities_with_figures_for(request.user).order_by("path")
    rows = matter_rates(communities=communities, start=start, end=end)
    return render(
        request,
        "matters/rates.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "subdistricts": matter_rates_by_subdistrict(rows),
            "total_rows": [matter_rates_total(rows, name=_("All communities shown"))],
        },
    )


urlpatterns = [
    path("matters/", matter_list_page, name="matters"),
    path("matters/new/", matter_new, name="matter_new"),
    path("matters/new/find/", matter_new_find, name="matter_new_find"),
    path("matters/export.xlsx", matter_export, name="matter_export"),
    path("matters/<int:matter_id>/", matter_detail, name="matter"),
    path("matters/<int:matter_id>/reveal-phone/", matter_reveal_phone, name="matter_reveal_phone"),
    # Only the workflow's actions: any other answers 404 as an unknown address.
    path(
        f"matters/<int:matter_id>/{one_of('matter_step', STEPS)}/",
        matter_step,
        name="matter_step",
    ),
    path("rates/", rates_page, name="rates"),
]
