"""The admission path through its services: every rule and every step, with audit events."""

import datetime as dt
from decimal import Decimal

import pytest

from communitygate.admissions.models import Application, Ballot, FundingCommitment, ReviewRound
from communitygate.admissions.selectors import application_tally
from communitygate.admissions.services import (
    ApplicationFields,
    ConsultationClosed,
    DelegatedItemUnfunded,
    NotConsulted,
    PassRateBelowThreshold,
    SocialOrganisationRequired,
    UrgentLeadTimeTooShort,
    application_create,
    application_review,
    application_revise,
    application_submit,
    application_urgent_approve,
    application_withdraw,
    ballot_cast,
    next_round_for,
    round_close_consultation,
    round_open_consultation,
    urgent_valid_to,
)
from communitygate.admissions.tests.meetings import JANUARY, decide, open_in_january
from communitygate.admissions.workflow import (
    ApplicationTransitionNotAllowed as TransitionNotAllowed,
)
from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import CatalogItem, EditionEntry
from communitygate.catalog.selectors import ItemFilters, edition_items, edition_latest
from communitygate.catalog.services import catalog_publish
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.testing import World, make_item

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, no holiday that week


def fields(**overrides: object) -> ApplicationFields:
    values: dict[str, object] = {
        "contact_name": "演示经办人",
        "contact_phone": "0532-80000000",
        "item_name": "协助开展老年人能力评估摸底",
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《中华人民共和国老年人权益保障法》",
        "necessity": "掌握辖区老年人服务需求",
        "community_duty": "入户摸底、信息登记",
        "frequency": "yearly",
        "starts_on": dt.date(2027, 3, 1),
        "estimated_hours": Decimal("20"),
        "funding_per_community": Decimal("1500"),
        "funding_source": "区民政局部门预算",
        "targets_all": False,
        "target_community_codes": ("370203031001", "370203031002", "370203014001"),
    }
    values.update(overrides)
    return ApplicationFields(**values)  # type: ignore[arg-type]


@pytest.fixture
def filed(world: World) -> Application:
    clock.pin(MONDAY)
    return application_create(
        actor=world.user("department_clerk"), applicant=world.org("department"), fields=fields()
    )


def consult(world: World, application: Application) -> ReviewRound:
    application_submit(actor=world.user("department_clerk"), application=application)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    return open_in_january(world, review_round, JANUARY + dt.timedelta(days=10))


def test_a_department_files_a_numbered_draft(world: World, filed: Application) -> None:
    assert filed.number == "SQ2026-0001"
    assert filed.status == "draft"
    assert AuditEvent.objects.filter(action="application.create").count() == 1


def test_only_the_applicant_department_may_file(world: World) -> None:
    for person in ["department_clerk_other", "community_secretary", "office_officer"]:
        with pytest.raises(PermissionDenied):
            application_create(
                actor=world.user(person), applicant=world.org("department"), fields=fields()
            )
    assert not Application.objects.exists()


def test_every_missing_field_is_listed(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        application_create(
            actor=world.user("department_clerk"),
            applicant=world.org("department"),
            fields=fields(
                item_name="",
                legal_basis="",
                necessity=" ",
                item_class="delegated",
                funding_per_community=None,
                urgent=True,
            ),
        )
    names = {problem.field for problem in raised.value.problems}
    assert {
        "item_name",
        "legal_basis",
        "necessity",
        "funding_per_community",
        "urgent_reason",
    } <= names


def test_a_normal_application_joins_the_next_january_or_july_round(
    world: World, filed: Application
) -> None:
    submitted = application_submit(actor=world.user("department_clerk"), application=filed)
    assert submitted.status == "submitted"
    assert submitted.review_round is not None
    assert (submitted.review_round.year, submitted.review_round.month) == (2027, 1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 1), (2026, 1)),
        (dt.date(2026, 2, 10), (2026, 7)),
        (dt.date(2026, 7, 31), (2026, 7)),
        (dt.date(2026, 8, 1), (2027, 1)),
    ],
)
def test_next_round_for(day: dt.date, expected: tuple[int, int]) -> None:
    review_round = next_round_for(day)
    assert (review_round.year, review_round.month) == expected


def test_consultation_goes_to_target_communities_and_their_subdistricts(
    world: World, filed: Application
) -> None:
    consult(world, filed)
    bodies = set(Ballot.objects.filter(application=filed).values_list("body__code", flat=True))
    assert bodies == {"370203031", "370203014", "370203031001", "370203031002", "370203014001"}
    tally = application_tally(filed)
    assert (tally.consulted, tally.not_voted, tally.passed) == (5, 5, False)


def test_a_body_votes_once_and_may_change_its_vote_until_the_deadline(
    world: World, filed: Application
) -> None:
    consult(world, filed)
    secretary, community = world.user("community_secretary"), world.org("community")
    ballot_cast(actor=secretary, application=filed, body=community, vote="reject")
    ballot_cast(
        actor=world.user("community_worker"),
        application=filed,
        body=community,
        vote="approve",
        comment="同意",
    )
    assert Ballot.objects.filter(application=filed, body=community).count() == 1
    assert Ballot.objects.get(application=filed, body=community).vote == "approve"
    clock.pin(JANUARY + dt.timedelta(days=11))
    with pytest.raises(ConsultationClosed):
        ballot_cast(actor=secretary, application=filed, body=community, vote="reject")
    assert Ballot.objects.get(application=filed, body=community).vote == "approve"


def test_only_a_consulted_body_votes(world: World, filed: Application) -> None:
    consult(world, filed)
    with pytest.raises(NotConsulted):
        ballot_cast(
            actor=world.user("community_secretary"),
            application=filed,
            body=world.org("community_other"),
            vote="approve",
        )
    with pytest.raises(NotConsulted):
        ballot_cast(
            actor=world.user("department_clerk"),
            application=filed,
            body=world.org("community"),
            vote="approve",
        )


def vote_all(world: World, application: Application, approvals: int) -> None:
    voters = [
        ("subdistrict_officer", "subdistrict"),
        ("subdistrict_officer_other", "subdistrict_other"),
        ("community_secretary", "community"),
        ("community_secretary_other", "community_other"),
    ]
    for index, (person, org) in enumerate(voters):
        ballot_cast(
            actor=world.user(person),
            application=application,
            body=world.org(org),
            vote="approve" if index < approvals else "abstain",
        )


def test_below_sixty_percent_cannot_go_to_the_committee(world: World, filed: Application) -> None:
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=2)  # 2 of 5 = 40%
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    with pytest.raises(PassRateBelowThreshold):
        application_review(
            actor=world.user("office_officer"),
            application=filed,
            action="forward",
            opinion="拟同意",
        )
    rejected = application_review(
        actor=world.user("office_officer"),
        application=filed,
        action="office_reject",
        opinion="征询未达60%",
    )
    assert rejected.status == "rejected"


def test_the_whole_path_admits_the_item_and_publishes_it(world: World, filed: Application) -> None:
    make_item(world, "OLD-1")
    catalog_publish(actor=world.user("office_officer"), title="现行目录")
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=3)  # 3 of 5 = 60%
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    forwarded = application_review(
        actor=world.user("office_officer"), application=filed, action="forward", opinion="同意提交"
    )
    assert forwarded.status == "at_committee"
    with pytest.raises(PermissionDenied):
        decide(world, filed, "approve", reason="x", actor=world.user("department_clerk"))
    approved = decide(
        world, filed, "approve", reason="经委员会审议同意", actor=world.user("committee_member")
    )
    assert approved.status == "approved"
    assert approved.catalog_item is not None
    item = approved.catalog_item
    assert item.application_ref == filed.number
    latest = edition_latest()
    assert latest is not None and latest.number == 2
    assert [e.code for e in edition_items(latest, ItemFilters())] == ["OLD-1", item.code]
    assert ReviewRound.objects.get(pk=review_round.pk).status == "decided"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "application.forward",
        "application.approve",
        "catalog_item.admit",
        "catalog.publish",
        "ballot.cast",
    } <= actions


def test_the_committee_member_taking_the_last_decision_decides_the_round(
    world: World, filed: Application
) -> None:
    second = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(item_name="协助开展退役军人信息采集"),
    )
    application_submit(actor=world.user("department_clerk"), application=second)
    review_round = consult(world, filed)
    for application in (filed, second):
        vote_all(world, application, approvals=4)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    for application in (filed, second):
        application_review(
            actor=world.user("office_officer"),
            application=application,
            action="forward",
            opinion="同意提交",
        )
    member = world.user("committee_member")
    decide(world, filed, "approve", reason="同意", actor=member)
    assert ReviewRound.objects.get(pk=review_round.pk).status == "reviewing"
    assert not AuditEvent.objects.filter(action="review_round.decide").exists()

    decide(world, second, "committee_reject", reason="否", actor=member)
    decided = ReviewRound.objects.get(pk=review_round.pk)
    assert decided.status == "decided"
    assert decided.decided_at == JANUARY
    event = AuditEvent.objects.get(action="review_round.decide")
    assert (event.actor, event.object_id) == (member, str(review_round.pk))
    assert event.changes == {"status": ["reviewing", "decided"]}
    steps = AuditEvent.objects.filter(object_type=event.object_type, object_id=event.object_id)
    assert list(steps.order_by("pk").values_list("action", flat=True)) == [
        "review_round.open_consultation",
        "review_round.close_consultation",
        "review_round.decide",
    ]


def test_approval_leaves_the_offices_unpublished_work_unpublished(
    world: World, filed: Application
) -> None:
    catalog_publish(actor=world.user("office_officer"), title="一") if make_item(
        world, "P-1"
    ) else None
    make_item(world, "DRAFT-1")
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=4)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    application_review(
        actor=world.user("office_officer"), application=filed, action="forward", opinion="同意"
    )
    decide(world, filed, "approve", reason="同意", actor=world.user("committee_member"))
    latest = edition_latest()
    assert latest is not None
    assert not EditionEntry.objects.filter(edition=latest, code="DRAFT-1").exists()


def test_a_delegated_item_is_approved_with_its_funding_commitment(world: World) -> None:
    clock.pin(MONDAY)
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(
            item_class="delegated",
            funding_per_community=Decimal("6000"),
            funding_source="区民政局部门预算",
        ),
    )
    review_round = consult(world, application)
    vote_all(world, application, approvals=4)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    application_review(
        actor=world.user("office_officer"),
        application=application,
        action="forward",
        opinion="同意",
    )
    approved = decide(
        world, application, "approve", reason="同意", actor=world.user("committee_member")
    )
    commitment = FundingCommitment.objects.get(application=approved)
    assert commitment.amount_per_community_per_year == Decimal("6000.00")
    assert commitment.payer == world.org("department")
    assert approved.catalog_item is not None
    assert approved.catalog_item.funding_per_community == Decimal("6000.00")


def test_who_delegates_pays_even_if_funding_vanished_before_the_decision(world: World) -> None:
    clock.pin(MONDAY)
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(
            item_class="delegated", funding_per_community=Decimal("6000"), funding_source="部门预算"
        ),
    )
    review_round = consult(world, application)
    vote_all(world, application, approvals=4)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    application_review(
        actor=world.user("office_officer"),
        application=application,
        action="forward",
        opinion="同意",
    )
    Application.objects.filter(pk=application.pk).update(funding_per_community=None)
    with pytest.raises(DelegatedItemUnfunded):
        decide(world, application, "approve", reason="同意", actor=world.user("committee_member"))
    assert not CatalogItem.objects.exists()


def test_redirect_to_purchase_of_services_needs_a_social_organisation(
    world: World, filed: Application
) -> None:
    review_round = consult(world, filed)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    with pytest.raises(SocialOrganisationRequired):
        application_review(
            actor=world.user("office_officer"),
            application=filed,
            action="redirect",
            opinion="宜由社会组织承接",
        )
    redirected = application_review(
        actor=world.user("office_officer"),
        application=filed,
        action="redirect",
        opinion="宜由社会组织承接",
        social_org=world.org("social_org"),
    )
    assert redirected.status == "redirected"
    assert redirected.proposed_social_org == world.org("social_org")


def test_returned_for_revision_then_resubmitted(world: World, filed: Application) -> None:
    review_round = consult(world, filed)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    returned = application_review(
        actor=world.user("office_officer"), application=filed, action="return", opinion="请补充依据"
    )
    revised = application_revise(
        actor=world.user("department_clerk"),
        application=returned,
        fields=fields(legal_basis="《老年人权益保障法》第X条"),
        expected_revision=returned.revision,
    )
    clock.pin(dt.datetime(2027, 2, 1, 2, 0, tzinfo=dt.UTC))
    resubmitted = application_submit(actor=world.user("department_clerk"), application=revised)
    assert resubmitted.review_round is not None
    assert (resubmitted.review_round.year, resubmitted.review_round.month) == (2027, 7)


def test_withdraw_before_the_decision_only(world: World, filed: Application) -> None:
    withdrawn = application_withdraw(
        actor=world.user("department_clerk"), application=filed, reason="不再需要"
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        application_submit(actor=world.user("department_clerk"), application=withdrawn)


def test_urgent_start_must_be_three_working_days_after_filing(world: World) -> None:
    clock.pin(MONDAY)
    too_soon = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(urgent=True, urgent_reason="防汛", starts_on=dt.date(2026, 11, 25)),
    )
    with pytest.raises(UrgentLeadTimeTooShort) as raised:
        application_submit(actor=world.user("department_clerk"), application=too_soon)
    assert "2026-11-26" in raised.value.message
    on_time = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(
            urgent=True,
            urgent_reason="防汛",
            starts_on=dt.date(2026, 11, 26),
            ends_on=dt.date(2027, 12, 31),
        ),
    )
    submitted = application_submit(actor=world.user("department_clerk"), application=on_time)
    assert submitted.review_round is None
    approved = application_urgent_approve(
        actor=world.user("office_officer"), application=submitted, reason="即时审批"
    )
    assert approved.status == "approved"
    assert approved.catalog_item is not None
    assert approved.catalog_item.valid_to == dt.date(2027, 1, 31), "at most until the next round"


@pytest.mark.parametrize(
    ("start", "end", "valid_to"),
    [
        (dt.date(2026, 8, 3), dt.date(2026, 9, 30), dt.date(2026, 9, 30)),
        (dt.date(2026, 8, 3), None, dt.date(2027, 1, 31)),
        (dt.date(2026, 3, 2), None, dt.date(2026, 7, 31)),
        (dt.date(2026, 3, 2), dt.date(2027, 3, 1), dt.date(2026, 7, 31)),
    ],
)
def test_urgent_items_are_admitted_at_most_until_the_next_round(
    start: dt.date, end: dt.date | None, valid_to: dt.date
) -> None:
    assert urgent_valid_to(Application(starts_on=start, ends_on=end)) == valid_to


def test_the_office_cannot_open_a_round_twice(world: World, filed: Application) -> None:
    review_round = consult(world, filed)
    from communitygate.admissions.workflow import RoundNotPlanned

    with pytest.raises(RoundNotPlanned):
        round_open_consultation(
            actor=world.user("office_officer"),
            review_round=review_round,
            deadline=JANUARY + dt.timedelta(days=3),
        )
    assert Ballot.objects.filter(application=filed).count() == 5


def test_a_retried_submission_files_one_application(world: World) -> None:
    clock.pin(MONDAY)
    clerk, department = world.user("department_clerk"), world.org("department")
    first = application_create(
        actor=clerk, applicant=department, fields=fields(), idempotency_key="k1"
    )
    again = application_create(
        actor=clerk, applicant=department, fields=fields(), idempotency_key="k1"
    )
    other = application_create(
        actor=clerk, applicant=department, fields=fields(), idempotency_key="k2"
    )
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Application.objects.count() == 2
    assert AuditEvent.objects.filter(action="application.create").count() == 2


def test_the_api_honours_the_idempotency_key(world: World, client) -> None:
    clock.pin(MONDAY)
    client.force_login(world.user("department_clerk"))
    body = {
        "applicant": "DEPT-MZ",
        "contact_name": "演示经办人",
        "contact_phone": "0532-80000000",
        "item_name": "协助开展老年人能力评估摸底",
        "item_class": "evaluation",
        "domain": "civil_affairs",
        "legal_basis": "《老年人权益保障法》",
        "necessity": "掌握需求",
        "community_duty": "入户摸底",
        "starts_on": "2027-03-01",
        "estimated_hours": "20",
    }
    answers = [
        client.post(
            "/api/v1/applications",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "abc-123"},
        )
        for _ in range(3)
    ]
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert Application.objects.count() == 1


def test_a_subdistrict_code_targets_all_its_communities(world: World) -> None:
    clock.pin(MONDAY)
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(target_community_codes=("370203031",)),
    )
    codes = set(application.target_communities.values_list("code", flat=True))
    assert codes == {"370203031001", "370203031002"}


def test_a_delegated_application_needs_its_funding_source(world: World) -> None:
    with pytest.raises(InvalidInput) as raised:
        application_create(
            actor=world.user("department_clerk"),
            applicant=world.org("department"),
            fields=fields(
                item_class="delegated", funding_per_community=Decimal("100"), funding_source=""
            ),
        )
    assert [p.field for p in raised.value.problems] == ["funding_source"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 1, 1), [(2026, 1), (2026, 7)]),
        (dt.date(2026, 3, 5), [(2026, 7), (2027, 1)]),
        (dt.date(2026, 7, 20), [(2026, 7), (2027, 1)]),
        (dt.date(2026, 11, 27), [(2027, 1), (2027, 7)]),
    ],
)
def test_rounds_are_planned_ahead(today: dt.date, expected: list[tuple[int, int]]) -> None:
    from communitygate.admissions.services import review_rounds_plan_ahead

    assert [(r.year, r.month) for r in review_rounds_plan_ahead(today)] == expected
    assert [(r.year, r.month) for r in review_rounds_plan_ahead(today)] == expected
    assert ReviewRound.objects.count() == 2
