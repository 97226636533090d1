"""The admission path over HTTP: the pages end to end through the test client, the tally and the
error answers of the API, the printable form, and the query counts of the list pages."""

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from communitygate.admissions.models import Application, Ballot, ReviewRound
from communitygate.admissions.services import (
    application_create,
    application_review,
    application_submit,
    ballot_cast,
    round_close_consultation,
)
from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.testing import World, committee_members, signed_in

from .meetings import JANUARY, enter_2027, open_in_january
from .test_services import MONDAY, fields

pytestmark = pytest.mark.django_db

API = "/api/v1"
DEADLINE = dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC)  # 17:00 in Shanghai, a Friday
AFTER_THE_DEADLINE = dt.datetime(2027, 1, 18, 2, 0, tzinfo=dt.UTC)
ITEM_NAME = "协助开展独居老人探访登记"


def html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def redirected_to(response: HttpResponseBase, path: str) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == path


def application_form(**overrides: str) -> dict[str, str]:
    """The application page's form, as a department clerk fills it in."""
    values = {
        "applicant": "DEPT-MZ",
        "contact_name": "王经办",
        "contact_phone": "0532-80000001",
        "item_name": ITEM_NAME,
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《中华人民共和国老年人权益保障法》",
        "necessity": "掌握独居老人基本情况，及时发现风险",
        "community_duty": "每季度入户探访并登记",
        "frequency": "quarterly",
        "starts_on": "2027-03-01",
        "ends_on": "",
        "targets_all": "",
        "target_communities": "370203031001, 370203014001",
        "estimated_hours": "16",
        "new_ledgers": "",
        "new_plaques": "",
        "funding_per_community": "1200",
        "funding_source": "区民政局部门预算",
        "support_offered": "区民政局提供培训",
        "urgent": "",
        "urgent_reason": "",
        "revision": "",
    }
    values.update(overrides)
    return values


def application_json(**overrides: object) -> dict[str, Any]:
    values: dict[str, Any] = {
        "applicant": "DEPT-MZ",
        "contact_name": "王经办",
        "contact_phone": "0532-80000001",
        "item_name": ITEM_NAME,
        "item_class": "delegated",
        "domain": "civil_affairs",
        "legal_basis": "《中华人民共和国老年人权益保障法》",
        "necessity": "掌握独居老人基本情况",
        "community_duty": "入户探访并登记",
        "frequency": "quarterly",
        "starts_on": "2027-03-01",
        "estimated_hours": "16",
        "funding_per_community": "1200",
        "funding_source": "区民政局部门预算",
    }
    values.update(overrides)
    return values


def post_json(client: Client, path: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(path, data=payload or {}, content_type="application/json")


def assert_rule_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """An API error: JSON with its code and the message in Chinese and in English."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    answer: dict[str, Any] = response.json()
    assert answer["code"] == code
    assert answer["message_zh"] and answer["message_en"]
    assert answer["message"] == f"{answer['message_zh']} / {answer['message_en']}"
    assert re.search(r"[\u4e00-\u9fff]", answer["message_zh"])
    assert re.search(r"[A-Za-z]{3}", answer["message_en"])
    return answer


# The pages, end to end -------------------------------------------------------------------------


def test_an_application_travels_from_the_department_to_the_public_catalog(world: World) -> None:
    clock.pin(MONDAY)
    clerk = signed_in(world.user("department_clerk"))
    assert 'name="item_name"' in html(clerk.get("/admissions/new/"))
    response = clerk.post("/admissions/new/", application_form())
    application = Application.objects.get(item_name=ITEM_NAME)
    redirected_to(response, f"/admissions/{application.pk}/")
    detail = f"/admissions/{application.pk}/"
    page = html(clerk.get(detail))
    assert application.number in page and "submit-application" in page

    redirected_to(clerk.post(f"{detail}submit/"), detail)
    application.refresh_from_db()
    assert application.status == "submitted"
    review_round = application.review_round
    assert review_round is not None and (review_round.year, review_round.month) == (2027, 1)

    office = signed_in(world.user("office_officer"))
    round_page = f"/admissions/rounds/{review_round.pk}/"
    # In December the January round cannot open yet: the office is told when it can.
    refused = office.post(f"{round_page}open/", {"deadline": "2027-01-15T17:00"}, follow=True)
    assert "2027-01-01至2027-01-31之间开始征询" in html(refused)
    assert ReviewRound.objects.get(pk=review_round.pk).status == "planned"
    enter_2027(world)
    clock.pin(JANUARY)
    assert 'data-testid="open-consultation"' in html(office.get(round_page))
    redirected_to(office.post(f"{round_page}open/", {"deadline": "2027-01-15T17:00"}), round_page)
    review_round.refresh_from_db()
    assert review_round.status == "consulting"
    assert review_round.consultation_deadline == DEADLINE
    application.refresh_from_db()
    assert application.status == "consulting"

    # Two communities and one subdistrict approve through the ballot form; the other
    # subdistrict abstains: 3 of 4 consulted bodies approve.
    for person, body, vote in [
        ("community_secretary", "370203031001", "approve"),
        ("community_secretary_other", "370203014001", "approve"),
        ("subdistrict_officer", "370203031", "approve"),
        ("subdistrict_officer_other", "370203014", "abstain"),
    ]:
        voter = signed_in(world.user(person))
        assert 'data-testid="ballot-form"' in html(voter.get(detail))
        redirected_to(voter.post(f"{detail}vote/", {"body": body, "vote": vote}), detail)
    votes = dict(Ballot.objects.filter(application=application).values_list("body__code", "vote"))
    assert votes == {
        "370203031": "approve",
        "370203014": "abstain",
        "370203031001": "approve",
        "370203014001": "approve",
    }

    clock.pin(AFTER_THE_DEADLINE)
    assert 'data-testid="close-consultation"' in html(office.get(round_page))
    asked = html(office.post(f"{round_page}close/"))  # the confirmation page: nothing changed yet
    assert "征询截止时间" in asked and "已过" in asked
    assert Application.objects.get(pk=application.pk).status == "consulting"
    redirected_to(office.post(f"{round_page}close/", {"confirmed": "yes"}), round_page)
    application.refresh_from_db()
    assert application.status == "in_review"

    assert 'data-testid="review-form"' in html(office.get(detail))
    redirected_to(
        office.post(
            f"{detail}review/",
            {"action": "forward", "opinion": "征询同意率75%，同意提交委员会", "social_org": ""},
        ),
        detail,
    )
    application.refresh_from_db()
    assert application.status == "at_committee"

    # The committee's secretary (a member) records the meeting: three of the three members
    # present, two approving and one abstaining; the outcome is the rule's, not chosen.
    members = committee_members(world, 3)
    committee = signed_in(world.user("committee_member"))
    form_page = html(committee.get(detail))
    assert 'data-testid="decision-form"' in form_page
    assert all(f'name="member_{member.pk}"' in form_page for member in members)
    reason = "经委员会审议，同意纳入社区工作准入目录"
    votes = dict(
        zip((f"member_{m.pk}" for m in members), ["approve", "approve", "abstain"], strict=True)
    )
    redirected_to(
        committee.post(f"{detail}decide/", {"held_on": "2027-01-18", "reason": reason, **votes}),
        detail,
    )
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.catalog_item is not None
    code = application.catalog_item.code

    public = Client()
    catalog = html(public.get("/catalog/"))
    assert ITEM_NAME in catalog and code in catalog
    item_page = html(public.get(f"/catalog/items/{code}/"))
    assert f'href="/decisions/{application.number}/"' in item_page
    decisions = html(public.get("/decisions/"))
    assert f'href="/decisions/{application.number}/"' in decisions
    decision = html(public.get(f"/decisions/{application.number}/"))
    assert "征询 4 个单位 · 同意 3 · 不同意 0 · 弃权 1 · 未表态 0" in decision
    assert "同意率 75%（门槛 60%），已通过" in decision
    assert "已通过" in decision
    assert reason in decision
    assert "征询同意率75%，同意提交委员会" in decision
    assert f'href="/catalog/items/{code}/"' in decision
    assert "委员 3 名中出席 3 名" in decision
    assert "同意 2 · 不同意 0 · 弃权 1" in decision
    assert not any(member.username in decision for member in members)


def test_a_page_action_that_breaks_a_rule_redirects_with_the_message(world: World) -> None:
    application = consulted_application(world)
    close(world, application)
    office = signed_in(world.user("office_officer"))
    detail = f"/admissions/{application.pk}/"
    response = office.post(f"{detail}review/", {"action": "forward", "opinion": "同意"})
    redirected_to(response, detail)
    assert "低于 60%，不能提交委员会审议" in html(office.get(detail))
    application.refresh_from_db()
    assert application.status == "in_review"


# The tally on the API --------------------------------------------------------------------------


def consulted_application(world: World, **overrides: object) -> Application:
    """A DEPT-MZ application in the open consultation of the January 2027 round."""
    clock.pin(MONDAY)
    application = application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(**overrides),
    )
    application_submit(actor=world.user("department_clerk"), application=application)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    open_in_january(world, review_round, DEADLINE)
    return Application.objects.get(pk=application.pk)


def close(world: World, application: Application) -> None:
    clock.pin(AFTER_THE_DEADLINE)
    review_round = Application.objects.get(pk=application.pk).review_round
    assert review_round is not None
    round_close_consultation(actor=world.user("office_officer"), review_round=review_round)


def tally_of(answer: dict[str, Any]) -> dict[str, Any]:
    names = ["consulted", "approve", "reject", "abstain", "not_voted", "pass_rate", "threshold"]
    return {**{name: answer[name] for name in names}, "passed": answer["passed"]}


def test_the_api_shows_the_live_tally_of_the_consulted_bodies(world: World) -> None:
    """All five bodies consulted (the sibling community has no one to vote): an abstention and a
    missing vote count as not approving, and exactly 60% passes."""
    application = consulted_application(world, targets_all=True)
    path = f"{API}/applications/{application.pk}"
    office = signed_in(world.user("office_officer"))
    assert tally_of(office.get(path).json()) == {
        "consulted": 5,
        "approve": 0,
        "reject": 0,
        "abstain": 0,
        "not_voted": 5,
        "pass_rate": "0.0000",
        "threshold": "0.60",
        "passed": False,
    }
    for person, vote in [
        ("community_secretary", "approve"),
        ("subdistrict_officer", "approve"),
        ("subdistrict_officer_other", "reject"),
        ("community_secretary_other", "abstain"),
    ]:
        response = post_json(signed_in(world.user(person)), f"{path}/ballots", {"vote": vote})
        assert response.status_code == 200, response.content.decode()
    answer = office.get(path).json()
    assert tally_of(answer) == {
        "consulted": 5,
        "approve": 2,
        "reject": 1,
        "abstain": 1,
        "not_voted": 1,
        "pass_rate": "0.4000",
        "threshold": "0.60",
        "passed": False,
    }
    # The community changes its vote before the deadline; it still has one ballot.
    worker = signed_in(world.user("community_worker"))
    changed = post_json(worker, f"{path}/ballots", {"vote": "approve", "comment": "改为同意"})
    assert changed.status_code == 200
    assert changed.json() == {
        "application": application.pk,
        "body": "370203031001",
        "vote": "approve",
        "comment": "改为同意",
    }
    response = post_json(
        signed_in(world.user("community_secretary_other")), f"{path}/ballots", {"vote": "approve"}
    )
    assert response.status_code == 200
    assert tally_of(office.get(path).json()) == {
        "consulted": 5,
        "approve": 3,
        "reject": 1,
        "abstain": 0,
        "not_voted": 1,
        "pass_rate": "0.6000",
        "threshold": "0.60",
        "passed": True,
    }
    # Every person who sees the application sees the same tally.
    secretary = signed_in(world.user("community_secretary")).get(path).json()
    assert tally_of(secretary) == tally_of(office.get(path).json())


# The API's error answers -----------------------------------------------------------------------


def test_an_urgent_application_filed_too_soon_names_the_earliest_start(world: World) -> None:
    clock.pin(MONDAY)
    clerk = signed_in(world.user("department_clerk"))
    created = post_json(
        clerk,
        f"{API}/applications",
        application_json(urgent=True, urgent_reason="防汛", starts_on="2026-11-25"),
    )
    assert created.status_code == 201, created.content.decode()
    assert created.json()["status"] == "draft"
    application_id = created.json()["id"]
    answer = assert_rule_error(
        post_json(clerk, f"{API}/applications/{application_id}/submit"),
        422,
        "urgent_lead_time_too_short",
    )
    assert "2026-11-26" in answer["message_zh"]
    assert "2026-11-26" in answer["message_en"]
    assert Application.objects.get(pk=application_id).status == "draft"


def test_forwarding_below_sixty_percent_is_refused(world: World) -> None:
    application = consulted_application(world)  # 5 bodies
    for person, org in [
        ("community_secretary", "community"),
        ("subdistrict_officer", "subdistrict"),
    ]:
        ballot_cast(
            actor=world.user(person), application=application, body=world.org(org), vote="approve"
        )
    close(world, application)
    office = signed_in(world.user("office_officer"))
    path = f"{API}/applications/{application.pk}"
    answer = assert_rule_error(
        post_json(office, f"{path}/review", {"action": "forward", "opinion": "拟同意"}),
        409,
        "pass_rate_below_threshold",
    )
    assert "40.00%" in answer["message_zh"] and "60%" in answer["message_en"]
    assert office.get(path).json()["status"] == "in_review"
    assert not AuditEvent.objects.filter(action="application.forward").exists()


def test_a_vote_after_the_deadline_is_refused(world: World) -> None:
    application = consulted_application(world)
    secretary = signed_in(world.user("community_secretary"))
    path = f"{API}/applications/{application.pk}/ballots"
    assert post_json(secretary, path, {"vote": "approve"}).status_code == 200
    clock.pin(DEADLINE)  # the deadline itself is already too late
    assert_rule_error(post_json(secretary, path, {"vote": "reject"}), 409, "consultation_closed")
    ballot = Ballot.objects.get(application=application, body=world.org("community"))
    assert ballot.vote == "approve"


def test_an_urgent_2027_filing_waits_for_the_2027_holiday_schedule(world: World) -> None:
    clock.pin(dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC))  # Monday 4 January 2027
    clerk = signed_in(world.user("department_clerk"))
    created = post_json(
        clerk,
        f"{API}/applications",
        application_json(urgent=True, urgent_reason="寒潮防御", starts_on="2027-01-11"),
    )
    assert created.status_code == 201
    assert created.json()["number"] == "SQ2027-0001"
    submit = f"{API}/applications/{created.json()['id']}/submit"
    answer = assert_rule_error(post_json(clerk, submit), 409, "holiday_schedule_missing")
    assert answer["year"] == 2027
    assert "2027" in answer["message_zh"]
    assert Application.objects.get(number="SQ2027-0001").status == "draft"

    office = signed_in(world.user("office_officer"))
    entered = office.post(
        "/calendar/2027/import/",
        {"lines": "2027-01-01 休 元旦", "source": "国办发明电〔2026〕X号", "complete": "on"},
    )
    assert entered.status_code == 302
    submitted = post_json(clerk, submit)
    assert submitted.status_code == 200, submitted.content.decode()
    assert submitted.json()["status"] == "submitted"


def test_api_errors_for_missing_and_forbidden_applications_are_the_same(world: World) -> None:
    application = consulted_application(world, target_community_codes=("370203031001",))
    outsider = signed_in(world.user("community_secretary_other"))
    hidden = assert_rule_error(
        outsider.get(f"{API}/applications/{application.pk}"), 404, "not_found"
    )
    missing = assert_rule_error(outsider.get(f"{API}/applications/999999"), 404, "not_found")
    assert hidden == missing
    assert_rule_error(
        post_json(
            signed_in(world.user("office_officer")),
            f"{API}/applications/{application.pk}/ballots",
            {"vote": "approve"},
        ),
        403,
        "not_consulted",
    )


# The printable form ----------------------------------------------------------------------------


def embeds_a_font(font: DictionaryObject) -> bool:
    """Whether the font's program is in the file (for a composite font, its descendant's)."""
    fonts = [font, *(descendant.get_object() for descendant in font.get("/DescendantFonts", []))]
    for candidate in fonts:
        descriptor = candidate.get("/FontDescriptor")
        if descriptor is None:
            continue
        descriptor = descriptor.get_object()
        if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            return True
    return False


def test_the_printable_form_is_a_pdf_with_an_embedded_chinese_font(world: World) -> None:
    application = consulted_application(world)
    ballot_cast(
        actor=world.user("community_secretary"),
        application=application,
        body=world.org("community"),
        vote="approve",
    )
    response = signed_in(world.user("community_worker")).get(
        f"/admissions/{application.pk}/form.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{application.number}.pdf"' in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF")

    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    assert fonts, "the page uses no font"
    assert any(embeds_a_font(font.get_object()) for font in fonts.values())

    # pypdf reads fpdf2's two-byte codes (an embedded Encoding CMap rather than Identity-H) one
    # byte at a time, so each character comes with a NUL; the text itself is complete.
    extracted = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"[\s\x00]+", "", extracted)
    assert "申请社区办理事项审批表" in text
    assert application.item_name in text
    # The form says what the page says (admissions.tally.Standing.summary), in Chinese.
    assert "征询中：征询5个单位" in text and "目前同意率20%（门槛60%）" in text


# The list pages' query counts -------------------------------------------------------------------


def decided_round(world: World, count: int) -> ReviewRound:
    """`count` applications in the January 2027 round, consulted, voted on in part and decided
    by the office (rejected or redirected): they fill the list pages and the public decisions."""
    clock.pin(MONDAY)
    clerk, officer = world.user("department_clerk"), world.user("office_officer")
    applications = []
    for index in range(count):
        application = application_create(
            actor=clerk,
            applicant=world.org("department"),
            fields=fields(
                item_name=f"事项{index}",
                estimated_hours=Decimal(index),
                target_community_codes=("370203031001", "370203014001"),
            ),
        )
        applications.append(application_submit(actor=clerk, application=application))
    review_round = applications[0].review_round
    assert review_round is not None
    open_in_january(world, review_round, DEADLINE)
    for index, application in enumerate(applications):
        ballot_cast(
            actor=world.user("community_secretary"),
            application=application,
            body=world.org("community"),
            vote=["approve", "reject", "abstain"][index % 3],
        )
    clock.pin(AFTER_THE_DEADLINE)
    round_close_consultation(actor=officer, review_round=review_round)
    for index, application in enumerate(applications):
        application_review(
            actor=officer,
            application=application,
            action="redirect" if index % 2 else "office_reject",
            opinion="征询未达60%",
            social_org=world.org("social_org"),
        )
    return review_round


def queries_for(client: Client, path: str, *, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        page = html(client.get(path))
    assert page.count('<tr><td><a href="/') == rows, path
    return len(queries)


LIST_PAGES = [
    ("/admissions/", "office_officer"),
    ("/admissions/", "community_secretary"),
    ("/admissions/rounds/{round}/", "office_officer"),
    ("/admissions/rounds/{round}/", "department_head"),
    ("/decisions/", None),
]
MOST_QUERIES = 12  # session, person, roles, the list, its tallies, the navigation's warning…


@pytest.mark.parametrize(("path", "person"), LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_2_or_12_applications(
    world: World, django_assert_max_num_queries: Any, path: str, person: str | None
) -> None:
    client = signed_in(world.user(person)) if person else Client()
    with transaction.atomic():
        review_round = decided_round(world, 2)
        with django_assert_max_num_queries(MOST_QUERIES):
            with_two = queries_for(client, path.format(round=review_round.pk), rows=2)
        transaction.set_rollback(True)
    review_round = decided_round(world, 12)
    with django_assert_max_num_queries(with_two):
        queries_for(client, path.format(round=review_round.pk), rows=12)


def test_the_application_page_sent_twice_files_one_application(world: World) -> None:
    """The page's one-time form token (http.formtokens): the second POST of the same rendering
    answers the first redirect; the page sends no Idempotency-Key."""
    clock.pin(MONDAY)
    clerk = signed_in(world.user("department_clerk"))
    page = html(clerk.get("/admissions/new/"))
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    first = clerk.post("/admissions/new/", application_form(form_token=token.group(1)))
    again = clerk.post("/admissions/new/", application_form(form_token=token.group(1)))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    application = Application.objects.get()
    assert application.idempotency_key == ""
    assert AuditEvent.objects.filter(action="application.create").count() == 1
