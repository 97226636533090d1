"""Closing a consultation asks first (issue 13): the confirmation page says how many votes were
cast and how many can no longer be; before the deadline a reason is required (beside its field,
in the page's language), recorded in the close event and shown in the round's history; after
the deadline none is needed. Then a sentence says what happened."""

import pytest
from django.test import Client

from communitygate.admissions.models import Application, ReviewRound
from communitygate.admissions.services import (
    EarlyCloseNeedsReason,
    ballot_cast,
    round_close_consultation,
)
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.testing import World, signed_in

from .test_pages_and_api import AFTER_THE_DEADLINE, consulted_application, html

pytestmark = pytest.mark.django_db


def _round(world: World) -> tuple[Application, ReviewRound, str]:
    application = consulted_application(world)
    ballot_cast(
        actor=world.user("community_secretary"),
        application=application,
        body=world.org("community"),
        vote="approve",
    )
    review_round = application.review_round
    assert review_round is not None
    return application, review_round, f"/admissions/rounds/{review_round.pk}/"


def _status(review_round: ReviewRound) -> str:
    return ReviewRound.objects.get(pk=review_round.pk).status


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_closing_early_shows_what_it_means_and_changes_nothing_until_confirmed(
    world: World,
) -> None:
    _application, review_round, page = _round(world)
    office = signed_in(world.user("office_officer"))
    asked = html(office.post(f"{page}close/"))
    assert 'data-testid="confirm-form"' in asked
    assert "已投 1 票（同意 1、不同意 0、弃权 0）" in asked
    assert "现在截止属于提前截止" in asked
    assert 'name="reason"' in asked and 'name="confirmed" value="yes"' in asked
    assert _status(review_round) == "consulting"
    assert not AuditEvent.objects.filter(action="review_round.close_consultation").exists()


def test_an_early_close_without_a_reason_is_refused_beside_the_reason_in_chinese(
    world: World,
) -> None:
    _application, review_round, page = _round(world)
    office = signed_in(world.user("office_officer"))
    response = office.post(f"{page}close/", {"confirmed": "yes", "reason": "  "})
    answer = html(response)
    assert response.context["form"].errors["reason"] == [
        "征询期尚未结束，仍有 4 个单位未投票，提前截止须说明理由。"
    ]
    assert 'data-testid="errors-reason"' in answer
    assert "give the reason" not in answer.lower()
    assert _status(review_round) == "consulting"


def test_an_english_page_shows_the_refusal_in_english_only(world: World) -> None:
    _application, review_round, page = _round(world)
    office = _english(signed_in(world.user("office_officer")))
    response = office.post(f"{page}close/", {"confirmed": "yes"})
    answer = html(response)
    assert response.context["form"].errors["reason"] == [
        "The consultation window has not ended and 4 bodies have not voted: give the reason "
        "for closing it early."
    ]
    assert "提前截止须说明理由" not in answer
    assert _status(review_round) == "consulting"


def test_an_early_close_with_its_reason_closes_records_it_and_says_so(world: World) -> None:
    application, review_round, page = _round(world)
    office = signed_in(world.user("office_officer"))
    reason = "委员会临时召开会议，需提前汇总"
    response = office.post(f"{page}close/", {"confirmed": "yes", "reason": reason})
    assert response.status_code == 302 and response["Location"] == page
    assert _status(review_round) == "reviewing"
    assert Application.objects.get(pk=application.pk).status == "in_review"
    event = AuditEvent.objects.get(action="review_round.close_consultation")
    assert event.reason == reason
    assert event.changes["closed_early"] == [None, True]
    shown = html(office.get(page))
    assert "征询已提前截止，理由已记录：已投 1 票" in shown
    assert reason in shown and 'data-testid="closed-early"' in shown


def test_closing_after_the_deadline_needs_no_reason(world: World) -> None:
    _application, review_round, page = _round(world)
    clock.pin(AFTER_THE_DEADLINE)
    office = signed_in(world.user("office_officer"))
    asked = html(office.post(f"{page}close/"))
    assert 'name="reason"' not in asked and "已过" in asked
    response = office.post(f"{page}close/", {"confirmed": "yes"})
    assert response.status_code == 302
    assert _status(review_round) == "reviewing"
    event = AuditEvent.objects.get(action="review_round.close_consultation")
    assert event.reason == "" and "closed_early" not in event.changes
    assert "转入委员会办公室审查" in html(office.get(page))


def test_the_service_and_the_api_ask_for_the_reason_of_an_early_close(world: World) -> None:
    _application, review_round, _page = _round(world)
    with pytest.raises(EarlyCloseNeedsReason):
        round_close_consultation(actor=world.user("office_officer"), review_round=review_round)
    api = signed_in(world.user("office_officer"))
    url = f"/api/v1/review-rounds/{review_round.pk}/close-consultation"
    refused = api.post(url, {}, content_type="application/json")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "early_close_needs_reason"
    assert body["message_zh"] == "征询期尚未结束，仍有 4 个单位未投票，提前截止须说明理由。"
    assert body["message"].startswith("征询期尚未结束") and " / " in body["message"]
    assert _status(review_round) == "consulting"
    closed = api.post(url, {"reason": "应急"}, content_type="application/json")
    assert closed.status_code == 200
    assert _status(review_round) == "reviewing"
