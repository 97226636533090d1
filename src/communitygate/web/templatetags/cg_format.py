"""Numbers and money the Chinese way: ¥1,234.50 (元), thousands grouped; times labelled with
their zone (北京时间)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{amount:,.2f}"


@register.filter
def label_of(value: str, choices: list[tuple[str, str]]) -> str:
    """The display label of a stored choice value (for values read from snapshots)."""
    return str(dict(choices).get(value, value))


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """mapping[key] in a template (e.g. the tally of one application from a dict of tallies)."""
    return mapping.get(key)


@register.filter
def percent(value: object) -> str:
    """A share (0.1234) as a percentage (12.3%), or — when there is none (nothing to divide)."""
    if value in (None, ""):
        return "—"
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{share * 100:.1f}%"


@register.filter
def beijing(value: object, layout: str = "Y-m-d H:i") -> str:
    """A moment as pages show it: in Beijing time (the site's TIME_ZONE), labelled with its zone
    — 2026-12-07 09:30（北京时间）— inside a <time> element that carries the exact instant. The
    one place pages label their times; a date (no time of day) is shown as it is."""
    if value in (None, ""):
        return "—"
    if not isinstance(value, dt.datetime):
        return date_format(value, layout) if isinstance(value, dt.date) else str(value)
    moment = value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
    return format_html(
        '<time datetime="{}">{}{}</time>',
        moment.isoformat(),
        date_format(local, layout),
        _(" (Beijing time)"),
    )
