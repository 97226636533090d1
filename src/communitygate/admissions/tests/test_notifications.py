"""Whoever must act is told, by background tasks through the database queue."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from communitygate.accounts.models import Notification
from communitygate.admissions.models import Application
from communitygate.admissions.services import (
    application_create,
    application_review,
    application_submit,
    round_close_consultation,
)
from communitygate.admissions.tasks import ballots_due_soon, remind_votes_due
from communitygate.core import clock
from communitygate.testing import World

from .meetings import JANUARY, open_in_january
from .test_services import MONDAY, fields

# Real transactions: on_commit fires, and the worker may close and reopen its connection.
pytestmark = pytest.mark.django_db(transaction=True)


def run_queue() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def opened(world: World) -> Application:
    clock.pin(MONDAY)
    application = application_create(
        actor=world.user("department_clerk"), applicant=world.org("department"), fields=fields()
    )
    application_submit(actor=world.user("department_clerk"), application=application)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    open_in_january(world, review_round, JANUARY + dt.timedelta(days=2, hours=6))
    return application


def recipients(key_prefix: str) -> set[str]:
    return set(
        Notification.objects.filter(key__startswith=key_prefix).values_list(
            "recipient__username", flat=True
        )
    )


def test_opening_a_consultation_tells_the_consulted_bodies(
    world: World, django_capture_on_commit_callbacks
) -> None:
    opened(world)
    assert not Notification.objects.exists(), "sent by the background task, not in the request"
    run_queue()
    assert recipients("consultation-opened:") == {
        "subdistrict_officer",
        "subdistrict_officer_other",
        "community_secretary",
        "community_worker",
        "community_secretary_other",
    }
    run_queue()
    assert Notification.objects.count() == 5, "a retried task sends nothing twice"


def test_a_vote_due_within_two_working_days_is_reminded(
    world: World, django_capture_on_commit_callbacks
) -> None:
    application = opened(world)
    assert len(ballots_due_soon(clock.today())) == 5
    from communitygate.admissions.services import ballot_cast

    ballot_cast(
        actor=world.user("community_secretary"),
        application=application,
        body=world.org("community"),
        vote="approve",
    )
    remind_votes_due.enqueue()
    run_queue()
    assert recipients("vote-due:") == {
        "subdistrict_officer",
        "subdistrict_officer_other",
        "community_secretary_other",
    }
    clock.pin(JANUARY - dt.timedelta(days=20))
    assert ballots_due_soon(clock.today()) == [], "not yet due three weeks before"


def test_the_applicant_hears_of_a_return_and_reads_it(
    world: World, django_capture_on_commit_callbacks
) -> None:
    application = opened(world)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_review(
            actor=world.user("office_officer"),
            application=application,
            action="return",
            opinion="请补充依据",
        )
    run_queue()
    from django_tasks_db.models import DBTaskResult

    print(
        "TASKS",
        list(
            DBTaskResult.objects.values_list(
                "task_path", "status", "exception_class_path", "traceback"
            )
        ),
    )
    assert recipients("returned:") == {"department_clerk", "department_head"}
    client = Client()
    client.force_login(world.user("department_clerk"))
    page = client.get("/notifications/").content.decode()
    assert application.number in page
    assert "通知 (1)" in page or "Notifications (1)" in page
    notification = Notification.objects.get(
        recipient=world.user("department_clerk"), key__startswith="returned:"
    )
    client.post(f"/notifications/{notification.pk}/read/")
    notification.refresh_from_db()
    assert notification.read_at is not None
    other = Client()
    other.force_login(world.user("department_head"))
    assert other.post(f"/notifications/{notification.pk}/read/").status_code == 404
