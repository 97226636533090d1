"""Numbers and money the Chinese way: ¥1,234.50 (元), thousands grouped."""

from decimal import Decimal, InvalidOperation

from django import template

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
