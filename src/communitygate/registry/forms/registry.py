"""Forms of the registry pages: they parse input; the rules live in services.registry.

The forms that create something (a resident, a volunteer, a volunteer's hours) carry a one-time
token (`http.formtokens.FormTokenField`; the views are `@replay_on_resubmit`): a double submit
records once."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.http.formtokens import FormTokenField
from communitygate.registry.forms.widgets import IsoDateInput, NoEchoInput
from communitygate.registry.models import HouseholdKinds, PopulationKinds, Relations, Sexes
from communitygate.registry.services.registry import ResidentFields

DATE = IsoDateInput()


class ResidentSearchForm(forms.Form):
    """The list's filters. ID number and phone are exact: the registry keeps only their digests."""

    q = forms.CharField(label=_("Name"), required=False, max_length=50)
    id_number = forms.CharField(
        label=_("ID number (exact)"),
        required=False,
        max_length=30,
        widget=NoEchoInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone (exact)"),
        required=False,
        max_length=30,
        widget=NoEchoInput(attrs={"autocomplete": "off"}),
    )
    tag = forms.ChoiceField(label=_("Care tag"), required=False, choices=())
    community = forms.ChoiceField(label=_("Community"), required=False, choices=())
    moved_out = forms.BooleanField(label=_("Include people who moved out"), required=False)

    def __init__(
        self,
        *args: Any,
        tags: list[tuple[str, str]],
        communities: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any")), *tags]  # type: ignore[attr-defined]
        if len(communities) > 1:
            self.fields["community"].choices = [("", _("All")), *communities]  # type: ignore[attr-defined]
        else:
            del self.fields["community"]


class ResidentForm(forms.Form):
    """One resident as typed. On the edit page the ID number, phone and registered residence
    start empty (the page never holds them in full): left empty, they stay as they are; the birth
    date of a resident with an ID number on record is not on the page (it follows the number)."""

    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", _("From the ID number")), *Sexes.choices],
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to take it from the ID number."),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=30,
        widget=NoEchoInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=NoEchoInput(attrs={"autocomplete": "off"}),
    )
    relation = forms.ChoiceField(
        label=_("Relation to head"), choices=Relations.choices, initial=Relations.HEAD
    )
    population_kind = forms.ChoiceField(
        label=_("Population category"),
        choices=PopulationKinds.choices,
        initial=PopulationKinds.REGISTERED,
    )
    registered_address = forms.CharField(
        label=_("Registered residence"), required=False, max_length=200
    )
    moved_in_on = forms.DateField(label=_("Moved in on"), required=False, widget=DATE)
    tags = forms.MultipleChoiceField(
        label=_("Care tags"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        tags: list[tuple[str, str]],
        editing: bool = False,
        birth_date_from_id_number: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = tags  # type: ignore[attr-defined]
        if editing:
            keep = _("Leave empty to keep the one on record.")
            for name in ("id_number", "phone", "registered_address"):
                self.fields[name].help_text = keep
        if birth_date_from_id_number:
            # The birth date of someone with an ID number on record is the number's: the page
            # does not show it (beside the masked number it would give the number back), and a
            # typed date could only be refused as not matching.
            del self.fields["birth_date"]

    def resident_fields(self) -> ResidentFields:
        data = self.cleaned_data
        return ResidentFields(
            name=data["name"],
            sex=data["sex"] or "",
            birth_date=data.get("birth_date"),
            id_number=data["id_number"] or "",
            phone=data["phone"] or "",
            relation=data["relation"],
            population_kind=data["population_kind"],
            registered_address=data["registered_address"] or "",
            moved_in_on=data["moved_in_on"],
            tag_codes=tuple(data["tags"]),
        )


class NewResidentForm(ResidentForm):
    """A resident added to an existing household (its number), or to a new one in a room
    named by estate, building, unit and room."""

    household = forms.IntegerField(
        label=_("Existing household number"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to create a household in the room below."),
    )
    community = forms.ChoiceField(label=_("Community"), required=False, choices=())
    estate = forms.CharField(label=_("Estate"), required=False, max_length=100)
    building = forms.CharField(label=_("Building"), required=False, max_length=50)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=20)
    room = forms.CharField(label=_("Room"), required=False, max_length=20)
    household_kind = forms.ChoiceField(
        label=_("Kind of household"),
        choices=HouseholdKinds.choices,
        initial=HouseholdKinds.RESIDENT,
        required=False,
    )
    form_token = FormTokenField()

    field_order = [
        "household",
        "community",
        "estate",
        "building",
        "unit",
        "room",
        "household_kind",
    ]

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]
        if communities:
            self.fields["community"].initial = communities[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("household"):
            for name in ("community", "building", "unit", "room"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a new household."))
        return data


class MoveOutForm(forms.Form):
    on = forms.DateField(label=_("Moved out on"), widget=DATE)


class RevealForm(forms.Form):
    LABELS = [
        ("id_number", _("ID number")),
        ("phone", _("Phone")),
        ("registered_address", _("Registered residence")),
    ]
    field = forms.ChoiceField(choices=LABELS)


class VolunteerForm(forms.Form):
    skills = forms.CharField(label=_("Skills"), required=False, max_length=200)
    form_token = FormTokenField()


class VolunteerHoursForm(forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=0, max_value=24
    )
    what = forms.CharField(label=_("Service"), max_length=200)
    form_token = FormTokenField()
