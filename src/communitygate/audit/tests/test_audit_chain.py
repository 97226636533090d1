"""The audit log is append-only and tamper-evident, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from communitygate.audit.models import GENESIS_HASH, AuditEvent
from communitygate.audit.recorder import record_event
from communitygate.audit.selectors import audit_chain_first_break
from communitygate.audit.triggers import drop_append_only_triggers
from communitygate.orgs.models import Organisation
from communitygate.orgs.services import organisation_create, organisation_update

pytestmark = pytest.mark.django_db


def make_org(code: str = "X1") -> Organisation:
    return organisation_create(actor=None, code=code, name="测试机构", kind="department")


def test_each_event_links_to_the_one_before() -> None:
    first = make_org("A1")
    organisation_update(actor=None, organisation=first, name="改名后")
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["organisation.create", "organisation.update"]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[1].changes == {"name": ["测试机构", "改名后"]}
    assert audit_chain_first_break() is None


def test_event_records_request_id_and_source_address(client, world) -> None:
    client.force_login(world.user("office_officer"))
    client.post(
        "/catalog/office/new/",
        {
            "code": "R-1",
            "name": "测试事项",
            "item_class": "statutory",
            "domain": "other",
            "legal_basis": "《中华人民共和国城市居民委员会组织法》第三条",
            "department_code": "DEPT-MZ",
            "frequency": "ongoing",
            "estimated_hours": "1",
        },
        HTTP_X_REQUEST_ID="req-abcdef123",
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="catalog_item.create")
    assert event.request_id == "req-abcdef123"
    assert event.source_ip == "10.1.2.3"
    assert event.actor_username == "office_officer"


def test_database_refuses_update_and_delete() -> None:
    make_org()
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x'")
    assert AuditEvent.objects.get().action == "organisation.create"


def test_audit_verify_prints_ok(capsys) -> None:
    make_org()
    call_command("audit_verify")
    assert capsys.readouterr().out.startswith("OK")


def test_audit_verify_finds_a_raw_sql_tamper_at_the_exact_event() -> None:
    for number in range(5):
        make_org(f"T{number}")
    target = AuditEvent.objects.order_by("id")[2]
    drop_append_only_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["篡改", target.pk]
        )
    broken = audit_chain_first_break()
    assert broken is not None
    assert broken.event_id == target.pk
    assert broken.position == 3
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit_verify")


def test_a_deleted_event_breaks_the_chain_at_its_successor() -> None:
    for number in range(4):
        make_org(f"D{number}")
    events = list(AuditEvent.objects.order_by("id"))
    drop_append_only_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    broken = audit_chain_first_break()
    assert broken is not None
    assert broken.event_id == events[2].pk


def test_a_rolled_back_change_leaves_no_event() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        make_org("RB")
        raise RuntimeError("abort")
    assert not AuditEvent.objects.exists()
    assert not Organisation.objects.filter(code="RB").exists()


def test_record_event_without_actor_is_a_system_event() -> None:
    organisation = make_org("S1")
    event = record_event(actor=None, action="test.system", obj=organisation)
    assert event.actor_id is None
    assert event.request_id.startswith("cli-") or event.request_id


def test_events_recorded_under_a_local_pinned_clock_still_verify() -> None:
    from zoneinfo import ZoneInfo

    from communitygate.core import clock

    clock.pin(dt.datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    make_org("TZ1")
    assert AuditEvent.objects.get().occurred_at == dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
    assert audit_chain_first_break() is None
