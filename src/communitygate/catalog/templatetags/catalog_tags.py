"""Template filters for catalog snapshots: field names as labels, ISO dates as dates."""

import datetime as dt

from django import template
from django.core.exceptions import FieldDoesNotExist

from communitygate.audit.labels import value_label
from communitygate.catalog.models import CatalogItem

register = template.Library()


@register.filter
def item_field_label(field_name: str) -> str:
    """The translated label of an item field ("valid_from" → 有效期起)."""
    try:
        field = CatalogItem._meta.get_field(field_name)
    except FieldDoesNotExist:
        return field_name
    return str(getattr(field, "verbose_name", field_name))


@register.filter
def item_value(value: object, field_name: str) -> str:
    """A snapshot's value of an item field as a person reads it ("retired" → 已退出)."""
    return value_label(CatalogItem._meta.label_lower, field_name, value)


@register.filter
def iso_date(value: object) -> object:
    """A snapshot's ISO date string as a date, so `|date` shows it the Chinese way."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
