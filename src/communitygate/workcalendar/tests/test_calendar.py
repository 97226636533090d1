"""The office's holiday calendar: who may see it, entering a year all or nothing (typed or
uploaded), the audit event, the reminder from 1 November, and the public API answer."""

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, HttpResponseBase
from django.test import Client

from communitygate.audit.models import AuditEvent
from communitygate.core import clock, workdays
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.workdays import earliest_urgent_start, is_workday
from communitygate.testing import World, signed_in
from communitygate.workcalendar.models import CalendarOverride, CalendarYear
from communitygate.workcalendar.selectors import calendar_warning
from communitygate.workcalendar.services import (
    ScheduleLine,
    calendar_year_enter,
    schedule_lines_from_csv,
    schedule_lines_from_text,
)

pytestmark = pytest.mark.django_db

SOURCE = "国办发明电〔2026〕X号"
SCHEDULE_2027 = """2027-01-01 休 元旦
2027-02-05 休 春节
2027-02-08 休 春节
2027-02-09 休 春节
2027-02-10 休 春节
2027-02-11 休 春节
2027-02-20 班 春节调休上班
"""


def html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pin_shanghai(year: int, month: int, day: int) -> None:
    """Pin the clock to 09:00 in Shanghai on that day."""
    clock.pin(dt.datetime(year, month, day, 1, tzinfo=dt.UTC))


def enter(client: Client, **fields: Any) -> HttpResponseBase:
    data = {"lines": SCHEDULE_2027, "source": SOURCE, "complete": "on", **fields}
    return client.post("/calendar/2027/import/", data=data)


# Who may see the pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/calendar/", "/calendar/2027/", "/calendar/2027/import/"])
def test_the_pages_are_the_offices(world: World, path: str) -> None:
    for person in ["office_officer", "office_admin"]:
        assert signed_in(world.user(person)).get(path).status_code == 200, person
    for person in ["department_clerk", "community_secretary", "inspector", "no_role"]:
        assert signed_in(world.user(person)).get(path).status_code == 404, person
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_others_cannot_enter_a_year(world: World) -> None:
    response = enter(signed_in(world.user("department_clerk")))
    assert response.status_code == 404
    assert enter(Client()).status_code == 302
    assert not CalendarYear.objects.exists()
    assert not CalendarOverride.objects.exists()
    with pytest.raises(PermissionDenied):
        calendar_year_enter(
            actor=world.user("community_secretary"),
            year=2027,
            lines=schedule_lines_from_text(SCHEDULE_2027),
            source=SOURCE,
        )
    assert not CalendarOverride.objects.exists()


def test_a_year_outside_the_enterable_range_is_not_a_page(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    assert client.get("/calendar/1999/").status_code == 404
    assert client.get("/calendar/2100/").status_code == 404
    assert client.get("/calendar/2099/").status_code == 200


# Entering a year ----------------------------------------------------------------------------------


def test_the_office_enters_2027_and_working_days_follow_it(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    with pytest.raises(Exception, match="2027年节假日安排尚未录入"):
        earliest_urgent_start(dt.date(2026, 12, 30))

    response = enter(client)
    assert response.status_code == 302
    assert response["Location"] == "/calendar/2027/"

    year = CalendarYear.objects.get(year=2027)
    assert year.complete
    assert year.source == SOURCE
    assert year.entered_at is not None
    overrides = {o.date.isoformat(): (o.is_workday, o.name) for o in CalendarOverride.objects.all()}
    assert overrides["2027-01-01"] == (False, "元旦")
    assert overrides["2027-02-20"] == (True, "春节调休上班")
    assert len(overrides) == 7
    assert is_workday(dt.date(2027, 1, 1)) is False
    assert earliest_urgent_start(dt.date(2026, 12, 30)) == dt.date(2027, 1, 5)

    page = html(client.get("/calendar/"))
    assert "元旦" in page
    assert "春节调休上班" in page
    assert SOURCE in page
    assert "2027" in page.split('data-testid="calendar-years"', 1)[1]


def test_entering_records_one_audit_event_with_the_changes(world: World) -> None:
    officer = world.user("office_officer")
    client = signed_in(world.user("office_officer"))
    enter(client)
    (event,) = AuditEvent.objects.filter(action="calendar_year.enter")
    assert event.actor == officer
    assert event.object_type == "workcalendar.calendaryear"
    assert event.object_repr == "2027"
    assert event.changes["2027-01-01"] == [None, "休 元旦"]
    assert event.changes["2027-02-20"] == [None, "班 春节调休上班"]
    assert event.changes["complete"] == [False, True]
    assert event.changes["source"] == ["", SOURCE]


def test_entering_again_replaces_the_year_and_records_what_changed(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    enter(client)
    revised = SCHEDULE_2027.replace("2027-02-11 休 春节\n", "").replace("元旦", "元旦节")
    assert enter(client, lines=revised).status_code == 302
    current = CalendarOverride.objects.filter(withdrawn_at__isnull=True)
    assert not current.filter(date=dt.date(2027, 2, 11)).exists()
    assert current.get(date=dt.date(2027, 1, 1)).name == "元旦节"
    assert current.count() == 6
    withdrawn = CalendarOverride.objects.get(date=dt.date(2027, 2, 11))
    assert withdrawn.withdrawn_at is not None, "a day no longer listed is kept, not deleted"
    assert workdays.is_workday(dt.date(2027, 2, 11)) is True
    event = AuditEvent.objects.filter(action="calendar_year.enter").latest("id")
    assert event.changes["2027-02-11"] == ["休 春节", None]
    assert event.changes["2027-01-01"] == ["休 元旦", "休 元旦节"]
    assert "2027-02-05" not in event.changes  # unchanged days are not listed
    # The page shows what is entered, ready to edit.
    page = html(client.get("/calendar/2027/import/"))
    assert "2027-01-01 休 元旦节" in page
    assert "2027-02-11" not in page.split("<textarea", 1)[1].split("</textarea>", 1)[0]


def test_every_bad_line_is_listed_and_nothing_is_saved(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    lines = "\n".join(
        [
            "2027-01-01 休 元旦",  # 1: good
            "2027-13-01 休 坏日期",  # 2: no such month
            "2026-12-31 休 去年",  # 3: not in 2027
            "2027-02-05 放 春节",  # 4: unknown type
            "2027-01-05 班 周二",  # 5: a Tuesday cannot be a make-up working day
            "",  # 6: blank, skipped
            "2027-01-01 休 重复",  # 7: the same date as line 1
            "2027-02-08 休",  # 8: no name
        ]
    )
    response = enter(client, lines=lines)
    page = html(response)
    problems = page.split('data-testid="problems"', 1)[1].split("</ul>", 1)[0]
    for number in [2, 3, 4, 5, 7, 8]:
        assert f"<li>第{number}行：" in problems, number
        assert f"/ Line {number}:" in problems, number
    for number in [1, 6]:
        assert f"<li>第{number}行：" not in problems, number
    assert "与第1行重复" in problems
    assert "星期二" in problems
    assert problems.count("<li>") == 6
    assert not CalendarOverride.objects.exists()
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar_year.enter").exists()
    # What was typed is kept, so that the office can correct it.
    assert "2027-13-01 休 坏日期" in page


def test_an_earlier_entry_survives_a_rejected_one(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    enter(client)
    html(enter(client, lines="2027-01-01 休 元旦\nnonsense"))
    assert CalendarOverride.objects.count() == 7
    assert AuditEvent.objects.filter(action="calendar_year.enter").count() == 1


def test_the_source_is_required(world: World) -> None:
    page = html(enter(signed_in(world.user("office_officer")), source="  "))
    assert "请填写依据" in page
    assert not CalendarOverride.objects.exists()


def test_a_complete_year_needs_at_least_one_day(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        calendar_year_enter(actor=world.user("office_officer"), year=2027, lines=[], source=SOURCE)
    assert refused.value.problems[0].field == "lines"


def test_an_incomplete_entry_does_not_cover_the_year(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    assert enter(client, lines="2027-01-01 休 元旦", complete="").status_code == 302
    assert CalendarYear.objects.get(year=2027).complete is False
    assert is_workday(dt.date(2027, 1, 1)) is False
    with pytest.raises(Exception, match="2027年节假日安排尚未录入"):
        is_workday(dt.date(2027, 1, 4))
    assert "2027 is not covered yet" in html(english(client).get("/calendar/2027/import/"))


def test_too_many_lines_are_refused_at_once(world: World) -> None:
    lines = [ScheduleLine(number, ("2027-01-01", "休", "x")) for number in range(1, 402)]
    with pytest.raises(InvalidInput) as refused:
        calendar_year_enter(
            actor=world.user("office_officer"), year=2027, lines=lines, source=SOURCE
        )
    assert len(refused.value.problems) == 1


# Uploading a CSV file -----------------------------------------------------------------------------

CSV_2027 = "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-05,休,春节\n2027-02-20,班,春节调休上班\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_upload_enters_the_year(world: World, encoding: str) -> None:
    client = signed_in(world.user("office_officer"))
    upload = SimpleUploadedFile("2027.csv", CSV_2027.encode(encoding), content_type="text/csv")
    response = enter(client, lines="", file=upload)
    assert response.status_code == 302
    assert CalendarOverride.objects.count() == 3
    assert CalendarOverride.objects.get(date=dt.date(2027, 2, 20)).is_workday is True
    assert CalendarYear.objects.get(year=2027).complete


def test_a_csv_upload_reports_bad_rows_by_their_row_in_the_file(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    content = "日期,类型,名称\n2027-01-01,休,元旦\n2027/02/05,休,春节\n2027-02-20,班\n"
    upload = SimpleUploadedFile("2027.csv", content.encode(), content_type="text/csv")
    page = html(enter(client, file=upload))
    problems = page.split('data-testid="problems"', 1)[1].split("</ul>", 1)[0]
    assert "<li>第3行：" in problems
    assert "<li>第4行：" in problems
    assert "<li>第2行：" not in problems
    assert not CalendarOverride.objects.exists()


def test_the_csv_header_is_optional() -> None:
    lines = schedule_lines_from_csv("2027-01-01,休,元旦\n\n2027-02-20,班,调休\n".encode())
    assert lines == [
        ScheduleLine(1, ("2027-01-01", "休", "元旦")),
        ScheduleLine(3, ("2027-02-20", "班", "调休")),
    ]


def test_a_nul_or_bad_bytes_in_the_csv_are_problems_of_their_row_and_column() -> None:
    content = "2027-01-01,休,元旦\n2027-02-20,班,调\x00休\n".encode() + b"2027-02-21,\xff\xfe,x\n"
    with pytest.raises(InvalidInput) as invalid:
        schedule_lines_from_csv(content)
    assert [problem.message_zh[:6] for problem in invalid.value.problems] == [
        "第2行C列：",
        "第3行B列：",
    ]
    assert [problem.row for problem in invalid.value.problems] == [2, 3]


def test_typed_lines_accept_spaces_tabs_and_commas() -> None:
    lines = schedule_lines_from_text(
        "2027-01-01 休 元旦\n2027-01-02\t休\t元旦\n2027-01-03，休，元旦"
    )
    assert [line.parts for line in lines] == [
        ("2027-01-0" + str(n), "休", "元旦") for n in (1, 2, 3)
    ]


# The reminder from 1 November --------------------------------------------------------------------


def warning_shown(client: Client, path: str = "/catalog/") -> bool:
    return 'data-testid="calendar-warning"' in html(client.get(path))


def test_no_reminder_before_november(world: World) -> None:
    pin_shanghai(2026, 10, 31)
    assert not warning_shown(signed_in(world.user("office_officer")))
    assert calendar_warning(world.user("office_officer")) is None


def test_the_office_is_reminded_from_1_november(world: World) -> None:
    pin_shanghai(2026, 11, 1)
    client = signed_in(world.user("office_officer"))
    page = html(client.get("/"))
    assert 'data-testid="calendar-warning"' in page
    assert "2027年节假日安排尚未录入，请录入" in page
    assert 'href="/calendar/2027/"' in page
    assert "The 2027 holiday schedule has not been entered" in html(english(client).get("/"))
    assert warning_shown(signed_in(world.user("office_admin")), "/calendar/")


@pytest.mark.parametrize(
    "person", ["department_clerk", "community_secretary", "committee_member", "no_role"]
)
def test_only_the_office_is_reminded(world: World, person: str) -> None:
    pin_shanghai(2026, 12, 15)
    assert not warning_shown(signed_in(world.user(person)))
    assert calendar_warning(world.user(person)) is None


def test_no_reminder_for_someone_signed_out(world: World) -> None:
    pin_shanghai(2026, 12, 15)
    assert not warning_shown(Client())


def test_the_reminder_stops_once_next_year_is_entered(world: World) -> None:
    pin_shanghai(2026, 11, 20)
    client = signed_in(world.user("office_officer"))
    enter(client, complete="")
    assert warning_shown(client)  # entered in part: still not covered
    enter(client)
    assert not warning_shown(client)


def test_no_reminder_when_the_package_knows_next_year(world: World) -> None:
    pin_shanghai(2025, 11, 20)  # chinesecalendar knows 2026
    assert not warning_shown(signed_in(world.user("office_officer")))


# The overview ---------------------------------------------------------------------------------------


def enter_year(world: World, year: int) -> None:
    calendar_year_enter(
        actor=world.user("office_officer"),
        year=year,
        lines=schedule_lines_from_text(f"{year}-01-01 休 元旦\n{year}-10-01 休 国庆节"),
        source=SOURCE,
    )


def test_the_overview_costs_the_same_queries_for_one_year_as_for_three(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(world.user("office_officer"))
    counts = []
    for years in [[2027], [2028, 2029]]:
        for year in years:
            enter_year(world, year)
        with django_assert_max_num_queries(8) as captured:
            page = html(client.get("/calendar/"))
        counts.append(len(captured.captured_queries))
        assert all(f"{year}-10-01" in page for year in years)
    assert counts[0] == counts[1]


# The API --------------------------------------------------------------------------------------------

EARLIEST = "/api/v1/calendar/earliest-urgent-start"


def test_the_api_answers_the_earliest_urgent_start(client: Client) -> None:
    response = client.get(EARLIEST, {"filed": "2026-11-23"})
    assert response.status_code == 200
    assert response.json() == {"filed": "2026-11-23", "earliest_start": "2026-11-26"}
    response = client.get(EARLIEST, {"filed": "2026-09-28"})
    assert response.json()["earliest_start"] == "2026-10-08"


def test_the_api_refuses_a_year_not_entered_and_answers_once_it_is(
    world: World, client: Client
) -> None:
    response = client.get(EARLIEST, {"filed": "2027-03-01"})
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "holiday_schedule_missing"
    assert body["year"] == 2027
    assert "2027年节假日安排尚未录入" in body["message_zh"]
    assert "2027 holiday schedule has not been entered" in body["message_en"]
    assert body["message"] == f"{body['message_zh']} / {body['message_en']}"

    calendar_year_enter(
        actor=world.user("office_officer"),
        year=2027,
        lines=schedule_lines_from_text(SCHEDULE_2027),
        source=SOURCE,
    )
    response = client.get(EARLIEST, {"filed": "2027-02-04"})
    assert response.status_code == 200
    assert response.json()["earliest_start"] == "2027-02-16"


@pytest.mark.parametrize("filed", ["2026-02-30", "20261123", "1700000000", "", "2026-11-23x"])
def test_the_api_refuses_what_is_not_a_date(client: Client, filed: str) -> None:
    response = client.get(EARLIEST, {"filed": filed})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_api_needs_the_filing_day(client: Client) -> None:
    response = client.get(EARLIEST)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_api_answers_far_dates_with_the_rule_not_a_crash(client: Client) -> None:
    for filed in ["9999-12-31", "0001-01-01"]:
        response = client.get(EARLIEST, {"filed": filed})
        assert response.json()["code"] == "holiday_schedule_missing", filed


def test_a_new_year_is_not_marked_complete_until_the_office_ticks_it(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    box = re.compile(r'<input type="checkbox" name="complete"[^>]*>')
    (unticked,) = box.findall(html(client.get("/calendar/2027/import/")))
    assert "checked" not in unticked
    enter(client)
    (ticked,) = box.findall(html(client.get("/calendar/2027/import/")))
    assert "checked" in ticked
