"""Form widgets every app's pages share.

A browser's date picker (`<input type="date">`) reads and writes only ISO dates (2024-01-05);
Django would otherwise render a date in the active language's format (2024/01/05 in Chinese),
which the picker shows as empty.
"""

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """A date picker whose value is written as an ISO date in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
