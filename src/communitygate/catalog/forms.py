"""Forms of the office's catalog pages. They parse input; the rules live in services."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import Domains, Frequencies, ItemClasses
from communitygate.catalog.services import ItemFields
from communitygate.catalog.transfer import split_list
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput


class ItemForm(OneTimeFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    item_class = forms.ChoiceField(label=_("Class"), choices=ItemClasses.choices)
    domain = forms.ChoiceField(label=_("Domain"), choices=Domains.choices)
    department_code = forms.ChoiceField(label=_("Owning department"), choices=())
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "Statutory daily work in force names the law or regulation and its article, e.g. "
            "《中华人民共和国城市居民委员会组织法》第三条."
        ),
    )
    community_duty = forms.CharField(
        label=_("What the community does"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequencies.choices)
    ledger_codes = forms.CharField(label=_("Ledgers (codes, separated by commas)"), required=False)
    plaque_codes = forms.CharField(label=_("Plaques (codes, separated by commas)"), required=False)
    estimated_hours = forms.DecimalField(
        label=_("Estimated hours per community per year"),
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=1,
        initial=0,
    )
    funding_per_community = forms.DecimalField(
        label=_("Funding per community per year (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=IsoDateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=IsoDateInput())
    application_ref = forms.CharField(
        label=_("Admitting application"), max_length=40, required=False
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department_code"].choices = departments  # type: ignore[attr-defined]

    def item_fields(self) -> ItemFields:
        data = self.cleaned_data
        return ItemFields(
            code=data["code"].strip(),
            name=data["name"],
            name_en=data["name_en"],
            item_class=data["item_class"],
            domain=data["domain"],
            department_code=data["department_code"],
            legal_basis=data["legal_basis"],
            community_duty=data["community_duty"],
            frequency=data["frequency"],
            ledger_codes=tuple(split_list(data["ledger_codes"])),
            plaque_codes=tuple(split_list(data["plaque_codes"])),
            estimated_hours=data["estimated_hours"] or Decimal("0"),
            funding_per_community=data["funding_per_community"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            application_ref=data["application_ref"],
        )


def item_form_initial(fields: ItemFields, revision: int) -> dict[str, Any]:
    return {
        "code": fields.code,
        "name": fields.name,
        "name_en": fields.name_en,
        "item_class": fields.item_class,
        "domain": fields.domain,
        "department_code": fields.department_code,
        "legal_basis": fields.legal_basis,
        "community_duty": fields.community_duty,
        "frequency": fields.frequency,
        "ledger_codes": ", ".join(fields.ledger_codes),
        "plaque_codes": ", ".join(fields.plaque_codes),
        "estimated_hours": fields.estimated_hours,
        "funding_per_community": fields.funding_per_community,
        "valid_from": fields.valid_from,
        "valid_to": fields.valid_to,
        "application_ref": fields.application_ref,
        "revision": revision,
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Edition title"), max_length=200)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImportForm(OneTimeFormMixin, forms.Form):
    file = forms.FileField(label=_("Catalog file (.xlsx or .csv)"))
