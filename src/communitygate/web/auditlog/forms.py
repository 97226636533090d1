"""The audit log's filters, read the same way by the page and the API: a person (username), an
object (`type:id`, or a type alone), an action (exact, or a prefix ending in ".") and dates in
Beijing time (`until` inclusive)."""

import datetime as dt
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communitygate.audit.selectors import AuditFilters
from communitygate.core.bilingual import in_chinese_and_english
from communitygate.core.errors import InvalidInput, Problem
from communitygate.http.widgets import IsoDateInput

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label=_("Person (username)"))
    object = forms.CharField(
        required=False, max_length=150, label=_("Object (type:id, e.g. task:12)")
    )
    action = forms.CharField(
        required=False,
        max_length=80,
        label=_("Action (exact, or a prefix ending in “.”, e.g. notice.)"),
    )
    since = forms.DateField(required=False, widget=IsoDateInput, label=_("From (Beijing time)"))
    until = forms.DateField(
        required=False, widget=IsoDateInput, label=_("To (Beijing time, inclusive)")
    )

    def clean_object(self) -> tuple[str, str]:
        text = self.cleaned_data.get("object", "").strip()
        if not text:
            return "", ""
        object_type, colon, object_id = text.partition(":")
        if not object_type.strip() or (colon and not object_id.strip()):
            raise forms.ValidationError(
                _("Write an object as type:id, e.g. task:12 (or a type alone, e.g. task)."),
                code="object_format",
            )
        return object_type.strip(), object_id.strip()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and since > until:
            self.add_error(
                "until", forms.ValidationError(_("The start date is after the end date."))
            )
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters asked for; call after is_valid()."""
        data = self.cleaned_data
        object_type, object_id = data.get("object") or ("", "")
        since, until = data.get("since"), data.get("until")
        return AuditFilters(
            actor=data.get("actor", "").strip(),
            action=data.get("action", "").strip(),
            object_type=object_type,
            object_id=object_id,
            since=beijing_midnight(since) if since else None,
            until=beijing_midnight(until + dt.timedelta(days=1)) if until else None,
        )


def _joined(error: ValidationError) -> str:
    return " ".join(error.messages)


def filters_or_invalid(form: AuditFilterForm) -> AuditFilters:
    """The filters, or InvalidInput naming each field that is wrong (in both languages)."""
    if form.is_valid():
        return form.filters()
    problems = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            message_zh, message_en = in_chinese_and_english(partial(_joined, error))
            problems.append(Problem(message_zh, message_en, field=field))
    raise InvalidInput(problems)
