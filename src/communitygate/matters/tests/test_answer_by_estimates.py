"""An estimated answer-by date (its count reaches a year whose holiday schedule is not entered)
is marked wherever the date is shown or sent: the message after an intake, the pages, the
export, the staff and public APIs, Open311; and the escalation escalates on it, says so, and
withdraws the escalation when the office's recount shows the matter was not overdue.

The unknown year is 2027 (chinesecalendar knows 2004–2026; nobody enters 2027 here): a
consultation (3 working days) received on Wednesday 2026-12-30 is due "about" Monday
2027-01-04 — Thursday 31, Friday 1 January (New Year's Day, counted as a weekday), Monday 4."""

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from communitygate.accounts.models import Notification
from communitygate.audit.models import AuditEvent
from communitygate.matters.answer_by import answer_by_text
from communitygate.matters.models import Matter, MatterChannels, MatterStep, MatterStepKinds
from communitygate.matters.services.matters import (
    ESCALATION_WITHDRAWN,
    ESTIMATE_HEADER,
    EXPORT_HEADERS,
    matter_receive,
    matter_submit_public,
    matters_escalate_overdue,
)
from communitygate.matters.tests.test_matters_services import enter_2027, intake, pin_day
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

ESTIMATE_DAY = dt.date(2027, 1, 4)
RECOUNTED_DAY = dt.date(2027, 1, 5)  # once 元旦 (1 January) is entered as a holiday


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Public look-ups count per address in the cache: none before, none left after."""
    cache.clear()
    yield
    cache.clear()


def estimated(world: World, **overrides: object) -> Matter:
    pin_day(dt.date(2026, 12, 30))
    matter = matter_receive(actor=world.user("community_worker"), intake=intake(**overrides))
    assert (matter.answer_by, matter.answer_by_estimated) == (ESTIMATE_DAY, True)
    return matter


def exact(world: World, **overrides: object) -> Matter:
    pin_day(dt.date(2026, 12, 1))
    matter = matter_receive(actor=world.user("community_worker"), intake=intake(**overrides))
    assert (matter.answer_by, matter.answer_by_estimated) == (dt.date(2026, 12, 4), False)
    return matter


# The one helper ----------------------------------------------------------------------------------


def test_the_text_marks_an_estimate_in_the_active_language(world: World) -> None:
    matter, sure = estimated(world), exact(world, summary="精确")
    assert answer_by_text(matter) == "约 2027年1月4日（预估）"
    assert answer_by_text(matter, iso=True) == "约 2027-01-04（预估）"
    assert answer_by_text(sure) == "2026年12月4日"
    with translation.override("en"):
        assert answer_by_text(matter, iso=True) == "about 2027-01-04 (estimate)"
        assert answer_by_text(sure, iso=True) == "2026-12-04"


# The message after the staff's intake ------------------------------------------------------------


def intake_form(token: str) -> dict[str, str]:
    return {
        "community": "370203031001",
        "channel": "call",
        "category": "consultation",
        "summary": "咨询低保政策",
        "contact_name": "来电居民",
        "phone": "139 1234 5678",
        "form_token": token,
    }


def test_the_message_after_an_intake_marks_an_estimated_date(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    pin_day(dt.date(2026, 12, 30))
    page = client.post("/residents/matters/new/", intake_form("estimate-1"), follow=True)
    matter = Matter.objects.get()
    [message] = [str(m) for m in page.context["messages"]]
    assert (
        message
        == f"事项已受理。查询码：{matter.tracking_code}，答复期限：约 2027年1月4日（预估）。"
    )


def test_the_message_after_an_intake_shows_a_counted_date_plainly(world: World) -> None:
    client = signed_in(world.user("community_worker"))
    pin_day(dt.date(2026, 12, 1))
    page = client.post("/residents/matters/new/", intake_form("exact-1"), follow=True)
    [message] = [str(m) for m in page.context["messages"]]
    assert message.endswith("答复期限：2026年12月4日。")
    assert "预估" not in message


# The export --------------------------------------------------------------------------------------


def test_the_export_keeps_the_date_a_date_and_marks_an_estimate_in_its_own_column(
    world: World,
) -> None:
    first, second = estimated(world), exact(world, summary="精确")
    response = signed_in(world.user("community_worker")).get("/residents/matters/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    date_at, flag_at = EXPORT_HEADERS.index("答复期限"), EXPORT_HEADERS.index(ESTIMATE_HEADER)
    assert flag_at == date_at + 1
    by_code = {row[0]: row for row in rows[1:]}
    estimate_row, exact_row = by_code[first.tracking_code], by_code[second.tracking_code]
    # A real date cell (sortable, filterable), and 是/否 beside it.
    assert estimate_row[date_at] == dt.datetime(2027, 1, 4)
    assert (estimate_row[flag_at], exact_row[flag_at]) == ("是", "否")
    assert exact_row[date_at] == dt.datetime(2026, 12, 4)


# The pages and the APIs --------------------------------------------------------------------------


def test_the_staff_pages_and_api_mark_only_the_estimate(world: World) -> None:
    matter, sure = estimated(world), exact(world, summary="精确")
    client = signed_in(world.user("community_worker"))
    detail = client.get(f"/residents/matters/{matter.pk}/").content.decode()
    assert 'data-testid="answer-by-estimated"' in detail
    assert "约 2027年1月4日（预估）" in detail
    assert "该年节假日安排尚未录入" in detail  # the reason, as the mark's tooltip
    assert "预估" not in client.get(f"/residents/matters/{sure.pk}/").content.decode()
    listing = client.get("/residents/matters/").content.decode()
    assert listing.count('data-testid="answer-by-estimated"') == 1
    assert client.get(f"/api/v1/matters/{matter.pk}").json()["answer_by_estimated"] is True


def public_matter(world: World) -> Matter:
    pin_day(dt.date(2026, 12, 30))
    matter = matter_submit_public(intake=intake(channel=MatterChannels.ONLINE))
    assert matter.answer_by_estimated
    return matter


def test_the_public_status_page_and_api_mark_the_estimate(world: World, client: Client) -> None:
    matter = public_matter(world)
    page = client.post(
        "/public/matters/track/", {"tracking_code": matter.tracking_code, "phone_last4": "5678"}
    ).content.decode()
    assert 'data-testid="answer-by-estimated"' in page and "约 2027年1月4日（预估）" in page
    status = client.get(
        f"/api/v1/public/matters/{matter.tracking_code}", {"phone_last4": "5678"}
    ).json()
    assert (status["answer_by"], status["answer_by_estimated"]) == ("2027-01-04", True)


# Open311 -----------------------------------------------------------------------------------------


def test_open311_keeps_its_date_format_and_says_the_date_is_an_estimate(
    world: World, client: Client
) -> None:
    matter = public_matter(world)
    [found] = client.get(f"/open311/v2/requests/{matter.tracking_code}.json").json()
    assert found["expected_datetime"] == "2027-01-04T23:59:59+08:00"
    assert found["expected_datetime_estimated"] is True
    assert "社区将于 约 2027-01-04（预估） 前答复" in found["service_notice"]
    assert "The community answers by about 2027-01-04 (estimate)" in found["service_notice"]
    assert "该年节假日安排尚未录入" in found["service_notice"]
    assert "holiday schedule of that year is not entered" in found["service_notice"]
    assert found["status_notes"] is None  # still nothing the resident's digits would guard


def test_open311_filing_answers_a_notice_marking_the_estimate(world: World, client: Client) -> None:
    pin_day(dt.date(2026, 12, 30))
    answer = client.post(
        "/open311/v2/requests.json",
        {
            "jurisdiction_id": "370203031001",
            "service_code": "consultation",
            "description": "咨询低保政策",
            "first_name": "三丰",
            "last_name": "张",
            "phone": "13912345678",
            "address_string": "商邱路3号楼",
        },
    )
    assert answer.status_code == 201
    [created] = answer.json()
    assert "约 2027-01-04（预估）" in created["service_notice"]


def test_open311_says_a_counted_date_is_not_an_estimate(world: World, client: Client) -> None:
    pin_day(dt.date(2026, 12, 1))
    matter = matter_submit_public(intake=intake(channel=MatterChannels.ONLINE))
    [found] = client.get(f"/open311/v2/requests/{matter.tracking_code}.json").json()
    assert found["expected_datetime"] == "2026-12-04T23:59:59+08:00"
    assert found["expected_datetime_estimated"] is False
    assert "预估" not in found["service_notice"]
    assert "estimate" not in found["service_notice"]


# Escalation --------------------------------------------------------------------------------------


def test_an_estimated_date_escalates_and_the_subdistrict_is_told_it_was_an_estimate(
    world: World,
) -> None:
    matter = estimated(world)
    estimated(world, summary="第二件")
    exact(world, summary="精确")  # due 2026-12-04, escalated with them
    assert matters_escalate_overdue(today=ESTIMATE_DAY) == 1  # the exact one only
    assert matters_escalate_overdue(today=ESTIMATE_DAY + dt.timedelta(days=1)) == 2
    event = AuditEvent.objects.get(action="matter.escalate", object_id=str(matter.pk))
    assert event.changes["answer_by_estimated"] == [None, True]
    note = Notification.objects.get(
        recipient=world.user("subdistrict_officer"),
        key__endswith=f":{(ESTIMATE_DAY + dt.timedelta(days=1)).isoformat()}",
    )
    assert note.text_zh.startswith("辖区内有 2 件民情事项超过答复期限未答复")
    assert "其中 2 件的答复期限为预估" in note.text_zh
    assert "2 of them had an estimated date" in note.text_en
    first_day = Notification.objects.get(
        recipient=world.user("subdistrict_officer"), key__endswith=f":{ESTIMATE_DAY.isoformat()}"
    )
    assert "预估" not in first_day.text_zh and "estimated" not in first_day.text_en


def test_entering_the_year_withdraws_an_escalation_the_recounted_date_does_not_justify(
    world: World,
) -> None:
    matter = estimated(world)
    assert matters_escalate_overdue(today=RECOUNTED_DAY) == 1
    pin_day(RECOUNTED_DAY)  # the office enters 2027 on Tuesday 5 January
    enter_2027(world)
    matter.refresh_from_db()
    # Due Tuesday 5 January once 元旦 counts: not overdue today, so no longer escalated.
    assert (matter.answer_by, matter.answer_by_estimated) == (RECOUNTED_DAY, False)
    assert matter.escalated_at is None
    event = AuditEvent.objects.get(action="matter.recount_answer_by", object_id=str(matter.pk))
    assert event.changes["escalated_at"][1] is None and event.changes["escalated_at"][0]
    step = MatterStep.objects.get(matter=matter, kind=MatterStepKinds.RECOUNT)
    assert step.reason == ESCALATION_WITHDRAWN
    # It escalates again once the counted date passes, and not before.
    assert matters_escalate_overdue(today=RECOUNTED_DAY) == 0
    assert matters_escalate_overdue(today=RECOUNTED_DAY + dt.timedelta(days=1)) == 1


def test_entering_the_year_late_keeps_an_escalation_the_recounted_date_justifies(
    world: World,
) -> None:
    matter = estimated(world)
    assert matters_escalate_overdue(today=RECOUNTED_DAY) == 1
    escalated_at = Matter.objects.get(pk=matter.pk).escalated_at
    pin_day(dt.date(2027, 1, 6))  # entered a day later: the 5th has passed too
    enter_2027(world)
    matter.refresh_from_db()
    assert (matter.answer_by, matter.answer_by_estimated) == (RECOUNTED_DAY, False)
    assert matter.escalated_at == escalated_at
    event = AuditEvent.objects.get(action="matter.recount_answer_by", object_id=str(matter.pk))
    assert "escalated_at" not in event.changes
    assert MatterStep.objects.get(matter=matter, kind=MatterStepKinds.RECOUNT).reason == ""


def test_the_escalation_command_escalates_on_an_estimate(world: World) -> None:
    estimated(world)
    out = io.StringIO()
    call_command("escalate_overdue_matters", "--date", RECOUNTED_DAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "escalated 1 matter(s)"
