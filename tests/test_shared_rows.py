"""communitygate.testing.shared_rows: rows seeded once for a module; every test of it sees them,
none sees another test's writes, the clock is pinned again for each, and the rows are gone when
the fixture ends."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from communitygate.core import clock
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create
from communitygate.testing import Shared, shared_rows

pytestmark = pytest.mark.django_db

SEEDED_AT = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)


def district(code: str) -> int:
    return organisation_create(actor=None, code=code, name=f"区{code}", kind="district").pk


def seed() -> int:
    clock.pin(SEEDED_AT)
    return district("SHARED")


@pytest.fixture(scope="module")
def shared_district(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Shared[int]]:
    yield from shared_rows(request, django_db_blocker, seed)


@pytest.mark.parametrize("writer", ["W1", "W2"])
def test_each_test_sees_the_shared_rows_and_none_of_another_tests(
    shared_district: Shared[int], writer: str
) -> None:
    pk = shared_district.enter()
    assert clock.now() == SEEDED_AT
    assert list(Organisation.objects.values_list("pk", flat=True)) == [pk]
    district(writer)
    assert Organisation.objects.count() == 2


def test_the_rows_are_rolled_back_when_the_fixture_ends(
    shared_district: Shared[int], request: pytest.FixtureRequest, django_db_blocker: Any
) -> None:
    rows = shared_rows(request, django_db_blocker, lambda: district("INNER"))
    inner = next(rows)
    assert Organisation.objects.filter(pk=inner.value).exists()
    with pytest.raises(StopIteration):
        next(rows)
    assert not Organisation.objects.filter(code="INNER").exists()
    assert Organisation.objects.filter(pk=shared_district.value).exists()
