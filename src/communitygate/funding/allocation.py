"""Allocation (分配): a total of money split among communities, exactly to the fen (分).

Money here is an integer number of fen (or a `Decimal` of yuan converted by `to_fen`), never a
float. Shares that do not divide evenly are settled by the largest-remainder method: every
community first gets the floor of its exact share, and the fen left over go one each to the
largest remainders, ties broken by community code (ascending), so the shares always add up to
the total and the same inputs always give the same shares.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100


class AllocationError(ValueError):
    """Inputs no allocation can honour (no communities, a negative amount or weight, a fixed list
    that does not add up to the total)."""


def to_fen(yuan: Decimal) -> int:
    """Yuan (a Decimal, any places) as whole fen, rounded half up."""
    if not isinstance(yuan, Decimal):
        raise TypeError("money is a Decimal of yuan, never a float")
    return int((yuan * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_yuan(fen: int) -> Decimal:
    """Whole fen as yuan with two places."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def split_by_weights(total_fen: int, weights: Mapping[str, int]) -> dict[str, int]:
    """`total_fen` shared in proportion to each community's integer weight (households, tasks
    assigned). When every weight is zero the total is shared equally; a zero weight otherwise
    gets nothing."""
    if not weights:
        raise AllocationError("no communities to share among")
    if total_fen < 0:
        raise AllocationError("the total is negative")
    if any(w < 0 for w in weights.values()):
        raise AllocationError("a weight is negative")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        weights = dict.fromkeys(weights, 1)
        weight_sum = len(weights)
    shares: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    for code, weight in weights.items():
        share, remainder = divmod(total_fen * weight, weight_sum)
        shares[code] = share
        remainders.append((remainder, code))
    left = total_fen - sum(shares.values())
    # Largest remainder first; equal remainders by community code (ascending).
    remainders.sort(key=lambda pair: (-pair[0], pair[1]))
    for _remainder, code in remainders[:left]:
        shares[code] += 1
    return shares


def split_equally(total_fen: int, codes: list[str] | tuple[str, ...]) -> dict[str, int]:
    """`total_fen` in equal shares; the odd fen go to the lowest codes."""
    if len(set(codes)) != len(codes):
        raise AllocationError("a community is named twice")
    return split_by_weights(total_fen, dict.fromkeys(codes, 1))


def split_fixed(total_fen: int, amounts: Mapping[str, int]) -> dict[str, int]:
    """A fixed list: each community's amount as given, which must add up to the total."""
    if not amounts:
        raise AllocationError("no communities to share among")
    if any(a < 0 for a in amounts.values()):
        raise AllocationError("an amount is negative")
    if sum(amounts.values()) != total_fen:
        raise AllocationError("the fixed shares do not add up to the total")
    return dict(amounts)
