"""The consultation tally (SPEC §4): pass rate = approvals ÷ consulted bodies, each body one
vote; an abstention and a body that has not voted count as not approving. Exact arithmetic:
no floating point decides whether 60% is reached."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# Where a consultation stands, as every page and the printed form say it (issue 13): a tally is
# only a verdict once voting has closed; a draft has none; an urgent approval needed none.
NOT_CONSULTED = "not_consulted"  # not (yet) put to the bodies: no verdict
OPEN = "open"  # voting open: 征询中, the rate so far, the threshold and the days left
CLOSED = "closed"  # voting over: passed or not
URGENT = "urgent"  # approved at once by the office as urgent: no consultation was needed


@dataclass(frozen=True)
class Standing:
    tally: Tally
    phase: str
    deadline: dt.datetime | None = None
    workdays_left: int | None = None  # working days from today to the deadline, both included

    @property
    def has_verdict(self) -> bool:
        return self.phase == CLOSED

    @property
    def passed(self) -> bool:
        return self.has_verdict and self.tally.passed

    def rate_text(self) -> str:
        return f"{self.tally.pass_rate * 100:.0f}%"

    def threshold_text(self) -> str:
        return f"{self.tally.threshold * 100:.0f}%"

    def verdict(self) -> str:
        """One word or two: 征询中, 已通过, 未通过, 尚未征询, 无需征询."""
        if self.phase == OPEN:
            return str(_("consultation open"))
        if self.phase == URGENT:
            return str(_("no consultation needed"))
        if self.phase == NOT_CONSULTED:
            return str(_("not consulted"))
        return str(_("passed") if self.tally.passed else _("not passed"))

    def counts(self) -> str:
        t = self.tally
        return _(
            "%(consulted)s consulted · %(approve)s approve · %(reject)s reject · "
            "%(abstain)s abstain · %(not_voted)s not yet voted"
        ) % {
            "consulted": t.consulted,
            "approve": t.approve,
            "reject": t.reject,
            "abstain": t.abstain,
            "not_voted": t.not_voted,
        }

    def summary(self) -> str:
        """The standing in one sentence, the same on the page, in the API and on the form."""
        if self.phase == URGENT:
            return str(
                _(
                    "An urgent item approved at once by the committee office: "
                    "no consultation was needed."
                )
            )
        if self.phase == NOT_CONSULTED:
            return str(_("Not put to the subdistricts and communities yet."))
        rate = {"rate": self.rate_text(), "threshold": self.threshold_text()}
        if self.phase == OPEN:
            if self.workdays_left is None:
                left = str(_("the holiday calendar does not know this period yet"))
            else:
                left = ngettext(
                    "%(days)s working day left", "%(days)s working days left", self.workdays_left
                ) % {"days": self.workdays_left}
            return _(
                "Consultation open: %(counts)s; approval rate so far %(rate)s "
                "(threshold %(threshold)s); %(left)s."
            ) % {"counts": self.counts(), "left": left, **rate}
        return _(
            "Consultation closed: %(counts)s; approval rate %(rate)s "
            "(threshold %(threshold)s): %(verdict)s."
        ) % {"counts": self.counts(), "verdict": self.verdict(), **rate}
