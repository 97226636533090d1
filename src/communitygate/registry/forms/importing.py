"""The registry import's upload form: which community (of those the person works in) and the
file."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.orgs.models import Organisation


class ResidentImportForm(OneTimeFormMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    file = forms.FileField(
        label=_("Registry file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, communities: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {community.code: community for community in communities}
        field = self.fields["community"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, f"{c.name} ({c.code})") for c in communities]
        if len(communities) == 1:
            field.initial = communities[0].code

    def chosen_community(self) -> Organisation:
        return self.communities[self.cleaned_data["community"]]
