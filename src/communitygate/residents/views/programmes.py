"""Pages: programmes."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
public_urlpatterns: list[URLPattern] = []  # the public sign-up pages
