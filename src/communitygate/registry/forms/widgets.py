"""Widgets shared by the residents' forms."""

from typing import Any

from django import forms

from communitygate.http.widgets import IsoDateInput

__all__ = ["IsoDateInput", "NoEchoInput"]


class NoEchoInput(forms.TextInput):
    """A text box that never writes its value back into the page: a full ID number or phone
    typed into a form is not echoed when the form comes back with an error (it is typed again)."""

    def format_value(self, value: Any) -> str | None:
        return None
