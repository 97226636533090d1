"""Forms of walk-in reception (来访登记): the one quick form and the day list's filter. Forms
only parse; `services.receptions` decides. A typed phone is never written back (NoEchoInput)."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.matters.forms.matters import offer_communities_and_categories
from communitygate.matters.models import ReceptionOutcomes
from communitygate.matters.selectors.matters import EARLIEST_DAY, LATEST_DAY
from communitygate.matters.services.receptions import ReceptionIntake
from communitygate.registry.forms.widgets import IsoDateInput, NoEchoInput


class ReceptionForm(OneTimeFormMixin, forms.Form):
    """Who came, what about, and what became of it: one short screen, fifty times a day."""

    community = forms.ChoiceField(label=_("Community"))
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    visitor_name = forms.CharField(
        label=_("Visitor's name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    category = forms.ChoiceField(label=_("What about"))
    summary = forms.CharField(
        label=_("In a few words"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("reception", "Outcome"),
        choices=ReceptionOutcomes.choices,
        initial=ReceptionOutcomes.HANDLED,
        widget=forms.RadioSelect,
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

    def intake(self) -> ReceptionIntake:
        data = self.cleaned_data
        return ReceptionIntake(
            community_code=data["community"],
            category_code=data["category"],
            outcome=data["outcome"],
            visitor_name=data["visitor_name"] or "",
            phone=data["phone"] or "",
            resident_id=data["resident"],
            summary=data["summary"] or "",
        )


class ReceptionDayForm(forms.Form):
    """Which day's receptions, and of which community (the list and its export)."""

    day = forms.DateField(label=_("Day"), required=False, widget=IsoDateInput())
    community = forms.ChoiceField(label=_("Community"), required=False)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All")), *communities]  # type: ignore[attr-defined]

    def clean_day(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("day")
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError(
                _("Choose a day between %(first)s and %(last)s.")
                % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
            )
        return day
