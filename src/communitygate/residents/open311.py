"""Open311 GeoReport v2 (/open311/v2/): matters and categories in the format existing Open311
clients speak."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
