"""Forms of the dispatch pages: they parse input; the gate and the rules live in services."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import TaskTypes
from communitygate.catalog.transfer import split_list
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Channels, Deliverables, TargetModes
from communitygate.dispatch.services import Targets, TaskRequest
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 3})


class TaskForm(OneTimeFormMixin, forms.Form):
    """A department's task: what it asks, of whom, by when. The gate decides on sending."""

    department = forms.ChoiceField(label=_("Sending department"), choices=())
    item = forms.CharField(
        label=_("Catalog item code"),
        max_length=40,
        required=False,
        help_text=_("Leave empty when the task is under no catalog item."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), widget=TEXT, required=False)
    task_type = forms.ChoiceField(label=_("Task type"), choices=TaskTypes.choices)
    deliverable = forms.ChoiceField(
        label=_("Expected deliverable"), choices=Deliverables.choices, initial=Deliverables.FORM
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    target_mode = forms.ChoiceField(
        label=_("Targets"),
        choices=TargetModes.choices,
        initial=TargetModes.ALL,
        widget=forms.RadioSelect,
    )
    target_codes = forms.CharField(
        label=_("Subdistrict or community codes (for chosen targets)"),
        required=False,
        help_text=_("Separate codes with commas or spaces."),
    )

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]

    def task_request(self) -> TaskRequest:
        data = self.cleaned_data
        mode = data["target_mode"]
        codes = () if mode == TargetModes.ALL else tuple(split_list(data["target_codes"] or ""))
        return TaskRequest(
            department_code=data["department"],
            item_code=(data["item"] or "").strip() or None,
            title=data["title"],
            instructions=data["instructions"] or "",
            task_type=data["task_type"],
            deliverable=data["deliverable"],
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            targets=Targets(mode, codes),
        )


class RefuseForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=TEXT, required=False, max_length=2000
    )


class SubmitForm(forms.Form):
    text = forms.CharField(label=_("Deliverable"), widget=TEXT, required=False, max_length=8000)
    file = forms.FileField(label=_("Or a file (PDF, image or office document)"), required=False)


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("New due date"), widget=DATE)
    reason = forms.CharField(label=_("Why more time is needed"), widget=TEXT, max_length=2000)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning it"), widget=TEXT, max_length=2000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(part, initial) for part in data]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


class ReportForm(OneTimeFormMixin, forms.Form):
    """A community's record of work pushed at it outside the platform (场外派单)."""

    community = forms.ChoiceField(label=_("Reporting community"), choices=())
    department = forms.ChoiceField(label=_("Department that asked"), choices=(), required=False)
    pushed_by = forms.CharField(label=_("Who asked (name or post)"), max_length=100)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channels.choices)
    occurred_on = forms.DateField(label=_("When"), widget=DATE)
    what_was_asked = forms.CharField(label=_("What was asked"), widget=TEXT, max_length=4000)
    evidence = MultipleFileField(
        label=_("Evidence (screenshots, photos, documents)"), required=False
    )

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[str, str]],
        departments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = communities  # type: ignore[attr-defined]
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("Unknown or not a department")),
            *departments,
        ]

    def evidence_files(self) -> list[FileUpload]:
        return [
            FileUpload(filename=upload.name or "", content=upload.read())
            for upload in self.cleaned_data["evidence"]
        ]
