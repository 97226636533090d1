"""Key fingerprints (a backup's manifest): they tell keys apart without revealing them, and a
restore finds which of the backup's keys the configuration lacks."""

import base64
import os

from django.test import override_settings

from communitygate.core.crypto import (
    encryption_key,
    key_fingerprints,
    key_fingerprints_from,
)


def a_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_the_fingerprint_names_each_key_and_holds_none_of_them() -> None:
    current, old = a_key(), a_key()
    with override_settings(PI_ENCRYPTION_KEY=current, PI_KEY_ID="k2", PI_OLD_KEYS=f"k1:{old}"):
        prints = key_fingerprints()
        assert sorted(prints.personal_data) == ["k1", "k2"]
        assert prints.personal_data["k1"] != prints.personal_data["k2"]
        text = str(prints.as_dict())
        assert encryption_key().hex() not in text and current not in text and old not in text
        assert key_fingerprints_from(prints.as_dict()) == prints


def test_a_restore_needs_every_key_of_the_backup_and_tolerates_newer_ones() -> None:
    first, second = a_key(), a_key()
    with override_settings(PI_ENCRYPTION_KEY=first, PI_KEY_ID="k1", PI_OLD_KEYS=""):
        backup = key_fingerprints()
    # Rotated since: k1 is an old key now, k2 the current one. The backup still reads.
    with override_settings(PI_ENCRYPTION_KEY=second, PI_KEY_ID="k2", PI_OLD_KEYS=f"k1:{first}"):
        assert backup.missing_from(key_fingerprints()) == []
    # Another installation's key under the same id: refused, by name.
    with override_settings(PI_ENCRYPTION_KEY=second, PI_KEY_ID="k1", PI_OLD_KEYS=""):
        assert backup.missing_from(key_fingerprints()) == ["personal_data:k1"]
    with override_settings(PI_ENCRYPTION_KEY=first, PI_KEY_ID="k1", PI_INDEX_KEY=a_key()):
        assert backup.missing_from(key_fingerprints()) == ["index"]
    with override_settings(PI_ENCRYPTION_KEY=first, PI_KEY_ID="k1", AUDIT_CHAIN_KEY=a_key()):
        assert backup.missing_from(key_fingerprints()) == ["audit:a1"]
