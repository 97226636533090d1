"""Where a consultation stands, in plain words (issue 13): 征询中 with the rate, the threshold
and the working days left while voting is open; a verdict only once it has closed; none on a
draft; "no consultation needed" for an urgent approval, never "征询0个单位"; votes 同意 / 不同意
/ 弃权; and the printed form says what the page says."""

import datetime as dt
import re

import pytest
from django.utils import translation

from communitygate.admissions.models import Application, Ballot, Votes
from communitygate.admissions.printing import form_rows
from communitygate.admissions.selectors import application_standing
from communitygate.admissions.services import (
    application_create,
    application_submit,
    application_urgent_approve,
)
from communitygate.core import clock, workdays
from communitygate.testing import World, signed_in

from .meetings import JANUARY
from .test_pages_and_api import DEADLINE, close, consulted_application
from .test_services import MONDAY, fields, vote_all

pytestmark = pytest.mark.django_db


def tally_block(world: World, application: Application, person: str = "office_officer") -> str:
    page = signed_in(world.user(person)).get(f"/admissions/{application.pk}/").content.decode()
    found = re.search(r'<div class="tally".*?</div>', page, re.S)
    assert found, "no tally on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_a_draft_shows_no_verdict(world: World) -> None:
    clock.pin(MONDAY)
    draft = application_create(
        actor=world.user("department_clerk"), applicant=world.org("department"), fields=fields()
    )
    text = tally_block(world, draft, "department_clerk")
    assert "尚未征询" in text
    assert "已通过" not in text and "未通过" not in text and "征询 0" not in text


def test_an_open_consultation_says_so_with_the_rate_the_threshold_and_the_days_left(
    world: World,
) -> None:
    application = consulted_application(world)
    vote_all(world, application, approvals=1)  # 1 of 5: 20% so far
    text = tally_block(world, application)
    days = workdays.workdays_between(JANUARY.date(), DEADLINE.date())
    assert days == 10  # Monday 4 January to Friday 15 January 2027
    assert "征询中" in text
    assert "目前同意率 20%（门槛 60%）" in text
    assert f"剩 {days} 个工作日" in text
    assert "未通过" not in text and "已通过" not in text
    answer = signed_in(world.user("office_officer")).get(f"/api/v1/applications/{application.pk}")
    assert answer.json()["consultation"] == "open"
    assert answer.json()["workdays_left"] == days
    # The lists say the same: the round's page and the applications' list.
    round_page = signed_in(world.user("office_officer")).get(
        f"/admissions/rounds/{application.review_round_id}/"
    )
    assert "征询中" in round_page.content.decode()
    assert "✗" not in round_page.content.decode()


@pytest.mark.parametrize(("approvals", "verdict"), [(3, "已通过"), (2, "未通过")])
def test_a_closed_consultation_gives_its_verdict(
    world: World, approvals: int, verdict: str
) -> None:
    application = consulted_application(world)
    vote_all(world, application, approvals=approvals)
    close(world, application)
    text = tally_block(world, application)
    assert "征询结束" in text and verdict in text
    assert "征询中" not in text
    assert f"同意率 {approvals * 20}%（门槛 60%）" in text


def test_an_urgent_approval_needed_no_consultation(world: World) -> None:
    clock.pin(MONDAY)
    urgent = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(
            urgent=True,
            urgent_reason="防汛",
            starts_on=dt.date(2026, 11, 26),
            ends_on=dt.date(2027, 12, 31),
        ),
    )
    urgent = application_submit(actor=world.user("department_clerk"), application=urgent)
    application_urgent_approve(
        actor=world.user("office_officer"), application=urgent, reason="即时审批"
    )
    text = tally_block(world, urgent)
    assert "无需征询" in text
    assert "征询 0" not in text and "未通过" not in text
    approved = Application.objects.get(pk=urgent.pk)
    rows = dict(form_rows(approved, application_standing(approved)))
    assert "无需征询" in rows["街道、社区征询结果"]
    assert "0 个单位" not in rows["街道、社区征询结果"]


def test_votes_are_agree_disagree_abstain(world: World) -> None:
    application = consulted_application(world)
    vote_all(world, application, approvals=1)  # one approve, three abstain
    Ballot.objects.filter(application=application, vote="abstain").update(vote="reject")
    page = signed_in(world.user("office_officer")).get(f"/admissions/{application.pk}/")
    text = page.content.decode()
    assert "不同意" in text and "不予准入" not in text.split('data-testid="tally"')[1][:4000]
    with translation.override("zh-hans"):
        labels = {str(label) for label in Votes.labels}
    assert labels == {"同意", "不同意", "弃权"}


def test_the_printed_form_says_what_the_page_says(world: World) -> None:
    application = consulted_application(world)
    vote_all(world, application, approvals=2)
    page = signed_in(world.user("office_officer")).get(f"/admissions/{application.pk}/")
    summary = re.search(r'data-testid="tally-summary">([^<]*)<', page.content.decode())
    assert summary
    rows = dict(form_rows(application, application_standing(application)))
    assert rows["街道、社区征询结果"] == summary.group(1)
    # The form is Chinese whatever the reader's language; the page follows the reader's.
    with translation.override("en"):
        assert application_standing(application).summary().startswith("Consultation open")
        rows_in_english_session = dict(form_rows(application, application_standing(application)))
    assert rows_in_english_session["街道、社区征询结果"] == summary.group(1)
