"""Matter categories and care tags in the committee office's admin: the office's settings for the
residents' platform. Changes go through services, so every change is audited (a category's
answer-by working days above all); nothing is deleted, a category or a tag is retired instead.

Entry follows the admin site's rule (office staff only, `web.admin_site`); adding and changing
needs `can_keep_residents_settings`. Matters, residents and the rest of the registry are not in
the admin: they hold personal data, which only the scoped pages show, masked."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from communitygate.matters.models import MatterCategory
from communitygate.matters.services.matters import care_tag_save, matter_category_save
from communitygate.registry.models import CareTag
from communitygate.registry.permissions import can_keep_residents_settings


class OfficeSettingAdmin(admin.ModelAdmin[Any]):
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_keep_residents_settings(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_keep_residents_settings(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_keep_residents_settings(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The code is what the public forms, the API and Open311 send: it never changes.
        return ["code"] if obj else []


@admin.register(MatterCategory)
class MatterCategoryAdmin(OfficeSettingAdmin):
    list_display = ["code", "name", "name_en", "answer_within_workdays", "active", "position"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]
    fields = ["code", "name", "name_en", "answer_within_workdays", "active", "position"]

    def save_model(
        self,
        request: HttpRequest,
        obj: MatterCategory,
        form: ModelForm[MatterCategory],
        change: bool,
    ) -> None:
        matter_category_save(actor=request.user, category=obj)


@admin.register(CareTag)
class CareTagAdmin(OfficeSettingAdmin):
    list_display = ["code", "name", "name_en", "builtin", "needs_visits", "active", "position"]
    list_filter = ["active", "builtin", "needs_visits"]
    search_fields = ["code", "name", "name_en"]
    fields = ["code", "name", "name_en", "needs_visits", "active", "position"]

    def save_model(
        self, request: HttpRequest, obj: CareTag, form: ModelForm[CareTag], change: bool
    ) -> None:
        care_tag_save(actor=request.user, tag=obj)
