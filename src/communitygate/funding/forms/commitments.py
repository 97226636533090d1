"""The commitments' page forms: the list's filters, record, renew and end. A fixed list is typed
one community a line ("370203031001 6000.00"); the service checks the codes and the sum."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.admissions.models import CommitmentBases
from communitygate.funding.selectors import CommitmentFilters, CommitmentStatuses
from communitygate.funding.services import CommitmentRequest, CommitmentTerms
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput

Choices = list[tuple[str, Any]]

STATUS_LABELS = {
    CommitmentStatuses.UPCOMING: _("Upcoming"),
    CommitmentStatuses.ACTIVE: _("Active"),
    CommitmentStatuses.LAPSING: _("Lapsing within 30 days"),
    CommitmentStatuses.LAPSED: _("Lapsed"),
    CommitmentStatuses.ENDED: _("Ended"),
}


class CommitmentFilterForm(forms.Form):
    item = forms.CharField(label=_("Item code"), required=False, max_length=40)
    payer = forms.ChoiceField(label=_("Payer"), required=False, choices=())
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, payers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].choices = [("", _("All")), *payers]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *STATUS_LABELS.items(),
        ]

    def filters(self) -> CommitmentFilters:
        if not self.is_valid():
            return CommitmentFilters()
        data = self.cleaned_data
        return CommitmentFilters(
            item=data["item"].strip(),
            payer=data["payer"],
            status=data["status"],
            year=data["year"],
        )


def fixed_list(text: str) -> tuple[tuple[str, str], ...]:
    """Lines of "community-code amount" (blank lines skipped; a line of one word keeps an empty
    amount, which the service refuses by name)."""
    rows = []
    for line in text.splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if parts:
            rows.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return tuple(rows)


class TermsForm(OneTimeFormMixin, forms.Form):
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        help_text=_(
            "Per community per year; for a fixed list, the list's yearly total. E.g. 10000.00."
        ),
    )
    budget_line = forms.CharField(label=_("Budget line"), max_length=200)
    period_end = forms.DateField(
        label=_("Period end"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("Leave empty for a commitment without an end date."),
    )
    basis = forms.ChoiceField(
        label=_("Allocation basis"), choices=CommitmentBases.choices, initial="equal"
    )
    shares = forms.CharField(
        label=_("Fixed list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('Basis "a fixed list" only: one community a line, its code and yuan per year.'),
    )

    def terms(self) -> CommitmentTerms:
        data = self.cleaned_data
        return CommitmentTerms(
            amount=data["amount"],
            budget_line=data["budget_line"],
            period_end=data["period_end"],
            basis=data["basis"],
            shares=fixed_list(data["shares"]),
        )


class CommitmentForm(TermsForm):
    item = forms.ChoiceField(label=_("Delegated item"), choices=())
    payer = forms.ChoiceField(label=_("Paying department"), choices=())
    period_start = forms.DateField(label=_("Period start"), widget=IsoDateInput())

    field_order = ["item", "payer", "budget_line", "amount", "period_start", "period_end"]

    def __init__(self, *args: Any, items: Choices, payers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]
        self.fields["payer"].choices = payers  # type: ignore[attr-defined]

    def commitment_request(self) -> CommitmentRequest:
        data = self.cleaned_data
        return CommitmentRequest(
            item_code=data["item"],
            payer_code=data["payer"],
            period_start=data["period_start"],
            terms=self.terms(),
        )


class EndForm(OneTimeFormMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("Last day funded"),
        widget=IsoDateInput(),
        help_text=_("Today or later, and not after the period's end."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
