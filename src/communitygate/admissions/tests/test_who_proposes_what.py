"""Who proposes what, and the burden travelling with the item (issue 11).

Statutory daily work is the office's to enter, from the law: a department's application of class
statutory is refused by its named rule at every entry point (service, page, API), and a
statutory application left over from before the rule is never submitted nor admitted. The
ledgers and plaques an application asks for are chosen from the catalog's records (or named as
new ones, created by the admission), shown to the voters, and carried into the admitted item and
its published edition.
"""

import datetime as dt
import importlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from communitygate.admissions.models import Application, FundingCommitment
from communitygate.admissions.services import (
    StatutoryWorkByOfficeOnly,
    application_create,
    application_review,
    application_revise,
    application_submit,
    application_urgent_approve,
    round_close_consultation,
)
from communitygate.admissions.tests.meetings import decide
from communitygate.audit.models import AuditEvent
from communitygate.catalog.models import CatalogItem, Ledger, Plaque, RecordStatuses
from communitygate.catalog.selectors import edition_latest
from communitygate.catalog.services import ledger_create, plaque_create
from communitygate.core import clock
from communitygate.core.errors import InvalidInput
from communitygate.testing import World, signed_in

from .test_pages_and_api import API, application_form, application_json, html, post_json
from .test_services import MONDAY, consult, fields, vote_all

pytestmark = pytest.mark.django_db

STATUTORY_CODE = "statutory_work_by_office_only"


@pytest.fixture
def records(world: World) -> dict[str, Ledger | Plaque]:
    """A few ledger and plaque records, as the office keeps them (one ledger retired)."""
    office = world.user("office_officer")
    civil, health = world.org("department"), world.org("department_other")
    made: dict[str, Ledger | Plaque] = {
        "visits": ledger_create(
            actor=office, code="TZ-101", name="独居老人探访登记表", medium="paper", department=civil
        ),
        "checks": ledger_create(
            actor=office, code="TZ-102", name="老年人体检通知登记", medium="both", department=health
        ),
        "old": ledger_create(
            actor=office, code="TZ-103", name="已停用的旧台账", medium="paper", department=civil
        ),
        "station": plaque_create(
            actor=office, code="PZ-101", name="社区居家养老服务站", department=civil
        ),
    }
    Ledger.objects.filter(code="TZ-103").update(status=RecordStatuses.RETIRED)
    return made


def legacy_statutory(application: Application) -> Application:
    """An application as one filed before the rule could be: statutory, without funding."""
    Application.objects.filter(pk=application.pk).update(
        item_class="statutory", funding_per_community=None, funding_source=""
    )
    return Application.objects.get(pk=application.pk)


def assert_statutory_refusal(error: StatutoryWorkByOfficeOnly) -> None:
    assert error.code == STATUTORY_CODE and error.status == 422
    assert error.problems[0].field == "item_class"
    assert "法定日常工作" in error.message_zh and "办公室" in error.message_zh
    assert "Statutory daily work" in error.message_en and "office" in error.message_en


def file_draft(world: World, **overrides: object) -> Application:
    clock.pin(MONDAY)
    return application_create(
        actor=world.user("department_clerk"),
        applicant=world.org("department"),
        fields=fields(**overrides),
    )


# The statutory loophole, closed at each entry point: the services -------------------------------


def test_a_department_cannot_file_statutory_work(world: World) -> None:
    clock.pin(MONDAY)
    with pytest.raises(StatutoryWorkByOfficeOnly) as raised:
        application_create(
            actor=world.user("department_clerk"),
            applicant=world.org("department"),
            fields=fields(item_class="statutory", funding_per_community=None, necessity=""),
        )
    assert_statutory_refusal(raised.value)
    assert isinstance(raised.value, InvalidInput), "a form shows it beside the class"
    assert {p.field for p in raised.value.problems} == {"item_class", "necessity"}, (
        "the other problems are listed with it"
    )
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="application.create").exists()


def test_a_draft_cannot_be_revised_into_statutory_work(world: World) -> None:
    draft = file_draft(world)
    with pytest.raises(StatutoryWorkByOfficeOnly) as raised:
        application_revise(
            actor=world.user("department_clerk"),
            application=draft,
            fields=fields(item_class="statutory"),
            expected_revision=draft.revision,
        )
    assert_statutory_refusal(raised.value)
    assert Application.objects.get(pk=draft.pk).item_class == "delegated"


@pytest.mark.parametrize("item_class", ["delegated", "certificate", "evaluation"])
def test_departments_apply_for_delegated_work_certificates_and_campaigns(
    world: World, item_class: str
) -> None:
    assert file_draft(world, item_class=item_class).item_class == item_class


def test_a_statutory_draft_from_before_the_rule_is_not_submitted(world: World) -> None:
    draft = legacy_statutory(file_draft(world))
    with pytest.raises(StatutoryWorkByOfficeOnly) as raised:
        application_submit(actor=world.user("department_clerk"), application=draft)
    assert_statutory_refusal(raised.value)
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_a_statutory_application_from_before_the_rule_is_never_approved(world: World) -> None:
    """The committee may reject it; approving it would admit unfunded work under that class."""
    filed = file_draft(world)
    review_round = consult(world, filed)
    vote_all(world, filed, approvals=3)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    application_review(
        actor=world.user("office_officer"), application=filed, action="forward", opinion="同意"
    )
    legacy = legacy_statutory(filed)
    with pytest.raises(StatutoryWorkByOfficeOnly):
        decide(world, legacy, "approve", reason="x", actor=world.user("committee_member"))
    assert Application.objects.get(pk=legacy.pk).status == "at_committee"
    assert not CatalogItem.objects.exists()
    rejected = decide(
        world,
        legacy,
        "committee_reject",
        reason="法定日常工作不由部门申请",
        actor=world.user("committee_member"),
    )
    assert rejected.status == "rejected"


def test_an_urgent_statutory_application_from_before_the_rule_is_not_approved_at_once(
    world: World,
) -> None:
    """The demo's August 2026 typhoon item was admitted this way, unfunded; no longer."""
    urgent = file_draft(world, urgent=True, urgent_reason="台风", starts_on=dt.date(2026, 11, 26))
    submitted = application_submit(actor=world.user("department_clerk"), application=urgent)
    legacy = legacy_statutory(submitted)
    with pytest.raises(StatutoryWorkByOfficeOnly):
        application_urgent_approve(
            actor=world.user("office_officer"), application=legacy, reason="即时审批"
        )
    assert Application.objects.get(pk=legacy.pk).status == "submitted"
    assert not CatalogItem.objects.exists()
    assert not FundingCommitment.objects.exists()


# ... the pages ---------------------------------------------------------------------------------


def test_the_application_page_does_not_offer_statutory_work(world: World) -> None:
    page = html(signed_in(world.user("department_clerk")).get("/admissions/new/"))
    select = re.search(r'<select name="item_class".*?</select>', page, re.S)
    assert select is not None
    assert re.findall(r'value="(\w+)"', select.group(0)) == [
        "delegated",
        "certificate",
        "evaluation",
    ]
    assert "法定日常工作由区社区建设指导委员会办公室" not in page


def field_errors(page: str, name: str) -> str:
    """What the form shows from a field up to the next field's label (its errors included)."""
    start = page.index(f'name="{name}"')
    return page[start : page.index("<label", start)]


def test_the_application_page_refuses_statutory_work_beside_the_class(world: World) -> None:
    clock.pin(MONDAY)
    clerk = signed_in(world.user("department_clerk"))
    page = html(clerk.post("/admissions/new/", application_form(item_class="statutory")))
    beside = field_errors(page, "item_class")
    assert "法定日常工作由区社区建设指导委员会办公室" in beside
    assert not Application.objects.exists()


def test_the_edit_page_refuses_statutory_work(world: World) -> None:
    draft = file_draft(world)
    clerk = signed_in(world.user("department_clerk"))
    page = html(
        clerk.post(
            f"/admissions/{draft.pk}/edit/",
            application_form(item_class="statutory", revision=str(draft.revision)),
        )
    )
    assert "法定日常工作由区社区建设指导委员会办公室" in field_errors(page, "item_class")
    assert Application.objects.get(pk=draft.pk).item_class == "delegated"


def test_the_submit_button_refuses_a_statutory_draft_with_the_message(world: World) -> None:
    draft = legacy_statutory(file_draft(world))
    clerk = signed_in(world.user("department_clerk"))
    response = clerk.post(f"/admissions/{draft.pk}/submit/", follow=True)
    assert "法定日常工作由区社区建设指导委员会办公室" in html(response)
    assert Application.objects.get(pk=draft.pk).status == "draft"


# ... and the API ------------------------------------------------------------------------------------


def api_client(world: World, person: str) -> Client:
    return signed_in(world.user(person))


def assert_api_refusal(response: Any) -> None:
    assert response.status_code == 422, response.content.decode()
    answer = response.json()
    assert answer["code"] == STATUTORY_CODE
    assert "法定日常工作" in answer["message_zh"]
    assert "Statutory daily work" in answer["message_en"]
    assert answer["problems"][0]["column"] == "item_class"


def test_the_api_refuses_to_file_statutory_work(world: World) -> None:
    clock.pin(MONDAY)
    client = api_client(world, "department_clerk")
    assert_api_refusal(
        post_json(client, f"{API}/applications", application_json(item_class="statutory"))
    )
    assert not Application.objects.exists()


def test_the_api_refuses_to_submit_or_approve_a_statutory_application(world: World) -> None:
    draft = legacy_statutory(file_draft(world))
    clerk = api_client(world, "department_clerk")
    assert_api_refusal(post_json(clerk, f"{API}/applications/{draft.pk}/submit"))
    urgent = file_draft(world, urgent=True, urgent_reason="台风", starts_on=dt.date(2026, 11, 26))
    application_submit(actor=world.user("department_clerk"), application=urgent)
    legacy_statutory(urgent)
    office = api_client(world, "office_officer")
    assert_api_refusal(
        post_json(office, f"{API}/applications/{urgent.pk}/urgent-approval", {"reason": "即时"})
    )
    assert Application.objects.get(pk=urgent.pk).status == "submitted"


def test_the_api_refuses_the_old_free_text_ledgers(world: World) -> None:
    clock.pin(MONDAY)
    response = post_json(
        api_client(world, "department_clerk"),
        f"{API}/applications",
        application_json(ledgers_required="独居老人探访登记表"),
    )
    assert response.status_code == 422, response.content.decode()
    assert response.json()["problems"][0]["column"] == "ledgers_required"
    assert not Application.objects.exists()


# Ledgers and plaques: chosen from the records, carried into the item -----------------------------


def test_ledgers_and_plaques_are_chosen_from_the_records(world: World, records: Any) -> None:
    draft = file_draft(
        world,
        ledger_codes=("TZ-101", "TZ-102"),
        plaque_codes=("PZ-101",),
        new_ledger_names=("  独居老人紧急联系人名册 ", "独居老人紧急联系人名册"),
    )
    assert list(draft.ledgers.order_by("code").values_list("code", flat=True)) == [
        "TZ-101",
        "TZ-102",
    ]
    assert list(draft.plaques.values_list("code", flat=True)) == ["PZ-101"]
    assert draft.new_ledger_names == ["独居老人紧急联系人名册"]
    event = AuditEvent.objects.get(action="application.create")
    assert event.changes["ledgers"] == [None, ["TZ-101", "TZ-102"]]
    assert event.changes["plaques"] == [None, ["PZ-101"]]


def test_unknown_retired_or_repeated_records_are_refused_by_field(
    world: World, records: Any
) -> None:
    clock.pin(MONDAY)
    with pytest.raises(InvalidInput) as raised:
        application_create(
            actor=world.user("department_clerk"),
            applicant=world.org("department"),
            fields=fields(
                ledger_codes=("TZ-101", "TZ-999", "TZ-103"),
                plaque_codes=("PZ-999",),
                new_ledger_names=("独居老人探访登记表",),
                new_plaque_names=("牌" * 201,),
            ),
        )
    problems = {p.field: p for p in raised.value.problems}
    assert set(problems) == {"ledgers", "plaques", "new_ledgers", "new_plaques"}
    assert "TZ-999" in problems["ledgers"].message_zh and "TZ-103" in problems["ledgers"].message_zh
    assert "TZ-101" in problems["new_ledgers"].message_zh, "points at the record to choose"
    assert not Application.objects.exists()


def test_a_revision_changes_the_records_asked_for(world: World, records: Any) -> None:
    draft = file_draft(world, ledger_codes=("TZ-101",))
    revised = application_revise(
        actor=world.user("department_clerk"),
        application=draft,
        fields=fields(ledger_codes=("TZ-102",), new_plaque_names=("老年人关爱服务站",)),
        expected_revision=draft.revision,
    )
    assert list(revised.ledgers.values_list("code", flat=True)) == ["TZ-102"]
    assert revised.new_plaque_names == ["老年人关爱服务站"]
    event = AuditEvent.objects.get(action="application.revise")
    assert event.changes["ledgers"] == [["TZ-101"], ["TZ-102"]]


def approve(world: World, application: Application) -> Application:
    review_round = consult(world, application)
    vote_all(world, application, approvals=3)
    round_close_consultation(
        actor=world.user("office_officer"), review_round=review_round, reason="各单位均已表态"
    )
    application_review(
        actor=world.user("office_officer"),
        application=application,
        action="forward",
        opinion="同意",
    )
    return decide(
        world,
        application,
        "approve",
        reason="经委员会审议同意",
        actor=world.user("committee_member"),
    )


def test_the_admitted_item_and_its_edition_carry_the_ledgers_and_plaques(
    world: World, records: Any
) -> None:
    filed = file_draft(
        world,
        ledger_codes=("TZ-102", "TZ-101"),
        plaque_codes=("PZ-101",),
        new_ledger_names=("独居老人紧急联系人名册",),
        new_plaque_names=("老年人关爱服务站",),
    )
    approved = approve(world, filed)
    item = approved.catalog_item
    assert item is not None
    new_ledger = Ledger.objects.get(name="独居老人紧急联系人名册")
    new_plaque = Plaque.objects.get(name="老年人关爱服务站")
    assert new_ledger.code == f"TZ-{item.code}-1" and new_plaque.code == f"PZ-{item.code}-1"
    assert new_ledger.department == new_plaque.department == world.org("department")
    assert sorted(item.ledgers.values_list("code", flat=True)) == sorted(
        ["TZ-101", "TZ-102", new_ledger.code]
    )
    assert list(item.plaques.values_list("code", flat=True)) == ["PZ-101", new_plaque.code]
    latest = edition_latest()
    assert latest is not None
    entry = latest.entries.get(code=item.code)
    assert entry.fields["ledgers"] == [
        ["TZ-101", "独居老人探访登记表"],
        ["TZ-102", "老年人体检通知登记"],
        [new_ledger.code, "独居老人紧急联系人名册"],
    ]
    assert entry.fields["plaques"] == [
        ["PZ-101", "社区居家养老服务站"],
        [new_plaque.code, "老年人关爱服务站"],
    ]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("ledger.create") == 4 and actions.count("plaque.create") == 2
    published = Client().get(f"{API}/catalog/items/{item.code}").json()
    assert [ledger["code"] for ledger in published["ledgers"]] == [
        "TZ-101",
        "TZ-102",
        new_ledger.code,
    ]
    assert [plaque["code"] for plaque in published["plaques"]] == ["PZ-101", new_plaque.code]


def test_a_new_name_that_entered_the_records_meanwhile_is_linked_not_repeated(
    world: World, records: Any
) -> None:
    urgent = file_draft(
        world,
        urgent=True,
        urgent_reason="寒潮",
        starts_on=dt.date(2026, 11, 26),
        new_ledger_names=("寒潮期间独居老人走访表",),
    )
    submitted = application_submit(actor=world.user("department_clerk"), application=urgent)
    meanwhile = ledger_create(
        actor=world.user("office_officer"),
        code="TZ-104",
        name="寒潮期间独居老人走访表",
        medium="paper",
        department=None,
    )
    approved = application_urgent_approve(
        actor=world.user("office_officer"), application=submitted, reason="即时审批"
    )
    assert approved.catalog_item is not None
    assert list(approved.catalog_item.ledgers.all()) == [meanwhile]
    assert Ledger.objects.filter(name="寒潮期间独居老人走访表").count() == 1


# What the voters see ------------------------------------------------------------------------------


def test_a_consulted_community_sees_the_burden_on_the_application_page(
    world: World, records: Any
) -> None:
    filed = file_draft(
        world,
        frequency="quarterly",
        estimated_hours=Decimal("18.5"),
        ledger_codes=("TZ-101",),
        plaque_codes=("PZ-101",),
        new_ledger_names=("独居老人紧急联系人名册",),
        funding_per_community=Decimal("1500"),
        funding_source="区民政局部门预算",
        support_offered="区民政局提供入户探访培训",
    )
    consult(world, filed)
    page = html(signed_in(world.user("community_secretary")).get(f"/admissions/{filed.pk}/"))
    burden = page[page.index('data-testid="burden"') :]
    assert "每季度" in burden or "Quarterly" in burden
    assert "18.5" in burden
    assert "TZ-101 独居老人探访登记表" in burden
    assert "独居老人紧急联系人名册" in burden and "新增" in burden
    assert "PZ-101 社区居家养老服务站" in burden
    assert "商邱路社区" in burden and "郑州路社区" in burden and "伊春路社区" in burden
    assert "¥1,500.00" in burden and "区民政局部门预算" in burden
    assert "区民政局提供入户探访培训" in burden
    assert 'data-testid="ballot-form"' in page, "the voter votes on the same page"


def test_an_application_typed_before_the_records_shows_its_text(world: World) -> None:
    draft = file_draft(world)
    Application.objects.filter(pk=draft.pk).update(ledgers_required="旧表一、旧表二")
    page = html(signed_in(world.user("department_clerk")).get(f"/admissions/{draft.pk}/"))
    assert "旧表一、旧表二" in page[page.index('data-testid="ledgers"') :]


def test_the_page_form_offers_the_records_and_keeps_the_choice(world: World, records: Any) -> None:
    clock.pin(MONDAY)
    clerk = signed_in(world.user("department_clerk"))
    page = html(clerk.get("/admissions/new/"))
    ledgers = re.search(r'<select name="ledgers".*?</select>', page, re.S)
    assert ledgers is not None
    assert '<optgroup label="区民政局">' in ledgers.group(0)
    assert 'value="TZ-101"' in ledgers.group(0)
    assert 'value="TZ-103"' not in ledgers.group(0), "a retired ledger is not offered"
    response = clerk.post(
        "/admissions/new/",
        {
            **application_form(new_ledgers="独居老人紧急联系人名册\n\n"),
            "ledgers": ["TZ-101", "TZ-102"],
            "plaques": ["PZ-101"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    assert sorted(application.ledgers.values_list("code", flat=True)) == ["TZ-101", "TZ-102"]
    assert application.new_ledger_names == ["独居老人紧急联系人名册"]
    edit = html(clerk.get(f"/admissions/{application.pk}/edit/"))
    assert re.search(r'value="TZ-101"[^>]*selected', edit)
    assert re.search(r'value="PZ-101"[^>]*selected', edit)
    assert "独居老人紧急联系人名册</textarea>" in edit


def test_the_api_takes_and_answers_the_records(world: World, records: Any) -> None:
    clock.pin(MONDAY)
    client = api_client(world, "department_clerk")
    listed = client.get(f"{API}/catalog/ledgers").json()
    assert [item["code"] for item in listed["items"]] == ["TZ-101", "TZ-102"]
    assert listed["items"][0] == {
        "code": "TZ-101",
        "name": "独居老人探访登记表",
        "department": "DEPT-MZ",
    }
    assert client.get(f"{API}/catalog/plaques").json()["count"] == 1
    response = post_json(
        client,
        f"{API}/applications",
        application_json(ledgers=["TZ-101"], plaques=["PZ-101"], new_plaques=["老年人关爱服务站"]),
    )
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["ledgers"] == [{"code": "TZ-101", "name": "独居老人探访登记表"}]
    assert answer["plaques"] == [{"code": "PZ-101", "name": "社区居家养老服务站"}]
    assert answer["new_plaques"] == ["老年人关爱服务站"]
    assert answer["frequency"] == "quarterly" and answer["estimated_hours"] == "16.0"
    unknown = post_json(client, f"{API}/applications", application_json(ledgers=["TZ-999"]))
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["column"] == "ledgers"


# The typed text, migrated where it names a record -----------------------------------------------


def test_the_migration_links_typed_names_and_keeps_the_text(world: World, records: Any) -> None:
    migration = importlib.import_module(
        "communitygate.admissions.migrations.0006_application_ledgers_and_plaques"
    )
    open_one = file_draft(world, item_name="征询中的申请")
    decided = file_draft(world, item_name="已决定的申请")
    Application.objects.filter(pk=open_one.pk).update(
        ledgers_required="独居老人探访登记表、TZ-102；没有这本台账"
    )
    Application.objects.filter(pk=decided.pk).update(
        status="approved", ledgers_required="独居老人探访登记表,没有这本台账"
    )
    migration.link_typed_ledgers(django_apps, None)
    open_one.refresh_from_db()
    decided.refresh_from_db()
    assert sorted(open_one.ledgers.values_list("code", flat=True)) == ["TZ-101", "TZ-102"]
    assert open_one.new_ledger_names == ["没有这本台账"]
    assert open_one.ledgers_required == "独居老人探访登记表、TZ-102；没有这本台账"
    assert list(decided.ledgers.values_list("code", flat=True)) == ["TZ-101"]
    assert decided.new_ledger_names == [], "a decided application is history"
