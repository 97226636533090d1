"""The home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communitygate.catalog.models import ItemClasses
from communitygate.catalog.selectors import ItemFilters, edition_items, edition_latest


def home(request: HttpRequest) -> HttpResponse:
    latest = edition_latest()
    counts = {
        item_class: edition_items(
            latest, ItemFilters(item_class=item_class, status="active")
        ).count()
        for item_class in ItemClasses.values
    }
    return render(request, "web/home.html", {"latest": latest, "counts": counts})
