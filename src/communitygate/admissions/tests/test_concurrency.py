"""Votes arriving together: real transactions in parallel threads, each with its own connection."""

import datetime as dt

import pytest

from communitygate.admissions.models import Application, Ballot
from communitygate.admissions.services import (
    application_create,
    application_submit,
    ballot_cast,
)
from communitygate.audit.models import AuditEvent
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.core import clock
from communitygate.testing import build_world, run_together

from .meetings import JANUARY, open_in_january
from .test_services import MONDAY, fields

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("repetition", range(3))
def test_two_votes_for_one_body_at_once_leave_one_ballot(transactional_db, repetition: int) -> None:
    clock.pin(MONDAY)
    world = build_world()
    application = application_create(
        actor=world.user("department_clerk"), applicant=world.org("department"), fields=fields()
    )
    application_submit(actor=world.user("department_clerk"), application=application)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    open_in_january(world, review_round, JANUARY + dt.timedelta(days=5))
    community = world.org("community")
    _results, errors = run_together(
        [
            lambda: ballot_cast(
                actor=world.user("community_secretary"),
                application=application,
                body=community,
                vote="approve",
            ),
            lambda: ballot_cast(
                actor=world.user("community_worker"),
                application=application,
                body=community,
                vote="reject",
            ),
        ]
    )
    assert errors == []
    ballots = Ballot.objects.filter(application=application, body=community)
    assert ballots.count() == 1
    assert ballots.get().vote in {"approve", "reject"}
    assert AuditEvent.objects.filter(action="ballot.cast").count() == 2
    assert audit_chain_first_break() is None


def test_the_same_submission_arriving_twice_at_once_files_one(transactional_db) -> None:
    clock.pin(MONDAY)
    world = build_world()
    clerk, department = world.user("department_clerk"), world.org("department")
    _results, errors = run_together(
        [
            (
                lambda: application_create(
                    actor=clerk, applicant=department, fields=fields(), idempotency_key="same"
                )
            )
            for _ in range(4)
        ]
    )
    assert errors == []
    assert Application.objects.count() == 1
