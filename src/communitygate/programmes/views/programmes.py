"""Pages: activities (活动) and programmes (项目, e.g. the after-school club 放学回来吧).

Staff of a community create and run them; the subdistrict reads. Guardians' phones show masked.
The public pages list the programmes open for online sign-up and take a sign-up without
signing in: the confirmation says enrolled or the waiting-list position, and nothing else.
Every form that creates something, the public sign-up included, carries a one-time token
(`http.formtokens`, `@replay_on_resubmit`): a double submit shows the first sign-up (and the
service itself returns the existing enrolment for the same child and guardian phone). Sign-ups
are limited per address and per guardian's phone (`http.ratelimits`: 429 past the limit)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communitygate.accounts.permissions import staffed_community_ids, works_in_a_community
from communitygate.core import clock
from communitygate.core.errors import RuleBroken
from communitygate.http.formtokens import replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import (
    form_errors_to_messages,
    rule_broken_to_form,
)
from communitygate.http.ratelimits import attempt_counted
from communitygate.http.steps import run_create, run_step
from communitygate.programmes.forms.programmes import (
    ActivityForm,
    AttendanceCountForm,
    AttendanceForm,
    CancelForm,
    ProgrammeForm,
    ProgrammeSessionForm,
    PublicSignUpForm,
    StaffSignUpForm,
)
from communitygate.programmes.models import Enrolment, EnrolmentStatuses, Programme
from communitygate.programmes.selectors.programmes import (
    access_activity,
    access_enrolment,
    access_programme,
    activity_list,
    activity_over_capacity,
    enrolled_ids,
    enrolment_of,
    programme_list,
    programme_roster,
    programmes_open_for_signup,
    public_programme_get,
    session_of,
    waiting_position,
)
from communitygate.programmes.services.programmes import (
    activity_cancel,
    activity_create,
    activity_record_attendance,
    attendance_record,
    enrolment_sign_up,
    enrolment_withdraw,
    programme_close,
    programme_create,
    session_add,
)
from communitygate.registry.permissions import communities_staffed_by, works_in

LIST_LIMIT = 300


def _run(request: HttpRequest, act: Any, back: str, done: str) -> HttpResponse:
    """Run one service from a page: the sentence `done` saying what happened, or the broken
    rule's message; back to `back`."""
    return run_step(request, act, back=back, done=done)


def _community_choices(request: HttpRequest) -> dict[str, Any]:
    return {c.code: c for c in communities_staffed_by(request.user).order_by("path")}


# Activities ----------------------------------------------------------------------------------------


@login_required
@require_GET
def activity_list_page(request: HttpRequest) -> HttpResponse:
    activities = list(activity_list(request.user)[:LIST_LIMIT])
    return render(
        request,
        "programmes/activity_list.html",
        {"activities": activities, "can_create": bool(staffed_community_ids(request.user))},
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def activity_new(request: HttpRequest) -> HttpResponse:
    communities = _community_choices(request)
    form = ActivityForm(
        request.POST or None, communities=[(k, c.name) for k, c in communities.items()]
    )
    created = run_create(
        request,
        form,
        lambda: activity_create(
            actor=request.user,
            community=communities[form.cleaned_data["community"]],
            fields=form.activity_fields(),
        ),
        success=_("Activity created."),
        redirect_to=lambda activity: reverse("programmes:activity", args=[activity.pk]),
    )
    return created or render(request, "programmes/activity_form.html", {"form": form})


@login_required
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    return render(
        request,
        "programmes/activity_detail.html",
        {
            "activity": activity,
            "can_act": works_in(request.user, activity.community_id) and not activity.cancelled,
            "over_capacity": activity_over_capacity(activity),
            "attendance_form": AttendanceCountForm(initial={"attendance": activity.attendance}),
            "cancel_form": CancelForm(),
            "happened": activity.held_on <= clock.today(),
        },
    )


@login_required
@require_POST
def activity_attendance(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    back = reverse("programmes:activity", args=[activity.pk])
    form = AttendanceCountForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    response = _run(
        request,
        lambda: activity_record_attendance(
            actor=request.user, activity=activity, attendance=form.cleaned_data["attendance"]
        ),
        back,
        _("The attendance of “%(title)s” is recorded: %(count)s people.")
        % {"title": activity.title, "count": form.cleaned_data["attendance"]},
    )
    activity.refresh_from_db()
    if activity_over_capacity(activity):
        messages.warning(
            request,
            _("More people came than the planned capacity; check the place was safe for them."),
        )
    return response


@login_required
@require_POST
def activity_cancel_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        lambda: activity_cancel(actor=request.user, activity=activity, reason=reason),
        reverse("programmes:activity", args=[activity.pk]),
        _("The activity “%(title)s” is cancelled.") % {"title": activity.title},
    )


# Programmes (staff) --------------------------------------------------------------------------------


@login_required
@require_GET
def programme_list_page(request: HttpRequest) -> HttpResponse:
    programmes = list(programme_list(request.user)[:LIST_LIMIT])
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes, "can_create": bool(staffed_community_ids(request.user))},
    )


@only_for(works_in_a_community)
@replay_on_resubmit
def programme_new(request: HttpRequest) -> HttpResponse:
    communities = _community_choices(request)
    form = ProgrammeForm(
        request.POST or None,
        communities=[(k, c.name) for k, c in communities.items()],
        initial={"public_signup": True},
    )
    created = run_create(
        request,
        form,
        lambda: programme_create(
            actor=request.user,
            community=communities[form.cleaned_data["community"]],
            fields=form.programme_fields(),
        ),
        success=_("Programme created."),
        redirect_to=lambda programme: reverse("programmes:programme", args=[programme.pk]),
    )
    return created or render(request, "programmes/programme_form.html", {"form": form})


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    roster = programme_roster(programme)
    grid = [(session, roster.attendance_of(session.pk)) for session in roster.sessions]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "roster": roster,
            "grid": grid,
            "can_act": works_in(request.user, programme.community_id) and not programme.closed,
            "session_form": ProgrammeSessionForm(),
            "signup_form": StaffSignUpForm(),
        },
    )


def _programme_action(request: HttpRequest, programme_id: int) -> tuple[Programme, str]:
    programme = access_programme(request.user, programme_id)
    return programme, reverse("programmes:programme", args=[programme.pk])


@login_required
@require_POST
@replay_on_resubmit
def programme_session_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, back = _programme_action(request, programme_id)
    form = ProgrammeSessionForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    return _run(
        request,
        lambda: session_add(actor=request.user, programme=programme, **form.cleaned_data),
        back,
        _("A session of “%(title)s” is added.") % {"title": programme.title},
    )


@login_required
@require_POST
@replay_on_resubmit
def programme_enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, back = _programme_action(request, programme_id)
    form = StaffSignUpForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    return _run(
        request,
        lambda: enrolment_sign_up(
            actor=request.user, programme=programme, online=False, **form.cleaned_data
        ),
        back,
        _("%(child)s is signed up for “%(title)s”.")
        % {"child": form.cleaned_data.get("child_name", ""), "title": programme.title},
    )


@login_required
@require_POST
def programme_close_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme, back = _programme_action(request, programme_id)
    return _run(
        request,
        lambda: programme_close(actor=request.user, programme=programme),
        back,
        _("The programme “%(title)s” is closed.") % {"title": programme.title},
    )


@login_required
@require_POST
def programme_attendance(request: HttpRequest, programme_id: int, session_id: int) -> HttpResponse:
    programme, back = _programme_action(request, programme_id)
    session = session_of(programme, session_id)
    form = AttendanceForm(
        request.POST,
        enrolment_ids=enrolled_ids(programme),
    )
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(back)
    return _run(
        request,
        lambda: attendance_record(
            actor=request.user,
            session=session,
            present_enrolment_ids=form.cleaned_data["present"],
        ),
        back,
        _("The attendance of the session on %(date)s is recorded: %(count)s present.")
        % {
            "date": date_format(session.held_on, "DATE_FORMAT"),
            "count": len(form.cleaned_data["present"]),
        },
    )


@login_required
@require_POST
def enrolment_withdraw_page(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment: Enrolment = access_enrolment(request.user, enrolment_id)
    return _run(
        request,
        lambda: enrolment_withdraw(actor=request.user, enrolment=enrolment),
        reverse("programmes:programme", args=[enrolment.programme_id]),
        _("%(child)s is withdrawn from the programme.") % {"child": enrolment.child_name},
    )


# The public sign-up pages --------------------------------------------------------------------------


@require_GET
def public_programme_list(request: HttpRequest) -> HttpResponse:
    community = request.GET.get("community", "")[:20]
    programmes = list(programmes_open_for_signup(community_code=community)[:LIST_LIMIT])
    return render(
        request,
        "programmes/public_programme_list.html",
        {"programmes": programmes, "community": community},
    )


def _public_programme(programme_id: int) -> Programme:
    return public_programme_get(programme_id)


@require_http_methods(["GET", "POST"])
@replay_on_resubmit
def public_programme_signup(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _public_programme(programme_id)
    form = PublicSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt_counted(request, "signup", phone=data["guardian_phone"])  # 429 past the limit
        try:
            enrolment = enrolment_sign_up(
                programme=programme,
                child_name=data["child_name"],
                child_birth_date=data["child_birth_date"],
                guardian_name=data["guardian_name"],
                guardian_phone=data["guardian_phone"],
                online=True,
            )
        except RuleBroken as broken:
            rule_broken_to_form(form, broken)
        else:
            request.session["residents_public_last_signup"] = enrolment.pk
            return redirect("programmes_public:programme_signed_up", programme_id=programme.pk)
    return render(
        request,
        "programmes/public_programme_signup.html",
        {
            "programme": programme,
            "form": form,
            "places_left": max(programme.capacity - getattr(programme, "enrolled_count", 0), 0),
        },
    )


@require_GET
def public_programme_signed_up(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The confirmation, for the browser that signed up only: enrolled, or the position on the
    waiting list. No name, no phone."""
    enrolment_id = request.session.get("residents_public_last_signup")
    enrolment = enrolment_of(programme_id, enrolment_id) if enrolment_id else None
    if enrolment is None:
        return redirect("programmes_public:programmes")
    return render(
        request,
        "programmes/public_programme_done.html",
        {
            "programme": enrolment.programme,
            "enrolled": enrolment.status == EnrolmentStatuses.ENROLLED,
            "position": waiting_position(enrolment),
        },
    )


urlpatterns: list[URLPattern] = [
    path("activities/", activity_list_page, name="activities"),
    path("activities/new/", activity_new, name="activity_new"),
    path("activities/<int:activity_id>/", activity_detail, name="activity"),
    path(
        "activities/<int:activity_id>/attendance/",
        activity_attendance,
        name="activity_attendance",
    ),
    path("activities/<int:activity_id>/cancel/", activity_cancel_page, name="activity_cancel"),
    path("programmes/", programme_list_page, name="programmes"),
    path("programmes/new/", programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", programme_detail, name="programme"),
    path(
        "programmes/<int:programme_id>/sessions/",
        programme_session_add,
        name="programme_session_add",
    ),
    path("programmes/<int:programme_id>/enrol/", programme_enrol, name="programme_enrol"),
    path("programmes/<int:programme_id>/close/", programme_close_page, name="programme_close"),
    path(
        "programmes/<int:programme_id>/sessions/<int:session_id>/attendance/",
        programme_attendance,
        name="programme_attendance",
    ),
    path(
        "enrolments/<int:enrolment_id>/withdraw/",
        enrolment_withdraw_page,
        name="enrolment_withdraw",
    ),
]

public_urlpatterns: list[URLPattern] = [
    path("programmes/", public_programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", public_programme_signup, name="programme"),
    path(
        "programmes/<int:programme_id>/signed-up/",
        public_programme_signed_up,
        name="programme_signed_up",
    ),
]
