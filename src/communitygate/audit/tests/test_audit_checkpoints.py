"""The audit chain cannot be cut or rewritten silently: its hashes are keyed (an HMAC under a key
outside the database) and its head is anchored by signed checkpoints outside the database."""

import base64
import hashlib
import hmac
import io
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from communitygate.audit.checkpoints import (
    HEAD_MISSING,
    HEAD_REWRITTEN,
    NOT_SIGNED,
    checkpoint_latest,
    checkpoint_path,
    checkpoint_write,
)
from communitygate.audit.models import GENESIS_HASH, AuditEvent
from communitygate.audit.recorder import _canonical, event_content, event_digest
from communitygate.audit.selectors import (
    UNKEYED_AFTER_KEYED,
    UNKNOWN_KEY,
    audit_chain_check,
    audit_chain_first_break,
)
from communitygate.audit.services import audit_chain_verify
from communitygate.audit.triggers import drop_append_only_triggers
from communitygate.core.crypto import audit_chain_keyring
from communitygate.orgs.services import organisation_create

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def make_events(count: int) -> list[AuditEvent]:
    for number in range(count):
        organisation_create(actor=None, code=f"K{number}", name="测试机构", kind="department")
    return list(AuditEvent.objects.order_by("id"))


def rewrite_from(target: AuditEvent, new_repr: str, digest: object) -> None:
    """What an attacker with database access does: change one event, then recompute the hash
    of it and of every later event with `digest(event)` so that every link matches again."""
    drop_append_only_triggers(connection)
    prev_hash = target.prev_hash
    for event in AuditEvent.objects.filter(pk__gte=target.pk).order_by("id"):
        if event.pk == target.pk:
            event.object_repr = new_repr
        event.prev_hash = prev_hash
        new_hash = digest(event)  # type: ignore[operator]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET object_repr = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [event.object_repr, prev_hash, f"tmp-{event.pk}", event.pk],
            )
            cursor.execute(
                "UPDATE audit_auditevent SET hash = %s WHERE id = %s", [new_hash, event.pk]
            )
        prev_hash = new_hash


def delete_newest(count: int) -> None:
    drop_append_only_triggers(connection)
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:count])
    with connection.cursor() as cursor:
        for event_id in newest:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def test_every_new_event_is_hashed_under_the_audit_key() -> None:
    event = make_events(1)[0]
    keyring = audit_chain_keyring()
    assert event.hash_key_id == keyring.current_id == "a1"
    keyed = {**event_content(event), "hash_key_id": "a1"}
    expected = hmac.new(keyring.keys["a1"], _canonical(keyed), hashlib.sha256).hexdigest()
    assert event.hash == expected
    assert event.hash != hashlib.sha256(_canonical(event_content(event))).hexdigest()


def test_a_rewrite_recomputed_with_plain_sha256_is_found_at_the_rewritten_event() -> None:
    events = make_events(5)
    rewrite_from(
        events[2],
        "篡改",
        lambda event: hashlib.sha256(_canonical(event_content(event))).hexdigest(),
    )
    broken = audit_chain_first_break()
    assert broken is not None
    assert (broken.event_id, broken.position) == (events[2].pk, 3)


def test_a_rewrite_recomputed_under_another_key_is_found() -> None:
    events = make_events(4)
    stolen_guess = base64.b64decode(new_key())

    def digest(event: AuditEvent) -> str:
        keyed = {**event_content(event), "hash_key_id": "a1"}
        return hmac.new(stolen_guess, _canonical(keyed), hashlib.sha256).hexdigest()

    rewrite_from(events[1], "篡改", digest)
    broken = audit_chain_check()
    assert broken is not None
    assert broken.event_id == events[1].pk


def test_deleting_the_newest_events_is_found_by_the_checkpoint() -> None:
    make_events(5)
    checkpoint = checkpoint_write()
    delete_newest(2)
    assert audit_chain_first_break() is None  # the shorter chain links up: the walk alone passes
    broken = audit_chain_check()
    assert broken is not None
    assert (broken.event_id, broken.reason) == (checkpoint.head_id, HEAD_MISSING)
    with pytest.raises(CommandError, match=f"#{checkpoint.head_id}"):
        call_command("audit_verify")


def test_a_rewrite_with_the_key_itself_is_found_by_the_checkpoint() -> None:
    """Even someone holding the key cannot rewrite what a checkpoint has anchored."""
    events = make_events(4)
    checkpoint_write()
    rewrite_from(events[1], "篡改", event_digest)
    assert audit_chain_first_break() is None
    broken = audit_chain_check()
    assert broken is not None
    assert broken.reason == HEAD_REWRITTEN


def test_a_checkpoint_edited_by_hand_is_refused() -> None:
    make_events(3)
    checkpoint_write()
    record = json.loads(checkpoint_path().read_text())
    record["events"] = 2
    checkpoint_path().write_text(json.dumps(record))
    broken = audit_chain_check()
    assert broken is not None
    assert broken.reason == NOT_SIGNED


def test_the_command_and_the_bureaus_verification_write_a_checkpoint(
    world, django_capture_on_commit_callbacks
) -> None:
    make_events(2)
    assert checkpoint_latest() is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")
    first = checkpoint_latest()
    assert first is not None
    assert first.events == AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = audit_chain_verify(actor=world.user("auditor"))
    assert result.intact
    second = checkpoint_latest()
    assert second is not None
    head = AuditEvent.objects.order_by("-id").first()
    assert head is not None and head.action == "audit.verify"
    assert (second.head_id, second.head_hash, second.events) == (
        head.pk,
        head.hash,
        AuditEvent.objects.count(),
    )
    history = (checkpoint_path().parent / f"{checkpoint_path().stem}.history.jsonl").read_text()
    assert len(history.splitlines()) == 2


def test_events_from_before_the_keys_still_verify_but_none_may_follow_a_keyed_one() -> None:
    events = make_events(3)
    drop_append_only_triggers(connection)
    prev_hash = GENESIS_HASH
    for event in events[:2]:  # the two oldest as an unkeyed installation wrote them
        event.prev_hash = prev_hash
        event.hash_key_id = None
        new_hash = hashlib.sha256(_canonical(event_content(event))).hexdigest()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET hash_key_id = NULL, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [prev_hash, new_hash, event.pk],
            )
        prev_hash = new_hash
    last = AuditEvent.objects.get(pk=events[2].pk)
    last.prev_hash = prev_hash
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev_hash, event_digest(last), last.pk],
        )
    assert audit_chain_first_break() is None

    organisation_create(actor=None, code="K9", name="测试机构", kind="department")
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    newest.hash_key_id = None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET hash_key_id = NULL, hash = %s WHERE id = %s",
            [hashlib.sha256(_canonical(event_content(newest))).hexdigest(), newest.pk],
        )
    broken = audit_chain_first_break()
    assert broken is not None
    assert (broken.event_id, broken.reason) == (newest.pk, UNKEYED_AFTER_KEYED)


def test_a_rotated_key_still_verifies_the_events_it_hashed() -> None:
    old_key = new_key()
    with override_settings(AUDIT_CHAIN_KEY=old_key, AUDIT_CHAIN_KEY_ID="a1"):
        make_events(2)
        checkpoint_write()
    with override_settings(AUDIT_CHAIN_KEY=new_key(), AUDIT_CHAIN_KEY_ID="a2"):
        broken = audit_chain_check()
        assert broken is not None and broken.reason == UNKNOWN_KEY  # the old key is gone
    with override_settings(
        AUDIT_CHAIN_KEY=new_key(), AUDIT_CHAIN_KEY_ID="a2", AUDIT_CHAIN_OLD_KEYS=f"a1:{old_key}"
    ):
        organisation_create(actor=None, code="K8", name="测试机构", kind="department")
        assert AuditEvent.objects.order_by("-id").first().hash_key_id == "a2"  # type: ignore[union-attr]
        assert audit_chain_check() is None


class Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def second_system() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    yield f"http://127.0.0.1:{server.server_port}/checkpoints"
    server.shutdown()


def test_each_checkpoint_is_also_sent_to_a_second_system(second_system: str) -> None:
    make_events(2)
    with override_settings(AUDIT_CHECKPOINT_URL=second_system):
        checkpoint = checkpoint_write()
    assert len(Receiver.received) == 1
    sent = Receiver.received[0]
    assert (sent["events"], sent["head_id"], sent["head_hash"]) == (
        checkpoint.events,
        checkpoint.head_id,
        checkpoint.head_hash,
    )
    assert sent == json.loads(checkpoint_path().read_text())  # signature included


def test_a_second_system_that_is_down_does_not_stop_the_checkpoint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_events(1)
    with override_settings(AUDIT_CHECKPOINT_URL="http://127.0.0.1:9/"):
        checkpoint_write()
    assert checkpoint_latest() is not None
    assert "not sent" in caplog.text
