"""The forms of the payments and balances pages: the lists' filters, a new payment, and the
receiving community's and the payer's steps (dispute reason, answer). Rules stay in the services:
the amount is sent as typed, and payment_record says what is wrong with it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communitygate.core import clock
from communitygate.core.errors import InvalidInput
from communitygate.core.periods import Period, parse_period
from communitygate.funding.models import PaymentStates
from communitygate.funding.selectors import SHARE_DUE, SHARE_OVERDUE, PaymentFilters
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput

PERIOD_HELP = _("2026, 2026-H1, 2026-Q3, 2026-11 or 2026-03-01..2026-06-30")


def _with_any(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", str(_("All"))), *choices]


class _PeriodField(forms.CharField):
    """A period as people say it (core.periods.parse_period); the field's value is the Period."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", PERIOD_HELP)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_period(text, today=clock.today())
        except InvalidInput as broken:
            raise forms.ValidationError([p.page_message for p in broken.problems]) from None


class PaymentFilterForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), required=False)
    community = forms.ChoiceField(label=_("Paid to"), required=False)
    payer = forms.ChoiceField(label=_("Payer"), required=False)
    state = forms.ChoiceField(
        label=pgettext_lazy("payment", "Receipt"),
        required=False,
        choices=[("", _("All")), *PaymentStates.choices],
    )
    period = _PeriodField(label=_("Period settled"))

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        payees: list[tuple[str, str]],
        payers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _with_any(items)  # type: ignore[attr-defined]
        self.fields["community"].choices = _with_any(payees)  # type: ignore[attr-defined]
        self.fields["payer"].choices = _with_any(payers)  # type: ignore[attr-defined]

    def filters(self) -> PaymentFilters:
        data = self.cleaned_data
        period: Period | None = data.get("period")
        return PaymentFilters(
            item=data.get("item") or "",
            community=data.get("community") or "",
            payer=data.get("payer") or "",
            state=data.get("state") or "",
            period=period,
        )


class BalanceFilterForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), required=False)
    community = forms.ChoiceField(label=_("Community"), required=False)
    payer = forms.ChoiceField(label=_("Payer"), required=False)
    show = forms.ChoiceField(
        label=pgettext_lazy("balances", "Show"),
        required=False,
        choices=[
            ("", _("All")),
            (SHARE_DUE, _("Due: the period has ended, not paid in full")),
            (SHARE_OVERDUE, _("Overdue: not paid in full after the deadline")),
        ],
        help_text=_("Without a period: every period up to today."),
    )
    period = _PeriodField(label=_("Period"))

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        communities: list[tuple[str, str]],
        payers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _with_any(items)  # type: ignore[attr-defined]
        self.fields["community"].choices = _with_any(communities)  # type: ignore[attr-defined]
        self.fields["payer"].choices = _with_any(payers)  # type: ignore[attr-defined]


class PaymentForm(OneTimeFormMixin, forms.Form):
    """A payment as the payer's clerk types it. The period settled may be left empty: it is then
    the commitment's settlement period (the calendar year) holding the payment date."""

    commitment = forms.TypedChoiceField(label=_("Funding commitment"), coerce=int)
    community = forms.ChoiceField(label=_("Paid to"))
    amount = forms.CharField(
        label=_("Amount (yuan)"), max_length=30, help_text=_("For example 1234.50")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=IsoDateInput())
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=200)
    period_start = forms.DateField(
        label=_("Settles from"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("Empty: the settlement year holding the payment date."),
    )
    period_end = forms.DateField(label=_("Settles to"), required=False, widget=IsoDateInput())
    beyond_share = forms.BooleanField(label=_("Beyond the community's share"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when paying beyond the share."),
    )

    def __init__(
        self,
        *args: Any,
        commitments: list[tuple[int, str]],
        payees: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = commitments  # type: ignore[attr-defined]
        self.fields["community"].choices = [("", "—"), *payees]  # type: ignore[attr-defined]


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the receipt is disputed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the dispute"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
