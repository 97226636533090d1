"""Forms of the public pages (no sign-in): file a matter, look it up, rate the answer."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from communitygate.core import clock
from communitygate.core.phones import InvalidPhone, normalise_phone
from communitygate.http.formtokens import FormTokenField
from communitygate.matters.models import MatterCategory, Ratings
from communitygate.orgs.selectors import active_communities
from communitygate.registry.forms.widgets import NoEchoInput

MAX_PHOTOS = 5
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")


def photo_max_bytes() -> int:
    return int(settings.COMMUNITYGATE.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def community_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active communities grouped by their subdistrict, in the tree's order (one query)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    communities = active_communities(clock.today()).select_related("parent").order_by("path")
    for community in communities:
        group = community.parent.name if community.parent else ""
        groups.setdefault(group, []).append((community.code, community.name))
    return list(groups.items())


def category_choices() -> list[tuple[str, str]]:
    return list(MatterCategory.objects.filter(active=True).values_list("code", "name"))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS photos (JPEG or PNG), each within the upload limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files: Sequence[Any] = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}
            )
        cleaned = [super(MultiplePhotoField, self).clean(file, initial) for file in files]
        for photo in cleaned:
            extension = photo.name.rsplit(".", 1)[-1].lower() if "." in photo.name else ""
            if extension not in PHOTO_EXTENSIONS:
                raise forms.ValidationError(
                    _("%(name)s is not a JPEG or PNG photo.") % {"name": photo.name}
                )
            if photo.size > photo_max_bytes():
                raise forms.ValidationError(
                    _("%(name)s is larger than %(size)d MB.")
                    % {"name": photo.name, "size": photo_max_bytes() // 1024 // 1024}
                )
        return cleaned


class MatterFileForm(forms.Form):
    """A resident's matter, filed without signing in."""

    form_token = FormTokenField(required=True)  # http.formtokens: a double submit files once
    community = forms.ChoiceField(label=_("Community"))
    contact_name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("We call you back on it; look your matter up with its last four digits."),
        # Never written back into the page when the form returns with an error elsewhere.
        widget=NoEchoInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    category = forms.ChoiceField(label=_("Category"))
    summary = forms.CharField(label=_("What is it about"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    location = forms.CharField(label=_("Where"), required=False, max_length=200)
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos, JPEG or PNG."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community_field = self.fields["community"]
        category_field = self.fields["category"]
        assert isinstance(community_field, forms.ChoiceField)
        assert isinstance(category_field, forms.ChoiceField)
        community_field.choices = [("", _("Choose your community")), *community_choices()]
        category_field.choices = [("", _("Choose a category")), *category_choices()]

    def clean_phone(self) -> str:
        raw: str = self.cleaned_data["phone"]
        try:
            normalise_phone(raw)
        except InvalidPhone as invalid:
            raise forms.ValidationError(invalid.page_message) from None
        return raw


class TrackForm(forms.Form):
    """Look a matter up: its tracking code and the last four digits of the phone given."""

    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone_last4 = forms.RegexField(
        label=_("Last four digits of your phone"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter the last four digits of the phone you gave.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_tracking_code(self) -> str:
        code: str = self.cleaned_data["tracking_code"]
        return code.strip().upper()


class RateForm(TrackForm):
    """The resident's rating of the answer; the code and digits travel in hidden fields."""

    rating = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Ratings.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tracking_code"].widget = forms.HiddenInput()
        self.fields["phone_last4"].widget = forms.HiddenInput()
