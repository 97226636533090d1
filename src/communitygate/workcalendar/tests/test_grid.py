"""The working-day calendar as a month grid: how each day is marked, a click's change of one day
(the same checks and write as the import, one audit event for the day), the year not known yet,
the pages in Chinese and English, and the grid's query count."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communitygate.audit.models import AuditEvent
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.core.workdays import is_workday, workdays_between
from communitygate.testing import World, signed_in
from communitygate.workcalendar.models import CalendarOverride, CalendarYear
from communitygate.workcalendar.selectors import (
    DayKinds,
    GridDay,
    calendar_day_of,
    calendar_year_grid,
)
from communitygate.workcalendar.services import calendar_day_set

pytestmark = pytest.mark.django_db

SOURCE = "国办发明电〔2026〕X号"


def refused(call: Callable[[], object]) -> str:
    """The Chinese messages of the InvalidInput `call` raises."""
    with pytest.raises(InvalidInput) as refusal:
        call()
    return " ".join(problem.message_zh for problem in refusal.value.problems)


def cell(year: int, day: dt.date) -> GridDay:
    found = calendar_day_of(calendar_year_grid(year), day)
    assert found is not None
    return found


def test_the_grid_marks_the_package_holidays_and_make_up_days() -> None:
    grid = calendar_year_grid(2026)
    assert grid.known
    assert grid.workdays == 248  # DOMAIN.md §3.2
    assert grid.makeup_days == 6
    assert [len(month.weeks[0]) for month in grid.months] == [7] * 12
    national_day = cell(2026, dt.date(2026, 10, 1))
    assert (national_day.kind, national_day.name, national_day.entered) == (
        DayKinds.HOLIDAY,
        "国庆节",
        False,
    )
    assert cell(2026, dt.date(2026, 10, 10)).kind == DayKinds.MAKEUP
    assert cell(2026, dt.date(2026, 10, 10)).mark == "班"
    assert cell(2026, dt.date(2026, 3, 3)).kind == DayKinds.WORKDAY
    assert cell(2026, dt.date(2026, 3, 7)).kind == DayKinds.WEEKEND
    assert calendar_year_grid(2026, english=True).months[9].weeks[0][3].name == "National Day"  # type: ignore[union-attr]


def test_a_year_nobody_entered_is_not_known_and_its_days_say_so() -> None:
    grid = calendar_year_grid(2027)
    assert not grid.known
    assert grid.workdays is None
    assert not cell(2027, dt.date(2027, 3, 3)).known


def test_one_day_becomes_a_holiday_and_back_with_one_audit_event_each(world: World) -> None:
    officer = world.user("office_officer")
    calendar_day_set(actor=officer, day=dt.date(2027, 2, 5), kind="休", name="春节", source=SOURCE)
    calendar_day_set(actor=officer, day=dt.date(2027, 2, 20), kind="班", source="")
    assert is_workday(dt.date(2027, 2, 20)) is True
    assert CalendarOverride.objects.get(date=dt.date(2027, 2, 20)).name == "调休上班"
    assert CalendarYear.objects.get(year=2027).complete is False  # one day does not complete a year
    events = list(AuditEvent.objects.filter(action="calendar_day.set").order_by("id"))
    assert len(events) == 2
    assert events[0].changes["2027-02-05"] == [None, "休 春节"]
    assert events[1].changes == {"2027-02-20": [None, "班 调休上班"]}  # only the day changed
    assert cell(2027, dt.date(2027, 2, 5)).entered

    calendar_day_set(actor=officer, day=dt.date(2027, 2, 5), kind="")
    assert not CalendarOverride.objects.filter(
        date=dt.date(2027, 2, 5), withdrawn_at__isnull=True
    ).exists()
    assert CalendarOverride.objects.filter(date=dt.date(2027, 2, 5)).exists()  # kept, withdrawn
    assert AuditEvent.objects.filter(action="calendar_day.set").latest("id").changes == {
        "2027-02-05": ["休 春节", None]
    }


def test_a_change_in_a_package_year_counts_at_once(world: World) -> None:
    officer = world.user("office_officer")
    before = workdays_between(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    calendar_day_set(actor=officer, day=dt.date(2026, 3, 3), kind="休", name="区庆", source=SOURCE)
    assert workdays_between(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == before - 1
    # A weekday the package rests may be worked again; an ordinary weekday may not be 班.
    calendar_day_set(actor=officer, day=dt.date(2026, 10, 5), kind="班", source=SOURCE)
    assert is_workday(dt.date(2026, 10, 5)) is True
    assert "本来就是工作日" in refused(
        lambda: calendar_day_set(actor=officer, day=dt.date(2026, 3, 4), kind="班", source=SOURCE)
    )


def test_bad_changes_are_refused_with_a_reason(world: World) -> None:
    officer = world.user("office_officer")
    assert "请填写依据" in refused(
        lambda: calendar_day_set(actor=officer, day=dt.date(2027, 1, 1), kind="休")
    )
    assert "本来就按默认" in refused(
        lambda: calendar_day_set(actor=officer, day=dt.date(2027, 1, 1), kind="", source=SOURCE)
    )
    assert "请选择" in refused(
        lambda: calendar_day_set(actor=officer, day=dt.date(2027, 1, 1), kind="x", source=SOURCE)
    )
    with pytest.raises(PermissionDenied):
        calendar_day_set(
            actor=world.user("community_secretary"), day=dt.date(2027, 1, 1), kind="休"
        )
    assert not CalendarOverride.objects.exists()


def test_the_grid_page_in_chinese_and_english_and_a_click_changes_a_day(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    page = client.get("/calendar/2027/").content.decode()
    assert "2027年节假日安排尚未确定" in page
    assert 'data-date="2027-02-05"' in page
    assert 'data-testid="day-form"' not in page
    chosen = client.get("/calendar/2027/?day=2027-02-05").content.decode()
    assert 'data-testid="day-form"' in chosen
    assert 'value="2027-02-05"' in chosen

    response = client.post(
        "/calendar/2027/day/",
        {"date": "2027-02-05", "kind": "休", "name": "春节", "source": SOURCE},
    )
    assert response.status_code == 302
    assert response["Location"] == "/calendar/2027/?day=2027-02-05#day-form"
    after = client.get(response["Location"]).content.decode()
    assert "2027-02-05 已改为放假（休）" in after
    assert 'data-date="2027-02-05" data-kind="holiday"' in after

    refused = client.post(
        "/calendar/2027/day/", {"date": "2027-03-03", "kind": "班", "source": SOURCE}
    )
    assert refused.status_code == 400
    assert "本来就是工作日" in refused.content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/calendar/2026/").content.decode()
    assert "The 2026 working-day calendar" in english
    assert "248 working days" in english
    assert "National Day" in english
    assert (
        "The 2027 holiday schedule is not known yet"
        in client.get("/calendar/2027/").content.decode()
    )


def test_only_the_office_changes_a_day(world: World) -> None:
    data = {"date": "2027-02-05", "kind": "休", "source": SOURCE}
    for person in ["department_clerk", "community_secretary", "inspector"]:
        assert signed_in(world.user(person)).post("/calendar/2027/day/", data).status_code == 404
    assert Client().post("/calendar/2027/day/", data).status_code == 302
    officer = signed_in(world.user("office_officer"))
    assert officer.get("/calendar/2027/day/").status_code == 405
    other_year = {**data, "date": "2028-02-05"}
    assert officer.post("/calendar/2027/day/", other_year).status_code == 404
    assert not CalendarOverride.objects.exists()


def test_the_grid_costs_the_same_queries_with_many_entered_days(world: World) -> None:
    client = signed_in(world.user("office_officer"))
    client.get("/calendar/2027/")
    with CaptureQueriesContext(connection) as few:
        client.get("/calendar/2027/")
    officer = world.user("office_officer")
    for day in (1, 2, 3, 4, 5):
        calendar_day_set(actor=officer, day=dt.date(2027, 1, day), kind="休", source=SOURCE)
    with CaptureQueriesContext(connection) as many:
        client.get("/calendar/2027/")
    assert len(many) == len(few)
    assert len(few) <= 12, [q["sql"] for q in few.captured_queries]
