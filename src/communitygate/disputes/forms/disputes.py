"""Forms of the dispute pages: they parse input; the rules live in `services.disputes`.

Phones are typed into boxes that never write the number back into the page (a form shown again
with an error asks for it again). The forms that create something carry a one-time token
(`http.formtokens`): a double submit records one dispute, party or session."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.disputes.models import DisputeKinds, DisputeOutcomes, PartyRoles
from communitygate.disputes.services.disputes import PartyInput
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.registry.forms.widgets import IsoDateInput, NoEchoInput

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 4})


def phone_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        required=False,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )


class DisputeForm(OneTimeFormMixin, forms.Form):
    """A new dispute with its applicant and respondent (more parties can be added later)."""

    community = forms.ChoiceField(label=_("Community"), choices=())
    kind = forms.ChoiceField(label=_("Type"), choices=DisputeKinds.choices)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    facts = forms.CharField(label=_("Facts"), widget=TEXT, required=False)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=50)
    applicant_phone = phone_field(_("Applicant's phone"))
    respondent_name = forms.CharField(label=_("Respondent"), max_length=50, required=False)
    respondent_phone = phone_field(_("Respondent's phone"))

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]

    def parties(self) -> list[PartyInput]:
        data = self.cleaned_data
        parties = [
            PartyInput(data["applicant_name"], PartyRoles.APPLICANT, None, data["applicant_phone"])
        ]
        if data["respondent_name"]:
            parties.append(
                PartyInput(
                    data["respondent_name"], PartyRoles.RESPONDENT, None, data["respondent_phone"]
                )
            )
        return parties


class PartyForm(OneTimeFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=PartyRoles.choices)
    phone = phone_field(_("Phone"))

    def party(self) -> PartyInput:
        data = self.cleaned_data
        return PartyInput(data["name"], data["role"], None, data["phone"])


class SessionForm(OneTimeFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    mediators = forms.CharField(label=_("Mediators"), max_length=200)
    notes = forms.CharField(label=_("Notes"), widget=TEXT, required=False)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DisputeOutcomes.choices)
    outcome_on = forms.DateField(label=_("Outcome on"), widget=DATE)
    terms = forms.CharField(
        label=_("Terms agreed"),
        widget=TEXT,
        required=False,
        help_text=_("Required for an agreement: what each party will do, and by when."),
    )
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        required=False,
        help_text=_("Required for a referral, e.g. the court or the police station."),
    )


class DisputeFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any")), *DisputeOutcomes.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any")), *DisputeKinds.choices], required=False
    )
    open = forms.BooleanField(label=_("Open only"), required=False)
