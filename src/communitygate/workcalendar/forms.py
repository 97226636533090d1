"""The form of the page where the office enters a year's schedule."""

from django import forms
from django.utils.translation import gettext_lazy

TEXT_MAX_LENGTH = 40_000


class YearScheduleForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("Holidays and make-up working days, one per line"),
        help_text=gettext_lazy(
            "YYYY-MM-DD 休 名称 for a holiday, YYYY-MM-DD 班 名称 for a make-up working day."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 48}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload a CSV file (columns 日期,类型,名称)"),
        help_text=gettext_lazy("If you upload a file, its rows are used instead of the text."),
        required=False,
    )
    source = forms.CharField(
        label=gettext_lazy("Source (the notice's number or address)"),
        max_length=300,
        required=False,
    )
    complete = forms.BooleanField(
        label=gettext_lazy("This is the whole year's schedule"),
        help_text=gettext_lazy(
            "Days not listed then count as ordinary weekdays and weekends. "
            "Leave it unticked while the schedule is incomplete."
        ),
        required=False,
    )


class CalendarDayForm(forms.Form):
    """One day of the grid: what it becomes."""

    date = forms.DateField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=gettext_lazy("This day is"),
        choices=[
            ("休", gettext_lazy("a holiday (休)")),
            ("班", gettext_lazy("a make-up working day (班)")),
            ("", gettext_lazy("back to the default (the package or the weekday)")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("e.g. 春节, 国庆节调休上班; left empty: 放假 or 调休上班"),
        max_length=100,
        required=False,
    )
    source = forms.CharField(
        label=gettext_lazy("Source (the notice's number or address)"),
        max_length=300,
        required=False,
    )
