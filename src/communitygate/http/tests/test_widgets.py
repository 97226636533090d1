"""The date picker's value is an ISO date in every language: `<input type="date">` shows
nothing for 2024/01/05, the Chinese short date format."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from communitygate.http.widgets import IsoDateInput


class DayForm(forms.Form):
    day = forms.DateField(widget=IsoDateInput())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_picker_shows_its_initial_date_as_an_iso_date(language: str) -> None:
    with translation.override(language):
        html = str(DayForm(initial={"day": dt.date(2024, 1, 5)})["day"])
    assert 'type="date"' in html
    assert 'value="2024-01-05"' in html


def test_a_date_picker_reads_back_what_the_browser_sends() -> None:
    with translation.override("zh-hans"):
        form = DayForm(data={"day": "2024-01-05"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == dt.date(2024, 1, 5)


def test_a_date_picker_keeps_its_other_attributes() -> None:
    html = IsoDateInput(attrs={"min": "2024-01-01"}).render("day", dt.date(2024, 1, 5))
    assert 'min="2024-01-01"' in html
    assert 'value="2024-01-05"' in html
