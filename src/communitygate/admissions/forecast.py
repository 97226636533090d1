"""The burden forecast (负担预估): what an application would add to each community it targets, and
whether that takes the community past what its staff can carry.

A community's load is the estimated hours a year of the catalog items in force that apply to it;
its capacity is its staff × one person's working hours a year. The forecast adds the
application's hours to the load and says, per community, whether it was already above capacity
and whether this application would push it over. Ledgers and plaques count only where they are
new to the community (an item in force may already require the same one).

Pure arithmetic on plain values: `admissions.selectors.application_burden` gathers the inputs.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# How many times a year an item of each frequency recurs; "ongoing" and "as needed" have no
# count, so their hours a year cannot be split into occurrences.
OCCURRENCES_PER_YEAR = {"yearly": 1, "quarterly": 4, "monthly": 12, "weekly": 52}

ONE_DECIMAL = Decimal("0.1")


def hours_text(hours: Decimal) -> str:
    """Hours with one decimal, as the API and the printed form give them ("48.0")."""
    return f"{hours.quantize(ONE_DECIMAL)}"


def capacity_hours(staff: int, hours_per_staff: Decimal) -> Decimal:
    """What a community's staff can do in a year (staff × one person's working hours a year)."""
    return Decimal(staff) * hours_per_staff


@dataclass(frozen=True)
class Requirement:
    """A ledger or plaque the application asks for: `code` None for one not yet in the records
    (created if admitted, so new to every community)."""

    code: str | None
    name: str


@dataclass(frozen=True)
class CommunityLoad:
    """A community's burden today: hours a year and the ledgers and plaques (codes) required."""

    hours: Decimal
    ledger_codes: frozenset[str]
    plaque_codes: frozenset[str]


NO_LOAD = CommunityLoad(Decimal("0"), frozenset(), frozenset())


@dataclass(frozen=True)
class CommunityInput:
    code: str
    name: str
    staff: int
    load: CommunityLoad


@dataclass(frozen=True)
class CommunityForecast:
    code: str
    name: str
    staff: int
    capacity: Decimal
    hours_before: Decimal
    hours_added: Decimal
    hours_after: Decimal
    ledgers_added: tuple[Requirement, ...]
    plaques_added: tuple[Requirement, ...]

    @property
    def over_capacity_before(self) -> bool:
        return self.hours_before > self.capacity

    @property
    def over_capacity_after(self) -> bool:
        return self.hours_after > self.capacity

    @property
    def pushed_over(self) -> bool:
        """Within capacity today, above it with this application."""
        return self.over_capacity_after and not self.over_capacity_before


@dataclass(frozen=True)
class AddedRequirement:
    """A ledger or plaque and how many targeted communities it would be new to."""

    requirement: Requirement
    communities: int


@dataclass(frozen=True)
class Forecast:
    hours_per_community_year: Decimal
    hours_per_occurrence: Decimal | None  # None when the frequency has no count a year
    occurrences_per_year: int | None
    communities: tuple[CommunityForecast, ...]
    ledgers: tuple[AddedRequirement, ...]  # new to at least one targeted community
    plaques: tuple[AddedRequirement, ...]
    hours_per_staff: Decimal  # one staff member's working hours a year (the capacity's factor)

    @property
    def hours_total_year(self) -> Decimal:
        """What the application adds over all targeted communities together."""
        return sum((c.hours_added for c in self.communities), Decimal("0"))

    @property
    def pushed_over_communities(self) -> tuple[CommunityForecast, ...]:
        return tuple(c for c in self.communities if c.pushed_over)

    @property
    def already_over_communities(self) -> tuple[CommunityForecast, ...]:
        return tuple(c for c in self.communities if c.over_capacity_before)

    @property
    def over_capacity(self) -> tuple[str, ...]:
        """Codes of the communities this application would push over capacity."""
        return tuple(c.code for c in self.pushed_over_communities)

    @property
    def already_over(self) -> tuple[str, ...]:
        """Codes of the targeted communities above capacity before this application."""
        return tuple(c.code for c in self.already_over_communities)


def _new_to(requirements: Sequence[Requirement], held: frozenset[str]) -> tuple[Requirement, ...]:
    return tuple(r for r in requirements if r.code is None or r.code not in held)


def _tally_added(
    requirements: Sequence[Requirement], per_community: Iterable[tuple[Requirement, ...]]
) -> tuple[AddedRequirement, ...]:
    counts = dict.fromkeys(requirements, 0)
    for added in per_community:
        for requirement in added:
            counts[requirement] += 1
    return tuple(AddedRequirement(r, n) for r, n in counts.items() if n)


def forecast_burden(
    *,
    hours_per_community_year: Decimal,
    frequency: str,
    ledgers: Sequence[Requirement],
    plaques: Sequence[Requirement],
    communities: Sequence[CommunityInput],
    hours_per_staff: Decimal,
) -> Forecast:
    """The forecast of an application adding `hours_per_community_year` to each of
    `communities`, in their order."""
    if hours_per_community_year < 0:
        raise ValueError("hours cannot be negative")
    occurrences = OCCURRENCES_PER_YEAR.get(frequency)
    per_occurrence = (
        (hours_per_community_year / occurrences).quantize(ONE_DECIMAL) if occurrences else None
    )
    forecasts = tuple(
        CommunityForecast(
            code=community.code,
            name=community.name,
            staff=community.staff,
            capacity=capacity_hours(community.staff, hours_per_staff),
            hours_before=community.load.hours,
            hours_added=hours_per_community_year,
            hours_after=community.load.hours + hours_per_community_year,
            ledgers_added=_new_to(ledgers, community.load.ledger_codes),
            plaques_added=_new_to(plaques, community.load.plaque_codes),
        )
        for community in communities
    )
    return Forecast(
        hours_per_community_year=hours_per_community_year,
        hours_per_occurrence=per_occurrence,
        occurrences_per_year=occurrences,
        communities=forecasts,
        ledgers=_tally_added(ledgers, (c.ledgers_added for c in forecasts)),
        plaques=_tally_added(plaques, (c.plaques_added for c in forecasts)),
        hours_per_staff=hours_per_staff,
    )
