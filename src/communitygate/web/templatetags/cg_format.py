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
