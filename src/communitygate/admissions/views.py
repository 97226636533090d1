"""Admission pages: departments file and follow applications, consulted bodies vote, the office
runs rounds and reviews, the committee decides; the public reads the decisions.

Views parse input, fetch through the access helpers, call one service, and render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communitygate.accounts.permissions import (
    department_staff_grants,
    is_office_staff,
)
from communitygate.admissions.attachments import (
    attachment_add,
    attachment_of,
    attachment_withdraw,
    attachments_of,
)
from communitygate.admissions.forms import (
    ApplicationForm,
    BallotForm,
    CloseConsultationForm,
    DecisionForm,
    OpenConsultationForm,
    ReasonForm,
    ReviewForm,
    application_form_initial,
    record_choices,
)
from communitygate.admissions.models import Application, ApplicationStatuses, ReviewRound
from communitygate.admissions.permissions import (
    access_application,
    access_application_to_edit,
    applications_visible_to,
    can_file_applications,
    can_file_for,
    voting_bodies_of,
)
from communitygate.admissions.printing import application_form_pdf
from communitygate.admissions.round_timing import DECIDE, OPEN, round_step_window
from communitygate.admissions.selectors import (
    ApplicationFilters,
    application_ballots,
    application_burden,
    application_standing,
    applications_filtered,
    committee_members_for_meeting,
    consultation_is_open,
    meeting_of,
    public_decision_get,
    public_decisions,
    round_close_outlook,
    round_get,
    round_history,
    round_list,
    standings_for,
)
from communitygate.admissions.services import (
    MeetingRecord,
    NotConsulted,
    application_create,
    application_decide,
    application_review,
    application_revise,
    application_submit,
    application_urgent_approve,
    application_withdraw,
    ballot_cast,
    round_close_consultation,
    round_open_consultation,
)
from communitygate.admissions.workflow import (
    APPLICATION,
    DECISION_ACTIONS,
    REVIEW_ACTIONS,
    REVIEW_ROUND,
)
from communitygate.catalog.selectors import (
    ledgers_active,
    plaques_active,
    published_items_admitted_by,
)
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, Problem, RuleBroken
from communitygate.http.confirm import confirm_page, is_confirmed
from communitygate.http.formtokens import new_form_token, replay_on_resubmit
from communitygate.http.guards import only_for
from communitygate.http.pages import found_or_none, rule_broken_to_form, rule_broken_to_messages
from communitygate.http.steps import run_create, run_step
from communitygate.orgs.models import Organisation, OrganisationKinds


def _application_form(
    request: HttpRequest,
    *,
    applicants: list[tuple[str, str]],
    initial: dict[str, Any] | None = None,
) -> ApplicationForm:
    """The application form, its ledgers and plaques offered from the catalog's records."""
    return ApplicationForm(
        request.POST or None,
        initial=initial,
        applicants=applicants,
        ledgers=record_choices(ledgers_active().order_by("code")),
        plaques=record_choices(plaques_active().order_by("code")),
    )


def _applicant_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (grant.organisation_code, grant.organisation_name)
        for grant in department_staff_grants(request.user)
    ]


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    filters = ApplicationFilters(
        status=get.get("status", ""),
        applicant=get.get("applicant", "")[:32],
        vote=get.get("vote", "")[:32],
        urgent=get.get("urgent") == "1",
    )
    applications = list(
        applications_filtered(applications_visible_to(request.user), filters, clock.now())
        .select_related("applicant", "review_round")
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "admissions/application_list.html",
        {
            "applications": applications,
            "standings": standings_for(applications),
            "can_file": bool(_applicant_choices(request)),
            "is_office": is_office_staff(request.user),
            "filtered": filters != ApplicationFilters(),
            "status_filter": dict(ApplicationStatuses.choices).get(filters.status, ""),
        },
    )


@only_for(can_file_applications)
@replay_on_resubmit
def application_new(request: HttpRequest) -> HttpResponse:
    applicants = _applicant_choices(request)
    form = _application_form(request, applicants=applicants)
    created = run_create(
        request,
        form,
        lambda: application_create(
            actor=request.user,
            applicant=Organisation.objects.get(code=form.cleaned_data["applicant"]),
            fields=form.application_fields(),
        ),
        success=lambda application: (
            _("Application %(number)s saved as a draft.") % {"number": application.number}
        ),
        redirect_to=lambda application: reverse("admissions:detail", args=[application.pk]),
    )
    return created or render(
        request, "admissions/application_form.html", {"form": form, "application": None}
    )


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_to_edit(request.user, application_id)
    form = _application_form(
        request,
        initial=application_form_initial(application),
        applicants=[(application.applicant.code, application.applicant.name)],
    )
    saved = run_create(
        request,
        form,
        lambda: application_revise(
            actor=request.user,
            application=application,
            fields=form.application_fields(),
            expected_revision=form.cleaned_data["revision"] or application.revision,
        ),
        success=lambda revised: (
            _("The changes to application %(number)s are saved.") % {"number": revised.number}
        ),
        redirect_to=reverse("admissions:detail", args=[application.pk]),
    )
    return saved or render(
        request, "admissions/application_form.html", {"form": form, "application": application}
    )


def _detail_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    user = request.user
    voting = Organisation.objects.filter(
        pk__in=voting_bodies_of(user), ballots__application=application
    )
    bodies = [(body.code, body.name) for body in voting]
    social_orgs = [
        (org.code, org.name)
        for org in Organisation.objects.filter(kind=OrganisationKinds.SOCIAL_ORG)
    ]
    is_applicant = can_file_for(user, application.applicant)
    status = application.status
    steps = APPLICATION.actions_for(user, application)
    return {
        "application": application,
        "standing": application_standing(application),
        "meeting": meeting_of(application),
        "burden": application_burden(application),
        "ballots": application_ballots(application),
        "attachments": attachments_of(application),
        "is_applicant": is_applicant,
        "can_edit": is_applicant
        and status in (ApplicationStatuses.DRAFT, ApplicationStatuses.RETURNED),
        "can_submit": "submit" in steps,
        "can_withdraw": "withdraw" in steps,
        "can_vote": bool(bodies)
        and status == ApplicationStatuses.CONSULTING
        and consultation_is_open(application.review_round, clock.now()),
        "can_review": any(action in steps for action in REVIEW_ACTIONS),
        "can_decide": any(action in steps for action in DECISION_ACTIONS),
        "can_urgent_approve": "urgent_approve" in steps,
        "ballot_form": BallotForm(bodies=bodies),
        "review_form": ReviewForm(social_orgs=social_orgs),
        "decision_form": DecisionForm(
            members=committee_members_for_meeting(clock.today()) if "approve" in steps else [],
            initial={"held_on": clock.today()},
        ),
        "reason_form": ReasonForm(),
        "attach_token": new_form_token(),
    }


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    return render(
        request, "admissions/application_detail.html", _detail_context(request, application)
    )


@login_required
def application_pdf(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    content = application_form_pdf(application, application_standing(application))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
    return response


# An application's steps as its page names them; the URL names one of these (`urls.py`), so any
# other answers 404 as an unknown address.
APPLICATION_STEPS = ("submit", "withdraw", "vote", "review", "decide", "urgent-approve")
# A review round's steps (the office's): open and close its consultation.
ROUND_STEPS = ("open", "close")


def _act(request: HttpRequest, application: Application, action: str) -> None:
    """Run the service of one action from its form; raise RuleBroken as the services do."""
    user = request.user
    if action == "submit":
        application_submit(actor=user, application=application)
    elif action == "withdraw":
        form = ReasonForm(request.POST)
        application_withdraw(
            actor=user, application=application, reason=form.data.get("reason", "")
        )
    elif action == "vote":
        bodies = [
            (b.code, b.name) for b in Organisation.objects.filter(pk__in=voting_bodies_of(user))
        ]
        ballot = BallotForm(request.POST, bodies=bodies)
        if not ballot.is_valid():
            if "body" in ballot.errors:
                raise NotConsulted()  # not a body this person votes for (or none at all)
            raise InvalidInput([])
        body = Organisation.objects.get(code=ballot.cleaned_data["body"])
        ballot_cast(
            actor=user,
            application=application,
            body=body,
            vote=ballot.cleaned_data["vote"],
            comment=ballot.cleaned_data["comment"],
        )
    elif action == "review":
        code = request.POST.get("social_org") or ""
        social_org = Organisation.objects.filter(code=code).first() if code else None
        application_review(
            actor=user,
            application=application,
            action=request.POST.get("action", ""),
            opinion=request.POST.get("opinion", ""),
            social_org=social_org,
        )
    elif action == "decide":
        meeting = DecisionForm(request.POST, members=committee_members_for_meeting(clock.today()))
        if not meeting.is_valid():
            raise InvalidInput(
                [
                    Problem("请填写会议日期（年-月-日）。", "Give the meeting's date.", field=name)
                    if name == "held_on"
                    else Problem("请检查此项。", "Check this field.", field=name)
                    for name in meeting.errors
                ]
            )
        application_decide(
            actor=user,
            application=application,
            meeting=MeetingRecord(
                held_on=meeting.cleaned_data["held_on"], votes=meeting.member_votes()
            ),
            reason=meeting.cleaned_data["reason"],
        )
    else:  # "urgent-approve": the URL names no other step (APPLICATION_STEPS)
        application_urgent_approve(
            actor=user, application=application, reason=request.POST.get("reason", "")
        )


@login_required
@require_POST
def application_action(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    application = access_application(request.user, application_id)
    return run_step(
        request,
        lambda: _act(request, application, action),
        back=reverse("admissions:detail", args=[application.pk]),
        done=lambda _acted: _application_done(request, application.pk, action),
    )


def _application_done(request: HttpRequest, application_id: int, action: str) -> str:
    """The sentence that says what a step did to the application, with the state it is in now."""
    application = access_application(request.user, application_id)
    words = {"number": application.number, "status": application.get_status_display()}
    if action == "vote":
        return _("Your vote on application %(number)s is recorded.") % words
    if action == "withdraw":
        return _("Application %(number)s is withdrawn.") % words
    if action == "submit" and application.review_round is not None:
        review_round = application.review_round
        opens, _last = round_step_window(review_round.year, review_round.month, OPEN)
        _first, decided_by = round_step_window(review_round.year, review_round.month, DECIDE)
        return _(
            "Application %(number)s is submitted and waits for the %(round)s round: its "
            "consultation opens no earlier than %(opens)s and the committee decides by "
            "%(decided_by)s."
        ) % {
            **words,
            "round": str(review_round),
            "opens": date_format(opens, "DATE_FORMAT"),
            "decided_by": date_format(decided_by, "DATE_FORMAT"),
        }
    if action == "submit":
        return _("Application %(number)s is submitted; it is now: %(status)s.") % words
    return _("Application %(number)s is now: %(status)s.") % words


@login_required
def rounds_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "admissions/rounds.html",
        {"rounds": round_list(), "is_office": is_office_staff(request.user)},
    )


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    review_round = round_get(round_id)
    applications = list(
        applications_visible_to(request.user)
        .filter(review_round=review_round)
        .select_related("applicant", "review_round")
        .order_by("number")
    )
    return render(
        request,
        "admissions/round_detail.html",
        {
            "round": review_round,
            "applications": applications,
            "standings": standings_for(applications),
            "steps": REVIEW_ROUND.actions_for(request.user, review_round),
            "open_form": OpenConsultationForm(),
            "history": list(round_history(review_round)),
            "opens": round_step_window(review_round.year, review_round.month, OPEN),
            "decided_by": round_step_window(review_round.year, review_round.month, DECIDE)[1],
        },
    )


@only_for(is_office_staff)
@require_POST
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    review_round = round_get(round_id)
    if action == "close":  # the URL names no other step than these two (ROUND_STEPS)
        return _round_close(request, review_round)
    form = OpenConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the consultation deadline."))
        return redirect("admissions:round", round_id=round_id)
    deadline = form.cleaned_data["deadline"]
    return run_step(
        request,
        lambda: round_open_consultation(
            actor=request.user, review_round=review_round, deadline=deadline
        ),
        back=reverse("admissions:round", args=[round_id]),
        done=_("The consultation of round %(round)s is open until %(deadline)s (Beijing time).")
        % {
            "round": review_round,
            "deadline": date_format(timezone.localtime(deadline), "DATETIME_FORMAT"),
        },
    )


def _round_close(request: HttpRequest, review_round: ReviewRound) -> HttpResponse:
    """Closing asks first (http.confirm): the page says whether it is early, how many votes
    were cast and how many can no longer be; an early close needs a reason (recorded), which
    the service asks for beside its field. Then a sentence says what happened."""
    back = reverse("admissions:round", args=[review_round.pk])
    REVIEW_ROUND.authorise(request.user, review_round, "close_consultation")  # else 403
    outlook = round_close_outlook(review_round)
    words = {
        "round": review_round,
        "applications": outlook.applications,
        "cast": outlook.cast,
        "uncast": outlook.uncast,
        "approve": outlook.approve,
        "reject": outlook.reject,
        "abstain": outlook.abstain,
        "deadline": date_format(timezone.localtime(outlook.deadline), "DATETIME_FORMAT")
        if outlook.deadline
        else "—",
    }
    form = CloseConsultationForm(request.POST if is_confirmed(request) else None)
    if is_confirmed(request) and form.is_valid():
        try:
            round_close_consultation(
                actor=request.user, review_round=review_round, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as broken:
            rule_broken_to_form(form, broken)
        except RuleBroken as broken:
            rule_broken_to_messages(request, broken)
            return redirect(back)
        else:
            if outlook.early:
                done = _(
                    "The consultation of round %(round)s was closed early with the reason "
                    "recorded: %(cast)s votes were cast and %(uncast)s can no longer be."
                )
            else:
                done = _(
                    "The consultation of round %(round)s is closed: %(cast)s votes were cast "
                    "on %(applications)s applications, which go to the office's review."
                )
            messages.success(request, done % words)
            return redirect(back)
    facts = [
        _("Applications in consultation: %(applications)s.") % words,
        _(
            "Votes so far: %(cast)s (approve %(approve)s, reject %(reject)s, abstain "
            "%(abstain)s); not yet cast: %(uncast)s."
        )
        % words,
    ]
    if outlook.early and outlook.uncast == 0:
        facts.append(
            _(
                "The deadline is %(deadline)s (Beijing time): closing now is early, but every "
                "consulted body has voted, so no reason is needed (you may give one; it is shown "
                "on the round's decisions)."
            )
            % words
        )
    elif outlook.early:
        facts.append(
            _(
                "The deadline is %(deadline)s (Beijing time): closing now is early, and the "
                "%(uncast)s ballots not yet cast can no longer be cast. Give the reason; it is "
                "recorded in the round's history."
            )
            % words
        )
    else:
        facts.append(_("The deadline %(deadline)s (Beijing time) has passed.") % words)
    return confirm_page(
        request,
        title=_("Close the consultation of round %(round)s?") % words,
        facts=facts,
        action=reverse("admissions:round_action", args=[review_round.pk, "close"]),
        back=back,
        button=_("Yes, close the consultation early")
        if outlook.early
        else _("Yes, close the consultation"),
        form=form if outlook.early else None,
    )


def decisions_page(request: HttpRequest) -> HttpResponse:
    """Public: every decided application with its tally, decision and reasons."""
    applications = list(public_decisions()[:500])
    return render(
        request,
        "admissions/decisions.html",
        {"applications": applications, "standings": standings_for(applications)},
    )


def decision_detail(request: HttpRequest, number: str) -> HttpResponse:
    application = found_or_none(public_decision_get, number)
    if application is None:
        # A document older than the platform (市北准入〔2014〕166号) is still the decision its
        # items cite: the page says so and lists them; a number nothing cites is not a page.
        admitted = published_items_admitted_by(number)
        return render(
            request,
            "admissions/decision_missing.html",
            {"number": number, "admitted": admitted},
            status=200 if admitted else 404,
        )
    return render(
        request,
        "admissions/decision_detail.html",
        {
            "application": application,
            "standing": application_standing(application),
            "meeting": meeting_of(application),
        },
    )


@login_required
@require_POST
@replay_on_resubmit
def attachment_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    upload = request.FILES.get("file")

    def add() -> None:
        if upload is None:
            raise InvalidInput([Problem("请选择文件。", "Choose a file.", field="file")])
        attachment_add(
            actor=request.user,
            application=application,
            filename=upload.name or "",
            content=upload.read(),
        )

    return run_step(
        request,
        add,
        back=reverse("admissions:detail", args=[application.pk]),
        done=_("Attachment added."),
    )


@login_required
def attachment_download(
    request: HttpRequest, application_id: int, attachment_id: int
) -> FileResponse:
    application = access_application(request.user, application_id)
    attachment = attachment_of(application, attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_remove(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    application = access_application(request.user, application_id)
    attachment = attachment_of(application, attachment_id)
    try:
        attachment_withdraw(actor=request.user, attachment=attachment)
    except RuleBroken as broken:
        rule_broken_to_messages(request, broken)
    return redirect("admissions:detail", application_id=application.pk)
