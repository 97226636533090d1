"""Forms of the contracts pages: they parse input into the services' requests; the rules live in
contracts.services, whose problems the views put beside these fields."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.pickers import CatalogItemsField
from communitygate.catalog.selectors import ItemChoice
from communitygate.contracts.models import ContractStates, Grades
from communitygate.contracts.services import ContractRequest, DeliverableRequest, InstalmentRequest
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.forms import MultipleFileField
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 3})

Choices = list[tuple[str, Any]]


def _with_blank(choices: Choices, blank: Any = "—") -> Choices:
    return [("", blank), *choices]


class ContractFilterForm(forms.Form):
    buyer = forms.ChoiceField(label=_("Buyer"), required=False, choices=())
    social_org = forms.ChoiceField(label=_("Social organisation"), required=False, choices=())
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_with_blank(ContractStates.choices, _("Any"))
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, buyers: Choices, social_orgs: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = _with_blank(buyers, _("Any"))  # type: ignore[attr-defined]
        self.fields["social_org"].choices = _with_blank(social_orgs, _("Any"))  # type: ignore[attr-defined]


def parse_deliverables(text: str) -> tuple[list[DeliverableRequest], list[str]]:
    """One deliverable a line, "YYYY-MM-DD title"; the lines that do not read so."""
    deliverables, unreadable = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        day, _space, title = line.partition(" ")
        try:
            due_on = dt.date.fromisoformat(day)
        except ValueError:
            unreadable.append(line)
            continue
        deliverables.append(DeliverableRequest(title=title.strip(), due_on=due_on))
    return deliverables, unreadable


class ContractForm(OneTimeFormMixin, forms.Form):
    buyer = forms.ChoiceField(label=_("Buyer"), choices=())
    number = forms.CharField(
        label=_("Contract number"),
        max_length=64,
        help_text=_("Your own number for the contract, e.g. 市北民购〔2026〕3号."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    social_org = forms.ChoiceField(label=_("Social organisation"), choices=())
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, help_text="1234.50")
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    communities = forms.MultipleChoiceField(
        label=_("Communities served"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    catalog_items = CatalogItemsField(
        label=_("Catalog items (optional)"),
        required=False,
        help_text=_("Search by name or code; hold Ctrl (⌘ on a Mac) to choose several."),
    )
    scope = forms.CharField(
        label=_("Services to deliver"), required=False, widget=TEXT, max_length=4000
    )
    deliverables = forms.CharField(
        label=_("Deliverables"),
        widget=TEXT,
        max_length=4000,
        help_text=_("One a line: the due date, a space, the title (2026-12-31 服务总结报告)."),
    )
    application = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        buyers: Choices,
        social_orgs: Choices,
        communities: Choices,
        items: list[ItemChoice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_items"].offer(items)  # type: ignore[attr-defined]
        self.fields["buyer"].choices = buyers  # type: ignore[attr-defined]
        self.fields["social_org"].choices = _with_blank(social_orgs)  # type: ignore[attr-defined]
        self.fields["communities"].choices = communities  # type: ignore[attr-defined]

    def clean_deliverables(self) -> list[DeliverableRequest]:
        deliverables, unreadable = parse_deliverables(self.cleaned_data["deliverables"])
        if unreadable:
            raise forms.ValidationError(
                _("Start each line with the due date (YYYY-MM-DD): %(lines)s"),
                params={"lines": "; ".join(unreadable[:3])},
            )
        return deliverables

    def contract_request(self) -> ContractRequest:
        data = self.cleaned_data
        return ContractRequest(
            number=data["number"],
            title=data["title"],
            social_org_code=data["social_org"],
            amount=data["amount"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            community_codes=tuple(data["communities"]),
            deliverables=tuple(data["deliverables"]),
            item_codes=tuple(data["catalog_items"]),
            scope=data["scope"],
            buyer_code=data["buyer"],
            application_id=data.get("application"),
        )

    @staticmethod
    def initial_from(request: ContractRequest) -> dict[str, Any]:
        return {
            "title": request.title,
            "social_org": request.social_org_code,
            "amount": request.amount,
            "period_start": request.period_start,
            "period_end": request.period_end,
            "communities": list(request.community_codes),
            "catalog_items": list(request.item_codes),
            "scope": request.scope,
            "deliverables": "\n".join(
                f"{d.due_on.isoformat()} {d.title}" for d in request.deliverables
            ),
            "application": request.application_id,
        }


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT, max_length=2000)


class AcceptForm(forms.Form):
    grade = forms.ChoiceField(label=_("Evaluation"), choices=Grades.choices)
    evaluation = forms.CharField(label=_("Evaluation remarks"), widget=TEXT, max_length=4000)


class InstalmentForm(forms.Form):
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=64)
    beyond_amount = forms.BooleanField(
        label=_("Beyond the contract amount, on purpose"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT, max_length=2000)

    def instalment_request(self) -> InstalmentRequest:
        data = self.cleaned_data
        return InstalmentRequest(
            amount=data["amount"],
            paid_on=data["paid_on"],
            voucher_number=data["voucher_number"],
            beyond_amount=data["beyond_amount"],
            note=data["note"],
        )


class DeliverableForm(forms.Form):
    note = forms.CharField(
        label=_("What you hand in"), required=False, widget=TEXT, max_length=4000
    )
    attachments = MultipleFileField(label=_("Files"), required=False)

    def uploads(self) -> list[FileUpload]:
        return [
            FileUpload(filename=upload.name or "", content=upload.read())
            for upload in self.cleaned_data["attachments"]
        ]


class RedirectForm(forms.Form):
    contract = forms.TypedChoiceField(label=_("Contract"), coerce=int, choices=())
    note = forms.CharField(
        label=_("Note to the social organisation"), required=False, max_length=2000
    )

    def __init__(self, *args: Any, contracts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = contracts  # type: ignore[attr-defined]
