"""The matters workflow as a pure function: every step from every status, for each kind of actor."""

import pytest

from communitygate.core.workflow import ActorNotAllowed
from communitygate.matters.models import MatterStatuses as S
from communitygate.matters.workflow import (
    MATTER,
    RESIDENT,
    STAFF,
    MatterStepNotAllowed,
    TrackingCodeHolder,
)
from communitygate.matters.workflow import MatterActions as A

ALLOWED = {
    (S.RECEIVED, A.ASSIGN, STAFF): S.ASSIGNED,
    (S.ASSIGNED, A.ASSIGN, STAFF): S.ASSIGNED,
    (S.REOPENED, A.ASSIGN, STAFF): S.ASSIGNED,
    (S.RECEIVED, A.ANSWER, STAFF): S.ANSWERED,
    (S.ASSIGNED, A.ANSWER, STAFF): S.ANSWERED,
    (S.REOPENED, A.ANSWER, STAFF): S.ANSWERED,
    (S.ANSWERED, A.CLOSE, STAFF): S.CLOSED,
    (S.ANSWERED, A.REOPEN, STAFF): S.REOPENED,
    (S.CLOSED, A.REOPEN, STAFF): S.REOPENED,
    (S.ANSWERED, A.REOPEN, RESIDENT): S.REOPENED,
    (S.CLOSED, A.REOPEN, RESIDENT): S.REOPENED,
}


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", list(A))
@pytest.mark.parametrize("who", [STAFF, RESIDENT], ids=["staff", "resident"])
def test_the_table_allows_exactly_the_documented_steps(status, action, who) -> None:
    row = MATTER.transition(status, action, who)
    assert (row.target if row else None) == ALLOWED.get((status, action, who))


class FakeMatter:
    """Only what the resident's predicate reads: the matter's id and status."""

    pk = 7
    community_id = 0

    def __init__(self, status: str) -> None:
        self.status = status


def test_the_resident_reopens_only_their_own_answered_matter() -> None:
    resident = TrackingCodeHolder(matter_id=7)
    assert MATTER.check(resident, FakeMatter(S.ANSWERED), A.REOPEN, S.ANSWERED).target == S.REOPENED
    with pytest.raises(MatterStepNotAllowed):
        MATTER.check(resident, FakeMatter(S.RECEIVED), A.REOPEN, S.RECEIVED)
    with pytest.raises(ActorNotAllowed):
        MATTER.check(TrackingCodeHolder(matter_id=8), FakeMatter(S.ANSWERED), A.REOPEN, S.ANSWERED)
    with pytest.raises(ActorNotAllowed):
        MATTER.check(resident, FakeMatter(S.ANSWERED), A.CLOSE, S.ANSWERED)


def test_unknown_action_is_refused() -> None:
    with pytest.raises(MatterStepNotAllowed):
        MATTER.check(None, FakeMatter(S.RECEIVED), "delete", S.RECEIVED)


def test_closed_matters_cannot_be_answered_again_without_reopening() -> None:
    assert MATTER.actions_from(S.CLOSED, STAFF) == [A.REOPEN]
    assert MATTER.actions_from(S.RECEIVED, STAFF) == [A.ASSIGN, A.ANSWER]
    assert MATTER.actions_from(S.RECEIVED, RESIDENT) == []
