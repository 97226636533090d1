"""Personal data at rest: AES-256-GCM tokens that round-trip and refuse tampering, a blind
index that matches equal values of one kind only, keys from settings, and a cipher class that
settings can swap (for SM4)."""

import base64
import os

import pytest
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
    encryption_key,
    index_key,
    reset_cipher_cache,
    seal,
    unseal,
)


def random_key_text() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def aes() -> AesGcmCipher:
    return AesGcmCipher(key=os.urandom(32))


class ReversingCipher:
    """A stand-in for an SM4 cipher: proves the class named in settings is the one used."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def encrypt(self, plaintext: str) -> str:
        return "rev:" + plaintext[::-1]

    def decrypt(self, token: str) -> str:
        return token.removeprefix("rev:")[::-1]


# -- the cipher ---------------------------------------------------------------------------------


def test_a_value_round_trips(aes: AesGcmCipher) -> None:
    for plaintext in ["37020319900101123X", "13912345678", "青岛市市北区登州路 1 号", ""]:
        assert aes.decrypt(aes.encrypt(plaintext)) == plaintext


def test_tokens_are_ascii_text_with_a_version(aes: AesGcmCipher) -> None:
    token = aes.encrypt("37020319900101123X")
    assert token.startswith("v1:")
    assert token.isascii()
    assert "37020319900101123X" not in token


def test_the_same_value_encrypts_to_different_tokens(aes: AesGcmCipher) -> None:
    assert aes.encrypt("13912345678") != aes.encrypt("13912345678")


def test_a_tampered_token_is_refused(aes: AesGcmCipher) -> None:
    token = aes.encrypt("13912345678")
    sealed = bytearray(base64.urlsafe_b64decode(token.removeprefix("v1:")))
    for position in (0, 12, len(sealed) - 1):  # nonce, ciphertext, tag
        tampered = sealed.copy()
        tampered[position] ^= 0x01
        with pytest.raises(CipherError):
            aes.decrypt("v1:" + base64.urlsafe_b64encode(bytes(tampered)).decode())


def test_a_token_sealed_under_another_key_is_refused(aes: AesGcmCipher) -> None:
    token = AesGcmCipher(key=os.urandom(32)).encrypt("13912345678")
    with pytest.raises(CipherError):
        aes.decrypt(token)


@pytest.mark.parametrize("token", ["", "13912345678", "v2:AAAA", "v1:!!!!", "v1:AAAA"])
def test_text_that_is_no_token_is_refused(aes: AesGcmCipher, token: str) -> None:
    with pytest.raises(CipherError):
        aes.decrypt(token)


def test_the_cipher_needs_a_32_byte_key() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        AesGcmCipher(key=os.urandom(16))


# -- the configured cipher and keys --------------------------------------------------------------


def test_the_configured_cipher_is_built_once() -> None:
    reset_cipher_cache()
    assert cipher() is cipher()
    assert isinstance(cipher(), AesGcmCipher)


def test_seal_encrypts_indexes_and_keeps_the_mask() -> None:
    sealed = seal("phone", "13912345678", "139****5678")
    assert isinstance(sealed, Sealed)
    assert "13912345678" not in sealed.ciphertext
    assert sealed.digest == blind_index("phone", "13912345678")
    assert sealed.masked == "139****5678"
    assert unseal(sealed.ciphertext) == "13912345678"


def test_a_cipher_named_in_settings_replaces_aes() -> None:
    swapped = {**settings.COMMUNITYGATE, "PI_CIPHER": f"{__name__}.ReversingCipher"}
    with override_settings(COMMUNITYGATE=swapped):
        reset_cipher_cache()
        assert isinstance(cipher(), ReversingCipher)
        assert cipher().key == encryption_key()  # type: ignore[attr-defined]
        assert seal("phone", "13912345678", "139****5678").ciphertext == "rev:87654321931"
    reset_cipher_cache()
    assert isinstance(cipher(), AesGcmCipher)


def test_configured_keys_are_used() -> None:
    key_text = random_key_text()
    with override_settings(PI_ENCRYPTION_KEY=key_text, PI_INDEX_KEY=random_key_text()):
        reset_cipher_cache()
        assert encryption_key() == base64.b64decode(key_text)
        token = cipher().encrypt("13912345678")
    reset_cipher_cache()
    assert AesGcmCipher(key=base64.b64decode(key_text)).decrypt(token) == "13912345678"
    with pytest.raises(CipherError):
        cipher().decrypt(token)  # the derived development key cannot read it


def test_a_malformed_key_is_refused_loudly() -> None:
    with override_settings(PI_ENCRYPTION_KEY=base64.b64encode(b"too short").decode()):
        reset_cipher_cache()
        with pytest.raises(ImproperlyConfigured):
            cipher()
    reset_cipher_cache()


def test_derived_keys_differ_for_encryption_and_index() -> None:
    with override_settings(PI_ENCRYPTION_KEY="", PI_INDEX_KEY=""):
        reset_cipher_cache()
        assert encryption_key() != index_key()
        assert len(encryption_key()) == len(index_key()) == 32
    reset_cipher_cache()


# -- the blind index ---------------------------------------------------------------------------


def test_the_blind_index_is_deterministic_hex() -> None:
    digest = blind_index("id_number", "37020319900101123X")
    assert digest == blind_index("id_number", "37020319900101123X")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != blind_index("id_number", "37020319900101124X")


def test_equal_values_of_different_kinds_do_not_collide() -> None:
    assert blind_index("phone", "13912345678") != blind_index("id_number", "13912345678")


def test_the_blind_index_depends_on_the_index_key() -> None:
    default = blind_index("phone", "13912345678")
    with override_settings(PI_INDEX_KEY=random_key_text()):
        reset_cipher_cache()
        assert blind_index("phone", "13912345678") != default
    reset_cipher_cache()
    assert blind_index("phone", "13912345678") == default


# -- the deploy check ------------------------------------------------------------------------------


def test_the_deploy_check_warns_when_keys_are_derived() -> None:
    with override_settings(PI_ENCRYPTION_KEY="", PI_INDEX_KEY=""):
        ids = [message.id for message in check_personal_data_keys()]
    assert ids == ["communitygate.W001", "communitygate.W002"]


def test_the_deploy_check_is_silent_with_both_keys_set() -> None:
    with override_settings(PI_ENCRYPTION_KEY=random_key_text(), PI_INDEX_KEY=random_key_text()):
        assert check_personal_data_keys() == []


def test_the_deploy_check_reports_a_malformed_key() -> None:
    with override_settings(PI_ENCRYPTION_KEY="not base64!", PI_INDEX_KEY=random_key_text()):
        ids = [message.id for message in check_personal_data_keys()]
    assert ids == ["communitygate.E001"]
