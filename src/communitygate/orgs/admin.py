"""Organisations in the committee office's admin. Changes go through the services (audited)."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from communitygate.orgs.models import Organisation
from communitygate.orgs.services import EDITABLE_FIELDS, organisation_create, organisation_update


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["code", "name", "name_en", "kind", "parent", "illustrative", "active_to"]
    list_filter = ["kind", "illustrative"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = [
        "code",
        "name",
        "name_en",
        "kind",
        "parent",
        "active_from",
        "active_to",
        "illustrative",
        "staff_count",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        return ["code", "kind", "parent"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm[Organisation], change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            saved = organisation_update(
                actor=request.user,
                organisation=obj,
                **{field: data[field] for field in EDITABLE_FIELDS if field in data},
            )
        else:
            saved = organisation_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                name_en=data.get("name_en", ""),
                kind=data["kind"],
                parent=data.get("parent"),
                active_from=data.get("active_from"),
                active_to=data.get("active_to"),
                illustrative=data.get("illustrative", False),
                staff_count=data.get("staff_count"),
            )
        obj.pk = saved.pk
