"""The committee decides as a body (委员会集体审议). A decision is taken at a meeting: it needs a
quorum of the committee's members present (more than the settings' share, by default more than
half, and never fewer than two people) and passes with the votes of a majority of the members
present (同意 more than half of those present: an abstention counts as not approving). Pure and
exact: fractions, no floating point."""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from communitygate.admissions.models import Votes

# One member alone cannot decide, whatever the committee's size or the settings' share.
MIN_PRESENT = 2


@dataclass(frozen=True)
class MeetingResult:
    members: int  # the committee's members on the meeting's day
    present: int
    approve: int
    reject: int
    abstain: int
    quorum: Fraction  # present must be more than this share of the members

    @property
    def quorate(self) -> bool:
        return (
            self.present >= MIN_PRESENT
            and self.members > 0
            and Fraction(self.present, self.members) > self.quorum
        )

    @property
    def passed(self) -> bool:
        return self.quorate and 2 * self.approve > self.present

    @property
    def quorum_needed(self) -> int:
        """The fewest members present that make a quorum."""
        needed = int(self.quorum * self.members) + 1
        return max(needed, MIN_PRESENT)


def meeting_result(*, members: int, votes: Iterable[str], quorum: Fraction) -> MeetingResult:
    """The result of one meeting's votes on one application (one vote per member present)."""
    listed = list(votes)
    unknown = [vote for vote in listed if vote not in Votes.values]
    if unknown:
        raise ValueError(f"unknown votes {unknown!r}")
    if len(listed) > members:
        raise ValueError("more members present than the committee has")
    return MeetingResult(
        members=members,
        present=len(listed),
        approve=listed.count(Votes.APPROVE),
        reject=listed.count(Votes.REJECT),
        abstain=listed.count(Votes.ABSTAIN),
        quorum=quorum,
    )
