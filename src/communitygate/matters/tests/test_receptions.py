"""Walk-in reception (来访登记): the quick form (a registered resident or a typed name, handled on
the spot or turned into a matter through `matter_receive`), a retried POST that records once, the
day's count on the glance page and as `reception_count_today`, the scoped day list with its
query count and XLSX export, masked phones, and apart from home visits."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from communitygate.audit.models import AuditEvent
from communitygate.core import clock
from communitygate.core.errors import InvalidInput, PermissionDenied
from communitygate.matters.models import Matter, Reception, ReceptionOutcomes
from communitygate.matters.selectors.receptions import reception_count_today, reception_list
from communitygate.matters.services.receptions import ReceptionIntake, reception_record
from communitygate.matters.tests.grid_glance import add_household
from communitygate.registry.models import Visit
from communitygate.testing import World, signed_in

pytestmark = pytest.mark.django_db

COMMUNITY = "370203031001"
OTHER = "370203014001"
FULL_PHONE = re.compile(r"1[3-9]\d{9}")


def intake(**overrides: object) -> ReceptionIntake:
    values: dict[str, object] = {
        "community_code": COMMUNITY,
        "category_code": "consultation",
        "outcome": ReceptionOutcomes.HANDLED,
        "visitor_name": "来访居民",
        "summary": "咨询医保",
    }
    values.update(overrides)
    return ReceptionIntake(**values)  # type: ignore[arg-type]


def form(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "community": COMMUNITY,
        "visitor_name": "王阿姨",
        "phone": "139 1234 5678",
        "category": "consultation",
        "summary": "咨询养老补贴",
        "outcome": "handled",
        "form_token": "reception-test-1",
    }
    values.update(overrides)
    return values


def problems(refusal: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {problem.field or "": problem.message_zh for problem in refusal.value.problems}


# The service ------------------------------------------------------------------------------------


def test_a_visitor_handled_on_the_spot_is_recorded_with_its_audit_event(world: World) -> None:
    reception = reception_record(
        actor=world.user("community_secretary"), intake=intake(phone="13912345678")
    )
    assert reception.outcome == "handled" and reception.matter is None
    assert reception.received_on == clock.today()
    assert reception.phone_masked == "139****5678"
    assert "13912345678" not in reception.phone_ciphertext
    event = AuditEvent.objects.get(action="reception.record")
    assert event.changes["phone"] == [None, "139****5678"]
    assert event.changes["outcome"] == [None, "handled"]
    assert not Matter.objects.exists()


def test_a_registered_resident_turned_into_a_matter(world: World) -> None:
    resident = add_household(world.org("community"), people=(("李大爷", ()),)).residents.get()
    reception = reception_record(
        actor=world.user("community_secretary"),
        intake=intake(
            visitor_name="",
            resident_id=resident.pk,
            outcome=ReceptionOutcomes.MATTER,
            summary="楼道灯坏了",
            category_code="repair",
        ),
    )
    matter = reception.matter
    assert matter is not None
    assert (matter.channel, matter.summary, matter.resident_id) == (
        "visit",
        "楼道灯坏了",
        resident.pk,
    )
    assert reception.visitor_name == "李大爷"
    assert AuditEvent.objects.filter(action="matter.receive", object_id=str(matter.pk)).exists()
    assert AuditEvent.objects.get(action="reception.record").changes["matter"] == [
        None,
        matter.tracking_code,
    ]


def test_bad_input_is_refused_all_at_once_and_nothing_is_saved(world: World) -> None:
    secretary = world.user("community_secretary")
    with pytest.raises(InvalidInput) as refusal:
        reception_record(
            actor=secretary,
            intake=intake(
                visitor_name="",
                category_code="nope",
                outcome=ReceptionOutcomes.MATTER,
                summary="",
                phone="12345",
            ),
        )
    found = problems(refusal)
    assert set(found) == {"visitor_name", "category", "summary", "phone"}
    assert "请填写来访人姓名" in found["visitor_name"]
    other_resident = add_household(world.org("community_other"), room="9").residents.get()
    with pytest.raises(InvalidInput) as refusal:
        reception_record(actor=secretary, intake=intake(resident_id=other_resident.pk))
    assert set(problems(refusal)) == {"resident"}
    assert not Reception.objects.exists() and not Matter.objects.exists()


def test_only_the_communitys_own_staff_record_its_visitors(world: World) -> None:
    for person in ["community_secretary_other", "subdistrict_officer", "office_officer"]:
        with pytest.raises(PermissionDenied):
            reception_record(actor=world.user(person), intake=intake())
    assert not Reception.objects.exists()


def test_a_failed_matter_leaves_no_reception(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_kwargs: object) -> Matter:
        raise InvalidInput([])

    monkeypatch.setattr("communitygate.matters.services.receptions.matter_receive", broken)
    with pytest.raises(InvalidInput):
        reception_record(
            actor=world.user("community_secretary"), intake=intake(outcome=ReceptionOutcomes.MATTER)
        )
    assert not Reception.objects.exists()


def test_the_days_count_is_the_communitys_own_and_not_the_home_visits(world: World) -> None:
    community = world.org("community")
    for _ in range(3):
        reception_record(actor=world.user("community_worker"), intake=intake())
    reception_record(
        actor=world.user("community_secretary_other"), intake=intake(community_code=OTHER)
    )
    today = clock.today()
    assert reception_count_today(community, today) == 3
    assert reception_count_today(community.pk, today + dt.timedelta(days=1)) == 0
    assert not Visit.objects.exists()  # a walk-in is not a home visit


# The pages --------------------------------------------------------------------------------------


def test_the_form_saves_once_and_comes_back_with_the_count(world: World) -> None:
    client = signed_in(world.user("community_secretary"))
    page = client.get("/residents/receptions/new/")
    assert page.status_code == 200
    assert "来访登记" in page.content.decode()
    response = client.post("/residents/receptions/new/", form(), follow=True)
    assert response.redirect_chain[-1][0] == "/residents/receptions/new/"
    html = response.content.decode()
    assert "已登记：王阿姨，当场办结。今日来访 1 人。" in html
    assert not FULL_PHONE.search(html)
    # A retried POST (double click, reload) carries the same token: still one reception.
    again = client.post("/residents/receptions/new/", form())
    assert again.status_code == 302
    assert Reception.objects.count() == 1
    client.post("/residents/receptions/new/", form(form_token="reception-test-2"))
    assert Reception.objects.count() == 2


def test_the_form_shows_every_problem_beside_its_field_in_chinese_and_english(
    world: World,
) -> None:
    client = signed_in(world.user("community_secretary"))
    bad = form(visitor_name="", outcome="matter", summary="", form_token="bad-1")
    html = client.post("/residents/receptions/new/", bad).content.decode()
    assert "请填写来访人姓名" in html and "转为民情事项时，请简要写明是什么事" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post("/residents/receptions/new/", {**bad, "form_token": "bad-2"})
    assert "Give the visitor" in english.content.decode()
    assert "Walk-in reception" in client.get("/residents/receptions/new/").content.decode()
    assert not Reception.objects.exists()


def test_a_resident_is_found_by_name_and_picked(world: World) -> None:
    resident = add_household(world.org("community"), people=(("赵奶奶", ()),)).residents.get()
    client = signed_in(world.user("community_secretary"))
    html = client.get("/residents/receptions/new/?find=赵").content.decode()
    assert f'value="{resident.pk}"' in html
    client.post("/residents/receptions/new/", form(visitor_name="", resident=resident.pk, phone=""))
    assert Reception.objects.get().resident == resident


def test_the_glance_page_shows_the_days_count(world: World) -> None:
    reception_record(actor=world.user("community_worker"), intake=intake())
    reception_record(actor=world.user("community_worker"), intake=intake())
    html = signed_in(world.user("community_secretary")).get(f"/residents/communities/{COMMUNITY}/")
    assert re.search(r'data-testid="receptions-today">2<', html.content.decode())
    rollup = signed_in(world.user("subdistrict_officer")).get("/residents/").content.decode()
    assert re.search(r'data-testid="receptions-today">2<', rollup)


def test_the_day_list_is_scoped_masked_and_counts_its_queries(
    world: World, django_assert_num_queries: object
) -> None:
    reception_record(actor=world.user("community_worker"), intake=intake(phone="13912345678"))
    reception_record(
        actor=world.user("community_secretary_other"),
        intake=intake(community_code=OTHER, summary="外社区来访"),
    )
    worker = signed_in(world.user("community_worker"))
    worker.get("/residents/receptions/")
    with django_assert_num_queries(6):  # type: ignore[operator]
        html = worker.get("/residents/receptions/").content.decode()
    assert "咨询医保" in html and "外社区来访" not in html
    assert "139****5678" in html and not FULL_PHONE.search(html)
    assert "（北京时间）" in html
    for n in range(5):
        reception_record(
            actor=world.user("community_worker"),
            intake=intake(outcome=ReceptionOutcomes.MATTER, summary=f"事项{n}"),
        )
    with django_assert_num_queries(6):  # type: ignore[operator]
        worker.get("/residents/receptions/")
    officer = signed_in(world.user("subdistrict_officer")).get("/residents/receptions/")
    assert "咨询医保" in officer.content.decode()  # its community's
    assert "外社区来访" not in officer.content.decode()  # not another subdistrict's
    yesterday = (clock.today() - dt.timedelta(days=1)).isoformat()
    assert "咨询医保" not in worker.get(f"/residents/receptions/?day={yesterday}").content.decode()
    assert worker.get("/residents/receptions/?day=1900-01-01").status_code == 200
    assert list(reception_list(world.user("community_secretary_other"), day=clock.today())) != []


def test_the_export_is_the_lists_rows_masked_and_recorded(world: World) -> None:
    reception_record(actor=world.user("community_worker"), intake=intake(phone="13912345678"))
    reception_record(
        actor=world.user("community_secretary_other"), intake=intake(community_code=OTHER)
    )
    response = signed_in(world.user("community_worker")).get("/residents/receptions/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "登记时间（北京时间）"
    assert len(rows) == 2
    assert rows[1][3] == "139****5678" and rows[1][6] == "当场办结"
    assert AuditEvent.objects.filter(action="reception.export").count() == 1
    bad = signed_in(world.user("community_worker")).get("/residents/receptions/export.xlsx?day=x")
    assert bad.status_code == 400


def test_nobody_else_opens_the_pages(world: World) -> None:
    for person in ["office_officer", "department_clerk", "no_role"]:
        client = signed_in(world.user(person))
        assert client.get("/residents/receptions/").status_code == 404, person
        assert client.get("/residents/receptions/new/").status_code == 404, person
    assert (
        signed_in(world.user("subdistrict_officer")).get("/residents/receptions/new/").status_code
        == 404
    )
    assert Client().get("/residents/receptions/").status_code == 302
