"""The form a community's staff fill in when a resident asks for a certificate. It carries a
one-time token (`http.formtokens`): a double submit records one request and takes one number."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import CertificateRule, CertificateVerdicts
from communitygate.certificates.services import CertificateAsked
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.registry.forms.widgets import IsoDateInput


class CertificateRequestForm(OneTimeFormMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"), choices=())
    rule = forms.TypedChoiceField(label=_("Certificate"), choices=(), coerce=int)
    id_number = forms.CharField(
        label=_("Resident's ID number"),
        max_length=24,
        required=False,
        help_text=_("Needed to issue; the resident must be in the community's registry."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    requested_on = forms.DateField(label=_("Date"), widget=IsoDateInput(), required=False)

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[str, str]],
        rules: list[CertificateRule],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]
        allowed = [(r.pk, r.name) for r in rules if r.verdict == CertificateVerdicts.MAY_ISSUE]
        refused = [(r.pk, r.name) for r in rules if r.verdict != CertificateVerdicts.MAY_ISSUE]
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            (_("Certificates a community may issue"), allowed),
            (_("Certificates a community may not issue"), refused),
        ]

    def asked(self) -> CertificateAsked:
        data = self.cleaned_data
        return CertificateAsked(
            rule_id=data["rule"],
            id_number=data["id_number"],
            purpose=data["purpose"],
            requested_on=data["requested_on"],
        )
