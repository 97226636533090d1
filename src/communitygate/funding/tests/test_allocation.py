"""Allocation to the fen: for any number of communities (1–2000), any total and any weights
(zeros included), the shares add up to the total exactly, each is within one fen of its exact
proportion, and the same inputs give the same shares whatever their order."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from communitygate.funding.allocation import (
    AllocationError,
    split_by_weights,
    split_equally,
    split_fixed,
    to_fen,
    to_yuan,
)

totals = st.integers(min_value=0, max_value=10**13)
counts = st.integers(min_value=1, max_value=2000)


def codes(n: int) -> list[str]:
    return [f"370203{i:06d}" for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(total=totals, n=counts)
def test_equal_shares_add_up_and_differ_by_at_most_one_fen(total: int, n: int) -> None:
    shares = split_equally(total, codes(n))
    assert sum(shares.values()) == total
    assert max(shares.values()) - min(shares.values()) <= 1
    assert set(shares) == set(codes(n))


@settings(max_examples=200, deadline=None)
@given(total=totals, n=counts)
def test_the_odd_fen_go_to_the_lowest_codes(total: int, n: int) -> None:
    shares = split_equally(total, codes(n))
    ordered = [shares[c] for c in sorted(shares)]
    assert ordered == sorted(ordered, reverse=True)


@settings(max_examples=200, deadline=None)
@given(
    total=totals,
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=2000),
)
def test_weighted_shares_add_up_and_stay_within_a_fen_of_exact(
    total: int, weights: list[int]
) -> None:
    named = dict(zip(codes(len(weights)), weights, strict=True))
    shares = split_by_weights(total, named)
    assert sum(shares.values()) == total
    weight_sum = sum(weights)
    for code, weight in named.items():
        exact_numerator = total * (weight if weight_sum else 1)
        denominator = weight_sum if weight_sum else len(weights)
        # floor(exact) <= share <= floor(exact) + 1
        assert exact_numerator // denominator <= shares[code] <= exact_numerator // denominator + 1
        if weight_sum and weight == 0:
            assert shares[code] == 0


@settings(max_examples=100, deadline=None)
@given(
    total=totals,
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=200),
    data=st.data(),
)
def test_the_order_of_the_communities_does_not_matter(
    total: int, weights: list[int], data: st.DataObject
) -> None:
    named = list(zip(codes(len(weights)), weights, strict=True))
    shuffled = data.draw(st.permutations(named))
    assert split_by_weights(total, dict(named)) == split_by_weights(total, dict(shuffled))


def test_ties_go_by_community_code() -> None:
    assert split_equally(2, ["C", "A", "B"]) == {"A": 1, "B": 1, "C": 0}
    assert split_by_weights(1, {"B": 1, "A": 1}) == {"A": 1, "B": 0}


def test_a_fixed_list_must_add_up_to_the_total() -> None:
    assert split_fixed(300, {"A": 100, "B": 200}) == {"A": 100, "B": 200}
    with pytest.raises(AllocationError):
        split_fixed(300, {"A": 100, "B": 199})


@pytest.mark.parametrize(
    "call",
    [
        lambda: split_by_weights(100, {}),
        lambda: split_by_weights(-1, {"A": 1}),
        lambda: split_by_weights(100, {"A": -1}),
        lambda: split_equally(100, ["A", "A"]),
        lambda: split_fixed(0, {}),
        lambda: split_fixed(0, {"A": -1, "B": 1}),
    ],
)
def test_impossible_allocations_are_refused(call: object) -> None:
    with pytest.raises(AllocationError):
        call()  # type: ignore[operator]


@given(fen=st.integers(min_value=0, max_value=10**15))
def test_fen_and_yuan_round_trip(fen: int) -> None:
    assert to_fen(to_yuan(fen)) == fen


def test_money_is_never_a_float() -> None:
    assert to_fen(Decimal("1234.505")) == 123451
    with pytest.raises(TypeError):
        to_fen(1234.5)  # type: ignore[arg-type]
