"""Personal data at rest: tokens that name their cipher and key, round-trip and refuse
tampering; associated data that keeps a token to its kind of value; a keyring whose old keys
stay readable; the first (v1) format still read; a blind index that matches equal values of one
kind only; a cipher class that settings can swap (for SM4); and production refusing to start
without keys of its own."""

import base64
import os
from collections.abc import Iterator
from typing import ClassVar

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from communitygate.core.crypto import (
    AesGcmCipher,
    CipherError,
    Sealed,
    blind_index,
    check_personal_data_keys,
    cipher,
    current_header,
    encrypt,
    encryption_key,
    index_key,
    is_current,
    keyring,
    require_personal_data_keys,
    reseal,
    reset_cipher_cache,
    seal,
    unseal,
)


def random_key_text() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def aes() -> AesGcmCipher:
    return AesGcmCipher(key=os.urandom(32))


@pytest.fixture(autouse=True)
def fresh_keys() -> Iterator[None]:
    reset_cipher_cache()
    yield
    reset_cipher_cache()


class ReversingCipher:
    """A stand-in for an SM4 cipher: proves the class named in settings is the one used."""

    name: ClassVar[str] = "rev"

    def __init__(self, key: bytes) -> None:
        self.key = key

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        return associated_data + b"|" + plaintext[::-1]

    def decrypt(self, sealed: bytes, associated_data: bytes) -> bytes:
        given, _, body = sealed.partition(b"|")
        if given != associated_data:
            raise CipherError("other associated data")
        return body[::-1]


def legacy_token(key: bytes, plaintext: str) -> str:
    """A token of the first format: "v1:" + base64url(nonce + ct), no associated data."""
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return "v1:" + base64.urlsafe_b64encode(sealed).decode()


# -- the cipher ---------------------------------------------------------------------------------


def test_the_cipher_round_trips_bytes_with_associated_data(aes: AesGcmCipher) -> None:
    for plaintext in ["37020319900101123X", "13912345678", "青岛市市北区登州路 1 号", ""]:
        data = plaintext.encode()
        assert aes.decrypt(aes.encrypt(data, b"phone"), b"phone") == data


def test_the_cipher_refuses_other_associated_data(aes: AesGcmCipher) -> None:
    with pytest.raises(CipherError):
        aes.decrypt(aes.encrypt(b"13912345678", b"phone"), b"id_number")


def test_a_tampered_token_is_refused() -> None:
    token = encrypt("phone", "13912345678")
    header, body = token[: len(current_header())], token[len(current_header()) :]
    sealed = bytearray(base64.urlsafe_b64decode(body))
    for position in (0, 12, len(sealed) - 1):  # nonce, ciphertext, tag
        tampered = sealed.copy()
        tampered[position] ^= 0x01
        with pytest.raises(CipherError):
            unseal("phone", header + base64.urlsafe_b64encode(bytes(tampered)).decode())


def test_the_cipher_needs_a_32_byte_key() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        AesGcmCipher(key=os.urandom(16))


# -- tokens ---------------------------------------------------------------------------------------


def test_a_value_round_trips_for_its_kind() -> None:
    for kind, plaintext in [
        ("id_number", "37020319900101123X"),
        ("phone", "13912345678"),
        ("address", "青岛市市北区登州路 1 号"),
        ("phone", ""),
    ]:
        assert unseal(kind, encrypt(kind, plaintext)) == plaintext


def test_tokens_name_the_version_cipher_and_key() -> None:
    token = encrypt("id_number", "37020319900101123X")
    assert token.startswith("v2:aesgcm:k1:")
    assert token.isascii()
    assert "37020319900101123X" not in token
    assert is_current(token)


def test_the_same_value_encrypts_to_different_tokens() -> None:
    assert encrypt("phone", "13912345678") != encrypt("phone", "13912345678")


def test_a_token_moved_to_a_column_of_another_kind_does_not_decrypt() -> None:
    token = encrypt("phone", "13912345678")
    for other_kind in ("id_number", "address", "resident_import_file"):
        with pytest.raises(CipherError, match="this kind of value"):
            unseal(other_kind, token)


def test_a_token_whose_header_is_rewritten_does_not_decrypt() -> None:
    """The header is associated data too: renaming the key id of a token breaks it."""
    key_text = random_key_text()  # one key under two ids: only the header differs
    with override_settings(PI_ENCRYPTION_KEY=key_text, PI_OLD_KEYS=f"k0:{key_text}"):
        token = encrypt("phone", "13912345678")
        assert unseal("phone", token) == "13912345678"
        relabelled = token.replace("v2:aesgcm:k1:", "v2:aesgcm:k0:")
        with pytest.raises(CipherError):
            unseal("phone", relabelled)


@pytest.mark.parametrize(
    "token",
    ["", "13912345678", "v2:AAAA", "v3:aesgcm:k1:AAAA", "v2:aesgcm:k1:!!!!", "v2:aesgcm:k1:AAAA"],
)
def test_text_that_is_no_token_is_refused(token: str) -> None:
    with pytest.raises(CipherError):
        unseal("phone", token)


def test_a_token_of_an_unknown_key_or_cipher_is_refused_by_name() -> None:
    body = encrypt("phone", "13912345678").removeprefix("v2:aesgcm:k1:")
    with pytest.raises(CipherError, match="key 'k9'"):
        unseal("phone", "v2:aesgcm:k9:" + body)
    with pytest.raises(CipherError, match="unknown cipher 'sm9'"):
        unseal("phone", "v2:sm9:k1:" + body)


def test_seal_encrypts_indexes_and_keeps_the_mask() -> None:
    sealed = seal("phone", "13912345678", "139****5678")
    assert isinstance(sealed, Sealed)
    assert "13912345678" not in sealed.ciphertext
    assert sealed.digest == blind_index("phone", "13912345678")
    assert sealed.masked == "139****5678"
    assert unseal("phone", sealed.ciphertext) == "13912345678"


# -- the keyring ----------------------------------------------------------------------------------


def test_the_configured_cipher_is_built_once() -> None:
    assert cipher() is cipher()
    assert isinstance(cipher(), AesGcmCipher)


def test_a_cipher_named_in_settings_replaces_aes_and_aes_stays_readable() -> None:
    earlier = encrypt("phone", "13912345678")
    swapped = {**settings.COMMUNITYGATE, "PI_CIPHER": f"{__name__}.ReversingCipher"}
    with override_settings(COMMUNITYGATE=swapped):
        assert isinstance(cipher(), ReversingCipher)
        assert cipher().key == encryption_key()  # type: ignore[attr-defined]
        token = seal("phone", "13912345678", "139****5678").ciphertext
        assert token.startswith("v2:rev:k1:")
        assert unseal("phone", token) == "13912345678"
        assert unseal("phone", earlier) == "13912345678"  # picked by its prefix
        assert not is_current(earlier)
    assert isinstance(cipher(), AesGcmCipher)


def test_a_cipher_without_a_name_is_refused() -> None:
    swapped = {**settings.COMMUNITYGATE, "PI_CIPHER": "communitygate.core.crypto.Keyring"}
    with override_settings(COMMUNITYGATE=swapped), pytest.raises(ImproperlyConfigured):
        cipher()


def test_configured_keys_are_used() -> None:
    key_text = random_key_text()
    with override_settings(PI_ENCRYPTION_KEY=key_text, PI_INDEX_KEY=random_key_text()):
        assert encryption_key() == base64.b64decode(key_text)
        token = encrypt("phone", "13912345678")
    with pytest.raises(CipherError):
        unseal("phone", token)  # the derived development key cannot read it (same id k1)


def test_values_sealed_under_an_old_key_stay_readable_after_the_key_changes() -> None:
    first, second = random_key_text(), random_key_text()
    with override_settings(PI_ENCRYPTION_KEY=first, PI_KEY_ID="k1"):
        under_first = encrypt("id_number", "37020319900101123X")
    with override_settings(PI_ENCRYPTION_KEY=second, PI_KEY_ID="k2", PI_OLD_KEYS=f"k1:{first}"):
        assert keyring().current_id == "k2"
        assert set(keyring().keys) == {"k1", "k2"}
        under_second = encrypt("id_number", "37020319900101123X")
        assert under_second.startswith("v2:aesgcm:k2:")
        assert unseal("id_number", under_first) == "37020319900101123X"
        assert not is_current(under_first)
        assert is_current(under_second)
        resealed = reseal("id_number", under_first)
        assert resealed.startswith("v2:aesgcm:k2:")
        assert unseal("id_number", resealed) == "37020319900101123X"
    with (
        override_settings(PI_ENCRYPTION_KEY=second, PI_KEY_ID="k2"),
        pytest.raises(CipherError, match="key 'k1'"),
    ):
        unseal("id_number", under_first)  # dropped from the old keys: unreadable


@pytest.mark.parametrize(
    "setting",
    [
        {"PI_ENCRYPTION_KEY": base64.b64encode(b"too short").decode()},
        {"PI_KEY_ID": "K:1"},
        {"PI_OLD_KEYS": "k0"},
        {"PI_OLD_KEYS": "k0:not base64!"},
        {"PI_OLD_KEYS": "K 0:" + base64.b64encode(os.urandom(32)).decode()},
    ],
)
def test_a_malformed_key_or_key_id_is_refused_loudly(setting: dict[str, str]) -> None:
    with override_settings(**setting), pytest.raises(ImproperlyConfigured):
        cipher()


def test_derived_keys_differ_for_encryption_and_index() -> None:
    with override_settings(PI_ENCRYPTION_KEY="", PI_INDEX_KEY=""):
        assert encryption_key() != index_key()
        assert len(encryption_key()) == len(index_key()) == 32


# -- the first format (v1) -------------------------------------------------------------------------


def test_a_v1_token_still_decrypts_until_it_is_resealed() -> None:
    token = legacy_token(encryption_key(), "13912345678")
    assert unseal("phone", token) == "13912345678"
    assert not is_current(token)
    resealed = reseal("phone", token)
    assert resealed.startswith("v2:aesgcm:k1:")
    assert unseal("phone", resealed) == "13912345678"


def test_a_v1_token_under_an_old_key_decrypts_too() -> None:
    old = random_key_text()
    token = legacy_token(base64.b64decode(old), "37020319900101123X")
    with override_settings(PI_OLD_KEYS=f"k0:{old}"):
        assert unseal("id_number", token) == "37020319900101123X"
    with pytest.raises(CipherError, match="v1"):
        unseal("id_number", token)


# -- the blind index ---------------------------------------------------------------------------


def test_the_blind_index_is_deterministic_hex() -> None:
    digest = blind_index("id_number", "37020319900101123X")
    assert digest == blind_index("id_number", "37020319900101123X")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != blind_index("id_number", "37020319900101124X")


def test_equal_values_of_different_kinds_do_not_collide() -> None:
    assert blind_index("phone", "13912345678") != blind_index("id_number", "13912345678")


def test_the_blind_index_depends_on_the_index_key_not_the_encryption_key() -> None:
    default = blind_index("phone", "13912345678")
    with override_settings(PI_INDEX_KEY=random_key_text()):
        assert blind_index("phone", "13912345678") != default
    with override_settings(PI_ENCRYPTION_KEY=random_key_text(), PI_KEY_ID="k2"):
        assert blind_index("phone", "13912345678") == default
    assert blind_index("phone", "13912345678") == default


# -- production keys: the deploy check and the start -------------------------------------------


def test_the_deploy_check_reports_errors_when_keys_are_derived() -> None:
    with override_settings(PI_ENCRYPTION_KEY="", PI_INDEX_KEY="", AUDIT_CHAIN_KEY=""):
        messages = check_personal_data_keys()
    assert [message.id for message in messages] == [
        "communitygate.E002",
        "communitygate.E003",
        "communitygate.E005",
    ]
    assert all(message.is_serious() for message in messages)


def test_the_deploy_check_is_silent_with_every_key_set() -> None:
    with override_settings(**every_key()):
        assert check_personal_data_keys() == []


def every_key() -> dict[str, str]:
    return {
        "PI_ENCRYPTION_KEY": random_key_text(),
        "PI_INDEX_KEY": random_key_text(),
        "AUDIT_CHAIN_KEY": random_key_text(),
    }


def test_the_deploy_check_reports_a_malformed_key() -> None:
    with override_settings(**{**every_key(), "PI_ENCRYPTION_KEY": "not base64!"}):
        ids = [message.id for message in check_personal_data_keys()]
    assert ids == ["communitygate.E001"]


@pytest.mark.parametrize(
    "setting",
    [
        {"PI_OLD_KEYS": "k0:x"},
        {"PI_KEY_ID": "Key 2"},
        {"AUDIT_CHAIN_OLD_KEYS": "a0:x"},
        {"AUDIT_CHAIN_KEY_ID": "A 2"},
    ],
)
def test_the_deploy_check_reports_malformed_old_keys_or_key_id(setting: dict[str, str]) -> None:
    with override_settings(**every_key(), **setting):
        ids = [message.id for message in check_personal_data_keys()]
    assert ids == ["communitygate.E004"]


def production(**overrides: object) -> override_settings:
    demo_off = {**settings.COMMUNITYGATE, "DEMO": False}
    return override_settings(**{"DEBUG": False, "COMMUNITYGATE": demo_off, **overrides})


def test_production_without_keys_does_not_start_and_says_what_to_set() -> None:
    with (
        production(**{**every_key(), "PI_ENCRYPTION_KEY": ""}),
        pytest.raises(ImproperlyConfigured) as refused,
    ):
        require_personal_data_keys()
    message = str(refused.value)
    assert "COMMUNITYGATE_PI_KEY" in message
    assert "COMMUNITYGATE_PI_INDEX_KEY" not in message
    assert "COMMUNITYGATE_AUDIT_KEY" not in message
    assert "未设置密钥" in message and "is not set" in message  # Chinese and English


def test_production_without_the_audit_key_does_not_start() -> None:
    with (
        production(**{**every_key(), "AUDIT_CHAIN_KEY": ""}),
        pytest.raises(ImproperlyConfigured, match="COMMUNITYGATE_AUDIT_KEY"),
    ):
        require_personal_data_keys()


def test_production_with_every_key_starts() -> None:
    with production(**every_key()):
        require_personal_data_keys()


def test_debug_or_the_demo_start_with_derived_keys() -> None:
    with production(PI_ENCRYPTION_KEY="", PI_INDEX_KEY="", DEBUG=True):
        require_personal_data_keys()
    demo_on = {**settings.COMMUNITYGATE, "DEMO": True}
    with production(PI_ENCRYPTION_KEY="", PI_INDEX_KEY="", COMMUNITYGATE=demo_on):
        require_personal_data_keys()
