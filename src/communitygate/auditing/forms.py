"""The anomalies' filters, read the same way by the page, its export and the API: a kind, a
catalog item, a paying department and a community by code, and a period as core.periods writes
it (2026, 2026-H1, 2026-Q3, 2026-11, 2026-03-01..2026-06-30; empty: every period). A code that
names nothing is an error, not an empty list."""

from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from communitygate.auditing.anomalies import KINDS, AnomalyFilters
from communitygate.catalog.models import CatalogItem
from communitygate.catalog.pickers import CatalogItemSearchInput
from communitygate.catalog.selectors import working_item_choices
from communitygate.core import clock
from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.errors import InvalidInput
from communitygate.core.errors import Problem as BilingualProblem
from communitygate.core.periods import parse_period
from communitygate.orgs.models import Organisation, OrganisationKinds


def kind_choices() -> list[tuple[str, object]]:
    """Each kind in the active language (the form is built per request)."""
    english = (translation.get_language() or "").startswith("en")
    return [
        ("", _("Every kind")),
        *((k.code, k.label_en if english else k.label_zh) for k in KINDS),
    ]


class AnomalyFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=kind_choices, label=_("Kind"))
    item = forms.CharField(
        required=False,
        max_length=32,
        label=_("Catalog item (code)"),
        widget=CatalogItemSearchInput(
            working_item_choices, attrs={"placeholder": _("Type a name or a code")}
        ),
    )
    department = forms.CharField(required=False, max_length=32, label=_("Paying department (code)"))
    community = forms.CharField(required=False, max_length=32, label=_("Community (code)"))
    period = forms.CharField(
        required=False, max_length=40, label=_("Period (2026, 2026-H1, 2026-Q3, 2026-11)")
    )

    def clean_item(self) -> str:
        code = self.cleaned_data.get("item", "").strip()
        if code and not CatalogItem.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No catalog item has this code."), code="unknown")
        return code

    def clean_department(self) -> str:
        code = self.cleaned_data.get("department", "").strip()
        if code and not Organisation.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No organisation has this code."), code="unknown")
        return code

    def clean_community(self) -> str:
        code = self.cleaned_data.get("community", "").strip()
        kinds = (OrganisationKinds.COMMUNITY, OrganisationKinds.SOCIAL_ORG)
        if code and not Organisation.objects.filter(code=code, kind__in=kinds).exists():
            raise forms.ValidationError(
                _("No community or social organisation has this code."), code="unknown"
            )
        return code

    def clean_period(self) -> object:
        text = self.cleaned_data.get("period", "").strip()
        if not text:
            return None
        try:
            return parse_period(text, today=clock.today())
        except InvalidInput as refused:
            raise forms.ValidationError(
                [_in_language(p.message_zh, p.message_en) for p in refused.problems],
                code="period",
            ) from refused

    def filters(self) -> AnomalyFilters:
        """The filters asked for; call after is_valid()."""
        data = self.cleaned_data
        return AnomalyFilters(
            kind=data.get("kind", ""),
            item=data.get("item", ""),
            department=data.get("department", ""),
            community=data.get("community", ""),
            period=data.get("period"),
        )


def _chosen(zh: str, en: str) -> str:
    return zh if (translation.get_language() or "zh-hans").startswith("zh") else en


# A message already written in both languages, shown in the one active when it is read.
_in_language = lazy(_chosen, str)


def _joined(error: ValidationError) -> str:
    return " ".join(error.messages)


def filters_or_invalid(form: AnomalyFilterForm) -> AnomalyFilters:
    """The filters, or InvalidInput naming each field that is wrong (in both languages)."""
    if form.is_valid():
        return form.filters()
    problems = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            message_zh, message_en = in_chinese_and_english(partial(_joined, error))
            problems.append(BilingualProblem(message_zh, message_en, field=field))
    raise InvalidInput(problems)
