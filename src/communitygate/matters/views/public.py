"""Public pages (no sign-in): a resident files a matter (民情事项) online, looks it up by its
tracking code and the last four digits of the phone they gave, and rates the answer.

The status page shows nothing personal: no name, no phone, no description — only the category,
the dates, the status and the community's answer. A wrong code and wrong digits answer the same
"not found", and failed lookups are throttled per address (`residents.throttling`: each lookup
counts before it runs and is given back when it finds the matter). Filing carries a one-time
form token (`http.formtokens`), so a double submit files one matter; filings are limited per
address and per phone (`http.ratelimits`: 429 past the limit)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communitygate.core.errors import RuleBroken
from communitygate.http.formtokens import new_form_token, replay_on_resubmit
from communitygate.http.pages import found_or_none, rule_broken_to_form
from communitygate.http.ratelimits import attempt_counted
from communitygate.matters.forms.public import MatterFileForm, RateForm, TrackForm
from communitygate.matters.models import MatterChannels, Ratings
from communitygate.matters.selectors.matters import (
    PublicMatterStatus,
    matter_public_status,
    normalise_tracking_code,
)
from communitygate.matters.services.matters import (
    MatterIntake,
    PhotoUpload,
    matter_rate,
    matter_submit_public,
)
from communitygate.matters.throttling import TooManyLookups, lookups_refund, lookups_reserve

# The session remembers what this browser has proven: the code it filed, and the codes it has
# looked up with the right digits (so that a redirect after rating can show the status again).
FILED_KEY = "residents_public_filed"
PROVEN_KEY = "residents_public_proven"
PROVEN_KEEP = 20


def _remember(request: HttpRequest, tracking_code: str, phone_last4: str) -> None:
    proven: dict[str, str] = dict(request.session.get(PROVEN_KEY, {}))
    proven.pop(tracking_code, None)
    proven[tracking_code] = phone_last4
    request.session[PROVEN_KEY] = dict(list(proven.items())[-PROVEN_KEEP:])


def _not_found_message() -> str:
    return _(
        "No matter matches this tracking code and these digits. Check both and try again; "
        "the digits are the last four of the phone you gave when you filed it."
    )


def _too_many(request: HttpRequest, form: TrackForm, broken: TooManyLookups) -> HttpResponse:
    return render(
        request,
        "matters/public_track.html",
        {"form": form, "throttled": broken.page_message},
        status=broken.status,
    )


def _status_page(
    request: HttpRequest,
    status: PublicMatterStatus,
    phone_last4: str,
    rate_form: RateForm | None = None,
) -> HttpResponse:
    if rate_form is None and status.can_rate:
        rate_form = RateForm(
            initial={"tracking_code": status.tracking_code, "phone_last4": phone_last4}
        )
    return render(
        request,
        "matters/public_status.html",
        {"matter": status, "rate_form": rate_form if status.can_rate else None},
    )


# Filing ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@replay_on_resubmit
def matter_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "community": request.GET.get("community", "")}
        return render(request, "matters/public_new.html", {"form": MatterFileForm(initial=initial)})
    form = MatterFileForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        attempt_counted(request, "filing", phone=data["phone"])  # 429 page past the limit
        intake = MatterIntake(
            community_code=data["community"],
            category_code=data["category"],
            summary=data["summary"],
            description=data["description"],
            location=data["location"],
            contact_name=data["contact_name"],
            phone=data["phone"],
            channel=MatterChannels.ONLINE,
        )
        photos = tuple(PhotoUpload(photo.name, photo.read()) for photo in data["photos"])
        try:
            matter = matter_submit_public(intake=intake, photos=photos)
        except RuleBroken as broken:
            rule_broken_to_form(form, broken)
        else:
            request.session[FILED_KEY] = matter.tracking_code
            return redirect("matters_public:matter_filed")
    return render(request, "matters/public_new.html", {"form": form})


@require_http_methods(["GET"])
def matter_filed(request: HttpRequest) -> HttpResponse:
    tracking_code = request.session.get(FILED_KEY)
    if not tracking_code:
        return redirect("matters_public:matter_new")
    track_url = reverse("matters_public:matter_track") + "?" + urlencode({"code": tracking_code})
    return render(
        request,
        "matters/public_filed.html",
        {"tracking_code": tracking_code, "track_url": track_url},
    )


# Looking up and rating ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def matter_track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        code = normalise_tracking_code(request.GET.get("code", ""))
        phone_last4 = dict(request.session.get(PROVEN_KEY, {})).get(code)
        if phone_last4:
            proven = found_or_none(matter_public_status, code, phone_last4)
            if proven is not None:
                return _status_page(request, proven, phone_last4)
            # proven earlier, yet gone now: ask again
        form = TrackForm(initial={"tracking_code": code})
        return render(request, "matters/public_track.html", {"form": form})
    form = TrackForm(request.POST)
    try:
        lookups_reserve(request)
    except TooManyLookups as broken:
        return _too_many(request, form, broken)
    if not form.is_valid():
        lookups_refund(request)  # nothing was looked up
        return render(request, "matters/public_track.html", {"form": form})
    code, phone_last4 = form.cleaned_data["tracking_code"], form.cleaned_data["phone_last4"]
    status = found_or_none(matter_public_status, code, phone_last4)
    if status is None:
        form.add_error(None, _not_found_message())
        return render(request, "matters/public_track.html", {"form": form})
    lookups_refund(request)
    _remember(request, status.tracking_code, phone_last4)
    return _status_page(request, status, phone_last4)


@require_POST
def matter_rate_view(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST)
    track_form = TrackForm(request.POST)
    try:
        lookups_reserve(request)
    except TooManyLookups as broken:
        return _too_many(request, track_form, broken)
    if not track_form.is_valid():
        lookups_refund(request)  # nothing was looked up
        return render(request, "matters/public_track.html", {"form": track_form})
    code, phone_last4 = (
        track_form.cleaned_data["tracking_code"],
        track_form.cleaned_data["phone_last4"],
    )
    status = found_or_none(matter_public_status, code, phone_last4)
    if status is None:
        track_form.add_error(None, _not_found_message())
        return render(request, "matters/public_track.html", {"form": track_form})
    lookups_refund(request)
    code = status.tracking_code
    _remember(request, code, phone_last4)
    if not form.is_valid():
        return _status_page(request, status, phone_last4, rate_form=form)
    back = reverse("matters_public:matter_track") + "?" + urlencode({"code": code})
    try:
        matter_rate(
            tracking_code=code,
            phone_last4=phone_last4,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except RuleBroken as broken:
        messages.error(request, broken.page_message)
        return redirect(back)
    if form.cleaned_data["rating"] == Ratings.UNSATISFIED:
        messages.success(
            request,
            _(
                "Thank you for your rating. We are sorry the answer did not help: the matter "
                "is reopened and the community reviews it."
            ),
        )
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(back)


urlpatterns = [
    path("matters/new/", matter_new, name="matter_new"),
    path("matters/filed/", matter_filed, name="matter_filed"),
    path("matters/track/", matter_track, name="matter_track"),
    path("matters/rate/", matter_rate_view, name="matter_rate"),
]
