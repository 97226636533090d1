"""Every date field of the residents', catalog, dispatch and admission forms renders its date as an ISO
date under Chinese: a `type="date"` input shows 2024/01/05 as empty, so a dispute's outcome
date prefilled with today would show as unset."""

import datetime as dt
import inspect
from types import ModuleType

import pytest
from django import forms
from django.utils import translation

from communitygate.admissions import forms as admission_forms
from communitygate.catalog import forms as catalog_forms
from communitygate.dispatch import forms as dispatch_forms
from communitygate.disputes.forms import disputes
from communitygate.disputes.forms.disputes import ConcludeForm
from communitygate.matters.forms import matters
from communitygate.programmes.forms import programmes
from communitygate.registry.forms import registry, visits

DAY = dt.date(2024, 1, 5)


def date_fields(*modules: ModuleType) -> list[tuple[str, forms.DateField]]:
    found = []
    for module in modules:
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():  # type: ignore[attr-defined]
                if type(field) is forms.DateField:
                    found.append((f"{module.__name__}.{name}.{field_name}", field))
    return found


DATE_FIELDS = date_fields(
    disputes, matters, programmes, registry, visits, catalog_forms, dispatch_forms, admission_forms
)


def test_the_forms_have_date_fields_to_check() -> None:
    assert len(DATE_FIELDS) >= 20


@pytest.mark.parametrize(("where", "field"), DATE_FIELDS, ids=[where for where, _ in DATE_FIELDS])
def test_every_date_field_renders_an_iso_date_in_chinese(
    where: str, field: forms.DateField
) -> None:
    with translation.override("zh-hans"):
        html = field.widget.render("day", field.prepare_value(DAY))
    assert 'type="date"' in html
    assert 'value="2024-01-05"' in html


def test_the_dispute_outcome_prefilled_with_today_shows_in_chinese() -> None:
    with translation.override("zh-hans"):
        html = str(ConcludeForm(initial={"outcome_on": DAY})["outcome_on"])
    assert 'value="2024-01-05"' in html
