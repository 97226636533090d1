"""Personal information at rest: encrypted columns, and exact-match search without plaintext.

An ID number, phone or address is stored three ways (a `Sealed` value): ciphertext that only
the application can read, a blind index (a keyed HMAC of the normalised value) that finds equal
values without decrypting, and a mask for display.

**The stored token** names how to read it: `v2:<cipher>:<key id>:<base64url(nonce + ct)>`, e.g.
`v2:aesgcm:k1:…`. Decryption picks the cipher by its name and the key by its id, so values
sealed under an older key (or an older cipher) stay readable while `rotate_pi_keys` re-seals
them. Every value is encrypted with **associated data**: the token's header and the value's
kind (`"id_number"`, `"phone"`, `"address"`, …), so a ciphertext copied into a column of
another kind does not decrypt (`CipherError`), it never reads as the other value. The kind is
the column's kind, not the column: a matter copies the resident's sealed phone as it is, never
decrypting it, and both are phones.

**The cipher** encrypting new values is COMMUNITYGATE["PI_CIPHER"] (AES-256-GCM by default), so
a GM/T SM4 implementation can replace AES without touching the callers; AES-GCM stays readable.

**Keys** come from the environment in production: COMMUNITYGATE_PI_KEY (the current encryption
key), COMMUNITYGATE_PI_KEY_ID (its id, default "k1"), COMMUNITYGATE_PI_OLD_KEYS (keys still
readable, "k0:<base64>,k00:<base64>") and COMMUNITYGATE_PI_INDEX_KEY (blind index), each the
base64 of 32 random bytes: `python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`.
Without them (development, tests, the demo) the keys are derived from SECRET_KEY; with DEBUG
off and no demo the WSGI/ASGI application refuses to start (`require_personal_data_keys`) and
`check --deploy` reports errors E002/E003. The blind index key is not rotated: a new index key
would need every digest recomputed from the decrypted values (not built).

**The audit chain's key** is kept here too, so that one place says which keys production must
set: COMMUNITYGATE_AUDIT_KEY (HMAC key of every audit event's hash and of the chain's
checkpoints, `audit.chain`), COMMUNITYGATE_AUDIT_KEY_ID (default "a1", written on each event)
and COMMUNITYGATE_AUDIT_OLD_KEYS (keys that still verify older events); E005 when unset.

The first format, `v1:<base64url(nonce + ct)>` (AES-GCM, no key id, no associated data), is
still read (under the current key, then each old key) until `rotate_pi_keys` re-seals it.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, transaction
from django.utils.module_loading import import_string

DEFAULT_CIPHER = "communitygate.core.crypto.AesGcmCipher"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = "v2"
LEGACY_PREFIX = "v1:"
DEFAULT_KEY_ID = "k1"
KEY_ID_SHAPE = re.compile(r"[a-z0-9]{1,16}")
CIPHER_NAME_SHAPE = re.compile(r"[a-z0-9]{1,16}")

# HKDF labels: the two keys derived from one SECRET_KEY must differ.
ENCRYPTION_KEY_INFO = b"communitygate personal data encryption v1"
INDEX_KEY_INFO = b"communitygate personal data blind index v1"
AUDIT_CHAIN_KEY_INFO = b"communitygate audit chain v1"
DEFAULT_AUDIT_KEY_ID = "a1"

PRODUCTION_KEYS = (
    ("PI_ENCRYPTION_KEY", "COMMUNITYGATE_PI_KEY", "communitygate.E002"),
    ("PI_INDEX_KEY", "COMMUNITYGATE_PI_INDEX_KEY", "communitygate.E003"),
    ("AUDIT_CHAIN_KEY", "COMMUNITYGATE_AUDIT_KEY", "communitygate.E005"),
)


class CipherError(Exception):
    """A token that does not decrypt: tampered with, truncated, sealed under an unknown key or
    cipher, or sealed for another kind of value."""


class PersonalDataCipher(Protocol):
    """An AEAD cipher over bytes, named in the stored token; `crypto` frames the token.

    `decrypt` raises CipherError when the bytes or the associated data do not authenticate."""

    name: ClassVar[str]

    def __init__(self, key: bytes) -> None: ...

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes: ...

    def decrypt(self, sealed: bytes, associated_data: bytes) -> bytes: ...


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce per value: sealed = nonce + ciphertext + tag."""

    name: ClassVar[str] = "aesgcm"

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"AES-256-GCM needs a {KEY_BYTES}-byte key, not {len(key)} bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, sealed: bytes, associated_data: bytes | None) -> bytes:
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise CipherError("the token is too short to hold a nonce and a tag")
        nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, ciphertext, associated_data)
        except InvalidTag as error:
            raise CipherError(
                "the token does not decrypt under this key for this kind of value"
            ) from error


@dataclass(frozen=True)
class Sealed:
    """One personal value as stored: ciphertext to read it, digest to find it, mask to show it."""

    ciphertext: str
    digest: str
    masked: str


@dataclass(frozen=True)
class Keyring:
    """The current key (new values) and every key still readable, by id."""

    current_id: str
    keys: Mapping[str, bytes]


class SealedTextField(models.TextField[str, str]):
    """A column of sealed tokens of one kind: `rotate_pi_keys` finds every such column.

    The kind is Python-only (it deconstructs as a TextField): it changes nothing in the table."""

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs

    def clone(self) -> "SealedTextField":
        copy: SealedTextField = super().clone()
        copy.kind = self.kind
        return copy


# Sealing and reading ------------------------------------------------------------------------


def encrypt(kind: str, plaintext: str) -> str:
    """The token of a text of this kind, under the current cipher and key."""
    current = cipher()
    header = current_header()
    sealed = current.encrypt(plaintext.encode("utf-8"), _associated_data(header, kind))
    return header + base64.urlsafe_b64encode(sealed).decode("ascii")


def unseal(kind: str, token: str) -> str:
    """The text of a token sealed for this kind, under any readable key; CipherError otherwise."""
    if token.startswith(LEGACY_PREFIX):
        return _unseal_legacy(token)
    parts = token.split(":", 3)
    if len(parts) != 4 or parts[0] != VERSION:
        raise CipherError("the text is not a personal data token")
    _version, cipher_name, key_id, body = parts
    header = f"{VERSION}:{cipher_name}:{key_id}:"
    plaintext = _cipher_for(cipher_name, key_id).decrypt(
        _token_bytes(body), _associated_data(header, kind)
    )
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CipherError("the token does not hold text") from error


def seal(kind: str, value: str, masked: str) -> Sealed:
    """Encrypt a normalised value and index it; the caller supplies its mask."""
    return Sealed(ciphertext=encrypt(kind, value), digest=blind_index(kind, value), masked=masked)


def is_current(token: str) -> bool:
    """Whether a token is sealed under the current cipher and key (nothing to rotate)."""
    return token.startswith(current_header())


def reseal(kind: str, token: str) -> str:
    """The same value sealed under the current cipher and key."""
    return encrypt(kind, unseal(kind, token))


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value, as 64 hex characters; `kind` keeps an ID number and a
    phone with the same digits apart."""
    message = f"{kind}\x00{value}".encode()
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()


# The configured cipher and keys -------------------------------------------------------------


def current_header() -> str:
    """`v2:<cipher>:<key id>:`, the prefix of every token sealed now."""
    return f"{VERSION}:{cipher().name}:{keyring().current_id}:"


@functools.cache
def cipher() -> PersonalDataCipher:
    """The cipher that seals new values (COMMUNITYGATE["PI_CIPHER"]) under the current key."""
    return _cipher_for(_configured_cipher_class().name, keyring().current_id)


@functools.cache
def _cipher_for(cipher_name: str, key_id: str) -> PersonalDataCipher:
    cipher_class = _readable_cipher_classes().get(cipher_name)
    if cipher_class is None:
        raise CipherError(f"the token names an unknown cipher {cipher_name!r}")
    key = keyring().keys.get(key_id)
    if key is None:
        raise CipherError(
            f"the token names key {key_id!r}, which is neither the current key nor an old one "
            "(COMMUNITYGATE_PI_OLD_KEYS)"
        )
    return cipher_class(key=key)


def _configured_cipher_class() -> type[PersonalDataCipher]:
    dotted_path = settings.COMMUNITYGATE.get("PI_CIPHER", DEFAULT_CIPHER)
    cipher_class: type[PersonalDataCipher] = import_string(dotted_path)
    if not CIPHER_NAME_SHAPE.fullmatch(getattr(cipher_class, "name", "")):
        raise ImproperlyConfigured(
            f"{dotted_path} needs a `name` of lower-case letters and digits (the token names it)"
        )
    return cipher_class


def _readable_cipher_classes() -> dict[str, type[PersonalDataCipher]]:
    """The configured cipher and AES-GCM (what every earlier token was sealed with)."""
    configured = _configured_cipher_class()
    return {AesGcmCipher.name: AesGcmCipher, configured.name: configured}


def reset_cipher_cache() -> None:
    """Forget the ciphers and keys built from settings (tests that change them)."""
    cipher.cache_clear()
    _cipher_for.cache_clear()
    keyring.cache_clear()
    audit_chain_keyring.cache_clear()
    encryption_key.cache_clear()
    index_key.cache_clear()


@functools.cache
def keyring() -> Keyring:
    """COMMUNITYGATE_PI_KEY under COMMUNITYGATE_PI_KEY_ID, and COMMUNITYGATE_PI_OLD_KEYS."""
    keys = {**old_keys(), current_key_id(): encryption_key()}
    return Keyring(current_id=current_key_id(), keys=keys)


def current_key_id() -> str:
    return _key_id("PI_KEY_ID", "COMMUNITYGATE_PI_KEY_ID", DEFAULT_KEY_ID)


def old_keys() -> dict[str, bytes]:
    """COMMUNITYGATE_PI_OLD_KEYS ("id:base64,id:base64"): keys that still read, never seal."""
    return _listed_keys("PI_OLD_KEYS", "COMMUNITYGATE_PI_OLD_KEYS")


@functools.cache
def audit_chain_keyring() -> Keyring:
    """COMMUNITYGATE_AUDIT_KEY under COMMUNITYGATE_AUDIT_KEY_ID (new events), and
    COMMUNITYGATE_AUDIT_OLD_KEYS: keys that still verify the events they hashed."""
    current = _key_id("AUDIT_CHAIN_KEY_ID", "COMMUNITYGATE_AUDIT_KEY_ID", DEFAULT_AUDIT_KEY_ID)
    keys = {
        **_listed_keys("AUDIT_CHAIN_OLD_KEYS", "COMMUNITYGATE_AUDIT_OLD_KEYS"),
        current: _configured_or_derived_key("AUDIT_CHAIN_KEY", AUDIT_CHAIN_KEY_INFO),
    }
    return Keyring(current_id=current, keys=keys)


def _key_id(setting_name: str, env_var: str, default: str) -> str:
    key_id = _setting(setting_name) or default
    if not KEY_ID_SHAPE.fullmatch(key_id):
        raise ImproperlyConfigured(
            f"{env_var} {key_id!r} must be 1-16 lower-case letters and digits"
        )
    return key_id


def _listed_keys(setting_name: str, env_var: str) -> dict[str, bytes]:
    """ "id:base64,id:base64" pairs, each id 1-16 lower-case letters and digits."""
    keys: dict[str, bytes] = {}
    for entry in _setting(setting_name).split(","):
        if not entry.strip():
            continue
        key_id, _, key_text = entry.strip().partition(":")
        key = _decoded_key(key_text)
        if not KEY_ID_SHAPE.fullmatch(key_id) or key is None:
            raise ImproperlyConfigured(
                f"{env_var} must be id:base64 pairs separated by commas, each id "
                f"1-16 lower-case letters and digits and each key {KEY_BYTES} bytes"
            )
        keys[key_id] = key
    return keys


@functools.cache
def encryption_key() -> bytes:
    return _configured_or_derived_key("PI_ENCRYPTION_KEY", ENCRYPTION_KEY_INFO)


@functools.cache
def index_key() -> bytes:
    return _configured_or_derived_key("PI_INDEX_KEY", INDEX_KEY_INFO)


# Production needs its own keys --------------------------------------------------------------


def is_production_configuration() -> bool:
    """DEBUG off and no demo: the personal data must be sealed under keys of its own."""
    return not settings.DEBUG and not settings.COMMUNITYGATE.get("DEMO", False)


def missing_production_keys() -> list[str]:
    """The environment variables of the keys that are not set (derived from SECRET_KEY)."""
    return [env_var for setting_name, env_var, _ in PRODUCTION_KEYS if not _setting(setting_name)]


def require_personal_data_keys() -> None:
    """Refuse to serve a production configuration whose keys would come from SECRET_KEY (the
    WSGI and ASGI entry points call it: gunicorn runs no system checks)."""
    missing = missing_production_keys()
    if not missing or not is_production_configuration():
        return
    names = ", ".join(missing)
    raise ImproperlyConfigured(
        f"未设置密钥 {names}：生产环境（DEBUG 关闭且非演示）必须设置，否则身份证号码和电话将用由 "
        "SECRET_KEY 派生的密钥加密，审计链也将用它签名。请将其设为 32 个随机字节的 base64 编码。 / "
        f"{names} is not set: with DEBUG off and no demo, personal data must be sealed and the "
        "audit chain signed under keys of their own, not keys derived from SECRET_KEY. Set it "
        "to the base64 of 32 random "
        'bytes: python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
    )


def check_personal_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Deploy check: production sets both keys, each the base64 of 32 bytes, and well-formed
    key ids and old keys."""
    messages: list[CheckMessage] = []
    for setting_name, env_var, error_id in PRODUCTION_KEYS:
        value = _setting(setting_name)
        if not value:
            messages.append(
                CheckError(
                    f"{env_var} is not set: the key is derived from SECRET_KEY, and rotating "
                    "SECRET_KEY would make every encrypted value unreadable and the audit "
                    "chain unverifiable. "
                    "With DEBUG off and no demo the server does not start.",
                    hint=f"Set {env_var} to the base64 of 32 random bytes and keep it safe.",
                    id=error_id,
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
    for read in (current_key_id, old_keys, audit_chain_keyring):
        try:
            read()
        except ImproperlyConfigured as error:
            messages.append(CheckError(str(error), id="communitygate.E004"))
    return messages


# Fingerprints --------------------------------------------------------------------------------

FINGERPRINT_LABEL = b"communitygate key fingerprint v1"


@dataclass(frozen=True)
class KeyFingerprints:
    """What a backup records of the keys its data needs, never the keys: each key's id and a
    keyed check value (HMAC-SHA256 of a fixed label under the key, 16 hex digits), so that a
    restore can tell whether the configured keys will read the personal data and verify the
    audit chain (operations.backups)."""

    personal_data: Mapping[str, str]  # key id → check value (the current key and the old ones)
    index: str
    audit: Mapping[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "personal_data": dict(self.personal_data),
            "index": self.index,
            "audit": dict(self.audit),
        }

    @property
    def summary(self) -> str:
        """One short text for people comparing two installations."""
        text = json.dumps(self.as_dict(), sort_keys=True).encode("utf-8")
        return hashlib.sha256(text).hexdigest()[:16]

    def missing_from(self, configured: "KeyFingerprints") -> list[str]:
        """The keys of this set that `configured` does not hold (by id and check value): data
        written under them would not read, or the chain would not verify. Extra keys in
        `configured` (a rotation since) do no harm."""
        missing = [
            f"personal_data:{key_id}"
            for key_id, check in self.personal_data.items()
            if configured.personal_data.get(key_id) != check
        ]
        if configured.index != self.index:
            missing.append("index")
        missing += [
            f"audit:{key_id}"
            for key_id, check in self.audit.items()
            if configured.audit.get(key_id) != check
        ]
        return missing


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def key_fingerprints() -> KeyFingerprints:
    """The configured personal-data, blind-index and audit keys as fingerprints."""
    return KeyFingerprints(
        personal_data={key_id: key_fingerprint(key) for key_id, key in keyring().keys.items()},
        index=key_fingerprint(index_key()),
        audit={key_id: key_fingerprint(key) for key_id, key in audit_chain_keyring().keys.items()},
    )


def key_fingerprints_from(data: Mapping[str, Any]) -> KeyFingerprints:
    """KeyFingerprints.as_dict() read back (a backup's manifest)."""
    return KeyFingerprints(
        personal_data={str(k): str(v) for k, v in dict(data["personal_data"]).items()},
        index=str(data["index"]),
        audit={str(k): str(v) for k, v in dict(data["audit"]).items()},
    )


# Rotation -----------------------------------------------------------------------------------


@dataclass
class RotationReport:
    """What `rotate_sealed_values` did: counts only, never a value."""

    key_id: str
    resealed: dict[str, int] = field(default_factory=dict)  # "app.model.field" → count
    changed_meanwhile: int = 0  # edited while being re-sealed: left as the edit wrote it
    unreadable: list[str] = field(default_factory=list)  # "app.model.field#pk"
    remaining: int = 0  # still not under the current key after the run

    @property
    def total_resealed(self) -> int:
        return sum(self.resealed.values())


def sealed_columns() -> Iterator[tuple[type[models.Model], SealedTextField]]:
    for model in apps.get_models():
        for column in model._meta.local_concrete_fields:
            if isinstance(column, SealedTextField):
                yield model, column


def count_not_current() -> int:
    """How many sealed values are not under the current cipher and key (what a rotation does)."""
    header = current_header()
    return sum(_not_current(model, column, header).count() for model, column in sealed_columns())


def rotate_sealed_values(
    *, batch_size: int = 500, progress: Callable[[str], None] | None = None
) -> RotationReport:
    """Re-seal every value of every SealedTextField not under the current cipher and key.

    Batches by primary key, each batch its own transaction; each value is written with a
    conditional UPDATE (only if the column still holds the token that was read), so an edit
    made meanwhile is never overwritten. Readers keep working throughout: old keys stay
    readable. Safe to rerun: current values are never selected.
    """
    report = RotationReport(key_id=keyring().current_id)
    header = current_header()
    for model, column in sealed_columns():
        label = f"{model._meta.label_lower}.{column.name}"
        pending = _not_current(model, column, header)
        last_pk: Any = None
        while True:
            window = pending if last_pk is None else pending.filter(pk__gt=last_pk)
            batch = list(window.order_by("pk").values_list("pk", column.attname)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1][0]
            with transaction.atomic():
                for pk, token in batch:
                    try:
                        fresh = reseal(column.kind, token)
                    except CipherError:
                        report.unreadable.append(f"{label}#{pk}")
                        continue
                    # Only if the column still holds what was read: an edit meanwhile wins.
                    unchanged = model._base_manager.filter(pk=pk, **{column.attname: token})
                    written = unchanged.update(**{column.attname: fresh})
                    if written:
                        report.resealed[label] = report.resealed.get(label, 0) + 1
                    else:
                        report.changed_meanwhile += 1
            if progress is not None:
                progress(f"{label}: {report.resealed.get(label, 0)} re-sealed")
    report.remaining = count_not_current()
    return report


def _not_current(
    model: type[models.Model], column: SealedTextField, header: str
) -> "models.QuerySet[Any]":
    return model._base_manager.exclude(**{column.attname: ""}).exclude(
        **{f"{column.attname}__startswith": header}
    )


# Inside -------------------------------------------------------------------------------------


def _associated_data(header: str, kind: str) -> bytes:
    # The header binds cipher and key id; the kind binds the kind of column.
    return f"{header}{kind}".encode()


def _unseal_legacy(token: str) -> str:
    """A v1 token: AES-GCM without associated data, under the current key or an old one."""
    sealed = _token_bytes(token[len(LEGACY_PREFIX) :])
    ring = keyring()
    for key_id in sorted(ring.keys, key=lambda k: k != ring.current_id):  # the current first
        try:
            plaintext = AesGcmCipher(ring.keys[key_id]).decrypt(sealed, None)
        except CipherError:
            continue
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CipherError("the token does not hold text") from error
    raise CipherError("the v1 token does not decrypt under any readable key")


def _setting(name: str) -> str:
    value: str = getattr(settings, name, "")
    return value


def _configured_or_derived_key(setting_name: str, info: bytes) -> bytes:
    configured = _setting(setting_name)
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


def _token_bytes(body: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(body.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise CipherError("the token is not valid base64") from error


def _forget_keys_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    watched = {
        "PI_ENCRYPTION_KEY",
        "PI_INDEX_KEY",
        "PI_KEY_ID",
        "PI_OLD_KEYS",
        "AUDIT_CHAIN_KEY",
        "AUDIT_CHAIN_KEY_ID",
        "AUDIT_CHAIN_OLD_KEYS",
        "SECRET_KEY",
    }
    if setting in watched | {"COMMUNITYGATE"}:
        reset_cipher_cache()


# override_settings in tests announces each change; the caches must not outlive it.
setting_changed.connect(_forget_keys_when_settings_change, dispatch_uid="communitygate.crypto")
