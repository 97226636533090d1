"""Forms of the activity and programme pages, and of the public sign-up page.

Every form that creates something carries a one-time token (`http.formtokens`): a double
submit creates one activity, programme, session or enrolment, the public sign-up's included."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.http.formtokens import FORM_TOKEN_FIELD, OneTimeFormMixin
from communitygate.programmes.services.programmes import ActivityFields, ProgrammeFields
from communitygate.registry.forms.widgets import IsoDateInput

DATE = IsoDateInput()
TIME = forms.TimeInput(attrs={"type": "time"})
TEXT = forms.Textarea(attrs={"rows": 3})


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


class PublicSignUpForm(OneTimeFormMixin, SignUpForm):
    """A guardian's sign-up without signing in: it is never taken without its form token."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FORM_TOKEN_FIELD].required = True


class AttendanceForm(forms.Form):
    """The ticked children of one session."""

    present = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, enrolment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(pk, pk) for pk in enrolment_ids]  # type: ignore[attr-defined]
