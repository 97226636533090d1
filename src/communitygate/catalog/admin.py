"""Catalog records in the admin are read-only: the office changes them on the catalog pages,
where every change goes through a service and into the audit log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from communitygate.catalog.models import (
    CatalogEdition,
    CatalogItem,
    CertificateRule,
    Ledger,
    NegativeListEntry,
    Plaque,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CatalogItem)
class CatalogItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "item_class", "domain", "department", "status"]
    list_filter = ["item_class", "domain", "status"]
    search_fields = ["code", "name"]
    list_select_related = ["department"]


@admin.register(CatalogEdition)
class CatalogEditionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "published_at"]


@admin.register(Ledger)
class LedgerAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "medium", "status"]
    search_fields = ["code", "name"]


@admin.register(Plaque)
class PlaqueAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "status"]
    search_fields = ["code", "name"]


@admin.register(NegativeListEntry)
class NegativeListEntryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "status"]


@admin.register(CertificateRule)
class CertificateRuleAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "verdict", "status"]
