"""Forms of the visits page: plan a visit, record one as done, plan the tagged households'
visits. They parse input; the rules live in `services.visits`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.registry.forms.widgets import IsoDateInput

DATE = IsoDateInput()


class VisitPlanForm(forms.Form):
    """A household is given either by its id (the link from the building grid) or by building,
    unit and room."""

    household = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    building = forms.TypedChoiceField(
        label=_("Building"), choices=(), coerce=int, required=False, empty_value=None
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    resident = forms.TypedChoiceField(
        label=_("Resident (optional)"), choices=(), coerce=int, required=False, empty_value=None
    )
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(
        self,
        *args: Any,
        buildings: list[tuple[int, str]],
        residents: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", "—"), *buildings]  # type: ignore[attr-defined]
        self.fields["resident"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole household")),
            *residents,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_address = data.get("building") and data.get("unit") and data.get("room")
        if not data.get("household") and not by_address:
            raise forms.ValidationError(
                _(
                    "Choose the household: open it from the building grid, or give its "
                    "building, unit and room."
                )
            )
        return data


class VisitRecordForm(forms.Form):
    note = forms.CharField(
        label=_("What was found"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlanTaggedForm(forms.Form):
    community = forms.CharField(widget=forms.HiddenInput, max_length=32)
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE)
