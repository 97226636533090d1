"""Public pages (no sign-in): file a matter, look it up by tracking code, rate the answer."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
