"""Tasks, assignments and off-platform reports in the admin are read-only: a task exists only
through `services.task_send` (the gate), and an assignment only as a copy of its task, so the
admin can show them to the office but never add, change or delete one."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from communitygate.dispatch.models import Assignment, Evidence, OffPlatformReport, Task


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


ASSIGNMENT_COLUMNS = ("community", "state", "admitted", "due_on", "extension_state", "updated_at")
EVIDENCE_COLUMNS = ("filename", "content_type", "size", "sha256", "file")


class AssignmentInline(admin.TabularInline[Assignment, Task]):
    model = Assignment
    fields = ASSIGNMENT_COLUMNS
    readonly_fields = ASSIGNMENT_COLUMNS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("community")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "department", "item", "task_type", "admitted", "due_on"]
    list_filter = ["admitted", "task_type", "target_mode"]
    search_fields = ["title", "department__code", "department__name", "item__code"]
    list_select_related = ["department", "item"]
    date_hierarchy = "created_at"
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "task", "community", "state", "admitted", "due_on"]
    list_filter = ["state", "admitted", "extension_state"]
    search_fields = ["community__code", "community__name", "task__title"]
    list_select_related = ["task", "community"]
    raw_id_fields = ["task"]


class EvidenceInline(admin.TabularInline[Evidence, OffPlatformReport]):
    model = Evidence
    fields = EVIDENCE_COLUMNS
    readonly_fields = EVIDENCE_COLUMNS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OffPlatformReport)
class OffPlatformReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "community", "department", "channel", "occurred_on", "reported_at"]
    list_filter = ["channel"]
    search_fields = ["community__name", "department__name", "pushed_by", "what_was_asked"]
    list_select_related = ["community", "department"]
    inlines = [EvidenceInline]
