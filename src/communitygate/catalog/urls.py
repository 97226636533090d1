from django.urls import path

from communitygate.catalog import views
from communitygate.http.routes import one_of

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("items/<str:code>/", views.catalog_item, name="item"),
    path("negative-list/", views.negative_list_page, name="negative_list"),
    path("certificates/", views.certificates_page, name="certificates"),
    path("editions/", views.editions_page, name="editions"),
    path("editions/compare/", views.edition_compare, name="compare"),
    path(
        f"export.{one_of('catalog_export_format', views.EXPORT_FORMATS, keyword='file_format')}",
        views.catalog_export,
        name="export",
    ),
    path("office/", views.office_catalog, name="office"),
    path("office/new/", views.office_item_new, name="office_item_new"),
    path("office/items/<str:code>/", views.office_item_edit, name="office_item_edit"),
    path(
        f"office/items/<str:code>/{one_of('catalog_item_status', views.STATUS_SERVICES)}/",
        views.office_item_status,
        name="office_item_status",
    ),
    path("office/publish/", views.office_publish, name="office_publish"),
    path("office/import/", views.office_import, name="office_import"),
    path(
        "office/import/<int:batch_id>/", views.office_import_preview, name="office_import_preview"
    ),
    path(
        "office/import/<int:batch_id>/confirm/",
        views.office_import_confirm,
        name="office_import_confirm",
    ),
]
