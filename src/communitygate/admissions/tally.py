"""The consultation tally (SPEC §4): pass rate = approvals ÷ consulted bodies, each body one
vote; an abstention and a body that has not voted count as not approving. Exact arithmetic:
no floating point decides whether 60% is reached."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from communitygate.admissions.models import Votes


@dataclass(frozen=True)
class Tally:
    consulted: int
    approve: int
    reject: int
    abstain: int
    not_voted: int
    threshold: Decimal
    passed: bool

    @property
    def pass_rate(self) -> Decimal:
        """Approvals ÷ consulted, as a fraction rounded to 4 places for display (0.6667)."""
        if self.consulted == 0:
            return Decimal("0")
        return (Decimal(self.approve) / Decimal(self.consulted)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )


def tally_votes(votes: Iterable[str], threshold: Decimal) -> Tally:
    """The tally of one application's ballots ("" for a body that has not voted)."""
    listed = list(votes)
    approve = listed.count(Votes.APPROVE)
    consulted = len(listed)
    passed = consulted > 0 and Fraction(approve, consulted) >= Fraction(threshold)
    return Tally(
        consulted=consulted,
        approve=approve,
        reject=listed.count(Votes.REJECT),
        abstain=listed.count(Votes.ABSTAIN),
        not_voted=sum(1 for vote in listed if not vote),
        threshold=threshold,
        passed=passed,
    )
