"""The residents' sealed columns: each names its kind, a token moved into a column of another
kind does not decrypt, and `rotate_pi_keys` re-seals every value under the current key in
batches — values sealed meanwhile untouched, an edit made meanwhile kept, the first (v1)
format migrated, a second run changing nothing — with one audit event that holds no value."""

import base64
import json
import os
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from communitygate.audit.models import AuditEvent
from communitygate.core import crypto
from communitygate.core.crypto import (
    CipherError,
    SealedTextField,
    count_not_current,
    encrypt,
    encryption_key,
    reset_cipher_cache,
    rotate_sealed_values,
    sealed_columns,
    unseal,
)
from communitygate.core.idnumbers import ID_NUMBER_KIND
from communitygate.core.phones import PHONE_KIND
from communitygate.demo.management.commands import seed_demo as seed_demo_command
from communitygate.registry.models import ADDRESS_KIND, Resident
from communitygate.registry.services.registry import personal_information_reveal
from communitygate.registry.tests.grid_registry import id_number
from communitygate.registry.tests.test_registry_services import ADDRESS, PHONE, add
from communitygate.testing import World

pytestmark = pytest.mark.django_db

K1 = base64.b64encode(os.urandom(32)).decode()
K2 = base64.b64encode(os.urandom(32)).decode()
COLUMNS = ("id_number_ciphertext", "phone_ciphertext", "registered_address_ciphertext")


@pytest.fixture(autouse=True)
def fresh_keys() -> Iterator[None]:
    reset_cipher_cache()
    yield
    reset_cipher_cache()


def under_k1() -> override_settings:
    return override_settings(PI_ENCRYPTION_KEY=K1, PI_KEY_ID="k1", PI_OLD_KEYS="")


def under_k2() -> override_settings:
    return override_settings(PI_ENCRYPTION_KEY=K2, PI_KEY_ID="k2", PI_OLD_KEYS=f"k1:{K1}")


def tokens(resident: Resident) -> dict[str, str]:
    resident.refresh_from_db()
    return {column: getattr(resident, column) for column in COLUMNS}


def first_format_token(plaintext: str) -> str:
    """A token as sealed before key ids: "v1:" + base64url(nonce + ct), no associated data."""
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(encryption_key()).encrypt(nonce, plaintext.encode(), None)
    return "v1:" + base64.urlsafe_b64encode(sealed).decode()


def rotate(**options: Any) -> str:
    out = StringIO()
    call_command("rotate_pi_keys", stdout=out, **options)
    return out.getvalue()


# The columns ------------------------------------------------------------------------------------


def test_every_ciphertext_column_is_sealed_with_its_kind() -> None:
    kinds = {
        f"{model._meta.label_lower}.{column.name}": column.kind
        for model, column in sealed_columns()
    }
    assert kinds == {
        "registry.resident.id_number_ciphertext": ID_NUMBER_KIND,
        "registry.resident.phone_ciphertext": PHONE_KIND,
        "registry.resident.registered_address_ciphertext": ADDRESS_KIND,
        "matters.matter.phone_ciphertext": PHONE_KIND,
        "matters.reception.phone_ciphertext": PHONE_KIND,
        "disputes.disputeparty.phone_ciphertext": PHONE_KIND,
        "programmes.enrolment.guardian_phone_ciphertext": PHONE_KIND,
    }
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith("_ciphertext"):
                assert isinstance(field, SealedTextField), field


def test_a_phone_moved_into_the_id_number_column_does_not_reveal(world: World) -> None:
    resident = add(world, id_number(21))
    Resident.objects.filter(pk=resident.pk).update(id_number_ciphertext=resident.phone_ciphertext)
    resident.refresh_from_db()
    with pytest.raises(CipherError, match="kind"):
        personal_information_reveal(
            actor=world.user("community_secretary"), resident=resident, field="id_number"
        )
    assert (
        personal_information_reveal(
            actor=world.user("community_secretary"), resident=resident, field="phone"
        )
        == PHONE
    )


# Rotation ---------------------------------------------------------------------------------------


def test_the_rotation_reseals_every_value_under_the_new_key(world: World) -> None:
    with under_k1():
        first = add(world, id_number(22))
        second = add(world, id_number(23), phone="13800000001")
    before = tokens(first)
    assert all(token.startswith("v2:aesgcm:k1:") for token in before.values())
    with under_k2():
        meanwhile = add(world, id_number(24), phone="13800000002")  # sealed under k2 already
        meanwhile_tokens = tokens(meanwhile)
        # Readers keep working before the rotation: k1 is still readable.
        assert unseal(PHONE_KIND, before["phone_ciphertext"]) == PHONE
        assert count_not_current() == 6
        output = rotate(batch_size=2)
        assert count_not_current() == 0
        for resident in (first, second, meanwhile):
            assert all(token.startswith("v2:aesgcm:k2:") for token in tokens(resident).values())
        assert unseal(ID_NUMBER_KIND, tokens(first)["id_number_ciphertext"]) == id_number(22)
        assert unseal(PHONE_KIND, tokens(second)["phone_ciphertext"]) == "13800000001"
        assert unseal(ADDRESS_KIND, tokens(first)["registered_address_ciphertext"]) == ADDRESS
        assert tokens(meanwhile) == meanwhile_tokens  # untouched
        assert "registry.resident.phone_ciphertext: 2 re-sealed" in output
        assert "re-sealed 6 value(s) under key k2" in output
        assert "remaining 0" in output

        again = rotate()
        assert "re-sealed 0 value(s)" in again
    # The old key may go now: k2 alone reads everything.
    with override_settings(PI_ENCRYPTION_KEY=K2, PI_KEY_ID="k2", PI_OLD_KEYS=""):
        assert unseal(PHONE_KIND, tokens(first)["phone_ciphertext"]) == PHONE


def test_the_rotation_records_counts_never_values(world: World) -> None:
    with under_k1():
        add(world, id_number(25))
    with under_k2():
        rotate()
        rotate()
    events = list(AuditEvent.objects.filter(action="personal_data.keys_rotated").order_by("id"))
    assert [event.object_id for event in events] == ["k2", "k2"]
    assert events[0].object_type == "core.personal_data_keys"
    assert events[0].actor_id is None
    assert events[0].changes["resealed"] == [None, 3]
    assert events[0].changes["remaining"] == [None, 0]
    assert events[1].changes["resealed"] == [None, 0]
    text = json.dumps([event.changes for event in events], ensure_ascii=False)
    assert id_number(25) not in text and PHONE not in text and ADDRESS not in text


def test_an_edit_made_while_a_value_is_resealed_is_kept(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with under_k1():
        resident = add(world, id_number(26))
    original_reseal = crypto.reseal
    edited: list[str] = []

    def reseal_while_someone_edits(kind: str, token: str) -> str:
        if kind == PHONE_KIND and not edited:
            edited.append(encrypt(PHONE_KIND, "13700000009"))
            Resident.objects.filter(pk=resident.pk).update(phone_ciphertext=edited[0])
        return original_reseal(kind, token)

    monkeypatch.setattr(crypto, "reseal", reseal_while_someone_edits)
    with under_k2():
        report = rotate_sealed_values()
        assert report.changed_meanwhile == 1
        assert report.total_resealed == 2
        assert tokens(resident)["phone_ciphertext"] == edited[0]
        assert unseal(PHONE_KIND, edited[0]) == "13700000009"
        assert report.remaining == 0


def test_a_value_in_the_first_format_reads_until_the_rotation_migrates_it(world: World) -> None:
    resident = add(world, id_number(27))
    legacy = first_format_token(PHONE)
    Resident.objects.filter(pk=resident.pk).update(phone_ciphertext=legacy)
    resident.refresh_from_db()
    secretary = world.user("community_secretary")
    assert personal_information_reveal(actor=secretary, resident=resident, field="phone") == PHONE
    assert count_not_current() == 1
    assert "re-sealed 1 value(s) under key k1" in rotate()
    migrated = tokens(resident)["phone_ciphertext"]
    assert migrated.startswith("v2:aesgcm:k1:")
    assert unseal(PHONE_KIND, migrated) == PHONE


def test_a_value_under_an_unknown_key_is_named_and_left_alone(world: World) -> None:
    with override_settings(PI_ENCRYPTION_KEY=K1, PI_KEY_ID="k9"):
        resident = add(world, id_number(28))
    stranded = tokens(resident)
    with under_k2(), pytest.raises(CommandError) as refused:
        rotate()
    message = str(refused.value)
    assert f"registry.resident.phone_ciphertext#{resident.pk}" in message
    assert PHONE not in message
    assert tokens(resident) == stranded
    event = AuditEvent.objects.get(action="personal_data.keys_rotated")
    assert event.changes["unreadable"] == [None, 3]
    assert event.changes["remaining"] == [None, 3]


def test_the_batch_size_must_be_positive() -> None:
    with pytest.raises(CommandError, match="batch-size"):
        rotate(batch_size=0)


def test_seed_demo_migrates_a_demo_loaded_in_the_first_format(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = add(world, id_number(29))
    legacy = first_format_token(PHONE)
    Resident.objects.filter(pk=resident.pk).update(phone_ciphertext=legacy)
    # The demo itself is already loaded: only the migration is under test here.
    monkeypatch.setattr(seed_demo_command, "seed_demo", lambda password: ("pw", [], False))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "re-sealed 1 value(s) under key k1" in out.getvalue()
    assert tokens(resident)["phone_ciphertext"].startswith("v2:aesgcm:k1:")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "re-sealed" not in out.getvalue()  # nothing to migrate: no rotation, no event
    assert AuditEvent.objects.filter(action="personal_data.keys_rotated").count() == 1
