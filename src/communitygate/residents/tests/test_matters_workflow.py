"""The matters workflow as a pure function: every step from every status, for each kind of actor."""

import pytest

from communitygate.residents.models import MatterStatuses as S
from communitygate.residents.workflow import (
    MatterActions as A,
)
from communitygate.residents.workflow import (
    MatterActors,
    MatterStepNotAllowed,
    actions_from,
    next_status,
)

STAFF = MatterActors.STAFF
RESIDENT = MatterActors.RESIDENT

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
@pytest.mark.parametrize("actor", list(MatterActors))
def test_the_table_allows_exactly_the_documented_steps(status, action, actor) -> None:
    expected = ALLOWED.get((status, action, actor))
    if expected is None:
        with pytest.raises(MatterStepNotAllowed):
            next_status(status, action, actor)
    else:
        assert next_status(status, action, actor) == expected


def test_unknown_action_is_refused() -> None:
    with pytest.raises(MatterStepNotAllowed):
        next_status(S.RECEIVED, "delete", STAFF)


def test_closed_matters_cannot_be_answered_again_without_reopening() -> None:
    assert actions_from(S.CLOSED, STAFF) == [A.REOPEN]
    assert actions_from(S.RECEIVED, STAFF) == [A.ASSIGN, A.ANSWER]
    assert actions_from(S.RECEIVED, RESIDENT) == []
