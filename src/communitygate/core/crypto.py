"""Personal information at rest: encrypted columns, and exact-match search without plaintext.

An ID number or phone is stored three ways (a `Sealed` value): AES-256-GCM ciphertext that only
the application can read, a blind index (a keyed HMAC of the normalised value) that finds equal
values without decrypting, and a mask for display. The cipher class is a setting, so a
GM/T SM4 implementation can replace AES without touching the callers.

Keys come from the environment in production: COMMUNITYGATE_PI_KEY (encryption) and
COMMUNITYGATE_PI_INDEX_KEY (blind index), each the base64 of 32 random bytes, e.g.
`python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`.
Without them (development, tests, the demo) both are derived from SECRET_KEY, which then can
never be rotated without losing every encrypted value: production must set them, and the
deploy check (communitygate.W001, W002) says so.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

DEFAULT_CIPHER = "communitygate.core.crypto.AesGcmCipher"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION_PREFIX = "v1:"

# HKDF labels: the two keys derived from one SECRET_KEY must differ.
ENCRYPTION_KEY_INFO = b"communitygate personal data encryption v1"
INDEX_KEY_INFO = b"communitygate personal data blind index v1"


class CipherError(Exception):
    """A token that does not decrypt: tampered with, truncated, or sealed under another key."""


class PersonalDataCipher(Protocol):
    """Encrypts text to an ASCII token that fits a TextField; equal texts give different tokens."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce per value: token = "v1:" + base64url(nonce + ct)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"AES-256-GCM needs a {KEY_BYTES}-byte key, not {len(key)} bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)
        return VERSION_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def decrypt(self, token: str) -> str:
        sealed = _token_bytes(token)
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise CipherError("the token is too short to hold a nonce and a tag")
        nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, ciphertext, None).decode("utf-8")
        except (InvalidTag, UnicodeDecodeError) as error:
            raise CipherError("the token does not decrypt under this key") from error


@dataclass(frozen=True)
class Sealed:
    """One personal value as stored: ciphertext to read it, digest to find it, mask to show it."""

    ciphertext: str
    digest: str
    masked: str


@functools.cache
def cipher() -> PersonalDataCipher:
    """The configured cipher (COMMUNITYGATE["PI_CIPHER"]), built once per process."""
    dotted_path = settings.COMMUNITYGATE.get("PI_CIPHER", DEFAULT_CIPHER)
    cipher_class = import_string(dotted_path)
    configured: PersonalDataCipher = cipher_class(key=encryption_key())
    return configured


def reset_cipher_cache() -> None:
    """Forget the cipher and keys built from settings (tests that change them)."""
    cipher.cache_clear()
    encryption_key.cache_clear()
    index_key.cache_clear()


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value, as 64 hex characters; `kind` keeps an ID number and a
    phone with the same digits apart."""
    message = f"{kind}\x00{value}".encode()
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()


def seal(kind: str, value: str, masked: str) -> Sealed:
    """Encrypt a normalised value and index it; the caller supplies its mask."""
    return Sealed(
        ciphertext=cipher().encrypt(value), digest=blind_index(kind, value), masked=masked
    )


def unseal(ciphertext: str) -> str:
    return cipher().decrypt(ciphertext)


@functools.cache
def encryption_key() -> bytes:
    return _configured_or_derived_key("PI_ENCRYPTION_KEY", ENCRYPTION_KEY_INFO)


@functools.cache
def index_key() -> bytes:
    return _configured_or_derived_key("PI_INDEX_KEY", INDEX_KEY_INFO)


def check_personal_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Deploy check: production sets both keys, each the base64 of 32 bytes."""
    messages: list[CheckMessage] = []
    for setting_name, env_var, warning_id in (
        ("PI_ENCRYPTION_KEY", "COMMUNITYGATE_PI_KEY", "communitygate.W001"),
        ("PI_INDEX_KEY", "COMMUNITYGATE_PI_INDEX_KEY", "communitygate.W002"),
    ):
        value = getattr(settings, setting_name, "")
        if not value:
            messages.append(
                CheckWarning(
                    f"{env_var} is not set: personal data keys are derived from SECRET_KEY, "
                    "and rotating SECRET_KEY would make every encrypted value unreadable.",
                    hint=f"Set {env_var} to the base64 of 32 random bytes and keep it safe.",
                    id=warning_id,
                )
            )
        elif _decoded_key(value) is None:
            messages.append(
                CheckError(
                    f"{env_var} is not the base64 of {KEY_BYTES} bytes.",
                    hint='python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"',
                    id="communitygate.E001",
                )
            )
    return messages


def _configured_or_derived_key(setting_name: str, info: bytes) -> bytes:
    configured = getattr(settings, setting_name, "")
    if configured:
        key = _decoded_key(configured)
        if key is None:
            raise ImproperlyConfigured(f"{setting_name} must be the base64 of {KEY_BYTES} bytes")
        return key
    derive = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info)
    return derive.derive(settings.SECRET_KEY.encode("utf-8"))


def _decoded_key(value: str) -> bytes | None:
    """The key bytes of a base64 (standard or URL-safe) text, or None when it is not 32 bytes."""
    standard = value.strip().replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(standard, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def _token_bytes(token: str) -> bytes:
    if not token.startswith(VERSION_PREFIX):
        raise CipherError("the token is not a v1 personal data token")
    try:
        return base64.urlsafe_b64decode(token[len(VERSION_PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError) as error:
        raise CipherError("the token is not valid base64") from error


def _forget_keys_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"PI_ENCRYPTION_KEY", "PI_INDEX_KEY", "SECRET_KEY", "COMMUNITYGATE"}:
        reset_cipher_cache()


# override_settings in tests announces each change; the caches must not outlive it.
setting_changed.connect(_forget_keys_when_settings_change, dispatch_uid="communitygate.crypto")
