"""Idempotency keys (幂等键): a retried create answers the first create, never a second row.

A client that sends a create (`POST` with an `Idempotency-Key` header) and loses the answer sends
it again with the same key. Every model that takes keys stores the key as sent in
`idempotency_key` (1–64 printable ASCII characters, never cut) and a hash of the request's
meaningful inputs in `request_hash`, under a unique constraint over (acting person, key) for
non-empty keys (`key_constraint`). `idempotent_create` then answers:

- a new key: the create runs and stores the key and hash on its row;
- the same key and the same body: the first row, nothing created;
- the same key and another body: `IdempotencyKeyReused` (422 `idempotency_key_reused`);
- a key longer than 64 characters or with other than printable ASCII: `InvalidInput` (422),
  checked once by `idempotency_key_checked`.

Two requests with the same key at the same moment leave one row: the second insert hits the
unique constraint, and its IntegrityError is answered by re-reading the first row and comparing
hashes (on PostgreSQL the second insert waits for the first transaction to commit).

Forms on pages do not use these keys: a page guards its form with a one-time form token
(`http.formtokens`); the Idempotency-Key is the API's and scripts'.
"""

import hashlib
import json
import re
from collections.abc import Callable, Mapping

from django.db import IntegrityError, models, transaction

from communitygate.core.crypto import blind_index
from communitygate.core.errors import InvalidInput, Problem, RuleBroken

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 64
_KEY_SHAPE = re.compile(r"[\x20-\x7e]{1,%d}" % MAX_KEY_LENGTH)  # noqa: UP031 (a regex)


class IdempotencyKeyReused(RuleBroken):
    """The key already made a row from a different request."""

    code = "idempotency_key_reused"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "该 Idempotency-Key 已用于内容不同的另一次提交；新的提交请换一个新的 Key。",
            "This Idempotency-Key was already used for a different request; use a new key for "
            "a new request.",
        )


def idempotency_key_checked(raw: str) -> str:
    """The key as it will be stored ("" for none): surrounding blanks dropped, otherwise as sent.

    Longer than 64 characters, or holding anything but printable ASCII: InvalidInput naming
    the header."""
    key = raw.strip()
    if not key:
        return ""
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            [
                Problem(
                    f"{IDEMPOTENCY_KEY_HEADER} 不能超过{MAX_KEY_LENGTH}个字符。",
                    f"The {IDEMPOTENCY_KEY_HEADER} is longer than {MAX_KEY_LENGTH} characters.",
                    field=IDEMPOTENCY_KEY_HEADER,
                )
            ]
        )
    if not _KEY_SHAPE.fullmatch(key):
        raise InvalidInput(
            [
                Problem(
                    f"{IDEMPOTENCY_KEY_HEADER} 只能包含可见的英文字符（ASCII）。",
                    f"The {IDEMPOTENCY_KEY_HEADER} may hold printable ASCII characters only.",
                    field=IDEMPOTENCY_KEY_HEADER,
                )
            ]
        )
    return key


def request_hash(body: Mapping[str, object], *, keyed_as: str = "") -> str:
    """SHA-256 of the body's canonical JSON (sorted keys), as 64 hex characters.

    `keyed_as` makes it an HMAC (`core.crypto.blind_index`): for a body holding personal data
    that a plain hash would give back to guessing (a phone beside its stored mask)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    if keyed_as:
        return blind_index(keyed_as, canonical)
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_constraint(
    *scope: str, name: str, condition: models.Q | None = None
) -> models.UniqueConstraint:
    """The unique constraint behind a model's keys: one row per (scope…, key), empty keys free."""
    applies = ~models.Q(idempotency_key="")
    return models.UniqueConstraint(
        fields=[*scope, "idempotency_key"],
        condition=applies & condition if condition is not None else applies,
        name=name,
    )


def earlier_answer[Row: models.Model](rows: "models.QuerySet[Row]", fingerprint: str) -> Row | None:
    """The row the key already made (None if none); another request's row is refused."""
    earlier = rows.first()
    if earlier is None:
        return None
    if getattr(earlier, "request_hash", "") != fingerprint:
        raise IdempotencyKeyReused()
    return earlier


def idempotent_create[Row: models.Model](
    *,
    key: str,
    fingerprint: str,
    same_key: "models.QuerySet[Row]",
    create: Callable[[], Row],
) -> Row:
    """Run `create` once per key: `same_key` are the rows of this person with this key (the
    constraint's scope), `create` stores `key` and `fingerprint` on the row it makes."""
    if not key:
        return create()
    earlier = earlier_answer(same_key, fingerprint)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        # The same key arrived twice at once: the other request's row is the answer.
        earlier = earlier_answer(same_key, fingerprint)
        if earlier is None:
            raise
        return earlier
