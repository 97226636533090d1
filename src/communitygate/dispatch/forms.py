"""Forms of the dispatch pages: they parse input; the gate and the rules live in services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from communitygate.catalog.models import TaskTypes
from communitygate.catalog.pickers import CatalogItemField
from communitygate.catalog.selectors import ItemChoice
from communitygate.core.uploads import FileUpload
from communitygate.dispatch.models import Channels, Deliverables, TargetModes
from communitygate.dispatch.services import Targets, TaskRequest
from communitygate.http.formtokens import OneTimeFormMixin
from communitygate.http.widgets import IsoDateInput
from communitygate.orgs.pickers import CommunityChoice, CommunityTreeField
from communitygate.orgs.selectors import TreeDistrict

DATE = IsoDateInput()
TEXT = forms.Textarea(attrs={"rows": 3})


class TaskForm(OneTimeFormMixin, forms.Form):
    """A department's task: what it asks, of whom, by when. The gate decides on sending.

    The item is picked from the published items the person's departments may send under
    (catalog.pickers), the communities from the tree (orgs.pickers); `previewed` carries the
    fingerprint of the request the preview page showed, so only what was previewed is sent."""

    department = forms.ChoiceField(label=_("Sending department"), choices=())
    item = CatalogItemField(
        label=_("Catalog item"),
        help_text=_(
            "Search by the item's name or code; choose “No catalog item” when the task is "
            "under none."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("Instructions"), widget=TEXT, required=False)
    task_type = forms.ChoiceField(label=_("Task type"), choices=TaskTypes.choices)
    deliverable = forms.ChoiceField(
        label=_("Expected deliverable"), choices=Deliverables.choices, initial=Deliverables.FORM
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    targets = CommunityTreeField(label=_("Communities"))
    previewed = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    def __init__(
        self,
        *args: Any,
        departments: list[tuple[str, str]],
        items: list[ItemChoice],
        tree: Callable[[], tuple[TreeDistrict, ...]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]
        self.fields["item"].offer(items)  # type: ignore[attr-defined]
        self.fields["targets"].use_tree(tree)  # type: ignore[attr-defined]

    def item_label(self) -> str:
        """The chosen item as the picker showed it (code and name), or "No catalog item"."""
        code = self.cleaned_data.get("item") or ""
        for value, label in self.fields["item"].choices:  # type: ignore[attr-defined]
            for option, text in label if isinstance(label, list) else [(value, label)]:
                if option == code:
                    return str(text)
        return code

    def task_request(self) -> TaskRequest:
        data = self.cleaned_data
        return TaskRequest(
            department_code=data["department"],
            item_code=data["item"] or None,
            title=data["title"],
            instructions=data["instructions"] or "",
            task_type=data["task_type"],
            deliverable=data["deliverable"],
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            targets=targets_of(data["targets"]),
        )


def targets_of(choice: CommunityChoice) -> Targets:
    """The service's targets for what was ticked in the tree: every community; whole
    subdistricts (later communities of theirs included); single communities; a mix of the
    two names each community it reaches."""
    if choice.everywhere:
        return Targets(TargetModes.ALL)
    if not choice.communities:
        return Targets(TargetModes.SUBDISTRICTS, choice.subdistricts)
    if not choice.subdistricts:
        return Targets(TargetModes.COMMUNITIES, choice.communities)
    return Targets(TargetModes.COMMUNITIES, choice.reached)


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
