"""Forms of the activity and programme pages, and of the public sign-up page.

The staff forms that create something carry a one-time token (`core.formtokens`): a double
submit creates one activity, programme, session or enrolment. The public sign-up has its own
signed token (below), remembered by the browser's session."""

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from communitygate.core.formtokens import OneTimeFormMixin
from communitygate.residents.forms.widgets import IsoDateInput
from communitygate.residents.services.programmes import ActivityFields, ProgrammeFields

DATE = IsoDateInput()
TIME = forms.TimeInput(attrs={"type": "time"})
TEXT = forms.Textarea(attrs={"rows": 3})
SIGNUP_SALT = "residents.public-signup"
SIGNUP_TOKEN_MAX_AGE = 6 * 3600  # a form left open over an afternoon still submits


class ActivityForm(OneTimeFormMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]

    def activity_fields(self) -> ActivityFields:
        data = self.cleaned_data
        return ActivityFields(
            title=data["title"],
            held_on=data["held_on"],
            place=data["place"],
            capacity=data["capacity"],
            starts_at=data["starts_at"],
            description=data["description"],
        )


class AttendanceCountForm(forms.Form):
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, max_value=1_000_000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ProgrammeForm(OneTimeFormMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100_000)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    min_age = forms.IntegerField(
        label=_("Youngest age"), min_value=0, max_value=120, required=False
    )
    max_age = forms.IntegerField(label=_("Oldest age"), min_value=0, max_value=120, required=False)
    public_signup = forms.BooleanField(label=_("Open to public sign-up"), required=False)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]

    def programme_fields(self) -> ProgrammeFields:
        data = self.cleaned_data
        return ProgrammeFields(
            title=data["title"],
            place=data["place"],
            capacity=data["capacity"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            description=data["description"],
            min_age=data["min_age"],
            max_age=data["max_age"],
            public_signup=data["public_signup"],
        )


class ProgrammeSessionForm(OneTimeFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


class SignUpForm(forms.Form):
    """A child's sign-up: by staff, or by a guardian on the public page (with `token`)."""

    child_name = forms.CharField(label=_("Child's name"), max_length=50)
    child_birth_date = forms.DateField(label=_("Child's birth date"), widget=DATE, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=50)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=30)


class StaffSignUpForm(OneTimeFormMixin, SignUpForm):
    """A sign-up entered by the programme's staff."""


class PublicSignUpForm(SignUpForm):
    # One token per form shown: a second submit of the same form finds the first sign-up.
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id = programme_id
        if not self.is_bound:
            self.fields["token"].initial = new_signup_token(programme_id)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if signup_token_programme(token) != self.programme_id:
            raise forms.ValidationError(
                _("This form has expired. Reload the page and fill it in again.")
            )
        return str(token)


def new_signup_token(programme_id: int) -> str:
    import secrets

    return signing.TimestampSigner(salt=SIGNUP_SALT).sign_object(
        {"p": programme_id, "n": secrets.token_hex(8)}
    )


def signup_token_programme(token: str) -> int | None:
    try:
        value = signing.TimestampSigner(salt=SIGNUP_SALT).unsign_object(
            token, max_age=SIGNUP_TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        return None
    return value.get("p") if isinstance(value, dict) else None


class AttendanceForm(forms.Form):
    """The ticked children of one session."""

    present = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, enrolment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(pk, pk) for pk in enrolment_ids]  # type: ignore[attr-defined]
