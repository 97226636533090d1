"""Forms of the matters pages: the quick intake and its resident search, the list's filters, the
steps and the rates' period. Forms only parse; the services decide.

A phone typed into a form is never written back into the page (`NoEchoInput`), and never
travels in a URL: the resident search takes a phone by POST only. Dates are bounded to
EARLIEST_DAY..LATEST_DAY (selectors.matters). NUL characters never reach a form (`core.inputs`)."""

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.matters.models import MatterChannels, MatterStatuses
from communitygate.matters.selectors.matters import MatterFilters, period_problems
from communitygate.matters.services.matters import (
    MAX_PHOTOS,
    STAFF_CHANNELS,
    MatterIntake,
    PhotoUpload,
)
from communitygate.registry.forms.widgets import IsoDateInput, NoEchoInput

STAFF_CHANNEL_CHOICES = [
    (value, label) for value, label in MatterChannels.choices if value in STAFF_CHANNELS
]


def offer_communities_and_categories(
    form: forms.Form, communities: list[tuple[str, str]], categories: list[tuple[str, str]]
) -> None:
    """The communities the person may record for and the categories; one community is taken as
    given (a hidden field)."""
    form.fields["community"].choices = communities  # type: ignore[attr-defined]
    form.fields["category"].choices = categories  # type: ignore[attr-defined]
    if len(communities) == 1:
        form.fields["community"].initial = communities[0][0]
        form.fields["community"].widget = forms.HiddenInput()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/png,image/jpeg"})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class IntakeForm(OneTimeFormMixin, forms.Form):
    """The quick intake (快速登记): one short screen, the summary focused, the channel a visit
    unless changed."""

    community = forms.ChoiceField(label=_("Community"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=STAFF_CHANNEL_CHOICES,
        initial=MatterChannels.VISIT,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("Category"))
    summary = forms.CharField(
        label=_("What is it about"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    contact_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    photos = MultiplePhotoField(
        label=_("Photos (PNG or JPG, at most %(count)s)") % {"count": MAX_PHOTOS}, required=False
    )

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offer_communities_and_categories(self, communities, categories)

    def intake(self) -> MatterIntake:
        data = self.cleaned_data
        return MatterIntake(
            community_code=data["community"],
            category_code=data["category"],
            summary=data["summary"],
            description=data["description"] or "",
            location=data["location"] or "",
            contact_name=data["contact_name"] or "",
            phone=data["phone"] or "",
            resident_id=data["resident"],
            channel=data["channel"],
        )

    def photo_uploads(self) -> list[PhotoUpload]:
        return [
            PhotoUpload(filename=upload.name or "", content=upload.read())
            for upload in self.cleaned_data.get("photos") or []
        ]


class IntakeSearchForm(forms.Form):
    """The quick intake's resident search: a name (by GET or POST) and, by POST only, a phone,
    within one of the person's own communities."""

    find_community = forms.ChoiceField(label=_("Community"), required=False)
    find = forms.CharField(label=_("Find a resident by name"), required=False, max_length=50)
    find_phone = forms.CharField(
        label=_("and phone (optional)"),
        required=False,
        max_length=30,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(
        self, *args: Any, communities: list[tuple[str, str]], by_phone: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["find_community"].choices = communities  # type: ignore[attr-defined]
        self.fields["find_community"].initial = communities[0][0]
        if not by_phone:
            # A phone in a query string would sit in browser history and server logs.
            del self.fields["find_phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("find") or data.get("find_phone")) and not self.errors:
            raise forms.ValidationError(_("Give a name or a phone to find."))
        return data

    def community_code(self) -> str:
        code: str = self.cleaned_data.get("find_community") or ""
        return code or str(self.fields["find_community"].initial)


class MatterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *MatterStatuses.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    community = forms.ChoiceField(label=_("Community"), required=False)
    assignee = forms.CharField(label=_("Assigned to (username)"), required=False, max_length=150)
    open = forms.BooleanField(label=_("Waiting for an answer only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    escalated = forms.BooleanField(label=_("Escalated only"), required=False)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=IsoDateInput())
    received_to = forms.DateField(label=_("Received until"), required=False, widget=IsoDateInput())
    text = forms.CharField(label=_("Text or tracking code"), required=False, max_length=100)
    # The workbench's links narrow the list to one subdistrict's communities (a code).
    subdistrict = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All")), *communities]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("Any")), *categories]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for problem in period_problems(
            data.get("received_from"),
            data.get("received_to"),
            start_field="received_from",
            end_field="received_to",
        ):
            self.add_error(problem.field, problem.page_message)
        return data

    def filters(self) -> MatterFilters:
        data = self.cleaned_data
        return MatterFilters(
            status=data.get("status") or "",
            category=data.get("category") or "",
            community=data.get("community") or "",
            assignee=data.get("assignee") or "",
            open=bool(data.get("open")),
            overdue=bool(data.get("overdue")),
            escalated=bool(data.get("escalated")),
            subdistrict=data.get("subdistrict") or "",
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            text=data.get("text") or "",
        )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = staff  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer given to the resident"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it"), max_length=500)


PERIOD_CHOICES = [
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom")),
]


class PeriodForm(forms.Form):
    """The rates' period: a month, a quarter, a year, or any range of days."""

    period = forms.ChoiceField(
        label=pgettext_lazy("rates", "Period"), choices=PERIOD_CHOICES, required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=IsoDateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for problem in period_problems(data.get("start"), data.get("end")):
            self.add_error(problem.field, problem.page_message)
        return data

    def bounds(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the chosen period (this month when nothing is chosen, or
        when the form has errors: the page shows them)."""
        data = self.cleaned_data if self.is_valid() else {}
        period = data.get("period") or "month"
        year = data.get("year") or today.year
        if period == "custom" and data.get("start") and data.get("end"):
            return data["start"], data["end"]
        if period == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if period == "quarter":
            quarter = data.get("quarter") or (today.month - 1) // 3 + 1
            first_month = 3 * (quarter - 1) + 1
            last_month = first_month + 2
            return (
                dt.date(year, first_month, 1),
                dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
            )
        month = data.get("month") or today.month
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
