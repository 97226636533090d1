"""The pass rate (SPEC §4) and the application workflow, as pure functions."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from communitygate.admissions import workflow
from communitygate.admissions.models import ReviewRound, RoundStatuses
from communitygate.admissions.tally import tally_votes

SIXTY = Decimal("0.60")
votes = st.lists(st.sampled_from(["approve", "reject", "abstain", ""]), max_size=300)


@pytest.mark.parametrize(
    ("ballots", "passed", "rate"),
    [
        (["approve"] * 3 + ["reject"] * 2, True, Decimal("0.6000")),
        (["approve"] * 3 + ["abstain"] * 2, True, Decimal("0.6000")),
        (["approve"] * 5 + ["reject"] * 4, False, Decimal("0.5556")),
        (["approve"] * 6 + [""] * 4, True, Decimal("0.6000")),
        (["approve"] * 5 + [""] * 5, False, Decimal("0.5000")),
        (["approve"] * 2 + ["abstain"] * 1, True, Decimal("0.6667")),
        ([], False, Decimal("0")),
    ],
)
def test_pass_rate_counts_abstentions_and_silence_as_not_approving(
    ballots: list[str], passed: bool, rate: Decimal
) -> None:
    tally = tally_votes(ballots, SIXTY)
    assert tally.passed is passed
    assert tally.pass_rate == rate
    assert tally.consulted == len(ballots)


@given(votes)
def test_tally_adds_up(ballots: list[str]) -> None:
    tally = tally_votes(ballots, SIXTY)
    assert tally.approve + tally.reject + tally.abstain + tally.not_voted == tally.consulted


@given(votes)
def test_passes_exactly_when_approvals_reach_sixty_percent(ballots: list[str]) -> None:
    tally = tally_votes(ballots, SIXTY)
    expected = bool(ballots) and Fraction(ballots.count("approve"), len(ballots)) >= Fraction(3, 5)
    assert tally.passed is expected


@given(votes, st.sampled_from(["reject", "abstain", ""]))
def test_one_more_non_approval_never_turns_a_fail_into_a_pass(
    ballots: list[str], extra: str
) -> None:
    before = tally_votes(ballots, SIXTY)
    after = tally_votes([*ballots, extra], SIXTY)
    assert not (after.passed and not before.passed)


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("draft", "submit", "submitted"),
        ("returned", "submit", "submitted"),
        ("submitted", "submit", None),
        ("draft", "withdraw", "withdrawn"),
        ("consulting", "withdraw", "withdrawn"),
        ("at_committee", "withdraw", None),
        ("approved", "withdraw", None),
        ("submitted", "open_consultation", "consulting"),
        ("consulting", "close_consultation", "in_review"),
        ("in_review", "forward", "at_committee"),
        ("in_review", "office_reject", "rejected"),
        ("in_review", "return", "returned"),
        ("in_review", "redirect", "redirected"),
        ("consulting", "forward", None),
        ("at_committee", "approve", "approved"),
        ("at_committee", "committee_reject", "rejected"),
        ("in_review", "approve", None),
        ("submitted", "urgent_approve", "approved"),
        ("approved", "approve", None),
        ("rejected", "submit", None),
        ("withdrawn", "submit", None),
        ("draft", "no_such_action", None),
    ],
)
def test_transition_table(status: str, action: str, expected: str | None) -> None:
    assert workflow.APPLICATION.target(status, action) == expected


def test_final_statuses_allow_no_action() -> None:
    for status in workflow.FINAL_STATUSES:
        assert workflow.APPLICATION.actions_from(status) == []


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("planned", "open_consultation", "consulting"),
        ("consulting", "close_consultation", "reviewing"),
        ("reviewing", "decide", "decided"),
        ("planned", "close_consultation", None),
        ("planned", "decide", None),
        ("consulting", "open_consultation", None),
        ("consulting", "decide", None),
        ("reviewing", "open_consultation", None),
        ("reviewing", "close_consultation", None),
        ("decided", "open_consultation", None),
        ("planned", "no_such_action", None),
    ],
)
def test_review_round_table(status: str, action: str, expected: str | None) -> None:
    assert workflow.REVIEW_ROUND.target(status, action) == expected


def test_a_decided_round_allows_no_action() -> None:
    assert workflow.REVIEW_ROUND.actions_from("decided") == []


def test_the_office_moves_a_round_through_consultation_and_the_committee_decides_it() -> None:
    """The decision is the committee meeting's; a member or the office records it (DECIDERS)."""
    whos = {action: workflow.REVIEW_ROUND.whos(action) for action in workflow.REVIEW_ROUND.actions}
    assert whos == {
        "open_consultation": [workflow.OFFICE],
        "close_consultation": [workflow.OFFICE],
        "decide": [workflow.DECIDERS],
    }
    assert workflow.REVIEW_ROUND.actions_from("reviewing", workflow.OFFICE) == []
    assert workflow.REVIEW_ROUND.actions_from("reviewing", workflow.DECIDERS) == ["decide"]


@pytest.mark.parametrize(
    ("status", "action", "refusal", "code"),
    [
        ("consulting", "open_consultation", workflow.RoundNotPlanned, "round_not_planned"),
        ("decided", "close_consultation", workflow.RoundNotConsulting, "round_not_consulting"),
        ("planned", "decide", workflow.TransitionNotAllowed, "transition_not_allowed"),
    ],
)
def test_a_round_refuses_a_step_with_its_own_code(
    status: str, action: str, refusal: type[Exception], code: str
) -> None:
    error = workflow.REVIEW_ROUND.refusal(ReviewRound(year=2027, month=1), status, action)
    assert type(error) is refusal
    assert error.code == code
    assert (error.current, error.action) == (status, action)
    if action == "open_consultation":
        with translation.override("en"):  # the state by its label, not its code
            label = str(RoundStatuses(status).label)
        assert error.message_en == f"The round is '{label}'; the consultation cannot open."
