"""Issue 15: a round keeps to its month (open in it; close and decide in it or the next), an early
close needs a reason unless every body has voted, and the committee decides as a body at a
meeting (a quorum, then a majority of those present; the public sees no member's name)."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communitygate.admissions.committee import MIN_PRESENT, meeting_result
from communitygate.admissions.models import Application, CommitteeMeeting, MemberVote, ReviewRound
from communitygate.admissions.round_timing import (
    CLOSE,
    DECIDE,
    OPEN,
    RoundOutsideItsMonths,
    round_step_allowed,
)
from communitygate.admissions.services import (
    EarlyCloseNeedsReason,
    MeetingRecord,
    NoQuorum,
    application_create,
    application_decide,
    application_review,
    application_submit,
    ballot_cast,
    round_close_consultation,
    round_open_consultation,
)
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.testing import World, committee_members, signed_in

from .meetings import decide, meeting_for
from .test_services import MONDAY, consult, fields

VOTERS = [
    ("subdistrict_officer", "subdistrict"),
    ("subdistrict_officer_other", "subdistrict_other"),
    ("community_secretary", "community"),
    ("community_secretary_other", "community_other"),
]


@pytest.fixture
def filed(world: World) -> Application:
    """A draft for two communities of two subdistricts: four consulted bodies, each with a
    voter in the world."""
    clock.pin(MONDAY)
    return application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(target_community_codes=("370203031001", "370203014001")),
    )


def vote_all(world: World, application: Application, approvals: int, voters: int = 4) -> None:
    """The first `voters` bodies vote: `approvals` of them approve, the others abstain."""
    for index, (person, org) in enumerate(VOTERS[:voters]):
        ballot_cast(
            actor=world.user(person),
            application=application,
            body=world.org(org),
            vote="approve" if index < approvals else "abstain",
        )


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


# Round timing as a table: (today, round, step) → allowed -----------------------------------

TIMING = [
    # The office prepares a round before its month, but cannot open it then.
    (dt.date(2026, 12, 7), (2027, 7), OPEN, False),
    (dt.date(2026, 12, 7), (2027, 7), CLOSE, False),
    (dt.date(2026, 12, 7), (2027, 7), DECIDE, False),
    (dt.date(2026, 12, 31), (2027, 1), OPEN, False),  # the last day of the year before
    (dt.date(2027, 1, 1), (2027, 1), OPEN, True),  # across the year end: the first day
    (dt.date(2027, 1, 31), (2027, 1), OPEN, True),
    (dt.date(2027, 2, 1), (2027, 1), OPEN, False),  # opening only in the round's month
    (dt.date(2027, 2, 28), (2027, 1), CLOSE, True),  # closing in the month or the next
    (dt.date(2027, 3, 1), (2027, 1), CLOSE, False),
    (dt.date(2027, 1, 1), (2027, 1), DECIDE, True),
    (dt.date(2027, 2, 28), (2027, 1), DECIDE, True),
    (dt.date(2027, 3, 1), (2027, 1), DECIDE, False),
    (dt.date(2028, 2, 29), (2028, 1), DECIDE, True),  # a leap year's February
    (dt.date(2027, 6, 30), (2027, 7), OPEN, False),
    (dt.date(2027, 7, 1), (2027, 7), OPEN, True),
    (dt.date(2027, 8, 31), (2027, 7), DECIDE, True),
    (dt.date(2027, 9, 1), (2027, 7), DECIDE, False),
    (dt.date(2027, 8, 1), (2027, 7), OPEN, False),
    (dt.date(2027, 12, 31), (2027, 7), CLOSE, False),
    (dt.date(2028, 1, 15), (2027, 7), DECIDE, False),  # the next year's January is not July's
    (dt.date(2026, 7, 15), (2027, 7), OPEN, False),  # the same month a year early
]


@pytest.mark.parametrize(("today", "named", "step", "allowed"), TIMING)
def test_a_round_keeps_to_its_month(
    today: dt.date, named: tuple[int, int], step: str, allowed: bool
) -> None:
    year, month = named
    assert round_step_allowed(today=today, year=year, month=month, step=step) is allowed


@pytest.mark.django_db
def test_the_office_cannot_open_close_or_decide_a_july_round_in_december(world: World) -> None:
    review_round = ReviewRound.objects.create(year=2027, month=7)  # prepared ahead: allowed
    office = world.user("office_officer")
    clock.pin(dt.datetime(2026, 12, 7, 10, tzinfo=SHANGHAI))
    with pytest.raises(RoundOutsideItsMonths) as refused:
        round_open_consultation(
            actor=office,
            review_round=review_round,
            deadline=dt.datetime(2026, 12, 20, 17, tzinfo=SHANGHAI),
        )
    assert "2027-07-01至2027-07-31" in refused.value.message_zh
    assert ReviewRound.objects.get(pk=review_round.pk).status == "planned"
    # A consultation somehow open (say, opened before this rule) is not closed in December.
    ReviewRound.objects.filter(pk=review_round.pk).update(status="consulting")
    with pytest.raises(RoundOutsideItsMonths):
        round_close_consultation(actor=office, review_round=review_round, reason="提前")
    assert not AuditEvent.objects.filter(action__startswith="review_round.").exists()
    page = signed_in(office).get(f"/admissions/rounds/{review_round.pk}/").content.decode()
    assert "征询于2027年7月1日至2027年7月31日之间开始" in page
    assert "委员会决定须在2027年8月31日前完成" in page


@pytest.mark.django_db
def test_an_application_filed_after_the_consultation_opened_waits_for_the_next_round(
    world: World, filed: Application
) -> None:
    january = consult(world, filed)
    clerk = world.user("department_clerk")
    later = application_create(
        actor=clerk, applicant=world.org("department"), fields=fields(item_name="后来的申请")
    )
    submitted = application_submit(actor=clerk, application=later)
    assert submitted.review_round is not None
    assert (submitted.review_round.year, submitted.review_round.month) == (2027, 7)
    assert Application.objects.get(pk=filed.pk).review_round_id == january.pk
    assert submitted.status == "submitted"


@pytest.mark.django_db
def test_the_submitter_is_told_the_round_and_its_dates(world: World) -> None:
    clock.pin(MONDAY)
    clerk = world.user("department_clerk")
    application = application_create(
        actor=clerk, applicant=world.org("department"), fields=fields()
    )
    page = signed_in(clerk).post(f"/admissions/{application.pk}/submit/", follow=True)
    text = page.content.decode()
    assert "列入2027年1月批次" in text
    assert "征询最早于2027年1月1日开始" in text and "2027年2月28日前作出决定" in text
    answer = signed_in(clerk).get(f"/api/v1/applications/{application.pk}").json()
    assert answer["round_consultation_opens_on"] == "2027-01-01"
    assert answer["round_decided_by"] == "2027-02-28"


# Early close -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_early_close_needs_a_reason_while_a_body_has_not_voted(
    world: World, filed: Application
) -> None:
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=3, voters=3)
    with pytest.raises(EarlyCloseNeedsReason) as refused:
        round_close_consultation(actor=world.user("office_officer"), review_round=review_round)
    assert "仍有 1 个单位未投票" in refused.value.message_zh
    assert ReviewRound.objects.get(pk=review_round.pk).status == "consulting"


@pytest.mark.django_db
def test_an_early_close_needs_no_reason_when_every_body_has_voted(
    world: World, filed: Application
) -> None:
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=3)
    closed = round_close_consultation(actor=world.user("office_officer"), review_round=review_round)
    assert (closed.status, closed.closed_early, closed.early_close_reason) == (
        "reviewing",
        True,
        "",
    )


@pytest.mark.django_db
def test_an_early_close_with_a_reason_is_recorded_and_shown_on_the_decision(
    world: World, filed: Application
) -> None:
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=3, voters=3)
    reason = "台风预警，委员会提前汇总意见。"
    closed = round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason=f"  {reason} "
    )
    assert (closed.closed_early, closed.early_close_reason) == (True, reason)
    event = AuditEvent.objects.get(action="review_round.close_consultation")
    assert event.reason == reason and event.changes["closed_early"] == [None, True]
    application_review(
        actor=world.user("office_officer"), application=filed, action="forward", opinion="同意"
    )
    decided = decide(world, filed, "approve")
    page = signed_in(None).get(f"/decisions/{decided.number}/").content.decode()
    assert "提前截止" in page and reason in page
    answer = signed_in(world.user("office_officer")).get(f"/api/v1/applications/{filed.pk}")
    assert answer.json()["consultation_closed_early"] is True
    assert answer.json()["early_close_reason"] == reason
    pdf = signed_in(world.user("office_officer")).get(f"/admissions/{filed.pk}/form.pdf")
    assert pdf.status_code == 200


# The committee decides as a body: the pure rule ------------------------------------------

VOTES = st.lists(st.sampled_from(["approve", "reject", "abstain"]), max_size=30)
HALF = Fraction(1, 2)


@given(members=st.integers(min_value=1, max_value=40), votes=VOTES)
def test_one_member_alone_never_decides(members: int, votes: list[str]) -> None:
    present = votes[: min(len(votes), members, 1)]
    result = meeting_result(members=members, votes=present, quorum=HALF)
    assert not result.quorate and not result.passed


@given(members=st.integers(min_value=2, max_value=40), votes=VOTES)
def test_a_quorum_is_more_than_half_of_the_members(members: int, votes: list[str]) -> None:
    present = votes[:members]
    result = meeting_result(members=members, votes=present, quorum=HALF)
    assert result.quorate == (2 * len(present) > members and len(present) >= MIN_PRESENT)
    assert result.quorate == (len(present) >= result.quorum_needed)


@given(members=st.integers(min_value=2, max_value=40), votes=VOTES)
def test_a_decision_passes_with_a_majority_of_those_present(members: int, votes: list[str]) -> None:
    present = votes[:members]
    result = meeting_result(members=members, votes=present, quorum=HALF)
    approvals = present.count("approve")
    assert result.passed == (result.quorate and approvals > len(present) - approvals)
    # Abstaining never helps: turning an abstention into an approval never loses a decision.
    if "abstain" in present:
        more = list(present)
        more[more.index("abstain")] = "approve"
        assert meeting_result(members=members, votes=more, quorum=HALF).passed >= result.passed


@given(
    members=st.integers(min_value=2, max_value=40),
    votes=VOTES,
    share=st.fractions(min_value=0, max_value=Fraction(99, 100)),
)
def test_a_higher_quorum_never_lets_more_meetings_decide(
    members: int, votes: list[str], share: Fraction
) -> None:
    present = votes[:members]
    strict = meeting_result(members=members, votes=present, quorum=max(share, HALF))
    loose = meeting_result(members=members, votes=present, quorum=min(share, HALF))
    assert strict.quorate <= loose.quorate
    assert strict.passed <= loose.passed
    assert strict.approve + strict.reject + strict.abstain == strict.present == len(present)


# The committee decides as a body: the service and the pages -------------------------------


def at_committee(world: World, application: Application) -> Application:
    review_round = consult(world, application)
    vote_all(world, application, approvals=4)
    round_close_consultation(actor=world.user("office_officer"), review_round=review_round)
    return application_review(
        actor=world.user("office_officer"),
        application=application,
        action="forward",
        opinion="同意提交",
    )


@pytest.mark.django_db
def test_the_meeting_decides_not_the_person_recording_it(world: World, filed: Application) -> None:
    at_committee(world, filed)
    members = committee_members(world, 5)
    votes = ("reject", "reject", "approve")  # 3 of 5 present: a quorum; 1 approval of 3
    decided = application_decide(
        actor=world.user("office_officer"),  # the office records the meeting
        application=filed,
        meeting=MeetingRecord(
            held_on=clock.today(),
            votes=tuple((m.pk, v) for m, v in zip(members, votes, strict=False)),
        ),
        reason="多数委员认为应由部门自行承担",
    )
    assert decided.status == "rejected"
    meeting = CommitteeMeeting.objects.get(application=filed)
    assert (meeting.members, meeting.held_on) == (5, clock.today())
    assert MemberVote.objects.filter(meeting=meeting).count() == 3
    event = AuditEvent.objects.get(action="committee_meeting.record")
    assert event.changes["outcome"] == [None, "committee_reject"]


@pytest.mark.django_db
def test_one_member_alone_cannot_decide(world: World, filed: Application) -> None:
    at_committee(world, filed)
    member = committee_members(world, 3)[0]
    with pytest.raises(NoQuorum) as refused:
        application_decide(
            actor=member,
            application=filed,
            meeting=MeetingRecord(held_on=clock.today(), votes=((member.pk, "approve"),)),
            reason="同意",
        )
    assert "至少 2 人出席" in refused.value.message_zh
    assert Application.objects.get(pk=filed.pk).status == "at_committee"
    assert not CommitteeMeeting.objects.exists()


@pytest.mark.django_db
def test_without_a_quorum_nothing_is_decided(world: World, filed: Application) -> None:
    at_committee(world, filed)
    members = committee_members(world, 5)
    with pytest.raises(NoQuorum):
        application_decide(
            actor=members[0],
            application=filed,
            meeting=MeetingRecord(
                held_on=clock.today(), votes=tuple((m.pk, "approve") for m in members[:2])
            ),
            reason="同意",
        )
    assert Application.objects.get(pk=filed.pk).status == "at_committee"


@pytest.mark.django_db
def test_those_present_are_members_and_vote_once(world: World, filed: Application) -> None:
    at_committee(world, filed)
    members = committee_members(world, 3)
    outsider = world.user("office_officer")
    for votes in (
        ((members[0].pk, "approve"), (members[0].pk, "approve"), (members[1].pk, "approve")),
        ((members[0].pk, "approve"), (members[1].pk, "approve"), (outsider.pk, "approve")),
        ((members[0].pk, "approve"), (members[1].pk, "refuse")),
    ):
        with pytest.raises(InvalidInput):
            application_decide(
                actor=members[0],
                application=filed,
                meeting=MeetingRecord(held_on=clock.today(), votes=votes),
                reason="同意",
            )
    with pytest.raises(InvalidInput):  # a meeting in the future
        application_decide(
            actor=members[0],
            application=filed,
            meeting=meeting_for(world, "approve", held_on=clock.today() + dt.timedelta(days=1)),
            reason="同意",
        )
    with pytest.raises(PermissionDenied):
        application_decide(
            actor=world.user("department_clerk"),
            application=filed,
            meeting=meeting_for(world, "approve"),
            reason="同意",
        )
    assert Application.objects.get(pk=filed.pk).status == "at_committee"


@pytest.mark.django_db
def test_a_decision_is_taken_in_the_rounds_month_or_the_next(
    world: World, filed: Application
) -> None:
    at_committee(world, filed)
    clock.pin(dt.datetime(2027, 3, 1, 10, tzinfo=SHANGHAI))
    with pytest.raises(RoundOutsideItsMonths):
        decide(world, filed, "approve")
    clock.pin(dt.datetime(2027, 2, 26, 10, tzinfo=SHANGHAI))
    with pytest.raises(RoundOutsideItsMonths):  # recorded in time, but held too early
        application_decide(
            actor=world.user("committee_member"),
            application=filed,
            meeting=meeting_for(world, "approve", held_on=dt.date(2026, 12, 30)),
            reason="同意",
        )
    assert decide(world, filed, "approve").status == "approved"


@pytest.mark.django_db
def test_the_public_decision_shows_the_meeting_but_no_members_name(
    world: World, filed: Application
) -> None:
    at_committee(world, filed)
    members = committee_members(world, 3)
    for number, member in enumerate(members, start=1):
        member.first_name, member.last_name = f"委员名{number}", "张"
        member.save()
    decided = decide(world, filed, "approve", reason="经委员会审议同意")
    public = signed_in(None)
    pages = [
        public.get(f"/decisions/{decided.number}/").content.decode(),
        public.get("/decisions/").content.decode(),
    ]
    assert "委员 3 名中出席 3 名" in pages[0]
    assert "经出席委员过半数同意，通过" in pages[0]
    for page in pages:
        for member in members:
            assert member.username not in page
            assert member.first_name not in page
    answer = signed_in(world.user("department_clerk")).get(f"/api/v1/applications/{filed.pk}")
    meeting = answer.json()["meeting"]
    assert meeting["present"] == 3 and meeting["approve"] == 3 and meeting["passed"] is True
    assert not any(member.username in answer.content.decode() for member in members)


@pytest.mark.django_db
def test_the_api_records_a_meeting_by_the_members_usernames(
    world: World, filed: Application
) -> None:
    at_committee(world, filed)
    members = committee_members(world, 3)
    api = signed_in(world.user("committee_member"))
    url = f"/api/v1/applications/{filed.pk}/decision"
    payload = {
        "held_on": clock.today().isoformat(),
        "votes": [
            {"member": members[0].username, "vote": "approve"},
            {"member": members[1].username, "vote": "abstain"},
        ],
        "reason": "二人出席",
    }
    answer = api.post(url, payload, content_type="application/json")
    assert answer.status_code == 200, answer.content
    # 2 of 3 present is a quorum; 1 approval of 2 present is no majority: not admitted.
    assert answer.json()["status"] == "rejected"
    assert answer.json()["meeting"]["present"] == 2


@pytest.mark.django_db
def test_the_decision_page_records_the_meeting(world: World, filed: Application) -> None:
    at_committee(world, filed)
    members = committee_members(world, 3)
    page = signed_in(world.user("office_officer"))
    detail = f"/admissions/{filed.pk}/"
    form = page.get(detail).content.decode()
    assert 'data-testid="decision-form"' in form and "缺席" in form
    posted = page.post(
        f"{detail}decide/",
        {
            "held_on": clock.today().isoformat(),
            "reason": "同意",
            f"member_{members[0].pk}": "approve",
            f"member_{members[1].pk}": "approve",
            f"member_{members[2].pk}": "",
        },
    )
    assert posted.status_code == 302
    assert Application.objects.get(pk=filed.pk).status == "approved"
    assert set(MemberVote.objects.values_list("member__username", "vote")) == {
        (members[0].username, "approve"),
        (members[1].username, "approve"),
    }
