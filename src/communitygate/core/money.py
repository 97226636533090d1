"""Amounts of money as people and the API send and read them: yuan with at most two decimals,
held as `Decimal` (never a float), written as a string ("1234.50") wherever a JSON number could
lose a fen. Pages write money with the template filter `cg_format.yuan` ("¥1,234.50")."""

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
LIMIT = Decimal("1e12")  # below what DecimalField(14, 2) holds


def parse_yuan(text: str) -> Decimal | None:
    """The amount in yuan as sent ("1234.50"): a positive, finite number with at most two
    places and below a trillion; None for anything else ("0", "12.345", "NaN", "abc")."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        return None
    if amount >= LIMIT:
        return None
    return amount.quantize(CENT)


def yuan_string(amount: Decimal) -> str:
    """The amount as the API writes it: yuan, two decimals, a string ("1234.50")."""
    return f"{amount.quantize(CENT)}"
