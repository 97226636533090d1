"""The three rates, against figures computed by hand: response = answered ÷ received, on time =
answered by the answer-by date ÷ (answered + open and overdue), satisfaction = satisfied ÷ rated;
None when nothing counts; subdistricts and the district summed, never averaged."""

import datetime as dt
from decimal import Decimal

import pytest

from communitygate.matters.models import Matter
from communitygate.matters.selectors.matters import (
    matter_rates,
    matter_rates_by_subdistrict,
    matter_rates_total,
    percent,
    rate,
)
from communitygate.matters.services.matters import (
    matter_answer,
    matter_close,
    matter_rate,
    matter_receive,
)
from communitygate.matters.tests.test_matters_services import intake, pin_day
from communitygate.orgs.models import Organisation
from communitygate.testing import World

pytestmark = pytest.mark.django_db


def receive(world: World, day: dt.date, who: str = "community_worker", **overrides: object):
    pin_day(day)
    return matter_receive(actor=world.user(who), intake=intake(**overrides))


def answer(world: World, matter: Matter, day: dt.date, who: str = "community_worker") -> Matter:
    pin_day(day)
    return matter_answer(actor=world.user(who), matter=matter, answer="答复")


def scenario(world: World) -> None:
    # 370203031001, consultations (3 working days): received Monday 1 September → due Thursday 4.
    on_time = answer(world, receive(world, dt.date(2025, 9, 1)), dt.date(2025, 9, 2))
    late = answer(world, receive(world, dt.date(2025, 9, 1)), dt.date(2025, 9, 10))
    receive(world, dt.date(2025, 9, 1))  # still open on the 30th: open and overdue, counts late
    receive(world, dt.date(2025, 9, 29))  # open, due 10 October: not yet counted either way
    receive(world, dt.date(2025, 8, 29))  # before the period
    pin_day(dt.date(2025, 9, 11))
    matter_rate(tracking_code=on_time.tracking_code, phone_last4="5678", rating="satisfied")
    matter_rate(tracking_code=late.tracking_code, phone_last4="5678", rating="neutral")
    # 370203014001: one answered in time, closed, rated satisfied.
    other = answer(
        world,
        receive(
            world, dt.date(2025, 9, 2), "community_secretary_other", community_code="370203014001"
        ),
        dt.date(2025, 9, 3),
        "community_secretary_other",
    )
    matter_close(actor=world.user("community_secretary_other"), matter=other)
    matter_rate(tracking_code=other.tracking_code, phone_last4="5678", rating="satisfied")


def test_rates_per_community_subdistrict_and_district(world: World) -> None:
    scenario(world)
    pin_day(dt.date(2025, 9, 30))
    communities = Organisation.objects.filter(kind="community").order_by("path")
    rows = matter_rates(
        communities=communities, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)
    )
    by_code = {row.code: row for row in rows}

    own = by_code["370203031001"]
    assert (own.received, own.answered, own.settled, own.on_time, own.open_overdue) == (
        4,
        2,
        2,
        1,
        1,
    )
    assert own.response_rate == Decimal("0.5000")
    assert own.on_time_rate == Decimal("0.3333")  # 1 ÷ (2 answered + 1 open and overdue)
    assert own.satisfaction_rate == Decimal("0.5000")  # 1 satisfied ÷ 2 rated

    sibling = by_code["370203031002"]
    assert sibling.received == 0
    assert (sibling.response_rate, sibling.on_time_rate, sibling.satisfaction_rate) == (None,) * 3
    assert sibling.response_percent == "—"

    other = by_code["370203014001"]
    assert (other.response_rate, other.on_time_rate, other.satisfaction_rate) == (
        Decimal(1),
        Decimal(1),
        Decimal(1),
    )

    subdistricts = {row.code: row for row in matter_rates_by_subdistrict(rows)}
    assert subdistricts["370203031"].received == 4
    assert subdistricts["370203031"].communities == ("370203031001", "370203031002")
    assert subdistricts["370203014"].on_time_rate == Decimal(1)

    total = matter_rates_total(rows)
    assert (total.received, total.answered, total.on_time, total.open_overdue) == (5, 3, 2, 1)
    assert total.on_time_rate == Decimal("0.5000")  # 2 ÷ (3 + 1), not the mean of 1/3 and 1
    assert total.satisfaction_rate == Decimal("0.6667")
    assert total.on_time_percent == "50.0%"


def test_the_rates_are_one_aggregate_query(world: World, django_assert_num_queries) -> None:
    scenario(world)
    communities = list(Organisation.objects.filter(kind="community"))
    with django_assert_num_queries(2):  # the counts, and the subdistricts' names
        matter_rates(communities=communities, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))


def test_an_answer_after_reopening_is_on_time_against_the_new_date(world: World) -> None:
    matter = answer(world, receive(world, dt.date(2025, 9, 1)), dt.date(2025, 9, 2))
    pin_day(dt.date(2025, 9, 29))
    reopened = matter_rate(
        tracking_code=matter.tracking_code, phone_last4="5678", rating="unsatisfied"
    )
    assert reopened.answer_by == dt.date(2025, 10, 10)
    communities = Organisation.objects.filter(code="370203031001")
    (row,) = matter_rates(
        communities=communities, start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)
    )
    # Reopened and not yet due: neither on time nor late, but it was answered once.
    assert (row.answered, row.settled, row.open_overdue, row.on_time_rate) == (1, 0, 0, None)
    assert row.satisfaction_rate == Decimal(0)


def test_rate_and_percent() -> None:
    assert rate(0, 0) is None
    assert rate(2, 3) == Decimal("0.6667")
    assert percent(None) == "—"
    assert percent(Decimal("0.875")) == "87.5%"
